"""The corpus runner's machinery: case loading, statement classification, the translator switch,
running a case on an engine, and result normalisation/comparison. No pytest in here."""

from __future__ import annotations

import datetime
import math
import os
import re
import tomllib
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import sqlglot
from engines import DIALECTS, DialectName, Engine, Row, is_ci, split_statements
from sqlglot import exp
from sqlglot.errors import SqlglotError

ROOT = Path(__file__).resolve().parent.parent.parent
CASES_DIR = ROOT / "corpus" / "cases"
SCHEMA_FILE = ROOT / "corpus" / "fixture" / "schema.toml"

REQUIRED_KEYS = frozenset({"id", "source", "sql"})
OPTIONAL_KEYS = frozenset({"verify", "ordered", "refuse", "schema", "skip_targets", "why", "note"})
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

#: Numbers are equal when within this relative tolerance (or this absolute one, near zero).
REL_TOL = 1e-9
ABS_TOL = 1e-12


# ------------------------------------------------------------------------------------- cases


class CaseFormatError(ValueError):
    """A corpus case is malformed; the message names the case and the problem."""


@dataclass(frozen=True, slots=True)
class RawCase:
    """One `[[case]]` table as read from its file, before validation."""

    file: str
    index: int
    data: dict[str, Any]

    @property
    def label(self) -> str:
        case_id = self.data.get("id")
        return case_id if isinstance(case_id, str) else f"{self.file}#{self.index}"


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    source: DialectName
    sql: str
    file: str
    verify: str | None = None
    ordered: bool | None = None
    refuse: dict[str, str] = field(default_factory=dict)
    schema: bool = False
    skip_targets: tuple[str, ...] = ()
    why: str | None = None
    note: str | None = None

    @classmethod
    def from_raw(cls, raw: RawCase) -> Case:
        """Validate the types and keys of a raw case (not its SQL) and build it."""
        data, label = raw.data, f"{raw.label} ({raw.file})"
        problems: list[str] = []
        missing = sorted(REQUIRED_KEYS - data.keys())
        if missing:
            problems.append(f"missing required key(s) {missing}")
        unknown = sorted(data.keys() - REQUIRED_KEYS - OPTIONAL_KEYS)
        if unknown:
            problems.append(f"unknown key(s) {unknown}")
        if "id" in data and not (isinstance(data["id"], str) and ID_PATTERN.match(data["id"])):
            problems.append(f"id must be kebab-case text, got {data['id']!r}")
        if "source" in data and data["source"] not in DIALECTS:
            problems.append(f"source must be one of {DIALECTS}, got {data['source']!r}")
        for key in ("sql", "verify", "why", "note"):
            if key in data and not (isinstance(data[key], str) and data[key].strip()):
                problems.append(f"{key} must be non-empty text")
        for key in ("ordered", "schema"):
            if key in data and not isinstance(data[key], bool):
                problems.append(f"{key} must be true or false")
        refuse = data.get("refuse", {})
        if not isinstance(refuse, dict) or not all(
            target in DIALECTS and isinstance(code, str) and code for target, code in refuse.items()
        ):
            problems.append(f"refuse must map target dialects to error codes, got {refuse!r}")
        elif data.get("source") in refuse:
            problems.append("refuse must not name the source dialect (identity never refuses)")
        skips = data.get("skip_targets", [])
        if not isinstance(skips, list) or not all(target in DIALECTS for target in skips):
            problems.append(f"skip_targets must list target dialects, got {skips!r}")
        elif skips and "why" not in data:
            problems.append("skip_targets needs a `why`")
        if "why" in data and not skips:
            problems.append("`why` only documents skip_targets")
        if problems:
            raise CaseFormatError(f"case {label}: " + "; ".join(problems))
        return cls(
            id=data["id"],
            source=data["source"],
            sql=data["sql"],
            file=raw.file,
            verify=data.get("verify"),
            ordered=data.get("ordered"),
            refuse=dict(refuse),
            schema=data.get("schema", False),
            skip_targets=tuple(skips),
            why=data.get("why"),
            note=data.get("note"),
        )


def load_raw_cases(cases_dir: Path = CASES_DIR) -> list[RawCase]:
    """Every `[[case]]` of every `*.toml` file under `cases_dir`, in file order."""
    raws: list[RawCase] = []
    for path in sorted(cases_dir.glob("*.toml")):
        with path.open("rb") as handle:
            document = tomllib.load(handle)
        extra = sorted(document.keys() - {"case"})
        if extra:
            raise CaseFormatError(f"{path.name}: only [[case]] tables are allowed, found {extra}")
        for index, data in enumerate(document.get("case", [])):
            raws.append(RawCase(file=path.name, index=index, data=data))
    return raws


def load_schema(path: Path = SCHEMA_FILE) -> dict[str, dict[str, Any]]:
    """Table -> column -> type, plus each table's `__keys__` (a list of unique keys, each a
    list of column names) as `sqlshift.translate(schema=...)` takes them."""
    with path.open("rb") as handle:
        document = tomllib.load(handle)
    return {
        table: {c: t if c == KEYS else str(t) for c, t in columns.items()}
        for table, columns in document.items()
    }


