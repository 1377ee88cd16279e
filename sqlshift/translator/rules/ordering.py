"""Rules: NULL ordering (sqlglot's dialect settings do the rewriting; see the corpus)."""

from __future__ import annotations

import sqlglot
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


def _postgres_output_name(item: exp.Expr) -> str | None:
    """The name PostgreSQL gives an unaliased select item when it is a column's: a cast of
    the column is named after it. Read from the generated PostgreSQL text, since sqlglot
    writes some functions as casts (MySQL DATE(x) is CAST(x AS DATE))."""
    try:
        written = sqlglot.parse_one(item.sql("postgres"), read="postgres")
    except sqlglot.errors.SqlglotError:
        return None  # (not a cast of a column, whatever it is)
    while isinstance(written, exp.Cast | exp.TryCast | exp.Paren):
        written = written.this
    return written.name.lower() if isinstance(written, exp.Column) else None


def _named_after_columns(items: list[exp.Expr], names: set[str]) -> dict[str, exp.Expr]:
    """The unaliased select items PostgreSQL names after one of the columns ``names``
    (lower case), by that name. Only items mentioning such a column are generated."""
    found: dict[str, exp.Expr] = {}
    for item in items:
        if isinstance(item, exp.Alias | exp.Column):
            continue
        if not any(c.name.lower() in names for c in item.find_all(exp.Column)):
            continue
        name = _postgres_output_name(item)
        if name is not None:
            found.setdefault(name, item)
    return found


def _single_source(select: exp.Select) -> exp.Identifier | None:
    """The name that qualifies a column of the query's only FROM source (no joins)."""
    source = select.args.get("from_")
    if source is None or select.args.get("joins"):
        return None
    table = source.this
    alias = table.args.get("alias")
    if isinstance(alias, exp.TableAlias) and isinstance(alias.this, exp.Identifier):
        return alias.this.copy()
    if isinstance(table, exp.Table) and isinstance(table.this, exp.Identifier):
        return table.this.copy()
    return None


@rule(exp.Select, source={"mysql", "sqlite"}, target={"postgres"})
def order_by_input_column(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`ORDER BY x` names an output column first in PostgreSQL, and PostgreSQL names an
    unaliased `CAST(x AS ...)` after x, so `SELECT CAST(id AS TEXT) ... ORDER BY id` sorts as
    text there (1, 10, 2) where MySQL and SQLite (which name it after the expression) sort by
    the column (and `SELECT id, CAST(id AS TEXT) ... ORDER BY id` is ambiguous there). Casts
    come from the source or from rules (MySQL DATE(x), CONCAT(x)): such an ORDER BY column is
    qualified with its table (with joins it is refused), or becomes the position of the item
    it is the alias of.
    Corpus: ordering.toml `ord-my-cast-shadows-column`."""
    order = node.args.get("order")
    if not isinstance(node, exp.Select) or order is None:
        return None
    items = node.expressions
    aliases = {i.alias.lower(): n for n, i in enumerate(items, 1) if isinstance(i, exp.Alias)}
    keys = [
        o.this for o in order.expressions if isinstance(o.this, exp.Column) and not o.this.table
    ]
    if not keys:
        return None
    shadows = _named_after_columns(items, {key.name.lower() for key in keys})
    for key in keys:
        name = key.name.lower()
        if name not in shadows:
            continue
        if name in aliases:  # MySQL and SQLite mean the aliased item: PostgreSQL finds two
            key.replace(exp.Literal.number(aliases[name]))
            continue
        qualifier = _single_source(node)
        if qualifier is None:
            ctx.refuse(
                key,
                "order-by-output-name",
                f"PostgreSQL would sort by the select item it names {key.name!r} (a cast of "
                "the column), not by the column",
                "qualify the column with its table in ORDER BY",
            )
            return None
        key.set("table", qualifier)
    return None


@rule(exp.Select, source={"postgres"}, target={"mysql", "sqlite"})
def order_by_output_name(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """The other way round: PostgreSQL's `SELECT CAST(id AS TEXT) ... ORDER BY id` sorts by the
    text (1, 10, 2) because the cast is named id; MySQL and SQLite sort by the column. Such a
    key becomes the select item itself. Corpus: ordering.toml `ord-pg-cast-shadows-column`."""
    order = node.args.get("order")
    if not isinstance(node, exp.Select) or order is None:
        return None
    items = node.expressions
    named = {
        i.alias.lower() if isinstance(i, exp.Alias) else i.name.lower()
        for i in items
        if isinstance(i, exp.Alias | exp.Column)
    }
    keys = [
        o.this
        for o in order.expressions
        if isinstance(o.this, exp.Column) and not o.this.table and o.this.name.lower() not in named
    ]
    if not keys:
        return None
    by_name = _named_after_columns(items, {key.name.lower() for key in keys})
    for key in keys:
        item = by_name.get(key.name.lower())
        if item is not None:
            key.replace(item.copy())
    return None
