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
an explicit 0 in a generated column) and the strict modes (``TRADITIONAL``,
``STRICT_TRANS_TABLES``, ...: MySQL then refuses values the targets refuse anyway), mysqldump's ``SET @OLD_x=@@x`` and ``SET x=@OLD_x``
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

from sqlshift.translator.compound import end_of_quoted
from sqlshift.translator.context import Context
from sqlshift.translator.ddl_schema import create_columns
from sqlshift.translator.rules.enums import canonical_set_values
from sqlshift.translator.rules.literals import bytes_into_binary_columns
from sqlshift.translator.rules.session import Session, database_name
from sqlshift.translator.rules.stored import stored_values
from sqlshift.translator.rules.triggers import identity_trigger, on_update_triggers
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
    """The offset after the MySQL string or name that starts at ``start``."""
    return end_of_quoted(sql, start, quote, True)


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
_HARMLESS_SQL_MODES = frozenset(
    {
        "",
        "no_auto_value_on_zero",
        # strict modes: MySQL refuses bad values instead of adjusting them, as the targets do
        "traditional",
        "strict_trans_tables",
        "strict_all_tables",
        "no_zero_in_date",
        "no_zero_date",
        "error_for_division_by_zero",
        "no_engine_substitution",
        "no_auto_create_user",
    }
)


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
            if ctx.source != "postgres":
                result.extend(identity_trigger(tree, ctx))
            continue
        if isinstance(tree, exp.Alter) and ctx.source == "mysql":
            result.extend(ddl.split_alter(tree, ctx, script_tables))
            continue
        if isinstance(tree, exp.Create) and tree.kind == "INDEX":
            _plain_index_columns(tree)
        if isinstance(tree, exp.Create) and tree.kind == "VIEW":
            script_views.append(tree)
            if tree.args.get("replace") and ctx.target == "sqlite":
                result.append(_drop_view(tree))
        result.append(tree)
        if isinstance(tree, exp.Insert):
            _fill_insert_columns(tree, script_tables)
            if ctx.source == "mysql":
                declared = _declared_columns(tree.this, script_tables, ctx)
                types = _value_types(tree, declared)
                bytes_into_binary_columns(tree, types, ctx)
                canonical_set_values(tree, types)
                stored_values(tree, dict(declared), ctx)
            else:
                declared = _declared_columns(tree.this, script_tables, ctx)
                stored_values(tree, dict(declared), ctx, temporal=False)
        if isinstance(tree, exp.Update):
            declared = _declared_columns(tree.this, script_tables, ctx)
            stored_values(tree, dict(declared), ctx, temporal=ctx.source == "mysql")
    if ctx.source == "mysql" and ctx.target == "postgres":
        result = ddl.case_insensitive_indexes(result, script_tables, ctx)
    if script_tables or script_views:
        ctx.schema = _with_tables(ctx.schema, script_tables.values(), script_views)
    return result


def _drop_view(create: exp.Create) -> exp.Expr:
    """SQLite has no ``CREATE OR REPLACE VIEW``: ``DROP VIEW IF EXISTS`` first, and a plain
    ``CREATE VIEW`` (the same view once both have run; not one atomic step). Corpus:
    ddl.toml ``ddl-create-or-replace-view``."""
    create.set("replace", False)
    return exp.Drop(kind="VIEW", tables=[create.this.copy()], exists=True)


def _declared_columns(
    target: exp.Expr | None, tables: dict[str, exp.Create], ctx: Context
) -> tuple[tuple[str, exp.DataType], ...]:
    """The declared columns of the table ``target`` names (an INSERT's column list or table,
    an UPDATE's table), in order: the script's own CREATE TABLE, else ``schema=``."""
    table = target.this if isinstance(target, exp.Schema) else target
    if not isinstance(table, exp.Table):
        return ()
    create = tables.get(table.name.lower())
    if create is not None:
        return create_columns(create)
    return ctx.schema.columns(table.name) if ctx.schema is not None else ()


def _value_types(
    insert: exp.Insert, declared: tuple[tuple[str, exp.DataType], ...]
) -> list[exp.DataType | None]:
    """The declared types of the columns an INSERT's VALUES fill, in their order."""
    target = insert.this
    if not isinstance(target, exp.Schema):  # no column list: the table's columns, in order
        return [dtype for _, dtype in declared]
    by_name = dict(declared)
    return [by_name.get(column.name.lower()) for column in target.expressions]


