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
  duplicated): each side's rows are hashed into 1,024 groups (row count and a sum of SHA-256
  digests per group), and only the groups that differ are read again, to name the rows one
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
import hashlib
import json
from collections import Counter
from collections.abc import AsyncGenerator, Sequence
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

__all__ = ["TableCheck", "base_tables", "canonical", "check_table", "naive", "quote", "verify"]

Database = _Database[None]

#: differing keys (or rows) listed per table and kind, unless told otherwise
LIMIT = 10
_GROUPS = 1024
_MOD = 1 << 256
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
        return [await check_table(source, target, name, limit=limit) for name in tables]
    finally:
        await source.close()
        await target.close()


async def check_table(
    source: Database, target: Database, name: str, *, limit: int = LIMIT
) -> TableCheck:
    """``name`` compared on two open databases (module docstring)."""
    ours, theirs = await asyncio.gather(source.read_schema(), target.read_schema())
    if not theirs.columns(name) and not await _readable(target, name):
        count = await _count(source, name)
        return TableCheck(name, count, None, False, error="no such table on the target")
    keys = ours.unique_keys(name)
    if keys:
        try:
            return await _by_key(source, target, name, keys[0], (ours, theirs), limit)
        except (_Unusable, SqlshiftError):
            pass  # (duplicated keys, an order the engines do not share, a key column spelt
            # otherwise than the catalog's lower case: hashes need none of them)
    return await _by_hashes(source, target, name, limit)


def canonical(value: Any) -> str:
    """One value as every engine's copy of it reads: decimals and floats by value,
    datetimes naive in UTC at microseconds, booleans as 0/1, bytes as hex, text exact."""
    if value is None:
        return "\x00"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        number = Decimal(repr(value)) if isinstance(value, float) else value
        return format(number.normalize(), "f") if number.is_finite() else str(number)
    if isinstance(value, dt.datetime):
        return str(naive(value).isoformat(" ", "microseconds"))
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return "x" + bytes(value).hex()
    text = str(value)
    if text[:1] in ("{", "["):  # JSON: PostgreSQL's jsonb keeps it in its own spelling
        try:
            normal = json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))
            return "j" + normal
        except ValueError:
            pass
    return "s" + text


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


_Keyed = tuple[tuple[Any, ...], tuple[Any, ...], tuple[str, ...]]  # order, key values, row


async def _by_key(
    source: Database,
    target: Database,
    name: str,
    key: tuple[str, ...],
    schemas: tuple[Schema, Schema],
    limit: int,
) -> TableCheck:
    """Merge both sides read in ``key``'s byte/value order (module docstring)."""
    found: dict[str, list[str]] = {"missing": [], "extra": [], "changed": []}
    counts = {"source": 0, "target": 0, "differences": 0}

    def note(kind: str, values: tuple[Any, ...]) -> None:
        counts["differences"] += 1
        if len(found[kind]) < limit:
            found[kind].append(", ".join(f"{c}={v!r}" for c, v in zip(key, values, strict=True)))

    async with (
        aclosing(_keyed(source, name, key, schemas[0])) as ours,
        aclosing(_keyed(target, name, key, schemas[1])) as theirs,
    ):
        mine, yours = await asyncio.gather(anext(ours, None), anext(theirs, None))
        while mine is not None or yours is not None:
            if mine is not None and (yours is None or mine[0] < yours[0]):
                note("missing", mine[1])
                counts["source"] += 1
                mine = await anext(ours, None)
            elif yours is not None and (mine is None or yours[0] < mine[0]):
                note("extra", yours[1])
                counts["target"] += 1
                yours = await anext(theirs, None)
            else:
                assert mine is not None and yours is not None
                if mine[2] != yours[2]:
                    note("changed", mine[1])
                counts["source"] += 1
                counts["target"] += 1
                mine, yours = await asyncio.gather(anext(ours, None), anext(theirs, None))
    return TableCheck(
        name,
        counts["source"],
        counts["target"],
        counts["differences"] == 0,
        f"key ({', '.join(key)})",
        tuple(found["missing"]),
        tuple(found["extra"]),
        tuple(found["changed"]),
        counts["differences"],
    )


