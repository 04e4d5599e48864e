#!/usr/bin/env bash
# HTTP load test of the release server with wrk, over loopback.
#
#   benches/compare/load.sh                                     # 10,000 resolutions, 20 s per level
#   EDUSEARCH_BENCH_RESOLUTIONS=500 DURATION=5s benches/compare/load.sh
#   CONNECTIONS="1 8 64" PORT=18090 benches/compare/load.sh
#   EDUSEARCH_CACHE_ENTRIES=0 benches/compare/load.sh           # without the server's response cache
#
# Builds what is missing (release binary, corpus, index; see benches/compare/common.sh), starts
# `edusearch serve` on 127.0.0.1:PORT, measures cold start to the first answered search, runs
# wrk at each concurrency against /api/search with the query mix of benches/compare/queries.tsv (a Lua
# script rotates the URLs), prints requests/s and latency percentiles, the server's RSS after
# the run, and stops the server. The mix repeats, so with the response cache on (the default)
# every request after the first of each query is a cache hit: run it with the cache off too. Installs Debian's wrk when it is missing (as root).
set -euo pipefail
source "$(dirname "$0")/common.sh"

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-1 8 64}

if ! command -v wrk >/dev/null; then
    if [[ $(id -u) -ne 0 ]]; then
        log "wrk is missing: apt-get install wrk (as root)"
        exit 2
    fi
    log "installing wrk"
    apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

prepare_index
WORK=$(mktemp -d)
SERVER_LOG=$WORK/server.log
trap 'stop_server; rm -rf "$WORK"' EXIT

# The wrk script: rotate the query mix; report percentiles in a parseable line.
{
    echo 'local paths = {'
    query_list | urlencode_lines | while read -r q; do echo "  \"/api/search?q=$q\","; done
    echo '}'
    rotate_lua
    cat <<'LUA'
done = function(summary, latency, requests)
    local seconds = summary.duration / 1e6
    io.write(string.format("RESULT rps=%.1f p50=%.2f p90=%.2f p99=%.2f max=%.2f requests=%d errors=%d\n",
        summary.requests / seconds,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000,
        latency:percentile(99) / 1000, latency.max / 1000,
        summary.requests,
        summary.errors.connect + summary.errors.read + summary.errors.write
            + summary.errors.status + summary.errors.timeout))
end
LUA
} >"$WORK/mix.lua"

start_server
log "server pid $SERVER_PID answered after ${COLD_START_MS} ms"
machine_info
echo "index: $INDEX ($(du -sh "$INDEX" | cut -f1)), corpus: $DATA"
echo "cold start (launch to first answered search): ${COLD_START_MS} ms; RSS at start: $(server_mem_mb VmRSS) MB"
echo "response cache: ${EDUSEARCH_CACHE_ENTRIES:-default} entries (EDUSEARCH_CACHE_ENTRIES; 0 = off)"
printf '%-6s %10s %9s %9s %9s %9s %10s %7s\n' conns "req/s" "p50 ms" "p90 ms" "p99 ms" "max ms" requests errors
for connections in $CONNECTIONS; do
    threads=$(( connections < $(nproc) ? connections : $(nproc) ))
    line=$(wrk -t"$threads" -c"$connections" -d"$DURATION" --timeout 10s -s "$WORK/mix.lua" \
        "http://127.0.0.1:$PORT" | grep '^RESULT')
    eval "$(echo "${line#RESULT }" | tr ' ' '\n' | sed 's/^/local_/')"
    # shellcheck disable=SC2154
    printf '%-6s %10s %9s %9s %9s %9s %10s %7s\n' "$connections" "$local_rps" "$local_p50" \
        "$local_p90" "$local_p99" "$local_max" "$local_requests" "$local_errors"
done
verify_server
echo "server RSS after the runs: $(server_mem_mb VmRSS) MB (peak $(server_mem_mb VmHWM) MB)"
