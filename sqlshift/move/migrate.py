"""Copy a live database to another engine, and prove the copy (``sqlshift migrate`` /
``sqlshift verify``).

``await migrate(source_url, target_url)`` does what a loader such as pgloader does, with the
translator's semantics:

1. reads the source's tables: their DDL as the source spells it (MySQL ``SHOW CREATE
   TABLE``; SQLite's stored ``CREATE TABLE`` and ``CREATE INDEX``; PostgreSQL's built from
   its catalog), and their order by foreign keys (parents first);
2. translates that DDL as one script (types, generated keys and their triggers, ``ON UPDATE``
   triggers, companion indexes, ...; see the translator) and creates the tables on the
   target; foreign keys of a MySQL source come after the data (``FOREIGN_KEY_CHECKS=0``, as
   in a dump), SQLite's and MySQL's targets load with their key checks off;
3. streams each table's rows in batches (``iterate`` on the source, ``Database.copy_rows`` on
   the target: PostgreSQL's ``COPY``; values converted by the executor's uniform Python types),
   and builds the table's indexes (on another session) while the next table loads; into
   PostgreSQL a forked second process (``move/fork.py``) loads about half of the rows, as
   the load is bound by one core (``parallel=False`` keeps it in one process);
4. verifies each copied table where it was loaded (``move/verify.py``): the rows read back
   from the target against a digest of the rows read from the source, unless
   ``verify=False`` (``--no-verify``: the copy is then as unproven as a loader's, and its
   ``verified`` is None);
5. then adds the deferred keys, moves generated keys past the copied ones, and turns key
   checks back on.

A table that fails (its DDL refused, a row the target rejects) is reported and the others go
on. Running it again resumes: a table that exists on the target and verifies equal is
skipped; one that exists and differs is emptied and copied again.

Each table is proven equal by :func:`sqlshift.move.verify.check_table` (``sqlshift
verify``): merged by primary key in byte order, or compared by grouped row hashes.

Views (when no ``tables=`` selection is given) and a MySQL source's triggers are created after
the data (``move/objects.py``). Not copied: procedures and functions (the translator
refuses them as units), the triggers of a PostgreSQL or SQLite source (reported), and a
PostgreSQL source's sequences other than its columns' generated keys.
Rows are written in a transaction per batch: by ``COPY`` into PostgreSQL, an ``executemany``
of one ``INSERT`` into MySQL and SQLite (``Database.copy_rows``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp

from sqlshift.errors import SqlshiftError
from sqlshift.executor.database import Database as _Database
from sqlshift.executor.database import connect
from sqlshift.executor.url import parse_url
from sqlshift.move.fork import Child, ChildFailed, available
from sqlshift.move.objects import (
    TRIGGER_OK,
    VIEW_OK,
    copy_triggers,
    copy_views,
    drop_triggers,
)
from sqlshift.move.verify import (
    Digest,
    base_tables,
    check_table,
    column_names,
    digest_of,
    naive,
    quote,
    spellings,
)
from sqlshift.translator.api import translation
from sqlshift.translator.schema import Schema

__all__ = ["MigrationReport", "TableReport", "migrate"]

_BATCH = 1000

_CHECKSUM_MOD = 1 << 256


@dataclass(slots=True)
class TableReport:
    """What happened to one table."""

    name: str
    status: str = "pending"  #: copied, skipped (verified equal already), failed
    rows_read: int = 0
    rows_written: int = 0
    seconds: float = 0.0
    error: str | None = None
    verified: bool | None = None


@dataclass(slots=True)
class MigrationReport:
    """Per table rows read / written / seconds, and what was refused or failed."""

    tables: list[TableReport] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  #: "code: construct" of refused DDL
    errors: list[str] = field(default_factory=list)  #: statements the target rejected
    #: each view: "created and verified", "exists", or why it was not created
    views: dict[str, str] = field(default_factory=dict)
    #: each trigger: "created", "exists", or why it was not created
    triggers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        views = all(v in VIEW_OK for v in self.views.values())
        triggers = all(v in TRIGGER_OK for v in self.triggers.values())
        return (
            views
            and triggers
            and not self.errors
            and all(t.status != "failed" for t in self.tables)
        )

    def __str__(self) -> str:
        lines = [f"{'table':30} {'status':8} {'read':>9} {'written':>9} {'s':>7}  verified"]
        for t in self.tables:
            check = {True: "yes", False: "NO", None: "-"}[t.verified]
            lines.append(
                f"{t.name:30} {t.status:8} {t.rows_read:9} {t.rows_written:9} "
                f"{t.seconds:7.2f}  {check}" + (f"  ({t.error})" if t.error else "")
            )
        lines += [f"view {name}: {state}" for name, state in self.views.items()]
        lines += [f"trigger {name}: {state}" for name, state in self.triggers.items()]
        lines += [f"refused: {r}" for r in self.refused]
        lines += [f"error: {e}" for e in self.errors]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class _Table:
    name: str
    ddl: str  #: CREATE TABLE (and its indexes) as the source spells it
    columns: tuple[str, ...]
    parents: frozenset[str]


Progress = Callable[[str, int], None]
Database = _Database[None]


async def migrate(
    source_url: str,
    target_url: str,
    *,
    tables: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    batch_size: int = _BATCH,
    progress: Progress | None = None,
    verify: bool = True,
    parallel: bool = True,
) -> MigrationReport:
    """Copy ``source_url``'s tables (all, or ``tables``, minus ``exclude``) to ``target_url``
    and verify them (module docstring). ``parallel=False`` keeps the copy in this process
    (by default a forked second process copies about half of the rows into PostgreSQL)."""
    report = MigrationReport()
    source = await connect(source_url, introspect=False)
    # MySQL and SQLite: one session (its foreign-key setting); PostgreSQL: a table per worker
    # MySQL and SQLite: one session (it holds their foreign-key setting); PostgreSQL: two
    sessions = 2 if parse_url(target_url).dialect == "postgres" else 1
    target = await connect(target_url, introspect=False, max_size=sessions)
    try:
        source_schema = await source.read_schema()
        found = await _source_tables(source)
        wanted = _selected(found, tables, exclude)
        before = await target.read_schema()
        existing = {name for name, _ in before.tables}
        theirs = await spellings(target, [t.name for t in wanted])  # (as the copy spells them)
        todo: list[_Table] = []
        for table in wanted:
            entry = TableReport(table.name)
            report.tables.append(entry)
            if table.name.lower() in existing:
                schemas = (source_schema, before)
                check = await check_table(
                    source, target, table.name, schemas=schemas, target_name=theirs[table.name]
                )
                if check.equal:
                    entry.status, entry.verified = "skipped", True
                    continue
                await target.execute(f"DELETE FROM {quote(theirs[table.name], target.dialect)}")
                entry.error = "resumed: emptied and copied again"
            todo.append(table)
        again = [t.name for t in todo if t.name.lower() in existing]
        if again:  # (their triggers must not fire on the copied rows: created after them)
            await drop_triggers(source, target, again, theirs)
        fresh = [t for t in todo if t.name.lower() not in existing]
        indexes, after = await _create(source, target, fresh, report)
        target_schema = await target.read_schema()
        theirs = await spellings(target, [t.name for t in wanted])
        failed = {e.name for e in report.tables if e.status == "failed"}
        await _keys_off(target)
        copying = [t for t in todo if t.name not in failed]
        entries = {e.name: e for e in report.tables}
        plan = _Plan(
            source_url, target_url, (source_schema, target_schema), theirs, indexes, batch_size,
            verify,
        )  # fmt: skip
        # A second process loads about half of the rows when it can: a load is bound by one
        # core (decoding the source's rows, hashing them), and PostgreSQL takes tables from
        # two sessions at once. Only into fresh tables: their foreign keys come after all
        # the data, so no table waits for another's rows.
        child: Child[_Loaded] | None = None
        share: list[_Table] = []
        if parallel and not again and len(copying) > 1 and target.dialect == "postgres":
            mine, share = _split(copying, await _sizes(source, [t.name for t in copying]))
            if share and available():
                child = Child(functools.partial(_load_share, plan, share))
                copying = mine
        loaded = await _load(source, target, plan, copying, progress)
        _merge(loaded, entries, report)
        if child is not None:
            try:
                _merge(await child.result(), entries, report, progress)
            except ChildFailed as error:
                for table in share:
                    entries[table.name].status = "failed"
                    entries[table.name].error = f"loaded by a second process, which failed: {error}"
        schemas = plan.schemas

        async def keys() -> None:
            await _run_all(target, after, report)
            await _keys_on(target)
            if target.dialect == "postgres":
                copied = [theirs[e.name] for e in report.tables if e.status == "copied"]
                await _advance_sequences(target, copied, report)

        async def views() -> None:
            if tables is None:  # (a selection of tables may leave a view without its tables)
                await copy_views(source, target, existing, report.views, schemas)

        # the views are made and read while the server adds the keys (neither waits for the
        # other: a key's ALTER TABLE lets reads through)
        for outcome in await asyncio.gather(keys(), views(), return_exceptions=True):
            if isinstance(outcome, BaseException):
                raise outcome
        await copy_triggers(source, target, [t.name for t in wanted], report.triggers, schemas)
        return report
    finally:
        await source.close()
        await target.close()


async def _prove(
    source: Database,
    target: Database,
    entry: TableReport,
    copied: Digest,
    schemas: tuple[Schema, Schema],
    target_name: str,
) -> None:
    """The copy equals the rows read from the source (their digest, taken while copying:
    the source is not read twice); if not, the table is compared with the source as it is
    now, and what differs is reported."""
    if not (await digest_of(target, target_name)).differing(copied):
        entry.verified = True
        return
    check = await check_table(source, target, entry.name, schemas=schemas, target_name=target_name)
    entry.verified = check.equal
    if not check.equal:
        shown = [f"{kind} {key}" for kind in ("missing", "extra", "changed")
                 for key in getattr(check, kind)][:3]  # fmt: skip
        entry.error = f"{check.differences} rows differ: {'; '.join(shown)}"


# ------------------------------------------------------------------------------ the source


async def _source_tables(db: Database) -> list[_Table]:
    """The source's tables with their DDL, parents first; names as the catalog spells them
    (the schema reader's are lower case: a PostgreSQL table "Users" was not found)."""
    reader = {"mysql": _mysql_ddl, "sqlite": _sqlite_ddl, "postgres": _postgres_ddl}[db.dialect]
    found = []
    for name in await base_tables(db):
        ddl = await reader(db, name)
        if ddl is None:
            continue  # (not a table after all)
        columns = await column_names(db, name)
        found.append(_Table(name, ddl, columns, _parents(ddl, db.dialect, name)))
    return _by_dependencies(found)


async def _mysql_ddl(db: Database, name: str) -> str | None:
    row = await db.fetch_one(f"SHOW CREATE TABLE `{name}`")
    if row is None or "VIEW" in str(row[1])[:80].upper():
        return None
    return str(row[1])


async def _sqlite_ddl(db: Database, name: str) -> str | None:
    rows = await db.fetch_all(
        "SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
        "AND type IN ('table', 'index') ORDER BY type = 'index'",
        [name],
    )
    if not rows or rows[0][0] != "table":
        return None
    return ";\n".join(str(r[1]) for r in rows)


_PG_COLUMNS = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity::text,
       (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
        FROM pg_enum e WHERE e.enumtypid = a.atttypid)
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
"""
_PG_CONSTRAINTS = """
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'c', 'f') ORDER BY contype = 'f', conname
"""
_PG_INDEXES = """
SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
WHERE i.indrelid = $1::regclass AND NOT EXISTS (
  SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
"""


async def _postgres_ddl(db: Database, name: str) -> str | None:
    kind = await db.fetch_val(
        "SELECT relkind::text FROM pg_class WHERE oid = $1::regclass", [quote(name, "postgres")]
    )
    if kind not in ("r", "p"):
        return None
    parts = []
    for column, type_text, not_null, default, identity, labels in await db.fetch_all(
        _PG_COLUMNS, [quote(name, "postgres")]
    ):
        if labels is not None:  # an enum type: its labels, in their order (as MySQL's ENUM)
            type_text = f"ENUM({labels})"
            if default is not None:  # ('small'::size_kind)
                default = str(default).rsplit("::", 1)[0]
        text = f'"{column}" {type_text}'
        if default is not None and str(default).startswith("nextval("):
            text = f'"{column}" ' + ("BIGSERIAL" if type_text == "bigint" else "SERIAL")
        elif identity:
            text += " GENERATED BY DEFAULT AS IDENTITY"
        elif default is not None:
            text += f" DEFAULT {default}"
        if not_null:
            text += " NOT NULL"
        parts.append(text)
    for constraint, definition in await db.fetch_all(_PG_CONSTRAINTS, [quote(name, "postgres")]):
        parts.append(f'CONSTRAINT "{constraint}" {definition}')
    statements = [f'CREATE TABLE "{name}" (\n  ' + ",\n  ".join(parts) + "\n)"]
    statements += [str(r[0]) for r in await db.fetch_all(_PG_INDEXES, [quote(name, "postgres")])]
    return ";\n".join(statements)


def _parents(ddl: str, dialect: str, name: str) -> frozenset[str]:
    """The tables ``ddl``'s foreign keys reference (itself excluded)."""
    try:
        trees = sqlglot.parse(ddl, read=dialect)
    except sqlglot.errors.SqlglotError:
        return frozenset()
    found = {
        reference.this.this.name.lower()
        for tree in trees
        if tree is not None
        for reference in tree.find_all(exp.Reference)
        if isinstance(reference.this, exp.Schema) and isinstance(reference.this.this, exp.Table)
    }
    return frozenset(found - {name.lower()})


def _by_dependencies(tables: list[_Table]) -> list[_Table]:
    """Parents before children (the rest, in a cycle, in name order at the end)."""
    done: set[str] = set()
    ordered: list[_Table] = []
    pending = sorted(tables, key=lambda t: t.name)
    known = {t.name.lower() for t in tables}
    while pending:
        ready = [t for t in pending if (t.parents & known) <= done]
        if not ready:
            ordered += pending
            break
        for table in ready:
            ordered.append(table)
            done.add(table.name.lower())
        pending = [t for t in pending if t not in ready]
    return ordered


def _selected(
    found: list[_Table], tables: Sequence[str] | None, exclude: Sequence[str]
) -> list[_Table]:
    wanted = {t.lower() for t in tables} if tables else None
    skipped = {t.lower() for t in exclude}
    return [
        t
        for t in found
        if (wanted is None or t.name.lower() in wanted) and t.name.lower() not in skipped
    ]


# ------------------------------------------------------------------------------ the target


async def _create(
    source: Database, target: Database, tables: list[_Table], report: MigrationReport
) -> tuple[dict[str, list[str]], list[str]]:
    """Create ``tables`` on the target, each from its own translated DDL (strict: a table
    whose DDL is refused is not created, and fails); return the statements that wait for the
    data, as pg_dump orders them: the indexes (built once over the rows rather than kept up
    row by row: PostgreSQL's companion indexes of MySQL text keys made the load of a table
    with two 1.8x slower) by table, built as soon as the table is loaded; and the foreign
    keys, added after all the data as a dump's are (``_without_foreign_keys``)."""
    prefix = "SET FOREIGN_KEY_CHECKS=0;\n" if source.dialect == "mysql" else ""
    indexes: dict[str, list[str]] = {}
    after: list[str] = []
    running: asyncio.Task[None] | None = None
    try:
        for table in tables:
            entry = next(e for e in report.tables if e.name == table.name)
            try:
                result = translation(prefix + table.ddl, target.dialect, source.dialect)
            except SqlshiftError as error:
                code = getattr(error, "code", "error")
                report.refused.append(f"{table.name}: {code}: {str(error).splitlines()[0]}")
                entry.status, entry.error = "failed", f"its DDL was refused ({code})"
                continue
            before: list[str] = []
            for whole in result.statements:
                statement, keys = _without_foreign_keys(whole, source.dialect, target.dialect)
                after += keys
                upper = statement.upper()
                if upper.startswith("ALTER TABLE") and "FOREIGN KEY" in upper:
                    after.append(statement)
                elif upper.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")):
                    indexes.setdefault(table.name, []).append(statement)
                elif not upper.startswith("PRAGMA FOREIGN_KEYS"):  # (the copy switches them)
                    before.append(statement)
            # run on the target while the next table's DDL is translated (sent before the
            # translation starts: the one yield below), in order
            running = asyncio.create_task(_create_one(target, before, entry, report, running))
            await asyncio.sleep(0)
    except BaseException:
        if running is not None:  # (the table before must not go on alone)
            await asyncio.gather(running, return_exceptions=True)
        raise
    if running is not None:
        await running
    return indexes, after


async def _create_one(
    target: Database,
    statements: list[str],
    entry: TableReport,
    report: MigrationReport,
    previous: asyncio.Task[None] | None,
) -> None:
    """One table's translated DDL, after the table's before it."""
    if previous is not None:
        await previous
    errors = len(report.errors)
    await _run_all(target, statements, report)
    if len(report.errors) > errors:
        entry.status, entry.error = "failed", "the target refused its DDL (see errors)"


def _without_foreign_keys(statement: str, source: str, target: str) -> tuple[str, list[str]]:
    """A translated CREATE TABLE of a PostgreSQL or SQLite source without its foreign keys,
    and the ``ALTER TABLE ... ADD`` statements that add them after the data, into PostgreSQL
    and MySQL (pg_dump's order). Kept inline, tables whose keys reference each other (a
    cycle) could not be created in any order: neither engine creates a key to a table that
    does not exist yet. (A MySQL source's come after the data already: the translator does
    that for a dump's FOREIGN_KEY_CHECKS=0. SQLite takes keys to tables not made yet, and
    no ALTER TABLE ... ADD CONSTRAINT: they stay inline.)"""
    if source == "mysql" or target == "sqlite" or not statement.upper().startswith("CREATE TABLE"):
        return statement, []
    try:
        tree = sqlglot.parse_one(statement, read=target)
    except sqlglot.errors.ParseError:
        return statement, []
    schema = tree.this if isinstance(tree, exp.Create) else None
    if not isinstance(schema, exp.Schema) or not isinstance(schema.this, exp.Table):
        return statement, []
    table = schema.this.sql(target)
    keys: list[str] = []
    for item in list(schema.expressions):
        if isinstance(item, exp.ForeignKey) or (
            isinstance(item, exp.Constraint) and item.find(exp.ForeignKey) is not None
        ):
            keys.append(f"ALTER TABLE {table} ADD {item.sql(target)}")
            item.pop()
            continue
        if not isinstance(item, exp.ColumnDef):
            continue
        for constraint in list(item.constraints):
            reference = constraint.args.get("kind")
            if isinstance(reference, exp.Reference):
                column = item.this.sql(target)
                keys.append(
                    f"ALTER TABLE {table} ADD FOREIGN KEY ({column}) {reference.sql(target)}"
                )
                constraint.pop()
    return (tree.sql(target) if keys else statement), keys


async def _run_all(target: Database, statements: list[str], report: MigrationReport) -> None:
    for statement in statements:
        try:
            await target.execute(statement)
        except SqlshiftError as error:
            report.errors.append(f"{str(error).splitlines()[0]} in: {statement[:120]}")


async def _advance_sequences(target: Database, names: list[str], report: MigrationReport) -> None:
    """Generated keys continue after the copied ones (a PostgreSQL source's identities and
    serials, which the copy fills with explicit values)."""
    for name in names:
        rows = await target.fetch_all(
            "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = $1::regclass "
            "AND a.attnum > 0 AND NOT a.attisdropped "
            "AND pg_get_serial_sequence($2, a.attname) IS NOT NULL",
            [quote(name, "postgres"), quote(name, "postgres")],
        )
        for (column,) in rows:
            table, key = quote(name, "postgres"), quote(column, "postgres")
            sequence = f"pg_get_serial_sequence('{table}', '{column}')::regclass"
            # only forwards: past the highest copied key, never below where it would go on
            # (a MySQL table's AUTO_INCREMENT=1000 is its identity's START WITH 1000)
            await _run_all(
                target,
                [
                    f"SELECT setval({sequence}, h) FROM (SELECT MAX({key}) AS h FROM {table}) m "
                    f"WHERE h >= COALESCE(pg_sequence_last_value({sequence}) + 1, "
                    f"(SELECT seqstart FROM pg_sequence WHERE seqrelid = {sequence}))"
                ],
                report,
            )


async def _keys_off(target: Database) -> None:
    if target.dialect == "mysql":
        await target.execute("SET FOREIGN_KEY_CHECKS=0")
    elif target.dialect == "sqlite":
        await target.execute("PRAGMA foreign_keys = OFF")


async def _keys_on(target: Database) -> None:
    if target.dialect == "mysql":
        await target.execute("SET FOREIGN_KEY_CHECKS=1")
    elif target.dialect == "sqlite":
        await target.execute("PRAGMA foreign_keys = ON")


async def _copy(
    source: Database,
    target: Database,
    table: _Table,
    copy: _Table,
    entry: TableReport,
    convert: list[Callable[[Any], Any] | None],
    batch_size: int,
    progress: Progress | None,
    digest: Digest | None,
) -> None:
    """Stream the table's rows into the target; ``digest`` takes the rows read."""
    started = time.perf_counter()
    columns = ", ".join(quote(c, source.dialect) for c in table.columns)
    select = f"SELECT {columns} FROM {quote(table.name, source.dialect)}"
    batch: list[Any] = []
    writing: asyncio.Task[int] | None = None  # the batch before, written while this is read
    try:
        async for row in source.iterate(select, batch_size=batch_size):
            batch.append(row)
            if len(batch) >= batch_size:
                entry.rows_read += len(batch)
                rows = _taken(batch, convert, digest)
                if writing is not None:
                    entry.rows_written += await writing
                writing = asyncio.create_task(_write(target, copy, rows))
                batch = []
                if progress is not None:
                    progress(table.name, entry.rows_read)
        entry.rows_read += len(batch)
        rows = _taken(batch, convert, digest)
        if writing is not None:
            entry.rows_written += await writing
            writing = None
        if rows:
            entry.rows_written += await _write(target, copy, rows)
        entry.status = "copied"
    except SqlshiftError as error:
        entry.status, entry.error = "failed", str(error).splitlines()[0]
    finally:
        if writing is not None:  # (the read failed: the batch in flight ends before we do)
            with contextlib.suppress(SqlshiftError):
                await writing
    entry.seconds = time.perf_counter() - started


@dataclass(frozen=True, slots=True)
class _Plan:
    """What loading a share of the tables needs (a forked process inherits it)."""

    source_url: str
    target_url: str
    schemas: tuple[Schema, Schema]  #: the source's and the target's, the tables created
    theirs: dict[str, str]  #: each table's name as the target spells it
    indexes: dict[str, list[str]]  #: each table's CREATE INDEX statements
    batch_size: int
    verify: bool


@dataclass(slots=True)
class _Loaded:
    """What a load did: its tables' reports, and the target's complaints."""

    tables: list[TableReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def _load(
    source: Database,
    target: Database,
    plan: _Plan,
    tables: list[_Table],
    progress: Progress | None,
) -> _Loaded:
    """Copy ``tables`` one after the other; each table's indexes are built (on another
    session) while the next is copied; then each copy is proven (``plan.verify``: read back
    and compared with the rows read, see :func:`_prove`)."""
    loaded = _Loaded()
    digests: dict[str, Digest] = {}
    building: list[asyncio.Task[None]] = []
    report = MigrationReport(errors=loaded.errors)
    try:
        for table in tables:
            entry = TableReport(table.name)
            loaded.tables.append(entry)
            copy = await _on_target(target, table, plan.theirs[table.name])
            convert = _converters(target.dialect, plan.schemas[1], table)
            digest = Digest() if plan.verify else None
            await _copy(
                source, target, table, copy, entry, convert, plan.batch_size, progress, digest
            )
            if digest is not None:
                digests[table.name] = digest
            if entry.status == "copied" and plan.indexes.get(table.name):
                statements = plan.indexes[table.name]
                building.append(asyncio.create_task(_run_all(target, statements, report)))
        for entry in loaded.tables:
            if entry.status == "copied" and entry.name in digests:
                copied_as = plan.theirs[entry.name]
                await _prove(source, target, entry, digests[entry.name], plan.schemas, copied_as)
    except BaseException:
        await asyncio.gather(*building, return_exceptions=True)  # (none left running)
        raise
    for outcome in await asyncio.gather(*building, return_exceptions=True):
        if isinstance(outcome, BaseException):  # (the target's refusals are in the report)
            raise outcome
    return loaded


async def _load_share(plan: _Plan, tables: list[_Table]) -> _Loaded:
    """:func:`_load` in the forked process, on connections of its own."""
    source = await connect(plan.source_url, introspect=False)
    target = await connect(plan.target_url, introspect=False, max_size=2)
    try:
        return await _load(source, target, plan, tables, None)
    finally:
        await source.close()
        await target.close()


def _merge(
    loaded: _Loaded,
    entries: dict[str, TableReport],
    report: MigrationReport,
    progress: Progress | None = None,
) -> None:
    """A load's table reports and errors, into the migration's report."""
    for done in loaded.tables:
        entry = entries[done.name]
        for name in ("status", "rows_read", "rows_written", "seconds", "error", "verified"):
            setattr(entry, name, getattr(done, name))
        if progress is not None:
            progress(done.name, done.rows_read)
    report.errors += loaded.errors


async def _sizes(source: Database, names: list[str]) -> dict[str, int]:
    """Each table's rows as the source's statistics estimate them (MySQL, PostgreSQL), or
    counted (SQLite); 0 where unknown."""
    rows: Sequence[Sequence[Any]]
    if source.dialect == "mysql":
        rows = await source.fetch_all(
            "SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES "
            "WHERE TABLE_SCHEMA = DATABASE()"
        )
    elif source.dialect == "postgres":
        rows = await source.fetch_all(
            "SELECT c.relname, c.reltuples FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'"
        )
    else:
        rows = [
            (name, (await source.fetch_all(f"SELECT COUNT(*) FROM {quote(name, 'sqlite')}"))[0][0])
            for name in names
        ]
    found = {str(name): max(int(count or 0), 0) for name, count in rows}
    return {name: found.get(name, 0) for name in names}


def _split(tables: list[_Table], sizes: dict[str, int]) -> tuple[list[_Table], list[_Table]]:
    """Two shares of about the same rows (the largest table first, to the lighter share),
    each in the tables' own order."""
    shares: tuple[list[str], list[str]] = ([], [])
    loads = [0, 0]
    for table in sorted(tables, key=lambda t: -sizes[t.name]):
        lighter = 0 if loads[0] <= loads[1] else 1
        shares[lighter].append(table.name)
        loads[lighter] += sizes[table.name] + 1
    mine, theirs = set(shares[0]), set(shares[1])
    return [t for t in tables if t.name in mine], [t for t in tables if t.name in theirs]


def _taken(
    rows: list[Any], convert: list[Callable[[Any], Any] | None], digest: Digest | None
) -> list[tuple[Any, ...]]:
    """A batch as read: into the digest, and converted for the target where it needs it."""
    if digest is not None:
        digest.add_rows(rows)
    if not any(convert):
        return rows
    return [tuple(f(v) if f else v for f, v in zip(convert, row, strict=True)) for row in rows]


async def _on_target(target: Database, table: _Table, name: str) -> _Table:
    """``table`` as the target spells its name and columns (the translator folds them to
    lower case for MySQL and PostgreSQL: a PostgreSQL "Users"("UserId") is `users`
    (`userid`) in MySQL)."""
    spelt = {c.lower(): c for c in await column_names(target, name)}
    return dataclasses.replace(
        table, name=name, columns=tuple(spelt.get(c.lower(), c) for c in table.columns)
    )


async def _write(target: Database, table: _Table, batch: list[tuple[Any, ...]]) -> int:
    """One batch, in one transaction (a commit per row is a disk flush per row); PostgreSQL
    takes it by ``COPY`` (``Database.copy_rows``)."""
    async with target.transaction():
        return await target.copy_rows(table.name, table.columns, batch)


def _converters(dialect: str, schema: Schema, table: _Table) -> list[Callable[[Any], Any] | None]:
    """Per column, what a source value needs to be taken by the target's column: an integer
    for a PostgreSQL BOOLEAN (MySQL's TINYINT(1) reads as one), a naive datetime where the
    target's driver would refuse an aware one (MySQL)."""
    types = dict(schema.columns(table.name))
    out: list[Callable[[Any], Any] | None] = []
    for column in table.columns:
        dtype = types.get(column.lower())
        if dialect == "postgres" and dtype is not None and dtype.this == exp.DType.BOOLEAN:
            out.append(lambda v: bool(v) if isinstance(v, int) else v)
        elif dialect in ("mysql", "sqlite"):
            out.append(naive)
        else:
            out.append(None)
    return out
