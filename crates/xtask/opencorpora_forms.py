#!/usr/bin/env python3
"""Dumps every word form of the OpenCorpora dictionary, for `cargo run -p xtask -- lexicon`.

Reads the dictionary of the PyPI package pymorphy3-dicts-ru (OpenCorpora, CC BY-SA) through
pymorphy3 and writes one distinct form a line, sorted, as `form<TAB>flag`:

- the form is lowercased with `ё` folded to `е`;
- the flag is `o` (ordinary) when at least one parse of the form lacks every grammeme of
  PROPER (it is then a common word: «кем», «прогресс», «томский»), else `p` (proper only:
  «кемь», «томск», «мегион»);
- an ordinary form whose every parse is a function word — a preposition, conjunction, particle
  or pronoun (FUNCTION), or else an adverb, predicative or interjection (ALSO_FUNCTION), with at
  least one parse of FUNCTION — is flagged `f` instead («среди», «через», «после», «каждый»):
  it tells what a sentence does, not what it is about.

Usage (about 3 minutes):

    pip install pymorphy3==2.0.6 pymorphy3-dicts-ru==2.4.417150.4580142
    python3 crates/xtask/opencorpora_forms.py /tmp/opencorpora-forms.tsv
"""

import sys

import pymorphy3
import pymorphy3_dicts_ru

# Names of people, places, organisations and trademarks.
PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})
# Parts of speech of function words; `Apro` marks pronominal adjectives («каждый», «такой»).
FUNCTION = frozenset({"PREP", "CONJ", "PRCL", "NPRO"})
ALSO_FUNCTION = frozenset({"ADVB", "PRED", "INTJ"})


def is_function(tag) -> bool:
    return tag.POS in FUNCTION or "Apro" in tag.grammemes


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_path = sys.argv[1]
    dictionary = pymorphy3.MorphAnalyzer().dictionary
    ordinary: dict[str, bool] = {}
    # form → (every parse is a function word's, some parse is one of FUNCTION)
    function: dict[str, tuple[bool, bool]] = {}
    for word, tag, _normal, _paradigm, _index in dictionary.iter_known_words():
        form = word.lower().replace("ё", "е")
        is_ordinary = not (tag.grammemes & PROPER)
        ordinary[form] = ordinary.get(form, False) or is_ordinary
        every, some = function.get(form, (True, False))
        function[form] = (
            every and (is_function(tag) or tag.POS in ALSO_FUNCTION),
            some or is_function(tag),
        )
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        out.write(f"# pymorphy3-dicts-ru {pymorphy3_dicts_ru.__version__} (OpenCorpora, CC BY-SA)\n")
        for form in sorted(ordinary):
            flag = "p"
            if ordinary[form]:
                flag = "f" if all(function[form]) else "o"
            out.write(f"{form}\t{flag}\n")
    print(f"wrote {len(ordinary)} forms to {out_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
