"""Rules: aggregate forms one engine lacks."""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import rule


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