async def _keyed(
    db: Database, name: str, key: tuple[str, ...], schema: Schema
) -> AsyncGenerator[_Keyed, None]:
    """``name``'s rows in ``key``'s order, each as (its order token, its key values, its
    normalised values); raises :class:`_Unusable` when the order is not strictly rising."""
    types = dict(schema.columns(name))
    order = ", ".join(_ordered(quote(c, db.dialect), types.get(c), db.dialect) for c in key)
    previous: tuple[Any, ...] | None = None
    async with aclosing(
        db.iterate(f"SELECT * FROM {quote(name, db.dialect)} ORDER BY {order}")
    ) as rows:
        async for row in rows:
            values = tuple(row[c] for c in _positions(row, key))
            token = tuple(_token(v) for v in values)
            if previous is not None and not previous < token:
                raise _Unusable(name)
            previous = token
            yield token, values, _normalised(row)


def _positions(row: Row, key: tuple[str, ...]) -> list[int]:
    names = [n.lower() for n in row.keys()]  # noqa: SIM118 (a row iterates its values)
    return [names.index(c) for c in key]


def _normalised(row: Row) -> tuple[str, ...]:
    """The row's values by lower-cased column name order, normalised (so that two copies
    whose columns come in another order still compare)."""
    names = [n.lower() for n in row.keys()]  # noqa: SIM118 (a row iterates its values)
    return tuple(canonical(v) for _, v in sorted(zip(names, row, strict=True)))


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


async def _by_hashes(source: Database, target: Database, name: str, limit: int) -> TableCheck:
    """Compare grouped row hashes; name the rows of the groups that differ (module docstring)."""
    (mine, my_groups), (yours, your_groups) = await asyncio.gather(
        _groups(source, name), _groups(target, name)
    )
    differing = {g for g in range(_GROUPS) if my_groups[g] != your_groups[g]}
    if not differing:
        return TableCheck(name, mine, yours, True, "row hashes")
    ours, theirs = await asyncio.gather(
        _rows_in(source, name, differing), _rows_in(target, name, differing)
    )
    missing, extra = ours - theirs, theirs - ours
    return TableCheck(
        name,
        mine,
        yours,
        False,
        "row hashes",
        tuple(_shown(missing, limit)),
        tuple(_shown(extra, limit)),
        (),
        missing.total() + extra.total(),
    )


def _digest(row: tuple[str, ...]) -> bytes:
    return hashlib.sha256("\x1f".join(row).encode()).digest()


async def _groups(db: Database, name: str) -> tuple[int, list[tuple[int, int]]]:
    """The row count, and per group its rows' count and digest sum."""
    counts, sums, total = [0] * _GROUPS, [0] * _GROUPS, 0
    async with aclosing(db.iterate(f"SELECT * FROM {quote(name, db.dialect)}")) as rows:
        async for row in rows:
            digest = _digest(_normalised(row))
            group = int.from_bytes(digest[:2], "big") % _GROUPS
            counts[group] += 1
            sums[group] = (sums[group] + int.from_bytes(digest, "big")) % _MOD
            total += 1
    return total, list(zip(counts, sums, strict=True))


async def _rows_in(db: Database, name: str, groups: set[int]) -> Counter[tuple[str, ...]]:
    found: Counter[tuple[str, ...]] = Counter()
    async with aclosing(db.iterate(f"SELECT * FROM {quote(name, db.dialect)}")) as rows:
        async for row in rows:
            values = _normalised(row)
            if int.from_bytes(_digest(values)[:2], "big") % _GROUPS in groups:
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


async def _readable(db: Database, name: str) -> bool:
    try:
        await db.fetch_val(f"SELECT 1 FROM {quote(name, db.dialect)} WHERE 1 = 0")
    except SqlshiftError:
        return False
    return True


async def _count(db: Database, name: str) -> int:
    return int(await db.fetch_val(f"SELECT COUNT(*) FROM {quote(name, db.dialect)}") or 0)
