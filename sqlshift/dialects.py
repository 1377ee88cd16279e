"""Dialect names and aliases, placeholder styles and per-engine facts, as data."""

from __future__ import annotations

import difflib
import enum

from sqlshift.errors import DialectError, InputTypeError

__all__ = ["DIALECTS", "ParamStyle", "default_paramstyle", "resolve_dialect"]


class ParamStyle(enum.Enum):
    """Placeholder styles (PEP 249 names)."""

    QMARK = "qmark"  # ?          sqlite3, aiosqlite
    FORMAT = "format"  # %s         pymysql, aiomysql
    PYFORMAT = "pyformat"  # %(name)s   pymysql, aiomysql with a mapping
    NUMERIC = "numeric"  # $1         asyncpg
    NAMED = "named"  # :name      sqlite3 with a mapping

    @property
    def is_named(self) -> bool:
        return self in (ParamStyle.PYFORMAT, ParamStyle.NAMED)


#: canonical name -> sqlglot dialect name
DIALECTS: dict[str, str] = {"mysql": "mysql", "postgres": "postgres", "sqlite": "sqlite"}

_ALIASES: dict[str, str] = {
    "mysql": "mysql",
    "mariadb": "mysql",
    "postgres": "postgres",
    "postgresql": "postgres",
    "pg": "postgres",
    "sqlite": "sqlite",
    "sqlite3": "sqlite",
}

#: the placeholder style each target's async driver expects
_DRIVER_PARAMSTYLE: dict[str, ParamStyle] = {
    "mysql": ParamStyle.FORMAT,
    "postgres": ParamStyle.NUMERIC,
    "sqlite": ParamStyle.QMARK,
}


def resolve_dialect(name: object, *, role: str = "dialect") -> str:
    """Return the canonical dialect for ``name`` (case-insensitive, aliases allowed)."""
    if not isinstance(name, str):
        raise InputTypeError(f"{role} must be a str such as 'mysql', got {type(name).__name__}")
    key = name.strip().lower()
    try:
        return _ALIASES[key]
    except KeyError:
        close = difflib.get_close_matches(key, list(_ALIASES), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        known = ", ".join(sorted(_ALIASES))
        raise DialectError(
            f"unknown {role} {name!r}.{hint} Known: {known}.", candidates=close
        ) from None


def default_paramstyle(dialect: str) -> ParamStyle:
    """The placeholder style of sqlshift's driver for ``dialect``."""
    return _DRIVER_PARAMSTYLE[dialect]


def resolve_paramstyle(style: ParamStyle | str | None, target: str) -> ParamStyle:
    """Accept a ``ParamStyle``, its PEP 249 name, or None (the target driver's style)."""
    if style is None:
        return default_paramstyle(target)
    if isinstance(style, ParamStyle):
        return style
    if not isinstance(style, str):
        raise InputTypeError(f"paramstyle must be a str or ParamStyle, got {type(style).__name__}")
    try:
        return ParamStyle(style.strip().lower())
    except ValueError:
        names = ", ".join(s.value for s in ParamStyle)
        raise DialectError(f"unknown paramstyle {style!r}; use one of {names}") from None


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: words an unquoted identifier may not be on the target (sqlglot knows MySQL's own list).
#: PostgreSQL's `user`, `current_user`, `current_date`... are worse than syntax errors: they
#: parse as functions, so `SELECT user FROM t` would silently return the login name.
RESERVED_WORDS: dict[str, frozenset[str]] = {
    "postgres": _words(
        """all analyse analyze and any array as asc asymmetric authorization binary both case
        cast check collate collation column concurrently constraint create cross
        current_catalog current_date current_role current_schema current_time
        current_timestamp current_user default deferrable desc distinct do else end except
        false fetch for foreign freeze from full grant group having ilike in initially inner
        intersect into is isnull join lateral leading left like limit localtime
        localtimestamp natural not notnull null offset on only or order outer overlaps
        placing primary references returning right select session_user similar some
        symmetric system_user table tablesample then to trailing true union unique user
        using variadic verbose when where window with"""
    ),
    "sqlite": _words(
        """abort action add after all alter always analyze and as asc attach autoincrement
        before begin between by cascade case cast check collate column commit conflict
        constraint create cross current current_date current_time current_timestamp
        database default deferrable deferred delete desc detach distinct do drop each else
        end escape except exclude exclusive exists explain fail filter first following for
        foreign from full generated glob group groups having if ignore immediate in index
        indexed initially inner insert instead intersect into is isnull join key last left
        like limit match materialized natural no not nothing notnull null nulls of offset on
        or order others outer over partition plan pragma preceding primary query raise range
        recursive references regexp reindex release rename replace restrict returning right
        rollback row rows savepoint select set table temp temporary then ties to transaction
        trigger unbounded union unique update using vacuum values view virtual when where
        window with without"""
    ),
    "mysql": frozenset(),
}
