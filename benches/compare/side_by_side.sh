#!/usr/bin/env bash
# Library latency of two builds side by side, for before/after figures on a noisy machine.
#
#   cargo build --release -p edusearch-search --example query_speed
#   cp target/release/examples/query_speed /tmp/qs-new     # and a build of the old commit as /tmp/qs-old
#   benches/compare/side_by_side.sh /tmp/qs-old /tmp/qs-new INDEX_DIR [ROUNDS [NEW_INDEX_DIR]]
#
# With NEW_INDEX_DIR the new binary searches that index (each build on its own index, for a
# change of what the index holds or how it is laid out); both must hold the same corpus.
# For each query of benches/compare/queries.tsv, runs the two `query_speed` binaries alternately ROUNDS
# times (default 5), 30 searches each, and prints the median of their p50s and the ratio.
set -euo pipefail
old=$1 new=$2 index=$3 rounds=${4:-5} new_index=${5:-$3}
queries="$(dirname "$0")/queries.tsv"
p50() { "$1" "$3" "$2" 30 | awk '/^p50/ {print $2}'; }
total() { "$1" "$3" "$2" 1 | awk '/^total/ {print $2}'; }
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
printf '%-18s %10s %10s %7s\n' kind "old ms" "new ms" ratio
while IFS=$'\t' read -r kind query; do
  [[ -z "$kind" || "$kind" == \#* ]] && continue
  if [[ "$new_index" != "$index" ]]; then
    a=$(total "$old" "$query" "$index") b=$(total "$new" "$query" "$new_index")
    [[ "$a" == "$b" ]] || { echo "«$query»: $a hits in $index, $b in $new_index: not the same corpus" >&2; exit 1; }
  fi
  before=() after=()
  for _ in $(seq "$rounds"); do
    before+=("$(p50 "$old" "$query" "$index")")
    after+=("$(p50 "$new" "$query" "$new_index")")
  done
  a=$(printf '%s\n' "${before[@]}" | median)
  b=$(printf '%s\n' "${after[@]}" | median)
  awk -v k="$kind" -v a="$a" -v b="$b" 'BEGIN {printf "%-18s %10.2f %10.2f %6.2fx\n", k, a, b, a / b}'
done < "$queries"
