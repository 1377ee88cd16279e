"""Whole scripts and dumps: mysqldump's executable comments, load-only statements, and the
statement-level rewrites DDL needs (inline indexes, constraints SQLite cannot ALTER in).

Two entry points the API calls, besides the rules registered here:

- :func:`unwrap_conditional_comments` (text, before parsing, MySQL source): MySQL *executes*
  ``/*!40101 SET NAMES utf8 */`` (a version-gated comment), so its content is SQL.
- :func:`prepare` (parsed statements of one script, before the rules): drops load-only
  statements, splits inline ``KEY``/``INDEX`` into ``CREATE INDEX``, folds SQLite-impossible
  ``ALTER TABLE ... ADD CONSTRAINT`` into the same script's ``CREATE TABLE``, fills in the
  column list of ``INSERT INTO t VALUES`` when ``t`` was created by the script, and adds the
  script's own tables to the schema the type-aware rules consult.

Load-only statements are dropped because they cannot change the rows one loading session ends
with: ``LOCK TABLES``/``UNLOCK TABLES``, ``ALTER TABLE ... DISABLE/ENABLE KEYS`` (speed),
``SET NAMES``/``character_set_*``/``collation_connection`` (client encoding: the target
drivers speak UTF-8), ``SET FOREIGN_KEY_CHECKS``/``UNIQUE_CHECKS``/``SQL_NOTES`` (checks
turned off for speed: rows that violate a foreign key fail on PostgreSQL, an error rather
than a different table), ``SET SQL_MODE='NO_AUTO_VALUE_ON_ZERO'`` (the targets already store
an explicit 0 in a generated column), mysqldump's ``SET @OLD_x=@@x`` and ``SET x=@OLD_x``
save/restore pairs. ``SET TIME_ZONE='+00:00'`` (mysqldump's ``--tz-utc``) becomes
``SET TIME ZONE 'UTC'`` on PostgreSQL (restored with ``SET TIME ZONE DEFAULT``) and is
dropped on SQLite, which stores timestamp text as written. ``SET autocommit``, ``USE`` and
``CREATE DATABASE`` are rules/session.py's. Any other ``SET`` is refused
(``session-setting``).

Corpus: dump.toml (``dump-*``) and the generated dump of ``corpus/dumps/`` (tests/test_dump.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules.on_update import on_update_triggers
from sqlshift.translator.rules.session import Session
from sqlshift.translator.schema import Schema

__all__ = ["prepare", "unwrap_conditional_comments"]

_OPENER = re.compile(r"/\*!(\d{5,6})?")
_SPECIAL = re.compile(r"['\"`#]|--|/\*")


def unwrap_conditional_comments(sql: str) -> str:
    """Make the content of MySQL's ``/*!NNNNN ... */`` comments plain SQL.

    The opener and the closing ``*/`` become spaces of the same length, so that offsets (and
    error positions) in the result are those of the caller's text. Strings, quoted names and
    ordinary comments are skipped. MariaDB-only ``/*M!...*/`` comments stay comments, as MySQL
    reads them.
    """
    if "/*!" not in sql:
        return sql
    out = list(sql)
    i, n = 0, len(sql)
    while i < n:
        match = _SPECIAL.search(sql, i)
        if match is None:
            break
        start = match.start()
        token = match.group()
        if token in ("'", '"', "`"):
            i = _end_of_quoted(sql, start, token)
        elif token in ("#", "--"):
            if token == "--" and sql[start + 2 : start + 3] not in ("", " ", "\t", "\n", "\r"):
                i = start + 2  # `a--1` is arithmetic in MySQL, not a comment
                continue
            end = sql.find("\n", start)
            i = n if end < 0 else end + 1
        else:  # /*
            end = sql.find("*/", start + 2)
            end = n if end < 0 else end
            opener = _OPENER.match(sql, start)
            if opener is not None and end < n:
                for k in range(start, opener.end()):
                    out[k] = " "
                out[end] = out[end + 1] = " "
                i = opener.end()  # the content is SQL: scan it for strings and comments
                # the closing `*/` is now blank; continue scanning inside the content
                continue
            i = end + 2
    return "".join(out)


def _end_of_quoted(sql: str, start: int, quote: str) -> int:
    i, n = start + 1, len(sql)
    while i < n:
        ch = sql[i]
        if ch == "\\" and quote != "`":
            i += 2
            continue
        if ch == quote:
            if sql[i + 1 : i + 2] == quote:  # doubled quote
                i += 2
                continue
            return i + 1
        i += 1
    return n


# ------------------------------------------------------------------------------- statements

_LOAD_ONLY_VARIABLES = frozenset(
    {
        "foreign_key_checks",
        "unique_checks",
        "sql_notes",
        "character_set_client",
        "character_set_results",
        "character_set_connection",
        "collation_connection",
        "names",
    }
)
_HARMLESS_SQL_MODES = frozenset({"", "no_auto_value_on_zero"})


def prepare(trees: list[exp.Expr], ctx: Context) -> list[exp.Expr]:
    """Statement-level rewrites of a script for a different target (see the module docstring)."""
    from sqlshift.translator.rules import ddl  # the per-table rewrites live with the DDL rules

    script_tables: dict[str, exp.Create] = {}
    script_views: list[exp.Create] = []
    result: list[exp.Expr] = []
    if ctx.source == "mysql":
        trees = _as_loaded(trees, ctx)
    for tree in trees:
        if isinstance(tree, exp.Create) and tree.kind == "TABLE":
            name = _table_key(tree.this)
            if name is not None:
                script_tables[name] = tree
            result.append(tree)
            if ctx.source == "mysql":
                result.extend(ddl.split_inline_indexes(tree, ctx))
                result.extend(on_update_triggers(tree, ctx))
            continue
        if isinstance(tree, exp.Alter) and ctx.source == "mysql":
            result.extend(ddl.split_alter(tree, ctx, script_tables))
            continue
        if isinstance(tree, exp.Create) and tree.kind == "INDEX":
            _plain_index_columns(tree)
        if isinstance(tree, exp.Create) and tree.kind == "VIEW":
            script_views.append(tree)
        result.append(tree)
        if isinstance(tree, exp.Insert):
            _fill_insert_columns(tree, script_tables)
            if ctx.target == "postgres":
                result.extend(_advance_identity(tree, script_tables, ctx))
    if ctx.source == "mysql" and ctx.target == "postgres":
        result = ddl.case_insensitive_indexes(result, script_tables, ctx)
    if script_tables or script_views:
        ctx.schema = _with_tables(ctx.schema, script_tables.values(), script_views)
    return result


def _as_loaded(trees: list[exp.Expr], ctx: Context) -> list[exp.Expr]:
    """A MySQL script's statements as a loader runs them: load-only ones dropped, database
    and transaction statements made the target's (rules/session.py)."""
    session = Session()
    out: list[exp.Expr] = []
    for tree in trees:
        kept = _session_statement(tree, ctx)
        if kept is not None:
            out.extend(session.statements(kept, ctx))
    return out


