#!/usr/bin/env bash
# Whether two indexes answer the query mix alike, for a build change that must leave the index
# search-identical.
#
#   benches/compare/same_results.sh INDEX_A INDEX_B [EDUSEARCH [EDUSEARCH_B]]
#
# For each query of benches/compare/queries.tsv, at both levels and sorted by relevance and by
# date, compares the first 100 hits, totals and facets of the two indexes, searched by the same
# binary (`target/release/edusearch` unless given), or INDEX_B by EDUSEARCH_B when given (for a
# change of the index format the other binary cannot read). Hits with equal scores (or dates)
# are compared as a set, and a tie cut by the end of the page is left out: which indexing
# thread takes a document decides its segment and id, so two builds by one binary order ties
# differently. Prints each query that differs; exits 1 if any does.
set -euo pipefail
a=$1 b=$2 bin=${3:-target/release/edusearch} bin_b=${4:-${3:-target/release/edusearch}}
queries="$(dirname "$0")/queries.tsv"
normalise() {
  python3 -c '
import json, sys
answer = json.load(sys.stdin)
sort = sys.argv[1]
answer.pop("took_ms", None)
hits = answer.pop("hits")
key = (lambda hit: hit["date"] or "") if sort == "date" else (lambda hit: round(hit["score"], 4))
if answer["total"] > len(hits) and hits:
    last = key(hits[-1])
    hits = [hit for hit in hits if key(hit) != last]
for hit in hits:
    hit["score"] = round(hit["score"], 4)
answer["hits"] = sorted(hits, key=lambda hit: json.dumps(hit, sort_keys=True, ensure_ascii=False))
print(json.dumps(answer, sort_keys=True, ensure_ascii=False))
' "$1"
}
answer() {
  "$5" search --index "$1" --level "$2" --sort "$3" --limit 100 --json -- "$4" | normalise "$3"
}
status=0
while IFS=$'\t' read -r kind query; do
  [[ -z "$kind" || "$kind" == \#* ]] && continue
  for level in items resolutions; do
    for sort in relevance date; do
      if [[ "$(answer "$a" "$level" "$sort" "$query" "$bin")" != "$(answer "$b" "$level" "$sort" "$query" "$bin_b")" ]]; then
        echo "differs: $kind «$query» ($level, $sort)"
        status=1
      fi
    done
  done
done <"$queries"
[[ $status == 0 ]] && echo "same results"
exit $status
