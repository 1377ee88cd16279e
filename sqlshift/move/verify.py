"""Prove that two databases hold the same rows (``sqlshift verify``).

A table is compared in one of two ways:

- **By key**, when it has a primary (or unique) key: both sides are read in the key's order,
  an order both engines agree on (numbers and dates by value, everything else by its bytes:
  PostgreSQL ``COLLATE "C"``, MySQL ``CAST(... AS BINARY)``, SQLite ``COLLATE BINARY``; never
  a text collation, under which two engines sort the same keys differently and a merge would
  see phantom differences), and merged row by row. A key on one side only is *missing* (in
  the source only) or *extra* (in the target only); a key on both sides whose values differ
  is *changed*. Memory stays constant whatever the table's size.
- **By row hashes**, when it has no key (or a key the merge finds out of order or
  duplicated): each side's rows are hashed into 1,024 groups (row count and a sum of 64-bit
  row hashes per group), and only the groups that differ are read again, to name the rows one
  side has more often than the other.

Values are compared normalised as the executor reads them on every engine (:func:`canonical`):
decimals and floats by value, datetimes naive in UTC, booleans as 0/1, bytes exact, text
exact, JSON by its parsed value.

The comparison is done here, in Python, over each side's rows rather than by checksums the
engines compute: the engines' own text forms of decimals, floats and datetimes differ, which
is the phantom difference a cross-engine checksum would have to work around. The price is that
each table is read once from each side (concurrently).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import operator
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlglot import exp

from sqlshift.errors import SqlshiftError
from sqlshift.executor.database import Database as _Database
from sqlshift.executor.database import connect
from sqlshift.executor.rows import Row
from sqlshift.translator.schema import Schema

__all__ = [
    "Digest",
    "TableCheck",
    "base_tables",
    "canonical",
    "check_table",
    "column_names",
    "digest_of",
    "naive",
    "quote",
    "same_values",
    "spellings",
    "verify",
]

Database = _Database[None]

#: differing keys (or rows) listed per table and kind, unless told otherwise
LIMIT = 10
_GROUPS = 1024
_NATURAL = {
    *exp.DataType.NUMERIC_TYPES,
    *exp.DataType.TEMPORAL_TYPES,
    exp.DataType.Type.BOOLEAN,
}
_BINARY = {
    exp.DataType.Type.BLOB,
    exp.DataType.Type.BINARY,
    exp.DataType.Type.VARBINARY,
    exp.DataType.Type.LONGBLOB,
    exp.DataType.Type.MEDIUMBLOB,
    exp.DataType.Type.TINYBLOB,
}


@dataclass(frozen=True, slots=True)
class TableCheck:
    """One table compared on both sides."""

    name: str
    source_rows: int
    target_rows: int | None  #: None: no such table on the target
    equal: bool
    #: "key (col, ...)": merged in key order; "row hashes": the table has no usable key
    compared_by: str = ""
    missing: tuple[str, ...] = ()  #: keys (or rows) in the source only, the first ``limit``
    extra: tuple[str, ...] = ()  #: keys (or rows) in the target only, the first ``limit``
    changed: tuple[str, ...] = ()  #: keys on both sides whose values differ
    differences: int = 0  #: all missing, extra and changed rows, listed or not
    error: str | None = None  #: why a side could not be read


async def verify(
    source_url: str,
    target_url: str,
    *,
    tables: Sequence[str] | None = None,
    limit: int = LIMIT,
) -> list[TableCheck]:
    """Compare every table of ``source_url`` (or ``tables``) with the target's (module
    docstring); up to ``limit`` differing keys of each kind are named per table."""
    source = await connect(source_url, introspect=False)
    target = await connect(target_url, introspect=False)
    try:
        if tables is None:
            tables = await base_tables(source)
        schemas = await asyncio.gather(source.read_schema(), target.read_schema())
        theirs = await spellings(target, tables)  # (a copy's names may be folded)
        return [
            await check_table(
                source, target, name, limit=limit, schemas=schemas, target_name=theirs[name]
            )
            for name in tables
        ]
    finally:
        await source.close()
        await target.close()


async def check_table(
    source: Database,
    target: Database,
    name: str,
    *,
    limit: int = LIMIT,
    schemas: tuple[Schema, Schema] | None = None,
    target_name: str | None = None,
) -> TableCheck:
    """``name`` compared on two open databases (module docstring); ``schemas``: both
    sides' (read when not given); ``target_name``: the table's name on the target when it
    is spelt otherwise there (the translator folds names to lower case for MySQL and
    PostgreSQL: a PostgreSQL "Users" is `users` in MySQL)."""
    if schemas is None:
        schemas = await asyncio.gather(source.read_schema(), target.read_schema())
    ours, theirs = schemas
    names = (name, target_name or name)
    if not theirs.columns(names[1]) and not await _readable(target, names[1]):
        count = await _count(source, name)
        return TableCheck(name, count, None, False, error="no such table on the target")
    keys = ours.unique_keys(name)
    if keys:
        try:
            return await _by_key(source, target, names, keys[0], (ours, theirs), limit)
        except (_Unusable, SqlshiftError):
            pass  # (duplicated keys, or an order the engines do not share: hashes need
            # neither)
    return await _by_hashes(source, target, names, limit)


def canonical(value: Any) -> str:
    """One value as every engine's copy of it reads: decimals and floats by value,
    datetimes naive in UTC at microseconds, booleans as 0/1, bytes as hex, text exact."""
    exact = _CANONICAL.get(type(value))
    if exact is not None:
        return exact(value)
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, Decimal | float):
        return _number(value)
    if isinstance(value, dt.datetime):
        return _datetime(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return _bytes(value)
    return _text(str(value))


def _number(value: Decimal | float) -> str:
    number = Decimal(repr(value)) if isinstance(value, float) else value
    return format(number.normalize(), "f") if number.is_finite() else str(number)


def _datetime(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = naive(value)
    return value.isoformat(" ", "microseconds")


def _bytes(value: bytes | bytearray | memoryview) -> str:
    return "x" + bytes(value).hex()


def _text(text: str) -> str:
    if text[:1] in ("{", "["):  # JSON: PostgreSQL's jsonb keeps it in its own spelling
        try:
            return "j" + json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))
        except ValueError:
            pass
    return "s" + text


#: the exact types the executor returns, looked up before any isinstance test
_CANONICAL: dict[type, Callable[[Any], str]] = {
    str: _text,
    int: str,
    type(None): lambda _: "\x00",
    bool: lambda v: "1" if v else "0",
    Decimal: _number,
    float: _number,
    dt.datetime: _datetime,
    dt.date: dt.date.isoformat,
    dt.time: dt.time.isoformat,
    bytes: _bytes,
}


def naive(value: Any) -> Any:
    """An aware datetime as the naive UTC one MySQL and SQLite store; anything else as is."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def quote(name: str, dialect: str) -> str:
    return f"`{name}`" if dialect == "mysql" else f'"{name}"'


