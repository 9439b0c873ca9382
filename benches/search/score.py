#!/usr/bin/env python3
"""Mean reciprocal rank of the wanted page in the first ten results, and how often it is
there, per engine, language and kind of query, from compare.mjs's relevance lines.

    python3 benches/search/score.py results.jsonl [--misses]
"""

import json
import sys
from collections import defaultdict


def main():
    rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    groups = defaultdict(list)
    for row in rows:
        for key in ("all", row["lang"], row["kind"]):
            groups[key].append(row)
    engines = [e for e in ("depeche", "pagefind") if any(r.get(e) is not None for r in rows)]
    print(f"{'queries':12} {'n':>4} " + " ".join(f"{e + ' MRR':>14} {e + ' @10':>13}" for e in engines))
    for key in ["all"] + sorted(k for k in groups if k != "all"):
        rs = groups[key]
        cells = []
        for e in engines:
            ranks = [r[e] or 0 for r in rs]
            mrr = sum(1 / r for r in ranks if r) / len(rs)
            hit = sum(1 for r in ranks if r) / len(rs)
            cells.append(f"{mrr:14.3f} {hit:12.0%}")
        print(f"{key:12} {len(rs):4} " + " ".join(cells))
    if "--misses" in sys.argv:
        for r in rows:
            if any((r.get(e) or 0) != 1 for e in engines):
                print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
