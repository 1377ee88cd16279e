"""StatementInfo: what a statement does (kind, tables read and written, determinism)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlglot import exp

from sqlshift.translator.fingerprint import Fingerprint

__all__ = ["StatementInfo", "analyse"]

#: functions whose result changes between calls with the same arguments
_VOLATILE_FUNCS = (
    exp.Rand,
    exp.CurrentDate,
    exp.CurrentTime,
    exp.CurrentTimestamp,
    exp.CurrentUser,
    exp.Uuid,
)
_VOLATILE_NODES = (*_VOLATILE_FUNCS, exp.Lock, exp.SessionParameter, exp.Parameter)
_VOLATILE_NAMES = frozenset(
    {
        "now",
        "sysdate",
        "localtime",
        "localtimestamp",
        "utc_timestamp",
        "utc_date",
        "utc_time",
        "curtime",
        "curdate",
        "unix_timestamp",
        "uuid",
        "uuid_short",
        "gen_random_uuid",
        "random",
        "rand",
        "randomblob",
        "last_insert_id",
        "last_insert_rowid",
        "changes",
        "total_changes",
        "row_count",
        "found_rows",
        "connection_id",
        "nextval",
        "currval",
        "lastval",
        "setval",
        "clock_timestamp",
        "statement_timestamp",
        "transaction_timestamp",
        "timeofday",
        "pg_backend_pid",
        "get_lock",
        "release_lock",
        "sleep",
        "pg_sleep",
        "benchmark",
        "database",
        "schema",
        "user",
        "current_user",
        "session_user",
        "version",
    }
)

#: functions sqlglot leaves unmodelled that are known to depend only on their arguments
_PURE_UNKNOWN_FUNCTIONS = frozenset(
    {"find_in_set", "field", "elt", "octet_length", "soundex", "inet_aton", "inet_ntoa"}
)

#: functions sqlglot leaves unmodelled that are built into an engine and change no table
#: (a call of any other unknown function may be a user function that writes: see analyse())
_READ_ONLY_UNKNOWN_FUNCTIONS = (
    _PURE_UNKNOWN_FUNCTIONS
    | frozenset(
        {
            "jsonb_build_object",
            "json_build_object",
            "regexp_matches",
            "jsonb_agg",
            "from_days",
            "weekday",
            "yearweek",
            "makedate",
            "maketime",
            "sec_to_time",
            "time_to_sec",
            "period_add",
            "inet6_aton",
            "inet6_ntoa",
            "conv",
            "bin",
            "oct",
            "crc32",
            "json_unquote",
            "json_contains",
            "json_length",
            "json_valid",
            "json_array",
            "json_quote",
            "printf",
            "quote",
            "zeroblob",
            "likelihood",
            "age",
            "gcd",
            "lcm",
            "bit_count",
            "jsonb_typeof",
            "jsonb_array_length",
            "json_typeof",
            "ord",
            "mid",
            "uuid_to_bin",
            "bin_to_uuid",
            "date_part",
            "to_date",
            "date_format",
            "format_type",
            "pg_typeof",
            "pg_column_size",
            "obj_description",
            "col_description",
            "has_table_privilege",
            "current_setting",
            "to_regclass",
            "quote_ident",
            "quote_literal",
            "quote_nullif",
            "unistr",
            "json_each",
            "jsonb_each",
        }
    )
    | _VOLATILE_NAMES
)  # volatile, but reading: the clocks, random, sequences, locks, sleep
# (fmt: the list is data)

_WRITE_KINDS = (
    exp.Insert,
    exp.Update,
    exp.Delete,
    exp.Merge,
    exp.Create,
    exp.Drop,
    exp.Alter,
    exp.TruncateTable,
)


@dataclass(frozen=True, slots=True)
class StatementInfo:
    """Facts about a statement or script, computed from its parsed tree.

    ``tables_written`` is None when a write's tables cannot be determined (a cache must then
    drop everything). ``read_only`` is True only for statements that cannot change data.
    ``deterministic`` is False for volatile functions, locking reads, session state and
    anything not understood.
    """

    kinds: tuple[str, ...]
    tables_read: frozenset[str]
    tables_written: frozenset[str] | None
    read_only: bool
    deterministic: bool
    #: the caller's statement normalised (see translator/fingerprint.py), from its tokens
    fingerprint: Fingerprint | None = None

    @property
    def cacheable(self) -> bool:
        return self.read_only and self.deterministic


def analyse(
    statements: Sequence[tuple[exp.Expr, Sequence[exp.Expr]]],
    fingerprint: Fingerprint | None = None,
) -> StatementInfo:
    """Summarise ``statements``: (source tree, all of its nodes) pairs, before any rewrite.

    The node lists come from the one walk the translator makes of each tree; ``fingerprint``
    (made from the tokens the trees were parsed from) is kept with the facts.
    """
    kinds: list[str] = []
    read: set[str] = set()
    written: set[str] | None = set()
    read_only = True
    deterministic = True
    for stmt, nodes in statements:
        kind = _kind(stmt)
        kinds.append(kind)
        ctes: set[str] = set()
        tables: list[exp.Table] = []
        writes: list[exp.Expr] = []
        calls_unknown = False
        for node in nodes:
            if isinstance(node, exp.Table):
                tables.append(node)
                if deterministic and _is_catalog(node):
                    deterministic = False  # live: DDL and other sessions change it
            elif isinstance(node, exp.Anonymous) and _may_write(node):
                calls_unknown = True
            elif isinstance(node, exp.CTE):
                ctes.add(node.alias_or_name.lower())
            elif isinstance(node, _WRITE_KINDS):
                writes.append(node)
            if deterministic and _is_volatile(node):
                deterministic = False
        targets = _written_tables(writes, _aliases(tables))
        if calls_unknown:
            # a function not known to the translator may be the user's own, and write any
            # table (SELECT bump(1)): not read-only, its tables unknown (a cache drops all)
            read_only = False
            written = None
        if kind in ("select", "set-operation") and targets == set():
            pass
        elif kind == "inspect":
            deterministic = False  # reads nothing a cache could keep, writes no table
        elif kind == "transaction":
            # COMMIT/ROLLBACK sent as text end a transaction the caller's library may not
            # know about: whatever it wrote (or read uncommitted) must be forgotten
            read_only = False
            deterministic = False
            written = None
        elif kind in ("other", "command"):
            read_only = False
            deterministic = False
            written = None
        else:
            read_only = False
            if targets is None:
                written = None
            elif written is not None:
                written |= targets
        read.update(n for n in map(_table_name, tables) if n and n not in ctes)
    return StatementInfo(
        kinds=tuple(kinds),
        tables_read=frozenset(read),
        tables_written=frozenset(written) if written is not None else None,
        read_only=read_only,
        deterministic=deterministic,
        fingerprint=fingerprint,
    )


def _kind(stmt: exp.Expr) -> str:
    if isinstance(stmt, exp.Select):
        if stmt.args.get("into"):
            return "other"
        return "select"
    if isinstance(stmt, exp.SetOperation):
        return "set-operation"
    for cls, name in (
        (exp.Insert, "insert"),
        (exp.Update, "update"),
        (exp.Delete, "delete"),
        (exp.Merge, "merge"),
        (exp.Create, "create"),
        (exp.Drop, "drop"),
        (exp.Alter, "alter"),
        (exp.TruncateTable, "truncate"),
    ):
        if isinstance(stmt, cls):
            return name
    if isinstance(stmt, exp.Transaction | exp.Commit | exp.Rollback):
        return "transaction"
    if isinstance(stmt, exp.Show | exp.Describe) or (
        isinstance(stmt, exp.Command)
        and stmt.name.upper() in ("EXPLAIN", "SHOW", "DESCRIBE")
        and "ANALYZE" not in stmt.sql().upper()  # EXPLAIN ANALYZE runs the statement
    ):
        return "inspect"
    if isinstance(stmt, exp.Command):
        return "command"
    return "other"


def _table_name(table: exp.Table) -> str:
    return table.name.lower()


def _aliases(tables: Sequence[exp.Table]) -> dict[str, str]:
    """Alias -> table name, for the aliased tables of a statement (`child AS c`)."""
    return {t.alias.lower(): _table_name(t) for t in tables if t.alias and t.name}


def _written_tables(
    writes: Sequence[exp.Expr], aliases: dict[str, str] | None = None
) -> set[str] | None:
    """Tables changed by the write nodes of a statement (CTEs included); None if unknown.
    A target named by its alias (MySQL `DELETE c FROM parent p JOIN child c`, `DELETE FROM c
    USING ...`) is the aliased table."""
    aliases = aliases or {}
    tables: set[str] = set()
    for node in writes:
        target = node.this
        if isinstance(node, exp.Delete | exp.Drop) and node.args.get("tables"):
            named: Iterable[exp.Expr | None] = node.args["tables"]
        elif isinstance(node, exp.TruncateTable):
            named = node.expressions
        elif isinstance(node, exp.Update) and isinstance(target, exp.Table):
            # MySQL multi-table UPDATE: any joined table may be assigned to
            named = [target, *(j.this for j in target.args.get("joins") or [])]
        else:
            named = [target]
        for item in named:
            table = item if isinstance(item, exp.Table) or item is None else item.find(exp.Table)
            if table is None or not table.name:
                return None
            name = _table_name(table)
            # a bare name that is some table's alias means that table (not a table so named)
            tables.add(aliases.get(name, name) if not table.alias else name)
    return tables


#: schemas of system catalogs and live views (MySQL/MariaDB, PostgreSQL)
_CATALOG_SCHEMAS = frozenset(
    {"information_schema", "performance_schema", "mysql", "sys", "pg_catalog", "pg_toast"}
)


def _is_catalog(table: exp.Table) -> bool:
    """A system catalog or live view: what a CREATE/DROP TABLE, another session or the server
    itself changes without a write through the executor (``information_schema.tables``,
    ``pg_class``, ``pg_stat_activity``, ``sqlite_master``, ``pragma_table_info``). Reads of
    them are never cached. (A user's own table named ``pg_...``/``sqlite_...`` is not cached
    either: merely slower.) Tests: tests/executor/test_executor_catalogs.py."""
    name = table.name.lower()
    return table.db.lower() in _CATALOG_SCHEMAS or name.startswith(("pg_", "sqlite_", "pragma_"))


def _may_write(node: exp.Anonymous) -> bool:
    return node.name.lower() not in _READ_ONLY_UNKNOWN_FUNCTIONS


def _is_volatile(node: exp.Expr) -> bool:
    """True for a node that makes a statement's result vary between identical calls."""
    kind = type(node)
    verdict = _VOLATILE_BY_TYPE.get(kind)
    if verdict is None:
        verdict = _VOLATILE_BY_TYPE[kind] = _volatile_type(kind)
    if verdict is not _INSPECT:
        return verdict is True
    if isinstance(node, exp.Anonymous):
        # A function sqlglot does not know may read tables (a user function) or be volatile:
        # a cache must not keep its result.
        return node.name.lower() not in _PURE_UNKNOWN_FUNCTIONS
    if isinstance(node, exp.Hint):
        return "no_cache" in node.sql().lower()
    if isinstance(node, exp.Create):
        return node.find(exp.TemporaryProperty) is not None
    if isinstance(node, exp.Select):
        modifiers = {m.name.upper() for m in node.args.get("operation_modifiers") or []}
        return bool(node.args.get("locks")) or "SQL_NO_CACHE" in modifiers
    return False


_INSPECT = object()
#: what a node's type alone says (True, False, or: look at the node); filled on first sight,
#: so the one walk of a big statement costs a dictionary lookup per node
_VOLATILE_BY_TYPE: dict[type, object] = {}


def _volatile_type(kind: type) -> object:
    if issubclass(kind, _VOLATILE_NODES):
        return True  # also @@session and @user variables, FOR UPDATE / FOR SHARE
    if issubclass(kind, exp.Anonymous | exp.Hint | exp.Create | exp.Select):
        return _INSPECT
    if issubclass(kind, exp.Func) and kind is not exp.Func:
        return kind.sql_name().lower() in _VOLATILE_NAMES
    return False
