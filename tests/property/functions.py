"""Functions: call every function a source dialect's parser knows, with a handful of argument
shapes, on the real engines, and report the calls sqlshift translates without a refusal but
whose translation fails on the target (``--failing``) or answers differently (the default).
A tool for finding counterexamples across the whole function catalogue; the findings become
rules and corpus cases.

    .venv/bin/python tests/property/functions.py mysql [--failing] [NAME ...]

Many differences it prints are about arguments no application passes (the text 'abc' to
SIN(), a number to DAY()): MySQL reads non-numeric text as 0 where SQLite returns NULL.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "corpus")]

import corpus_harness as harness  # noqa: E402
from engines import DIALECTS, connect  # noqa: E402
from sqlglot.dialects.dialect import Dialect  # noqa: E402

from sqlshift import SqlshiftError, translate  # noqa: E402

#: argument lists tried in turn; the first the source engine accepts is used with --failing
ARGUMENTS = (
    "'abc'", "'Hello World'", "-7", "2.5", "'2024-03-05 10:20:30'", "NULL", "'a,b,c', ','",
    "'hello', 2", "'hello', -2", "17, 5", "-17, 5", "2.5, 1", "'2024-01-31', 1",
    "'abc', 1, 2", "'héllo'", "''", "' x '", "0", "1e300", "'abc', 'b'", "'a.b.c', '.', 2",
    "3, 'a', 'b', 'c'", "'x', 'a', 'x'", "",
)  # fmt: skip

#: answers that change from call to call, or name the session
VOLATILE = frozenset(
    [
        "RAND",
        "RANDOM",
        "NOW",
        "UUID",
        "SYSDATE",
        "CURRENT_TIMESTAMP",
        "CURDATE",
        "CURTIME",
        "UNIX_TIMESTAMP",
        "UTC_TIMESTAMP",
        "UTC_DATE",
        "UTC_TIME",
        "LOCALTIME",
        "LOCALTIMESTAMP",
        "CONNECTION_ID",
        "GEN_RANDOM_UUID",
        "SLEEP",
        "PG_SLEEP",
        "LAST_INSERT_ID",
        "CLOCK_TIMESTAMP",
        "STATEMENT_TIMESTAMP",
        "TRANSACTION_TIMESTAMP",
        "TIMEOFDAY",
        "DATABASE",
        "SCHEMA",
        "CURRENT_SCHEMA",
        "CURRENT_DATABASE",
        "VERSION",
        "USER",
        "CURRENT_USER",
        "SESSION_USER",
        "SYSTEM_USER",
        "CURRENT_DATE",
        "CURRENT_TIME",
        "CHANGES",
        "TOTAL_CHANGES",
        "LAST_INSERT_ROWID",
        "RANDOMBLOB",
    ]
)


def translated(sql: str, source: str, target: str) -> str | None:
    try:
        result: Any = translate(sql, target, source=source, strict=True)
    except SqlshiftError:
        return None
    return result if isinstance(result, str) else str(result.sql)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source", choices=DIALECTS)
    parser.add_argument("names", nargs="*", help="only these functions")
    parser.add_argument("--failing", action="store_true", help="report target errors instead")
    args = parser.parse_args()
    engines = {name: connect(name) for name in DIALECTS}
    functions = sorted(Dialect.get_or_raise(args.source).parser_class.FUNCTIONS)
    try:
        for name in functions:
            if not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name) or name in VOLATILE:
                continue
            if args.names and name not in args.names:
                continue
            for arguments in ARGUMENTS:
                sql = f"SELECT {name}({arguments})"
                try:
                    expected = harness.normalise_rows(engines[args.source].query(sql))
                except Exception:
                    continue  # the source engine rejects these arguments
                for target in DIALECTS:
                    out = translated(sql, args.source, target) if target != args.source else None
                    if out is None:
                        continue
                    try:
                        got = harness.normalise_rows(engines[target].query(out))
                    except Exception as error:
                        if args.failing:
                            print(f"{args.source}->{target} {sql}  =>  {out}\n    {error}")
                        continue
                    if not args.failing and harness.compare(expected, got, ordered=True):
                        print(f"{args.source}->{target} {sql}  =>  {out}")
                        print(f"    expected {expected} got {got}")
                if args.failing:
                    break  # one accepted argument list is enough to see a missing function
    finally:
        for engine in engines.values():
            engine.close()


if __name__ == "__main__":
    main()
