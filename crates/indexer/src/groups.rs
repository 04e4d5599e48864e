//! Recurring recommendations: items with near-identical wording grouped across resolutions.
//!
//! Each item gets a MinHash signature of its wording at indexing time (stored as a fast field).
//! After a build commits, one pass reads every distinct signature and places it, most frequent
//! first, in the group of the most similar leader it shares a locality-sensitive-hashing band
//! with, when the estimated similarity reaches [`SAME_WORDING`] (otherwise it leads a group of
//! its own). The groups are written beside the
//! index (`groups.bin`) with, for every document, the group it belongs to, so the searcher
//! reads a hit's group in constant time and can collapse a group into one hit.
//!
//! The wording is compared as a set of shingles: the stems of the words that carry meaning
//! (stop words left out, `ё` folded) and the pairs of neighbouring stems. Inflection, case,
//! punctuation, quotes and numbering do not separate two items; another object, a negation or
//! a different addressee in the text does.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use edusearch_russian::StemCache;
use rustc_hash::FxHashMap;
use tantivy::{DocId, Index, Searcher, SegmentReader};

use crate::IndexError;
use crate::schema::fields;

/// Number of MinHash values in a signature.
pub const SIGNATURE_LEN: usize = 32;
/// Signature values per LSH band: two items become candidates when one band is equal.
const ROWS_PER_BAND: usize = 4;
/// Bands of a signature.
const BANDS: usize = SIGNATURE_LEN / ROWS_PER_BAND;
/// Estimated shingle similarity from which two items count as the same recommendation. Tuned
/// on the labelled pairs in `tests/grouping/pairs.toml` (see the test in this module).
pub const SAME_WORDING: f64 = 0.55;
/// Leaders compared per LSH bucket (the first, most frequent ones) when placing a wording.
const LEADERS_PER_BUCKET: usize = 64;
/// Group index of a document that is in no group.
pub const NO_GROUP: u32 = u32::MAX;
/// File of the groups, in each generation folder.
pub const GROUPS_FILE: &str = "groups.bin";
const MAGIC: &[u8; 8] = b"EDUGRP01";

/// The fingerprint of an item's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature {
    /// The lowest 16 bits of each of [`SIGNATURE_LEN`] minimum hashes of the shingles.
    minhash: [u16; SIGNATURE_LEN],
    /// Key of the set of names in quotes («Билет в будущее»), 0 without any.
    names: u64,
}

/// Bytes of a signature as stored in the fast field.
const SIGNATURE_BYTES: usize = SIGNATURE_LEN * 2 + 8;

/// Gives `each` the stem of each word that carries meaning, in order.
fn for_each_meaningful_stem(text: &str, mut each: impl FnMut(&str)) {
    // The same words recur from item to item: the thread's cache stems each once.
    StemCache::with_thread_cache(|stems| {
        for word in edusearch_russian::words(text) {
            let forms = stems.forms(word.text);
            if !edusearch_russian::is_stop_word(&forms.normalized) {
                each(&forms.stem);
            }
        }
    });
}

/// The stems of the words that carry meaning, separated by spaces.
fn meaningful_stem_text(text: &str) -> String {
    let mut joined = String::new();
    let mut first = true;
    for_each_meaningful_stem(text, |stem| {
        if !first {
            joined.push(' ');
        }
        first = false;
        joined.push_str(stem);
    });
    joined
}

/// The shingles of a text: stems of its meaningful words and pairs of neighbouring stems, as
/// hashes (a stem's, and a pair's: the second stem's seeded with the first's).
fn shingles(text: &str) -> Vec<u64> {
    let mut shingles = Vec::new();
    let mut previous = None;
    for_each_meaningful_stem(text, |stem| {
        let hash = fnv1a(stem.as_bytes(), 0);
        shingles.push(hash);
        if let Some(first) = previous {
            shingles.push(fnv1a(stem.as_bytes(), first ^ PAIR_SEED));
        }
        previous = Some(hash);
    });
    // A set: the order is the sort's.
    shingles.sort_unstable();
    shingles.dedup();
    shingles
}

/// Mixed into the hash of a pair's first stem to seed the pair's.
const PAIR_SEED: u64 = 0x9E37_79B9_7F4A_7C15;

