"""Row: the one immutable result row type of every backend, by position and by column name.

Values have the same Python types whichever engine produced them:

=================================  ==========================================================
SQL type                           Python type
=================================  ==========================================================
integer types                      ``int``
REAL / FLOAT / DOUBLE              ``float``
DECIMAL / NUMERIC                  ``decimal.Decimal`` (SQLite: columns declared DECIMAL or
                                   NUMERIC; SQLite stores them as REAL, so float precision)
BOOLEAN                            ``bool`` (MySQL: ``TINYINT(1)`` columns, MySQL's BOOLEAN;
                                   SQLite: columns declared BOOLEAN/BOOL. Boolean
                                   *expressions* are ``int`` on MySQL and SQLite, which have
                                   no boolean type)
DATE                               ``datetime.date`` (SQLite: columns declared DATE)
DATETIME / TIMESTAMP               ``datetime.datetime`` (SQLite: columns declared DATETIME or
                                   TIMESTAMP holding ISO-8601 text)
TIME                               ``datetime.time`` (MySQL TIME values outside 00:00-24:00 stay
                                   ``datetime.timedelta``, as they are durations)
CHAR / VARCHAR / TEXT / JSON       ``str``
BLOB / BYTEA / BINARY / VARBINARY  ``bytes``
UUID (PostgreSQL)                  ``str`` (the other engines store UUIDs as text)
arrays (PostgreSQL)                ``tuple`` (so a cached row cannot be mutated)
NULL                               ``None``
=================================  ==========================================================

SQLite values come back as stored when the column's declared type is none of the above (or the
value is computed by an expression, which has no declared type).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn, overload

__all__ = ["Columns", "Row"]


class Columns:
    """The column names of one result, shared by all of its rows."""

    __slots__ = ("index", "names")

    def __init__(self, names: Sequence[str]) -> None:
        self.names: tuple[str, ...] = tuple(names)
        index: dict[str, int] = {}
        for position, name in enumerate(self.names):
            # -1 marks a name that appears twice: looking it up is ambiguous, not "the first".
            index[name] = -1 if name in index else position
        self.index = index


class Row(Sequence[Any]):
    """One result row: ``row[0]``, ``row["name"]``, ``len(row)``, iteration, ``keys()``.

    Immutable. Compares equal to a tuple (or another Row) with the same values; ``in`` tests
    values, like a tuple (use ``name in row.keys()`` for column names).
    """

    __slots__ = ("_columns", "_values")

    _columns: Columns
    _values: tuple[Any, ...]

    def __init__(self, columns: Columns, values: tuple[Any, ...]) -> None:
        object.__setattr__(self, "_columns", columns)
        object.__setattr__(self, "_values", values)

    @overload
    def __getitem__(self, key: int | str) -> Any: ...
    @overload
    def __getitem__(self, key: slice) -> tuple[Any, ...]: ...
    def __getitem__(self, key: int | str | slice) -> Any:
        if isinstance(key, str):
            position = self._columns.index.get(key)
            if position is None:
                raise KeyError(f"no column named {key!r}; columns: {self._columns.names}")
            if position < 0:
                raise KeyError(f"column name {key!r} is ambiguous (it appears more than once)")
            return self._values[position]
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return self._values == other._values
        if isinstance(other, tuple):
            return self._values == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Row is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("Row is immutable")

    def __repr__(self) -> str:
        inner = ", ".join(
            f"{n}={v!r}" for n, v in zip(self._columns.names, self._values, strict=True)
        )
        return f"Row({inner})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._columns.names, self._values))

    def keys(self) -> tuple[str, ...]:
        """The column names, in order."""
        return self._columns.names

    def values(self) -> tuple[Any, ...]:
        return self._values

    def items(self) -> tuple[tuple[str, Any], ...]:
        return tuple(zip(self._columns.names, self._values, strict=True))

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default

    def as_dict(self) -> dict[str, Any]:
        """A new (mutable) dict of the row; later columns win over earlier ones of the same name."""
        return dict(zip(self._columns.names, self._values, strict=True))

    def as_tuple(self) -> tuple[Any, ...]:
        return self._values


def _rebuild(names: tuple[str, ...], values: tuple[Any, ...]) -> Row:
    return Row(Columns(names), values)


_ROW_OVERHEAD = sys.getsizeof(object()) + 2 * 8


def estimate_size(rows: Sequence[Row]) -> int:
    """Approximate bytes held by ``rows`` (values, the tuples that hold them, the rows).

    Column names are shared by every row of a result and counted once.
    """
    total = sys.getsizeof(rows)
    counted: set[int] = set()
    for row in rows:
        values = row.as_tuple()
        total += _ROW_OVERHEAD + sys.getsizeof(values)
        for value in values:
            total += _value_size(value)
        columns = row._columns
        if id(columns) not in counted:
            counted.add(id(columns))
            total += sum(sys.getsizeof(n) for n in columns.names)
    return total


def _value_size(value: Any) -> int:
    if value is None or isinstance(value, bool):
        return 0  # shared singletons
    if isinstance(value, tuple):
        return sys.getsizeof(value) + sum(_value_size(v) for v in value)
    return sys.getsizeof(value)
