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

import datetime as dt
import functools
import itertools
import sys
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, ClassVar, overload

__all__ = ["Columns", "Row", "estimate_size", "make_rows", "row_class", "value_size"]


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


class Row(tuple[Any, ...]):
    """One result row: ``row[0]``, ``row["name"]``, ``len(row)``, iteration, ``keys()``.

    Immutable: a tuple of the values (so it compares equal to a tuple, or another Row, with the
    same values, and ``in`` tests values; use ``name in row.keys()`` for column names). Each
    set of column names has its own subclass holding them, made once and reused, so building
    a result is a C-level loop over the driver's rows.
    """

    __slots__ = ()
    _columns: ClassVar[Columns]

    def __new__(cls, columns: Columns | Sequence[str], values: Iterable[Any]) -> Row:
        names = columns.names if isinstance(columns, Columns) else tuple(columns)
        return row_class(names)(values)

    @overload  # type: ignore[override]
    def __getitem__(self, key: int | str) -> Any: ...
    @overload
    def __getitem__(self, key: slice) -> tuple[Any, ...]: ...
    def __getitem__(self, key: int | str | slice) -> Any:
        if type(key) is str:
            position = self._columns.index.get(key)
            if position is None:
                raise KeyError(f"no column named {key!r}; columns: {self._columns.names}")
            if position < 0:
                raise KeyError(f"column name {key!r} is ambiguous (it appears more than once)")
            return tuple.__getitem__(self, position)
        return tuple.__getitem__(self, key)  # type: ignore[index]

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={v!r}" for n, v in zip(self._columns.names, self, strict=True))
        return f"Row({inner})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._columns.names, tuple(self)))

    def keys(self) -> tuple[str, ...]:
        """The column names, in order."""
        return self._columns.names

    def values(self) -> tuple[Any, ...]:
        return tuple(self)

    def items(self) -> tuple[tuple[str, Any], ...]:
        return tuple(zip(self._columns.names, self, strict=True))

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default

    def as_dict(self) -> dict[str, Any]:
        """A new (mutable) dict of the row; later columns win over earlier ones of the same name."""
        return dict(zip(self._columns.names, self, strict=True))

    def as_tuple(self) -> tuple[Any, ...]:
        return tuple(self)


RowMaker = Callable[[Iterable[Any]], Row]


@functools.lru_cache(maxsize=1024)
def row_class(names: tuple[str, ...]) -> RowMaker:
    """The Row subclass for results with these column names (memoised: bounded LRU)."""
    namespace = {
        "__slots__": (),
        "__new__": tuple.__new__,  # Cls(values): the C constructor, no Python frame
        "_columns": Columns(names),
        "__module__": __name__,
        "__qualname__": "Row",
    }
    cls: Any = type("Row", (Row,), namespace)
    return cls  # type: ignore[no-any-return]


def make_rows(names: tuple[str, ...], rows: Sequence[Iterable[Any]]) -> tuple[Row, ...]:
    """Rows from the driver's rows (tuples, or anything iterable such as asyncpg Records)."""
    # tuple.__new__ straight from map: no type.__call__ per row (a third faster)
    return tuple(map(_NEW, itertools.repeat(row_class(names), len(rows)), rows))


_NEW: Callable[..., Row] = tuple.__new__


def _rebuild(names: tuple[str, ...], values: tuple[Any, ...]) -> Row:
    return row_class(tuple(names))(values)


def estimate_size(rows: Sequence[Row]) -> int:
    """Bytes held by ``rows``: the sequence, each row's tuple and each value as
    ``sys.getsizeof`` measures it (text by its widest character, a Decimal with its digits,
    tuples, lists and dicts with their items). Every value is counted, so no row mix can hide
    from it (issue 11: a sample of 8 rows once let 0.57 MB stand for 320 MB); a value shared by
    several rows is counted each time (an overestimate, which the cache's bound tolerates).
    Column names are shared by the rows of a result and not counted.

    Column by column in C loops. A column of text, bytes, integers or decimals (and NULLs) is
    measured by its type's own ``__sizeof__`` or ``__len__`` mapped over it, which also checks
    every value's type (``getsizeof`` looks the method up for every value: 6x slower); a
    column of fixed-size values (floats, dates, times, booleans) by a table; any other column
    value by value. 100 rows of an integer, a text, an integer and a decimal: 12 microseconds
    (36 measuring each value with ``getsizeof``), which a cache miss on SQLite pays in full
    (no network wait hides it; benchmarks/bench_executor.py).
    """
    if len(rows) <= _FEW_ROWS:
        return _few_rows_size(rows)
    total = sys.getsizeof(rows)
    kinds = set(map(type, rows))
    if all(issubclass(k, tuple) and k.__basicsize__ == _TUPLE_BASE for k in kinds):
        # tuples (a Row is one): getsizeof is the header and a pointer a value
        total += _EMPTY_TUPLE * len(rows) + _POINTER * sum(map(len, rows))
    else:
        total += sum(map(sys.getsizeof, rows))
    try:
        columns = list(zip(*rows, strict=True))
    except ValueError:  # rows of different lengths: NULLs (nothing) where a row is short
        columns = list(itertools.zip_longest(*rows))
    for column in columns:
        total += _column_size(column)
    return total