# ------------------------------------------------------------------------------ by key


class _Unusable(Exception):
    """The key cannot drive a merge: a side repeats a key or reads it out of order."""


#: order token, key values, values in column-name order, those column names
_Keyed = tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...], tuple[str, ...]]
_BATCH = 2000


class _Side:
    """One side of a merge: its rows in key order, read a batch at a time."""

    def __init__(
        self, db: Database, name: str, key: tuple[str, ...], schema: Schema, spelt: tuple[str, ...]
    ) -> None:
        types = dict(schema.columns(name))
        order = ", ".join(
            _ordered(quote(s, db.dialect), types.get(c), db.dialect)
            for c, s in zip(key, spelt, strict=True)
        )
        sql = f"SELECT * FROM {quote(name, db.dialect)} ORDER BY {order}"
        self.name, self.key = name, key
        self.rows: list[_Keyed] = []
        self.at = 0
        self.count = 0
        self._source = db.iterate(sql, batch_size=_BATCH)
        self._done = False
        self._previous: tuple[Any, ...] | None = None

    def peek(self) -> _Keyed | None:
        return self.rows[self.at] if self.at < len(self.rows) else None

    @property
    def starved(self) -> bool:
        return self.at >= len(self.rows) and not self._done

    async def fill(self) -> None:
        """The next batch; raises :class:`_Unusable` when the keys do not strictly rise."""
        batch: list[_Keyed] = []
        async for row in self._source:
            layout = _layout(row)
            values = layout.ordered(row)
            key = tuple(row[i] for i in layout.positions(self.key))
            token = tuple(map(_token, key))
            if self._previous is not None and not self._previous < token:
                raise _Unusable(self.name)
            self._previous = token
            batch.append((token, key, values, layout.names))
            if len(batch) >= _BATCH:
                break
        else:
            self._done = True
        self.rows, self.at = batch, 0
        self.count += len(batch)

    async def close(self) -> None:
        await self._source.aclose()


