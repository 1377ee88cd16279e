"""Two databases at once while an application moves (``sqlshift.dual``).

The application writes its SQL once, in ``source``'s dialect; sqlshift translates it for each
side. Four flags say what each side does, READ_OLD / READ_NEW / WRITE_OLD / WRITE_NEW, and
which side is the *primary*, the one that answers the caller. Five phases preset them:

=============  =====================  ========================  =================
phase          reads                  writes                    primary
=============  =====================  ========================  =================
old-only       old                    old                       old
dual-write     old                    old, then new             old
dual-read      old (new compared)     old, then new             old
new-primary    new (old compared)     new, then old             new
new-only       new                    new                       new
=============  =====================  ========================  =================

**Writes.** A write runs on the primary; its result is the caller's. When the other side is
written too, each write is a transaction on the primary (the caller's own, or one made for
the statement), and before its COMMIT its statements and arguments go to the durable outbox
(``outbox.py``: fsync'd, shared by concurrent writers) with a row in the primary's
``sqlshift_outbox_commits`` that commits with it, so a crash between the two databases'
writes never loses one (``outbox.py`` says how the two are decided). One background task
applies the outbox to the other side in the primary's order, each entry once, in one
transaction. A failure there never fails the caller: the entry stays, with its error, and is
applied again when the side answers (``health()`` shows the lag); ``sqlshift outbox replay``
does the same from the command line. A rolled-back transaction leaves nothing to apply.

The other side runs the same *statements*, in the order their entries were written (just
before each COMMIT, while the transaction still holds its row locks): two transactions that
write the same rows reach the outbox in the order they took the locks, so ``SET n = n + 1``
lands the same on both sides. A write whose values come from rows it does not write (an
``INSERT ... SELECT`` or a subquery over another table) reads what the other side holds when
it is applied, which matches what the primary read unless another transaction changed those
rows concurrently and committed in between; PostgreSQL's READ COMMITTED does not lock rows a
statement only reads (InnoDB's INSERT ... SELECT does). Such writes should read under
``SELECT ... FOR SHARE``/``FOR UPDATE`` or pass the values as arguments; ``db.verify()``
shows any difference before a phase change.

Values the two sides would compute differently are refused under dual write
(:class:`DualWriteError`): a statement that is not deterministic (``NOW()``, ``RAND()``,
``UUID()``, ...), and an ``INSERT`` that leaves a generated key to the database, unless it
inserts one row with VALUES: its key is then read on the primary (``LAST_INSERT_ID()``,
``lastval()``, ``last_insert_rowid()``, on the same connection) and written explicitly on the
other side, so both hold the same ids.

**Reads.** The primary answers. When both sides are read, a sampled share of the reads
(``compare_rate``) runs on the other side too, in the background (the caller never waits for
it; one later than ``shadow_timeout`` is dropped and counted), and the two results are
compared as ``sqlshift verify`` compares values (decimals by value, datetimes in UTC,
booleans 0/1; in order only where the query orders). A read is not compared while the
outbox holds writes for that side (it would lag). Mismatches are counted per fingerprint
with an example (arguments redacted) in ``db.compare.stats()`` and logged on
``sqlshift.compare``.

**Flags at run time.** ``db.set_phase(name)`` / ``db.set_flags(Flags(...))`` change them
between calls (a call in flight, and a transaction, keep the flags they started with);
``flags_file=`` and ``flags_env=`` (the name of an environment variable) are read again when
they change: a phase name, or JSON (``{"phase": "dual-read"}``, or the four flags and
``primary``); a value that cannot be read, or is refused, is logged and the flags stay. Making the new database the primary while the outbox holds writes
for it is refused unless ``force=True``.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import json
import logging
import os
import random
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass, field
from types import TracebackType
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokenizer_core import TokenType

from sqlshift.dialects import ParamStyle
from sqlshift.errors import ConfigurationError, SqlshiftError
from sqlshift.executor.database import Database as _Database
from sqlshift.executor.database import connect
from sqlshift.executor.profiler import Finding
from sqlshift.executor.rows import Row
from sqlshift.move.outbox import (
    APPLIED_TABLE,
    COMMITS_TABLE,
    Entry,
    Outbox,
    apply_entries,
    committed_on,
    dumps_args,
    ensure_commits_table,
    forget_commits,
    mark_commit,
    sweep_commits,
)
from sqlshift.move.verify import TableCheck, base_tables, canonical, check_table, spellings
from sqlshift.translator.api import translation
from sqlshift.translator.params import scan_placeholders

__all__ = ["PHASES", "DualDatabase", "DualWriteError", "Flags", "dual"]

Database = _Database[Any]
LOGGER = logging.getLogger("sqlshift.compare")
_LINGER = 0.01
"""Seconds the applier waits for more entries while the newest is younger (a transaction on
the other side per 50 entries, not per entry: the lag grows by this much at most)."""
_LAST_ID = {
    "mysql": "SELECT LAST_INSERT_ID()",
    "postgres": "SELECT lastval()",
    "sqlite": "SELECT last_insert_rowid()",
}


class _EntryFailed(Exception):
    """Applying (or deciding) ``entry`` failed with ``error``."""

    def __init__(self, entry: Entry, error: BaseException) -> None:
        self.entry, self.error = entry, error
        super().__init__(str(error))


class DualWriteError(SqlshiftError):
    """A write the two databases would not make the same: refused under dual write.
    ``code`` is stable: ``dual-write-nondeterministic``, ``dual-write-generated-key``."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(f"[{code}] {message}")


