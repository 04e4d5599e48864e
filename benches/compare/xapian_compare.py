#!/usr/bin/env python3
"""Indexes the exported items with Xapian and times the query mix there and on edusearch.

Run by benches/compare/xapian_compare.sh (which starts edusearch); needs Debian's python3-xapian. Each
search is the same work on both sides: the top 20 ranked items with a snippet, the exact total,
and counts by region and year (ValueCountMatchSpy over every match: `checkatleast` = all
documents). Xapian indexes with its Russian Snowball stemmer (TermGenerator, STEM_SOME,
positions for phrases) and ranks with BM25, its default.
"""

import argparse
import json
import os
import re
import statistics
import time

import xapian

from compare import add_arguments, compare, judged_queries, ndcg, print_relevance

REGION_SLOT, YEAR_SLOT = 0, 1
REGION_PREFIX, YEAR_PREFIX = "XR", "XY"

# kind -> (query string or None, filter terms, note). Xapian has no layout or spelling correction,
# derivation or domain synonyms; as for PostgreSQL, it gets what edusearch searches after
# understanding the query: the prefix «профориент*» (derived forms) OR the synonym phrase, and
# the abbreviation's synonym OR written by hand.
EXPANDED = 'профориент* OR "профессиональная ориентация"'
XAPIAN_QUERIES = {
    "common term": (EXPANDED, [], "xapian: prefix + synonym phrase"),
    "rare term": ("ксенофобия", [], ""),
    "two terms + year": ("наставничество педагогов", [YEAR_PREFIX + "2023"], ""),
    "phrase": ('"Разговоры о важном"', [], ""),
    "derived form": (EXPANDED, [], "xapian: prefix + synonym phrase"),
    "abbreviation": ('ОВЗ OR "ограниченными возможностями здоровья"', [], "synonym OR by hand"),
    "layout-fixed": (EXPANDED, [], "xapian given the corrected, expanded query"),
    "typo": (EXPANDED, [], "xapian given the corrected, expanded query"),
    "place only": (None, [REGION_PREFIX + "Красноярский край"], "filter, newest first"),
}

FLAGS = (
    xapian.QueryParser.FLAG_DEFAULT
    | xapian.QueryParser.FLAG_WILDCARD
    | xapian.QueryParser.FLAG_PHRASE
    | xapian.QueryParser.FLAG_BOOLEAN
)


ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


def unescape(value):
    """A field of PostgreSQL's COPY text format (as `corpus-gen export` writes it)."""
    return re.sub(r"\\(.)", lambda match: ESCAPES.get(match.group(1), match.group(0)), value)


def rows(tsv_path):
    """(res_id, source, year, region, municipality, position, addressee, body) of each item,
    `None` for a missing value."""
    with open(tsv_path, encoding="utf-8") as lines:
        for line in lines:
            fields = line.rstrip("\n").split("\t")
            if len(fields) == 8:
                yield [None if field == "\\N" else unescape(field) for field in fields]


def build(path, tsv_path):
    """Writes a Xapian database of the items; returns (items, seconds, bytes on disk)."""
    started = time.perf_counter()
    database = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
    generator = xapian.TermGenerator()
    generator.set_stemmer(xapian.Stem("russian"))
    generator.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
    count = 0
    for res_id, source, year, region, _municipality, position, _addressee, body in rows(tsv_path):
        document = xapian.Document()
        generator.set_document(document)
        generator.index_text(body)
        document.set_data(json.dumps({"source": source, "position": int(position), "body": body}))
        if region:
            document.add_boolean_term(REGION_PREFIX + region)
            document.add_value(REGION_SLOT, region)
        if year:
            document.add_boolean_term(YEAR_PREFIX + year)
            document.add_value(YEAR_SLOT, xapian.sortable_serialise(int(year)))
        database.add_document(document)
        count += 1
    database.commit()
    database.close()
    seconds = time.perf_counter() - started
    size = sum(
        os.path.getsize(os.path.join(path, name))
        for name in os.listdir(path)
        if os.path.isfile(os.path.join(path, name))
    )
    return count, seconds, size


def parser_for(database):
    parser = xapian.QueryParser()
    parser.set_stemmer(xapian.Stem("russian"))
    parser.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    parser.set_default_op(xapian.Query.OP_AND)
    parser.set_database(database)
    return parser


def filtered(query, terms):
    for term in terms:
        query = xapian.Query(xapian.Query.OP_FILTER, query, xapian.Query(term))
    return query