def _few_rows_size(rows: Sequence[Any]) -> int:
    """:func:`estimate_size` of a result of a few rows (a point select), value by value: the
    column loops' set-up (a transposition, a type set per column) costs more than they save
    below about four rows (1 row of 4 values: 0.6 microseconds instead of 1.9)."""
    getsizeof = sys.getsizeof
    total = getsizeof(rows)
    for row in rows:
        total += getsizeof(row)
        for value in row:
            total += value_size(value) if type(value) in _CONTAINERS else getsizeof(value)
    return total


def _column_size(column: tuple[Any, ...]) -> int:
    """Bytes held by the values of one column (see :func:`estimate_size`)."""
    kind = type(column[0])
    measure = _MEASURE.get(kind)
    if measure is not None:
        try:
            return measure(column)
        except TypeError:  # a NULL or a value of another type
            pass
    types = list(map(type, column))
    kinds = set(types)
    if measure is None:
        kind = next(iter(kinds - {_NONE}), _NONE)
        measure = _MEASURE.get(kind)
    if measure is not None and kinds == {kind, _NONE}:
        present = tuple(filter(None, column))  # filter(None) also drops zeros: count them
        zeros = len(column) - len(present) - types.count(_NONE)
        return measure(present) + zeros * _ZERO[kind]
    if kinds <= _FIXED.keys():
        return sum(map(_FIXED.__getitem__, types))
    total = sum(map(sys.getsizeof, column))
    if not _CONTAINERS.isdisjoint(kinds):
        total += sum(value_size(value) - sys.getsizeof(value) for value in column)
    return total


_NONE = type(None)
_TUPLE_BASE = tuple.__basicsize__
_EMPTY_TUPLE = sys.getsizeof(())
_POINTER = sys.getsizeof((None,)) - _EMPTY_TUPLE
_BYTES = sys.getsizeof(b"")

#: a column's bytes, for columns of one type whose size varies by value; each raises TypeError
#: on a value of any other type (the type's own ``__sizeof__`` or ``__len__``, which check it)
_MEASURE: dict[type, Callable[[tuple[Any, ...]], int]] = {
    str: lambda column: sum(map(str.__sizeof__, column)),
    int: lambda column: sum(map(int.__sizeof__, column)),
    Decimal: lambda column: sum(map(Decimal.__sizeof__, column)),
    bytes: lambda column: _BYTES * len(column) + sum(map(bytes.__len__, column)),
}

#: what getsizeof says of a falsy value of the type (the nullable case leaves these out)
_ZERO: dict[type, int] = {kind: sys.getsizeof(kind()) for kind in _MEASURE}

#: bytes of values whose size never varies (None and the booleans are shared: 0)
_FIXED: dict[type, int] = {
    type(None): 0,
    bool: 0,
    float: sys.getsizeof(0.5),
    dt.date: sys.getsizeof(dt.date(2000, 1, 1)),
    dt.datetime: sys.getsizeof(dt.datetime(2000, 1, 1)),
    dt.time: sys.getsizeof(dt.time()),
    dt.timedelta: sys.getsizeof(dt.timedelta()),
}

_CONTAINERS = frozenset({tuple, list, dict, set, frozenset})

#: results of at most this many rows are measured value by value (see _few_rows_size)
_FEW_ROWS = 4


def value_size(value: Any) -> int:
    """Bytes held by one value (``sys.getsizeof``, with a container's items); None and the
    booleans are shared and count nothing."""
    if value is None or value is True or value is False:
        return 0
    kind = type(value)
    if kind is dict:
        items = value.items()
        return sys.getsizeof(value) + sum(value_size(k) + value_size(v) for k, v in items)
    if kind in _CONTAINERS:
        return sys.getsizeof(value) + sum(value_size(item) for item in value)
    return sys.getsizeof(value)