@dataclass(frozen=True, slots=True)
class Flags:
    """What each side does; ``primary`` answers the caller (it must be read and written)."""

    read_old: bool = True
    read_new: bool = False
    write_old: bool = True
    write_new: bool = False
    primary: str = "old"

    def __post_init__(self) -> None:
        if self.primary not in ("old", "new"):
            raise ConfigurationError(f"primary must be 'old' or 'new', got {self.primary!r}")
        if not (getattr(self, f"read_{self.primary}") and getattr(self, f"write_{self.primary}")):
            raise ConfigurationError(
                f"the primary ({self.primary}) must be read and written: READ_"
                f"{self.primary.upper()} and WRITE_{self.primary.upper()} must be set"
            )

    @property
    def secondary(self) -> str:
        return "new" if self.primary == "old" else "old"

    @property
    def writes_secondary(self) -> bool:
        return bool(getattr(self, f"write_{self.secondary}"))

    @property
    def reads_secondary(self) -> bool:
        return bool(getattr(self, f"read_{self.secondary}"))

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Flags:
        """``{"phase": "dual-read"}``, or the flags by name (READ_OLD, ..., primary)."""
        if "phase" in data:
            return phase_flags(str(data["phase"]))
        names = {f.lower(): v for f, v in data.items()}
        return cls(
            **{
                k: names[k]
                for k in ("read_old", "read_new", "write_old", "write_new", "primary")
                if k in names
            }
        )


PHASES = {
    "old-only": Flags(True, False, True, False, "old"),
    "dual-write": Flags(True, False, True, True, "old"),
    "dual-read": Flags(True, True, True, True, "old"),
    "new-primary": Flags(True, True, True, True, "new"),
    "new-only": Flags(False, True, False, True, "new"),
}


def phase_flags(name: str) -> Flags:
    try:
        return PHASES[name]
    except KeyError:
        raise ConfigurationError(f"unknown phase {name!r}: one of {', '.join(PHASES)}") from None


# ------------------------------------------------------------------------------ comparing


@dataclass(slots=True)
class _Fingerprint:
    text: str
    compared: int = 0
    mismatched: int = 0
    example: dict[str, Any] | None = None


@dataclass(slots=True)
class Comparison:
    """Shadow-read outcomes: counts, and per fingerprint the mismatches with an example."""

    counts: Counter[str] = field(default_factory=Counter)
    fingerprints: dict[str, _Fingerprint] = field(default_factory=dict)

    def stats(self) -> dict[str, Any]:
        """``compared``, ``matched``, ``mismatched``, ``late``, ``skipped`` (the other side
        lagged), ``errors``, and ``mismatches``: per fingerprint id, its text, counts and an
        example (its arguments redacted)."""
        out: dict[str, Any] = {
            k: self.counts[k]
            for k in ("compared", "matched", "mismatched", "late", "skipped", "errors")
        }
        out["mismatches"] = {
            key: asdict(found) for key, found in self.fingerprints.items() if found.mismatched
        }
        return out

    def record(
        self, key: str, text: str, outcome: str, example: dict[str, Any] | None = None
    ) -> None:
        self.counts[outcome] += 1
        if outcome not in ("matched", "mismatched"):
            return
        self.counts["compared"] += 1
        found = self.fingerprints.setdefault(key, _Fingerprint(text))
        found.compared += 1
        if outcome == "mismatched":
            found.mismatched += 1
            if found.example is None:
                found.example = example


def _normalised(rows: Sequence[Row], ordered: bool) -> Any:
    values = [tuple(canonical(v) for v in row) for row in rows]
    return values if ordered else Counter(values)


@functools.lru_cache(maxsize=1024)
def _ordered(sql: str, dialect: str) -> bool:
    """Does the query's result have an order (a top-level ORDER BY)?"""
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except sqlglot.errors.SqlglotError:
        return False
    return isinstance(tree, exp.Query) and tree.args.get("order") is not None


# ------------------------------------------------------------------------------ the database


@dataclass(slots=True)
class _Transaction:
    flags: Flags
    statements: list[tuple[str, Any]] = field(default_factory=list)
    txid: str = field(default_factory=lambda: uuid.uuid4().hex)
    ddl: bool = False  #: it changed a table (generated keys are read again after it)


