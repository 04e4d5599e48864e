# Shared by benches/compare/load.sh and benches/compare/pg_compare.sh (sourced, not run).
#
# Environment (all optional):
#   EDUSEARCH_BENCH_RESOLUTIONS  corpus size (default 10000)
#   EDUSEARCH_BENCH_DATA         corpus folder (default target/bench-corpus/seed1-SIZE)
#   EDUSEARCH_BENCH_INDEX        index folder  (default target/bench-index/seed1-SIZE)
#   EDUSEARCH_BIN                edusearch binary (default target/release/edusearch)
#   PORT                         loopback port of the edusearch server (default 18080)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
SIZE=${EDUSEARCH_BENCH_RESOLUTIONS:-10000}
DATA=${EDUSEARCH_BENCH_DATA:-$TARGET/bench-corpus/seed1-$SIZE}
INDEX=${EDUSEARCH_BENCH_INDEX:-$TARGET/bench-index/seed1-$SIZE}
BIN=${EDUSEARCH_BIN:-$TARGET/release/edusearch}
PORT=${PORT:-18080}
QUERIES_TSV=$ROOT/benches/compare/queries.tsv
SERVER_PID=

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Builds what is missing: the release binary, the corpus (corpus-gen, seed 1), the index.
prepare_index() {
    if [[ ! -x $BIN ]]; then
        log "building $BIN (release)"
        (cd "$ROOT" && cargo build --release --bin edusearch)
    fi
    if [[ ! -e $DATA/.complete ]]; then
        log "generating $SIZE resolutions into $DATA"
        (cd "$ROOT" && cargo run -q --release -p corpus-gen -- --resolutions "$SIZE" --seed 1 --out "$DATA")
        touch "$DATA/.complete"
    fi
    if [[ ! -e $INDEX/CURRENT ]]; then
        log "indexing $DATA into $INDEX"
        "$BIN" index --data "$DATA" --index "$INDEX" >&2
    fi
}

# Exports the parsed items of the corpus (TSV=...) and of the seed corpus (SEED_TSV=..., which the
# judged queries of tests/relevance are about) as TSV for the engine comparisons.
export_items() {
    TSV=${DATA%/}.items.tsv
    if [[ ! -s $TSV || $TSV -ot $DATA/.complete ]]; then
        log "exporting items of $DATA to $TSV"
        (cd "$ROOT" && cargo run -q --release -p corpus-gen -- export --data "$DATA" --out "$TSV")
    fi
    SEED_TSV=$TARGET/bench-corpus/seed-items.tsv
    log "exporting items of index-data/resolutions to $SEED_TSV"
    (cd "$ROOT" && cargo run -q --release -p corpus-gen -- export --data index-data/resolutions --out "$SEED_TSV")
}

# Query strings of the mix, one a line.
query_list() { grep -v '^#' "$QUERIES_TSV" | cut -f2; }

# Percent-encodes stdin lines.
urlencode_lines() {
    python3 -c 'import sys, urllib.parse
for line in sys.stdin:
    print(urllib.parse.quote(line.rstrip("\n"), safe=""))'
}

# Starts the release server on the loopback port; sets SERVER_PID and COLD_START_MS (launch to
# the first answered search).
start_server() {
    local first_query started now
    first_query=$(query_list | head -n1 | urlencode_lines)
    started=$(date +%s%N)
    "$BIN" serve --index "$INDEX" --data "$DATA" --addr "127.0.0.1:$PORT" >"${SERVER_LOG:-/dev/null}" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 3000); do
        if curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/search?q=$first_query"; then
            now=$(date +%s%N)
            COLD_START_MS=$(((now - started) / 1000000))
            return 0
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            log "server exited; see ${SERVER_LOG:-its output}"
            return 1
        fi
        sleep 0.01
    done
    log "server did not answer within 30 s"
    return 1
}

# Stops the server this script started (by its pid only).
stop_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}

# A `kB` field of the server's /proc status, in MB.
server_mem_mb() {
    awk -v field="$1:" '$1 == field { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"
}

machine_info() {
    echo "machine: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') RAM, $(uname -sr), $(. /etc/os-release && echo "$PRETTY_NAME")"
}