async def _by_key(
    source: Database,
    target: Database,
    names: tuple[str, str],
    key: tuple[str, ...],
    schemas: tuple[Schema, Schema],
    limit: int,
) -> TableCheck:
    """Merge both sides read in ``key``'s byte/value order (module docstring)."""
    name = names[0]
    found: dict[str, list[str]] = {"missing": [], "extra": [], "changed": []}
    differences = 0

    def note(kind: str, values: tuple[Any, ...], columns: str = "") -> None:
        nonlocal differences
        differences += 1
        if len(found[kind]) < limit:
            keys = ", ".join(f"{c}={v!r}" for c, v in zip(key, values, strict=True))
            found[kind].append(keys + (f" ({columns})" if columns else ""))

    sides = []
    for db, schema, table in ((source, schemas[0], names[0]), (target, schemas[1], names[1])):
        spelt = {c.lower(): c for c in await column_names(db, table)}
        sides.append(_Side(db, table, key, schema, tuple(spelt.get(c, c) for c in key)))
    ours, theirs = sides
    try:
        while True:
            starved = [side.fill() for side in (ours, theirs) if side.starved]
            if starved:  # (both finish before a failure is raised: each then closes)
                for outcome in await asyncio.gather(*starved, return_exceptions=True):
                    if isinstance(outcome, BaseException):
                        raise outcome
            mine, yours = ours.peek(), theirs.peek()
            if mine is None and yours is None:
                break
            if mine is not None and (yours is None or mine[0] < yours[0]):
                note("missing", mine[1])
                ours.at += 1
            elif yours is not None and (mine is None or yours[0] < mine[0]):
                note("extra", yours[1])
                theirs.at += 1
            else:
                assert mine is not None and yours is not None
                if not same_values(mine[2], yours[2]):
                    note("changed", mine[1], _changed_columns(mine, yours))
                ours.at += 1
                theirs.at += 1
    finally:
        await asyncio.gather(ours.close(), theirs.close())
    return TableCheck(
        name,
        ours.count,
        theirs.count,
        differences == 0,
        f"key ({', '.join(key)})",
        tuple(found["missing"]),
        tuple(found["extra"]),
        tuple(found["changed"]),
        differences,
    )


def same_values(mine: tuple[Any, ...], yours: tuple[Any, ...]) -> bool:
    """Two rows' values (in column-name order) equal as :func:`canonical` compares them.
    Python's own equality is tried first: it is never stricter than the canonical forms, and
    only laxer for 0.0 beside -0.0, which SQL compares equal too."""
    if mine == yours:
        return True
    return len(mine) == len(yours) and all(
        a == b or canonical(a) == canonical(b) for a, b in zip(mine, yours, strict=True)
    )


def _changed_columns(mine: _Keyed, yours: _Keyed) -> str:
    """The columns whose values differ, with both values: ``seen: '...' != '...'``."""
    if mine[3] != yours[3]:
        return f"columns {', '.join(mine[3])} != {', '.join(yours[3])}"
    return "; ".join(
        f"{name}: {a!r} != {b!r}"[:200]
        for name, a, b in zip(mine[3], mine[2], yours[2], strict=True)
        if not (a == b or canonical(a) == canonical(b))
    )


class _Layout:
    """Where a result's columns are: its values in column-name order, a key's positions."""

    __slots__ = ("_keys", "_names", "names", "ordered")

    def __init__(self, names: tuple[str, ...]) -> None:
        self._names = [n.lower() for n in names]
        order = sorted(range(len(names)), key=lambda i: self._names[i])
        self.names = tuple(self._names[i] for i in order)  #: in the order of ``ordered``
        self.ordered: Callable[[Row], tuple[Any, ...]] = tuple  # (a Row indexes in Python)
        if order != sorted(order):
            getter = operator.itemgetter(*order)
            self.ordered = lambda row: getter(tuple(row))
        self._keys: dict[tuple[str, ...], tuple[int, ...]] = {}

    def positions(self, key: tuple[str, ...]) -> tuple[int, ...]:
        found = self._keys.get(key)
        if found is None:
            found = self._keys[key] = tuple(self._names.index(c) for c in key)
        return found


