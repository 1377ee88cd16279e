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

import functools
import itertools
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar, overload

__all__ = ["Columns", "Row", "make_rows", "row_class"]


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


_ROW_OVERHEAD = sys.getsizeof(()) + 8
_VALUE = 32  # an int, float, Decimal or date: roughly what getsizeof says for each
_SAMPLE = 8


def estimate_size(rows: Sequence[Row]) -> int:
    """Approximate bytes held by ``rows`` (values, the tuples that hold them).

    Cheap on purpose (it runs on every cache store; some 6 microseconds for 100 rows): text
    and bytes count their length, other values a fixed 32 bytes; a result of more than 8 rows
    is estimated from about 8 rows spread evenly over it. Column names are shared by the rows
    of a result and not counted.
    """
    count = len(rows)
    total = sys.getsizeof(rows)
    if count == 0:
        return total
    sample = rows if count <= _SAMPLE else rows[:: count // _SAMPLE]
    measured = len(sample) * (_ROW_OVERHEAD + 8 * len(rows[0]))
    for row in sample:
        for value in row:
            kind = type(value)
            if kind is str or kind is bytes:
                measured += 49 + len(value)
            elif kind is tuple:
                measured += _value_size(value)
            elif value is not None and kind is not bool:
                measured += _VALUE  # None and booleans are shared singletons
    return total + measured * count // len(sample)


def _value_size(value: Any) -> int:
    kind = type(value)
    if kind is str or kind is bytes:
        return 49 + len(value)
    if value is None or kind is bool:
        return 0  # shared singletons
    if kind is tuple:
        return sys.getsizeof(value) + sum(_value_size(v) for v in value)
    return _VALUE
