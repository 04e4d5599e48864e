#!/usr/bin/env python3
"""Plain BM25 with the Snowball Russian stemmer (Xapian) on the retrieval development set.

Run by `cargo bench --bench retrieval` (which compares it with edusearch side by side); needs
Debian's python3-xapian. Each paragraph of the SQuAD-format file is one document; each question
is a query, typed as given, its words OR-ed (Xapian's QueryParser default), every word stemmed
on both sides (STEM_ALL: with STEM_SOME a capitalised first word of a question would stay
unstemmed), ranked with BM25Weight's defaults. Prints one JSON object: the rank (1-based, 0 when not in the top 10) of
each question's own paragraph, in file order.
"""

import json
import sys

import xapian


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: xapian_retrieval.py SQUAD_JSON")
    with open(sys.argv[1], encoding="utf-8") as file:
        data = json.load(file)["data"]
    paragraphs = [p for article in data for p in article["paragraphs"]]

    db = xapian.WritableDatabase("", xapian.DB_BACKEND_INMEMORY)
    stemmer = xapian.Stem("russian")
    generator = xapian.TermGenerator()
    generator.set_stemmer(stemmer)
    generator.set_stemming_strategy(xapian.TermGenerator.STEM_ALL)
    for number, paragraph in enumerate(paragraphs):
        doc = xapian.Document()
        generator.set_document(doc)
        generator.index_text(paragraph["context"])
        doc.set_data(str(number))
        db.add_document(doc)

    parser = xapian.QueryParser()
    parser.set_stemmer(stemmer)
    parser.set_stemming_strategy(xapian.QueryParser.STEM_ALL)
    parser.set_database(db)
    enquire = xapian.Enquire(db)
    enquire.set_weighting_scheme(xapian.BM25Weight())

    ranks = []
    for number, paragraph in enumerate(paragraphs):
        for qa in paragraph["qas"]:
            query = parser.parse_query(qa["question"])
            enquire.set_query(query)
            rank = 0
            for position, match in enumerate(enquire.get_mset(0, 10), start=1):
                if int(match.document.get_data().decode()) == number:
                    rank = position
                    break
            ranks.append(rank)
    print(json.dumps({"engine": f"Xapian {xapian.version_string()} BM25", "ranks": ranks}))


if __name__ == "__main__":
    main()
