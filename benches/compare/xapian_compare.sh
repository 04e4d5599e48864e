#!/usr/bin/env bash
# Xapian against edusearch on the same generated items, side by side (the optional third engine
# of the performance comparison; PostgreSQL is benches/compare/pg_compare.sh).
#
#   benches/compare/xapian_compare.sh                             # 10,000 resolutions
#   EDUSEARCH_BENCH_RESOLUTIONS=500 REPEAT=10 benches/compare/xapian_compare.sh
#
# Builds what is missing (release binary, corpus, index; see benches/compare/common.sh), exports the
# parsed items as TSV (`corpus-gen export`, the same parser the index uses), installs Debian's
# python3-xapian when missing (as root), indexes the items into a Xapian database in a temporary
# folder (Russian Snowball stemmer, positions, region and year as filter terms and values),
# starts `edusearch serve` on 127.0.0.1:PORT with its response cache off, and times the query mix
# of benches/compare/queries.tsv on both (benches/compare/xapian_compare.py). Then Xapian's nDCG@10 on the judged
# queries of tests/relevance over the seed corpus (compare with `cargo bench --bench relevance`).
# Removes the database and stops the server at the end.
set -euo pipefail
source "$(dirname "$0")/common.sh"

REPEAT=${REPEAT:-30}
# Debian's python3-xapian is built for Debian's python3.
PYTHON=/usr/bin/python3

if ! $PYTHON -c 'import xapian' 2>/dev/null; then
    if [[ $(id -u) -ne 0 ]]; then
        log "python3-xapian is missing: apt-get install python3-xapian (as root)"
        exit 2
    fi
    log "installing python3-xapian"
    apt-get install -y python3-xapian >/dev/null || { apt-get update >/dev/null && apt-get install -y python3-xapian >/dev/null; }
fi

prepare_index
export_items

XAPIAN_DIR=$(mktemp -d)
cleanup() {
    stop_server
    rm -rf "$XAPIAN_DIR"
}
trap cleanup EXIT

# The server answers every repeat afresh: the comparison is of search work, not of the
# response cache (Xapian has no result cache either).
export EDUSEARCH_CACHE_ENTRIES=0
start_server
machine_info
echo "edusearch: $INDEX, cold start ${COLD_START_MS} ms"
$PYTHON "$ROOT/benches/compare/xapian_compare.py" \
    --db "$XAPIAN_DIR" --tsv "$TSV" --edusearch "127.0.0.1:$PORT" --queries "$QUERIES_TSV" \
    --repeat "$REPEAT" --relevance "$ROOT/tests/relevance/queries.toml" --seed-tsv "$SEED_TSV" \
    --expect-generation "$(cat "$INDEX/CURRENT")" --expect-documents "$SERVER_DOCUMENTS"
# Still the same server at the end (not replaced, not restarted under another pid).
verify_server
