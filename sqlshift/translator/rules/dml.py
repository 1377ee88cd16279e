"""Rules: multi-table UPDATE/DELETE, UPDATE/DELETE with ORDER BY ... LIMIT, SET order, RETURNING."""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import rule

__all__ = ["order_for_mysql", "reads", "substitute_earlier", "table_names"]

_OTHERS = {"postgres", "sqlite"}


# ------------------------------------------------------------------------------- shared helpers


def table_names(table: exp.Table) -> set[str]:
    """The names (lower case) a column may be qualified with to mean ``table``."""
    names = {table.name.lower()}
    if table.alias:
        names = {table.alias.lower()}  # an aliased table is only known by its alias
    return names


def _is_target_ref(column: exp.Column, targets: set[str], bare: bool) -> bool:
    qualifier = column.table.lower()
    return (bare and not qualifier) or qualifier in targets


def reads(expr: exp.Expr, targets: set[str], bare: bool = True) -> set[str]:
    """Column names of the target table that ``expr`` reads (conservatively: also inside
    subqueries, where a bare name may be the subquery's own column)."""
    return {
        c.name.lower()
        for c in expr.find_all(exp.Column)
        if not c.args.get("db") and _is_target_ref(c, targets, bare)
    }


def _assigned(eq: exp.Expr) -> str:
    return eq.this.name.lower() if isinstance(eq, exp.EQ) else ""


def substitute_earlier(
    assignments: Sequence[exp.Expr], targets: set[str], ctx: Context, node: exp.Expr
) -> None:
    """MySQL evaluates single-table SET assignments left to right: a later assignment reads
    the value an earlier one wrote. PostgreSQL and SQLite read the old row everywhere, so each
    such reference is replaced by the earlier assignment's expression. A reference inside a
    subquery is refused (a bare name there may be the subquery's own column), and so is one
    in an UPDATE with a subquery reading its own table: MariaDB runs that as a multi-table
    update, whose assignments read the old row (MySQL 8 refuses it), so which values it reads
    depends on the server (found by the generated writes: `SET product_id = 0, person_id =
    orders.product_id WHERE EXISTS (SELECT 1 FROM orders AS s ...)` kept the old value).
    Corpus: dml_multi.toml `mdml-my-update-set-left-to-right`, `mdml-my-update-set-self-subquery`,
    upsert.toml `ups-my-odku-set-order`."""
    written: dict[str, exp.Expr] = {}
    for eq in assignments:
        rhs = eq.expression
        for column in list(rhs.find_all(exp.Column)):
            name = column.name.lower()
            if name not in written or not _is_target_ref(column, targets, True):
                continue
            if _reads_itself(node, targets):
                ctx.refuse(
                    node,
                    "update-set-order",
                    f"`{column.sql('mysql')}` reads a column an earlier assignment set, in an "
                    "UPDATE whose subquery reads its own table: MariaDB then reads the old "
                    "value (a multi-table update), MySQL 8 refuses the statement",
                    "read the old value explicitly, or move the subquery out of the UPDATE",
                )
                continue
            if column.find_ancestor(exp.Query, exp.Subquery) is not None:
                ctx.refuse(
                    node,
                    "update-set-order",
                    f"MySQL assigns SET columns left to right, so `{column.sql('mysql')}` in a "
                    f"subquery reads the new value, which {ctx.target} cannot express",
                    "read the column outside the subquery, or reorder the assignments",
                )
                continue
            replacement = exp.Paren(this=written[name].copy())
            if column is rhs:
                eq.set("expression", replacement)
                rhs = replacement
            else:
                column.replace(replacement)
        written[_assigned(eq)] = eq.expression


def _reads_itself(node: exp.Expr, targets: set[str]) -> bool:
    """Does a subquery of ``node`` read the table it updates?"""
    return any(
        table.name.lower() in targets and table.find_ancestor(exp.Subquery, exp.Query) is not None
        for table in node.find_all(exp.Table)
    )