/// The key of the names a text quotes (programmes, projects, directions): items that name
/// different programmes are different recommendations however alike the rest reads.
fn names_key(text: &str) -> u64 {
    let mut names: Vec<String> = text
        .split('«')
        .skip(1)
        .filter_map(|rest| rest.split_once('»').map(|(name, _)| name))
        .map(meaningful_stem_text)
        .filter(|name| !name.is_empty())
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        return 0;
    }
    fnv1a(names.join("|").as_bytes(), 0x4E41_4D45).max(1)
}

/// The MinHash signature of an item's wording; `None` when it has no meaningful word.
pub fn signature(text: &str) -> Option<Signature> {
    let shingles = shingles(text);
    if shingles.is_empty() {
        return None;
    }
    let mut minhash = [0u16; SIGNATURE_LEN];
    for (slot, value) in minhash.iter_mut().enumerate() {
        let seed = PERMUTATION_SEEDS[slot];
        let minimum = shingles
            .iter()
            .map(|shingle| mix(shingle ^ seed))
            .min()
            .unwrap_or(u64::MAX);
        *value = (minimum >> 48) as u16;
    }
    Some(Signature {
        minhash,
        names: names_key(text),
    })
}

/// Estimated similarity of two wordings: the share of equal MinHash values (an estimate of
/// the Jaccard similarity of their shingles).
pub fn similarity(first: &Signature, second: &Signature) -> f64 {
    let equal = first
        .minhash
        .iter()
        .zip(&second.minhash)
        .filter(|(left, right)| left == right)
        .count();
    equal as f64 / SIGNATURE_LEN as f64
}

/// Whether two signatures are of the same recommendation: similar wording, and no different
/// quoted names.
pub fn same_signature(first: &Signature, second: &Signature) -> bool {
    let names_agree = first.names == second.names || first.names == 0 || second.names == 0;
    names_agree && similarity(first, second) >= SAME_WORDING
}

/// Whether two texts read as the same recommendation.
pub fn same_wording(first: &str, second: &str) -> bool {
    match (signature(first), signature(second)) {
        (Some(first), Some(second)) => same_signature(&first, &second),
        _ => false,
    }
}

/// The signature as stored in the fast field.
pub fn signature_bytes(signature: &Signature) -> Vec<u8> {
    let mut bytes: Vec<u8> = signature
        .minhash
        .iter()
        .flat_map(|value| value.to_le_bytes())
        .collect();
    bytes.extend_from_slice(&signature.names.to_le_bytes());
    bytes
}

fn signature_from_bytes(bytes: &[u8]) -> Option<Signature> {
    if bytes.len() != SIGNATURE_BYTES {
        return None;
    }
    let (minhash_bytes, names) = bytes.split_at(SIGNATURE_LEN * 2);
    let mut minhash = [0u16; SIGNATURE_LEN];
    for (value, pair) in minhash.iter_mut().zip(minhash_bytes.chunks_exact(2)) {
        *value = u16::from_le_bytes([pair[0], pair[1]]);
    }
    Some(Signature {
        minhash,
        names: u64::from_le_bytes(names.try_into().ok()?),
    })
}

/// A stable 64-bit key of a string (FNV-1a): keys of items, resolutions and regions.
pub fn key_of(text: &str) -> u64 {
    fnv1a(text.as_bytes(), 0)
}

fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    let mut hash = 0xCBF2_9CE4_8422_2325 ^ seed;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
    }
    hash
}

