"""StatementInfo: what a statement does (kind, tables read and written, determinism)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlglot import exp

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

    @property
    def cacheable(self) -> bool:
        return self.read_only and self.deterministic


def analyse(statements: Sequence[exp.Expr]) -> StatementInfo:
    """Summarise ``statements`` (the source trees, before any rewrite)."""
    kinds: list[str] = []
    read: set[str] = set()
    written: set[str] | None = set()
    read_only = True
    deterministic = True
    for stmt in statements:
        kind = _kind(stmt)
        kinds.append(kind)
        ctes = {cte.alias_or_name.lower() for cte in stmt.find_all(exp.CTE)}
        targets = _written_tables(stmt)
        if kind in ("select", "set-operation") and targets == set():
            pass
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
        for table in stmt.find_all(exp.Table):
            name = _table_name(table)
            if name and name not in ctes:
                read.add(name)
        if not _is_deterministic(stmt):
            deterministic = False
    return StatementInfo(
        kinds=tuple(kinds),
        tables_read=frozenset(read),
        tables_written=frozenset(written) if written is not None else None,
        read_only=read_only,
        deterministic=deterministic,
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
    if isinstance(stmt, exp.Command):
        return "command"
    return "other"


def _table_name(table: exp.Table) -> str:
    return table.name.lower()


def _written_tables(stmt: exp.Expr) -> set[str] | None:
    """Tables changed by ``stmt`` (including writes inside CTEs); None if unknown."""
    tables: set[str] = set()
    for node in _writes(stmt):
        target = node.this
        if isinstance(node, exp.Delete) and node.args.get("tables"):
            named: Iterable[exp.Expr] = node.args["tables"]
        elif isinstance(node, exp.Update) and isinstance(target, exp.Table):
            # MySQL multi-table UPDATE: any joined table may be assigned to
            named = [target, *(j.this for j in target.args.get("joins") or [])]
        else:
            named = [target]
        for item in named:
            table = item if isinstance(item, exp.Table) else item.find(exp.Table)
            if table is None or not table.name:
                return None
            tables.add(_table_name(table))
    return tables


def _writes(stmt: exp.Expr) -> list[exp.Expr]:
    return [n for n in stmt.walk() if isinstance(n, _WRITE_KINDS)]


def _is_deterministic(stmt: exp.Expr) -> bool:
    if isinstance(stmt, exp.Select) and stmt.args.get("locks"):
        return False
    for node in stmt.walk():
        if isinstance(node, _VOLATILE_FUNCS):
            return False
        if isinstance(node, exp.Func):
            name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()
            if name.lower() in _VOLATILE_NAMES:
                return False
        if isinstance(node, exp.Lock):
            return False
        if isinstance(node, exp.Hint) and "no_cache" in node.sql().lower():
            return False
        if (
            isinstance(node, exp.Create)
            and node.args.get("kind")
            and "temporary" in str(node.args.get("properties") or "").lower()
        ):
            return False
        if isinstance(node, exp.SessionParameter | exp.Parameter):
            return False  # @@session variables and @user variables
    return True
