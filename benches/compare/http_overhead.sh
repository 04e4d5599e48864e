#!/bin/bash
# What HTTP adds to a search: the library's p50 (`examples/query_speed`) against the server's
# p50 over one connection (`wrk -c1`, response cache off), the same query on the same index,
# alternating ROUNDS times.
#
#   cargo build --release && cargo build --release -p edusearch-search --example query_speed
#   benches/compare/http_overhead.sh [QUERY] [ROUNDS]      (default «ксенофобия», 5 rounds)
#
# Both sides ask for the default page (20 hits). Each round starts the server afresh, because
# where the kernel places its threads against wrk's decides much of the figure on a small VM:
# a wake-up of the other, idle vCPU costs tens of microseconds (see `/api/health`, which does
# no work: ~17 µs when wrk and the server share a vCPU, ~85 µs when they do not). The health
# column is that round trip, measured in the same round; the last line gives the median of what HTTP adds.
# Environment as common.sh (EDUSEARCH_BENCH_INDEX, EDUSEARCH_BIN, ...).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
export EDUSEARCH_CACHE_ENTRIES=0
source "$HERE/common.sh"
QUERY=${1:-ксенофобия} ROUNDS=${2:-5}
QS=$TARGET/release/examples/query_speed
[[ -x $QS ]] || die "$QS is missing: cargo build --release -p edusearch-search --example query_speed"
command -v wrk >/dev/null || die "wrk is not installed (apt install wrk)"
prepare_index
trap stop_server EXIT
enc=$(printf '%s\n' "$QUERY" | urlencode_lines)
lua=$(mktemp --suffix=.lua)
cat > "$lua" <<LUA
request = function() return wrk.format("GET", wrk.path) end
done = function(summary, latency, requests)
  io.write(string.format("%.3f %d\n", latency:percentile(50)/1000, summary.requests))
end
LUA
# p50 in ms and the request count of `wrk -c1` on PATH for SECONDS.
wrk_p50() {
  local out
  out=$(wrk -t1 -c1 -d"$2" -s "$lua" "http://127.0.0.1:$PORT$1" | tail -1)
  [[ ${out#* } -gt 0 ]] || die "wrk made no requests to $1"
  echo "${out% *}"
}
echo "| round | library p50 | HTTP p50 | HTTP adds | /api/health p50 |"
echo "|---|--:|--:|--:|--:|"
adds=()
for round in $(seq "$ROUNDS"); do
  start_server
  [[ $round -eq 1 ]] && echo "query «$QUERY», response $(curl -s "http://127.0.0.1:$PORT/api/search?q=$enc" | wc -c) bytes" >&2
  wrk_p50 "/api/search?q=$enc" 1s >/dev/null
  lib=$("$QS" "$INDEX" "$QUERY" 400 | awk '/^p50/ {print $2}')
  http=$(wrk_p50 "/api/search?q=$enc" 4s)
  health=$(wrk_p50 /api/health 2s)
  verify_server
  stop_server
  add=$(python3 -c "print(f'{$http-$lib:+.3f}')")
  adds+=("$add")
  echo "| $round | $lib ms | $http ms | $add ms | $health ms |"
done
median=$(printf '%s\n' "${adds[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median of HTTP adds over $ROUNDS rounds: $median ms"
rm -f "$lua"
