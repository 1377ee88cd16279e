"""Explore: run many generated queries without stopping at the first failure, and print the
failures grouped by kind, shortest query first. A tool for finding counterexamples quickly
(plain `random`, no shrinking); the committed tests (test_*.py) use hypothesis.

    .venv/bin/python tests/property/explore.py [-n 3000] [--seed 1] [--source mysql] [--tlp]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "corpus")]

from engines import DIALECTS, connect  # noqa: E402
from runner import STATS, Discard, Mismatch, check_tlp, check_translation, run_source  # noqa: E402
from sqlgen import Gen, random_draw  # noqa: E402


def signature(message: str) -> str:
    first = message.splitlines()[0]
    return re.sub(r"\d+(\.\d+)?", "N", first)[:150]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--source", choices=DIALECTS, action="append")
    parser.add_argument("--tlp", action="store_true")
    parser.add_argument("--show", type=int, default=3)
    args = parser.parse_args()
    engines = {name: connect(name) for name in DIALECTS}
    rng = random.Random(args.seed)
    failures: dict[str, list[str]] = defaultdict(list)
    try:
        for source in args.source or DIALECTS:
            for _ in range(args.n):
                gen = Gen(random_draw(rng), source)
                try:
                    if args.tlp:
                        base, pred = gen.tlp_parts()
                        for target in DIALECTS:
                            try:
                                check_tlp(
                                    engines[source], engines[target], source, target, base, pred
                                )
                            except Mismatch as error:
                                failures[signature(str(error))].append(str(error))
                        continue
                    sql, ordered = gen.query()
                    expected = run_source(engines[source], sql, "diff", list(DIALECTS))
                    for target in DIALECTS:
                        try:
                            check_translation(
                                "diff", sql, source, target, engines[target], expected, ordered
                            )
                        except Mismatch as error:
                            failures[signature(str(error))].append(str(error))
                except Discard:
                    pass
                except Mismatch as error:
                    failures[signature(str(error))].append(str(error))
    finally:
        for engine in engines.values():
            engine.close()
    print("\n".join(STATS.table()))
    for sig, messages in sorted(failures.items(), key=lambda kv: -len(kv[1])):
        print(f"\n=== {len(messages)}x {sig}")
        for message in sorted(messages, key=len)[: args.show]:
            print(message)
            print("---")


if __name__ == "__main__":
    main()