KEYS = "__keys__"


# ----------------------------------------------------------------------------- classification

_WRITE_NODES: tuple[type[exp.Expr], ...] = (exp.Insert, exp.Update, exp.Delete, exp.Merge)
_DDL_NODES: tuple[type[exp.Expr], ...] = (
    exp.Create,
    exp.Drop,
    exp.Alter,
    exp.TruncateTable,
)
#: "read" plus the engines' WriteKind, least to most disruptive.
Kind = Literal["read", "dml", "ddl", "other"]
_KIND_RANK: dict[Kind, int] = {"read": 0, "dml": 1, "ddl": 2, "other": 3}


def parse_statements(sql: str, dialect: DialectName) -> list[exp.Expr]:
    """Parse as sqlshift does (its dialects parse e.g. `REPLACE INTO`, which sqlglot keeps as
    an opaque command); plain sqlglot when sqlshift is not importable."""
    try:
        from sqlshift.translator.targets import DIALECTS as SQLSHIFT_DIALECTS
    except ImportError:
        return [e for e in sqlglot.parse(sql, read=dialect) if e is not None]
    return [e for e in SQLSHIFT_DIALECTS[dialect].parse(sql) if e is not None]


def statement_kind(expression: exp.Expr) -> Kind:
    """'read', 'dml', 'ddl' or 'other' for one parsed statement."""
    if isinstance(expression, exp.Query | exp.Values):
        if expression.find(*_DDL_NODES) or expression.args.get("into"):
            return "ddl"  # e.g. PostgreSQL's SELECT ... INTO creates a table
        if expression.find(*_WRITE_NODES):
            return "dml"  # e.g. a data-modifying CTE
        return "read"
    if isinstance(expression, _WRITE_NODES):
        return "ddl" if expression.find(*_DDL_NODES) else "dml"
    if isinstance(expression, _DDL_NODES):
        return "ddl"
    return "other"


def script_kind(sql: str, dialect: DialectName) -> Kind:
    """The most disruptive kind among the statements of `sql`; 'other' if it does not parse."""
    try:
        kinds: list[Kind] = [statement_kind(e) for e in parse_statements(sql, dialect)]
    except SqlglotError:
        return "other"
    return max(kinds, key=_KIND_RANK.__getitem__, default="read")


def writes(kind: Kind) -> bool:
    return kind != "read"


def widest(*kinds: Kind) -> Kind:
    return max(kinds, key=_KIND_RANK.__getitem__)


def result_query(case: Case) -> str:
    """The statement whose rows a case compares: its verify query, else its last statement."""
    if case.verify is not None:
        return case.verify
    return split_statements(case.sql, case.source)[-1]


def is_ordered(case: Case) -> bool:
    """`ordered` if given, else whether the compared statement has a top-level ORDER BY."""
    if case.ordered is not None:
        return case.ordered
    try:
        expression = sqlglot.parse_one(result_query(case), read=case.source)
    except SqlglotError:
        return False
    return isinstance(expression, exp.Query) and expression.args.get("order") is not None


# --------------------------------------------------------------------------- translator switch


class _NeverRaised(Exception):
    code = ""


@dataclass(frozen=True, slots=True)
class Translator:
    name: str
    translate: Callable[[str, DialectName, DialectName, dict[str, dict[str, str]] | None], str]
    untranslatable: type[Exception]


def _sqlglot_stand_in(
    sql: str, target: DialectName, source: DialectName, schema: dict[str, dict[str, str]] | None
) -> str:
    return ";\n".join(sqlglot.transpile(sql, read=source, write=target))


def get_translator() -> Translator:
    """The translator under test.

    `SQLSHIFT_CORPUS_TRANSLATOR` = `sqlshift` | `sqlglot` | `auto` (default). `auto` uses
    sqlshift when it can be imported and otherwise plain `sqlglot.transpile` as a stand-in;
    the stand-in is never used under CI unless asked for by name.
    """
    choice = os.environ.get("SQLSHIFT_CORPUS_TRANSLATOR", "auto").strip().lower()
    if choice not in ("auto", "sqlshift", "sqlglot"):
        raise RuntimeError(f"SQLSHIFT_CORPUS_TRANSLATOR={choice!r}: use sqlshift, sqlglot or auto")
    if choice != "sqlglot":
        try:
            from sqlshift import UntranslatableError
            from sqlshift import translate as sqlshift_translate
        except ImportError as error:
            if choice == "sqlshift" or is_ci():
                raise RuntimeError(f"sqlshift.translate cannot be imported: {error}") from error
        else:

            def _sqlshift(
                sql: str,
                target: DialectName,
                source: DialectName,
                schema: dict[str, dict[str, str]] | None,
            ) -> str:
                result = sqlshift_translate(sql, target, source=source, schema=schema, strict=True)
                return result if isinstance(result, str) else str(result.sql)

            return Translator("sqlshift", _sqlshift, UntranslatableError)
    return Translator("sqlglot stand-in", _sqlglot_stand_in, _NeverRaised)


