"""The result cache, through a Database on the fake backend: policies, bounds, TTL, tags,
transactions, single-flight and the in-flight invalidation race."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from sqlshift.errors import ConfigurationError, ExecutionError
from sqlshift.executor import Cache, Database
from sqlshift.executor.backends.fake import Answer, Call, FakeBackend

Q_PEOPLE = "SELECT name FROM people WHERE id = $1"
Q_CITIES = "SELECT name FROM cities"
Q_BOTH = "SELECT p.name, c.name FROM people AS p JOIN cities AS c ON p.city = c.id"


class FakeTimer:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> FakeBackend:
    backend = FakeBackend("postgres")
    backend.respond(Q_PEOPLE, columns=("name",), rows=[("Ann",)])
    backend.respond(Q_CITIES, columns=("name",), rows=[("Oslo",), ("Lima",)])
    backend.respond(Q_BOTH, columns=("name", "name"), rows=[("Ann", "Oslo")])
    return backend


async def make_db(backend: FakeBackend, cache: Cache | bool = True) -> AsyncIterator[Database]:
    db = Database(backend, cache=cache)
    async with db:
        yield db


@pytest.fixture
async def db(fake: FakeBackend) -> AsyncIterator[Database]:
    async for database in make_db(fake):
        yield database


def fetches(backend: FakeBackend) -> int:
    return len(backend.queries("fetch"))


async def test_hit_returns_the_same_immutable_rows(db: Database, fake: FakeBackend) -> None:
    first = await db.fetch_all(Q_PEOPLE, (1,))
    second = await db.fetch_all(Q_PEOPLE, (1,))
    assert first == second == (("Ann",),)
    assert second is first
    assert fetches(fake) == 1
    assert isinstance(first, tuple)
    with pytest.raises(AttributeError):
        first[0].x = 1  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        first[0][0] = "Bob"  # type: ignore[index]
    stats = db.cache.stats()  # type: ignore[union-attr]
    assert (stats.hits, stats.misses, stats.entries, stats.hit_rate) == (1, 1, 1, 0.5)
    assert stats.bytes > 0


async def test_arguments_are_part_of_the_key_with_their_type(
    db: Database, fake: FakeBackend
) -> None:
    for args in [(1,), (2,), (1.0,), (True,), (Decimal("1"),), (Decimal("1.0"),), ("1",), (1,)]:
        await db.fetch_all(Q_PEOPLE, args)
    assert fetches(fake) == 7


async def test_fetch_one_and_all_do_not_share_entries(db: Database, fake: FakeBackend) -> None:
    assert (await db.fetch_one(Q_CITIES)) == ("Oslo",)
    assert len(await db.fetch_all(Q_CITIES)) == 2
    assert (await db.fetch_val(Q_CITIES)) == "Oslo"
    assert fetches(fake) == 2


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT NOW()",
        "SELECT random()",
        "SELECT name FROM people FOR UPDATE",
        "SELECT nextval('s')",
        "INSERT INTO people (name) VALUES ('x') RETURNING id",
    ],
)
async def test_volatile_or_writing_reads_are_never_cached(
    db: Database, fake: FakeBackend, sql: str
) -> None:
    await db.fetch_all(sql)
    await db.fetch_all(sql)
    assert fetches(fake) == 2
    assert db.cache.stats().entries == 0  # type: ignore[union-attr]


async def test_list_arguments_are_keyed_by_value_others_bypass(
    db: Database, fake: FakeBackend
) -> None:
    sql = "SELECT name FROM people WHERE id = ANY($1)"
    await db.fetch_all(sql, ([1, 2],))
    await db.fetch_all(sql, ([1, 2],))
    await db.fetch_all(sql, ((1, 2),))  # a tuple is a different key from a list
    assert fetches(fake) == 2
    for _ in range(2):
        await db.fetch_all("SELECT name FROM people WHERE data = $1", ({"a": 1},))
    assert fetches(fake) == 4


# ------------------------------------------------------------------------------------ policies


async def test_lru_evicts_the_least_recently_used(fake: FakeBackend) -> None:
    async for db in make_db(fake, Cache("lru", maxsize=2)):
        await db.fetch_all(Q_PEOPLE, (1,))
        await db.fetch_all(Q_PEOPLE, (2,))
        # A miss's entry is stored (and its recency starts) on the loop's next turn: an
        # application awaiting anything gives it that turn (a hit alone does not).
        await asyncio.sleep(0)
        await db.fetch_all(Q_PEOPLE, (1,))  # 1 is now the most recent
        await db.fetch_all(Q_PEOPLE, (3,))  # evicts 2 (when stored)
        await asyncio.sleep(0)
        before = fetches(fake)
        await db.fetch_all(Q_PEOPLE, (1,))
        assert fetches(fake) == before
        await db.fetch_all(Q_PEOPLE, (2,))
        assert fetches(fake) == before + 1
        stats = db.cache.stats()  # type: ignore[union-attr]
        assert stats.entries == 2
        assert stats.evictions == 2


async def test_lfu_evicts_the_least_frequently_used(fake: FakeBackend) -> None:
    async for db in make_db(fake, Cache("lfu", maxsize=2)):
        for _ in range(3):
            await db.fetch_all(Q_PEOPLE, (1,))
        await db.fetch_all(Q_PEOPLE, (2,))
        await db.fetch_all(Q_PEOPLE, (3,))  # evicts 2 (used once), keeps 1 (used thrice)
        before = fetches(fake)
        await db.fetch_all(Q_PEOPLE, (1,))
        assert fetches(fake) == before


async def test_byte_bound(fake: FakeBackend) -> None:
    big = [(f"row {i} " + "x" * 100,) for i in range(50)]
    fake.respond("SELECT name FROM big", columns=("name",), rows=big)
    cache = Cache("lru", maxsize=1000, max_bytes=4000)
    async for db in make_db(fake, cache):
        await db.fetch_all("SELECT name FROM big")
        await db.fetch_all("SELECT name FROM big")
        assert fetches(fake) == 2  # larger than max_bytes: never stored
        for i in range(40):
            await db.fetch_all(Q_PEOPLE, (i,))
        stats = cache.stats()
        assert 0 < stats.bytes <= 4000
        assert stats.entries < 40
        assert stats.evictions > 0


async def test_ttl_policy_with_a_fake_timer(fake: FakeBackend) -> None:
    timer = FakeTimer()
    async for db in make_db(fake, Cache("ttl", ttl=10, timer=timer)):
        await db.fetch_all(Q_CITIES)
        timer.now += 9.9
        await db.fetch_all(Q_CITIES)
        assert fetches(fake) == 1
        timer.now += 0.2
        await db.fetch_all(Q_CITIES)
        assert fetches(fake) == 2
        # per-query TTL overrides the default
        await db.fetch_all(Q_PEOPLE, (1,), ttl=1)
        timer.now += 1.5
        await db.fetch_all(Q_PEOPLE, (1,), ttl=1)
        assert fetches(fake) == 4


@pytest.mark.parametrize("policy", ["ttl", "lru"])
async def test_an_entry_is_not_served_at_exactly_its_ttl(fake: FakeBackend, policy: str) -> None:
    timer = FakeTimer()
    async for db in make_db(fake, Cache(policy, ttl=10, timer=timer)):  # type: ignore[arg-type]
        await db.fetch_all(Q_CITIES)
        timer.now += 10  # the entry's lifetime is [stored, stored + ttl)
        await db.fetch_all(Q_CITIES)
        assert fetches(fake) == 2


async def test_per_query_ttl_with_lru(fake: FakeBackend) -> None:
    timer = FakeTimer()
    async for db in make_db(fake, Cache("lru", timer=timer)):
        await db.fetch_all(Q_CITIES, ttl=5)
        await db.fetch_all(Q_PEOPLE, (1,))  # no TTL: lives until evicted or invalidated
        timer.now += 6
        await db.fetch_all(Q_CITIES, ttl=5)
        await db.fetch_all(Q_PEOPLE, (1,))
        assert fetches(fake) == 3
        assert db.cache.stats().evictions == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"policy": "fifo"},
        {"policy": "ttl"},
        {"maxsize": 0},
        {"max_bytes": -1},
        {"ttl": 0},
        {"ttl": "10"},
    ],
)
def test_bad_cache_settings(kwargs: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        Cache(**kwargs)  # type: ignore[arg-type]


# -------------------------------------------------------------------------------- invalidation


async def test_a_write_invalidates_the_tables_it_writes(db: Database, fake: FakeBackend) -> None:
    await db.fetch_all(Q_PEOPLE, (1,))
    await db.fetch_all(Q_CITIES)
    await db.fetch_all(Q_BOTH)
    await db.execute("UPDATE cities SET name = 'Rome' WHERE id = $1", (1,))
    assert fetches(fake) == 3
    await db.fetch_all(Q_PEOPLE, (1,))  # people untouched: still cached
    assert fetches(fake) == 3
    await db.fetch_all(Q_CITIES)
    await db.fetch_all(Q_BOTH)
    assert fetches(fake) == 5
    assert db.cache.stats().invalidations == 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("write", "dropped"),
    [
        ("INSERT INTO people (name) VALUES ('x')", {"people"}),
        ("DELETE FROM people WHERE id = 1", {"people"}),
        ("TRUNCATE people", {"people"}),
        ("DROP TABLE people", {"people"}),
        ("ALTER TABLE people ADD COLUMN age INT", {"people"}),
        (
            "INSERT INTO people (id, name) VALUES (1, 'x') "
            "ON CONFLICT (id) DO UPDATE SET name = 'y'",
            {"people"},
        ),
        ("WITH gone AS (DELETE FROM people RETURNING id) SELECT count(*) FROM gone", {"people"}),
        (
            "UPDATE cities SET name = 'x' FROM people "
            "WHERE people.city = cities.id AND people.id = 1",
            {"cities"},
        ),
        ("DELETE FROM cities USING people WHERE people.city = cities.id", {"cities"}),
    ],
)
async def test_every_kind_of_write_invalidates(
    db: Database, fake: FakeBackend, write: str, dropped: set[str]
) -> None:
    await db.fetch_all(Q_PEOPLE, (1,))
    await db.fetch_all(Q_CITIES)
    if write.startswith("WITH"):
        await db.fetch_all(write)
    else:
        await db.execute(write)
    before = len(fake.calls)
    await db.fetch_all(Q_PEOPLE, (1,))
    await db.fetch_all(Q_CITIES)
    refetched = {c.sql for c in fake.calls[before:]}
    # Dropping more than needed is safe (a statement the analysis cannot read clears all);
    # keeping an entry of a written table is the bug.
    assert {"people": Q_PEOPLE, "cities": Q_CITIES}.keys() & dropped <= {
        t for t, q in {"people": Q_PEOPLE, "cities": Q_CITIES}.items() if q in refetched
    }


async def test_unknown_write_clears_everything(db: Database, fake: FakeBackend) -> None:
    await db.fetch_all(Q_PEOPLE, (1,))
    await db.fetch_all(Q_CITIES)
    await db.execute("VACUUM")  # not understood by the analysis: tables unknown
    await db.fetch_all(Q_PEOPLE, (1,))
    await db.fetch_all(Q_CITIES)
    assert fetches(fake) == 4


async def test_a_failed_write_still_invalidates(db: Database, fake: FakeBackend) -> None:
    sql = "UPDATE people SET name = 'x'"
    fake.respond(sql, error=RuntimeError("connection lost after commit?"))
    await db.fetch_all(Q_PEOPLE, (1,))
    with pytest.raises(Exception, match="connection lost"):
        await db.execute(sql)
    await db.fetch_all(Q_PEOPLE, (1,))
    assert fetches(fake) == 2


async def test_manual_invalidate_and_clear(db: Database, fake: FakeBackend) -> None:
    cache = db.cache
    assert cache is not None
    await db.fetch_all(Q_PEOPLE, (1,))
    await db.fetch_all(Q_CITIES)
    cache.invalidate(table="CITIES")  # names are case-insensitive
    assert cache.stats().entries == 1
    cache.invalidate(table="public.people")  # a schema-qualified name is the table
    assert cache.stats().entries == 0
    await db.fetch_all(Q_PEOPLE, (1,))
    cache.invalidate(table=['"main"."People"'])  # quoted, in a list
    assert cache.stats().entries == 0
    cache.clear()
    assert cache.stats().entries == 0
    assert cache.stats().invalidations == 3


# -------------------------------------------------------------------------------- transactions


async def test_reads_in_a_transaction_bypass_the_cache(db: Database, fake: FakeBackend) -> None:
    await db.fetch_all(Q_CITIES)
    async with db.transaction():
        await db.fetch_all(Q_CITIES)
        await db.fetch_all(Q_PEOPLE, (1,))
    assert fetches(fake) == 3
    assert db.cache.stats().entries == 1  # type: ignore[union-attr]
    tx_connections = {c.connection for c in fake.calls if c.kind in ("begin", "commit")}
    assert len(tx_connections) == 1


async def test_commit_invalidates_again(db: Database, fake: FakeBackend) -> None:
    """A read outside the transaction between its write and its COMMIT sees the old rows and
    may be cached; COMMIT must drop it."""
    cache = db.cache
    assert cache is not None
    ready, go = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with db.transaction():
            await db.execute("UPDATE cities SET name = 'Rome'")
            ready.set()
            await go.wait()

    task = asyncio.create_task(writer())
    await ready.wait()
    await db.fetch_all(Q_CITIES)  # outside the transaction (another task's context)
    assert cache.stats().entries == 1
    go.set()
    await task
    assert cache.stats().entries == 0
    await db.fetch_all(Q_CITIES)
    assert fetches(fake) == 2


async def test_rollback_leaves_no_trace(db: Database, fake: FakeBackend) -> None:
    cache = db.cache
    assert cache is not None
    await db.fetch_all(Q_PEOPLE, (1,))
    with pytest.raises(ZeroDivisionError):
        async with db.transaction():
            await db.execute("UPDATE cities SET name = 'Rome'")
            await db.fetch_all(Q_CITIES)
            1 / 0  # noqa: B018
    kinds = [c.kind for c in fake.calls if c.kind in ("begin", "commit", "rollback")]
    assert kinds == ["begin", "rollback"]
    assert cache.stats().entries == 1  # people's entry, cached before: untouched
    await db.fetch_all(Q_CITIES)
    await db.fetch_all(Q_CITIES)
    assert fetches(fake) == 3  # the transaction's read was not cached; the new one is


async def test_nested_transactions_use_savepoints(db: Database, fake: FakeBackend) -> None:
    async with db.transaction(isolation="serializable"):
        await db.execute("UPDATE people SET name = 'a'")
        with pytest.raises(KeyError):
            async with db.transaction():
                await db.execute("UPDATE cities SET name = 'b'")
                raise KeyError
        async with db.transaction():
            await db.execute("UPDATE people SET name = 'c'")
    sequence = [c.sql for c in fake.calls if c.kind != "fetch"]
    assert sequence == [
        "BEGIN",
        "UPDATE people SET name = 'a'",
        "SAVEPOINT sqlshift_sp_1",
        "UPDATE cities SET name = 'b'",
        "ROLLBACK TO SAVEPOINT sqlshift_sp_1",
        "RELEASE SAVEPOINT sqlshift_sp_1",
        "SAVEPOINT sqlshift_sp_2",
        "UPDATE people SET name = 'c'",
        "RELEASE SAVEPOINT sqlshift_sp_2",
        "COMMIT",
    ]
    assert next(c for c in fake.calls if c.kind == "begin").args == "serializable"


async def test_isolation_is_validated(db: Database) -> None:
    with pytest.raises(ConfigurationError, match="isolation"):
        db.transaction(isolation="chaos")
    async with db.transaction():
        with pytest.raises(ConfigurationError, match="outermost"):
            async with db.transaction(isolation="serializable"):
                pass


async def test_manual_transaction_api(db: Database, fake: FakeBackend) -> None:
    tx = await db.transaction().start()
    await db.execute("UPDATE people SET name = 'x'")
    await tx.rollback()
    await db.execute("UPDATE people SET name = 'y'")  # autocommit again, on a new connection
    calls = [c for c in fake.calls if c.kind in ("begin", "rollback", "execute")]
    assert [c.kind for c in calls] == ["begin", "execute", "rollback", "execute"]
    assert calls[0].connection == calls[1].connection != calls[3].connection


# ------------------------------------------------------------------------ single flight and race


async def test_concurrent_identical_misses_run_one_query(fake: FakeBackend) -> None:
    release = asyncio.Event()

    async def slow(call: Call) -> Answer | None:
        if call.kind == "fetch":
            await release.wait()
        return None

    fake.handler = slow
    async for db in make_db(fake):
        tasks = [asyncio.create_task(db.fetch_all(Q_CITIES)) for _ in range(20)]
        await asyncio.sleep(0)
        release.set()
        results = await asyncio.gather(*tasks)
        assert all(r is results[0] for r in results)
        assert fetches(fake) == 1
        stats = db.cache.stats()  # type: ignore[union-attr]
        assert (stats.misses, stats.coalesced) == (1, 19)


async def test_a_read_in_flight_during_a_write_is_not_stored(fake: FakeBackend) -> None:
    started, release = asyncio.Event(), asyncio.Event()
    version = {"name": "old"}

    async def handler(call: Call) -> Answer | None:
        if call.kind == "fetch" and call.sql == Q_CITIES:
            name = version["name"]  # the read sees the data as it was when it ran
            started.set()
            await release.wait()
            return Answer(("name",), [(name,)])
        if call.kind == "execute":
            version["name"] = "new"
        return None

    fake.handler = handler
    async for db in make_db(fake):
        old_read = asyncio.create_task(db.fetch_all(Q_CITIES))
        await started.wait()
        await db.execute("UPDATE cities SET name = 'new'")
        # A read that starts after the write must not join the read that started before it.
        started.clear()
        new_read = asyncio.create_task(db.fetch_all(Q_CITIES))
        await started.wait()
        release.set()
        assert await old_read == (("old",),)
        assert await new_read == (("new",),)
        assert await db.fetch_all(Q_CITIES) == (("new",),)
        stats = db.cache.stats()  # type: ignore[union-attr]
        assert stats.discarded == 1
        assert stats.hits == 1


async def test_cancelled_leader_hands_over_to_a_waiter(fake: FakeBackend) -> None:
    gate = asyncio.Event()
    calls = 0

    async def handler(call: Call) -> Answer | None:
        nonlocal calls
        if call.kind == "fetch":
            calls += 1
            if calls == 1:
                await gate.wait()  # the first (leading) read hangs until cancelled
        return None

    fake.handler = handler
    async for db in make_db(fake):
        leader = asyncio.create_task(db.fetch_all(Q_CITIES))
        await asyncio.sleep(0.01)
        waiter = asyncio.create_task(db.fetch_all(Q_CITIES))
        await asyncio.sleep(0.01)
        leader.cancel()
        assert await waiter == (("Oslo",), ("Lima",))
        with pytest.raises(asyncio.CancelledError):
            await leader
        assert calls == 2


async def test_the_leaders_error_reaches_the_waiters(fake: FakeBackend) -> None:
    gate = asyncio.Event()

    async def handler(call: Call) -> Answer | None:
        await gate.wait()
        return Answer(error=RuntimeError("boom"))

    fake.handler = handler
    async for db in make_db(fake):
        tasks = [asyncio.create_task(db.fetch_all(Q_CITIES)) for _ in range(3)]
        await asyncio.sleep(0.01)
        gate.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all("boom" in str(r) for r in results)
        assert fetches(fake) == 1
        assert db.cache.stats().entries == 0  # type: ignore[union-attr]


async def _in_flight(
    cache: Cache, key: str, tables: frozenset[str]
) -> tuple[asyncio.Task[object], asyncio.Event]:
    """A miss of ``key`` whose load waits for the returned event."""
    release = asyncio.Event()

    async def load() -> object:
        await release.wait()
        return ("rows",)

    task: asyncio.Task[object] = asyncio.create_task(
        cache.get_or_load((key,), tables, load, sizeof=lambda rows: 10)
    )
    await asyncio.sleep(0)  # let it start (and capture the write clock)
    return task, release


async def test_a_write_to_another_table_during_a_read_does_not_stop_its_store() -> None:
    cache = Cache()
    task, release = await _in_flight(cache, "q", frozenset({"cities"}))
    cache.invalidate_written(frozenset({"people"}))
    release.set()
    await task
    assert cache.lookup(("q",)) == ("rows",)
    assert cache.stats().discarded == 0


async def test_a_clear_during_a_read_stops_its_store() -> None:
    cache = Cache()
    task, release = await _in_flight(cache, "q", frozenset({"cities"}))
    cache.clear()
    release.set()
    assert await task == ("rows",)  # the caller still gets its rows
    assert cache.lookup(("q",)) is None
    assert cache.stats().discarded == 1


async def test_tracked_tables_are_bounded_without_a_stale_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sqlshift.executor import cache as cache_module

    monkeypatch.setattr(cache_module, "_MAX_TRACKED_TABLES", 3)
    cache = Cache()
    stale, release_stale = await _in_flight(cache, "stale", frozenset({"t0"}))
    for name in ("t0", "t1", "t2"):
        cache.invalidate_written(frozenset({name}))  # t0: the in-flight read is now stale
    # the fourth table resets the tracking: t0's tick is forgotten, reads in flight not stored
    cache.invalidate_written(frozenset({"t3"}))
    assert len(cache._invalidated_at) <= 3
    release_stale.set()
    await stale
    assert cache.lookup(("stale",)) is None
    fresh, release_fresh = await _in_flight(cache, "fresh", frozenset({"t0"}))
    release_fresh.set()
    await fresh
    assert cache.lookup(("fresh",)) == ("rows",)


def test_documented_defaults_and_immutable_stats() -> None:
    cache = Cache()
    assert (cache.policy, cache.maxsize, cache.max_bytes, cache.ttl) == (
        "lru",
        1024,
        64 * 1024 * 1024,
        None,
    )
    assert repr(Cache("ttl", maxsize=5, ttl=2)) == (
        f"Cache(policy='ttl', maxsize=5, max_bytes={64 * 1024 * 1024}, ttl=2)"
    )
    stats = cache.stats()
    with pytest.raises(AttributeError):
        stats.hits = 5  # type: ignore[misc]


async def test_a_read_right_after_a_write_is_stored(db: Database, fake: FakeBackend) -> None:
    """A read that starts after an invalidation is current (tick <= start): it is stored."""
    await db.execute("UPDATE cities SET name = 'Rome' WHERE id = $1", (1,))
    await db.fetch_all(Q_CITIES)
    await db.fetch_all(Q_CITIES)
    assert fetches(fake) == 1


async def test_a_result_of_exactly_max_bytes_is_stored() -> None:
    cache = Cache(max_bytes=10)

    async def load() -> object:
        return ("rows",)

    await cache.get_or_load(("k",), frozenset({"t"}), load, sizeof=lambda rows: 10)
    assert cache.lookup(("k",)) == ("rows",)
    await cache.get_or_load(("big",), frozenset({"t"}), load, sizeof=lambda rows: 11)
    assert cache.lookup(("big",)) is None


async def test_waiters_of_an_unshareable_result_load_their_own() -> None:
    """A result holding mutable values is not shared: each waiter runs the query itself."""
    cache = Cache()
    gate = asyncio.Event()
    calls = 0

    async def load() -> object:
        nonlocal calls
        calls += 1
        await gate.wait()
        return [["mutable"]]

    tasks = [
        asyncio.create_task(
            cache.get_or_load(("k",), frozenset({"t"}), load, sizeof=lambda rows: None)
        )
        for _ in range(3)
    ]
    await asyncio.sleep(0.01)
    gate.set()
    results = await asyncio.gather(*tasks)
    assert results == [[["mutable"]]] * 3
    assert calls == 3 and cache.lookup(("k",)) is None


async def test_a_read_after_a_write_survives_a_later_write_elsewhere() -> None:
    """A read that started after `cities` was written is current for `cities`, even when
    another table is written while it runs."""
    cache = Cache()
    cache.invalidate_written(frozenset({"cities"}))
    task, release = await _in_flight(cache, "q", frozenset({"cities"}))
    cache.invalidate_written(frozenset({"people"}))
    release.set()
    await task
    assert cache.lookup(("q",)) == ("rows",)


async def test_a_failed_rollback_does_not_hide_the_original_error(fake: FakeBackend) -> None:
    """A killed session fails the statement and then the ROLLBACK: the caller sees the
    statement's error (the rollback's is a note on it); a cancellation stays a cancellation."""

    def handler(call: Call) -> Answer | None:
        if call.kind == "rollback":
            return Answer(error=ConnectionError("not connected"))
        if call.kind == "execute":
            return Answer(error=RuntimeError("server closed the connection"))
        return None

    fake.handler = handler
    async for db in make_db(fake):
        with pytest.raises(ExecutionError, match="server closed the connection") as caught:
            async with db.transaction():
                await db.execute("UPDATE cities SET name = 'x' WHERE id = $1", (1,))
        assert any("ROLLBACK" in note for note in caught.value.__notes__)

        async def cancelled_inside(database: Database) -> None:
            async with database.transaction():
                raise asyncio.CancelledError

        task = asyncio.create_task(cancelled_inside(db))
        with pytest.raises(asyncio.CancelledError):
            await task
        assert task.cancelled()


async def test_a_miss_is_sized_after_its_caller_has_the_rows() -> None:
    """Issue 12, item 7: the rows go back first; they are measured and stored by the callback
    the loop runs next, or as soon as anything looks at the cache, which then sees exactly
    what storing at once would have left."""
    timer = FakeTimer()
    cache = Cache(ttl=10, timer=timer)
    sized: list[object] = []

    def sizeof(rows: object) -> int:
        sized.append(rows)
        return 100

    async def load() -> tuple[tuple[str], ...]:
        return (("Oslo",),)

    key = ("db", "SELECT name FROM cities", ())
    rows = await cache.miss(key, frozenset({"cities"}), load, sizeof=sizeof)
    assert rows == (("Oslo",),) and sized == []  # not measured on the caller's path
    assert cache.lookup(key) is rows and sized == [rows]  # measured when looked at
    # the lifetime starts when the read finished, not when the rows were measured
    other = ("db", "SELECT name FROM cities WHERE 1 = 1", ())
    await cache.miss(other, frozenset({"cities"}), load, sizeof=sizeof)
    timer.now += 10
    assert cache.lookup(other) is None
    # a write right after a miss leaves nothing behind
    third = ("db", "SELECT 3", ())
    await cache.miss(third, frozenset({"cities"}), load, sizeof=sizeof)
    cache.invalidate_written(frozenset({"cities"}))
    assert cache.lookup(third) is None and cache.stats().entries == 0
    # left alone, the loop stores it by itself
    fourth = ("db", "SELECT 4", ())
    await cache.miss(fourth, frozenset({"cities"}), load, sizeof=sizeof)
    count = len(sized)
    await asyncio.sleep(0)
    assert len(sized) == count + 1 and not cache._unsized
    assert cache.stats().entries == 1


async def test_an_identical_read_right_after_a_miss_is_a_hit() -> None:
    """Nothing yields between the two calls: the second one stores the first's rows, then
    finds them (a hit, not a second load nor a coalesced wait)."""
    cache = Cache()
    loads = 0

    async def load() -> tuple[tuple[str], ...]:
        nonlocal loads
        loads += 1
        return (("Oslo",),)

    key = ("db", "SELECT name FROM cities", ())
    first = await cache.miss(key, frozenset({"cities"}), load)
    second = await cache.get_or_load(key, frozenset({"cities"}), load)
    assert first is second and loads == 1
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.coalesced) == (1, 1, 0)