/// The splitmix64 finaliser: a cheap, well-spread permutation of 64-bit values.
fn mix(mut value: u64) -> u64 {
    value = (value ^ (value >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    value ^ (value >> 31)
}

/// One seed per signature slot, fixed so that signatures stay comparable across builds.
const PERMUTATION_SEEDS: [u64; SIGNATURE_LEN] = {
    let mut seeds = [0u64; SIGNATURE_LEN];
    let mut state: u64 = 0x05EE_D0F6_A00F_1DEA;
    let mut slot = 0;
    while slot < SIGNATURE_LEN {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut value = state;
        value = (value ^ (value >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        value = (value ^ (value >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        seeds[slot] = value ^ (value >> 31);
        slot += 1;
    }
    seeds
};

/// What is known of one group of recurring items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupInfo {
    /// Stable id: the smallest item key of the group (kept while that item stays indexed).
    pub id: u64,
    /// Items in the group.
    pub items: u32,
    /// Distinct resolutions the items come from (at least two).
    pub resolutions: u32,
    /// Distinct regions of those resolutions.
    pub regions: u32,
    /// Earliest year, 0 when no item has one.
    pub year_from: u16,
    /// Latest year, 0 when no item has one.
    pub year_to: u16,
}

/// The groups of one index generation, and the group of every document.
#[derive(Debug, Clone, Default)]
pub struct Groups {
    groups: Vec<GroupInfo>,
    /// Item keys of group `g` are `members[member_starts[g]..member_starts[g + 1]]`.
    member_starts: Vec<u32>,
    members: Vec<u64>,
    /// Per segment (by uuid): the group index of each document, or [`NO_GROUP`].
    segments: HashMap<String, Arc<[u32]>>,
}

impl Groups {
    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there is no group.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// A group by index.
    pub fn info(&self, group: u32) -> Option<&GroupInfo> {
        self.groups.get(group as usize)
    }

    /// The index of the group with a stable id.
    pub fn find(&self, id: u64) -> Option<u32> {
        self.groups
            .iter()
            .position(|info| info.id == id)
            .and_then(|index| u32::try_from(index).ok())
    }

    /// Item keys of a group's members.
    pub fn members(&self, group: u32) -> &[u64] {
        let group = group as usize;
        match (
            self.member_starts.get(group),
            self.member_starts.get(group + 1),
        ) {
            (Some(&start), Some(&end)) => &self.members[start as usize..end as usize],
            _ => &[],
        }
    }

    /// Group of every document of a segment (empty when the segment is unknown).
    pub fn segment(&self, segment_uuid: &str) -> &[u32] {
        self.segments.get(segment_uuid).map_or(&[], |groups| groups)
    }

    /// Per segment of a searcher, in its order: the group of every document (shared, not
    /// copied).
    pub fn for_searcher(&self, searcher: &Searcher) -> Vec<Arc<[u32]>> {
        searcher
            .segment_readers()
            .iter()
            .map(|segment| {
                self.segments
                    .get(&segment.segment_id().uuid_string())
                    .cloned()
                    .unwrap_or_else(|| Arc::from(Vec::new()))
            })
            .collect()
    }

    /// Reads the groups of a generation; no file (an index written before groups existed)
    /// gives no groups.
    pub fn load(generation: &Path) -> Result<Self, IndexError> {
        let path = generation.join(GROUPS_FILE);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(source) => {
                return Err(IndexError::Io {
                    action: "failed to read",
                    path,
                    source,
                });
            }
        };
        decode(&bytes).ok_or_else(|| IndexError::Unusable {
            path,
            reason: "the groups file is damaged; rebuild the index with `edusearch index --full`"
                .to_string(),
        })
    }

    fn save(&self, generation: &Path) -> Result<(), IndexError> {
        let path = generation.join(GROUPS_FILE);
        let io = |source| IndexError::Io {
            action: "failed to write",
            path: path.clone(),
            source,
        };
        let mut file = std::io::BufWriter::new(fs::File::create(&path).map_err(io)?);
        file.write_all(&encode(self)).map_err(io)?;
        file.into_inner()
            .map_err(|error| io(error.into_error()))?
            .sync_all()
            .map_err(io)
    }
}

/// What the grouping pass of a build did.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct GroupingReport {
    /// Items with a signature.
    pub items: usize,
    /// Distinct signatures among them.
    pub distinct_wordings: usize,
    /// Groups spanning at least two resolutions.
    pub groups: usize,
    /// Items in those groups.
    pub grouped_items: usize,
    /// Time the pass took.
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
}

fn seconds<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(duration.as_secs_f64())
}

/// A segment's uuid, its live item documents with their record, and its document count.
type SegmentItems = (String, Vec<(DocId, u32)>, u32);

/// One item document, as the grouping pass sees it.
struct ItemRecord {
    wording: u32,
    item_key: u64,
    resolution_key: u64,
    region_key: u64,
    year: u16,
}

/// Groups the items of a committed index and writes `groups.bin` into its folder.
pub fn write_groups(index: &Index, generation: &Path) -> Result<GroupingReport, IndexError> {
    let started = Instant::now();
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut wordings: Vec<Signature> = Vec::new();
    // Keys hashed by FxHash: SipHash was a fifth of the grouping, and no order is read.
    let mut wording_ids: FxHashMap<Signature, u32> = FxHashMap::default();
    let mut records: Vec<ItemRecord> = Vec::new();
    let mut segment_docs: Vec<SegmentItems> = Vec::new();
    for segment in searcher.segment_readers() {
        let docs = read_segment(segment, &mut wordings, &mut wording_ids, &mut records)?;
        segment_docs.push((segment.segment_id().uuid_string(), docs, segment.max_doc()));
    }
    let mut frequency = vec![0u32; wordings.len()];
    for record in &records {
        frequency[record.wording as usize] += 1;
    }
    let roots = join_similar(&wordings, &frequency);

    // Group every record by the root of its wording, keeping groups across resolutions.
    // Sorted with its keys at hand: a comparison that looked each record and its root up
    // was most of the sort.
    let mut keyed: Vec<(u32, u64, u32)> = records
        .iter()
        .enumerate()
        .map(|(index, record)| {
            (
                roots[record.wording as usize],
                record.item_key,
                index as u32,
            )
        })
        .collect();
    keyed.sort_unstable();
    let order: Vec<u32> = keyed.iter().map(|&(_, _, record)| record).collect();
    let mut groups = Groups::default();
    let mut group_of_record = vec![NO_GROUP; records.len()];
    let mut start = 0;
    for run in keyed.chunk_by(|first, second| first.0 == second.0) {
        let members = &order[start..start + run.len()];
        start += run.len();
        if let Some(info) = group_info(members, &records) {
            let group = groups.groups.len() as u32;
            groups.groups.push(info);
            groups.member_starts.push(groups.members.len() as u32);
            for &member in members {
                group_of_record[member as usize] = group;
                groups.members.push(records[member as usize].item_key);
            }
        }
    }
    groups.member_starts.push(groups.members.len() as u32);
    for (uuid, docs, max_doc) in segment_docs {
        let mut of_doc = vec![NO_GROUP; max_doc as usize];
        for (doc, record) in docs {
            of_doc[doc as usize] = group_of_record[record as usize];
        }
        groups.segments.insert(uuid, Arc::from(of_doc));
    }
    groups.save(generation)?;
    Ok(GroupingReport {
        items: records.len(),
        distinct_wordings: wordings.len(),
        groups: groups.len(),
        grouped_items: groups.members.len(),
        elapsed: started.elapsed(),
    })
}

/// Reads the item documents of a segment: their wording (deduplicated across the index) and
/// the keys that group statistics need. Returns each live item document with its record.
fn read_segment(
    segment: &SegmentReader,
    wordings: &mut Vec<Signature>,
    wording_ids: &mut FxHashMap<Signature, u32>,
    records: &mut Vec<ItemRecord>,
) -> Result<Vec<(DocId, u32)>, IndexError> {
    let fast = segment.fast_fields();
    let Some(signatures) = fast.bytes(fields::SIGNATURE)? else {
        return Ok(Vec::new());
    };
    // The column is dictionary-encoded: each distinct signature is read once.
    let mut local_to_wording: Vec<u32> = Vec::with_capacity(signatures.num_terms());
    let mut stream = signatures
        .dictionary()
        .stream()
        .map_err(|error| IndexError::Unusable {
            path: std::path::PathBuf::from(segment.segment_id().uuid_string()),
            reason: format!("cannot read the signatures of a segment: {error}"),
        })?;
    while stream.advance() {
        let id = match signature_from_bytes(stream.key()) {
            Some(signature) => *wording_ids.entry(signature).or_insert_with(|| {
                wordings.push(signature);
                (wordings.len() - 1) as u32
            }),
            None => NO_GROUP,
        };
        local_to_wording.push(id);
    }
    let column = |name: &str| {
        fast.u64(name)
            .map(|column| column.first_or_default_col(0))
            .map_err(IndexError::from)
    };
    let item_keys = column(fields::ITEM_KEY)?;
    let resolution_keys = column(fields::RESOLUTION_KEY)?;
    let region_keys = column(fields::REGION_KEY)?;
    let years = column(fields::YEAR_NUM)?;
    let mut docs = Vec::new();
    for doc in segment.doc_ids_alive() {
        let Some(ordinal) = signatures.term_ords(doc).next() else {
            continue;
        };
        let wording = local_to_wording[ordinal as usize];
        if wording == NO_GROUP {
            continue;
        }
        docs.push((doc, records.len() as u32));
        records.push(ItemRecord {
            wording,
            item_key: item_keys.get_val(doc),
            resolution_key: resolution_keys.get_val(doc),
            region_key: region_keys.get_val(doc),
            year: u16::try_from(years.get_val(doc)).unwrap_or(0),
        });
    }
    Ok(docs)
}

/// Groups wordings around leaders; returns the leader of each wording.
///
/// Wordings are taken most frequent first; each joins the most similar leader among those it
/// shares an LSH band with, when that leader is similar enough, and otherwise leads a group of
/// its own. Every member is thus close to its leader: groups do not grow by chains of near
/// pairs (A like B like C … like Z), which in a corpus of recombined fragments would join
/// nearly everything.
fn join_similar(wordings: &[Signature], frequency: &[u32]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..wordings.len() as u32).collect();
    order.sort_unstable_by_key(|&index| {
        // Signature order breaks ties, so the grouping does not depend on how documents
        // happened to fall into segments.
        (
            std::cmp::Reverse(frequency[index as usize]),
            wordings[index as usize].minhash,
            wordings[index as usize].names,
        )
    });
    let band_key = |signature: &Signature, band: usize| {
        signature.minhash[band * ROWS_PER_BAND..(band + 1) * ROWS_PER_BAND]
            .iter()
            .fold(band as u64, |key, row| (key << 16) ^ u64::from(*row))
    };
    let mut buckets = Buckets::default();
    let mut leader_of = vec![NO_GROUP; wordings.len()];
    for index in order {
        let signature = &wordings[index as usize];
        let mut best: Option<(f64, u32)> = None;
        for band in 0..BANDS {
            for leader in buckets.leaders(band_key(signature, band)) {
                let other = &wordings[leader as usize];
                if !same_signature(signature, other) {
                    continue;
                }
                let score = similarity(signature, other);
                if best.is_none_or(|(best_score, _)| score > best_score) {
                    best = Some((score, leader));
                }
            }
        }
        match best {
            Some((_, leader)) => leader_of[index as usize] = leader,
            None => {
                leader_of[index as usize] = index;
                for band in 0..BANDS {
                    buckets.push(band_key(signature, band), index);
                }
            }
        }
    }
    leader_of
}

/// The leaders of each LSH bucket, the first [`LEADERS_PER_BUCKET`] of them in the order they
/// came (no later one is ever compared): a table of lists over one vector of entries, so a
/// new leader costs no allocation of its own (a vector per bucket was a third of the join).
#[derive(Default)]
struct Buckets {
    /// Bucket key → its first entry, its last entry and its number of entries.
    lists: FxHashMap<u64, (u32, u32, u32)>,
    /// A leader and the next entry of its bucket ([`NO_GROUP`] after the last).
    entries: Vec<(u32, u32)>,
}

impl Buckets {
    /// The leaders of a bucket, first come first.
    fn leaders(&self, key: u64) -> impl Iterator<Item = u32> + '_ {
        let mut next = self.lists.get(&key).map_or(NO_GROUP, |list| list.0);
        std::iter::from_fn(move || {
            let (leader, after) = *self.entries.get(next as usize)?;
            next = after;
            Some(leader)
        })
    }

    /// Adds a leader to a bucket, unless the bucket has [`LEADERS_PER_BUCKET`] already.
    fn push(&mut self, key: u64, leader: u32) {
        let entry = self.entries.len() as u32;
        match self.lists.entry(key) {
            std::collections::hash_map::Entry::Occupied(mut list) => {
                let (_, last, count) = list.get_mut();
                if *count as usize >= LEADERS_PER_BUCKET {
                    return;
                }
                self.entries[*last as usize].1 = entry;
                *last = entry;
                *count += 1;
            }
            std::collections::hash_map::Entry::Vacant(list) => {
                list.insert((entry, entry, 1));
            }
        }
        self.entries.push((leader, NO_GROUP));
    }
}