class DualDatabase:
    """Two databases as one (module docstring). Make one with :func:`dual`."""

    def __init__(
        self,
        old: Database,
        new: Database,
        outbox: Outbox,
        *,
        source: str | None,
        flags: Flags,
        compare_rate: float = 1.0,
        shadow_timeout: float = 5.0,
        flags_file: str | None = None,
        flags_env: str | None = None,
    ) -> None:
        self.old, self.new, self.outbox = old, new, outbox
        self.source = source
        self._flags = flags
        self.compare_rate = compare_rate
        self.shadow_timeout = shadow_timeout
        self.compare = Comparison()
        self._flags_file = flags_file
        self._flags_env = flags_env
        self._env_seen: str | None = os.environ.get(flags_env) if flags_env else None
        if self._env_seen:
            self._apply_flags_text(self._env_seen, f"${flags_env}")
        self._flags_seen: float | None = None
        self._flags_checked = 0.0
        self._tx: contextvars.ContextVar[_Transaction | None] = contextvars.ContextVar(
            "sqlshift_dual_tx", default=None
        )
        self._keys: dict[str, dict[str, str]] = {}  # side -> table -> its generated key
        self._wake = asyncio.Event()
        self._closed = False
        self._applier: asyncio.Task[None] | None = None
        self._shadows: set[asyncio.Task[None]] = set()
        self.last_error: str | None = None  #: the outbox's last failure to apply an entry
        #: entries waiting per side, kept here (a shadow read asks at every call)
        self._waiting = Counter({side: outbox.depth(side) for side in ("old", "new")})
        self._inflight: set[str] = set()  #: transactions between their intent and COMMIT
        self._confirmed: set[str] = set()  #: ... and those whose COMMIT returned
        self._forget: dict[str, list[str]] = {"old": [], "new": []}  #: commit rows to delete
        self._forgot = 0.0
        self._reload_flags()

    # -------------------------------------------------------------------------- flags

    @property
    def flags(self) -> Flags:
        self._reload_flags()
        return self._flags

    @property
    def phase(self) -> str | None:
        """The phase the flags are, or None for another combination."""
        flags = self.flags
        return next((name for name, f in PHASES.items() if f == flags), None)

    def set_phase(self, name: str, *, force: bool = False) -> None:
        self.set_flags(phase_flags(name), force=force)

    def set_flags(self, flags: Flags, *, force: bool = False) -> None:
        """Use ``flags`` from the next call on; refused (ConfigurationError) when it makes the
        new database the primary while writes for it wait in the outbox, unless ``force``."""
        if flags.primary == "new" and self._flags.primary == "old" and not force:
            waiting = self.outbox.depth("new")
            if waiting:
                raise ConfigurationError(
                    f"{waiting} writes for the new database wait in the outbox "
                    f"({self.outbox.path}): making it the primary now would answer reads "
                    "without them; let them be applied (await db.drain()), or pass force=True"
                )
        self._flags = flags

    def _reload_flags(self) -> None:
        if self._flags_env is not None:
            text = os.environ.get(self._flags_env)
            if text != self._env_seen:
                self._env_seen = text
                if text:
                    self._apply_flags_text(text, f"${self._flags_env}")
        if self._flags_file is None:
            return
        now = time.monotonic()
        if now - self._flags_checked < 0.2:
            return
        self._flags_checked = now
        try:
            mtime = os.stat(self._flags_file).st_mtime
        except OSError:
            return
        if mtime == self._flags_seen:
            return
        self._flags_seen = mtime
        try:
            with open(self._flags_file, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as error:
            logging.getLogger("sqlshift.dual").error("flags file %s: %s", self._flags_file, error)
            return
        self._apply_flags_text(text, self._flags_file)

    def _apply_flags_text(self, text: str, where: str) -> None:
        """Flags from ``text``: a phase name, or JSON (``{"phase": ...}`` or the flags); one
        that cannot be read, or is refused (set_flags), is logged and the flags stay."""
        try:
            stripped = text.strip()
            data = {"phase": stripped} if stripped in PHASES else json.loads(stripped)
            self.set_flags(Flags.from_mapping(data))
        except (ValueError, TypeError, AttributeError, SqlshiftError) as error:
            logging.getLogger("sqlshift.dual").error("flags from %s not applied: %s", where, error)

    def _side(self, name: str) -> Database:
        return self.old if name == "old" else self.new

    @property
    def primary(self) -> Database:
        """The Database that answers now."""
        return self._side(self.flags.primary)

    @property
    def cache(self) -> Any:
        """The primary's result cache (None without one)."""
        return self.primary.cache

    @property
    def profiler(self) -> Any:
        """The primary's profiler (None without one)."""
        return self.primary.profiler

    # -------------------------------------------------------------------------- reads

    def _call_flags(self) -> Flags:
        """The flags a call uses: its transaction's (it keeps the primary it began on)."""
        tx = self._tx.get()
        return tx.flags if tx is not None else self.flags

    async def fetch_all(self, sql: str, args: Any = None) -> tuple[Row, ...]:
        flags = self._call_flags()
        rows = await self._side(flags.primary).fetch_all(sql, args)
        self._shadow(flags, sql, args, rows, None)
        return rows

    async def fetch_one(self, sql: str, args: Any = None) -> Row | None:
        flags = self._call_flags()
        row = await self._side(flags.primary).fetch_one(sql, args)
        self._shadow(flags, sql, args, () if row is None else (row,), 1)
        return row

    async def fetch_val(self, sql: str, args: Any = None, *, column: int | str = 0) -> Any:
        row = await self.fetch_one(sql, args)
        return None if row is None else row[column]

    def iterate(self, sql: str, args: Any = None, *, batch_size: int = 500) -> AsyncIterator[Row]:
        """The primary's rows, streamed (not compared)."""
        return self._side(self._call_flags().primary).iterate(sql, args, batch_size=batch_size)

    def _shadow(
        self, flags: Flags, sql: str, args: Any, rows: Sequence[Row], limit: int | None
    ) -> None:
        if not flags.reads_secondary or self._tx.get() is not None:
            return
        if self.compare_rate < 1.0 and random.random() >= self.compare_rate:
            return
        info = self._info(sql, flags.primary)
        key = info.fingerprint.id if info is not None and info.fingerprint else sql
        text = info.fingerprint.text if info is not None and info.fingerprint else sql
        if self._waiting[flags.secondary]:
            self.compare.record(key, text, "skipped")
            return
        task = asyncio.get_running_loop().create_task(
            self._compare(flags, sql, args, rows, limit, key, text)
        )
        self._shadows.add(task)
        task.add_done_callback(self._shadows.discard)

    async def _compare(
        self,
        flags: Flags,
        sql: str,
        args: Any,
        rows: Sequence[Row],
        limit: int | None,
        key: str,
        text: str,
    ) -> None:
        other = self._side(flags.secondary)
        try:
            theirs = await asyncio.wait_for(other.fetch_all(sql, args), self.shadow_timeout)
        except TimeoutError:
            self.compare.record(key, text, "late")
            return
        except Exception as error:  # (the shadow side's failure is counted, never raised)
            self.compare.record(key, text, "errors")
            LOGGER.debug("shadow read failed on %s: %s", flags.secondary, error)
            return
        if limit is not None:
            theirs = theirs[:limit]
        ordered = limit is not None or _ordered(sql, self.source or other.dialect)
        if _normalised(rows, ordered) == _normalised(theirs, ordered):
            self.compare.record(key, text, "matched")
            return
        count = 0 if args is None else len(args)
        example = {
            "sql": sql,
            "arguments": f"{count} redacted",
            flags.primary: [tuple(map(canonical, r)) for r in rows[:3]],
            flags.secondary: [tuple(map(canonical, r)) for r in theirs[:3]],
        }
        self.compare.record(key, text, "mismatched", example)
        profiler = self._side(flags.primary).profiler
        if profiler is not None:  # (listed with the fingerprint's row in the report)
            found = self.compare.fingerprints[key]
            profiler.add_finding(key, Finding(
                "shadow-mismatch",
                f"{found.mismatched} of {found.compared} shadow reads on the {flags.secondary} "
                "database returned other rows (sqlshift.dual: db.compare.stats())",
            ))  # fmt: skip
        LOGGER.warning(
            "shadow read differs (%s rows on %s, %s on %s): %s",
            len(rows), flags.primary, len(theirs), flags.secondary, text,
        )  # fmt: skip

    # -------------------------------------------------------------------------- writes

    async def execute(self, sql: str, args: Any = None) -> int:
        tx = self._tx.get()
        flags = self._call_flags()
        primary = self._side(flags.primary)
        if not flags.writes_secondary:
            return await primary.execute(sql, args)
        self._check_deterministic(sql, flags)
        dumps_args(args)  # (an argument the outbox cannot keep is refused before the write)
        if tx is None:  # (a transaction of its own: module docstring)
            async with self.transaction():
                return await self.execute(sql, args)
        count, forward = await self._write_primary(flags.primary, sql, args)
        tx.statements.append(forward)
        tx.ddl = tx.ddl or _is_ddl(sql)
        return count

    async def execute_many(self, sql: str, args_seq: Sequence[Any]) -> int:
        tx = self._tx.get()
        flags = self._call_flags()
        primary = self._side(flags.primary)
        if not flags.writes_secondary:
            return await primary.execute_many(sql, args_seq)
        self._check_deterministic(sql, flags)
        for args in args_seq:
            dumps_args(args)
        if tx is None:
            async with self.transaction():
                return await self.execute_many(sql, args_seq)
        if self._implicit_key(sql, flags.primary) is None:
            count = await primary.execute_many(sql, args_seq)
            tx.statements.extend((sql, args) for args in args_seq)
            return count
        total = 0  # one row at a time: each key read and sent
        for args in args_seq:
            total += await self.execute(sql, args)
        return total

    def transaction(self) -> _DualTransactionContext:
        """A transaction on the primary; before its commit, its writes go to the outbox as
        one entry (applied to the other side as one transaction). A rollback sends nothing."""
        return _DualTransactionContext(self)

    def _start_applier(self) -> None:
        self._wake.set()
        if self._applier is None or self._applier.done():
            self._applier = asyncio.get_running_loop().create_task(self._apply_loop())

    async def _write_primary(self, side: str, sql: str, args: Any) -> tuple[int, tuple[str, Any]]:
        """Run a write on the primary (in its transaction); what the other side must run."""
        primary = self._side(side)
        key = self._implicit_key(sql, side)
        count = await primary.execute(sql, args)
        if key is None:
            return count, (sql, args)
        row = await primary.fetch_native(_LAST_ID[primary.dialect])
        generated = row[0][0] if row else None
        return count, _with_key(sql, self.source or primary.dialect, key, generated, args)

    def _info(self, sql: str, side: str) -> Any:
        try:
            return translation(sql, self._side(side).dialect, self.source).info
        except SqlshiftError:
            return None

    def _check_deterministic(self, sql: str, flags: Flags) -> None:
        info = self._info(sql, flags.primary)
        if info is not None and not info.deterministic and not info.read_only:
            raise DualWriteError(
                "dual-write-nondeterministic",
                f"`{sql[:80]}` computes a value each database would compute differently "
                "(NOW(), RAND(), UUID(), ...); under dual write, compute it in Python and pass "
                "it as an argument",
            )
        if _unordered_limit(sql, self.source or self._side(flags.primary).dialect):
            raise DualWriteError(
                "dual-write-nondeterministic",
                f"`{sql[:80]}` writes the first rows of a LIMIT without ORDER BY: each "
                "database may pick other rows; order them by a unique key",
            )

    def _implicit_key(self, sql: str, side: str) -> tuple[str, str] | None:
        """(table, column) when ``sql`` is an INSERT that leaves its generated key to the
        database; refuses what cannot send the key on (module docstring)."""
        dialect = self.source or self._side(side).dialect
        insert = _insert(sql, dialect)
        if insert is None:
            return None
        keys = self._keys.get(side, {})
        table = insert.this.this if isinstance(insert.this, exp.Schema) else insert.this
        if not isinstance(table, exp.Table):
            return None
        column = keys.get(table.name.lower())
        if column is None:
            return None
        if isinstance(insert.this, exp.Schema):
            named = {c.name.lower() for c in insert.this.expressions}
            if column.lower() in named:
                return None
        else:
            return None  # (no column list: every column given, the key too)
        values = insert.expression
        single = isinstance(values, exp.Values) and len(values.expressions) == 1
        if not single or insert.args.get("conflict") or insert.args.get("on_conflict"):
            raise DualWriteError(
                "dual-write-generated-key",
                f"`{sql[:80]}` leaves {table.name}.{column} to each database's own counter; "
                "under dual write only a one-row INSERT ... VALUES can have its key read on "
                "the primary and sent on: insert one row at a time, or give the key",
            )
        return table.name, column

    async def load_keys(self) -> None:
        """Read each side's schema again (after DDL run elsewhere: ``sqlshift migrate``
        made the new database's tables), and its generated key columns (an INSERT that
        leaves one out has its key read on the primary and sent on)."""
        for side in ("old", "new"):
            with contextlib.suppress(SqlshiftError):
                await self._side(side).reload_schema()
                self._keys[side] = await _generated_keys(self._side(side))

    # -------------------------------------------------------------------------- the outbox

    async def _apply_loop(self) -> None:
        """Apply the outbox in order; on a failure, wait and try the same entry again."""
        delay = 0.05
        while not self._closed:
            self._wake.clear()
            entries = self.outbox.pending(limit=50)
            if not entries:
                self._waiting = Counter()
                await self._forget_commits(now=True)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), 1.0)
                continue
            if len(entries) < 50 and time.time() - entries[0].created < _LINGER:
                await asyncio.sleep(_LINGER)  # (more to apply in the same transaction)
                continue
            try:
                run, blocked = await self._ready(entries)
                if run:
                    await self._apply(run)
            except _EntryFailed as failed:  # (the other side's failures never reach callers)
                self.last_error = f"{type(failed.error).__name__}: {failed.error}"
                await self.outbox.failed_later(failed.entry.id, self.last_error)
                await self._record_confirmed()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
                continue
            delay = 0.05
            if blocked:  # (its COMMIT is under way: wait for it, keeping the order)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), 1.0)
            await self._forget_commits()

    async def _ready(self, entries: list[Entry]) -> tuple[list[Entry], bool]:
        """The leading entries that can be applied now, for one side, as one transaction
        (intents decided first: ``outbox.py``; those that did not commit are discarded);
        and whether an entry whose COMMIT is under way stopped the run."""
        run: list[Entry] = []
        for entry in entries:
            if entry.state == "intent" and entry.txid not in self._confirmed:
                if entry.txid in self._inflight:
                    return run, True
                try:
                    primary = await self._opened(entry.primary)
                    committed = await committed_on(primary, self.outbox, entry.txid)
                except Exception as error:
                    if run:
                        return run, False
                    raise _EntryFailed(entry, error) from error
                if not committed:
                    await self.outbox.done_later(entry.id, "its transaction did not commit")
                    self._settled(entry)
                    continue
            if run and entry.side != run[0].side:
                break
            run.append(entry)
            if any(_is_ddl(sql) for sql, _ in entry.statements):
                break  # (the table it makes there has its own key: read before the next)
        return run, False

    async def _apply(self, run: list[Entry]) -> None:
        """Apply ``run`` to its side in one transaction; when that fails, one entry at a
        time, so the failure is the right entry's (raised as :class:`_EntryFailed`)."""
        try:
            await apply_entries(await self._opened(run[0].side), run, self.outbox.id)
        except Exception as error:
            if len(run) == 1:
                raise _EntryFailed(run[0], error) from error
            for entry in run:
                await self._apply([entry])
            return
        await self.outbox.done_many_later([entry.id for entry in run])
        for entry in run:
            self._settled(entry)
        if any(_is_ddl(sql) for sql, _ in run[-1].statements):
            await self.load_keys()  # (the table it made there has its own key)

    async def _record_confirmed(self) -> None:
        """Write down the intents this process saw commit (for a replay elsewhere)."""
        if self._confirmed:
            recorded = sorted(self._confirmed)
            await self.outbox.confirm_later(recorded)
            self._confirmed.difference_update(recorded)  # (the outbox says it now)

    def _settled(self, entry: Entry) -> None:
        self._confirmed.discard(entry.txid)
        self._waiting[entry.side] = max(0, self._waiting[entry.side] - 1)
        self._forget[entry.primary].append(entry.txid)

    async def _forget_commits(self, *, now: bool = False) -> None:
        """Delete the primary's commit rows of settled entries, at most once a second."""
        if not now and time.monotonic() - self._forgot < 1.0:
            return
        self._forgot = time.monotonic()
        for side, txids in self._forget.items():
            if txids:
                with contextlib.suppress(Exception):  # (left for the next time)
                    await forget_commits(self._side(side), txids[:500])
                    del txids[:500]

    async def _opened(self, side: str) -> Database:
        """The side's Database, opened now if it was down when the run started."""
        db = self._side(side)
        if not db.is_open:
            await db.open()
            with contextlib.suppress(SqlshiftError):
                self._keys[side] = await _generated_keys(db)
        return db

    async def drain(self, timeout: float = 30.0) -> bool:
        """Wait until the outbox is empty (True) or ``timeout`` seconds pass (False)."""
        deadline = time.monotonic() + timeout
        while self.outbox.depth():
            if self._applier is None or self._applier.done():
                self._applier = asyncio.get_running_loop().create_task(self._apply_loop())
            self._wake.set()
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    # -------------------------------------------------------------------------- state

    async def health(self) -> dict[str, Any]:
        """Each side's health (``SELECT 1`` within a second), the outbox's depth and lag,
        and the shadow reads' counts."""
        sides = {}
        for name in ("old", "new"):
            found = await self._side(name).health_check(timeout=1.0)
            sides[name] = {"ok": found.ok, "latency": found.latency, "error": found.error}
        return {
            "phase": self.phase,
            "flags": asdict(self.flags),
            **sides,
            "outbox": {
                "pending": self.outbox.depth(),
                "lag_seconds": self.outbox.oldest_age(),
                "last_error": self.last_error,
            },
            "compare": {k: v for k, v in self.compare.stats().items() if k != "mismatches"},
        }

    async def verify(self, tables: Sequence[str] | None = None) -> list[TableCheck]:
        """``sqlshift verify`` of the old database against the new one (on connections of
        their own, which do not translate: verify writes each side's own SQL)."""
        if self.old.url is None or self.new.url is None:
            raise ConfigurationError("verify needs databases opened from URLs")
        old, new = await connect(self.old.url), await connect(self.new.url)
        try:
            names = [
                t
                for t in tables or await base_tables(old)
                if t not in (APPLIED_TABLE, COMMITS_TABLE)
            ]
            schemas = await asyncio.gather(old.read_schema(), new.read_schema())
            theirs = await spellings(new, names)
            return [
                await check_table(old, new, n, schemas=schemas, target_name=theirs[n])
                for n in names
            ]
        finally:
            await asyncio.gather(old.close(), new.close())

    async def close(self) -> None:
        self._closed = True
        self._wake.set()
        for task in [self._applier, *self._shadows]:
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        with contextlib.suppress(Exception):
            await self._record_confirmed()
        await asyncio.gather(self.old.close(), self.new.close())
        self.outbox.close()

    async def __aenter__(self) -> DualDatabase:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class _DualTransactionContext:
    def __init__(self, db: DualDatabase) -> None:
        self._db = db
        self._token: contextvars.Token[_Transaction | None] | None = None
        self._inner: Any = None
        self._state: _Transaction | None = None
        self._start = 0

    async def __aenter__(self) -> _DualTransactionContext:
        db = self._db
        outer = db._tx.get()
        flags = outer.flags if outer is not None else db.flags
        if outer is None and flags.writes_secondary:
            await ensure_commits_table(db._side(flags.primary))
        self._inner = db._side(flags.primary).transaction()
        await self._inner.__aenter__()
        if outer is None:
            self._state = _Transaction(flags)
            self._token = db._tx.set(self._state)
        else:  # (a savepoint: what it wrote is forgotten if it rolls back)
            self._state, self._start = outer, len(outer.statements)
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        db, state = self._db, self._state
        assert state is not None
        forwards = self._token is not None and state.flags.writes_secondary and state.statements
        if kind is not None or not forwards:
            try:
                await self._inner.__aexit__(kind, error, trace)
            finally:
                self._reset()
            if kind is not None:
                del state.statements[self._start :]
            return
        await self._commit(state)
        if state.ddl:  # (a new table's generated key)
            await db.load_keys()

    async def _commit(self, state: _Transaction) -> None:
        """The intent, the primary's commit row, then its COMMIT (``outbox.py``)."""
        db, side = self._db, state.flags.secondary
        try:
            await mark_commit(db._side(state.flags.primary), db.outbox, state.txid)
            db._inflight.add(state.txid)
            await db.outbox.intend(side, db.source, state.statements, state.txid)
        except BaseException as failure:  # (no intent on disk: nothing may commit)
            db._inflight.discard(state.txid)
            try:
                await self._inner.__aexit__(type(failure), failure, failure.__traceback__)
            finally:
                self._reset()
            raise
        db._waiting[side] += 1
        try:
            await self._inner.__aexit__(None, None, None)
            db._confirmed.add(state.txid)
        finally:  # (a failed COMMIT's intent is decided by its commit row)
            db._inflight.discard(state.txid)
            self._reset()
            db._start_applier()

    def _reset(self) -> None:
        if self._token is not None:
            self._db._tx.reset(self._token)
            self._token = None