def order_for_mysql(
    assignments: list[exp.Expr], targets: set[str], ctx: Context, node: exp.Expr, multi: bool
) -> list[exp.Expr]:
    """Order the assignments so that MySQL's left-to-right evaluation reads the old values
    PostgreSQL and SQLite read: an assignment reading column c goes before the one writing c.
    Refused when no such order exists (e.g. a swap) or, for a multi-table UPDATE, when any
    assignment reads another assigned column (MySQL does not define the order there).
    Corpus: dml_multi.toml `mdml-pg-update-set-reads-assigned`, `mdml-pg-update-swap`."""
    names = [_assigned(eq) for eq in assignments]
    needs = [reads(eq.expression, targets) - {names[i]} for i, eq in enumerate(assignments)]
    # must_precede[j] = the assignments that read what j writes, so must run before j
    before: list[set[int]] = [
        {i for i, need in enumerate(needs) if names[j] in need} for j in range(len(assignments))
    ]
    if not any(before):
        return assignments
    if multi:
        ctx.refuse(
            node,
            "update-set-order",
            "an assignment reads a column another assignment writes; MySQL does not define the "
            "order of a multi-table UPDATE's assignments",
            "compute the values in a subquery, or split the UPDATE",
        )
        return assignments
    done: list[int] = []
    remaining = list(range(len(assignments)))
    while remaining:
        ready = [j for j in remaining if not (before[j] - set(done))]
        if not ready:
            ctx.refuse(
                node,
                "update-set-order",
                "the assignments read each other's columns (e.g. a swap), and MySQL evaluates "
                "them left to right on the updated row",
                "use a temporary column or a self-join that reads the old values",
            )
            return assignments
        done.append(ready[0])
        remaining.remove(ready[0])
    return [assignments[i] for i in done]


def _strip_qualifier(assignments: Sequence[exp.Expr], targets: set[str]) -> None:
    for eq in assignments:
        column = eq.this
        if isinstance(column, exp.Column) and column.table.lower() in targets:
            column.set("table", None)


def _and(*conditions: exp.Expr | None) -> exp.Expr | None:
    parts = [c for c in conditions if c is not None]
    if not parts:
        return None
    return exp.and_(*(exp.Paren(this=p) if isinstance(p, exp.Or) else p for p in parts))


def _where(node: exp.Expr) -> exp.Expr | None:
    where = node.args.get("where")
    return where.this if isinstance(where, exp.Where) else None


def _inner(join: exp.Join) -> bool:
    return not join.side and (join.kind or "").upper() in ("", "INNER", "CROSS")


def _join_condition(
    join: exp.Join, left: exp.Table, ctx: Context, node: exp.Expr
) -> exp.Expr | None:
    using = join.args.get("using")
    if using:
        right = join.this
        if not isinstance(right, exp.Table):
            ctx.refuse(node, "dml-join-shape", "JOIN ... USING on a derived table", "use ON")
            return None
        lname, rname = left.alias_or_name, right.alias_or_name
        return _and(
            *(
                exp.EQ(this=exp.column(c.name, lname), expression=exp.column(c.name, rname))
                for c in using
            )
        )
    on = join.args.get("on")
    return on.copy() if isinstance(on, exp.Expr) else None


def _key(table: exp.Table, ctx: Context) -> tuple[str, ...] | None:
    if ctx.schema is None:
        return None
    keys = ctx.schema.unique_keys(table.name)
    return keys[0] if keys else None


def _key_match(table: exp.Table, key: tuple[str, ...], inner: exp.Query) -> exp.Expr:
    """``(t.k1, ...) IN (inner)`` (a single column needs no row value)."""
    name = table.alias_or_name
    columns: list[exp.Expr] = [exp.column(k, name) for k in key]
    left: exp.Expr = columns[0] if len(columns) == 1 else exp.Tuple(expressions=columns)
    return exp.In(this=left, query=exp.Subquery(this=inner))


# ----------------------------------------------------------------------------------- SET order


