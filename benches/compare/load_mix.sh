#!/usr/bin/env bash
# Mixed HTTP load over loopback: searches alongside exports, trends and similar lookups.
#
#   benches/compare/load_mix.sh                                  # 10,000 resolutions, 20 s, c = 64
#   EDUSEARCH_BENCH_RESOLUTIONS=500 DURATION=10s benches/compare/load_mix.sh
#   CONNECTIONS=64 HEAVY_SHARE=2 PORT=18090 benches/compare/load_mix.sh
#
# Two wrk runs at once against one release server (benches/compare/common.sh builds what is missing):
# CONNECTIONS / HEAVY_SHARE connections ask for the expensive endpoints (/api/export as JSONL
# and CSV, /api/trends by year, region and topic, /api/resolutions/{id}/similar,
# /api/items/{id}/similar), the rest search with the query mix of benches/compare/queries.tsv. The
# response cache is off (EDUSEARCH_CACHE_ENTRIES=0 unless set), so every search is searched.
# What must hold: no search fails (the expensive endpoints have their own budget and answer
# `busy` with Retry-After when it is full); the search p99 is printed, and how many expensive
# requests were answered and how many were told to retry.
set -euo pipefail
source "$(dirname "$0")/common.sh"

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
HEAVY_SHARE=${HEAVY_SHARE:-2}
export EDUSEARCH_CACHE_ENTRIES=${EDUSEARCH_CACHE_ENTRIES:-0}

command -v wrk >/dev/null || { log "wrk is missing: apt-get install wrk"; exit 2; }
prepare_index
WORK=$(mktemp -d)
SERVER_LOG=$WORK/server.log
trap 'stop_server; rm -rf "$WORK"' EXIT

# The wrk reporting function: percentiles, and answers by status class.
report_lua() {
    cat <<'LUA'
statuses = {}
response = function(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end
-- Each wrk thread has its own Lua state: a thread's counts are read back at the end.
setup = function(thread) threads = threads or {}; table.insert(threads, thread) end
done = function(summary, latency, requests)
    local by_status = {}
    for _, thread in ipairs(threads) do
        local counts = thread:get("statuses")
        for status, count in pairs(counts) do
            by_status[status] = (by_status[status] or 0) + count
        end
    end
    local ok, busy, other = 0, 0, 0
    for status, count in pairs(by_status) do
        if status < 400 then ok = ok + count
        elseif status == 503 then busy = busy + count
        else other = other + count end
    end
    local seconds = summary.duration / 1e6
    io.write(string.format("RESULT rps=%.1f p50=%.2f p99=%.2f max=%.2f ok=%d busy=%d failed=%d socket_errors=%d\n",
        summary.requests / seconds,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
        ok, busy, other,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
}

start_server
log "server pid $SERVER_PID answered after ${COLD_START_MS} ms"

# Ids for the similar endpoints, from a search of resolutions.
first_query=$(query_list | head -n1 | urlencode_lines)
mapfile -t ids < <(curl -sf "http://127.0.0.1:$PORT/api/search?q=$first_query&level=resolutions&per_page=10" |
    python3 -c 'import json, sys
for hit in json.load(sys.stdin)["hits"]: print(hit["resolution_id"])')

{
    echo 'paths = {'
    query_list | urlencode_lines | while read -r q; do
        echo "  \"/api/export?format=jsonl&level=resolutions&q=$q\","
        echo "  \"/api/export?format=csv&q=$q\","
        echo "  \"/api/trends?by=region&q=$q\","
        echo "  \"/api/trends?by=topic&q=$q\","
    done
    for id in "${ids[@]}"; do
        echo "  \"/api/resolutions/$id/similar\","
        echo "  \"/api/items/$id-1/similar\","
    done
    echo '}'
    rotate_lua
    report_lua
} >"$WORK/heavy.lua"
{
    echo 'paths = {'
    query_list | urlencode_lines | while read -r q; do echo "  \"/api/search?q=$q\","; done
    echo '}'
    rotate_lua
    report_lua
} >"$WORK/search.lua"

heavy_connections=$((CONNECTIONS / HEAVY_SHARE))
search_connections=$((CONNECTIONS - heavy_connections))
threads=$(nproc)
machine_info
echo "index: $INDEX ($(du -sh "$INDEX" | cut -f1)); cache entries: $EDUSEARCH_CACHE_ENTRIES"
echo "c = $CONNECTIONS: $search_connections searching, $heavy_connections asking for export/trends/similar, $DURATION"
wrk -t"$threads" -c"$heavy_connections" -d"$DURATION" --timeout 15s -s "$WORK/heavy.lua" \
    "http://127.0.0.1:$PORT" >"$WORK/heavy.out" &
heavy_pid=$!
wrk -t"$threads" -c"$search_connections" -d"$DURATION" --timeout 15s -s "$WORK/search.lua" \
    "http://127.0.0.1:$PORT" >"$WORK/search.out"
wait "$heavy_pid"
printf '%-8s %9s %9s %9s %9s %8s %8s %8s %8s\n' kind "req/s" "p50 ms" "p99 ms" "max ms" ok busy failed sockets
for kind in search heavy; do
    line=$(grep '^RESULT' "$WORK/$kind.out")
    eval "$(echo "${line#RESULT }" | tr ' ' '\n' | sed 's/^/r_/')"
    # shellcheck disable=SC2154
    printf '%-8s %9s %9s %9s %9s %8s %8s %8s %8s\n' "$kind" "$r_rps" "$r_p50" "$r_p99" "$r_max" \
        "$r_ok" "$r_busy" "$r_failed" "$r_socket_errors"
done
verify_server
echo "server RSS after the run: $(server_mem_mb VmRSS) MB (peak $(server_mem_mb VmHWM) MB)"
search_line=$(grep '^RESULT' "$WORK/search.out")
if [[ $search_line != *" busy=0 failed=0 socket_errors=0" ]]; then
    log "searches failed under the mixed load: $search_line"
    exit 1
fi