async def dual(
    primary: str | Database,
    secondary: str | Database,
    *,
    source: str | None = None,
    phase: str | None = "old-only",
    flags: Flags | None = None,
    outbox: str = "sqlshift-outbox.db",
    compare_rate: float = 1.0,
    shadow_timeout: float = 5.0,
    flags_file: str | None = None,
    flags_env: str | None = None,
    profiler: bool = False,
) -> DualDatabase:
    """Two databases as one (module docstring): ``primary`` is the old database, the primary
    of the first phases; ``secondary`` the new one. URLs are opened here (the old one must
    answer; the new one may be down: its writes wait in the outbox); Databases are used as
    given, and must translate from ``source`` themselves. ``profiler=True`` profiles both
    sides (``db.profiler`` is the primary's); shadow-read mismatches are listed in its
    report with their fingerprint."""
    if not 0.0 <= compare_rate <= 1.0:
        raise ConfigurationError(f"compare_rate must be between 0 and 1, got {compare_rate}")
    chosen = flags if flags is not None else phase_flags(phase or "old-only")
    old = (
        connect(primary, source=source, profiler=profiler) if isinstance(primary, str) else primary
    )
    new = (
        connect(secondary, source=source, profiler=profiler)
        if isinstance(secondary, str)
        else secondary
    )
    if isinstance(primary, str):
        await old.open()
    if isinstance(secondary, str):
        with contextlib.suppress(SqlshiftError):
            await new.open()
    db = DualDatabase(
        old, new, Outbox(outbox), source=source, flags=chosen, compare_rate=compare_rate,
        shadow_timeout=shadow_timeout, flags_file=flags_file, flags_env=flags_env,
    )  # fmt: skip
    await db.load_keys()
    for side in (old, new):  # (commit rows a killed run left, if it ran here)
        with contextlib.suppress(SqlshiftError):
            await sweep_commits(side, db.outbox)
    if db.outbox.depth():  # (writes a previous run left: applied from now on)
        db._applier = asyncio.get_running_loop().create_task(db._apply_loop())
    return db


