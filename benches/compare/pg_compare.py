#!/usr/bin/env python3
"""Loads the exported items into PostgreSQL and times the query mix there and on edusearch.

Run by benches/compare/pg_compare.sh (which starts both servers); needs psycopg2 (Debian
python3-psycopg2). Each search is the same work on both sides: the top 20 ranked items with a
highlight, the total, and facet counts by region and year. PostgreSQL ranks with ts_rank_cd over
a tsvector GENERATED column (`russian` configuration) with a GIN index.
"""

import argparse
import os
import statistics
import time

import psycopg2

from compare import add_arguments, compare, judged_queries, ndcg, print_relevance

# kind -> (tsquery SQL or None, its parameter, extra filter SQL, filter parameters, note).
# PostgreSQL has no layout or spelling correction, derivation or domain synonyms: so that both
# sides match comparable sets, it gets what edusearch searches after understanding the query —
# «профориент:*» (prefix, for derived forms) OR the synonym phrase «профессиональная ориентация»
# for the профориентация kinds (corrected already for the layout and typo kinds), and the
# synonym OR for the abbreviation. Ratios are pg median / edusearch median (> 1: edusearch faster).
EXPANDED = "профориент:* | (профессиональная <-> ориентация)"

PG_QUERIES = {
    "common term": (
        "to_tsquery('russian', %s)",
        EXPANDED,
        "",
        (),
        "pg: prefix + synonym phrase",
    ),
    "rare term": ("plainto_tsquery('russian', %s)", "ксенофобия", "", (), ""),
    "two terms + year": (
        "plainto_tsquery('russian', %s)",
        "наставничество педагогов",
        " AND year = %s",
        (2023,),
        "",
    ),
    "phrase": ("phraseto_tsquery('russian', %s)", "Разговоры о важном", "", (), ""),
    "derived form": (
        "to_tsquery('russian', %s)",
        EXPANDED,
        "",
        (),
        "pg: prefix + synonym phrase",
    ),
    "abbreviation": (
        "websearch_to_tsquery('russian', %s)",
        'ОВЗ or "ограниченными возможностями здоровья"',
        "",
        (),
        "synonym OR written by hand",
    ),
    "layout-fixed": (
        "to_tsquery('russian', %s)",
        EXPANDED,
        "",
        (),
        "pg given the corrected, expanded query",
    ),
    "typo": (
        "to_tsquery('russian', %s)",
        EXPANDED,
        "",
        (),
        "pg given the corrected, expanded query",
    ),
    "place only": (None, None, " AND region = %s", ("Красноярский край",), "filter, newest first"),
}


def create_and_copy(cur, table, tsv_path):
    """(Re)creates an items table with its tsvector column and copies the TSV into it."""
    cur.execute(f"DROP TABLE IF EXISTS {table}")
    cur.execute(
        f"""CREATE TABLE {table} (
            res_id text NOT NULL, source text NOT NULL, year int, region text,
            municipality text, position int NOT NULL, addressee text, body text NOT NULL,
            tsv tsvector GENERATED ALWAYS AS (to_tsvector('russian', body)) STORED)"""
    )
    with open(tsv_path, encoding="utf-8") as source:
        cur.copy_expert(
            f"COPY {table} (res_id, source, year, region, municipality, position, addressee,"
            " body) FROM STDIN",
            source,
        )


def load(conn, tsv_path):
    cur = conn.cursor()
    started = time.perf_counter()
    create_and_copy(cur, "items", tsv_path)
    copied = time.perf_counter() - started
    started = time.perf_counter()
    cur.execute("CREATE INDEX items_tsv ON items USING gin (tsv)")
    cur.execute("CREATE INDEX items_region ON items (region)")
    cur.execute("CREATE INDEX items_year ON items (year)")
    cur.execute("ANALYZE items")
    indexed = time.perf_counter() - started
    conn.commit()
    cur.execute("SELECT count(*), pg_total_relation_size('items') FROM items")
    rows, size = cur.fetchone()
    return rows, size, copied, indexed


