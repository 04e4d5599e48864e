#!/bin/bash
# What HTTP adds to a search: the library's p50 (`examples/query_speed`) against the server's
# p50 over one connection (`wrk -c1`, response cache off), the same query on the same index,
# alternating ROUNDS times.
#
#   cargo build --release && cargo build --release -p edusearch-search --example query_speed
#   benches/compare/http_overhead.sh [QUERY] [ROUNDS]      (default «ксенофобия», 3 rounds)
#
# Both sides ask for the default page (20 hits). Environment as common.sh
# (EDUSEARCH_BENCH_INDEX, EDUSEARCH_BIN, ...).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
export EDUSEARCH_CACHE_ENTRIES=0
source "$HERE/common.sh"
QUERY=${1:-ксенофобия} ROUNDS=${2:-3}
QS=$TARGET/release/examples/query_speed
[[ -x $QS ]] || die "$QS is missing: cargo build --release -p edusearch-search --example query_speed"
command -v wrk >/dev/null || die "wrk is not installed (apt install wrk)"
prepare_index
trap stop_server EXIT
start_server
enc=$(printf '%s\n' "$QUERY" | urlencode_lines)
lua=$(mktemp --suffix=.lua)
cat > "$lua" <<LUA
request = function() return wrk.format("GET", "/api/search?q=$enc") end
done = function(summary, latency, requests)
  io.write(string.format("%.3f %d\n", latency:percentile(50)/1000, summary.requests))
end
LUA
bytes=$(curl -s "http://127.0.0.1:$PORT/api/search?q=$enc" | wc -c)
echo "query «$QUERY», response $bytes bytes"
echo "| round | library p50 | HTTP p50 | HTTP adds |"
echo "|---|--:|--:|--:|"
for round in $(seq "$ROUNDS"); do
  lib=$("$QS" "$INDEX" "$QUERY" 400 | awk '/^p50/ {print $2}')
  read -r http requests < <(wrk -t1 -c1 -d4s -s "$lua" "http://127.0.0.1:$PORT" | tail -1)
  [[ $requests -gt 0 ]] || die "wrk made no requests"
  python3 -c "print(f'| $round | $lib ms | $http ms | {$http-$lib:+.3f} ms |')"
done
verify_server
rm -f "$lua"
