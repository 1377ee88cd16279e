"""Profiling through the executor, on the real engines: statistics, cache hits, slow queries
with their plans captured off the hot path, findings, and the report."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

import pytest
from conftest import _give_up, engine_url

from sqlshift import connect
from sqlshift.errors import ExecutionError
from sqlshift.executor.database import Database
from sqlshift.executor.profiler import Profiler


async def _open(name: str, profiler: Profiler | bool, **kwargs: object) -> Database:
    db = connect(engine_url(name), profiler=profiler, connect_timeout=5, **kwargs)  # type: ignore[arg-type]
    try:
        await db.open()
    except ExecutionError as error:
        _give_up(name, str(error))
    return db


@pytest.fixture
def table() -> str:
    return f"sqlshift_prof_{os.getpid()}"


async def _fill(db: Database, table: str, rows: int) -> None:
    await db.execute(f"DROP TABLE IF EXISTS {table}")
    await db.execute(f"CREATE TABLE {table} (id INT PRIMARY KEY, city VARCHAR(20), n INT)")
    await db.execute_many(
        f"INSERT INTO {table} (id, city, n) VALUES ({_ph(db, 1)}, {_ph(db, 2)}, {_ph(db, 3)})",
        [(i, f"c{i % 7}", i % 13) for i in range(rows)],
    )


def _ph(db: Database, n: int) -> str:
    return {"postgres": f"${n}", "mysql": "%s", "sqlite": "?"}[db.dialect]


async def test_profile_true_records_calls_rows_and_cache_hits(engine_name: str, table: str) -> None:
    db = await _open(engine_name, True, cache=True)
    assert db.profiler is not None
    try:
        await _fill(db, table, 30)
        query = f"SELECT id, city FROM {table} WHERE n = {_ph(db, 1)} ORDER BY id"
        for _ in range(3):
            await db.fetch_all(query, (4,))
        await db.fetch_all(query, (5,))
        report = db.profiler.report()
        row = next(r for r in report.rows if "WHERE n = ?" in r.text)
        assert row.calls == 4
        assert row.rows == pytest.approx((3 * 2 + 2) / 4)  # n=4: ids 4, 17; n=5: ids 5, 18
        assert row.cache_hit_rate == pytest.approx(2 / 4)  # 2 misses (4 and 5), 2 hits
        assert row.example == query
        inserts = next(r for r in report.rows if r.text.startswith("INSERT"))
        assert inserts.calls == 1
    finally:
        await db.execute(f"DROP TABLE IF EXISTS {table}")
        await db.close()


async def test_errors_are_counted_and_reraised(engine_name: str) -> None:
    db = await _open(engine_name, True)
    try:
        with pytest.raises(ExecutionError):
            await db.fetch_all("SELECT no_such_column FROM no_such_table_xyz")
        assert db.profiler is not None
        (row,) = db.profiler.report().rows
        assert (row.calls, row.errors) == (1, 1)
    finally:
        await db.close()


async def test_slow_query_is_logged_and_its_plan_captured(
    engine_name: str, table: str, caplog: pytest.LogCaptureFixture
) -> None:
    profiler = Profiler(slow_ms=0.0)  # everything is slow
    db = await _open(engine_name, profiler)
    try:
        await _fill(db, table, 50)
        with caplog.at_level(logging.WARNING, logger="sqlshift.slow"):
            await db.fetch_all(f"SELECT * FROM {table} WHERE city = {_ph(db, 1)}", ("c3",))
        assert any("slow query" in r.getMessage() for r in caplog.records)
        # the plan is captured off the caller's path: wait for it
        for _ in range(100):
            stats = [s for s in profiler.stats() if "WHERE city = ?" in s.text]
            if stats and stats[0].plan is not None:
                break
            await asyncio.sleep(0.02)
        (stats,) = [s for s in profiler.stats() if "WHERE city = ?" in s.text]
        assert stats.plan is not None and "error" not in stats.plan
        codes = {f.code for f in profiler.findings(stats)}
        assert {"select-star", "full-scan", "missing-index"} <= codes
        finding = next(f for f in profiler.findings(stats) if f.code == "missing-index")
        assert f"{table} (city)" in finding.message
    finally:
        await db.execute(f"DROP TABLE IF EXISTS {table}")
        await db.close()


async def test_plan_capture_is_rate_limited(engine_name: str) -> None:
    profiler = Profiler(slow_ms=0.0, explain_every_s=3600)
    db = await _open(engine_name, profiler)
    try:
        captured = 0
        pipeline = db._pipeline
        original = pipeline.explainer
        assert original is not None

        async def counting(*args: Any) -> Any:
            nonlocal captured
            captured += 1
            return await original(*args)

        pipeline.explainer = counting
        for i in range(5):
            await db.fetch_all(f"SELECT {i} AS n")
        await asyncio.gather(*pipeline.plan_tasks)
        assert captured == 1  # one capture for the fingerprint, not five (nor none)
        (stats,) = [s for s in profiler.stats() if "AS n" in s.text]
        assert stats.plan is not None
    finally:
        await db.close()


async def test_n_plus_one_pattern_is_reported(engine_name: str, table: str) -> None:
    db = await _open(engine_name, Profiler(slow_ms=1e9, n_plus_one=10))
    try:
        await _fill(db, table, 15)
        for i in range(12):  # one query per id, in one task
            await db.fetch_one(f"SELECT city FROM {table} WHERE id = {_ph(db, 1)}", (i,))
        assert db.profiler is not None
        row = next(r for r in db.profiler.report().rows if "WHERE id = ?" in r.text)
        assert "n-plus-one" in {f.code for f in row.findings}
    finally:
        await db.execute(f"DROP TABLE IF EXISTS {table}")
        await db.close()


async def test_translated_statements_share_the_fingerprint_of_their_source() -> None:
    db = await _open("sqlite", True, source="mysql")
    try:
        await db.fetch_all("SELECT `a` FROM (SELECT 1 AS a) AS t WHERE a = %s", (1,))
        await db.fetch_all("SELECT a FROM (SELECT 1 AS a) AS t WHERE a = %s", (2,))
        assert db.profiler is not None
        (row,) = db.profiler.report().rows
        assert row.calls == 2
    finally:
        await db.close()


def test_profiler_setting_is_validated() -> None:
    from sqlshift.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="profiler must be"):
        connect("sqlite:///:memory:", profiler="yes")  # type: ignore[arg-type]
