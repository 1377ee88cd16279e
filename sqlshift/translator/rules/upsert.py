"""Rules: upserts and conflict handling (INSERT IGNORE, REPLACE, ON DUPLICATE KEY, ON CONFLICT).

The forms and what each fires on:

- MySQL ``ON DUPLICATE KEY UPDATE`` and ``REPLACE`` react to a conflict on *any* unique key
  (primary or unique); PostgreSQL's ``ON CONFLICT (k) DO UPDATE`` only to a conflict on the key
  it names (others raise). So MySQL's forms become ``ON CONFLICT (k)`` only when the schema says
  the table has exactly one unique key; otherwise they are refused.
- ``REPLACE`` deletes the old row and inserts the new one: columns not listed get their
  defaults. ``ON CONFLICT (k) DO UPDATE SET c = EXCLUDED.c`` for *every* column reproduces that
  (EXCLUDED holds the defaults of the unlisted columns). Not reproduced: ON DELETE actions of
  foreign keys and DELETE triggers, which the schema mapping does not describe.
- ``INSERT IGNORE`` also downgrades other errors to warnings in MySQL (NULL into NOT NULL
  inserts the implicit default, too-long text is truncated, ...); SQLite's ``INSERT OR IGNORE``
  skips rows that violate NOT NULL or CHECK. Neither is reproduced: the translation ignores
  duplicate keys only (``ON CONFLICT DO NOTHING`` / a no-op ``ON DUPLICATE KEY UPDATE``), so
  such a row makes the target raise an error instead of silently differing.
"""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import func, rule
from sqlshift.translator.rules.dml import order_for_mysql, substitute_earlier, table_names

_OTHERS = {"postgres", "sqlite"}
_EXCLUDED = "excluded"


def _table(node: exp.Insert) -> exp.Table | None:
    this = node.this
    if isinstance(this, exp.Schema):
        this = this.this
    return this if isinstance(this, exp.Table) else None


def _insert_columns(node: exp.Insert) -> list[str] | None:
    this = node.this
    if isinstance(this, exp.Schema) and this.expressions:
        return [c.name.lower() for c in this.expressions]
    return None


def _action(name: str) -> exp.Var:
    return exp.Var(this=name)


def _single_key(node: exp.Insert, table: exp.Table, ctx: Context, what: str) -> list[str] | None:
    """The table's only unique key, or a refusal."""
    keys = ctx.schema.unique_keys(table.name) if ctx.schema is not None else ()
    if not keys:
        ctx.refuse(
            node,
            "upsert-needs-key",
            f"{what} reacts to a conflict on any unique key, and {ctx.target} needs the "
            f"conflict key named; the keys of `{table.name}` are unknown",
            f'pass schema= with {{"{table.name}": {{"__keys__": [["id"]], ...}}}}, or write '
            "INSERT ... ON CONFLICT (key) in the source",
        )
        return None
    if len(keys) > 1:
        ctx.refuse(
            node,
            "upsert-ambiguous-key",
            f"{what} reacts to a conflict on any of the {len(keys)} unique keys of "
            f"`{table.name}`; {ctx.target}'s ON CONFLICT names exactly one",
            "write INSERT ... ON CONFLICT (key) for the key you mean",
        )
        return None
    return list(keys[0])


def _conflict(
    keys: list[str], action: str, assignments: list[exp.Expr] | None = None
) -> exp.OnConflict:
    return exp.OnConflict(
        conflict_keys=[exp.column(k) for k in keys] if keys else None,
        action=_action(action),
        expressions=assignments,
    )


def _duplicate(assignments: list[exp.Expr]) -> exp.OnConflict:
    return exp.OnConflict(duplicate=True, action=_action("UPDATE"), expressions=assignments)


def _derived_rows(node: exp.Insert) -> None:
    """MySQL: ``INSERT ... SELECT ... FROM t ON DUPLICATE KEY UPDATE t.c = ...`` finds ``t.c``
    ambiguous when the SELECT reads t; selecting from a derived table (MySQL's manual's
    advice) leaves only the target table's columns in scope."""
    query = node.expression
    if isinstance(query, exp.Query) and not isinstance(query, exp.Values):
        alias = exp.TableAlias(this=exp.to_identifier("_sqlshift_rows"))
        node.set("expression", exp.select("*").from_(exp.Subquery(this=query, alias=alias)))


