"""The durable outbox of a dual-database run (``sqlshift.dual``): writes the other database
has yet to receive, in the order the primary made them.

Each entry is one of the primary's transactions (or one autocommitted statement): its
statements and arguments in the application's SQL dialect, the side it is for (``old`` or
``new``), a transaction id, and the last error met applying it. The file is a local SQLite
database in WAL mode with ``synchronous=FULL``: an entry is on disk (fsync'd) when
:meth:`Outbox.append` returns, before the caller's write returns.

:func:`apply_entry` applies an entry at most once: its statements run in one transaction on
the target together with a row in ``sqlshift_outbox_applied`` (this outbox's id, the entry's
id); an entry whose row is there already is skipped. So a replay interrupted anywhere (the
process killed between the target's commit and the outbox's "done") never applies an entry
twice. ``sqlshift outbox status PATH`` lists what is pending; ``sqlshift outbox replay PATH
--to URL`` applies it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlshift.errors import ConfigurationError
from sqlshift.executor.database import Database as _Database

__all__ = [
    "APPLIED_TABLE",
    "Entry",
    "Outbox",
    "apply_entry",
    "dumps_args",
    "loads_args",
    "replay",
]

Database = _Database[None]

APPLIED_TABLE = "sqlshift_outbox_applied"
"""The table, on the database entries are applied to, that records which were."""

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


class Outbox:
    """A local SQLite file of :class:`Entry` (module docstring). Thread-safe; its calls are
    short synchronous writes (an fsync each), made from the event loop's thread."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.executescript(_SCHEMA)
        except sqlite3.Error as error:
            raise ConfigurationError(f"cannot open the outbox {path!r}: {error}") from error
        self._lock = threading.Lock()
        found = self._conn.execute("SELECT value FROM meta WHERE key = 'id'").fetchone()
        if found is None:
            self.id = uuid.uuid4().hex
            self._conn.execute("INSERT INTO meta VALUES ('id', ?)", (self.id,))
        else:
            self.id = str(found[0])

    def append(self, side: str, source: str | None, statements: Sequence[tuple[str, Any]]) -> int:
        """Record a transaction for ``side``; on disk when this returns. Its id."""
        text = json.dumps([[sql, dumps_args(args)] for sql, args in statements])
        with self._lock:
            cursor = self._conn.execute(
                "INSERT INTO entries (side, txid, source, statements, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (side, uuid.uuid4().hex, source, text, time.time()),
            )
        return int(cursor.lastrowid or 0)

    def pending(self, side: str | None = None, limit: int = 100) -> list[Entry]:
        """The oldest entries not applied yet (for ``side``, or all), in order."""
        where = "done = 0" + (" AND side = ?" if side is not None else "")
        params: tuple[Any, ...] = (side,) if side is not None else ()
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, side, txid, source, statements, created, attempts, error "
                f"FROM entries WHERE {where} ORDER BY id LIMIT {int(limit)}",
                params,
            ).fetchall()
        return [_entry(row) for row in rows]

    def done(self, entry: int) -> None:
        with self._lock:
            self._conn.execute("UPDATE entries SET done = 1, error = NULL WHERE id = ?", (entry,))

    def failed(self, entry: int, error: str) -> None:
        with self._lock:
            self._conn.execute(
                "UPDATE entries SET attempts = attempts + 1, error = ? WHERE id = ?",
                (error[:2000], entry),
            )

    def depth(self, side: str | None = None) -> int:
        """How many entries wait (for ``side``, or all)."""
        where = "done = 0" + (" AND side = ?" if side is not None else "")
        with self._lock:
            row = self._conn.execute(
                f"SELECT COUNT(*) FROM entries WHERE {where}", (side,) if side else ()
            ).fetchone()
        return int(row[0])

    def oldest_age(self, side: str | None = None) -> float | None:
        """Seconds since the oldest waiting entry was written (None: none waits)."""
        where = "done = 0" + (" AND side = ?" if side is not None else "")
        with self._lock:
            row = self._conn.execute(
                f"SELECT MIN(created) FROM entries WHERE {where}", (side,) if side else ()
            ).fetchone()
        return None if row[0] is None else max(0.0, time.time() - float(row[0]))

    def close(self) -> None:
        with self._lock:
            self._conn.close()


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
    )


async def apply_entry(db: Database, entry: Entry, outbox_id: str) -> bool:
    """Apply ``entry`` to ``db`` at most once (module docstring): False when it had been
    applied already. Raises what the database raises (nothing of the entry is then left)."""
    await _ensure_applied_table(db)
    mark = _marks(db, 2)
    async with db.transaction():
        seen = await db.fetch_native(
            f"SELECT 1 FROM {APPLIED_TABLE} WHERE outbox = {mark[0]} AND entry = {mark[1]}",
            [outbox_id, entry.id],
        )
        if seen:
            return False
        for sql, args in entry.statements:
            await db.execute(sql, args)
        await db.execute_native(
            f"INSERT INTO {APPLIED_TABLE} (outbox, entry) VALUES ({mark[0]}, {mark[1]})",
            [outbox_id, entry.id],
        )
    return True


async def replay(outbox: Outbox, url: str, *, side: str | None = None) -> tuple[int, int]:
    """Apply ``outbox``'s waiting entries (for ``side``, or all) to the database at ``url``,
    in order, each at most once; stops at the first that fails (raising its error). The
    numbers applied now and found applied before."""
    from sqlshift.executor.database import connect

    applied = skipped = 0
    databases: dict[str | None, Database] = {}
    try:
        while entries := outbox.pending(side, limit=200):
            for entry in entries:
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
    finally:
        for db in databases.values():
            await db.close()
    return applied, skipped


async def _ensure_applied_table(db: Database) -> None:
    key = "sqlshift_outbox_table"
    if getattr(db, key, False):
        return
    await db.execute_native(
        f"CREATE TABLE IF NOT EXISTS {APPLIED_TABLE} (outbox VARCHAR(64) NOT NULL, "
        "entry BIGINT NOT NULL, PRIMARY KEY (outbox, entry))"
    )
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