def pg_search(cur, kind):
    tsquery, text, extra, extra_params, _ = PG_QUERIES[kind]
    if tsquery is None:
        match, match_params, rank = "TRUE", (), "0"
        order = "year DESC NULLS LAST, res_id, position"
        headline = "left(body, 300)"
    else:
        match, match_params, rank = "tsv @@ q", (), "ts_rank_cd(tsv, q)"
        order = "rank DESC"
        headline = "ts_headline('russian', body, q, 'MaxWords=200, MinWords=100')"
    q_from = f", {tsquery} AS q" if tsquery else ""
    q_params = (text,) if tsquery else ()
    where = f"{match}{extra}"
    cur.execute(
        f"""SELECT res_id, position, rank, {headline.replace('body', 'top.body')}
            FROM (SELECT res_id, position, body, {rank} AS rank{', q' if tsquery else ''}
                  FROM items{q_from} WHERE {where} ORDER BY {order} LIMIT 20) AS top""",
        q_params + match_params + extra_params,
    )
    hits = cur.fetchall()
    cur.execute(
        f"SELECT region, count(*) FROM items{q_from} WHERE {where} GROUP BY region",
        q_params + extra_params,
    )
    regions = cur.fetchall()
    cur.execute(
        f"SELECT year, count(*) FROM items{q_from} WHERE {where} GROUP BY year",
        q_params + extra_params,
    )
    years = cur.fetchall()
    total = sum(count for _, count in years)
    return total, len(hits), len(regions)


def relevance(conn, tsv_path, queries_path):
    """nDCG@10 of PostgreSQL FTS on the judged queries over the seed corpus.

    What a plain deployment does: `websearch_to_tsquery('russian', query)` (every word, quoted
    phrases), ranked by ts_rank_cd; a judged query's region and year filters become WHERE
    clauses (PostgreSQL has no topics, so a topic filter is left out). Returns
    (overall, {kind: [ndcg, ...]}).
    """
    cur = conn.cursor()
    create_and_copy(cur, "seed_items", tsv_path)
    conn.commit()
    by_kind = {}
    for query, grades in judged_queries(queries_path):
        where, params = ["tsv @@ q"], [query["query"]]
        filters = query.get("filters", {})
        if "region" in filters:
            where.append("region = %s")
            params.append(filters["region"])
        if "year" in filters:
            where.append("year BETWEEN %s AND %s")
            params += [filters["year"], filters.get("year_to", filters["year"])]
        cur.execute(
            f"""SELECT source, position FROM seed_items,
                   websearch_to_tsquery('russian', %s) AS q
                WHERE {' AND '.join(where)}
                ORDER BY ts_rank_cd(tsv, q) DESC, source, position LIMIT 10""",
            params,
        )
        ranked = [grades.get((os.path.basename(source), position), 0) for source, position in cur]
        by_kind.setdefault(query["kind"], []).append(ndcg(ranked, list(grades.values())))
    every = [value for values in by_kind.values() for value in values]
    return statistics.mean(every), by_kind


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True)
    add_arguments(parser)
    args = parser.parse_args()

    conn = psycopg2.connect(args.dsn)
    rows, size, copied, indexed = load(conn, args.tsv)
    print(
        f"postgresql: {rows} items loaded in {copied:.1f} s (COPY incl. tsvector), "
        f"GIN + btree indexes + ANALYZE {indexed:.1f} s, table+indexes {size / 1e6:.0f} MB"
    )
    cur = conn.cursor()
    print(
        f"median (p95) ms over {args.repeat} runs per query; one search = top 20 with "
        "highlights + total + facets by region and year"
    )
    compare(
        "pg",
        lambda kind: pg_search(cur, kind),
        {kind: note[4] for kind, note in PG_QUERIES.items()},
        args.edusearch,
        args.queries,
        args.repeat,
        expect=args,
    )
    if args.relevance and args.seed_tsv:
        overall, by_kind = relevance(conn, args.seed_tsv, args.relevance)
        print_relevance("PostgreSQL FTS", "websearch_to_tsquery + ts_rank_cd", by_kind, overall)
    conn.close()


if __name__ == "__main__":
    main()
