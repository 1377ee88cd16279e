"""The sqlglot dialects sqlshift generates with, where a target needs a different spelling.

Subclassing keeps sqlglot's own dialects untouched for anyone else in the process.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.mysql import MySQL
from sqlglot.generators.mysql import MySQLGenerator

__all__ = ["DIALECTS"]


class _MySQLGenerator(MySQLGenerator):
    TRANSFORMS = {  # noqa: RUF012 - sqlglot's own class attribute, extended as sqlglot does
        **MySQLGenerator.TRANSFORMS,
        # REGEXP_LIKE() exists in MySQL 8 but not in MariaDB; the infix operator is in both.
        exp.RegexpLike: lambda self, e: self.binary(e, "REGEXP"),
    }


class SqlshiftMySQL(MySQL):
    """MySQL as both MySQL 8 and MariaDB 10.11 accept it."""

    Generator = _MySQLGenerator


DIALECTS: dict[str, Dialect] = {
    "mysql": SqlshiftMySQL(),
    "postgres": Dialect.get_or_raise("postgres"),
    "sqlite": Dialect.get_or_raise("sqlite"),
}
