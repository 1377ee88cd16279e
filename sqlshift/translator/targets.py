"""The sqlglot dialects sqlshift generates with, where a target needs a different spelling.

Subclassing keeps sqlglot's own dialects untouched for anyone else in the process.
"""

from __future__ import annotations

from typing import Any

from sqlglot import TokenType, exp, transforms
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.mysql import MySQL
from sqlglot.dialects.postgres import Postgres
from sqlglot.dialects.sqlite import SQLite
from sqlglot.errors import ParseError as SqlglotParseError
from sqlglot.generators.mysql import MySQLGenerator
from sqlglot.generators.sqlite import SQLiteGenerator, _transform_create
from sqlglot.parser import Parser, build_mod
from sqlglot.parsers.mysql import MySQLParser
from sqlglot.parsers.postgres import PostgresParser
from sqlglot.parsers.sqlite import SQLiteParser

__all__ = ["DATE_PART_FUNCTION", "DIALECTS", "SOURCE_FORMAT", "SQLITE_MOD_FUNCTION"]

SOURCE_FORMAT = "sqlshift_source_format"
"""Meta on a TimeToStr the parser made from a named function (DAYNAME, MONTHNAME): the MySQL
format it means, which no string literal of the statement holds."""


class _MySQLGenerator(MySQLGenerator):
    TRANSFORMS = {  # noqa: RUF012 - sqlglot's own class attribute, extended as sqlglot does
        **MySQLGenerator.TRANSFORMS,
        # REGEXP_LIKE() exists in MySQL 8 but not in MariaDB; the infix operator is in both.
        exp.RegexpLike: lambda self, e: self.binary(e, "REGEXP"),
    }

    def insert_sql(self, expression: exp.Insert) -> str:
        # `REPLACE INTO` (delete + insert) is a statement of its own in MySQL, not `INSERT OR`.
        if expression.args.get("alternative") != "REPLACE":
            return super().insert_sql(expression)
        with_ = expression.args.get("with_")
        expression.set("alternative", None)
        expression.set("with_", None)
        try:
            body = "REPLACE" + super().insert_sql(expression).removeprefix("INSERT")
        finally:
            expression.set("alternative", "REPLACE")
            expression.set("with_", with_)
        return self.prepend_ctes(expression, body)


def _parse_replace_into(self: Parser) -> exp.Expr:
    """MySQL and SQLite `REPLACE INTO ...`: an INSERT whose alternative is REPLACE (sqlglot
    keeps the statement as an opaque Command, which the upsert rules could not translate)."""
    insert = self._parse_insert()
    insert.set("alternative", "REPLACE")
    return insert


def _interval_call(name: str) -> Any:
    """MySQL's DATE_ADD/DATE_SUB builder, with a parse error in words where sqlglot's
    returns nothing for fewer than two arguments (and then fails on it internally)."""
    build = MySQLParser.FUNCTIONS[name]

    def _build(args: list[Any]) -> Any:
        if len(args) < 2:
            raise SqlglotParseError(
                f"{name}() takes a date and an interval: {name}(d, INTERVAL 1 DAY)"
            )
        return build(args)

    return _build


def _named(mysql_format: str) -> Any:
    """MySQL DAYNAME(d) / MONTHNAME(d): DATE_FORMAT(d, '%W') / DATE_FORMAT(d, '%M') (English
    names under MySQL's default lc_time_names), so the format rules translate them (they were
    refused as unknown functions)."""

    def _build(args: list[Any]) -> Any:
        if len(args) != 1:
            raise SqlglotParseError("DAYNAME() and MONTHNAME() take one date")
        node = exp.TimeToStr(
            this=exp.TsOrDsToTimestamp(this=args[0]),
            format=MySQL().format_time(exp.Literal.string(mysql_format)),
        )
        node.meta[SOURCE_FORMAT] = mysql_format
        return node

    return _build


def _no_arrow_lambdas(lambdas: dict[TokenType, Any]) -> dict[TokenType, Any]:
    """sqlglot reads `x -> y` inside a function's arguments as a lambda, which none of the
    three dialects has: `SUM(doc->'$.n')` became a lambda written back as `doc -> '$.n'`, a
    PostgreSQL key lookup of the key '$.n' (NULL). Without it, `->` is the JSON operator there
    as everywhere else (corpus json.toml `json-my-arrow-in-function`)."""
    return {token: build for token, build in lambdas.items() if token != TokenType.ARROW}


class _MySQLParser(MySQLParser):
    LAMBDAS = _no_arrow_lambdas(MySQLParser.LAMBDAS)
    STATEMENT_PARSERS = {  # noqa: RUF012 - sqlglot's own class attribute
        **MySQLParser.STATEMENT_PARSERS,
        TokenType.REPLACE: _parse_replace_into,
    }
    FUNCTIONS = {  # noqa: RUF012 - sqlglot's own class attribute
        **MySQLParser.FUNCTIONS,
        "DATE_ADD": _interval_call("DATE_ADD"),
        "DATE_SUB": _interval_call("DATE_SUB"),
        "DAYNAME": _named("%W"),
        "MONTHNAME": _named("%M"),
    }


SQLITE_MOD_FUNCTION = "sqlshift_sqlite_mod_function"
"""Meta flag on the Mod node of SQLite's MOD() function, which keeps fractions (MOD(7.5, 2) =
1.5) where its `%` operator works on integers (7.5 % 2 = 1): sqlglot parses both as Mod."""


