#!/usr/bin/env bash
# PostgreSQL full-text search against edusearch on the same generated items, side by side.
#
#   benches/compare/pg_compare.sh                             # 10,000 resolutions
#   EDUSEARCH_BENCH_RESOLUTIONS=500 REPEAT=10 benches/compare/pg_compare.sh
#
# Builds what is missing (release binary, corpus, index; see benches/compare/common.sh), exports the
# parsed items as TSV (`corpus-gen export`, the same parser the index uses), installs Debian's
# postgresql and python3-psycopg2 when missing (as root), starts a private cluster in a
# temporary folder on 127.0.0.1:PG_PORT (a free port unless given; as the `postgres` user when run as root: root cannot
# run postgres), loads the items into a table with a tsvector GENERATED column (`russian`) and a
# GIN index, starts `edusearch serve` on 127.0.0.1:PORT, and times the query mix of
# benches/compare/queries.tsv on both (benches/compare/pg_compare.py). Then PostgreSQL's nDCG@10 on the judged
# queries of tests/relevance over the seed corpus (compare with `cargo bench --bench relevance`).
# Tears both down at the end.
set -euo pipefail
source "$(dirname "$0")/common.sh"

PG_PORT=${PG_PORT:-}
REPEAT=${REPEAT:-30}
PYTHON=/usr/bin/python3

need_root() {
    if [[ $(id -u) -ne 0 ]]; then
        log "$1 is missing: apt-get install $2 (as root)"
        exit 2
    fi
}
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    need_root postgresql postgresql
    log "installing postgresql"
    apt-get update >/dev/null && apt-get install -y postgresql >/dev/null
fi
if ! $PYTHON -c 'import psycopg2' 2>/dev/null; then
    need_root psycopg2 python3-psycopg2
    log "installing python3-psycopg2"
    apt-get install -y python3-psycopg2 >/dev/null || { apt-get update >/dev/null && apt-get install -y python3-psycopg2 >/dev/null; }
fi
PG_BIN=$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n1)")

prepare_index
export_items

PG_DIR=$(mktemp -d)
chmod 755 "$PG_DIR"
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}
[[ $(id -u) -eq 0 ]] && chown postgres: "$PG_DIR"
cleanup() {
    stop_server
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}
trap cleanup EXIT

if [[ -z $PG_PORT ]]; then
    PG_PORT=$(free_port)
elif port_taken "$PG_PORT"; then
    die "127.0.0.1:$PG_PORT (PG_PORT) is already taken: unset PG_PORT or pick a free one"
fi
log "starting a private PostgreSQL cluster in $PG_DIR on 127.0.0.1:$PG_PORT"
as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c shared_buffers=2GB -c work_mem=64MB -c maintenance_work_mem=1GB -c jit=off -c fsync=off -c synchronous_commit=off -c max_parallel_workers_per_gather=2" \
    start >/dev/null || die "PostgreSQL did not start; see $PG_DIR/server.log"
# What answers on PG_PORT must be this cluster: its data directory is ours.
pg_data=$("$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atc 'SHOW data_directory') ||
    die "PostgreSQL on 127.0.0.1:$PG_PORT does not answer"
[[ $pg_data == "$PG_DIR/data" ]] ||
    die "PostgreSQL on 127.0.0.1:$PG_PORT serves $pg_data, not this script's cluster $PG_DIR/data"
# The loader reads the TSV itself (COPY FROM STDIN), so the postgres user needs no access to it.

SERVER_LOG=$PG_DIR/edusearch.log
# The server answers every repeat afresh: the comparison is of search work, not of the
# response cache (PostgreSQL has no result cache either).
export EDUSEARCH_CACHE_ENTRIES=0
start_server
machine_info
echo "postgres: $("$PG_BIN/postgres" --version); edusearch: $INDEX, cold start ${COLD_START_MS} ms"
$PYTHON "$ROOT/benches/compare/pg_compare.py" \
    --dsn "host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres" \
    --tsv "$TSV" --edusearch "127.0.0.1:$PORT" --queries "$QUERIES_TSV" --repeat "$REPEAT" \
    --relevance "$ROOT/tests/relevance/queries.toml" --seed-tsv "$SEED_TSV" \
    --expect-generation "$(cat "$INDEX/CURRENT")" --expect-documents "$SERVER_DOCUMENTS"
# Still the same server at the end (not replaced, not restarted under another pid).
verify_server
