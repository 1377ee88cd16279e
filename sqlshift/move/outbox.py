"""The durable outbox of a dual-database run (``sqlshift.dual``): writes the other database
has yet to receive, in the order the primary made them.

Each entry is one of the primary's transactions: its statements and arguments in the
application's SQL dialect, the side it is for (``old`` or ``new``), a transaction id, and the
last error met applying it. The file is a local SQLite database in WAL mode with
``synchronous=FULL``.

**Nothing committed on the primary is lost.** An entry is written (fsync'd) *before* the
primary's COMMIT, as an *intent*; in the same transaction the primary gets a row in
``sqlshift_outbox_commits`` holding the entry's transaction id. The row commits or vanishes
with the application's writes, so it is the proof of which happened: an intent whose process
saw its COMMIT return is applied; any other (the process died between the two, or the COMMIT
failed or its answer was lost) is decided by :func:`committed_on`, which inserts the same id
marked *aborted*: that insert waits while the transaction is still open, is refused as a
duplicate when it committed, and succeeds when it did not (which also makes sure it never
will). A crash at any point therefore leaves either an entry for a committed transaction or
a discarded intent for one that was not. (On MySQL, DDL commits by itself before its row
does: a crash between the two loses that DDL on the other side, which then fails the next
entries that need it, visibly.)

Concurrent writers share fsyncs: :meth:`Outbox.intend` and the other ``async`` calls queue
their change and one thread writes the queue in one SQLite transaction (group commit), so the
event loop never waits on the disk.

:func:`apply_entry` applies an entry at most once: its statements run in one transaction on
the target together with a row in ``sqlshift_outbox_applied`` (this outbox's id, the entry's
id); an entry whose row is there already is skipped. So a replay interrupted anywhere (the
process killed between the target's commit and the outbox's "done") never applies an entry
twice. ``sqlshift outbox status PATH`` lists what is pending; ``sqlshift outbox replay PATH
--to URL [--primary URL]`` applies it (``--primary`` decides the intents).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from sqlshift.errors import ConfigurationError, ExecutionError
from sqlshift.executor.database import Database as _Database

__all__ = [
    "APPLIED_TABLE",
    "COMMITS_TABLE",
    "Entry",
    "Outbox",
    "apply_entries",
    "apply_entry",
    "committed_on",
    "dumps_args",
    "ensure_commits_table",
    "forget_commits",
    "loads_args",
    "mark_commit",
    "replay",
    "sweep_commits",
]

Database = _Database[None]
T = TypeVar("T")

APPLIED_TABLE = "sqlshift_outbox_applied"
"""The table, on the database entries are applied to, that records which were."""
COMMITS_TABLE = "sqlshift_outbox_commits"
"""The table, on the primary, whose rows prove which transactions of intents committed."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  side TEXT NOT NULL,
  txid TEXT NOT NULL,
  source TEXT,
  statements TEXT NOT NULL,
  created REAL NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  done INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS entries_pending ON entries (done, side, id);
