"""Rules: super-aggregate grouping (MySQL's WITH ROLLUP, the standard ROLLUP/CUBE/GROUPING SETS).

MySQL and MariaDB write ``GROUP BY a, b WITH ROLLUP``; PostgreSQL writes ``GROUP BY ROLLUP
(a, b)`` for the same rows (the super-aggregate rows carry NULL in the rolled-up columns) and
also has CUBE and GROUPING SETS, which MySQL lacks; SQLite has none of them.
"""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import rule


def _refuse(ctx: Context, node: exp.Expr, what: str) -> None:
    ctx.refuse(
        node,
        "rollup",
        f"{ctx.target} has no {what}",
        "compute the subtotals with UNION ALL of the grouped query and one per level",
    )


@rule(exp.Group, source={"mysql"}, target={"postgres", "sqlite"})
def with_rollup(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `GROUP BY a, b WITH ROLLUP` adds the subtotal and total rows; PostgreSQL spells
    it `GROUP BY ROLLUP (a, b)` (sqlglot would keep MySQL's syntax, an error there); SQLite has
    no ROLLUP and is refused. Corpus: grouping.toml `grp-my-with-rollup`."""
    if not node.args.get("rollup"):
        return None
    if ctx.target == "sqlite":
        _refuse(ctx, node, "WITH ROLLUP (subtotal rows)")
        return None
    node.set("rollup", None)
    node.set("expressions", [exp.Rollup(expressions=node.expressions)])
    return None


@rule(exp.Group, source={"postgres"}, target={"mysql", "sqlite"})
def standard_rollup(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL `GROUP BY ROLLUP (a, b)` is MySQL's `GROUP BY a, b WITH ROLLUP` when it is
    the whole GROUP BY and the query has no ORDER BY (MariaDB rejects ORDER BY with ROLLUP);
    CUBE, GROUPING SETS, and anything on SQLite, are refused (sqlglot would pass them through
    as errors). Corpus: grouping.toml `grp-pg-rollup*`."""
    kinds = (exp.Rollup, exp.Cube, exp.GroupingSets)
    special = [e for e in node.expressions if isinstance(e, kinds)]
    special += [e for key in ("rollup", "cube", "grouping_sets") for e in node.args.get(key) or []]
    if not special:
        return None
    rollup = special[0]
    select = node.parent
    if (
        ctx.target == "mysql"
        and len(special) == 1
        and isinstance(rollup, exp.Rollup)
        and node.expressions == [rollup]
        and rollup.expressions
        and not (isinstance(select, exp.Select) and select.args.get("order"))
    ):
        node.set("expressions", list(rollup.expressions))
        node.set("rollup", [exp.Rollup()])
        return None
    what = type(rollup).__name__.upper().replace("GROUPINGSETS", "GROUPING SETS")
    if ctx.target == "mysql" and isinstance(rollup, exp.Rollup):
        what = "ROLLUP here (only a whole GROUP BY ROLLUP (...) without ORDER BY)"
    _refuse(ctx, node, what)
    return None
