"""Rules: string length in bytes vs characters, CONCAT and CONCAT_WS NULL handling."""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import func, rule
from sqlshift.translator.types import is_simple


def _octets(node: exp.Expr, target: str) -> exp.Expr:
    if target == "sqlite":
        return exp.Length(this=exp.Cast(this=node, to=exp.DataType.build("BLOB")))
    return func("OCTET_LENGTH", node)


@rule(exp.Length, source={"mysql"}, target={"postgres", "sqlite"})
def byte_length(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL LENGTH() counts bytes (LENGTH('é') = 2); PostgreSQL and SQLite LENGTH() count
    characters. Becomes OCTET_LENGTH() / LENGTH(CAST(x AS BLOB)). CHAR_LENGTH is unchanged.
    Corpus: strings.toml `my-length-*`."""
    if not node.args.get("binary"):
        return None
    return _octets(node.this, ctx.target)


@rule(exp.Anonymous, source={"postgres"}, target={"sqlite", "mysql"})
def octet_length(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL OCTET_LENGTH() counts bytes; SQLite before 3.43 has no OCTET_LENGTH, so it
    becomes LENGTH(CAST(x AS BLOB)) (MySQL has the same function).
    Corpus: strings.toml `pg-octet-length`."""
    if node.name.lower() != "octet_length" or len(node.expressions) != 1:
        return None
    return _octets(node.expressions[0], ctx.target)


@rule(exp.Concat, source={"postgres", "mysql"}, target={"sqlite"})
def concat_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite before 3.44 has no CONCAT(): PostgreSQL's CONCAT skips NULLs (becomes `||` over
    COALESCE(x, '')); MySQL's is NULL if any argument is (becomes plain `||`).
    Corpus: strings.toml `*-concat-null`."""
    parts: list[exp.Expr] = list(node.expressions)
    if node.args.get("coalesce"):
        parts = [exp.Coalesce(this=p, expressions=[exp.Literal.string("")]) for p in parts]
    return _dpipe(parts)


def _dpipe(parts: Sequence[exp.Expr]) -> exp.Expr:
    result = parts[0]
    for part in parts[1:]:
        result = exp.DPipe(this=result, expression=part, safe=True)
    return result


@rule(exp.ConcatWs, source={"postgres", "mysql"}, target={"sqlite"})
def concat_ws_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite before 3.44 has no CONCAT_WS(). Emulated as SUBSTR of the NULL-skipping
    concatenation of `sep || x` pieces; NULL when the separator is NULL, like the original.
    Corpus: strings.toml `*-concat-ws`."""
    separator, *items = node.expressions
    if not is_simple(separator):
        ctx.refuse(
            node,
            "concat-ws",
            "CONCAT_WS with a computed separator cannot be emulated in SQLite",
            "use a literal separator",
        )
        return None
    pieces = [
        exp.Coalesce(
            this=exp.DPipe(this=separator.copy(), expression=item, safe=True),
            expressions=[exp.Literal.string("")],
        )
        for item in items
    ]
    start = exp.Add(this=exp.Length(this=separator.copy()), expression=exp.Literal.number(1))
    joined = exp.Substring(this=_dpipe(pieces), start=start)
    if isinstance(separator, exp.Literal):
        return joined
    return exp.If(
        this=exp.Is(this=separator.copy(), expression=exp.Null()), true=exp.Null(), false=joined
    )


@rule(exp.ByteString, source={"postgres"})
def escape_string(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL E'a\\nb' is a text literal with backslash escapes, already decoded by the
    tokenizer (sqlglot calls it a byte string); elsewhere it is written as a plain literal,
    which the target generator escapes for itself. Corpus: strings.toml `pg-escape-string`."""
    return exp.Literal.string(node.name)


@rule(exp.RegexpLike, exp.RegexpILike, source={"mysql", "postgres"}, target={"sqlite"})
def regexp_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite parses `x REGEXP y` but has no regexp() function unless the application
    registers one (Python's sqlite3 does not), and its flavour would be Python's, not
    MySQL's or PostgreSQL's. Refused. Corpus: strings.toml `*-regexp`."""
    ctx.refuse(
        node,
        "regexp",
        "SQLite has no built-in REGEXP function",
        "register a regexp() function on the connection and pass strict=False, or use LIKE / GLOB",
    )
    return None


@rule(exp.RegexpLike, source={"mysql"}, target={"postgres"})
def case_insensitive_regexp(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL's default (_ci) collations make REGEXP case-insensitive; PostgreSQL `~` is
    case-sensitive, so it becomes `~*`. Corpus: strings.toml `my-regexp`."""
    return exp.RegexpILike(this=node.this, expression=node.expression)


@rule(exp.RegexpLike, source={"postgres"}, target={"mysql"})
def case_sensitive_regexp(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL `~` is case-sensitive; MySQL REGEXP follows the (case-insensitive) column
    collation, so the operand is compared under utf8mb4_bin. Corpus: strings.toml `pg-regexp`."""
    binary = exp.Collate(this=node.this, expression=exp.var("utf8mb4_bin"))
    return exp.RegexpLike(this=exp.Paren(this=binary), expression=node.expression)