@rule(exp.Update, source={"mysql"}, target=_OTHERS)
def mysql_set_left_to_right(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL's single-table UPDATE assigns left to right (``SET a = a + 1, b = a`` gives b the
    new a); PostgreSQL and SQLite read the old row. Later references are substituted; in a
    multi-table UPDATE MySQL leaves the order undefined, so a dependency is refused.
    Corpus: dml_multi.toml `mdml-my-update-set-left-to-right`."""
    target = node.this
    if not isinstance(target, exp.Table):
        return None
    assignments = node.expressions
    targets = table_names(target)
    if target.args.get("joins"):
        return None  # see update_join_to_from
    substitute_earlier(assignments, targets, ctx, node)
    return None


@rule(exp.Update, source=_OTHERS, target={"mysql"})
def set_order_for_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL and SQLite read the old row in every SET expression; MySQL reads columns
    already assigned to the left. Assignments are reordered (or refused, see
    :func:`order_for_mysql`). Corpus: dml_multi.toml `mdml-pg-update-set-reads-assigned`,
    `mdml-lite-update-swap`."""
    target = node.this
    if not isinstance(target, exp.Table):
        return None
    multi = node.args.get("from_") is not None
    ordered = order_for_mysql(list(node.expressions), table_names(target), ctx, node, multi)
    node.set("expressions", ordered)
    return None


# ------------------------------------------------------------------------ multi-table UPDATE