"""
_PENDING = "done = 0"


@dataclass(frozen=True, slots=True)
class Entry:
    """One transaction of the primary, for the ``side`` database."""

    id: int
    side: str
    txid: str
    source: str | None  #: the dialect its SQL is written in (None: the target's own)
    statements: tuple[tuple[str, Any], ...]  #: (sql, arguments)
    created: float
    attempts: int = 0
    error: str | None = None
    #: ``committed``, or ``intent``: written before the primary's COMMIT (module docstring)
    state: str = "committed"

    @property
    def primary(self) -> str:
        """The side whose transaction this is (the one it is not for)."""
        return "new" if self.side == "old" else "old"


class Outbox:
    """A local SQLite file of :class:`Entry` (module docstring). The synchronous calls are
    for tools (the command line); a running application uses the ``async`` ones, which
    share one fsync among concurrent callers."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA busy_timeout=10000")
            self._conn.executescript(_SCHEMA)
            columns = {row[1] for row in self._conn.execute("PRAGMA table_info(entries)")}
            if "state" not in columns:  # (a file from before intents)
                self._conn.execute(
                    "ALTER TABLE entries ADD COLUMN state TEXT NOT NULL DEFAULT 'committed'"
                )
            #: reads, from the event loop's thread, never wait for a write's fsync (WAL)
            self._reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise ConfigurationError(f"cannot open the outbox {path!r}: {error}") from error
        self._lock = threading.Lock()
        self._queue: list[tuple[Callable[[sqlite3.Connection], Any], asyncio.Future[Any]]] = []
        self._flusher: asyncio.Task[None] | None = None
        found = self._conn.execute("SELECT value FROM meta WHERE key = 'id'").fetchone()
        if found is None:
            self.id = uuid.uuid4().hex
            self._conn.execute("INSERT INTO meta VALUES ('id', ?)", (self.id,))
        else:
            self.id = str(found[0])

    # ------------------------------------------------------------------ writes, for tools

    def append(
        self,
        side: str,
        source: str | None,
        statements: Sequence[tuple[str, Any]],
        *,
        txid: str | None = None,
        state: str = "committed",
    ) -> int:
        """Record a transaction for ``side``; on disk when this returns. Its id."""
        return self._now(_insert(side, source, statements, txid or uuid.uuid4().hex, state))

    def done(self, entry: int) -> None:
        self._now(_done(entry, None))

    def discard(self, entry: int, why: str) -> None:
        """The entry's transaction did not commit on the primary: nothing to apply."""
        self._now(_done(entry, why))

    def failed(self, entry: int, error: str) -> None:
        self._now(_failed(entry, error))

    # ------------------------------------------------------------ writes, for the application

    async def intend(
        self, side: str, source: str | None, statements: Sequence[tuple[str, Any]], txid: str
    ) -> int:
        """Record, before the primary's COMMIT, the transaction ``txid`` for ``side`` (an
        intent: module docstring); on disk when this returns. Its id."""
        return int(await self._later(_insert(side, source, statements, txid, "intent")))

    async def done_many_later(self, entries: Sequence[int]) -> None:
        """:meth:`done` of each of ``entries``, in one write."""
        await self._later(_done_many(list(entries)))

    async def done_later(self, entry: int, why: str | None = None) -> None:
        """:meth:`done` (or, with ``why``, :meth:`discard`), sharing an fsync."""
        await self._later(_done(entry, why))

    async def failed_later(self, entry: int, error: str) -> None:
        await self._later(_failed(entry, error))

    async def confirm_later(self, txids: Sequence[str]) -> None:
        """The intents of ``txids`` committed on the primary (the process saw it): recorded
        for replays by other processes; until then their commit rows tell."""
        await self._later(_confirm(list(txids)))

    def _now(self, change: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            return change(self._conn)

    async def _later(self, change: Callable[[sqlite3.Connection], T]) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append((change, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        """Write what is queued in one transaction, in a thread; again while more came."""
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                results = await asyncio.to_thread(self._write_batch, [c for c, _ in batch])
            except Exception as error:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    def _write_batch(self, changes: list[Callable[[sqlite3.Connection], Any]]) -> list[Any]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                results = [change(self._conn) for change in changes]
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        return results

    # -------------------------------------------------------------------------- reads

    def pending(self, side: str | None = None, limit: int = 100) -> list[Entry]:
        """The oldest entries not applied yet (for ``side``, or all), in order."""
        where = _PENDING + (" AND side = ?" if side is not None else "")
        params: tuple[Any, ...] = (side,) if side is not None else ()
        rows = self._reader.execute(
            "SELECT id, side, txid, source, statements, created, attempts, error, state "
            f"FROM entries WHERE {where} ORDER BY id LIMIT {int(limit)}",
            params,
        ).fetchall()
        return [_entry(row) for row in rows]

    def settled(self, txids: Sequence[str]) -> set[str]:
        """Which of ``txids`` have entries that are done (applied or discarded)."""
        found: set[str] = set()
        for start in range(0, len(txids), 500):
            chunk = list(txids[start : start + 500])
            marks = ", ".join("?" * len(chunk))
            rows = self._reader.execute(
                f"SELECT txid FROM entries WHERE done = 1 AND txid IN ({marks})", chunk
            ).fetchall()
            found.update(str(r[0]) for r in rows)
        return found

    def depth(self, side: str | None = None) -> int:
        """How many entries wait (for ``side``, or all)."""
        where = _PENDING + (" AND side = ?" if side is not None else "")
        row = self._reader.execute(
            f"SELECT COUNT(*) FROM entries WHERE {where}", (side,) if side else ()
        ).fetchone()
        return int(row[0])

    def oldest_age(self, side: str | None = None) -> float | None:
        """Seconds since the oldest waiting entry was written (None: none waits)."""
        where = _PENDING + (" AND side = ?" if side is not None else "")
        row = self._reader.execute(
            f"SELECT MIN(created) FROM entries WHERE {where}", (side,) if side else ()
        ).fetchone()
        return None if row[0] is None else max(0.0, time.time() - float(row[0]))

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            self._reader.close()


def _insert(
    side: str, source: str | None, statements: Sequence[tuple[str, Any]], txid: str, state: str
) -> Callable[[sqlite3.Connection], int]:
    text = json.dumps([[sql, dumps_args(args)] for sql, args in statements])

    def change(conn: sqlite3.Connection) -> int:
        cursor = conn.execute(
            "INSERT INTO entries (side, txid, source, statements, created, state) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (side, txid, source, text, time.time(), state),
        )
        return int(cursor.lastrowid or 0)

    return change


def _done(entry: int, why: str | None) -> Callable[[sqlite3.Connection], None]:
    def change(conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE entries SET done = 1, error = ?, state = ? WHERE id = ?",
            (why, "committed" if why is None else "discarded", entry),
        )

    return change


def _confirm(txids: list[str]) -> Callable[[sqlite3.Connection], None]:
    def change(conn: sqlite3.Connection) -> None:
        conn.executemany(
            "UPDATE entries SET state = 'committed' WHERE txid = ? AND state = 'intent'",
            [(t,) for t in txids],
        )

    return change


def _done_many(entries: list[int]) -> Callable[[sqlite3.Connection], None]:
    def change(conn: sqlite3.Connection) -> None:
        conn.executemany(
            "UPDATE entries SET done = 1, error = NULL, state = 'committed' WHERE id = ?",
            [(e,) for e in entries],
        )

    return change


def _failed(entry: int, error: str) -> Callable[[sqlite3.Connection], None]:
    def change(conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE entries SET attempts = attempts + 1, error = ? WHERE id = ?",
            (error[:2000], entry),
        )

    return change


def _entry(row: Sequence[Any]) -> Entry:
    statements = tuple((str(sql), loads_args(args)) for sql, args in json.loads(row[4]))
    return Entry(
        int(row[0]),
        str(row[1]),
        str(row[2]),
        row[3],
        statements,
        float(row[5]),
        int(row[6]),
        row[7],
        str(row[8]),
    )


# ------------------------------------------------------------------------------ applying


async def apply_entry(db: Database, entry: Entry, outbox_id: str) -> bool:
    """Apply ``entry`` to ``db`` at most once (module docstring): False when it had been
    applied already. Raises what the database raises (nothing of the entry is then left)."""
    return (await apply_entries(db, [entry], outbox_id))[0]


async def apply_entries(db: Database, entries: Sequence[Entry], outbox_id: str) -> list[bool]:
    """Apply ``entries`` (in order, for one database) to ``db`` in one transaction, each at
    most once: per entry, False when it had been applied already. Raises what the database
    raises (nothing of them is then left)."""
    await _ensure_table(db, APPLIED_TABLE, "outbox VARCHAR(64) NOT NULL, entry BIGINT NOT NULL, "
                        "PRIMARY KEY (outbox, entry)")  # fmt: skip
    ids = [entry.id for entry in entries]
    marks = _marks(db, len(ids) + 1)
    async with db.transaction():
        seen = await db.fetch_native(
            f"SELECT entry FROM {APPLIED_TABLE} WHERE outbox = {marks[0]} "
            f"AND entry IN ({', '.join(marks[1:])})",
            [outbox_id, *ids],
        )
        before = {int(row[0]) for row in seen}
        fresh = [entry for entry in entries if entry.id not in before]
        for entry in fresh:
            for sql, args in entry.statements:
                await db.execute(sql, args)
        if fresh:
            pairs = _marks(db, 2 * len(fresh))
            rows = ", ".join(f"({pairs[2 * i]}, {pairs[2 * i + 1]})" for i in range(len(fresh)))
            await db.execute_native(
                f"INSERT INTO {APPLIED_TABLE} (outbox, entry) VALUES {rows}",
                [v for entry in fresh for v in (outbox_id, entry.id)],
            )
    return [entry.id not in before for entry in entries]


async def ensure_commits_table(db: Database) -> None:
    """Make the primary's table of commit rows (outside any transaction: MySQL's DDL would
    commit the application's)."""
    await _ensure_table(db, COMMITS_TABLE, "txid VARCHAR(32) NOT NULL PRIMARY KEY, "
                        "outbox VARCHAR(32) NOT NULL, aborted SMALLINT NOT NULL DEFAULT 0")  # fmt: skip


async def mark_commit(db: Database, outbox: Outbox, txid: str) -> None:
    """In the primary's open transaction: the row that commits with it (module docstring)."""
    marks = _marks(db, 2)
    await db.execute_native(
        f"INSERT INTO {COMMITS_TABLE} (txid, outbox) VALUES ({marks[0]}, {marks[1]})",
        [txid, outbox.id],
    )


async def sweep_commits(db: Database, outbox: Outbox) -> None:
    """Delete ``outbox``'s commit rows on ``db`` whose entries are settled (those a killed
    process had no time to delete)."""
    rows = await db.fetch_native(
        f"SELECT txid FROM {COMMITS_TABLE} WHERE outbox = {_marks(db, 1)[0]}", [outbox.id]
    )
    await forget_commits(db, sorted(outbox.settled([str(r[0]) for r in rows])))


async def committed_on(db: Database, outbox: Outbox, txid: str) -> bool:
    """Did the transaction ``txid`` commit on ``db``, its primary? Waits while it is open;
    once this has answered False it can never commit (module docstring)."""
    await ensure_commits_table(db)
    mark = _marks(db, 2)
    values = f"{COMMITS_TABLE} (txid, outbox, aborted) VALUES ({mark[0]}, {mark[1]}, 1)"
    claim = {
        "postgres": f"INSERT INTO {values} ON CONFLICT (txid) DO NOTHING",
        "mysql": f"INSERT IGNORE INTO {values}",
        "sqlite": f"INSERT OR IGNORE INTO {values}",
    }[db.dialect]
    async with db.transaction():
        await db.execute_native(claim, [txid, outbox.id])
        rows = await db.fetch_native(
            f"SELECT aborted FROM {COMMITS_TABLE} WHERE txid = {mark[0]}", [txid]
        )
    return bool(rows) and int(rows[0][0]) == 0


async def forget_commits(db: Database, txids: Sequence[str]) -> None:
    """Delete the commit rows of entries that are done (applied or discarded)."""
    if txids:
        marks = ", ".join(_marks(db, len(txids)))
        await db.execute_native(f"DELETE FROM {COMMITS_TABLE} WHERE txid IN ({marks})", list(txids))


async def replay(
    outbox: Outbox, url: str, *, side: str | None = None, primary: str | None = None
) -> tuple[int, int, int]:
    """Apply ``outbox``'s waiting entries (for ``side``, or all) to the database at ``url``,
    in order, each at most once; stops at the first that fails (raising its error). An
    intent is decided on the database at ``primary`` (ConfigurationError without one). The
    numbers applied now, found applied before, and discarded (their transaction did not
    commit)."""
    from sqlshift.executor.database import connect

    applied = skipped = discarded = 0
    databases: dict[str | None, Database] = {}
    judge: Database | None = None
    try:
        while entries := outbox.pending(side, limit=200):
            for entry in entries:
                if entry.state == "intent":
                    if primary is None:
                        raise ConfigurationError(
                            f"entry {entry.id} was written before its transaction's COMMIT on "
                            f"the {entry.primary} database, and whether that COMMIT happened "
                            "was never recorded: pass --primary URL (that database) to check"
                        )
                    if judge is None:
                        judge = await connect(primary)
                    if not await committed_on(judge, outbox, entry.txid):
                        outbox.discard(entry.id, "its transaction did not commit on the primary")
                        discarded += 1
                        continue
                db = databases.get(entry.source)
                if db is None:
                    db = databases[entry.source] = await connect(url, source=entry.source)
                try:
                    fresh = await apply_entry(db, entry, outbox.id)
                except Exception as error:
                    outbox.failed(entry.id, f"{type(error).__name__}: {error}")
                    raise
                outbox.done(entry.id)
                applied, skipped = applied + fresh, skipped + (not fresh)
        if judge is not None:  # (the commit rows of what was decided; a failed run's: later)
            await sweep_commits(judge, outbox)
    finally:
        for db in [*databases.values(), *([judge] if judge is not None else [])]:
            await db.close()
    return applied, skipped, discarded


async def _ensure_table(db: Database, name: str, columns: str) -> None:
    """Create ``name`` once per Database. PostgreSQL's CREATE TABLE IF NOT EXISTS is not
    atomic: two sessions creating it at once can fail on pg_type's unique key (seen with
    concurrent first transactions of a DualDatabase, tests/test_dual.py). Tasks of this
    process take turns; another process's race is retried once, when the table exists."""
    key = f"sqlshift_has_{name}"
    if getattr(db, key, False):
        return
    lock_key = f"sqlshift_creating_{name}"
    lock: asyncio.Lock | None = getattr(db, lock_key, None)
    if lock is None:
        lock = asyncio.Lock()
        setattr(db, lock_key, lock)
    async with lock:
        if getattr(db, key, False):
            return
        statement = f"CREATE TABLE IF NOT EXISTS {name} ({columns})"
        try:
            await db.execute_native(statement)
        except ExecutionError:
            await db.execute_native(statement)  # created meanwhile: a no-op now
        setattr(db, key, True)


def _marks(db: Database, count: int) -> list[str]:
    if db.dialect == "postgres":
        return [f"${i}" for i in range(1, count + 1)]
    return ["?" if db.dialect == "sqlite" else "%s"] * count


# ------------------------------------------------------------------------------ arguments


def dumps_args(args: Any) -> Any:
    """Arguments as JSON that :func:`loads_args` reads back with their Python types."""
    if args is None:
        return None
    if isinstance(args, dict):
        return {"$map": {str(k): _dump(v) for k, v in args.items()}}
    return [_dump(v) for v in args]


def loads_args(data: Any) -> Any:
    if data is None:
        return None
    if isinstance(data, dict):
        return {k: _load(v) for k, v in data["$map"].items()}
    return [_load(v) for v in data]


def _dump(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return {"$f": repr(value)}
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$td": value.total_seconds()}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    raise ConfigurationError(f"the outbox cannot keep an argument of type {type(value).__name__}")


_LOADERS: dict[str, Any] = {
    "$f": float,
    "$d": Decimal,
    "$dt": dt.datetime.fromisoformat,
    "$date": dt.date.fromisoformat,
    "$time": dt.time.fromisoformat,
    "$td": lambda s: dt.timedelta(seconds=s),
    "$b": base64.b64decode,
}


def _load(value: Any) -> Any:
    if isinstance(value, dict):
        [(tag, text)] = value.items()
        return _LOADERS[tag](text)
    return value