/// The statistics of a set of similar items; `None` unless they span two resolutions.
fn group_info(members: &[u32], records: &[ItemRecord]) -> Option<GroupInfo> {
    let record = |member: &u32| &records[*member as usize];
    let mut resolutions: Vec<u64> = members.iter().map(|m| record(m).resolution_key).collect();
    resolutions.sort_unstable();
    resolutions.dedup();
    if resolutions.len() < 2 {
        return None;
    }
    let mut regions: Vec<u64> = members
        .iter()
        .map(|m| record(m).region_key)
        .filter(|key| *key != 0)
        .collect();
    regions.sort_unstable();
    regions.dedup();
    let years = members.iter().map(|m| record(m).year).filter(|y| *y != 0);
    Some(GroupInfo {
        id: members.iter().map(|m| record(m).item_key).min()?,
        items: members.len() as u32,
        resolutions: resolutions.len() as u32,
        regions: regions.len() as u32,
        year_from: years.clone().min().unwrap_or(0),
        year_to: years.max().unwrap_or(0),
    })
}

fn encode(groups: &Groups) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    let put_u32 = |out: &mut Vec<u8>, value: u32| out.extend_from_slice(&value.to_le_bytes());
    put_u32(&mut out, groups.groups.len() as u32);
    for info in &groups.groups {
        out.extend_from_slice(&info.id.to_le_bytes());
        put_u32(&mut out, info.items);
        put_u32(&mut out, info.resolutions);
        put_u32(&mut out, info.regions);
        out.extend_from_slice(&info.year_from.to_le_bytes());
        out.extend_from_slice(&info.year_to.to_le_bytes());
    }
    for start in &groups.member_starts {
        put_u32(&mut out, *start);
    }
    for member in &groups.members {
        out.extend_from_slice(&member.to_le_bytes());
    }
    let mut segments: Vec<(&String, &Arc<[u32]>)> = groups.segments.iter().collect();
    segments.sort();
    put_u32(&mut out, segments.len() as u32);
    for (uuid, of_doc) in segments {
        put_u32(&mut out, uuid.len() as u32);
        out.extend_from_slice(uuid.as_bytes());
        put_u32(&mut out, of_doc.len() as u32);
        for group in of_doc.iter() {
            put_u32(&mut out, *group);
        }
    }
    out
}