# ------------------------------------------------------------------------------------ running


def run_on(engine: Engine, sql: str, verify: str | None, kind: Kind) -> list[Row]:
    """Run `sql` (one statement or a script) on `engine` and return the rows to compare: the
    verify query's, or else the last statement's. Writes are undone afterwards."""
    if kind == "read":
        return _run(engine, sql, verify)
    with engine.isolated(kind):
        return _run(engine, sql, verify)


def _run(engine: Engine, sql: str, verify: str | None) -> list[Row]:
    if verify is not None:
        engine.execute_script(sql)
        return engine.query(verify)
    statements = split_statements(sql, engine.name)
    if not statements:
        raise ValueError("no statement to run")
    if len(statements) > 1:
        engine.execute_script(";\n".join(statements[:-1]))
    return engine.query(statements[-1])


# ------------------------------------------------------------------------------ normalisation


def _format_datetime(value: datetime.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ", timespec="microseconds" if value.microsecond else "seconds")


def _format_timedelta(value: datetime.timedelta) -> str:
    sign = "-" if value < datetime.timedelta(0) else ""
    micros = abs(value) // datetime.timedelta(microseconds=1)
    seconds, micro = divmod(micros, 1_000_000)
    hours, rest = divmod(seconds, 3600)
    text = f"{sign}{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{text}.{micro:06d}" if micro else text


def normalise_value(value: Any) -> Any:
    """Map a driver value onto the few types results are compared as (see corpus/README.md)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        return _format_datetime(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="microseconds" if value.microsecond else "seconds")
    if isinstance(value, datetime.timedelta):
        return _format_timedelta(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return tuple(normalise_value(item) for item in value)
    return value


def normalise_rows(rows: Iterable[Sequence[Any]]) -> list[Row]:
    return [tuple(normalise_value(v) for v in row) for row in rows]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _is_integral(value: int | float | Decimal) -> bool:
    if isinstance(value, int):
        return True
    try:
        return math.isfinite(value) and value == int(value)
    except (OverflowError, ValueError, ArithmeticError):
        return False


def values_equal(a: Any, b: Any) -> bool:
    if _is_number(a) and _is_number(b):
        a_nan = isinstance(a, float | Decimal) and a != a
        b_nan = isinstance(b, float | Decimal) and b != b
        if a_nan or b_nan:
            return a_nan and b_nan
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        # An integer and a non-integral number differ, however close (e.g. 3 vs 3.0000000001).
        if (isinstance(a, int) and not _is_integral(b)) or (
            isinstance(b, int) and not _is_integral(a)
        ):
            return False
        if _is_integral(a) and _is_integral(b):
            return Decimal(a) == Decimal(b)
        try:
            return math.isclose(float(a), float(b), rel_tol=REL_TOL, abs_tol=ABS_TOL)
        except OverflowError:
            return Decimal(a) == Decimal(b)
    if _is_number(a) or _is_number(b):
        return False
    return type(a) is type(b) and bool(a == b)


def rows_equal(a: Row, b: Row) -> bool:
    return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))


def _value_key(value: Any) -> tuple[Any, ...]:
    if value is None:
        return (0,)
    if _is_number(value):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf if value > 0 else -math.inf
        if number != number:
            return (1, math.inf, 1)
        return (1, number, 0)
    if isinstance(value, str):
        return (2, value)
    if isinstance(value, bytes):
        return (3, value)
    if isinstance(value, tuple):
        return (4, tuple(_value_key(item) for item in value))
    return (5, type(value).__name__, repr(value))


def row_sort_key(row: Row) -> tuple[Any, ...]:
    """A total order over normalised rows, whatever mix of None and types they hold."""
    return tuple(_value_key(value) for value in row)


def compare(expected: list[Row], actual: list[Row], ordered: bool) -> str | None:
    """None when the normalised results match, else a one-line description of the difference."""
    expected, actual = normalise_rows(expected), normalise_rows(actual)
    widths = {len(row) for row in expected} | {len(row) for row in actual}
    if len(widths) > 1:
        return f"column counts differ: {sorted(widths)}"
    if len(expected) != len(actual):
        return f"row counts differ: expected {len(expected)}, got {len(actual)}"
    if not ordered:
        expected = sorted(expected, key=row_sort_key)
        actual = sorted(actual, key=row_sort_key)
    for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
        if not rows_equal(want, got):
            where = f"row {index}" if ordered else f"row {index} (after sorting)"
            return f"{where}: expected {want!r}, got {got!r}"
    return None


def format_rows(rows: list[Row], limit: int = 40) -> str:
    shown = [f"    {row!r}" for row in normalise_rows(rows[:limit])]
    if len(rows) > limit:
        shown.append(f"    ... {len(rows) - limit} more")
    return "\n".join(shown) if shown else "    (no rows)"


def indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.strip().splitlines())
