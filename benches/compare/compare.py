"""What the engine comparisons share (benches/compare/pg_compare.py, benches/compare/xapian_compare.py): the query
mix, edusearch's side over HTTP, the timing and the table, and nDCG@10 as
`edusearch_search::eval::ndcg_at` computes it."""

import http.client
import json
import math
import statistics
import time
import tomllib
import urllib.parse


def dcg(grades, k):
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades[:k]))


def ndcg(ranked_grades, judged_grades, k=10):
    """nDCG@k as `edusearch_search::eval::ndcg_at` computes it (gain 2^g - 1, log2 discount)."""
    ideal = dcg(sorted(judged_grades, reverse=True), k)
    return 0.0 if ideal <= 0 else min(1.0, dcg(ranked_grades, k) / ideal)


def add_arguments(parser):
    """The command-line arguments both comparisons take (besides their engine's own)."""
    parser.add_argument("--tsv", required=True)
    parser.add_argument("--edusearch", required=True, help="host:port of edusearch serve")
    parser.add_argument("--queries", required=True)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--relevance", help="judged queries (tests/relevance/queries.toml)")
    parser.add_argument("--seed-tsv", help="items of the corpus the judgments are about")
    parser.add_argument("--expect-generation", help="index generation edusearch must serve")
    parser.add_argument("--expect-documents", type=int, help="documents edusearch must report")


def check_edusearch(address, generation=None, documents=None):
    """Fails loudly unless edusearch answers /api/health at `address` with the expected index
    generation and document count (so that no other server on the port gets measured)."""
    host, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", "/api/health")
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"FATAL: {address}/api/health answered {response.status}: {body[:200]!r}")
    health = json.loads(body)
    if generation is not None and health.get("generation") != generation:
        raise SystemExit(
            f"FATAL: edusearch on {address} serves generation {health.get('generation')!r}, "
            f"expected {generation!r}"
        )
    if documents is not None and health.get("documents") != documents:
        raise SystemExit(
            f"FATAL: edusearch on {address} reports {health.get('documents')} documents, "
            f"expected {documents}"
        )
    connection.close()
    return health


def judged_queries(path):
    """(judged query, {(file, item): grade}) of each query of tests/relevance/queries.toml."""
    with open(path, "rb") as file:
        queries = tomllib.load(file)["query"]
    for judged in queries:
        grades = {
            (judgment["file"], judgment["item"]): judgment["grade"]
            for judgment in judged["judgments"]
        }
        yield judged, grades


def read_kinds(path):
    """(kind, query) of each line of benches/compare/queries.tsv."""
    kinds = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            kind, query = line.rstrip("\n").split("\t", 1)
            kinds.append((kind, query))
    return kinds


def edusearch_search(connection, query):
    """One search through edusearch's JSON API; (total, hits)."""
    connection.request("GET", "/api/search?q=" + urllib.parse.quote(query, safe=""))
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"edusearch answered {response.status}: {body[:200]!r}")
    answer = json.loads(body)
    return answer["total"], len(answer["hits"])


def timed(function, repeat):
    """(last result, median ms, p95 ms) of `repeat` calls after 3 warm-up calls."""
    result = None
    for _ in range(3):
        result = function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return result, statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def compare(label, other_search, notes, edusearch_address, queries_path, repeat, expect=None):
    """Times each kind of the mix on the other engine (`other_search(kind)` returns a tuple
    whose first item is the total) and on edusearch, alternately, and prints the table with
    the ratios other / edusearch (> 1: edusearch faster). `expect`: the parsed arguments,
    whose expect_generation / expect_documents edusearch's /api/health must match before and
    after the timing."""
    if expect is not None:
        check_edusearch(edusearch_address, expect.expect_generation, expect.expect_documents)
    host, port = edusearch_address.rsplit(":", 1)
    print(
        f"{'kind':<18} {label + ' total':>9} {label + ' ms':>15} {'es total':>9} {'es ms':>13} "
        f"{label + '/es':>7}  note"
    )
    ratios, other_medians, es_medians = [], [], []
    for kind, query in read_kinds(queries_path):
        other, other_median, other_p95 = timed(lambda: other_search(kind), repeat)
        # A fresh connection per kind: the server closes a keep-alive connection left idle
        # while the other engine is timed (seconds for PostgreSQL's broad queries).
        web = http.client.HTTPConnection(host, int(port), timeout=60)
        (es_total, _), es_median, es_p95 = timed(lambda: edusearch_search(web, query), repeat)
        web.close()
        ratio = other_median / es_median
        ratios.append(ratio)
        other_medians.append(other_median)
        es_medians.append(es_median)
        print(
            f"{kind:<18} {other[0]:>9} {other_median:>7.2f} ({other_p95:>5.1f}) {es_total:>9} "
            f"{es_median:>6.2f} ({es_p95:>4.1f}) {ratio:>6.1f}x  {notes.get(kind, '')}"
        )
    other_median, es_median = statistics.median(other_medians), statistics.median(es_medians)
    print(
        f"{'median of kinds':<18} {'':>9} {other_median:>7.2f} {'':>7} {'':>9} "
        f"{es_median:>6.2f} {'':>6} {other_median / es_median:>6.1f}x"
    )
    print(f"geometric mean of {label}/es ratios: {statistics.geometric_mean(ratios):.1f}x")
    if expect is not None:
        check_edusearch(edusearch_address, expect.expect_generation, expect.expect_documents)


def print_relevance(engine, how, by_kind, overall):
    """The nDCG@10 by kind of judged queries."""
    print(
        f"\nrelevance of {engine} on {sum(map(len, by_kind.values()))} judged queries "
        f"({how}, over the seed corpus); edusearch's own figure: cargo bench --bench relevance"
    )
    for kind, values in by_kind.items():
        print(f"  {kind:<14} nDCG@10 {statistics.mean(values):.3f} ({len(values)} queries)")
    print(f"  {'overall':<14} nDCG@10 {overall:.3f}")