def _session_statement(tree: exp.Expr, ctx: Context) -> exp.Expr | None:
    """None for a load-only statement, the statement to run otherwise (maybe rewritten)."""
    if isinstance(tree, exp.Command):
        rest = tree.expression
        rest_text = rest.name if isinstance(rest, exp.Literal) else str(rest or "")
        words = " ".join(f"{tree.name} {rest_text}".upper().split())
        if words.startswith(("LOCK TABLE", "UNLOCK TABLE")):
            return None
        if words.startswith("ALTER TABLE ") and words.endswith((" DISABLE KEYS", " ENABLE KEYS")):
            return None
        return tree
    if not isinstance(tree, exp.Set) or tree.args.get("unset"):
        return tree
    kept: list[exp.Expr] = []
    for item in tree.expressions:
        replacement = _set_item(item, ctx)
        if replacement is not None:
            kept.append(replacement)
    if not kept:
        return None
    tree.set("expressions", kept)
    return tree


def _set_item(item: exp.Expr, ctx: Context) -> exp.Expr | None:
    if not isinstance(item, exp.SetItem):
        return item
    kind = str(item.args.get("kind") or "").upper()
    if kind in ("NAMES", "CHARACTER SET", "CHARSET"):
        return None
    assignment = item.this
    if not isinstance(assignment, exp.EQ):
        return item
    variable, value = assignment.this, assignment.expression
    if isinstance(variable, exp.Parameter) and isinstance(value, exp.SessionParameter):
        return None  # mysqldump saves a setting: SET @OLD_X = @@X
    if not isinstance(variable, exp.Column | exp.SessionParameter):
        return item
    name = variable.name.lower()
    restoring = isinstance(value, exp.Parameter)  # SET X = @OLD_X
    if name in _LOAD_ONLY_VARIABLES:
        return None
    if name == "autocommit":
        return item  # a transaction statement: rules/session.py
    if name == "sql_mode":
        if restoring:
            return None
        modes = {m.strip().lower() for m in value.name.split(",")} if value.is_string else None
        if modes is not None and modes <= _HARMLESS_SQL_MODES:
            return None
    if name == "time_zone":
        if ctx.target == "sqlite":
            return None
        if restoring:
            return exp.SetItem(this=exp.var("DEFAULT"), kind="TIME ZONE")
        if value.is_string and value.name in ("+00:00", "UTC", "utc"):
            return exp.SetItem(this=exp.Literal.string("UTC"), kind="TIME ZONE")
    ctx.refuse(
        item,
        "session-setting",
        f"the MySQL session setting `{variable.name}` has no equivalent in {ctx.target} "
        "(sqlshift drops only settings that cannot change a loaded table)",
        "remove the SET statement, or configure the target session yourself",
    )
    return item


