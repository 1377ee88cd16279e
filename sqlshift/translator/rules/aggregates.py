"""Rules: aggregate forms one engine lacks."""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import rule
from sqlshift.translator.rules.numeric import MYSQL_DIV_PRECISION, cast
from sqlshift.translator.types import Kind, infer


@rule(exp.Filter, source={"postgres", "sqlite"}, target={"mysql"})
def aggregate_filter(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL has no `agg(x) FILTER (WHERE p)`. Aggregates ignore NULLs, so it becomes
    `agg(CASE WHEN p THEN x END)` (COUNT(*) counts `CASE WHEN p THEN 1 END`).
    Corpus: boolean.toml `pg-bool-filter-count`."""
    agg, where = node.this, node.expression
    if not isinstance(agg, exp.AggFunc) or not isinstance(where, exp.Where):
        ctx.refuse(
            node,
            "filter-clause",
            "this FILTER clause has no MySQL equivalent",
            "use CASE WHEN inside the aggregate",
        )
        return None
    argument = agg.this
    if isinstance(argument, exp.Star) or argument is None:
        argument = exp.Literal.number(1)
    if isinstance(argument, exp.Distinct) or agg.expressions:
        ctx.refuse(
            node,
            "filter-clause",
            "FILTER on a DISTINCT or multi-argument aggregate cannot be rewritten for MySQL",
            "use CASE WHEN inside the aggregate",
        )
        return None
    agg.set("this", exp.Case(ifs=[exp.If(this=where.this, true=argument)]))
    return agg


@rule(exp.Avg, source={"mysql"}, target={"postgres", "sqlite"})
def mysql_average(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL AVG of an exact column is a DECIMAL with the column's scale + 4 digits
    (AVG(int) = 39.9091); PostgreSQL keeps ~16 digits and SQLite returns a REAL. Rounded to
    MySQL's scale; AVG of a DOUBLE is unchanged; unknown types are refused.
    Corpus: grouping.toml `grp-my-avg-int-repeating`."""
    operand = infer(node.this, ctx)
    if operand.kind is Kind.FLOAT:
        return None
    if operand.kind in (Kind.INT, Kind.EXACT):
        scale = operand.scale + MYSQL_DIV_PRECISION
        return exp.Round(this=node, decimals=exp.Literal.number(scale))
    ctx.refuse(
        node,
        "avg-needs-types",
        "MySQL AVG() rounds exact values to the column's scale "
        "+ 4 digits and the column type is unknown here",
        "pass schema= with the column types",
    )
    return None


@rule(exp.Avg, source={"postgres", "sqlite"}, target={"mysql"})
def average_in_double(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL averages integers to ~16 significant digits (SQLite in REAL); MySQL would
    round to scale + 4 digits. Averaging the DOUBLE value keeps the precision.
    Corpus: grouping.toml `grp-pg-avg-*`."""
    if isinstance(node.this, exp.Distinct) or infer(node.this, ctx).kind is Kind.FLOAT:
        return None
    node.set("this", cast(node.this, "DOUBLE"))
    return None