# ------------------------------------------------------------------------------ helpers


@functools.lru_cache(maxsize=1024)
def _unordered_limit(sql: str, dialect: str) -> bool:
    """A write whose rows are picked by a LIMIT without an ORDER BY (INSERT ... SELECT ...
    LIMIT n, MySQL's UPDATE/DELETE ... LIMIT n)."""
    if "LIMIT" not in sql.upper():
        return False
    try:
        tree = sqlglot.parse_one(scan_placeholders(sql, dialect).text, read=dialect)
    except (sqlglot.errors.SqlglotError, SqlshiftError):
        return False
    if not isinstance(tree, exp.Insert | exp.Update | exp.Delete):
        return False
    return any(
        isinstance(limit.parent, exp.Expr) and not limit.parent.args.get("order")
        for limit in tree.find_all(exp.Limit)
    )


def _is_ddl(sql: str) -> bool:
    return sql.lstrip()[:6].upper() in ("CREATE", "ALTER ", "DROP T", "RENAME")


@functools.lru_cache(maxsize=1024)
def _insert(sql: str, dialect: str) -> exp.Insert | None:
    try:  # (placeholders as the translator reads them: sqlglot parses no MySQL %s)
        tree = sqlglot.parse_one(scan_placeholders(sql, dialect).text, read=dialect)
    except (sqlglot.errors.SqlglotError, SqlshiftError):
        return None
    return tree if isinstance(tree, exp.Insert) else None