# edusearch's rule for a few keywords (RELAX_BELOW in crates/search/src/engine/passes.rs): when
# fewer than this many items have every word, the search is run again with any word. Xapian is
# given the same rule, so both return the same kind of answer.
RELAX_BELOW = 10


def matches_of(database, query, newest_first=False):
    """The top 20 of a query, with the exact total and the match spies counting by region and year."""
    enquire = xapian.Enquire(database)
    if newest_first:
        enquire.set_sort_by_value_then_relevance(YEAR_SLOT, True)
    enquire.set_query(query)
    regions = xapian.ValueCountMatchSpy(REGION_SLOT)
    years = xapian.ValueCountMatchSpy(YEAR_SLOT)
    enquire.add_matchspy(regions)
    enquire.add_matchspy(years)
    return enquire.get_mset(0, 20, database.get_doccount()), regions, years


def xapian_search(database, parser, kind):
    text, terms, _ = XAPIAN_QUERIES[kind]
    if text is None:
        found = matches_of(database, filtered(xapian.Query.MatchAll, terms), newest_first=True)
    else:
        found = matches_of(database, filtered(parser.parse_query(text, FLAGS), terms))
        if found[0].get_matches_estimated() < RELAX_BELOW:
            parser.set_default_op(xapian.Query.OP_OR)
            wider = filtered(parser.parse_query(text, FLAGS), terms)
            parser.set_default_op(xapian.Query.OP_AND)
            widened = matches_of(database, wider)
            if widened[0].get_matches_estimated() > found[0].get_matches_estimated():
                found = widened
    matches, regions, years = found
    stemmer = xapian.Stem("russian")
    snippets = [
        matches.snippet(json.loads(match.document.get_data())["body"], 300, stemmer)
        for match in matches
    ]
    region_counts = list(regions.values())
    year_counts = list(years.values())
    return matches.get_matches_estimated(), len(snippets), len(region_counts) + len(year_counts)


def relevance(path, tsv_path, queries_path):
    """nDCG@10 of Xapian on the judged queries over the seed corpus.

    What a plain deployment does: every word required (OP_AND), quoted phrases, BM25; a judged
    query's region and year filters become boolean filter terms (no topics in Xapian, so a
    topic filter is left out). Returns (overall, {kind: [ndcg, ...]}).
    """
    build(path, tsv_path)
    database = xapian.Database(path)
    parser = parser_for(database)
    by_kind = {}
    for judged, grades in judged_queries(queries_path):
        filters = judged.get("filters", {})
        terms = []
        if "region" in filters:
            terms.append(REGION_PREFIX + filters["region"])
        query = filtered(parser.parse_query(judged["query"], FLAGS), terms)
        if "year" in filters:
            years = [
                xapian.Query(YEAR_PREFIX + str(year))
                for year in range(filters["year"], filters.get("year_to", filters["year"]) + 1)
            ]
            query = xapian.Query(
                xapian.Query.OP_FILTER, query, xapian.Query(xapian.Query.OP_OR, years)
            )
        enquire = xapian.Enquire(database)
        enquire.set_query(query)
        ranked = []
        for match in enquire.get_mset(0, 10):
            data = json.loads(match.document.get_data())
            ranked.append(grades.get((os.path.basename(data["source"]), data["position"]), 0))
        by_kind.setdefault(judged["kind"], []).append(ndcg(ranked, list(grades.values())))
    every = [value for values in by_kind.values() for value in values]
    return statistics.mean(every), by_kind


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="folder for the Xapian database")
    add_arguments(parser)
    args = parser.parse_args()

    items, seconds, size = build(os.path.join(args.db, "items"), args.tsv)
    print(
        f"xapian {xapian.version_string()}: {items} items indexed in {seconds:.1f} s "
        f"({items / seconds:.0f} items/s, one thread), database {size / 1e6:.0f} MB"
    )
    database = xapian.Database(os.path.join(args.db, "items"))
    query_parser = parser_for(database)
    print(
        f"median (p95) ms over {args.repeat} runs per query; one search = top 20 with "
        "snippets + exact total + counts by region and year"
    )
    compare(
        "xa",
        lambda kind: xapian_search(database, query_parser, kind),
        {kind: note[2] for kind, note in XAPIAN_QUERIES.items()},
        args.edusearch,
        args.queries,
        args.repeat,
        expect=args,
    )
    if args.relevance and args.seed_tsv:
        overall, by_kind = relevance(os.path.join(args.db, "seed"), args.seed_tsv, args.relevance)
        print_relevance("Xapian", "every word, BM25", by_kind, overall)


if __name__ == "__main__":
    main()
