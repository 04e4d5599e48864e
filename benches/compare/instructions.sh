#!/bin/bash
# Instructions per search (callgrind), per kind of queries.tsv, for two builds of
# `query_speed` side by side: a refactoring that should change nothing shows ±0 %, and the
# counts do not depend on how busy the machine is.
#
#   cargo build --release -p edusearch-search --example query_speed   # in each tree
#   benches/compare/instructions.sh INDEX BEFORE_BIN AFTER_BIN [RUNS]   (QUERIES=file: another list)
#
# Each count is (instructions of RUNS + 1 searches − instructions of 1 search) / RUNS, so
# opening the index, the first search's setup and the second search's reading of frequent
# words' bits (crates/search/src/engine/dense_words.rs) are left out: the steady state of a
# server. `query_speed INDEX QUERY 0` and `1` under callgrind give those first two searches.
set -euo pipefail
[[ $# -ge 3 ]] || { echo "usage: $0 INDEX BEFORE_BIN AFTER_BIN [RUNS]" >&2; exit 2; }
INDEX=$1 BEFORE=$2 AFTER=$3 RUNS=${4:-20}
HERE=$(cd "$(dirname "$0")" && pwd)
[[ -f $INDEX/CURRENT ]] || { echo "FATAL: $INDEX is not an index (no CURRENT)" >&2; exit 1; }
for bin in "$BEFORE" "$AFTER"; do
  [[ -x $bin ]] || { echo "FATAL: $bin is not an executable" >&2; exit 1; }
done
command -v valgrind >/dev/null || { echo "FATAL: valgrind is not installed (apt install valgrind)" >&2; exit 1; }

count() { # binary query runs → instructions
  local refs
  refs=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" "$INDEX" "$2" "$3" 2>&1 |
    awk '/I +refs:/ {gsub(",", "", $4); print $4}')
  [[ -n $refs ]] || { echo "FATAL: no count for $1 «$2»" >&2; exit 1; }
  echo "$refs"
}

echo "| kind | before | after | Δ |"
echo "|---|--:|--:|--:|"
while IFS=$'\t' read -r kind query; do
  [[ -z $kind || $kind == \#* ]] && continue
  b0=$(count "$BEFORE" "$query" 1); b1=$(count "$BEFORE" "$query" $((RUNS + 1)))
  a0=$(count "$AFTER" "$query" 1); a1=$(count "$AFTER" "$query" $((RUNS + 1)))
  python3 -c "
b=($b1-$b0)/$RUNS; a=($a1-$a0)/$RUNS
print(f'| $kind | {b/1e6:.2f} M | {a/1e6:.2f} M | {100*(a-b)/b:+.1f}% |')"
done < "${QUERIES:-$HERE/queries.tsv}"
