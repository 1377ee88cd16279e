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


def load_schema(path: Path = SCHEMA_FILE, source: str | None = None) -> dict[str, dict[str, Any]]:
    """Table -> column -> type, plus each table's `__keys__` (a list of unique keys, each a
    list of column names) as `sqlshift.translate(schema=...)` takes them: the types as the
    ``source`` engine's fixture declares them (the file's MySQL-style types, with its
    `__source__.<engine>` overrides: PostgreSQL's `payload` is jsonb, whose `-> 0` differs
    from json's)."""
    with path.open("rb") as handle:
        document = tomllib.load(handle)
    overrides = document.pop(SOURCE_TYPES, {}).get(source, {})
    return {
        table: {
            c: t if c == KEYS else str(overrides.get(table, {}).get(c, t))
            for c, t in columns.items()
        }
        for table, columns in document.items()
    }


KEYS = "__keys__"
SOURCE_TYPES = "__source__"


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
        from sqlshift.translator.compound import compound_kind, split_script
        from sqlshift.translator.targets import DIALECTS as SQLSHIFT_DIALECTS
    except ImportError:
        return [e for e in sqlglot.parse(sql, read=dialect) if e is not None]
    if dialect != "mysql":
        return [e for e in SQLSHIFT_DIALECTS[dialect].parse(sql) if e is not None]
    # as the mysql client reads a script (the runner too): DELIMITER, compound units whole,
    # which sqlglot cannot parse: they stand as opaque commands
    found: list[exp.Expr] = []
    for unit in split_script(sql):
        text = sql[unit.start : unit.end]
        if unit.client or not text.strip():
            continue
        if compound_kind(text) is not None:
            found.append(exp.Command(this="CREATE", expression=exp.Literal.string(text)))
            continue
        found.extend(e for e in SQLSHIFT_DIALECTS[dialect].parse(text) if e is not None)
    return found


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
    #: (sql, target, source, schema, ddl): ``ddl`` is a script that ran before ``sql`` (a
    #: case's, for its verify query): its tables and views are known, as a user's DDL is
    translate: Callable[
        [str, DialectName, DialectName, dict[str, dict[str, str]] | None, str | None], str
    ]
    untranslatable: type[Exception]


