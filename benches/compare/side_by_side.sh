#!/usr/bin/env bash
# Library latency of two builds side by side, for before/after figures on a noisy machine.
#
#   cargo build --release -p edusearch-search --example query_speed
#   cp target/release/examples/query_speed /tmp/qs-new     # and a build of the old commit as /tmp/qs-old
#   benches/compare/side_by_side.sh /tmp/qs-old /tmp/qs-new INDEX_DIR [ROUNDS]
#
# For each query of benches/compare/queries.tsv, runs the two `query_speed` binaries alternately ROUNDS
# times (default 5), 30 searches each, and prints the median of their p50s and the ratio.
set -euo pipefail
old=$1 new=$2 index=$3 rounds=${4:-5}
queries="$(dirname "$0")/queries.tsv"
p50() { "$1" "$index" "$2" 30 | awk '/^p50/ {print $2}'; }
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
printf '%-18s %10s %10s %7s\n' kind "old ms" "new ms" ratio
while IFS=$'\t' read -r kind query; do
  [[ -z "$kind" || "$kind" == \#* ]] && continue
  before=() after=()
  for _ in $(seq "$rounds"); do
    before+=("$(p50 "$old" "$query")")
    after+=("$(p50 "$new" "$query")")
  done
  a=$(printf '%s\n' "${before[@]}" | median)
  b=$(printf '%s\n' "${after[@]}" | median)
  awk -v k="$kind" -v a="$a" -v b="$b" 'BEGIN {printf "%-18s %10.2f %10.2f %6.2fx\n", k, a, b, a / b}'
done < "$queries"