@functools.lru_cache(maxsize=256)
def _layout_of(names: tuple[str, ...]) -> _Layout:
    return _Layout(names)


def _layout(row: Row) -> _Layout:
    return _layout_of(row.keys())


def _normalised(row: Row) -> tuple[str, ...]:
    """The row's values in column-name order (so that two copies whose columns come in
    another order still compare), normalised by :func:`canonical`.

    Short values are remembered (a table repeats its amounts, dates and names): values that
    Python finds equal have the same canonical form (1, True and 1.0; Decimal 1.5 and 1.50;
    the same instant in two time zones), but for 0.0 beside -0.0, equal in SQL too."""
    values = _layout(row).ordered(row)
    get = _MEMO.get
    try:
        return tuple([get(v) or _remember(v) for v in values])
    except TypeError:  # (an unhashable value)
        return tuple(map(canonical, values))


def _remember(value: Any) -> str:
    found = canonical(value)
    if not isinstance(value, str | bytes) or len(value) <= _MEMO_LENGTH:
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.clear()
        _MEMO[value] = found
    return found


_MEMO: dict[Any, str] = {}
_MEMO_SIZE = 1 << 16
_MEMO_LENGTH = 64


def _ordered(column: str, dtype: exp.DataType | None, dialect: str) -> str:
    """``column`` as an ORDER BY term in the order :func:`_token` gives its values."""
    if dialect == "sqlite":
        return f"{column} COLLATE BINARY"
    if dtype is not None and dtype.this in _NATURAL:
        return column
    if dialect == "mysql":
        return (
            column if dtype is not None and dtype.this in _BINARY else f"CAST({column} AS BINARY)"
        )
    if dtype is not None and dtype.this == exp.DataType.Type.VARBINARY:  # (bytea)
        return column
    return f'CAST({column} AS TEXT) COLLATE "C"'


