"""An in-memory fake backend that records statements and answers with programmed rows.

For unit tests of the executor and the cache without a server (like httpx's MockTransport)::

    fake = FakeBackend("postgres")
    fake.respond("SELECT name FROM people WHERE id = $1", columns=("name",), rows=[("Ann",)])
    db = Database(fake)
    ...
    assert [c.sql for c in fake.calls if c.kind == "fetch"] == [...]

A ``handler`` (sync or async) may compute the answer instead, e.g. to wait on an event and so
hold a read "in flight" while the test does something else.

``max_size`` bounds the connections lent out at once (``acquire_timeout`` seconds to wait, None
for ever); an answer whose error is a ``ConnectionError`` counts as a lost connection.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlshift.executor.backends.base import ISOLATION_LEVELS, Fetched, PoolMetrics, causes

__all__ = ["Answer", "Call", "FakeBackend"]


@dataclass(frozen=True, slots=True)
class Call:
    """One call the executor made: ``kind`` is fetch, execute, execute_many, iterate or a
    transaction primitive (begin, commit, rollback, savepoint, release, rollback_to)."""

    kind: str
    sql: str
    args: Any = None
    connection: int = 0


@dataclass(slots=True)
class Answer:
    """What the fake returns for a statement (an ``error`` is raised instead when set)."""

    columns: tuple[str, ...] = ()
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    rowcount: int = 0
    error: BaseException | None = None


Handler = Callable[[Call], "Answer | Awaitable[Answer | None] | None"]


class FakeBackend:
    """A backend that touches no database. Unknown statements answer with no rows."""

    def __init__(
        self,
        dialect: str = "sqlite",
        *,
        identity: str | None = None,
        handler: Handler | None = None,
        max_size: int = 10,
        acquire_timeout: float | None = None,
    ) -> None:
        self._dialect = dialect
        self._identity = identity or f"fake-{dialect}:{id(self):x}"
        self.handler = handler
        self.answers: dict[str, Answer] = {}
        self.calls: list[Call] = []
        self.opened = False
        self.closed = False
        self._next_connection = 0
        self.max_size = max_size
        self.acquire_timeout = acquire_timeout
        self._slots = asyncio.Semaphore(max_size)
        self.in_use = 0
        self.discarded = 0  # connections dropped after a lost-connection error

    @property
    def dialect(self) -> str:
        return self._dialect

    @property
    def identity(self) -> str:
        return self._identity

    @property
    def isolation_levels(self) -> frozenset[str]:
        return frozenset(ISOLATION_LEVELS)

    def respond(
        self,
        sql: str,
        *,
        columns: Sequence[str] = (),
        rows: Sequence[tuple[Any, ...]] = (),
        rowcount: int = 0,
        error: BaseException | None = None,
    ) -> None:
        """Program the answer to ``sql`` (matched exactly, as the executor sends it)."""
        self.answers[sql] = Answer(tuple(columns), list(rows), rowcount, error)

    def queries(self, kind: str = "fetch") -> list[str]:
        """The SQL of the recorded calls of ``kind``."""
        return [c.sql for c in self.calls if c.kind == kind]

    async def open(self) -> None:
        self.opened = True

    async def close(self) -> None:
        self.closed = True

    @asynccontextmanager
    async def acquire(self, *, shared: bool = False) -> AsyncIterator[_FakeConnection]:
        async with asyncio.timeout(self.acquire_timeout):
            await self._slots.acquire()
        self.in_use += 1
        self._next_connection += 1
        try:
            yield _FakeConnection(self, self._next_connection)
        except BaseException as error:
            if self.is_disconnect(error):
                self.discarded += 1
            raise
        finally:
            self.in_use -= 1
            self._slots.release()

    def metrics(self) -> PoolMetrics:
        return PoolMetrics(self.in_use, self.in_use, 0, 0, 0, self.max_size)

    def is_disconnect(self, error: BaseException) -> bool:
        return any(isinstance(cause, ConnectionError) for cause in causes(error))

    async def _answer(self, call: Call) -> Answer:
        self.calls.append(call)
        await asyncio.sleep(0)  # a driver waits for the server: the event loop turns
        answer: Answer | None = None
        if self.handler is not None:
            result = self.handler(call)
            answer = await result if inspect.isawaitable(result) else result
        if answer is None:
            answer = self.answers.get(call.sql, Answer())
        if answer.error is not None:
            raise answer.error
        return answer


class _FakeConnection:
    def __init__(self, backend: FakeBackend, number: int) -> None:
        self._backend = backend
        self._number = number

    async def _call(self, kind: str, sql: str, args: Any = None) -> Answer:
        return await self._backend._answer(Call(kind, sql, args, self._number))

    async def fetch(self, sql: str, args: Any, *, limit: int | None = None) -> Fetched:
        answer = await self._call("fetch", sql, args)
        rows = [tuple(r) for r in answer.rows]
        return answer.columns, rows[:limit] if limit is not None else rows

    async def execute(self, sql: str, args: Any) -> int:
        return (await self._call("execute", sql, args)).rowcount

    async def execute_many(self, sql: str, args_seq: Sequence[Any]) -> int:
        return (await self._call("execute_many", sql, list(args_seq))).rowcount

    async def iterate(
        self, sql: str, args: Any, *, batch_size: int
    ) -> AsyncGenerator[Fetched, None]:
        answer = await self._call("iterate", sql, args)
        rows = [tuple(r) for r in answer.rows]
        for start in range(0, len(rows), batch_size):
            yield answer.columns, rows[start : start + batch_size]

    async def begin(self, isolation: str | None) -> None:
        await self._call("begin", "BEGIN", isolation)

    async def commit(self) -> None:
        await self._call("commit", "COMMIT")

    async def rollback(self) -> None:
        await self._call("rollback", "ROLLBACK")

    async def savepoint(self, name: str) -> None:
        await self._call("savepoint", f"SAVEPOINT {name}")

    async def release_savepoint(self, name: str) -> None:
        await self._call("release", f"RELEASE SAVEPOINT {name}")

    async def rollback_to_savepoint(self, name: str) -> None:
        await self._call("rollback_to", f"ROLLBACK TO SAVEPOINT {name}")
