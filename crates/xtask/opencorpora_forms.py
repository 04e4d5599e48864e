#!/usr/bin/env python3
"""Dumps every word form of the OpenCorpora dictionary, for `cargo run -p xtask -- lexicon`.

Reads the dictionary of the PyPI package pymorphy3-dicts-ru (OpenCorpora, CC BY-SA) through
pymorphy3 and writes one distinct form a line, sorted, as `form<TAB>flag`:

- the form is lowercased with `ё` folded to `е`;
- the flag is `o` (ordinary) when at least one parse of the form lacks every grammeme of
  PROPER (it is then a common word: «кем», «прогресс», «томский»), else `p` (proper only:
  «кемь», «томск», «мегион»).

Usage (about 3 minutes):

    pip install pymorphy3==2.0.6 pymorphy3-dicts-ru==2.4.417150.4580142
    python3 crates/xtask/opencorpora_forms.py /tmp/opencorpora-forms.tsv
"""

import sys

import pymorphy3
import pymorphy3_dicts_ru

# Names of people, places, organisations and trademarks.
PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_path = sys.argv[1]
    dictionary = pymorphy3.MorphAnalyzer().dictionary
    ordinary: dict[str, bool] = {}
    for word, tag, _normal, _paradigm, _index in dictionary.iter_known_words():
        form = word.lower().replace("ё", "е")
        is_ordinary = not (tag.grammemes & PROPER)
        ordinary[form] = ordinary.get(form, False) or is_ordinary
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        out.write(f"# pymorphy3-dicts-ru {pymorphy3_dicts_ru.__version__} (OpenCorpora, CC BY-SA)\n")
        for form in sorted(ordinary):
            out.write(f"{form}\t{'o' if ordinary[form] else 'p'}\n")
    print(f"wrote {len(ordinary)} forms to {out_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
