//! A quick hasher for the built-in lookup tables (place names, topic rules).
//!
//! Every word of a document is looked up in several of these tables; the standard hasher
//! (SipHash) made hashing a tenth of the parse. Their keys are our own data: a document can
//! only look keys up, never add them, so a hasher without protection against chosen collisions
//! is safe here. Tables filled from documents keep the standard hasher.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A map from our own keys (see the module documentation).
pub(crate) type TableMap<K, V> = HashMap<K, V, BuildHasherDefault<TableHasher>>;

/// FxHash, the hasher of rustc: a rotate, a xor and a multiply per 8 bytes.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct TableHasher {
    hash: u64,
}

impl TableHasher {
    const MULTIPLIER: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(Self::MULTIPLIER);
    }
}

impl Hasher for TableHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_finds_its_keys() {
        let mut table: TableMap<String, usize> = TableMap::default();
        let words = ["", "а", "район", "муниципальн", "ханты-мансийск", "район "];
        for (index, word) in words.iter().enumerate() {
            table.insert(word.to_string(), index);
        }
        for (index, word) in words.iter().enumerate() {
            assert_eq!(table.get(*word), Some(&index));
        }
        assert_eq!(table.get("районы"), None);
    }
}