def _plain_index_columns(create: exp.Create) -> None:
    """Index key order and NULL placement do not change any result; dropping them keeps the
    query-ordering rules off index columns (and every target accepts a plain column list)."""
    params = create.this.args.get("params") if isinstance(create.this, exp.Index) else None
    if isinstance(params, exp.IndexParameters):
        columns = params.args.get("columns") or []
        params.set("columns", [c.this if isinstance(c, exp.Ordered) else c for c in columns])


_GENERATED = (exp.AutoIncrementColumnConstraint, exp.GeneratedAsIdentityColumnConstraint)


def _generated_column(create: exp.Create, source: str) -> str | None:
    schema = create.this
    assert isinstance(schema, exp.Schema)
    for column in schema.expressions:
        if not isinstance(column, exp.ColumnDef):
            continue
        kind = column.kind
        if any(isinstance(c.args.get("kind"), _GENERATED) for c in column.constraints):
            return column.name
        if isinstance(kind, exp.DataType) and kind.this in (
            exp.DType.SERIAL,
            exp.DType.BIGSERIAL,
            exp.DType.SMALLSERIAL,
        ):
            return column.name
        if source == "sqlite" and isinstance(kind, exp.DataType) and kind.this == exp.DType.INT:
            from sqlshift.translator.rules.ddl import _is_primary

            if _is_primary(column):
                return column.name
    return None


def _advance_identity(
    insert: exp.Insert, tables: dict[str, exp.Create], ctx: Context
) -> list[exp.Expr]:
    """MySQL AUTO_INCREMENT and SQLite rowids continue after an explicitly inserted key; a
    PostgreSQL identity does not (it would hand out that key again, or a lower one). After an
    INSERT that gives the generated column of a table this script created, the identity is
    moved to the highest key. Corpus: ddl.toml ``ddl-lite-autoincrement``, ``ddl-my-auto-increment-*``."""
    if ctx.source == "postgres" or not isinstance(insert.this, exp.Schema):
        return []
    table = insert.this.this
    if not isinstance(table, exp.Table):
        return []
    create = tables.get(table.name.lower())
    if create is None:
        return []
    generated = _generated_column(create, ctx.source)
    named = [c.name.lower() for c in insert.this.expressions]
    if generated is None or generated.lower() not in named:
        return []
    from sqlshift.translator.identifiers import fold
    from sqlshift.translator.rules import func

    lower = ctx.options.identifier_case == "lower"
    table_text = fold(table.name) if lower else f'"{table.name}"'
    column_text = fold(generated) if lower else generated
    highest = exp.select(exp.Max(this=exp.column(generated))).from_(table.copy())
    # setval(seq, max, true): the next value is max + 1; COALESCE keeps an empty table as is
    sequence = func(
        "pg_get_serial_sequence",
        exp.Literal.string(table_text),
        exp.Literal.string(column_text),
    )
    call = func(
        "setval",
        sequence,
        exp.Coalesce(
            this=exp.Subquery(this=highest),
            expressions=[exp.Literal.number(1)],
        ),
        exp.Boolean(this=True),
    )
    return [exp.select(call)]


def _table_key(node: exp.Expr | None) -> str | None:
    table = node.this if isinstance(node, exp.Schema) else node
    if not isinstance(table, exp.Table):
        return None
    return table.name.lower()


def _fill_insert_columns(insert: exp.Insert, tables: dict[str, exp.Create]) -> None:
    """``INSERT INTO t VALUES (...)`` with ``t`` created by this script: name the columns, so
    that column-aware rules (e.g. 0/1 into a BOOLEAN) can see which value goes where."""
    target = insert.this
    if not isinstance(target, exp.Table) or not isinstance(insert.expression, exp.Values):
        return
    create = tables.get(target.name.lower())
    if create is None or not isinstance(create.this, exp.Schema):
        return
    columns = [c for c in create.this.expressions if isinstance(c, exp.ColumnDef)]
    rows = insert.expression.expressions
    if not rows or any(len(row.expressions) != len(columns) for row in rows):
        return  # a wrong arity fails on the source too; leave it to the engine to say so
    names = [exp.to_identifier(c.name, quoted=c.this.quoted) for c in columns]
    insert.set("this", exp.Schema(this=target, expressions=names))


def _with_tables(
    schema: Schema | None, creates: Iterable[exp.Create], views: Iterable[exp.Create] = ()
) -> Schema:
    """``schema`` plus the column types and keys of the tables the script creates (those
    win), and its views."""
    from sqlshift.translator.ddl_schema import add_view, create_columns, create_keys

    tables = []
    keys = []
    for create in creates:
        if not isinstance(create.this, exp.Schema):
            continue  # CREATE TABLE ... AS SELECT / LIKE: no column list of its own here
        name = create.this.this.name.lower()
        tables.append((name, create_columns(create)))
        found = create_keys(create)
        if found:
            keys.append((name, found))
    added = Schema(tuple(tables), tuple(keys))
    merged = schema.merged(added) if schema is not None else added
    known, named = dict(merged.tables), dict(merged.views)
    for view in views:
        add_view(view, known, named)
    return Schema(tuple(known.items()), merged.keys, tuple(named.items()))
