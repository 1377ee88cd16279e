"""The backend protocol: what the executor needs from a driver, and shared helpers."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["ISOLATION_LEVELS", "Backend", "Connection", "Fetched", "PoolMetrics", "causes"]

Fetched = tuple[tuple[str, ...], Sequence[Sequence[Any]]]
"""Column names and rows: sequences of values already converted to sqlshift's types (tuples,
or the driver's own immutable rows such as asyncpg Records)."""

#: isolation levels the SQL standard names; the executor passes one of these to ``begin``
ISOLATION_LEVELS: dict[str, str] = {
    "read_uncommitted": "READ UNCOMMITTED",
    "read_committed": "READ COMMITTED",
    "repeatable_read": "REPEATABLE READ",
    "serializable": "SERIALIZABLE",
}


@dataclass(frozen=True, slots=True)
class PoolMetrics:
    """A snapshot of a pool: ``size`` connections open, of which ``in_use`` are lent out and
    ``idle`` are free; ``waiting`` tasks wait for one; ``retries`` counts the reads retried
    after a lost connection since the database was opened. SQLite's "pool" is its one
    connection (``max_size`` 1)."""

    size: int
    in_use: int
    idle: int
    waiting: int
    min_size: int
    max_size: int
    retries: int = 0


def causes(error: BaseException) -> Iterator[BaseException]:
    """``error`` and the exceptions it was raised from (``__cause__``/``__context__``)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


class Connection(Protocol):
    """One driver connection. Arguments are already in the driver's style and order."""

    async def fetch(self, sql: str, args: Any, *, limit: int | None = None) -> Fetched:
        """Run a statement and return its rows (at most ``limit`` when given)."""
        ...

    async def execute(self, sql: str, args: Any) -> int:
        """Run a statement; return the number of rows it affected (-1 when unknown)."""
        ...

    async def execute_many(self, sql: str, args_seq: Sequence[Any]) -> int:
        """Run a statement once per argument set; return the rows affected (-1 if unknown)."""
        ...

    def iterate(self, sql: str, args: Any, *, batch_size: int) -> AsyncGenerator[Fetched, None]:
        """Stream the result in batches, without loading it all where the driver can."""
        ...

    async def begin(self, isolation: str | None) -> None:
        """Start a transaction; ``isolation`` is a key of ISOLATION_LEVELS or backend-specific."""
        ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...

    async def savepoint(self, name: str) -> None: ...

    async def release_savepoint(self, name: str) -> None: ...

    async def rollback_to_savepoint(self, name: str) -> None: ...


class Backend(Protocol):
    """A pool (or a single connection, for SQLite) of one engine."""

    @property
    def dialect(self) -> str:
        """Canonical dialect: postgres, mysql or sqlite."""
        ...

    @property
    def identity(self) -> str:
        """Names the database (no password): results of two backends with the same identity
        are interchangeable, so it is part of every cache key."""
        ...

    @property
    def isolation_levels(self) -> frozenset[str]:
        """The isolation names ``begin`` accepts."""
        ...

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    def acquire(self, *, shared: bool = False) -> AbstractAsyncContextManager[Connection]:
        """Borrow a connection for a statement or a transaction.

        ``shared=True`` promises that the block makes one call on the connection (``fetch``,
        ``execute`` or ``execute_many``) and nothing else: a backend may then lend the same
        connection to other such blocks at the same time (SQLite queues their statements on
        its one connection). A pool ignores it. When the block raises an error that
        :meth:`is_disconnect` recognises, the connection is discarded instead of being
        returned to the pool.
        """
        ...

    def metrics(self) -> PoolMetrics:
        """The pool's size now (``waiting`` and ``retries`` are the executor's to fill in)."""
        ...

    def is_disconnect(self, error: BaseException) -> bool:
        """True when ``error`` (or an exception it was raised from) means the connection was
        lost: the statement may not have run, and the connection is unusable."""
        ...


class SavepointMixin:
    """Savepoint statements are the same in all three engines."""

    async def _control(self, sql: str) -> None:
        raise NotImplementedError

    async def savepoint(self, name: str) -> None:
        await self._control(f"SAVEPOINT {name}")

    async def release_savepoint(self, name: str) -> None:
        await self._control(f"RELEASE SAVEPOINT {name}")

    async def rollback_to_savepoint(self, name: str) -> None:
        await self._control(f"ROLLBACK TO SAVEPOINT {name}")