def _sqlglot_stand_in(
    sql: str,
    target: DialectName,
    source: DialectName,
    schema: dict[str, dict[str, str]] | None,
    ddl: str | None = None,
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
            from sqlshift import Schema, UntranslatableError
            from sqlshift import translate as sqlshift_translate
            from sqlshift.translator.schema import as_schema
        except ImportError as error:
            if choice == "sqlshift" or is_ci():
                raise RuntimeError(f"sqlshift.translate cannot be imported: {error}") from error
        else:

            def _sqlshift(
                sql: str,
                target: DialectName,
                source: DialectName,
                schema: dict[str, dict[str, str]] | None,
                ddl: str | None = None,
            ) -> str:
                base = as_schema(schema)
                known = Schema.from_ddl(ddl, source, base=base) if ddl else base
                result = sqlshift_translate(sql, target, source=source, schema=known, strict=True)
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


# ------------------------------------------------------------------------------ comparison

#: Two binary floats are equal within this relative distance: about 45 units in the last place
#: of a double, room for a sum or an average computed in another order, and far below any
#: difference a person would see (3.0 vs 3.0000000001 differ). Exact numbers have none.
FLOAT_REL_TOL = 1e-14

#: SQLite holds a DECIMAL column's value as a binary REAL (NUMERIC affinity), parsed from its
#: text by SQLite 3.40 to within an ulp or two: arithmetic on it is off by that much of the
#: *operands* (5200.20 - 5200 = 0.2000000000007276), which a relative tolerance on the result
#: cannot admit. Where SQLite is one side and a value is a float, an absolute difference up to
#: this is the storage, not the SQL: about ten ulps of an operand below 10,000 (the fixture's
#: amounts), and ten times below 3.0000000001 - 3, which must still differ.
SQLITE_REAL_ABS_TOL = 1e-11

#: Engines without a boolean type for computed values (a comparison is 0/1 there).
NO_BOOLEAN_EXPRESSIONS = frozenset({"mysql", "sqlite"})
#: Engines whose computed values have no exact decimal or temporal type (REAL, TEXT).
TYPELESS_EXPRESSIONS = frozenset({"sqlite"})

_EXACT = (int, Decimal)
_TEMPORAL = (datetime.datetime, datetime.date, datetime.time, datetime.timedelta)


def normalise_value(value: Any) -> Any:
    """Only what no user could tell apart: memoryview/bytearray as bytes, UUID as str, an
    array as a tuple. Everything else is compared as the executor returns it."""
    if isinstance(value, bytearray | memoryview):
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


def _numbers_equal(want: Any, got: Any, source: str, target: str, exact: bool = True) -> bool:
    if not exact:  # values only: any numeric type, any scale
        try:
            return Decimal(want) == Decimal(got) or math.isclose(
                float(want), float(got), rel_tol=FLOAT_REL_TOL, abs_tol=0.0
            )
        except (ArithmeticError, ValueError, OverflowError):
            return False
    if isinstance(want, float) or isinstance(got, float):
        # A float where the other engine gave an exact number is a different type for the
        # user, except on an engine whose computed values have no exact type (SQLite's REAL).
        exact_side = (
            (target if isinstance(want, float) else source)
            if isinstance(want, float) != isinstance(got, float)
            else None
        )
        float_side = source if isinstance(want, float) else target
        if exact_side is not None and float_side not in TYPELESS_EXPRESSIONS:
            return False
        a, b = float(want), float(got)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        stored = TYPELESS_EXPRESSIONS.intersection((source, target))
        return a == b or math.isclose(
            a, b, rel_tol=FLOAT_REL_TOL, abs_tol=SQLITE_REAL_ABS_TOL if stored else 0.0
        )
    # exact numbers: equal by value, exactly; a DECIMAL also shows its scale (3.5000 is not
    # 3.5 to a reader), except where SQLite holds it (it keeps values, not scales)
    if Decimal(want) != Decimal(got):
        return False
    if isinstance(want, Decimal) and isinstance(got, Decimal):
        if source in TYPELESS_EXPRESSIONS or target in TYPELESS_EXPRESSIONS:
            return True
        return want.as_tuple().exponent == got.as_tuple().exponent
    return True


def _temporal_equal(want: Any, got: Any, target: str) -> bool:
    if isinstance(got, str) and target in TYPELESS_EXPRESSIONS:
        # SQLite computes dates and times as text: the text must be the canonical one
        return got == _canonical_text(want)
    if type(want) is not type(got):
        return False
    if isinstance(want, datetime.datetime) and (want.tzinfo is None) != (got.tzinfo is None):
        return False  # an aware value is not its naive UTC reading
    return bool(want == got)


def _canonical_text(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            return "<aware>"  # SQLite text has no zone: never equal
        spec = "microseconds" if value.microsecond else "seconds"
        return value.isoformat(sep=" ", timespec=spec)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="microseconds" if value.microsecond else "seconds")
    return "<duration>"


def values_equal(
    want: Any, got: Any, source: str = "mysql", target: str = "mysql", exact: bool = True
) -> bool:
    """Is ``got`` (from ``target``) what a user of ``source`` would read as ``want``?

    Strict by design (corpus/README.md): exact numbers by value and scale, floats within
    :data:`FLOAT_REL_TOL`, temporal values as typed values with their time zones, text and
    bytes exactly. Differences no translation can remove are accepted, each on the engines
    that impose it: 0/1 for a boolean where the target has no boolean expressions, REAL and
    canonical text on SQLite for computed exact numbers and dates. ``exact=False`` compares
    numbers by value alone (any type, any scale).
    """
    if want is None or got is None:
        return want is None and got is None
    if isinstance(want, bool) or isinstance(got, bool):
        if isinstance(want, bool) and isinstance(got, bool):
            return want == got
        if isinstance(want, bool) and target in NO_BOOLEAN_EXPRESSIONS:
            return type(got) is int and got == int(want)
        return False
    if _is_number(want) or _is_number(got):
        return (
            _is_number(want)
            and _is_number(got)
            and _numbers_equal(want, got, source, target, exact)
        )
    if isinstance(want, _TEMPORAL):
        return _temporal_equal(want, got, target)
    if isinstance(got, _TEMPORAL) and isinstance(want, str) and source in TYPELESS_EXPRESSIONS:
        # SQLite computed the date as text; the target's typed value must read the same
        return want == _canonical_text(got)
    if isinstance(want, tuple) and isinstance(got, tuple):
        return len(want) == len(got) and all(
            values_equal(a, b, source, target, exact) for a, b in zip(want, got, strict=True)
        )
    return type(want) is type(got) and bool(want == got)


def rows_equal(
    a: Row, b: Row, source: str = "mysql", target: str = "mysql", exact: bool = True
) -> bool:
    return len(a) == len(b) and all(
        values_equal(x, y, source, target, exact) for x, y in zip(a, b, strict=True)
    )


def _value_key(value: Any) -> tuple[Any, ...]:
    if value is None:
        return (0,)
    if isinstance(value, bool):
        return (1, int(value), 0)
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
    if isinstance(value, _TEMPORAL):
        return (2, _canonical_text(value))  # next to SQLite's text of the same value
    return (5, type(value).__name__, repr(value))


def row_sort_key(row: Row) -> tuple[Any, ...]:
    """A total order over normalised rows, whatever mix of None and types they hold."""
    return tuple(_value_key(value) for value in row)


def _names_equal(want: tuple[str, ...], got: tuple[str, ...], source: str, target: str) -> bool:
    """Column names as the application reads them. SQLite names a column reference by the
    spelling its table declares, whatever the query writes, and the translator cannot see
    that spelling: with SQLite on either side, names may differ in case only."""
    if want == got:
        return True
    if len(want) == len(got) and all(w == g or w == "" for w, g in zip(want, got, strict=True)):
        return True  # MySQL names SELECT '' with the empty string: nothing reads it by name
    if "sqlite" in (source, target):
        return tuple(n.casefold() for n in want) == tuple(n.casefold() for n in got)
    return False


def compare(
    expected: list[Row],
    actual: list[Row],
    ordered: bool,
    source: str = "mysql",
    target: str = "mysql",
    *,
    exact: bool = True,
) -> str | None:
    """None when ``actual`` (from ``target``) is what ``expected`` (from ``source``) is to a
    user: the same column names (when both results carry them), the same rows (in the same
    order when ``ordered``), values compared by :func:`values_equal`; else a one-line
    description of the first difference."""
    want_names = tuple(getattr(expected, "names", ()))
    got_names = tuple(getattr(actual, "names", ()))
    if want_names and got_names and not _names_equal(want_names, got_names, source, target):
        return f"column names differ: expected {list(want_names)}, got {list(got_names)}"
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
        if not rows_equal(want, got, source, target, exact):
            if not ordered and _matched(expected, actual, source, target, exact):
                return None
            where = f"row {index}" if ordered else f"row {index} (after sorting)"
            return f"{where}: expected {want!r}, got {got!r}"
    return None


def _matched(expected: list[Row], actual: list[Row], source: str, target: str, exact: bool) -> bool:
    """Can every expected row be paired with its own equal actual row? Sorting pairs rows
    only when equal values sort alike, and a float within the tolerance of an exact number
    may sort on the other side of a neighbour (0.024999999999999998 before 0.025: PostgreSQL
    -> SQLite, seed 816047078), so an unordered mismatch after sorting is checked again by
    pairing. Greedy: a pairing it finds is a real one, so it never hides a difference; one it
    misses leaves the mismatch reported, as before."""
    unused = list(actual)
    for want in expected:
        for position, got in enumerate(unused):
            if rows_equal(want, got, source, target, exact):
                del unused[position]
                break
        else:
            return False
    return True


def format_rows(rows: list[Row], limit: int = 40) -> str:
    shown = [f"    {row!r}" for row in normalise_rows(rows[:limit])]
    if len(rows) > limit:
        shown.append(f"    ... {len(rows) - limit} more")
    return "\n".join(shown) if shown else "    (no rows)"


def indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.strip().splitlines())