def _as_loaded(trees: list[exp.Expr], ctx: Context) -> list[exp.Expr]:
    """A MySQL script's statements as a loader runs them: load-only ones dropped, database
    and transaction statements made the target's (rules/session.py), foreign keys of
    tables created while FOREIGN_KEY_CHECKS is off added after the data (PostgreSQL)."""
    creating = (t for t in trees if not isinstance(t, exp.Drop))
    own = frozenset(n for n in map(database_name, creating) if n is not None)
    session = Session(own=own)
    out: list[exp.Expr] = []
    deferred: list[exp.Expr] = []
    checks_off = False
    # keys wait for the last time checks come back on (a dump's schema part may turn them on
    # and its data part off again: the keys must not be there while that data loads)
    last_off = max((i for i, t in enumerate(trees) if _foreign_key_checks(t) is False), default=-1)
    for index, tree in enumerate(trees):
        if own and database_name(tree) is None:
            _own_database_qualifiers(tree, own)
        checks = _foreign_key_checks(tree)
        if checks is not None and ctx.target == "sqlite":
            out.append(_sqlite_foreign_keys(checks))
        if checks is not None and ctx.target == "postgres":
            if checks and index > last_off:
                for alter in deferred:
                    out.extend(session.statements(alter, ctx))
                deferred.clear()
            checks_off = not checks
        if checks_off and isinstance(tree, exp.Create) and tree.kind == "TABLE":
            deferred.extend(_take_foreign_keys(tree))
        kept = _session_statement(tree, ctx)
        if kept is not None:
            out.extend(session.statements(kept, ctx))
    for alter in deferred:
        out.extend(session.statements(alter, ctx))
    return out


def _own_database_qualifiers(tree: exp.Expr, own: frozenset[str]) -> None:
    """`sakila.film` in a script that makes and uses `sakila` is the caller's database's
    `film` (its USE is dropped): the qualifier goes (it named a schema that does not exist).
    Corpus: tests/test_session_statements.py."""
    for node in tree.find_all(exp.Table, exp.Column):
        db = node.args.get("db")
        if isinstance(db, exp.Identifier) and db.name.lower() in own:
            node.set("db", None)


def _sqlite_foreign_keys(on: bool) -> exp.Expr:
    """SQLite's own switch for MySQL's FOREIGN_KEY_CHECKS: keys are not checked while it is
    off, and rows loaded meanwhile are not checked when it is turned on, as in MySQL (SQLite
    ignored the script's keys altogether, ON DELETE CASCADE included, on a connection that
    had not turned them on). Corpus: dump.toml ``dump-foreign-key-cycle``."""
    # (a Var, not an EQ: the comparison rules must not read the setting as a comparison)
    return exp.Pragma(this=exp.var(f"foreign_keys = {'ON' if on else 'OFF'}"))


def _foreign_key_checks(tree: exp.Expr) -> bool | None:
    """The value a ``SET FOREIGN_KEY_CHECKS = x`` gives (``@OLD_...``, mysqldump's restore,
    counts as on); None for other statements."""
    if not isinstance(tree, exp.Set):
        return None
    for item in tree.expressions:
        assignment = item.this if isinstance(item, exp.SetItem) else None
        if isinstance(assignment, exp.EQ) and assignment.this.name.lower() == "foreign_key_checks":
            value = assignment.expression
            return not (isinstance(value, exp.Literal) and value.name in ("0", "OFF"))
    return None


def _take_foreign_keys(create: exp.Create) -> list[exp.Expr]:
    """Take the foreign keys out of a MySQL ``CREATE TABLE``; return the ``ALTER TABLE ... ADD``
    statements that add them back. A dump creates its tables in name order with
    FOREIGN_KEY_CHECKS off, so a table may reference one created after it (or two each other):
    PostgreSQL cannot create such a table, and checks its keys as rows arrive. As pg_dump does,
    they are added after the data (and checked then: a row whose key MySQL did not check and
    that has no parent fails there, rather than loading a table that breaks its constraint).
    Corpus: dump.toml ``dump-foreign-key-cycle``."""
    schema = create.this
    table = schema.this if isinstance(schema, exp.Schema) else None
    if not isinstance(schema, exp.Schema) or not isinstance(table, exp.Table):
        return []
    keys: list[exp.Expr] = []
    kept: list[exp.Expr] = []
    for item in schema.expressions:
        inner = item.expressions if isinstance(item, exp.Constraint) else [item]
        if any(isinstance(part, exp.ForeignKey) for part in inner):
            keys.append(item)
            continue
        if isinstance(item, exp.ColumnDef):
            for constraint in list(item.constraints):
                reference = constraint.args.get("kind")
                if isinstance(reference, exp.Reference):
                    constraint.pop()
                    keys.append(exp.ForeignKey(expressions=[item.this.copy()], reference=reference))
        kept.append(item)
    if not keys:
        return []
    schema.set("expressions", kept)
    return [
        exp.Alter(this=table.copy(), kind="TABLE", actions=[exp.AddConstraint(expressions=[key])])
        for key in keys
    ]


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
