"""Rules: LIMIT / OFFSET / FETCH forms each engine accepts."""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import rule

#: MySQL has no OFFSET without LIMIT; its manual's idiom is the largest BIGINT UNSIGNED
MYSQL_NO_LIMIT = "18446744073709551615"


@rule(
    exp.Select,
    exp.Union,
    exp.Intersect,
    exp.Except,
    source={"postgres", "sqlite"},
    target={"mysql"},
)
def offset_without_limit(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL and SQLite accept OFFSET alone (SQLite also LIMIT -1, PostgreSQL LIMIT ALL);
    MySQL needs a LIMIT, so the manual's 'all rows' idiom is added (`LIMIT ALL OFFSET 2` was
    written as a bare `OFFSET 2`, a syntax error there). Corpus: paging.toml
    `pg-offset-only`, `pg-limit-all-offset`."""
    limit = node.args.get("limit")
    if isinstance(limit, exp.Limit) and _all(limit.expression):
        node.set("limit", None)
        limit = None
    if node.args.get("offset") is not None and limit is None:
        node.set("limit", exp.Limit(expression=exp.Literal.number(MYSQL_NO_LIMIT)))
    elif isinstance(limit, exp.Limit) and _negative(limit.expression):
        limit.set("expression", exp.Literal.number(MYSQL_NO_LIMIT))
    return None


@rule(exp.Select, exp.Union, exp.Intersect, exp.Except, source={"sqlite"}, target={"postgres"})
def sqlite_negative_limit(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite's LIMIT -1 means no limit; PostgreSQL rejects a negative LIMIT.
    Corpus: paging.toml `lite-limit-minus-one`."""
    limit = node.args.get("limit")
    if isinstance(limit, exp.Limit) and _negative(limit.expression):
        node.set("limit", None)
    return None


def _all(value: exp.Expr | None) -> bool:
    return isinstance(value, exp.Var) and value.name.upper() == "ALL"


def _negative(value: exp.Expr | None) -> bool:
    return isinstance(value, exp.Neg) and isinstance(value.this, exp.Literal)


@rule(exp.Fetch, source={"postgres"}, target={"mysql", "sqlite"})
def fetch_with_ties(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """FETCH FIRST n ROWS WITH TIES returns the rows tied with the last one; MySQL and
    SQLite have no equivalent clause. Refused. Corpus: paging.toml `pg-fetch-with-ties`."""
    options = node.args.get("limit_options")
    if isinstance(options, exp.Expr) and options.args.get("with_ties"):
        ctx.refuse(
            node,
            "fetch-with-ties",
            f"{ctx.target} has no FETCH ... WITH TIES",
            "use RANK() OVER (ORDER BY ...) <= n in a subquery",
        )
    return None


@rule(exp.Union, exp.Intersect, exp.Except, source={"mysql", "postgres"}, target={"sqlite"})
def parenthesised_set_operand(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`(SELECT ... ORDER BY ... LIMIT n) UNION (SELECT ...)` is valid in MySQL and PostgreSQL;
    SQLite allows neither parentheses nor ORDER BY/LIMIT on a compound's operands. A bare
    parenthesised operand loses its parentheses; one with ORDER BY/LIMIT/OFFSET becomes
    `SELECT * FROM (...)`, which keeps its own limit. Corpus: paging.toml `qs-*-union-paren-*`."""
    for key in ("this", "expression"):
        operand = node.args.get(key)
        if not isinstance(operand, exp.Subquery) or operand.args.get("alias") is not None:
            continue
        query = operand.this
        paged = any(query.args.get(a) is not None for a in ("order", "limit", "offset"))
        if paged or not isinstance(query, exp.Select):
            replacement: exp.Expr = exp.Select(expressions=[exp.Star()]).from_(
                exp.Subquery(
                    this=query.copy(),
                    alias=exp.TableAlias(this=exp.to_identifier(f"_sqlshift_{key}")),
                ),
                copy=False,
            )
        else:
            replacement = query.copy()
        node.set(key, replacement)
    return None
