"""Functions and operators: call every function a source dialect's parser knows (or, with
``--operators``, every operator of the dialect) with a handful of argument shapes on the real
engines, and report the calls sqlshift translates without a refusal but whose translation
fails on the target (``--failing``) or answers differently (the default). ``--columns`` calls
the functions on the corpus fixture's columns (with its schema) instead of literals. A tool for
finding counterexamples across the whole catalogue; the findings become rules and corpus cases.

    .venv/bin/python tests/property/functions.py mysql [--failing] [--operators | --columns]
                                                        [NAME ...]

Many differences it prints are about arguments no application passes (the text 'abc' to
SIN(), a number to DAY()): MySQL reads non-numeric text as 0 where SQLite returns NULL.
"""

from __future__ import annotations

import argparse
import itertools
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


def translated(sql: str, source: str, target: str, schema: Any = None) -> str | None:
    try:
        result: Any = translate(sql, target, source=source, schema=schema, strict=True)
    except SqlshiftError:
        return None
    return result if isinstance(result, str) else str(result.sql)


#: binary and prefix operators per dialect, for --operators
OPERATORS = {
    "mysql": ["+", "-", "*", "/", "DIV", "%", "MOD", "^", "&", "|", "<<", ">>", "=", "<=>",
              "<>", "<", ">=", "AND", "OR", "XOR", "||", "LIKE", "REGEXP"],
    "postgres": ["+", "-", "*", "/", "%", "^", "&", "|", "#", "<<", ">>", "=", "<>", "<", ">=",
                 "AND", "OR", "||", "LIKE", "ILIKE", "~", "~*"],
    "sqlite": ["+", "-", "*", "/", "%", "&", "|", "<<", ">>", "=", "==", "<>", "<", ">=", "AND",
               "OR", "||", "LIKE", "GLOB", "IS"],
}  # fmt: skip
PREFIX = {"mysql": ["-", "~", "NOT "], "postgres": ["-", "~", "NOT ", "@"], "sqlite": ["-", "~"]}
#: argument lists over the fixture's people table, for --columns
COLUMNS = (
    "name", "age", "salary", "score", "created_at", "birth_date", "active", "name, 3",
    "age, 2", "salary, 1", "score, 1", "created_at, 1", "email, '@'", "name, 'a'",
    "age, salary", "birth_date, created_at",
)  # fmt: skip
OPERANDS = (
    "7", "-7", "2", "0", "2.5", "-2.5", "NULL", "'7'", "'abc'", "''", "1e2", "TRUE", "FALSE",
    "3000000000", "-9223372036854775807",
)  # fmt: skip


class Scan:
    def __init__(self, source: str, failing: bool, schema: Any = None) -> None:
        self.source, self.failing, self.schema = source, failing, schema
        self.engines = {name: connect(name) for name in DIALECTS}

    def check(self, sql: str) -> bool:
        """Compare ``sql`` on the source engine with its translations; False when the source
        engine rejects it."""
        try:
            expected = harness.normalise_rows(self.engines[self.source].query(sql))
        except Exception:
            return False
        for target in DIALECTS:
            out = (
                None if target == self.source else translated(sql, self.source, target, self.schema)
            )
            if out is None:
                continue
            try:
                got = harness.normalise_rows(self.engines[target].query(out))
            except Exception as error:
                if self.failing:
                    print(f"{self.source}->{target} {sql}  =>  {out}\n    {error}")
                continue
            if not self.failing and harness.compare(expected, got, True, self.source, target):
                print(f"{self.source}->{target} {sql}  =>  {out}")
                print(f"    expected {expected} got {got}")
        return True

    def functions(self, only: list[str], columns: bool) -> None:
        for name in sorted(Dialect.get_or_raise(self.source).parser_class.FUNCTIONS):
            if not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name) or name in VOLATILE:
                continue
            if only and name not in only:
                continue
            for arguments in COLUMNS if columns else ARGUMENTS:
                call = f"{name}({arguments})"
                sql = f"SELECT id, {call} FROM people ORDER BY id" if columns else f"SELECT {call}"
                if self.check(sql) and self.failing:
                    break  # one accepted argument list is enough to see a missing function

    def operators(self, only: list[str]) -> None:
        for operator in OPERATORS[self.source]:
            if not only or operator in only:
                for left, right in itertools.product(OPERANDS, OPERANDS):
                    self.check(f"SELECT {left} {operator} {right}")
        for operator in PREFIX[self.source]:
            if not only or operator in only:
                for operand in OPERANDS:
                    self.check(f"SELECT {operator}{operand}")

    def close(self) -> None:
        for engine in self.engines.values():
            engine.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source", choices=DIALECTS)
    parser.add_argument("names", nargs="*", help="only these functions (or operators)")
    parser.add_argument("--failing", action="store_true", help="report target errors instead")
    parser.add_argument("--operators", action="store_true", help="operators, not functions")
    parser.add_argument("--columns", action="store_true", help="the fixture's columns as arguments")
    args = parser.parse_intermixed_args()
    scan = Scan(args.source, args.failing, harness.load_schema() if args.columns else None)
    try:
        if args.operators:
            scan.operators(args.names)
        else:
            scan.functions(args.names, args.columns)
    finally:
        scan.close()


if __name__ == "__main__":
    main()