/// Reads little-endian values from a byte slice.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn take(&mut self, len: usize) -> Option<&[u8]> {
        if self.0.len() < len {
            return None;
        }
        let (head, tail) = self.0.split_at(len);
        self.0 = tail;
        Some(head)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

fn decode(bytes: &[u8]) -> Option<Groups> {
    let mut cursor = Cursor(bytes);
    if cursor.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let count = cursor.u32()? as usize;
    let mut groups = Groups::default();
    for _ in 0..count {
        groups.groups.push(GroupInfo {
            id: cursor.u64()?,
            items: cursor.u32()?,
            resolutions: cursor.u32()?,
            regions: cursor.u32()?,
            year_from: cursor.u16()?,
            year_to: cursor.u16()?,
        });
    }
    for _ in 0..=count {
        groups.member_starts.push(cursor.u32()?);
    }
    let members = *groups.member_starts.last()? as usize;
    for _ in 0..members {
        groups.members.push(cursor.u64()?);
    }
    let segments = cursor.u32()?;
    for _ in 0..segments {
        let len = cursor.u32()? as usize;
        let uuid = String::from_utf8(cursor.take(len)?.to_vec()).ok()?;
        let docs = cursor.u32()? as usize;
        let mut of_doc = Vec::with_capacity(docs);
        for _ in 0..docs {
            let group = cursor.u32()?;
            if group != NO_GROUP && group as usize >= count {
                return None;
            }
            of_doc.push(group);
        }
        groups.segments.insert(uuid, Arc::from(of_doc));
    }
    cursor.0.is_empty().then_some(groups)
}

#[cfg(test)]
mod tests;