def _token(value: Any) -> tuple[int, Any]:
    """A key value's place in the order both sides are read in: NULL first, numbers by
    value, everything else by its UTF-8 bytes (ISO dates sort as their dates do)."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool | int):
        return (1, Decimal(int(value)))
    if isinstance(value, float | Decimal):
        return (1, Decimal(repr(value)) if isinstance(value, float) else value)
    if isinstance(value, bytes | bytearray | memoryview):
        return (2, bytes(value))
    if isinstance(value, dt.datetime):
        return (2, naive(value).isoformat(" ").encode())
    if isinstance(value, dt.date | dt.time):
        return (2, value.isoformat().encode())
    return (2, str(value).encode())


# ------------------------------------------------------------------------------ by hashes


async def _by_hashes(
    source: Database, target: Database, names: tuple[str, str], limit: int
) -> TableCheck:
    """Compare grouped row hashes; name the rows of the groups that differ (module docstring)."""
    name, theirs_named = names
    mine, yours = await asyncio.gather(digest_of(source, name), digest_of(target, theirs_named))
    differing = mine.differing(yours)
    if not differing:
        return TableCheck(name, mine.rows, yours.rows, True, "row hashes")
    ours, theirs = await asyncio.gather(
        _rows_in(source, name, differing), _rows_in(target, theirs_named, differing)
    )
    missing, extra = ours - theirs, theirs - ours
    return TableCheck(
        name,
        mine.rows,
        yours.rows,
        False,
        "row hashes",
        tuple(_shown(missing, limit)),
        tuple(_shown(extra, limit)),
        (),
        missing.total() + extra.total(),
    )


class Digest:
    """A table's rows as a multiset in constant memory: per group (by the first bytes of
    each row's hash), the rows' count and the sum of their hashes. Built by reading the
    table (:func:`digest_of`), or row by row while copying it (``sqlshift migrate``)."""

    __slots__ = ("counts", "rows", "sums")

    def __init__(self) -> None:
        self.counts, self.sums, self.rows = [0] * _GROUPS, [0] * _GROUPS, 0

    def add(self, row: Row) -> None:
        self.add_rows((row,))

    def add_rows(self, rows: Sequence[Row]) -> None:
        """Rows of one result (the same columns): :func:`_normalised` and :func:`_hash` of
        each, in one loop (a call per row was a fifth of a migration's proof)."""
        if not rows:
            return
        ordered = _layout(rows[0]).ordered
        get = _MEMO.get
        counts, sums, mask = self.counts, self.sums, _GROUPS - 1
        for row in rows:
            values = ordered(row)
            try:
                value = hash(tuple([get(v) or _remember(v) for v in values]))
            except TypeError:  # (an unhashable value)
                value = hash(tuple(map(canonical, values)))
            counts[value & mask] += 1
            sums[value & mask] += value
        self.rows += len(rows)

    def differing(self, other: Digest) -> set[int]:
        """The groups whose rows differ."""
        return {
            g
            for g in range(_GROUPS)
            if (self.counts[g], self.sums[g]) != (other.counts[g], other.sums[g])
        }


async def digest_of(db: Database, name: str) -> Digest:
    """``name``'s :class:`Digest`, read from ``db``."""
    digest = Digest()
    batch: list[Row] = []
    async with aclosing(db.iterate(f"SELECT * FROM {quote(name, db.dialect)}")) as rows:
        async for row in rows:
            batch.append(row)
            if len(batch) >= 1000:
                digest.add_rows(batch)
                batch = []
    digest.add_rows(batch)
    return digest


def _hash(row: tuple[str, ...]) -> int:
    """A normalised row's 64-bit hash (Python's keyed SipHash of its text: the same for equal
    rows within this process, which is where both sides of a copy are hashed, ``migrate``'s
    second process included; a changed row goes unnoticed with a chance of 2**-64)."""
    return hash(row)


async def _rows_in(db: Database, name: str, groups: set[int]) -> Counter[tuple[str, ...]]:
    found: Counter[tuple[str, ...]] = Counter()
    async with aclosing(db.iterate(f"SELECT * FROM {quote(name, db.dialect)}")) as rows:
        async for row in rows:
            values = _normalised(row)
            if _hash(values) & (_GROUPS - 1) in groups:
                found[values] += 1
    return found


def _shown(rows: Counter[tuple[str, ...]], limit: int) -> list[str]:
    """The first ``limit`` rows as ``(value, ...)``, values in column-name order."""
    return [f"({', '.join(_display(v) for v in row)})" for row in list(rows)[:limit]]


def _display(value: str) -> str:
    """A :func:`canonical` value as a reader would write it."""
    if value == "\x00":
        return "NULL"
    if value[:1] in ("s", "j"):
        return repr(value[1:])
    if value[:1] == "x":
        return "0x" + value[1:]
    return value


async def base_tables(db: Database) -> list[str]:
    """The database's tables (not its views) as its catalog spells them, by name."""
    sql = {
        "mysql": "SELECT TABLE_NAME FROM information_schema.TABLES "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
        "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        "postgres": "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    }[db.dialect]
    return sorted(str(name) for (name,) in await db.fetch_all(sql))


async def spellings(db: Database, names: Sequence[str]) -> dict[str, str]:
    """Each of ``names`` as ``db``'s catalog spells it: the same name, else the one that
    differs only in case (a copy's translated DDL folds names to lower case on MySQL and
    PostgreSQL), else unchanged."""
    found = await base_tables(db)
    exact, folded = set(found), {n.lower(): n for n in found}
    return {n: n if n in exact else folded.get(n.lower(), n) for n in names}


async def column_names(db: Database, table: str) -> tuple[str, ...]:
    """``table``'s columns in their order, spelt as the catalog spells them."""
    if db.dialect == "mysql":
        sql = (
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
            "AND TABLE_NAME = %s ORDER BY ORDINAL_POSITION"
        )
        args: list[Any] = [table]
    elif db.dialect == "sqlite":
        sql, args = "SELECT name FROM pragma_table_info(?) ORDER BY cid", [table]
    else:
        sql = (
            "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 "
            "AND NOT attisdropped ORDER BY attnum"
        )
        args = [quote(table, "postgres")]
    return tuple(str(name) for (name,) in await db.fetch_all(sql, args))


async def _readable(db: Database, name: str) -> bool:
    try:
        await db.fetch_val(f"SELECT 1 FROM {quote(name, db.dialect)} WHERE 1 = 0")
    except SqlshiftError:
        return False
    return True


async def _count(db: Database, name: str) -> int:
    return int(await db.fetch_val(f"SELECT COUNT(*) FROM {quote(name, db.dialect)}") or 0)
