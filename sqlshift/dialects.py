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