def _build_sqlite_mod(args: list[Any], dialect: Dialect) -> exp.Mod:
    node = build_mod(args, dialect)
    node.meta[SQLITE_MOD_FUNCTION] = True
    return node


class _SQLiteParser(SQLiteParser):
    LAMBDAS = _no_arrow_lambdas(SQLiteParser.LAMBDAS)
    STATEMENT_PARSERS = {  # noqa: RUF012 - sqlglot's own class attribute
        **SQLiteParser.STATEMENT_PARSERS,
        TokenType.REPLACE: _parse_replace_into,
    }
    FUNCTIONS = {**SQLiteParser.FUNCTIONS, "MOD": _build_sqlite_mod}  # noqa: RUF012


def _key_spelling(expression: exp.Expr) -> exp.Expr:
    """A table-level PRIMARY KEY names its column as the column is defined (``id`` for
    ``PRIMARY KEY (ID)``), and a column without a type is a column definition: SQLite names are
    case-insensitive, but sqlglot's move of a one-column key onto its column looks the name up,
    as written, among the column definitions."""
    schema = expression.this
    if not (isinstance(expression, exp.Create) and isinstance(schema, exp.Schema)):
        return expression
    for position, item in enumerate(schema.expressions):
        if isinstance(item, exp.Identifier):  # a column without a type: sqlglot's key move
            schema.expressions[position] = exp.ColumnDef(this=item)  # looks up definitions
    defined = {c.name.lower(): c.name for c in schema.expressions if isinstance(c, exp.ColumnDef)}
    for key in schema.expressions:
        if isinstance(key, exp.PrimaryKey):
            for part in key.expressions:
                spelled = defined.get(part.name.lower())
                if (
                    spelled is not None
                    and spelled != part.name
                    and isinstance(part, exp.Identifier | exp.Column)
                ):
                    target = part if isinstance(part, exp.Identifier) else part.this
                    target.set("this", spelled)
    return expression


#: Declared column types SQLite keeps by name (sqlglot writes REAL and INTEGER). The name is
#: what the executor converts by (``Decimal``, ``bool``, ``datetime``: the same Python types as
#: the other engines give) and what a reader of the schema sees; the affinity SQLite derives
#: from it (NUMERIC) is the one the corpus fixture's own SQLite tables have.
_SQLITE_DECLARED: dict[exp.DType, str] = {
    exp.DType.DECIMAL: "DECIMAL",
    exp.DType.BOOLEAN: "BOOLEAN",
    exp.DType.TIMESTAMPTZ: "TIMESTAMP",  # MySQL's TIMESTAMP: the text of a naive value
}


class _SQLiteGenerator(SQLiteGenerator):
    TRANSFORMS = {  # noqa: RUF012 - sqlglot's own class attribute, extended as sqlglot does
        **SQLiteGenerator.TRANSFORMS,
        exp.Create: transforms.preprocess([_key_spelling, _transform_create]),
    }

    def columndef_sql(self, expression: exp.ColumnDef, sep: str = " ") -> str:
        """A column keeps a type name that says what it holds (``DECIMAL(10, 2)``, ``BOOLEAN``)
        where sqlglot's SQLite types (``REAL(10, 2)``, ``INTEGER``) would lose it; casts keep
        sqlglot's mapping, which the rules rely on."""
        kind = expression.args.get("kind")
        name = _SQLITE_DECLARED.get(kind.this) if isinstance(kind, exp.DataType) else None
        if name is None or kind is None:
            return super().columndef_sql(expression, sep)
        params = self.expressions(kind, flat=True)
        declared = exp.DataType(
            this=exp.DType.USERDEFINED, kind=f"{name}({params})" if params else name
        )
        column = expression.copy()
        column.set("kind", declared)
        return super().columndef_sql(column, sep)


DATE_PART_FUNCTION = "sqlshift_date_part_function"
"""Meta flag on the Extract node of PostgreSQL's date_part(), a double precision, where
EXTRACT() is a NUMERIC (PostgreSQL 14+): sqlglot parses both as Extract."""


def _parse_date_part(parser: PostgresParser) -> exp.Expr:
    node = parser._parse_date_part()
    node.meta[DATE_PART_FUNCTION] = True
    return node


class _PostgresParser(PostgresParser):
    LAMBDAS = _no_arrow_lambdas(PostgresParser.LAMBDAS)
    FUNCTION_PARSERS = {  # noqa: RUF012 - sqlglot's own class attribute
        **PostgresParser.FUNCTION_PARSERS,
        "DATE_PART": _parse_date_part,
    }


class SqlshiftPostgres(Postgres):
    """PostgreSQL, telling date_part() from EXTRACT()."""

    Parser = _PostgresParser


class SqlshiftMySQL(MySQL):
    """MySQL as both MySQL 8 and MariaDB 10.11 accept it."""

    class Tokenizer(MySQL.Tokenizer):
        COMMANDS = MySQL.Tokenizer.COMMANDS - {TokenType.REPLACE}

    Parser = _MySQLParser
    Generator = _MySQLGenerator


class SqlshiftSQLite(SQLite):
    """SQLite, parsing `REPLACE INTO` as an INSERT; a primary key spelled unlike its column."""

    class Tokenizer(SQLite.Tokenizer):
        COMMANDS = SQLite.Tokenizer.COMMANDS - {TokenType.REPLACE}

    Parser = _SQLiteParser
    Generator = _SQLiteGenerator


DIALECTS: dict[str, Dialect] = {
    "mysql": SqlshiftMySQL(),
    "postgres": SqlshiftPostgres(),
    "sqlite": SqlshiftSQLite(),
}
