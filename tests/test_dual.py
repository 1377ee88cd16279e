"""`sqlshift.dual` on the real engines: an application moving from SQLite or MariaDB to
PostgreSQL through the five phases, the new database made unreachable for part of the run (a
TCP proxy in front of it, stopped and started again) and caught up from the outbox, shadow
reads that find a difference planted on purpose, phase changes under concurrent writers, and
the outbox's command line. Afterwards `verify` reports the two databases identical, and
nothing was written twice."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from engines import EnginePool
from test_migrate import _mysql_database, pg_database  # noqa: F401 (a fixture)

from sqlshift import ConfigurationError, DualWriteError, connect, dual
from sqlshift.cli import main
from sqlshift.move.migrate import migrate

SCHEMA = {
    "sqlite": [
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "balance DECIMAL(10, 2) NOT NULL DEFAULT 0)",
        "CREATE TABLE counters (name VARCHAR(20) PRIMARY KEY, n INTEGER NOT NULL)",
    ],
    "mysql": [
        "CREATE TABLE accounts (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, "
        "balance DECIMAL(10, 2) NOT NULL DEFAULT 0)",
        "CREATE TABLE counters (name VARCHAR(20) PRIMARY KEY, n INT NOT NULL)",
    ],
}
MARK = {"sqlite": "?", "mysql": "%s"}
UPSERT = {
    "sqlite": "INSERT INTO counters (name, n) VALUES (?, 1) "
    "ON CONFLICT (name) DO UPDATE SET n = counters.n + 1",
    "mysql": "INSERT INTO counters (name, n) VALUES (%s, 1) ON DUPLICATE KEY UPDATE n = n + 1",
}


class Proxy:
    """A TCP proxy to PostgreSQL that a test stops (every connection cut, new ones refused)
    and starts again on the same port."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.listen_port = 0
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.listen_port)
        self.listen_port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(self.host, self.port)
        except OSError:
            writer.transport.abort()
            return
        self._links |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


def _proxied(url: str, proxy: Proxy) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.replace(
        f"{parts.hostname}:{parts.port or 5432}", f"127.0.0.1:{proxy.listen_port}"
    )
    return (
        parts._replace(netloc=netloc).geturl() + ("&" if parts.query else "?") + "connect_timeout=1"
    )


async def _setup(old_url: str, dialect: str) -> None:
    db = await connect(old_url)
    try:
        for statement in SCHEMA[dialect]:
            await db.execute(statement)
        await db.execute_many(
            f"INSERT INTO accounts (name, balance) VALUES ({MARK[dialect]}, {MARK[dialect]})",
            [("first", Decimal("1.50")), ("second", Decimal("0"))],
        )
    finally:
        await db.close()


async def _workload(db: Any, dialect: str, tag: str, rounds: int = 5) -> list[int]:
    """Inserts with generated ids, updates, deletes, upserts, a committed and a rolled-back
    transaction; the ids the primary gave."""
    m = MARK[dialect]
    ids = []
    for i in range(rounds):
        await db.execute(
            f"INSERT INTO accounts (name, balance) VALUES ({m}, {m})", [f"{tag}{i}", Decimal(i) / 4]
        )
        ids.append(await db.fetch_val("SELECT MAX(id) FROM accounts"))
        await db.execute(
            f"UPDATE accounts SET balance = balance + 1 WHERE name = {m}", [f"{tag}{i}"]
        )
        await db.execute(UPSERT[dialect], [tag])
    await db.execute(f"DELETE FROM accounts WHERE name = {m}", [f"{tag}0"])
    async with db.transaction():
        await db.execute(f"INSERT INTO accounts (name) VALUES ({m})", [f"{tag}-tx"])
        await db.execute(UPSERT[dialect], [tag])
    with contextlib.suppress(RuntimeError):
        async with db.transaction():
            await db.execute(f"INSERT INTO accounts (name) VALUES ({m})", [f"{tag}-gone"])
            await db.execute(UPSERT[dialect], [tag])
            raise RuntimeError("rolled back")
    return ids


