"""Rules: NULL ordering (sqlglot's dialect settings do the rewriting; see the corpus)."""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import rule


@rule(exp.Ordered, source={"postgres"}, target={"mysql"})
def ordinal_with_nulls_order(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`ORDER BY 1` in PostgreSQL sorts NULLs last; MySQL needs a `CASE WHEN x IS NULL` key for
    that, which cannot be written around an ordinal. The ordinal is replaced by the select
    expression it names (in a plain SELECT; set operations keep sqlglot's refusal).
    Corpus: queries.toml `qs-pg-group-by-ordinal`."""
    term = node.this
    order = node.parent
    select = order.parent if isinstance(order, exp.Order) else None
    if (
        not isinstance(select, exp.Select)
        or not isinstance(term, exp.Literal)
        or term.is_string
        or not term.name.isdigit()
    ):
        return None
    index = int(term.name) - 1
    items = select.expressions
    if not 0 <= index < len(items) or items[index].is_star:
        return None
    chosen = items[index]
    node.set("this", (chosen.this if isinstance(chosen, exp.Alias) else chosen).copy())
    return None
