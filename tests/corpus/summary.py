"""Print corpus figures per direction: cases, translated, refused (expected by the case).

Run: ``python tests/corpus/summary.py``. Whether each translation returns the same rows is
what ``pytest tests/corpus`` proves on the engines; this only counts.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from corpus_harness import load_raw_cases, load_schema  # noqa: E402

import sqlshift  # noqa: E402

DIALECTS = ("mysql", "postgres", "sqlite")


def main() -> int:
    schema = load_schema()
    translated: Counter[tuple[str, str]] = Counter()
    refused: Counter[tuple[str, str]] = Counter()
    for raw in load_raw_cases():
        case = raw.data
        for target in DIALECTS:
            if target == case["source"] or target in case.get("skip_targets", []):
                continue
            key = (case["source"], target)
            try:
                sqlshift.translate(
                    case["sql"],
                    target,
                    source=case["source"],
                    schema=schema if case.get("schema") else None,
                )
                translated[key] += 1
            except sqlshift.UntranslatableError:
                refused[key] += 1
    print(f"{'direction':22} {'cases':>6} {'translated':>11} {'refused':>8}")
    for source in DIALECTS:
        for target in DIALECTS:
            if source != target:
                key = (source, target)
                total = translated[key] + refused[key]
                print(
                    f"{source + ' -> ' + target:22} {total:6} {translated[key]:11} {refused[key]:8}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
