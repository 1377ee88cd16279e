"""Column behaviours the targets have no column option for, as triggers (written as text:
sqlglot builds no PL/pgSQL or trigger bodies).

ON UPDATE CURRENT_TIMESTAMP
---------------------------

MySQL sets such a column to the current time when an UPDATE changes any other column of the
row, unless the UPDATE assigns the column itself; no other engine has the column option, and
almost every MySQL schema (and dump) has it. pgloader creates a trigger for it; so does
sqlshift, right after the ``CREATE TABLE`` (scripts.py calls :func:`on_update_triggers`):

* PostgreSQL: one PL/pgSQL function ``<table>_on_update`` and a ``BEFORE UPDATE`` trigger
  of the same name: for each such column, in order, ``IF NEW.col IS NOT DISTINCT FROM
  OLD.col AND ROW(NEW.*) IS DISTINCT FROM ROW(OLD.*) THEN NEW.col := <now>``.
* SQLite: an ``AFTER UPDATE`` trigger ``<table>_on_update``, when any column changed, whose
  UPDATE (by ``rowid``) sets each such column that kept its value while another one
  changed, and leaves the others (SQLite's triggers do not fire themselves again).

``<now>`` is the translation of the column's own ``CURRENT_TIMESTAMP[(p)]``, the value its
``DEFAULT CURRENT_TIMESTAMP`` gets. MySQL's foreign key actions (ON DELETE SET NULL, ON UPDATE
CASCADE) change rows without setting the time: PostgreSQL's trigger acts only on statements
(``pg_trigger_depth() = 1``: an action's update runs one trigger deeper); SQLite's cannot tell,
which is reported as an assumption (``on-update-foreign-key``). Limits: an UPDATE that assigns the column the value it
already has is taken as not assigning it (MySQL would keep it; a trigger cannot tell the
two apart); on SQLite the trigger compares the columns the ``CREATE TABLE`` declares (a
column added later by ``ALTER TABLE`` does not set the time). Corpus: ddl.toml
``ddl-my-on-update-*``.

Generated keys that continue after the highest key
--------------------------------------------------
MySQL's AUTO_INCREMENT and SQLite's rowid hand out the next key after the highest one in the
table, explicitly inserted ones included; a PostgreSQL identity hands out its sequence's next
value, so after rows inserted with their ids (every dump, and applications that set ids) the
next implicit insert failed with a duplicate key. :func:`identity_trigger` gives the translated
table an ``AFTER INSERT ... FOR EACH STATEMENT`` trigger that moves the sequence past the
highest key, never back (MySQL, SQLite AUTOINCREMENT); for SQLite's plain INTEGER PRIMARY
KEY, which reuses the ids of deleted highest rows, to exactly the highest key after every
insert, update and delete. It serves writes from anywhere: a loaded dump, the executor,
other clients. Corpus: ddl.toml
``ddl-my-auto-increment-*``, ``ddl-lite-autoincrement``; tests/test_identity.py.
"""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.identifiers import normalise_identifiers
from sqlshift.translator.rules import GENERATED

__all__ = ["identity_trigger", "on_update_triggers", "plpgsql_trigger_text"]

_NOW_CALLS = frozenset({"NOW", "CURRENT_TIMESTAMP", "LOCALTIMESTAMP", "LOCALTIME"})


def on_update_triggers(create: exp.Create, ctx: Context) -> list[exp.Expr]:
    """The trigger statements for ``create``'s ``ON UPDATE CURRENT_TIMESTAMP`` columns, whose
    column option is taken out (MySQL source; PostgreSQL and SQLite targets)."""
    schema = create.this
    if ctx.target not in ("postgres", "sqlite") or not isinstance(schema, exp.Schema):
        return []
    table = schema.this
    if not isinstance(table, exp.Table):
        return []
    columns = [c for c in schema.expressions if isinstance(c, exp.ColumnDef)]
    timed: list[tuple[exp.ColumnDef, str]] = []
    for column in columns:
        for constraint in list(column.constraints):
            option = constraint.args.get("kind")
            if isinstance(option, exp.OnUpdateColumnConstraint):
                digits = _digits(option.this)
                if digits is None:
                    continue  # not the current time: ddl.py refuses it
                timed.append((column, _now_on_target(digits, ctx)))
                constraint.pop()
    if not timed:
        return []
    if ctx.target == "sqlite" and _updated_by_foreign_keys(schema):
        ctx.assume(
            timed[0][0],
            "on-update-foreign-key",
            f"that no foreign key action (ON DELETE SET NULL, ON UPDATE CASCADE, ...) changes "
            f"`{table.name}`: SQLite runs the ON UPDATE trigger for the rows those actions "
            "change, and sets the time there, where MySQL leaves it",
            "accept it, or translate to PostgreSQL, whose trigger tells the two apart",
        )
    name = _name(table, ctx)
    named = [(_name(c, ctx), now) for c, now in timed]
    if ctx.target == "postgres":
        return _postgres(table, name, named, ctx)
    return _sqlite(table, name, named, [_name(c, ctx) for c in columns], ctx)