async def _identical(db: Any) -> None:
    checks = await db.verify()
    assert [(c.name, c.equal, c.differences) for c in checks] == [
        ("accounts", True, 0), ("counters", True, 0),
    ], checks  # fmt: skip


@pytest.fixture
def outbox(tmp_path: Path) -> str:
    return str(tmp_path / "outbox.db")


@pytest.fixture
def mysql_old(engines: EnginePool) -> Iterator[str]:
    engines.get("mysql")
    with _mysql_database(f"sqlshift_dual_{os.getpid()}") as url:
        yield url


@pytest.fixture
async def proxy(engines: EnginePool) -> AsyncIterator[Proxy]:
    engines.get("postgres")
    parts = urlsplit(os.environ.get("SQLSHIFT_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    found = Proxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await found.start()
    try:
        yield found
    finally:
        with contextlib.suppress(Exception):
            await found.stop()


@pytest.mark.parametrize("old", ["sqlite", "mysql"])
async def test_five_phases_with_the_new_database_down_for_a_while(
    old: str,
    pg_database: str,  # noqa: F811
    mysql_old: str,
    proxy: Proxy,
    outbox: str,
    tmp_path: Path,
) -> None:
    old_url = mysql_old if old == "mysql" else f"sqlite:///{tmp_path / 'old.db'}"
    new_url = _proxied(pg_database, proxy)
    await _setup(old_url, old)
    db = await dual(old_url, new_url, source=old, phase="old-only", outbox=outbox)
    try:
        # 1. old only; then the new database gets a copy
        await _workload(db, old, "a")
        assert (await migrate(old_url, pg_database)).ok
        await db.load_keys()
        # 2. dual write
        db.set_phase("dual-write")
        ids = await _workload(db, old, "b")
        await _identical_after_drain(db)
        # the new database goes away: writes go on, wait in the outbox, and are caught up
        await proxy.stop()
        down_ids = await _workload(db, old, "c")
        health = await db.health()
        assert not health["new"]["ok"] and health["old"]["ok"]
        assert health["outbox"]["pending"] > 0 and health["outbox"]["lag_seconds"] >= 0
        await proxy.start()
        await _identical_after_drain(db)
        # 3. dual read: a difference planted on the new side is found by the shadow reads
        db.set_phase("dual-read")
        new = await connect(pg_database)
        await new.execute("UPDATE accounts SET name = 'planted' WHERE id = $1", [ids[1]])
        m = MARK[old]
        for _ in range(3):
            await db.fetch_all(f"SELECT id, name FROM accounts WHERE id = {m}", [ids[1]])
            await db.fetch_all("SELECT COUNT(*) FROM counters")
        await _shadows_done(db)
        stats = db.compare.stats()
        assert stats["mismatched"] == 3 and stats["matched"] == 3, stats
        [mismatch] = stats["mismatches"].values()
        assert mismatch["mismatched"] == 3 and "accounts" in mismatch["text"]
        assert mismatch["example"]["arguments"] == "1 redacted"
        await new.execute("UPDATE accounts SET name = $1 WHERE id = $2", ["b1", ids[1]])
        await new.close()
        await _identical_after_drain(db)
        # 4. new primary: the new database answers, the old one follows with the same ids
        db.set_phase("new-primary")
        later = await _workload(db, old, "d")
        assert later[-1] > max(down_ids)
        await _identical_after_drain(db)
        # 5. new only
        db.set_phase("new-only")
        await _workload(db, old, "e", rounds=2)
        assert db.outbox.depth() == 0
    finally:
        await db.close()
    # nothing written twice: each insert and upsert happened once on each side
    check = await connect(pg_database)
    try:
        assert await check.fetch_val("SELECT n FROM counters WHERE name = 'c'") == 6
        assert await check.fetch_val("SELECT COUNT(*) FROM accounts WHERE name LIKE 'c%'") == 5
    finally:
        await check.close()


async def _sqlite_copied_to(new_url: str, tmp_path: Path) -> str:
    """A SQLite database with the schema and two rows, copied to ``new_url``; its URL."""
    old_url = f"sqlite:///{tmp_path / 'old.db'}"
    await _setup(old_url, "sqlite")
    assert (await migrate(old_url, new_url)).ok
    return old_url


async def _identical_after_drain(db: Any) -> None:
    assert await db.drain(timeout=30), f"the outbox did not drain: {db.last_error}"
    await _identical(db)


async def _shadows_done(db: Any) -> None:
    for _ in range(100):
        if not db._shadows:
            return
        await asyncio.sleep(0.02)


async def test_phase_changes_under_concurrent_writers(
    pg_database: str,  # noqa: F811
    outbox: str,
    tmp_path: Path,
) -> None:
    old_url = await _sqlite_copied_to(pg_database, tmp_path)
    db = await dual(old_url, pg_database, source="sqlite", phase="dual-write", outbox=outbox)
    try:

        async def writer(n: int) -> None:
            for i in range(20):
                await db.execute("INSERT INTO accounts (name) VALUES (?)", [f"w{n}-{i}"])
                await db.execute(UPSERT["sqlite"], [f"w{n}"])
                await asyncio.sleep(0)

        tasks = [asyncio.create_task(writer(n)) for n in range(4)]
        await asyncio.sleep(0.05)
        db.set_phase("dual-read")
        await asyncio.gather(*tasks)
        assert await db.drain()
        db.set_phase("new-primary")
        tasks = [asyncio.create_task(writer(n + 10)) for n in range(4)]
        await asyncio.gather(*tasks)
        await _identical_after_drain(db)
    finally:
        await db.close()


async def test_values_each_side_would_compute_are_refused(
    pg_database: str,  # noqa: F811
    outbox: str,
    tmp_path: Path,
) -> None:
    old_url = await _sqlite_copied_to(pg_database, tmp_path)
    db = await dual(old_url, pg_database, source="sqlite", phase="dual-write", outbox=outbox)
    try:
        with pytest.raises(DualWriteError, match="dual-write-nondeterministic"):
            await db.execute("INSERT INTO accounts (name) VALUES (datetime('now'))")
        with pytest.raises(ConfigurationError, match="cannot keep an argument"):
            await db.execute("UPDATE accounts SET name = ? WHERE id = 1", [("a", "tuple")])
        assert await db.fetch_val("SELECT name FROM accounts WHERE id = 1") == "first"
        with pytest.raises(DualWriteError, match="LIMIT without ORDER BY"):
            await db.execute("INSERT INTO counters SELECT name, 1 FROM accounts LIMIT 1")
        with pytest.raises(DualWriteError, match="dual-write-generated-key"):
            await db.execute("INSERT INTO accounts (name) VALUES ('x'), ('y')")
        # rows given their keys, and one-row inserts, go through; execute_many row by row
        await db.execute("INSERT INTO accounts (id, name) VALUES (100, 'a'), (101, 'b')")
        await db.execute_many("INSERT INTO accounts (name) VALUES (?)", [["m1"], ["m2"]])
        await _identical_after_drain(db)
    finally:
        await db.close()


def test_the_outbox_command_line_replays_once(
    pg_database: str,  # noqa: F811
    outbox: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old_url = f"sqlite:///{tmp_path / 'old.db'}"
    with socket.socket() as probe:  # a port nothing listens on: the new database is down
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    parts = urlsplit(pg_database)
    down = parts._replace(netloc=f"postgres@127.0.0.1:{port}").geturl() + "?connect_timeout=1"

    async def run() -> int:
        await _setup(old_url, "sqlite")
        assert (await migrate(old_url, pg_database)).ok
        db = await dual(old_url, down, source="sqlite", phase="dual-write", outbox=outbox)
        await _workload(db, "sqlite", "z", rounds=3)
        depth = db.outbox.depth()
        await db.close()
        return depth

    assert asyncio.run(run()) == 11  # 3 x (insert, update, upsert), a delete, a transaction
    assert main(["outbox", "status", outbox, "--json"]) == 0
    pending = json.loads(capsys.readouterr().out)
    assert len(pending) == 11 and all(e["side"] == "new" for e in pending)
    assert any("refused" in (e["error"] or "") or e["error"] for e in pending)
    assert main(["outbox", "status", outbox]) == 0
    assert capsys.readouterr().out.startswith("11 pending\n#")
    assert main(["outbox", "replay", outbox, "--to", pg_database]) == 0
    assert capsys.readouterr().out.startswith("11 applied, 0 applied before, 0 discarded ")
    assert main(["outbox", "replay", outbox, "--to", pg_database]) == 0
    assert capsys.readouterr().out.startswith("0 applied, 0 applied before, 0 discarded ")
    # a replay killed after the target's commit, before the outbox said "done": not again
    with sqlite3.connect(outbox) as conn:
        conn.execute("UPDATE entries SET done = 0")
    assert main(["outbox", "replay", outbox, "--to", pg_database]) == 0
    assert capsys.readouterr().out.startswith("0 applied, 11 applied before, 0 discarded ")

    async def identical() -> None:
        check = await dual(old_url, pg_database, source="sqlite", outbox=outbox)
        try:
            await _identical(check)
        finally:
            await check.close()

    asyncio.run(identical())


async def test_flags_from_a_file_and_an_environment_variable(
    tmp_path: Path, outbox: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    new_url = f"sqlite:///{tmp_path / 'new.db'}"
    old_url = await _sqlite_copied_to(new_url, tmp_path)
    flags_file = tmp_path / "flags.json"
    flags_file.write_text('{"phase": "dual-write"}')
    monkeypatch.delenv("APP_DUAL", raising=False)
    db = await dual(old_url, new_url, source="sqlite", outbox=outbox,
                    flags_file=str(flags_file), flags_env="APP_DUAL")  # fmt: skip
    try:
        assert db.phase == "dual-write"
        await db.execute("INSERT INTO accounts (name) VALUES (?)", ["via file"])
        monkeypatch.setenv("APP_DUAL", "dual-read")
        assert db.phase == "dual-read" and db.flags.reads_secondary
        monkeypatch.setenv("APP_DUAL", '{"READ_OLD": false, "WRITE_OLD": true}')  # no primary
        assert db.phase == "dual-read" and "not applied" in caplog.text
        flags_file.write_text("not json")
        os.utime(flags_file, (1, 1))  # (a new mtime)
        await asyncio.sleep(0.25)
        assert db.phase == "dual-read"
        assert await db.drain()
        monkeypatch.setenv("APP_DUAL", "new-primary")
        assert db.phase == "new-primary" and db.primary is db.new
        await _identical(db)
    finally:
        await db.close()


async def test_a_mismatch_is_listed_in_the_profiler_report(tmp_path: Path, outbox: str) -> None:
    new_url = f"sqlite:///{tmp_path / 'new.db'}"
    old_url = await _sqlite_copied_to(new_url, tmp_path)
    db = await dual(old_url, new_url, source="sqlite", phase="dual-read", outbox=outbox,
                    profiler=True)  # fmt: skip
    try:
        await db.new.execute("UPDATE accounts SET balance = 99 WHERE id = 1")
        await db.fetch_all("SELECT name, balance FROM accounts ORDER BY id")
        await db.fetch_all("SELECT COUNT(*) FROM accounts")
        await _shadows_done(db)
        rows = {r.text: r for r in db.profiler.report().rows}
        listed = rows["SELECT name, balance FROM accounts ORDER BY id"]
        assert [f.code for f in listed.findings if f.code == "shadow-mismatch"] == [
            "shadow-mismatch"
        ]
        assert "1 of 1 shadow reads on the new database" in str(db.profiler.report())
        count = rows["SELECT COUNT(*) FROM accounts"]
        assert not [f for f in count.findings if f.code == "shadow-mismatch"]
    finally:
        await db.close()


async def test_a_new_database_down_at_the_start_is_caught_up_when_it_answers(
    pg_database: str,  # noqa: F811
    proxy: Proxy,
    outbox: str,
    tmp_path: Path,
) -> None:
    old_url = await _sqlite_copied_to(pg_database, tmp_path)
    await proxy.stop()
    db = await dual(old_url, _proxied(pg_database, proxy), source="sqlite", phase="dual-write",
                    outbox=outbox)  # fmt: skip
    try:
        assert not db.new.is_open
        await _workload(db, "sqlite", "late", rounds=2)
        assert not (await db.health())["new"]["ok"]
        with pytest.raises(ConfigurationError, match="8 writes for the new database wait"):
            db.set_phase("new-primary")  # (it would answer without them)
        assert db.phase == "dual-write"
        await proxy.start()
        await _identical_after_drain(db)
    finally:
        await db.close()


async def test_a_transaction_keeps_its_primary_when_the_phase_changes(
    tmp_path: Path, outbox: str
) -> None:
    new_url = f"sqlite:///{tmp_path / 'new.db'}"
    old_url = await _sqlite_copied_to(new_url, tmp_path)
    db = await dual(old_url, new_url, source="sqlite", phase="dual-write", outbox=outbox)
    try:
        async with db.transaction():
            await db.execute("INSERT INTO accounts (name) VALUES (?)", ["in tx"])
            assert await db.drain()
            db.set_phase("new-primary")  # (for the calls after this transaction)
            # still the old database's transaction: it sees its own uncommitted row
            assert await db.fetch_val("SELECT COUNT(*) FROM accounts WHERE name = 'in tx'") == 1
            await db.execute("UPDATE accounts SET balance = 5 WHERE name = ?", ["in tx"])
        assert db.primary is db.new
        await _identical_after_drain(db)
        assert await db.fetch_val("SELECT balance FROM accounts WHERE name = 'in tx'") == 5
    finally:
        await db.close()


async def test_prometheus_metrics_of_a_dual_run(tmp_path: Path, outbox: str) -> None:
    from prometheus_client import CollectorRegistry

    from sqlshift.executor.metrics import register_dual

    new_url = f"sqlite:///{tmp_path / 'new.db'}"
    old_url = await _sqlite_copied_to(new_url, tmp_path)
    db = await dual(old_url, new_url, source="sqlite", phase="dual-read", outbox=outbox)
    registry = CollectorRegistry()
    register_dual(db, registry)
    try:
        await db.new.execute("UPDATE accounts SET name = 'planted' WHERE id = 1")
        await db.fetch_all("SELECT id, name FROM accounts ORDER BY id")
        await _shadows_done(db)
        value = registry.get_sample_value
        assert value("sqlshift_dual_shadow_reads_total", {"outcome": "mismatched"}) == 1
        assert value("sqlshift_dual_outbox_pending", {"side": "new"}) == 0
        [fingerprint] = db.compare.stats()["mismatches"]
        assert value("sqlshift_dual_mismatches_total", {"fingerprint": fingerprint}) == 1
        # (written to the file directly: no applier is woken, the entry waits)
        db.outbox.append("new", "sqlite", [("DELETE FROM accounts WHERE id = 2", None)])
        assert value("sqlshift_dual_outbox_pending", {"side": "new"}) == 1
        assert value("sqlshift_dual_outbox_lag_seconds") >= 0
    finally:
        await db.close()


CRASHING = """
import asyncio, contextvars, os, sys
from decimal import Decimal
from sqlshift import dual
from sqlshift.executor import database

old, new, box, dialect, when = sys.argv[1:6]
mark = "?" if dialect == "sqlite" else "%s"
crash = contextvars.ContextVar("crash", default=False)  # (this task's, not the applier's)
finish = database.Transaction._finish

async def dying(self, *, commit):
    if crash.get() and commit and when == "before":
        os._exit(9)  # killed with the primary's transaction open: the server rolls it back
    await finish(self, commit=commit)
    if crash.get() and commit and when == "after":
        os._exit(9)  # killed as its COMMIT returned, before anyone learnt of it

database.Transaction._finish = dying

async def main():
    db = await dual(old, new, source=dialect, phase="dual-write", outbox=box)
    await db.execute(
        f"INSERT INTO accounts (name, balance) VALUES ({mark}, {mark})", [when, Decimal("1")]
    )
    crash.set(True)
    await db.execute(f"UPDATE accounts SET balance = balance + 10 WHERE name = {mark}", ["first"])

asyncio.run(main())
sys.exit(3)
"""


@pytest.mark.parametrize("old", ["sqlite", "mysql"])
def test_a_process_killed_around_the_primarys_commit_loses_nothing(
    old: str,
    request: pytest.FixtureRequest,
    pg_database: str,  # noqa: F811
    outbox: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Two processes killed during a dual write's COMMIT, before and after it: the outbox
    keeps both as intents, and the primary's commit rows decide them (one applied, one
    discarded), by the next run's applier (MariaDB) or by `outbox replay --primary`
    (SQLite)."""
    old_url = (
        f"sqlite:///{tmp_path / 'old.db'}"
        if old == "sqlite"
        else request.getfixturevalue("mysql_old")
    )
    with socket.socket() as probe:  # (the new database down: every entry stays in the outbox)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = urlsplit(pg_database)._replace(netloc=f"postgres@127.0.0.1:{port}").geturl()

    async def prepare() -> None:
        await _setup(old_url, old)
        assert (await migrate(old_url, pg_database)).ok

    asyncio.run(prepare())
    script = tmp_path / "crashing.py"
    script.write_text(CRASHING)
    for when in ("before", "after"):
        argv = [
            sys.executable,
            str(script),
            old_url,
            down + "?connect_timeout=1",
            outbox,
            old,
            when,
        ]
        ran = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        assert ran.returncode == 9, ran.stderr
    with sqlite3.connect(outbox) as conn:
        entries = conn.execute("SELECT side, state, done FROM entries ORDER BY id").fetchall()
    # the killed writes are intents; the second run may have decided the first's already
    # (it is discarded then), and recorded its own insert as committed (new is down)
    assert entries[1] in [("new", "intent", 0), ("new", "discarded", 1)], entries
    assert len(entries) == 4 and entries[3] == ("new", "intent", 0), entries
    pending = sum(not done for _, _, done in entries)

    async def balances(url: str) -> dict[str, Decimal]:
        db = await connect(url)
        try:
            rows = await db.fetch_native("SELECT name, balance FROM accounts")
            return {str(name): Decimal(balance) for name, balance in rows}
        finally:
            await db.close()

    expected = {"first": Decimal("11.50"), "second": Decimal(0), "before": Decimal(1),
                "after": Decimal(1)}  # fmt: skip
    assert asyncio.run(balances(old_url)) == expected  # (the primary: the truth)

    async def caught_up() -> None:
        db = await dual(old_url, pg_database, source=old, phase="dual-write", outbox=outbox)
        try:
            assert await db.drain(timeout=60)
            await _identical(db)
            left = await db.old.fetch_native("SELECT COUNT(*) FROM sqlshift_outbox_commits")
            assert left[0][0] == 0  # (the commit rows of settled entries are deleted)
        finally:
            await db.close()

    if old == "sqlite":
        assert main(["outbox", "replay", outbox, "--to", pg_database]) != 0
        assert "pass --primary URL" in capsys.readouterr().err
        assert main(["outbox", "replay", outbox, "--to", pg_database, "--primary", old_url]) == 0
        said = capsys.readouterr().out
        assert said.startswith(f"3 applied, 0 applied before, {pending - 3} discarded "), said
        with sqlite3.connect(tmp_path / "old.db") as conn:  # (replay deleted the commit rows)
            assert conn.execute("SELECT COUNT(*) FROM sqlshift_outbox_commits").fetchone() == (0,)
    asyncio.run(caught_up())
    assert asyncio.run(balances(pg_database)) == expected
    with sqlite3.connect(outbox) as conn:
        states = conn.execute("SELECT state, done FROM entries ORDER BY id").fetchall()
    assert states == [("committed", 1), ("discarded", 1), ("committed", 1), ("committed", 1)]


@pytest.mark.parametrize(
    ("dialect", "sql", "args", "expected"),
    [
        ("sqlite", "INSERT INTO t (a, b) VALUES (?, ?)", [1, 2],
         ("INSERT INTO t (a, b, id) VALUES (?, ?, ?)", [1, 2, 7])),
        ("sqlite", "INSERT INTO t (a) VALUES (lower(?)) RETURNING ?", ["X", "r"],
         ("INSERT INTO t (a, id) VALUES (lower(?), ?) RETURNING ?", ["X", 7, "r"])),
        ("sqlite", "INSERT INTO t (a) VALUES (:a)", {"a": 1},
         ("INSERT INTO t (a, id) VALUES (:a, :sqlshift_key)", {"a": 1, "sqlshift_key": 7})),
        ("mysql", "INSERT INTO t (a) VALUES (%s)", [1],
         ("INSERT INTO t (a, id) VALUES (%s, %s)", [1, 7])),
        ("mysql", "INSERT INTO t (a) VALUES (%(a)s)", {"a": 1},
         ("INSERT INTO t (a, id) VALUES (%(a)s, %(sqlshift_key)s)", {"a": 1, "sqlshift_key": 7})),
        ("mysql", "INSERT INTO t (a) VALUES ('x')", None,
         ("INSERT INTO t (a, id) VALUES ('x', %s)", [7])),
        ("postgres", "INSERT INTO t (a, b) VALUES ($2, $1)", [1, 2],
         ("INSERT INTO t (a, b, id) VALUES ($2, $1, $3)", [1, 2, 7])),
        ("postgres", "INSERT INTO t (a) VALUES ('x')", [],
         ("INSERT INTO t (a, id) VALUES ('x', $1)", [7])),
    ],
)  # fmt: skip
def test_a_generated_key_is_sent_on_as_an_argument_of_the_callers_style(
    dialect: str, sql: str, args: Any, expected: tuple[str, Any]
) -> None:
    """The key read on the primary is added as one more argument, in the statement's own
    placeholder style and position, so the text (and its cached translation) never varies."""
    from sqlshift.move.dual import _with_key

    assert _with_key(sql, dialect, ("t", "id"), 7, args) == expected


async def test_the_commits_table_is_made_once_under_concurrent_first_transactions(
    pg_database: str,  # noqa: F811 (the fixture)
) -> None:
    """PostgreSQL's CREATE TABLE IF NOT EXISTS is not atomic: sessions making the commits
    table at once failed on pg_type's unique key (CI, test_phase_changes_under_concurrent_
    writers). Tasks of one Database take turns; separate ones retry once."""
    from sqlshift.move.outbox import COMMITS_TABLE, ensure_commits_table

    dbs = [await connect(pg_database) for _ in range(6)]
    try:
        for _ in range(5):  # each round: every Database's first call, all at once
            await dbs[0].execute(f"DROP TABLE IF EXISTS {COMMITS_TABLE}")
            for db in dbs:
                db.__dict__.pop(f"sqlshift_has_{COMMITS_TABLE}", None)
            await asyncio.gather(*(ensure_commits_table(db) for db in dbs for _ in range(2)))
            assert await dbs[0].fetch_val(f"SELECT COUNT(*) FROM {COMMITS_TABLE}") == 0
    finally:
        for db in dbs:
            await db.close()
