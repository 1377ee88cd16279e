"""Rules: query shapes one engine spells differently (HAVING aliases, ANY, recursive CTEs)."""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import rule


@rule(exp.Having, source={"mysql", "sqlite"}, target={"postgres"})
def having_alias(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL and SQLite let HAVING name a select-list alias (`HAVING n >= 3`); PostgreSQL
    does not. Each unqualified alias reference is replaced by the aliased expression.
    Corpus: grouping.toml `grp-my-having-alias`."""
    select = node.parent
    if not isinstance(select, exp.Select):
        return None
    aliases = {a.alias.lower(): a.this for a in select.expressions if isinstance(a, exp.Alias)}
    if not aliases:
        return None
    for column in list(node.find_all(exp.Column)):
        target = aliases.get(column.name.lower())
        if target is not None and not column.table:
            column.replace(target.copy())
    return None


@rule(exp.Any, source={"postgres", "mysql"}, target={"sqlite"})
def any_subquery(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite has no `x = ANY (subquery)`; `= ANY` is exactly `IN` (NULLs included). Other
    comparisons with ANY/ALL are refused. Corpus: subqueries.toml `sub-pg-any`."""
    comparison = node.parent
    if (
        isinstance(comparison, exp.EQ)
        and node.arg_key == "expression"
        and isinstance(node.this, exp.Subquery)
    ):
        comparison.replace(exp.In(this=comparison.this, query=node.this))
        return None
    ctx.refuse(
        node,
        "any-all",
        "SQLite has no ANY/ALL comparisons",
        "rewrite with EXISTS or MIN/MAX in a subquery",
    )
    return None


@rule(exp.With, source={"sqlite"}, target={"mysql", "postgres"})
def implicit_recursive_cte(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite runs a self-referencing CTE without the RECURSIVE keyword; MySQL and PostgreSQL
    then look for a table of that name. The keyword is added.
    Corpus: ctes.toml `cte-lite-recursive-without-keyword`."""
    if node.args.get("recursive"):
        return None
    for cte in node.expressions:
        name = cte.alias_or_name.lower()
        if any(t.name.lower() == name for t in cte.this.find_all(exp.Table)):
            node.set("recursive", True)
            break
    return None
