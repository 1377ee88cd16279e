"""What ``sqlshift migrate`` creates after the data: views and triggers.

Views are created from their translated DDL (a view on another view after it) and verified
like tables. Triggers of a MySQL source are translated (translator/trigger_units.py) and
created last, so that none fires while the rows are copied (Sakila's ``ins_film`` would have
written ``film_text`` twice); a trigger the translator refuses is reported with its code, and
the triggers of a PostgreSQL or SQLite source (PL/pgSQL, SQLite's own) are reported as not
copied. A re-run drops the triggers of the tables it copies again, and creates them after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlshift.errors import SqlshiftError
from sqlshift.executor.database import Database as _Database
from sqlshift.move.verify import check_table
from sqlshift.translator.api import translation
from sqlshift.translator.identifiers import fold
from sqlshift.translator.schema import Schema

__all__ = [
    "TRIGGER_OK",
    "VIEW_OK",
    "Trigger",
    "copy_triggers",
    "copy_views",
    "drop_triggers",
    "source_triggers",
]

Database = _Database[None]

# ------------------------------------------------------------------------------ views

VIEW_OK = ("created and verified", "exists")
TRIGGER_OK = ("created", "exists")


async def _source_views(db: Database) -> dict[str, str]:
    """Each view's CREATE VIEW as the source spells it."""
    if db.dialect == "mysql":
        names = await db.fetch_all(
            "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()"
        )
        database = await db.fetch_val("SELECT DATABASE()")
        views = {}
        for (name,) in names:
            row = await db.fetch_one(f"SHOW CREATE VIEW `{name}`")
            # (USE: the view's `db`.`table` names are the copy's own tables, translated so)
            views[str(name)] = f"USE `{database}`;\n{row[1]}" if row is not None else ""
        return views
    if db.dialect == "sqlite":
        rows = await db.fetch_all("SELECT name, sql FROM sqlite_master WHERE type = 'view'")
        return {str(name): str(sql) for name, sql in rows}
    rows = await db.fetch_all(
        "SELECT viewname, definition FROM pg_views WHERE schemaname = current_schema()"
    )
    return {str(name): f'CREATE VIEW "{name}" AS {definition}' for name, definition in rows}


async def copy_views(
    source: Database,
    target: Database,
    existing: set[str],
    report: dict[str, str],
    schemas: tuple[Schema, Schema],
) -> None:
    """Create the source's views on the target from their translated DDL (a view on another
    view waits for it: each round creates what it can), and verify their rows."""
    pending = await _source_views(source)
    schema = schemas[0]  # (the views' columns typed: GROUP_CONCAT of numbers)
    for name in [n for n in pending if n.lower() in existing]:
        report[name] = "exists"
        del pending[name]
    while pending:
        created = []
        for name, ddl in pending.items():
            try:
                statements = translation(
                    ddl, target.dialect, source.dialect, schema=schema
                ).statements
                for statement in statements:
                    await target.execute(statement)
            except SqlshiftError as error:
                report[name] = str(error).splitlines()[0]
                continue
            created.append(name)
            spelt = name if target.dialect == "sqlite" else fold(name)  # (as translated)
            check = await check_table(source, target, name, schemas=schemas, target_name=spelt)
            report[name] = "created and verified" if check.equal else "rows differ"
        if not created:
            break
        for name in created:
            del pending[name]


# ------------------------------------------------------------------------------ triggers


@dataclass(frozen=True, slots=True)
class Trigger:
    """A source's trigger: its CREATE TRIGGER (empty: not a MySQL one, not translated), or
    why it is not copied."""

    name: str
    table: str
    ddl: str = ""
    refused: str | None = None


async def source_triggers(db: Database) -> list[Trigger]:
    """A MySQL source's triggers, in the order MySQL runs them; a SQLite or PostgreSQL
    source's without their statement. Of two MySQL triggers for the same table, time and
    event, the second is refused (``trigger-order``): the targets would not run them in
    MySQL's order."""
    if db.dialect == "mysql":
        rows = await db.fetch_all(
            "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION "
            "FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() "
            "ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER"
        )
        found, seen = [], set()
        for name, table, timing, event in rows:
            row = await db.fetch_one(f"SHOW CREATE TRIGGER `{name}`")
            ddl = str(row[2]) if row is not None else ""
            refused = None
            if (str(table).lower(), timing, event) in seen:
                refused = (
                    f"[trigger-order] a second {timing} {event} trigger on {table}: MySQL runs "
                    "them in their order, the targets do not (merge them into one)"
                )
            seen.add((str(table).lower(), timing, event))
            found.append(Trigger(str(name), str(table), ddl, refused))
        return found
    if db.dialect == "sqlite":
        rows = await db.fetch_all("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
    else:
        rows = await db.fetch_all(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
        )
    return [Trigger(str(name), str(table)) for name, table in rows]


async def _target_triggers(db: Database) -> set[str]:
    sql = {
        "mysql": "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
        "WHERE TRIGGER_SCHEMA = DATABASE()",
        "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger'",
        "postgres": "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace",
    }[db.dialect]
    return {str(name).lower() for (name,) in await db.fetch_all(sql)}


async def drop_triggers(
    source: Database, target: Database, tables: Sequence[str], spelt: Mapping[str, str]
) -> None:
    """Drop the source's triggers on ``tables`` from the target (copied again, their rows
    must not fire them): a re-run creates them after the data again. ``spelt``: each
    table's name on the target."""
    wanted = {t.lower() for t in tables}
    present = await _target_triggers(target)
    for trigger in await source_triggers(source):
        if trigger.table.lower() not in wanted or trigger.name.lower() not in present:
            continue
        quoted = f"`{trigger.name}`" if target.dialect == "mysql" else f'"{trigger.name}"'
        on = (
            f' ON "{spelt.get(trigger.table, trigger.table)}"'
            if target.dialect == "postgres"
            else ""
        )
        await target.execute(f"DROP TRIGGER IF EXISTS {quoted}{on}")


async def copy_triggers(
    source: Database,
    target: Database,
    tables: Sequence[str],
    report: dict[str, str],
    schemas: tuple[Schema, Schema],
) -> None:
    """Create the source's triggers on ``tables`` on the target, after the data."""
    wanted = {t.lower() for t in tables}
    present = await _target_triggers(target)
    for trigger in await source_triggers(source):
        name = trigger.name
        if trigger.table.lower() not in wanted:
            continue
        if name.lower() in present:
            report[name] = "exists"
            continue
        if trigger.refused is not None:
            report[name] = trigger.refused
            continue
        if not trigger.ddl:
            report[name] = (
                f"not copied: a {source.dialect} trigger is not translated (write it for "
                f"{target.dialect} by hand)"
            )
            continue
        try:
            statements = translation(trigger.ddl, target.dialect, source.dialect, schema=schemas[0])
            for statement in statements.statements:
                await target.execute(statement)
        except SqlshiftError as error:
            report[name] = str(error).splitlines()[0]
            continue
        report[name] = "created"