_UPDATING_ACTIONS = ("ON DELETE SET", "ON UPDATE CASCADE", "ON UPDATE SET")


def _updated_by_foreign_keys(schema: exp.Schema) -> bool:
    """Does one of the table's foreign keys update its rows (SET NULL, SET DEFAULT, or
    CASCADE on the parent's update)?"""
    for reference in schema.find_all(exp.Reference):
        options = " ".join(str(o) for o in reference.args.get("options") or []).upper()
        if any(action in " ".join(options.split()) for action in _UPDATING_ACTIONS):
            return True
    return False


def _digits(value: exp.Expr | None) -> int | None:
    """The fractional digits of a current-time expression (None: something else)."""
    if isinstance(value, exp.CurrentTimestamp | exp.Localtimestamp):
        precision = value.this
    elif isinstance(value, exp.Anonymous) and value.name.upper() in _NOW_CALLS:
        precision = value.expressions[0] if value.expressions else None
    else:
        return None
    if precision is None:
        return 0
    return int(precision.name) if isinstance(precision, exp.Literal) else None


def _now_on_target(digits: int, ctx: Context) -> str:
    """The target's text of MySQL's CURRENT_TIMESTAMP(digits), as the rules translate it."""
    from sqlshift.translator.api import translation  # (the API imports the rules)

    precision = f"({digits})" if digits else ""
    select = translation(
        f"SELECT CURRENT_TIMESTAMP{precision} AS v", ctx.target, "mysql", options=ctx.options
    ).statements[0]
    return select.removeprefix("SELECT ").removesuffix(" AS v")


def _name(node: exp.Expr, ctx: Context, suffix: str = "") -> str:
    """``node``'s name (a table's or a column's, plus ``suffix``) as the target will spell
    it under the identifier policy (the statements here are text, not trees)."""
    identifier = node.this if isinstance(node, exp.Table | exp.ColumnDef) else node
    assert isinstance(identifier, exp.Identifier)
    named = exp.to_identifier(identifier.name + suffix, quoted=bool(identifier.args.get("quoted")))
    holder = exp.Column(this=named)
    normalise_identifiers(list(holder.walk()), ctx)
    return holder.sql(dialect=ctx.target)


def _table_sql(table: exp.Table, ctx: Context) -> str:
    copy = table.copy()
    normalise_identifiers(list(copy.walk()), ctx)
    return copy.sql(dialect=ctx.target)


def _command(text: str) -> exp.Expr:
    """A statement sqlglot cannot build as a tree, trusted by the faithfulness check."""
    command = exp.Command(this="CREATE", expression=exp.Var(this=text.removeprefix("CREATE ")))
    command.meta[GENERATED] = True
    return command


def _postgres(
    table: exp.Table, name: str, timed: list[tuple[str, str]], ctx: Context
) -> list[exp.Expr]:
    function = _name(table, ctx, "_on_update")
    steps = "".join(
        f"  IF pg_trigger_depth() = 1 AND NEW.{column} IS NOT DISTINCT FROM OLD.{column}"
        " AND ROW(NEW.*) IS DISTINCT FROM ROW(OLD.*) THEN\n"
        f"    NEW.{column} := {now};\n"
        "  END IF;\n"
        for column, now in timed
    )
    body = f"BEGIN\n{steps}  RETURN NEW;\nEND"
    return _plpgsql_trigger(
        function, body, f"BEFORE UPDATE ON {_table_sql(table, ctx)} FOR EACH ROW"
    )


def _plpgsql_trigger(function: str, body: str, when: str) -> list[exp.Expr]:
    """:func:`plpgsql_trigger_text` as statements of the script."""
    return [_command(text) for text in plpgsql_trigger_text(function, body, when)]


def plpgsql_trigger_text(function: str, body: str, when: str) -> list[str]:
    """A PL/pgSQL trigger function ``function`` with ``body`` (replaced if it exists: a
    table made again keeps it), and the trigger of the same name that runs it ``when``."""
    return [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS "
        f"$sqlshift$\n{body}\n$sqlshift$",
        f"CREATE TRIGGER {function} {when} EXECUTE FUNCTION {function}()",
    ]


def _sqlite(
    table: exp.Table,
    name: str,
    timed: list[tuple[str, str]],
    columns: list[str],
    ctx: Context,
) -> list[exp.Expr]:
    """One trigger for all the table's such columns: one per column would fire each other
    (the UPDATE one makes is a change of another column for the next)."""

    def changed(names: list[str]) -> str:
        new = ", ".join(f"NEW.{c}" for c in names)
        old = ", ".join(f"OLD.{c}" for c in names)
        return f"({new}) IS NOT ({old})"

    sets = []
    for column, now in timed:
        others = [c for c in columns if c != column]
        if others:
            when = f"NEW.{column} IS OLD.{column} AND {changed(others)}"
            sets.append(f"{column} = CASE WHEN {when} THEN {now} ELSE {column} END")
    if not sets:
        return []  # no other column can change
    trigger = _name(table, ctx, "_on_update")
    assignments = ",\n    ".join(sets)
    return [
        _command(
            f"CREATE TRIGGER {trigger} AFTER UPDATE ON {_table_sql(table, ctx)} "
            f"FOR EACH ROW WHEN {changed(columns)}\n"
            f"BEGIN\n  UPDATE {name} SET\n    {assignments}\n  WHERE rowid = NEW.rowid;\nEND"
        )
    ]