@rule(exp.Update, source={"mysql"}, target=_OTHERS)
def update_join_to_from(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL's ``UPDATE a JOIN b ON c SET a.x = ...`` is PostgreSQL's and SQLite's (3.33+)
    ``UPDATE a SET x = ... FROM b WHERE c``: inner joins only (their ON conditions move to
    WHERE); an outer join, or assignments to a joined table, are refused.
    Corpus: dml_multi.toml `mdml-my-update-join*`, `mdml-my-update-comma-join`."""
    target = node.this
    if not isinstance(target, exp.Table) or not target.args.get("joins"):
        return None
    joins: list[exp.Join] = list(target.args["joins"])
    targets = table_names(target) | {target.name.lower()}
    for eq in node.expressions:
        column = eq.this
        qualifier = column.table.lower() if isinstance(column, exp.Column) else ""
        if qualifier and qualifier not in targets:
            ctx.refuse(
                node,
                "update-multiple-tables",
                f"this UPDATE also writes `{qualifier}`; {ctx.target} updates one table per "
                "statement",
                "split it into one UPDATE per table",
            )
            return None
        if not qualifier:
            ctx.refuse(
                node,
                "update-join-unqualified",
                f"`{column.sql('mysql')}` is not qualified, so it may belong to any joined table",
                f"qualify the assigned column with its table, e.g. {target.alias_or_name}.x",
            )
            return None
    order_for_mysql(list(node.expressions), targets, ctx, node, multi=True)
    if not _inner(joins[0]):
        ctx.refuse(
            node,
            "update-outer-join",
            f"{ctx.target}'s UPDATE ... FROM only inner-joins the updated table",
            "express the outer join's value with a correlated subquery in SET",
        )
        return None
    conditions: list[exp.Expr | None] = []
    from_tables: list[exp.Join] = []
    left = target
    for join in joins:
        if _inner(join):
            conditions.append(_join_condition(join, left, ctx, node))
            kept = exp.Join(this=join.this.copy(), kind="CROSS")
        else:
            on = join.args.get("on")
            if join.args.get("using") or (
                isinstance(on, exp.Expr) and reads(on, targets, bare=False)
            ):
                ctx.refuse(
                    node,
                    "update-outer-join",
                    "an outer join in this UPDATE refers to the updated table, which "
                    f"{ctx.target}'s UPDATE ... FROM cannot express",
                    "express the outer join's value with a correlated subquery in SET",
                )
                return None
            kept = join.copy()
        from_tables.append(kept)
    first = from_tables[0].this
    target.set("joins", None)
    if len(from_tables) > 1:
        first.set("joins", from_tables[1:])
    node.set("from_", exp.From(this=first))
    where = _and(*conditions, _where(node))
    node.set("where", exp.Where(this=where) if where is not None else None)
    _strip_qualifier(node.expressions, targets)
    return None


# ------------------------------------------------------------------------ multi-table DELETE


@rule(exp.Delete, source={"mysql"}, target=_OTHERS)
def delete_join(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL's ``DELETE t FROM t JOIN u ON c WHERE w`` (or ``DELETE FROM t USING t JOIN u``)
    deletes each row of t that has a match. Inner joins become PostgreSQL's
    ``DELETE FROM t USING u WHERE c AND w`` and SQLite's ``WHERE EXISTS (SELECT 1 FROM u
    WHERE c AND w)``; an outer join needs t's key from the schema:
    ``WHERE t.k IN (SELECT t.k FROM <the joins> WHERE w)``.
    Corpus: dml_multi.toml `mdml-my-delete-join*`, `mdml-my-delete-left-join-*`."""
    deleted = node.args.get("tables")
    using = node.args.get("using")
    if deleted:
        tree = node.this
    elif using:
        deleted, tree = [node.this], using[0] if len(using) == 1 else None
    else:
        return None
    if not isinstance(tree, exp.Table):
        ctx.refuse(node, "dml-join-shape", "this DELETE's table list is not a join tree", "")
        return None
    if len(deleted) != 1:
        ctx.refuse(
            node,
            "delete-multiple-tables",
            f"this DELETE removes rows from {len(deleted)} tables; {ctx.target} deletes from "
            "one table per statement",
            "split it into one DELETE per table",
        )
        return None
    joins: list[exp.Join] = list(tree.args.get("joins") or [])
    tables = [tree, *(j.this for j in joins)]
    wanted = deleted[0].name.lower()
    target = next(
        (t for t in tables if isinstance(t, exp.Table) and t.alias_or_name.lower() == wanted), None
    )
    if target is None:
        ctx.refuse(node, "dml-join-shape", f"`{wanted}` is not one of the joined tables", "")
        return None
    where = _where(node)
    if all(_inner(j) for j in joins):
        conditions: list[exp.Expr | None] = []
        others: list[exp.Expr] = []
        for join, table in zip([None, *joins], tables, strict=True):
            if join is not None:
                conditions.append(_join_condition(join, tables[0], ctx, node))
            if table is not target:
                others.append(table.copy())
        out_target = target.copy()
        out_target.set("joins", None)
        condition = _and(*conditions, where)
        if not others:
            return exp.Delete(
                this=out_target, where=_where_node(condition), returning=node.args.get("returning")
            )
        first = others[0]
        first.set("joins", [exp.Join(this=t, kind="CROSS") for t in others[1:]] or None)
        if ctx.target == "postgres":
            return exp.Delete(
                this=out_target,
                using=[first],
                where=_where_node(condition),
                returning=node.args.get("returning"),
            )
        exists = exp.Exists(
            this=exp.select("1").from_(first).where(condition)
            if condition
            else exp.select("1").from_(first)
        )
        return exp.Delete(this=out_target, where=exp.Where(this=exists))
    key = _key(target, ctx)
    if key is None:
        ctx.refuse(
            node,
            "delete-join-needs-key",
            f"a DELETE with an outer join becomes a key subquery in {ctx.target}, and the key "
            f"of `{target.name}` is unknown",
            'pass schema= with the table\'s "__keys__"',
        )
        return None
    inner_tree = tree.copy()
    inner = exp.select(*(exp.column(k, target.alias_or_name) for k in key)).from_(inner_tree)
    if where is not None:
        inner = inner.where(where.copy())
    outer = exp.Table(this=target.this.copy(), db=target.args.get("db"))
    return exp.Delete(this=outer, where=exp.Where(this=_key_match(outer, key, inner)))


def _where_node(condition: exp.Expr | None) -> exp.Where | None:
    return exp.Where(this=condition) if condition is not None else None


@rule(exp.Delete, source={"postgres"}, target={"mysql", "sqlite"})
def delete_using(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL's ``DELETE FROM t USING u WHERE w`` deletes the rows of t with a match in u:
    MySQL spells it ``DELETE t FROM t CROSS JOIN u WHERE w``; SQLite has no USING, so it
    becomes ``DELETE FROM t WHERE EXISTS (SELECT 1 FROM u WHERE w)``.
    Corpus: dml_multi.toml `mdml-pg-delete-using*`."""
    using = node.args.get("using")
    target = node.this
    if not using or not isinstance(target, exp.Table):
        return None
    first = using[0].copy()
    extra = [exp.Join(this=u.copy(), kind="CROSS") for u in using[1:]]
    if extra:
        first.set("joins", [*(first.args.get("joins") or []), *extra])
    where = _where(node)
    if ctx.target == "mysql":
        tree = target.copy()
        tree.set("joins", [exp.Join(this=first, kind="CROSS")])
        return exp.Delete(
            tables=[exp.Table(this=exp.to_identifier(target.alias_or_name))],
            this=tree,
            where=_where_node(where),
            returning=node.args.get("returning"),
        )
    inner = exp.select("1").from_(first)
    if where is not None:
        inner = inner.where(where)
    return exp.Delete(
        this=target,
        where=exp.Where(this=exp.Exists(this=inner)),
        returning=node.args.get("returning"),
    )


# ------------------------------------------------------------------ ORDER BY ... LIMIT, RETURNING


@rule(exp.Update, exp.Delete, source={"mysql"}, target=_OTHERS)
def order_limit(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL's ``UPDATE/DELETE ... ORDER BY o LIMIT n`` changes the first n rows in that order;
    PostgreSQL (and SQLite as usually compiled) have neither clause. With the table's key from
    the schema it becomes ``WHERE k IN (SELECT k FROM t WHERE w ORDER BY o LIMIT n)``; ORDER BY
    without LIMIT only orders the writes and is dropped. Without a key: refused.
    Corpus: dml_multi.toml `mdml-my-update-order-limit`, `mdml-my-delete-order-limit`."""
    limit = node.args.get("limit")
    order = node.args.get("order")
    if limit is None:
        if order is not None:
            node.set("order", None)
        return None
    target = node.this
    if not isinstance(target, exp.Table) or target.args.get("joins"):
        return None  # MySQL allows ORDER BY / LIMIT only in single-table statements
    key = _key(target, ctx)
    if key is None:
        ctx.refuse(
            node,
            "dml-limit-needs-key",
            f"{ctx.target} has no {node.key.upper()} ... LIMIT; the rows are picked by key in "
            f"a subquery, and the key of `{target.name}` is unknown",
            'pass schema= with the table\'s "__keys__"',
        )
        return None
    inner_table = target.copy()
    inner = exp.select(*(exp.column(k, inner_table.alias_or_name) for k in key)).from_(inner_table)
    where = _where(node)
    if where is not None:
        inner = inner.where(where.copy())
    if order is not None:
        inner.set("order", order)
    inner.set("limit", limit)
    node.set("order", None)
    node.set("limit", None)
    node.set("where", exp.Where(this=_key_match(target, key, inner)))
    return None


@rule(exp.Insert, exp.Update, exp.Delete, source=_OTHERS, target={"mysql"})
def returning_for_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL 8 has no RETURNING; MariaDB 10.5+ returns the rows of an INSERT (upserts and
    INSERT ... SELECT included) and a single-table DELETE, not of an UPDATE. Refused unless
    ``Options(mysql_server="mariadb")`` (the executor sets it on MariaDB) and the statement
    is one of those. Corpus: dml_multi.toml `mdml-pg-delete-returning`,
    `mdml-lite-update-returning`; tests/executor/test_executor_returning.py."""
    returning = node.args.get("returning")
    if returning is None:
        return None
    mariadb = ctx.options.mysql_server == "mariadb"
    single_delete = isinstance(node, exp.Delete) and not node.args.get("using")
    if mariadb and (isinstance(node, exp.Insert) or single_delete):
        return None
    if mariadb:
        reason = "MariaDB has RETURNING on INSERT and single-table DELETE only"
        hint = "run a SELECT for the affected rows in the same transaction"
    else:
        reason = "MySQL 8 has no RETURNING clause (MariaDB 10.5+ has it on INSERT and DELETE)"
        hint = (
            "on MariaDB pass options=Options(mysql_server='mariadb'); otherwise run a SELECT "
            "for the affected rows in the same transaction"
        )
    ctx.refuse(returning, "returning", reason, hint)
    return None


@rule(exp.Update, source={"mysql"}, target=_OTHERS)
def unqualified_set_targets(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL accepts `UPDATE t AS f SET f.v = 1` (and `SET t.v`); PostgreSQL and SQLite take
    only the column's bare name in SET (PostgreSQL reads `f.v` as a field of a column `f`).
    In a single-table UPDATE the qualifier can only name the updated table: it is dropped.
    Corpus: dml.toml `dml-my-update-qualified-set`."""
    target = node.this
    if not isinstance(target, exp.Table) or target.args.get("joins"):
        return None
    _strip_qualifier(node.expressions, {target.name.lower(), target.alias_or_name.lower()})
    return None


@rule(exp.Update, source={"mysql", "postgres", "sqlite"}, target={"mysql", "postgres", "sqlite"})
def update_reading_its_changes(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """An UPDATE whose subquery reads a column the UPDATE assigns, on the table it updates,
    sees different rows on each engine: PostgreSQL reads the table as it was before the
    statement, SQLite and MariaDB see the rows the statement has already changed (in their
    own order), and MySQL 8 refuses it (1093). Found by the generated writes: `SET
    manager_id = (SELECT COUNT(*) FROM people AS s WHERE s.manager_id = people.id)` counted
    1 on SQLite and 0 on PostgreSQL and MariaDB. Refused (``update-reads-itself``); a
    subquery that reads only columns the UPDATE leaves alone reads the same everywhere.
    Corpus: dml_multi.toml `mdml-lite-update-reads-itself`."""
    target = node.this
    if ctx.source == ctx.target or not isinstance(target, exp.Table):
        return None
    outer = table_names(target)
    assigned = {eq.this.name.lower() for eq in node.expressions if isinstance(eq, exp.EQ)}
    for table in node.find_all(exp.Table):
        query = table.find_ancestor(exp.Select)
        if table.name.lower() not in outer or query is None or query is node:
            continue
        inner = {table.alias_or_name.lower()}
        for column in query.find_all(exp.Column):
            qualifier = column.table.lower()
            reads_inner = qualifier in inner or (not qualifier and column.name.lower() in assigned)
            if reads_inner and column.name.lower() in assigned:
                ctx.refuse(
                    node,
                    "update-reads-itself",
                    f"a subquery of this UPDATE reads `{column.sql(ctx.source)}`, which the "
                    "UPDATE assigns: PostgreSQL reads the table as it was, SQLite and MariaDB "
                    "the rows the statement has already changed, and MySQL 8 refuses it",
                    "compute the values into a temporary table first, then UPDATE from it",
                )
                return None
    return None


@rule(exp.Delete, source={"mysql", "postgres"}, target={"sqlite"})
def delete_reading_itself(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MariaDB and PostgreSQL pick the rows a DELETE removes before removing any. SQLite,
    when a subquery of the WHERE reads the same table, may run that subquery only after it
    has deleted earlier rows: it builds an uncorrelated IN subquery's rows the first time the
    condition needs them, and an OR before it can put that off. The generated writes found
    `DELETE FROM orders WHERE product_id IN (SELECT ...) OR product_id NOT IN (SELECT
    product_id FROM orders AS s WHERE 1 = s.id)` keeping the row whose product_id is NULL on
    MariaDB and deleting it on SQLite (row 1 was gone by then). The rows are picked first:
    ``WHERE rowid IN (SELECT t.rowid FROM t WHERE w)``, an IN subquery SQLite computes whole
    before it deletes the first row. Corpus: generated.toml `gen-my-delete-reads-itself`."""
    target = node.this
    where = _where(node)
    if (
        where is None
        or not isinstance(target, exp.Table)
        or target.args.get("joins")
        or any(node.args.get(k) for k in ("tables", "using", "limit", "order"))
        or not _reads_itself(where, {target.name.lower()})
    ):
        return None
    inner = (
        exp.select(exp.column("rowid", target.alias_or_name))
        .from_(target.copy())
        .where(where.copy())
    )
    picked = exp.In(this=exp.column("rowid"), query=exp.Subquery(this=inner))
    node.set("where", exp.Where(this=picked))
    return None
