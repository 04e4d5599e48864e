# Shared by the scripts of benches/compare that start a server (load.sh, load_mix.sh,
# pg_compare.sh, xapian_compare.sh; sourced, not run).
#
# Environment (all optional):
#   EDUSEARCH_BENCH_RESOLUTIONS  corpus size (default 10000)
#   EDUSEARCH_BENCH_DATA         corpus folder (default target/bench-corpus/seed1-SIZE)
#   EDUSEARCH_BENCH_INDEX        index folder  (default target/bench-index/seed1-SIZE)
#   EDUSEARCH_BIN                edusearch binary (default target/release/edusearch)
#   PORT                         loopback port of the edusearch server (default: a free one,
#                                picked at start; a given PORT that is already taken is an error)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
SIZE=${EDUSEARCH_BENCH_RESOLUTIONS:-10000}
DATA=${EDUSEARCH_BENCH_DATA:-$TARGET/bench-corpus/seed1-$SIZE}
INDEX=${EDUSEARCH_BENCH_INDEX:-$TARGET/bench-index/seed1-$SIZE}
BIN=${EDUSEARCH_BIN:-$TARGET/release/edusearch}
PORT=${PORT:-}
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
    mkdir -p "$(dirname "$SEED_TSV")"
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

# A loopback TCP port nobody listens on (the kernel picks it).
free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Whether something listens on 127.0.0.1:$1.
port_taken() {
    python3 -c 'import socket, sys
s = socket.socket()
s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
}

# Pids of the processes listening on TCP port $1 (from ss; empty when none or unknown).
listener_pids() {
    ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u
}

# Documents of the index generation CURRENT names (what /api/health must report), from its
# tantivy meta.json: max_doc minus deletes, summed over the segments.
index_documents() {
    python3 -c 'import json, sys
meta = json.load(open(sys.argv[1]))
print(sum(s["max_doc"] - ((s.get("deletes") or {}).get("num_deleted_docs", 0)) for s in meta["segments"]))' \
        "$INDEX/$(cat "$INDEX/CURRENT")/meta.json"
}

die() {
    log "FATAL: $*"
    exit 1
}

# Fails loudly unless what answers on PORT is the server this script started, alive, serving
# the index generation $INDEX/CURRENT names with the document count of its meta.json.
verify_server() {
    local health generation documents expected_generation expected_documents pids
    [[ -n $SERVER_PID ]] || die "no server was started"
    kill -0 "$SERVER_PID" 2>/dev/null || die "server pid $SERVER_PID is gone; see ${SERVER_LOG:-its output}"
    pids=$(listener_pids "$PORT")
    if [[ -n $pids && $pids != "$SERVER_PID" ]]; then
        die "127.0.0.1:$PORT is held by pid(s) $(echo "$pids" | tr '\n' ' ')but this script started pid $SERVER_PID"
    fi
    health=$(curl -sf --max-time 5 "http://127.0.0.1:$PORT/api/health") ||
        die "http://127.0.0.1:$PORT/api/health does not answer"
    read -r generation documents < <(python3 -c 'import json, sys
h = json.loads(sys.argv[1])
print(h.get("generation") or "-", h.get("documents", -1))' "$health") ||
        die "/api/health answered something else than JSON: ${health:0:200}"
    expected_generation=$(cat "$INDEX/CURRENT")
    expected_documents=$(index_documents)
    [[ $generation == "$expected_generation" ]] ||
        die "server on :$PORT serves generation $generation, expected $expected_generation of $INDEX"
    [[ $documents == "$expected_documents" ]] ||
        die "server on :$PORT reports $documents documents, expected $expected_documents ($INDEX)"
    SERVER_DOCUMENTS=$documents
}

# Starts the release server on a loopback port (PORT, or a free one picked here); sets
# SERVER_PID and COLD_START_MS (launch to the first answered search). Fails loudly — exits —
# when the port is already taken, when the server exits or does not answer, and when what
# answers is not this server with this index (verify_server).
start_server() {
    local first_query started now
    if [[ -z $PORT ]]; then
        PORT=$(free_port)
    elif port_taken "$PORT"; then
        die "127.0.0.1:$PORT is already taken (pid(s) $(listener_pids "$PORT" | tr '\n' ' ')): unset PORT or pick a free one"
    fi
    first_query=$(query_list | head -n1 | urlencode_lines)
    started=$(date +%s%N)
    "$BIN" serve --index "$INDEX" --data "$DATA" --addr "127.0.0.1:$PORT" >"${SERVER_LOG:-/dev/null}" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 3000); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            [[ -n ${SERVER_LOG:-} && -s $SERVER_LOG ]] && tail -n 20 "$SERVER_LOG" >&2
            SERVER_PID=
            die "server exited before answering; see ${SERVER_LOG:-its output}"
        fi
        if curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/search?q=$first_query"; then
            now=$(date +%s%N)
            COLD_START_MS=$(((now - started) / 1000000))
            verify_server
            log "server pid $SERVER_PID on 127.0.0.1:$PORT serves $(cat "$INDEX/CURRENT") ($SERVER_DOCUMENTS documents)"
            return 0
        fi
        sleep 0.01
    done
    die "server did not answer within 30 s"
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

# The request function of a wrk script that asks the URLs of its Lua table `paths` in turn.
rotate_lua() {
    cat <<'LUA'
local counter = 0
request = function()
    counter = counter % #paths + 1
    return wrk.format("GET", paths[counter])
end
LUA
}