def _with_key(
    sql: str, dialect: str, key: tuple[str, str], value: Any, args: Any
) -> tuple[str, Any]:
    """``sql`` (a one-row INSERT ... VALUES, its column list without the key) and ``args``
    with the key and its value added as an argument, in the caller's own text and style
    (the same text each time: the other side's translation of it is cached)."""
    end_columns, end_values, before, style = _key_slots(sql, dialect)
    name = exp.to_identifier(key[1]).sql(dialect)
    given = None if value is None else int(value)
    if isinstance(args, dict):
        mark = "%(sqlshift_key)s" if style == ParamStyle.PYFORMAT else ":sqlshift_key"
        args = {**args, "sqlshift_key": given}
    else:
        values = list(args or ())
        if style == ParamStyle.NUMERIC or (style is None and dialect == "postgres"):
            mark = f"${len(values) + 1}"
            values.append(given)
        else:
            mark = "%s" if style == ParamStyle.FORMAT or dialect == "mysql" else "?"
            values.insert(before, given)
        args = values
    text = (
        sql[:end_columns] + f", {name}" + sql[end_columns:end_values]
        + f", {mark}" + sql[end_values:]
    )  # fmt: skip
    return text, args


@functools.lru_cache(maxsize=1024)
def _key_slots(sql: str, dialect: str) -> tuple[int, int, int, ParamStyle | None]:
    """Where the key's name and value go in ``sql`` (the offsets of the column list's and
    the VALUES row's closing parentheses), how many placeholders come before the value, and
    their style (an application sends the same text each time)."""
    tokens = Dialect.get_or_raise(dialect).tokenize(sql)
    at_values = next(i for i, t in enumerate(tokens) if t.token_type == TokenType.VALUES)
    columns_open = max(i for i in range(at_values) if tokens[i].token_type == TokenType.L_PAREN)
    values_open = next(
        i for i in range(at_values, len(tokens)) if tokens[i].token_type == TokenType.L_PAREN
    )
    columns_close, values_close = _closing(tokens, columns_open), _closing(tokens, values_open)
    end_values = tokens[values_close].start
    head, whole = scan_placeholders(sql[:end_values], dialect), scan_placeholders(sql, dialect)
    return tokens[columns_close].start, end_values, len(head.refs), whole.style


def _closing(tokens: Sequence[Any], opening: int) -> int:
    depth = 0
    for i in range(opening, len(tokens)):
        kind = tokens[i].token_type
        depth += kind == TokenType.L_PAREN
        depth -= kind == TokenType.R_PAREN
        if depth == 0:
            return i
    raise ValueError("unbalanced parentheses")


async def _generated_keys(db: Database) -> dict[str, str]:
    """Each table's generated key column (AUTO_INCREMENT, identity/serial, SQLite's
    INTEGER PRIMARY KEY), read from the catalog."""
    sql = {
        "mysql": "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE() AND EXTRA LIKE '%auto_increment%'",
        "postgres": "SELECT c.relname, a.attname FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' "
        "AND a.attnum > 0 AND (a.attidentity <> '' "
        "OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%')",
        "sqlite": "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
        "WHERE m.type = 'table' AND p.pk = 1 AND upper(p.type) = 'INTEGER' "
        "AND (SELECT count(*) FROM pragma_table_info(m.name) q WHERE q.pk > 0) = 1",
    }[db.dialect]
    return {str(t).lower(): str(c) for t, c in await db.fetch_native(sql)}
