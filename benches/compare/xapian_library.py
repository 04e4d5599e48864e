#!/usr/bin/env python3
"""Xapian in-process against edusearch in the library, per kind of benches/compare/queries.tsv.

    cargo build --release -p edusearch-search --example query_speed
    /usr/bin/python3 benches/compare/xapian_library.py INDEX ITEMS.tsv XAPIAN_DB_DIR [RUNS] [ROUNDS]

The library side is `examples/query_speed` (its p50 over RUNS searches, default 200), the Xapian
side `xapian_search` of xapian_compare.py (the same work: top 20 with snippets, exact total,
counts by region and year; median of RUNS after 3 warm-ups), alternating per kind, ROUNDS times
(default 3); prints the medians and Xapian / edusearch (> 1: edusearch faster). ITEMS.tsv is
`corpus-gen export` of the corpus INDEX was built from; the Xapian database is built into
XAPIAN_DB_DIR when it is not there yet (xapian_compare.sh builds and removes its own).
"""
import os, statistics, subprocess, sys, time
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import xapian
from xapian_compare import build, parser_for, xapian_search
from compare import read_kinds

index, tsv, db = sys.argv[1:4]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 200
rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 3
ROOT = os.path.dirname(os.path.dirname(HERE))
qs = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release/examples/query_speed")
if not os.path.exists(os.path.join(db, "iamglass")):
    n, secs, size = build(db, tsv)
    print(f"xapian: {n} items in {secs:.1f} s, {size/1e6:.0f} MB", flush=True)
database = xapian.Database(db)
parser = parser_for(database)

def es_p50(query):
    out = subprocess.run([qs, index, query, str(runs)], capture_output=True, text=True, check=True).stdout
    total = int(out.split()[1])
    p50 = float(out.split("p50 ")[1].split()[0])
    return total, p50

def xa_p50(kind):
    for _ in range(3):
        r = xapian_search(database, parser, kind)
    times = []
    for _ in range(runs):
        t = time.perf_counter(); r = xapian_search(database, parser, kind); times.append((time.perf_counter() - t) * 1000)
    return r[0], statistics.median(times)

print(f"{'kind':<18} {'xa total':>9} {'xa ms':>8} {'es total':>9} {'es ms':>8} {'xa/es':>7}   (medians of {rounds} rounds of {runs} runs)")
for kind, query in read_kinds(os.path.join(HERE, "queries.tsv")):
    xs, es = [], []
    for _ in range(rounds):
        xt, x = xa_p50(kind); xs.append(x)
        et, e = es_p50(query); es.append(e)
    x, e = statistics.median(xs), statistics.median(es)
    print(f"{kind:<18} {xt:>9} {x:>8.3f} {et:>9} {e:>8.3f} {x/e:>6.2f}x", flush=True)
