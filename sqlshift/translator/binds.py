"""Arguments converted when they are bound: what the source engine reads in a value that the
target's driver or engine reads otherwise (issue 15, item 6).

The translator never writes an argument's value into SQL text; where the text alone cannot
keep the source's meaning, it names a conversion for the argument's placeholder, and
:meth:`ParamMap.apply <sqlshift.translator.params.ParamMap.apply>` runs it on the caller's
value. Each conversion changes only the values it is about (a string) and passes any other
value through (a ``datetime`` is already what the driver takes).

MySQL reads a string as a date or date-time where a DATE / DATETIME / TIMESTAMP column takes
or meets it, in its relaxed spellings (``'2024/1/5'``, ``'20240105'``, ``'24-1-5 3:4:5'``):

* into PostgreSQL, asyncpg takes only ``date`` / ``datetime`` objects for a placeholder the
  server typed as one (``WHERE d = $1`` with ``'2024-01-05'`` failed: "'str' object has no
  attribute 'toordinal'"): the string becomes that object;
* into SQLite, which stores and compares the text as given (``'2024/1/5'`` is not
  ``'2024-01-05'``): the string becomes the canonical text sqlshift stores.

A DATETIME compared with a date-only string is compared with its midnight, as in MySQL. A DATE
compared with a string holding a time of day is compared as a DATETIME in MySQL: into SQLite
the string becomes DATETIME text (which sorts after the day's date), into PostgreSQL it is
left for the driver to refuse (a ``date`` would drop the time).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any

from sqlshift.errors import ParameterError
from sqlshift.translator.rules.stored import canonical_temporal

__all__ = ["CONVERSIONS"]


def _stamp(value: Any) -> dt.datetime | None:
    """The date-time MySQL reads in ``value`` (None: not a string it reads as one)."""
    if type(value) is not str:
        return None
    canonical = canonical_temporal(value, "datetime")
    return None if canonical is None else dt.datetime.fromisoformat(canonical)


def _date_only(stamp: dt.datetime) -> bool:
    return stamp.time() == dt.time()


def _date_object(value: Any, *, compared: bool) -> Any:
    """Into PostgreSQL, for a DATE column: a ``date``. Compared, only a string without a
    time of day (with one, MySQL compares as DATETIME; a ``date`` would drop the time, so
    the string is left for the driver to refuse)."""
    stamp = _stamp(value)
    if stamp is None or (compared and not _date_only(stamp)):
        return value
    return stamp.date()


def _datetime_object(value: Any) -> Any:
    stamp = _stamp(value)
    return value if stamp is None else stamp


def _date_text(value: Any, *, compared: bool) -> Any:
    """Into SQLite, for a DATE column: its canonical text. Compared, a string or ``datetime``
    with a time of day is the canonical DATETIME text, which sorts after the day's date as
    MySQL's comparison as DATETIMEs does (a ``datetime`` at midnight is its date: MySQL finds
    the day equal to it, SQLite's text '2024-01-03 00:00:00' was greater)."""
    stamp = value if type(value) is dt.datetime else _stamp(value)
    if stamp is None:
        return value
    if compared and not _date_only(stamp):
        return stamp.isoformat(sep=" ")
    return stamp.date().isoformat()


def _datetime_text(value: Any) -> Any:
    """Into SQLite, for a DATETIME column: a string's canonical text, and a ``date`` as its
    midnight (MySQL compares a DATETIME with a date as that; SQLite's text '2024-01-05' is
    below '2024-01-05 00:00:00')."""
    if type(value) is dt.date:
        return f"{value.isoformat()} 00:00:00"
    canonical = canonical_temporal(value, "datetime") if type(value) is str else None
    return value if canonical is None else canonical


_INTEGER_TEXT = re.compile(r"\s*[-+]?\d+\s*")


def _integer(value: Any) -> Any:
    """Into PostgreSQL, beside an integer column: a string that is an integer, as one."""
    if type(value) is str and _INTEGER_TEXT.fullmatch(value):
        return int(value)
    return value


@functools.lru_cache(maxsize=256)
def _path_steps(path: str) -> list[str | int]:
    """The keys and indexes of a MySQL JSON path argument; a ParameterError for a path with
    other steps (wildcards, ranges, `last`, several paths), which no target reads alike."""
    from sqlglot import exp

    from sqlshift.translator.rules.json import _steps
    from sqlshift.translator.targets import DIALECTS

    try:
        steps = _steps(DIALECTS["mysql"].to_json_path(exp.Literal.string(path)))
    except Exception:  # sqlglot's own parse error: not a path it reads
        steps = None
    if steps is None:
        raise ParameterError(
            f"the JSON path argument {path!r} cannot be converted: only keys and non-negative "
            "array indexes ('$.a', '$.\"a b\"[0]') mean the same on the target; "
            "extract the values with literal paths instead"
        )
    return steps


def _pg_path(value: Any) -> Any:
    """Into PostgreSQL: the text array `#>` takes (`$."source"[0]` is ['source', '0'])."""
    if type(value) is not str:
        return value
    return [str(step) for step in _path_steps(value)]


def _sqlite_path(value: Any) -> Any:
    """Into SQLite: its path text (the same syntax, keys quoted where needed)."""
    if type(value) is not str:
        return value
    from sqlshift.translator.rules.json import _path_text

    return _path_text(_path_steps(value))


#: conversion name -> what it does to one argument; the names say (source, target, column
#: type, use): ``store`` writes into the column, ``compare`` meets it in a comparison
CONVERSIONS: dict[str, Callable[[Any], Any]] = {
    "mysql-date-store@postgres": functools.partial(_date_object, compared=False),
    "mysql-date-compare@postgres": functools.partial(_date_object, compared=True),
    "mysql-datetime@postgres": _datetime_object,
    "mysql-date-store@sqlite": functools.partial(_date_text, compared=False),
    "mysql-date-compare@sqlite": functools.partial(_date_text, compared=True),
    "mysql-datetime@sqlite": _datetime_text,
    "mysql-integer-text@postgres": _integer,
    "mysql-json-path@postgres": _pg_path,
    "mysql-json-path@sqlite": _sqlite_path,
}