_GENERATED = (exp.AutoIncrementColumnConstraint, exp.GeneratedAsIdentityColumnConstraint)


def generated_column(create: exp.Create, source: str) -> exp.ColumnDef | None:
    """The column whose values a table generates: AUTO_INCREMENT, IDENTITY, SERIAL, or
    SQLite's INTEGER PRIMARY KEY (a rowid alias)."""
    from sqlshift.translator.rules.ddl import _is_primary

    schema = create.this
    if not isinstance(schema, exp.Schema):
        return None
    for column in schema.expressions:
        if not isinstance(column, exp.ColumnDef):
            continue
        kind = column.kind
        if any(isinstance(c.args.get("kind"), _GENERATED) for c in column.constraints):
            return column
        if isinstance(kind, exp.DataType) and kind.this in (
            exp.DType.SERIAL,
            exp.DType.BIGSERIAL,
            exp.DType.SMALLSERIAL,
        ):
            return column
        integer = isinstance(kind, exp.DataType) and kind.this == exp.DType.INT
        if source == "sqlite" and integer and _is_primary(column):
            return column
    return None


def identity_trigger(create: exp.Create, ctx: Context) -> list[exp.Expr]:
    """The statements that keep ``create``'s identity after its highest key (PostgreSQL
    target, MySQL and SQLite sources; see the module docstring)."""
    schema = create.this
    table = schema.this if isinstance(schema, exp.Schema) else None
    column = generated_column(create, ctx.source)
    if ctx.target != "postgres" or not isinstance(table, exp.Table) or column is None:
        return []
    table_sql = _table_sql(table, ctx)
    key = _name(column, ctx)
    stored = key[1:-1].replace('""', '"') if key.startswith('"') else key  # as the catalog has it
    function = _name(table, ctx, "_keep_identity")
    sequence = f"pg_get_serial_sequence({_quoted(table_sql)}, {_quoted(stored)})"
    autoincrement = any(
        isinstance(c.args.get("kind"), exp.AutoIncrementColumnConstraint)
        for c in column.constraints
    )
    if ctx.source == "sqlite" and not autoincrement:
        return _rowid_trigger(function, sequence, key, table_sql)
    body = (
        "DECLARE\n"
        f"  seq regclass := {sequence}::regclass;\n"
        f"  highest bigint := (SELECT max({key}) FROM {table_sql});\n"
        "  last bigint := pg_sequence_last_value(seq);\n"
        "  first bigint := (SELECT seqstart FROM pg_sequence WHERE seqrelid = seq);\n"
        "BEGIN\n"
        "  -- the next value it would give: last + 1, or its start before its first use\n"
        "  IF highest >= COALESCE(last + 1, first) THEN\n"
        "    PERFORM setval(seq, highest);\n"
        "  END IF;\n"
        "  RETURN NULL;\n"
        "END"
    )
    return _plpgsql_trigger(function, body, f"AFTER INSERT ON {table_sql} FOR EACH STATEMENT")


def _quoted(text: str) -> str:
    """A SQL string literal of ``text``."""
    return "'" + text.replace("'", "''") + "'"


def _rowid_trigger(function: str, sequence: str, key: str, table_sql: str) -> list[exp.Expr]:
    """SQLite's rowid without AUTOINCREMENT is the highest key + 1 at each insert, also after
    the highest rows were deleted (ids are reused) or a key was changed: before every INSERT
    statement the sequence is set to exactly that. Inserting transactions take turns first
    (a transaction-level advisory lock per table, held until it ends, as SQLite's one writer
    holds its database; a table lock would deadlock with the INSERT's own): setting the
    sequence after the statement, as before, moved it back below ids that other
    transactions had taken and not committed, and their next inserts failed with duplicate
    keys (found by tests/test_dual.py: four concurrent writers). Under REPEATABLE READ the
    highest key read may miss another's committed rows."""
    body = (
        "BEGIN\n"
        f"  PERFORM pg_advisory_xact_lock(hashtext({_quoted('sqlshift_rowid ' + table_sql)}));\n"
        f"  PERFORM setval({sequence}, COALESCE((SELECT max({key}) FROM {table_sql}), 0) + 1, "
        "false);\n"
        "  RETURN NULL;\n"
        "END"
    )
    when = f"BEFORE INSERT ON {table_sql} FOR EACH STATEMENT"
    return _plpgsql_trigger(function, body, when)