def _upsert_select_fix(node: exp.Insert, ctx: Context) -> None:
    """SQLite reads ``INSERT ... SELECT ... FROM t ON CONFLICT`` as a join's ON unless the
    SELECT has a WHERE clause (its manual: add ``WHERE true``)."""
    query = node.expression
    if ctx.target != "sqlite" or not isinstance(query, exp.Query) or isinstance(query, exp.Values):
        return
    if isinstance(query, exp.Select):
        if query.args.get("where") is None:
            query.set("where", exp.Where(this=exp.true()))
        return
    _derived_rows(node)
    wrapped = node.expression
    assert isinstance(wrapped, exp.Select)
    wrapped.set("where", exp.Where(this=exp.true()))


# ------------------------------------------------------------------------------ from MySQL


@rule(exp.Insert, source={"mysql"}, target=_OTHERS)
def insert_ignore(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL ``INSERT IGNORE`` skips rows with a duplicate key: ``ON CONFLICT DO NOTHING`` in
    PostgreSQL and SQLite (not SQLite's ``OR IGNORE``, which also skips NOT NULL and CHECK
    violations that MySQL would store with an implicit default: those raise instead).
    Corpus: upsert.toml `ups-my-insert-ignore*`."""
    assert isinstance(node, exp.Insert)
    if not node.args.get("ignore"):
        return None
    node.set("ignore", False)
    if node.args.get("conflict") is None:
        node.set("conflict", _conflict([], "DO NOTHING"))
        _upsert_select_fix(node, ctx)
    return None


@rule(exp.Insert, source={"mysql", "sqlite"}, target={"postgres"})
def replace_into(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """``REPLACE INTO`` / ``INSERT OR REPLACE`` delete the conflicting row and insert the new
    one, so unlisted columns get their defaults. PostgreSQL: ``ON CONFLICT (k) DO UPDATE SET
    c = EXCLUDED.c`` for every non-key column (EXCLUDED carries the defaults), with the key and
    the column list from the schema. Corpus: upsert.toml `ups-my-replace*`, `ups-lite-replace*`."""
    assert isinstance(node, exp.Insert)
    if node.args.get("alternative") != "REPLACE":
        return None
    table = _table(node)
    if table is None:
        return None
    keys = _single_key(node, table, ctx, "REPLACE")
    if keys is None:
        return None
    columns = _table_columns(table, ctx)
    if columns is None:
        ctx.refuse(
            node,
            "upsert-needs-columns",
            f"REPLACE resets every column it does not list; the columns of `{table.name}` "
            "are unknown",
            f'pass schema= with the columns of "{table.name}"',
        )
        return None
    node.set("alternative", None)
    assignments: list[exp.Expr] = [
        exp.EQ(this=exp.column(c), expression=exp.column(c, _EXCLUDED))
        for c in columns
        if c not in keys
    ]
    node.set(
        "conflict",
        _conflict(keys, "DO UPDATE" if assignments else "DO NOTHING", assignments or None),
    )
    return None


def _table_columns(table: exp.Table, ctx: Context) -> list[str] | None:
    if ctx.schema is None:
        return None
    for name, columns in ctx.schema.tables:
        if name == table.name.lower():
            return [c for c, _ in columns]
    return None


@rule(exp.Insert, source={"mysql"}, target=_OTHERS)
def on_duplicate_key(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL ``ON DUPLICATE KEY UPDATE`` fires on any unique key: ``ON CONFLICT (k) DO UPDATE``
    where the schema gives the table exactly one unique key. ``VALUES(c)`` and the MySQL 8 row
    alias (``AS new``, ``new.c``, ``AS new(m, n)``) become ``EXCLUDED.c``; reads of the
    existing row are qualified with the table (PostgreSQL finds a bare name ambiguous); MySQL's
    left-to-right assignments are substituted. Corpus: upsert.toml `ups-my-odku*`;
    tests/test_upsert.py for the row alias, which MariaDB does not run."""
    assert isinstance(node, exp.Insert)
    conflict = node.args.get("conflict")
    if not isinstance(conflict, exp.OnConflict) or not conflict.args.get("duplicate"):
        return None
    table = _table(node)
    if table is None:
        return None
    keys = _single_key(node, table, ctx, "ON DUPLICATE KEY UPDATE")
    if keys is None:
        return None
    tname = table.name.lower()
    insert_columns = _insert_columns(node)
    # The MySQL 8 row alias: INSERT ... VALUES (...) AS new[(m, n, ...)]
    alias_name, alias_columns = "", {}
    values = node.expression
    if isinstance(values, exp.Values) and values.args.get("alias"):
        alias = values.args["alias"]
        alias_name = alias.name.lower()
        names = [c.name.lower() for c in alias.columns]
        if names:
            order = insert_columns or _table_columns(table, ctx)
            if order is None or len(order) != len(names):
                ctx.refuse(
                    node,
                    "upsert-needs-columns",
                    "the row alias names columns by position, and the inserted columns are "
                    "not listed",
                    "list the inserted columns: INSERT INTO t (a, b) VALUES ... AS new(m, n)",
                )
                return None
            alias_columns = dict(zip(names, order, strict=True))
        values.set("alias", None)
    query = node.expression
    has_from = isinstance(query, exp.Query) and query.find(exp.From) is not None
    assignments = list(conflict.expressions)
    substitute_earlier(assignments, {tname}, ctx, node)
    for eq in assignments:
        _rewrite_duplicate_rhs(eq, tname, alias_name, alias_columns, has_from, ctx, node)
        column = eq.this
        if isinstance(column, exp.Column):
            column.set("table", None)
    node.set("conflict", _conflict(keys, "DO UPDATE", assignments))
    _upsert_select_fix(node, ctx)
    return None


def _rewrite_duplicate_rhs(
    eq: exp.Expr,
    table: str,
    alias: str,
    alias_columns: dict[str, str],
    has_from: bool,
    ctx: Context,
    node: exp.Expr,
) -> None:
    for call in list(eq.expression.find_all(exp.Anonymous)):
        if call.name.upper() == "VALUES" and len(call.expressions) == 1:
            arg = call.expressions[0]
            new = exp.column(arg.name, _EXCLUDED)
            if call is eq.expression:
                eq.set("expression", new)
            else:
                call.replace(new)
            call.parent = None  # detached: the faithfulness check must not see it
    for column in list(eq.expression.find_all(exp.Column)):
        qualifier, name = column.table.lower(), column.name.lower()
        if qualifier == _EXCLUDED:
            continue
        if alias and qualifier == alias:
            column.set("table", exp.to_identifier(_EXCLUDED))
            column.set("this", exp.to_identifier(alias_columns.get(name, name)))
        elif not qualifier and name in alias_columns:
            column.set("table", exp.to_identifier(_EXCLUDED))
            column.set("this", exp.to_identifier(alias_columns[name]))
        elif not qualifier:
            if has_from or column.find_ancestor(exp.Query) is not None:
                ctx.refuse(
                    node,
                    "upsert-ambiguous-column",
                    f"`{name}` in ON DUPLICATE KEY UPDATE may name a column of the SELECT's "
                    f"tables or of `{table}`",
                    f"qualify it: {table}.{name} (the existing row) or VALUES({name})",
                )
                return
            column.set("table", exp.to_identifier(table))


# ------------------------------------------------------------------------------- from SQLite


@rule(exp.Insert, source={"sqlite"}, target={"postgres", "mysql"})
def insert_or(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite ``INSERT OR IGNORE`` skips rows with a conflict: ``ON CONFLICT DO NOTHING`` in
    PostgreSQL, and in MySQL a no-op ``ON DUPLICATE KEY UPDATE c = c`` (``INSERT IGNORE``
    would store NULLs in NOT NULL columns as implicit defaults where SQLite skips the row;
    the no-op update raises instead). ``OR ABORT/FAIL/ROLLBACK`` only differ on errors and are
    dropped; ``OR REPLACE`` is MySQL's ``REPLACE`` (see :func:`replace_into` for PostgreSQL).
    Corpus: upsert.toml `ups-lite-insert-or-ignore*`."""
    assert isinstance(node, exp.Insert)
    alternative = (node.args.get("alternative") or "").upper()
    if alternative in ("ABORT", "FAIL", "ROLLBACK"):
        node.set("alternative", None)
    if alternative != "IGNORE":
        return None
    node.set("alternative", None)
    if ctx.target == "postgres":
        node.set("conflict", _conflict([], "DO NOTHING"))
        return None
    table = _table(node)
    columns = _insert_columns(node) or (_table_columns(table, ctx) if table else None)
    if table is None or not columns:
        ctx.refuse(
            node,
            "upsert-needs-columns",
            "INSERT OR IGNORE becomes a no-op ON DUPLICATE KEY UPDATE of one column, and the "
            "inserted columns are not listed",
            "list the inserted columns",
        )
        return None
    name = table.name
    noop = exp.EQ(this=exp.column(columns[0]), expression=exp.column(columns[0], name))
    node.set("conflict", _duplicate([noop]))
    _derived_rows(node)
    return None


# ------------------------------------------------------------------ ON CONFLICT (PG, SQLite)


@rule(exp.Insert, source=_OTHERS, target={"mysql"})
def on_conflict_to_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """``ON CONFLICT [(k)] DO NOTHING`` is ``INSERT IGNORE`` (a conflict on another key would
    have raised on the source); ``ON CONFLICT (k) DO UPDATE SET c = EXCLUDED.c [WHERE p]`` is
    ``ON DUPLICATE KEY UPDATE c = VALUES(c)``, each value guarded by ``CASE WHEN p`` and the
    assignments ordered for MySQL's left-to-right evaluation. A partial-index target
    (``ON CONFLICT (k) WHERE ...``) has no MySQL counterpart and is refused.
    Corpus: upsert.toml `ups-pg-on-conflict*`, `ups-lite-on-conflict*`."""
    assert isinstance(node, exp.Insert)
    conflict = node.args.get("conflict")
    if not isinstance(conflict, exp.OnConflict) or conflict.args.get("duplicate"):
        return None
    if conflict.args.get("index_predicate") is not None:
        ctx.refuse(
            conflict,
            "upsert-partial-index",
            "the conflict target names a partial unique index, which MySQL does not have",
            "drop the WHERE of the conflict target",
        )
        return None
    table = _table(node)
    if table is None:
        return None
    action = conflict.text("action").upper()
    if action == "DO NOTHING":
        node.set("conflict", None)
        node.set("ignore", True)
        return None
    targets = table_names(table) | {table.name.lower()}
    bare = ctx.source == "sqlite"  # PostgreSQL rejects a bare column here as ambiguous
    assignments = list(conflict.expressions)
    where = conflict.args.get("where")
    for eq in assignments:
        column = eq.this
        if isinstance(column, exp.Column):
            column.set("table", None)
        if isinstance(where, exp.Where):
            eq.set(
                "expression",
                exp.Case(
                    ifs=[exp.If(this=where.this.copy(), true=eq.expression)],
                    default=exp.column(column.name, table.name),
                ),
            )
    ordered = order_for_mysql(assignments, targets, ctx, node, multi=False)
    for eq in ordered:
        for column in list(eq.expression.find_all(exp.Column)):
            qualifier = column.table.lower()
            if qualifier == _EXCLUDED:
                call = func("VALUES", exp.column(column.name))
                if column is eq.expression:
                    eq.set("expression", call)
                else:
                    column.replace(call)
            elif qualifier in targets or (
                bare and not qualifier and not column.find_ancestor(exp.Query)
            ):
                column.set("table", exp.to_identifier(table.name))
    table.set("alias", None)
    node.set("conflict", _duplicate(ordered))
    _derived_rows(node)
    return None


@rule(exp.Insert, source=_OTHERS, target=_OTHERS)
def on_conflict_between(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL and SQLite (3.24+) share ``ON CONFLICT``. Differences handled: the conflict
    keys are plain columns (not sort keys to add NULLS FIRST/LAST to); SQLite's bare column
    reads of the existing row are table-qualified for PostgreSQL; SQLite's ``DO UPDATE``
    without a target needs the schema's single key for PostgreSQL; ``ON CONSTRAINT`` does not
    exist in SQLite; SQLite needs a WHERE on ``INSERT ... SELECT``.
    Corpus: upsert.toml `ups-pg-on-conflict*`, `ups-lite-on-conflict*`."""
    assert isinstance(node, exp.Insert)
    conflict = node.args.get("conflict")
    if not isinstance(conflict, exp.OnConflict) or conflict.args.get("duplicate"):
        return None
    table = _table(node)
    if table is None:
        return None
    keys = conflict.args.get("conflict_keys")
    if keys:
        plain = [k.this if isinstance(k, exp.Ordered) else k for k in keys]
        conflict.set("conflict_keys", [k.copy() for k in plain])
    if conflict.args.get("constraint") is not None and ctx.target == "sqlite":
        ctx.refuse(
            conflict,
            "upsert-on-constraint",
            "SQLite's ON CONFLICT cannot name a constraint",
            "name the key columns: ON CONFLICT (a, b)",
        )
        return None
    action = conflict.text("action").upper()
    if action == "DO UPDATE" and not keys and conflict.args.get("constraint") is None:
        found = _single_key(node, table, ctx, "ON CONFLICT DO UPDATE without a conflict target")
        if found is None:
            return None
        conflict.set("conflict_keys", [exp.column(k) for k in found])
    if ctx.source == "sqlite" and action == "DO UPDATE":
        qualifier = exp.to_identifier(table.alias_or_name)
        parts = [eq.expression for eq in conflict.expressions]
        where = conflict.args.get("where")
        if isinstance(where, exp.Where):
            parts.append(where.this)
        for part in parts:
            for column in list(part.find_all(exp.Column)):
                if not column.table and column.find_ancestor(exp.Query) is None:
                    column.set("table", qualifier.copy())
    _upsert_select_fix(node, ctx)
    return None
