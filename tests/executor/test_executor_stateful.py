"""Random interleavings of writes (insert, update, delete, upsert, transactions that commit or
roll back) and reads: every cached read must equal the same read on an uncached connection."""

from __future__ import annotations

import asyncio
import os
import tempfile
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from sqlshift.executor import Cache, Database, connect

QUERIES = (
    ("SELECT id, v FROM kv ORDER BY id", ()),
    ("SELECT count(*), sum(v) FROM kv", ()),
    ("SELECT v FROM kv WHERE id = ?", (1,)),
    ("SELECT v FROM kv WHERE id = ?", (2,)),
    ("SELECT a.id FROM kv AS a JOIN other AS b ON a.id = b.id ORDER BY a.id", ()),
)
keys = st.integers(min_value=1, max_value=4)
values = st.integers(min_value=-3, max_value=3)


class CacheFreshness(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        fd, self.path = tempfile.mkstemp(suffix=".db")
        os.close(fd)
        url = f"sqlite:///{self.path}"
        self.cached: Database = connect(url, cache=Cache("lru", maxsize=8))
        self.plain: Database = connect(url)
        self.run(self.cached.open())
        self.run(self.plain.open())
        self.run(self.cached.execute("CREATE TABLE kv (id INTEGER PRIMARY KEY, v INTEGER)"))
        self.run(self.cached.execute("CREATE TABLE other (id INTEGER PRIMARY KEY)"))

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def teardown(self) -> None:
        try:
            self.run(self.cached.close())
            self.run(self.plain.close())
        finally:
            self.loop.close()
            os.unlink(self.path)

    @rule(k=keys, v=values)
    def upsert(self, k: int, v: int) -> None:
        self.run(
            self.cached.execute(
                "INSERT INTO kv (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v = excluded.v",
                (k, v),
            )
        )

    @rule(k=keys, v=values)
    def update(self, k: int, v: int) -> None:
        self.run(self.cached.execute("UPDATE kv SET v = v + ? WHERE id >= ?", (v, k)))

    @rule(k=keys)
    def delete(self, k: int) -> None:
        self.run(self.cached.execute("DELETE FROM kv WHERE id = ?", (k,)))

    @rule(k=keys)
    def insert_other(self, k: int) -> None:
        self.run(self.cached.execute("INSERT OR IGNORE INTO other (id) VALUES (?)", (k,)))

    @rule(k=keys, v=values, commit=st.booleans(), read_inside=st.booleans())
    def transaction(self, k: int, v: int, commit: bool, read_inside: bool) -> None:
        async def body() -> None:
            try:
                async with self.cached.transaction():
                    await self.cached.execute("UPDATE kv SET v = ? WHERE id = ?", (v, k))
                    await self.cached.execute("DELETE FROM other WHERE id = ?", (k,))
                    if read_inside:
                        for sql, args in QUERIES:
                            await self.cached.fetch_all(sql, args)
                    if not commit:
                        raise LookupError
            except LookupError:
                pass

        self.run(body())

    @rule(k=keys, v=values)
    def concurrent_read_and_write(self, k: int, v: int) -> None:
        async def both() -> None:
            await asyncio.gather(
                *(self.cached.fetch_all(sql, args) for sql, args in QUERIES),
                self.cached.execute("UPDATE kv SET v = ? WHERE id = ?", (v, k)),
                *(self.cached.fetch_all(sql, args) for sql, args in QUERIES),
            )

        self.run(both())

    @invariant()
    def cached_reads_equal_uncached_reads(self) -> None:
        for sql, args in QUERIES:
            cached = self.run(self.cached.fetch_all(sql, args))
            plain = self.run(self.plain.fetch_all(sql, args))
            assert cached == plain, sql


CacheFreshness.TestCase.settings = settings(max_examples=25, stateful_step_count=15, deadline=None)
TestCacheFreshness = CacheFreshness.TestCase
