"""Time translating mysqldump-shaped dumps of growing size (cold, memo cleared) to PostgreSQL and
SQLite; prints a table (size, statements, seconds, MB/s, time per MB) and can write JSON.

    python benchmarks/bench_dump.py [--sizes 250,500,1000,2000] [--json out.json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import time
from pathlib import Path
from typing import Any

from sqlshift import translation
from sqlshift.translator.api import clear_cache

ROOT = Path(__file__).resolve().parent.parent


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_dump", ROOT / "corpus" / "dumps" / "make_dump.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="300,600,1200,2400", help="generator sizes (~0.8 KB)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # LOCK TABLES etc. parse as commands
    gen = _generator()
    rows = []
    print(f"{'target':9} {'bytes':>10} {'stmts':>6} {'seconds':>8} {'MB/s':>6} {'s/MB':>6}")
    for size in (int(s) for s in args.sizes.split(",")):
        dump = gen.make_dump(size)
        for target in ("postgres", "sqlite"):
            best, count = float("inf"), 0
            for _ in range(args.repeat):
                clear_cache()
                start = time.perf_counter()
                result = translation(dump, target, "mysql")
                best = min(best, time.perf_counter() - start)
                count = len(result.statements)
            mb = len(dump.encode()) / 1e6
            rows.append(
                {
                    "target": target,
                    "bytes": len(dump.encode()),
                    "statements": count,
                    "seconds": best,
                }
            )
            print(
                f"{target:9} {len(dump.encode()):>10} {count:>6} {best:>8.2f} "
                f"{mb / best:>6.2f} {best / mb:>6.2f}"
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
