"""Profiler: statistics per fingerprint, quantiles, findings, slow log, report, snapshots."""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import pytest

import sqlshift
from sqlshift.errors import ConfigurationError
from sqlshift.executor.histogram import Sketch
from sqlshift.executor.plans import explain_statement, plan_findings, scanned_tables
from sqlshift.executor.profiler import Profiler


class Ticker:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_sketch_quantiles_within_relative_accuracy() -> None:
    rng = random.Random(7)
    values = [rng.lognormvariate(1.0, 1.2) for _ in range(20_000)]
    sketch = Sketch()
    for v in values:
        sketch.add(v)
    values.sort()
    for q in (0.5, 0.9, 0.95, 0.99):
        exact = values[int(q * (len(values) - 1))]
        assert abs(sketch.quantile(q) - exact) <= 0.011 * exact
    assert len(sketch.buckets) < 2048  # bounded memory


def test_sketch_collapses_low_buckets_only() -> None:
    sketch = Sketch(max_buckets=16)
    for i in range(1, 10_000):
        sketch.add(i * 0.37)
    assert len(sketch.buckets) <= 16
    assert abs(sketch.quantile(0.99) - 0.99 * 9999 * 0.37) <= 0.02 * 9999 * 0.37


def test_record_aggregates_per_fingerprint() -> None:
    profiler = Profiler(slow_ms=1e9)
    for i, ms in enumerate([1.0, 3.0, 5.0]):
        profiler.record(
            f"SELECT name FROM people WHERE id = {i}",
            "mysql",
            ms,
            rows=1,
            cache_hit=i == 0,
            params=("secret",),
        )
    profiler.record("SELECT name FROM people WHERE id = 9", "mysql", 2.0, error=True)
    (stats,) = profiler.stats()
    assert stats.calls == 4 and stats.errors == 1 and stats.rows == 3
    assert stats.total_ms == pytest.approx(11.0)
    assert (stats.min_ms, stats.max_ms) == (1.0, 5.0)
    assert stats.mean_ms == pytest.approx(2.75)
    assert stats.stddev_ms == pytest.approx(1.479, abs=1e-3)
    assert (stats.cache_hits, stats.cache_misses) == (1, 2)
    assert stats.example_params == ("?",)  # redacted by default
    assert "secret" not in json.dumps(profiler.snapshot())


def test_slow_queries_are_logged_with_fingerprint_time_and_rows(
    caplog: pytest.LogCaptureFixture,
) -> None:
    profiler = Profiler(slow_ms=50)
    with caplog.at_level(logging.WARNING, logger="sqlshift.slow"):
        profiler.record("SELECT * FROM orders", "mysql", 10.0, rows=3)
        profiler.record("SELECT * FROM orders", "mysql", 75.0, rows=4)
        profiler.record("SELECT 1", "mysql", 5.0, slow_ms=1.0)  # per-call threshold
    records = [r for r in caplog.records if r.name == "sqlshift.slow"]
    assert len(records) == 2
    assert records[0].elapsed_ms == 75.0 and records[0].rows == 4  # type: ignore[attr-defined]
    assert records[0].fingerprint == profiler.stats()[0].fingerprint  # type: ignore[attr-defined]


def test_plan_capture_is_rate_limited_per_fingerprint() -> None:
    clock = Ticker()
    profiler = Profiler(slow_ms=0, explain_every_s=60, clock=clock)
    stats = profiler.record("SELECT a FROM t", "mysql", 5.0)
    assert stats is not None
    assert profiler.should_explain(stats)
    assert not profiler.should_explain(stats)
    clock.now = 61
    assert profiler.should_explain(stats)


def test_report_ranks_by_total_time_and_has_findings() -> None:
    clock = Ticker()
    profiler = Profiler(slow_ms=1e9, n_plus_one=5, clock=clock, large_result_rows=100)
    for i in range(6):  # one query per id: an N+1
        profiler.record(f"SELECT name FROM people WHERE id = {i}", "mysql", 1.0, rows=1)
    profiler.record("SELECT * FROM orders", "mysql", 50.0, rows=500)
    report = profiler.report()
    assert [r.rank for r in report.rows] == [1, 2]
    top, second = report.rows
    assert top.calls == 1 and top.total_ms == 50.0 and top.share == pytest.approx(50 / 56)
    assert {f.code for f in top.findings} == {"select-star", "unbounded-result"}
    assert {f.code for f in second.findings} == {"n-plus-one"}
    text = str(report)
    assert "SELECT * FROM orders" in text and "[n-plus-one]" in text
    data = json.loads(report.to_json())
    assert data["rows"][0]["fingerprint"] == top.fingerprint
    assert set(data["rows"][0]) >= {
        "fingerprint",
        "calls",
        "total_ms",
        "p95_ms",
        "rows",
        "example",
        "findings",
    }


def test_n_plus_one_needs_the_burst_within_the_window() -> None:
    clock = Ticker()
    profiler = Profiler(slow_ms=1e9, n_plus_one=3, n_plus_one_window_s=1.0, clock=clock)
    for i in range(5):
        clock.now = i * 2.0  # spread out: never 3 within 1 s
        profiler.record("SELECT a FROM t WHERE id = 1", "mysql", 1.0)
    assert not profiler.report().rows[0].findings


def test_low_cache_hit_rate_on_a_hot_read() -> None:
    profiler = Profiler(slow_ms=1e9, n_plus_one=10**9)
    for i in range(60):
        profiler.record(
            "SELECT a FROM t WHERE id = 1", "mysql", 1.0, cache_hit=i < 5, read_only=True
        )
    assert [f.code for f in profiler.report().rows[0].findings] == ["low-cache-hit-rate"]


def test_unparseable_statement_is_fingerprinted_and_flagged() -> None:
    profiler = Profiler(slow_ms=1e9)
    profiler.record("FROBNICATE 'x' 1", "mysql", 1.0)
    profiler.record("frobnicate 'y' 2", "mysql", 1.0)
    (row,) = profiler.report().rows
    assert row.calls == 2 and not row.parsed
    assert "unparsed" in {f.code for f in row.findings}


def test_snapshot_round_trip(tmp_path: Path) -> None:
    profiler = Profiler(slow_ms=1e9)
    for ms in (1.0, 2.0, 30.0):
        profiler.record("SELECT a FROM t WHERE b = 2", "postgres", ms, rows=2)
    path = tmp_path / "snap.json"
    profiler.save(path)
    loaded = Profiler.load(path)
    assert str(loaded.report()) == str(profiler.report())
    (path.parent / "bad.json").write_text("{not json")
    with pytest.raises(ConfigurationError, match="is not a profiler snapshot: not JSON"):
        Profiler.load(path.parent / "bad.json")


def test_explain_statements_never_analyze_by_default() -> None:
    assert explain_statement("postgres", "SELECT 1") == "EXPLAIN (FORMAT JSON) SELECT 1"
    assert explain_statement("mysql", "SELECT 1") == "EXPLAIN FORMAT=JSON SELECT 1"
    assert explain_statement("sqlite", "SELECT 1") == "EXPLAIN QUERY PLAN SELECT 1"


def test_plan_findings_suggest_an_index_from_the_where_columns() -> None:
    pg_plan = [
        {
            "Plan": {
                "Node Type": "Seq Scan",
                "Relation Name": "orders",
                "Plan Rows": 5000,
                "Filter": "(status = 'x')",
            }
        }
    ]
    findings = plan_findings(
        "postgres",
        pg_plan,
        "SELECT id FROM orders o WHERE o.status = 'x' AND o.qty > 2",
        "postgres",
    )
    assert [f.code for f in findings] == ["full-scan", "missing-index"]
    assert "CREATE INDEX ON orders (status, qty)" in findings[1].message
    my_plan = {
        "query_block": {
            "nested_loop": [{"table": {"table_name": "people", "access_type": "ALL", "rows": 10}}]
        }
    }
    assert scanned_tables("mysql", my_plan) == [("people", 10, False)]
    assert scanned_tables(
        "sqlite", [(2, 0, 0, "SCAN people"), (3, 0, 0, "SEARCH orders USING INDEX i (id=?)")]
    ) == [("people", None, True)]


def test_a_write_row_count_is_not_an_unbounded_result() -> None:
    """Issue 12, item 5: an INSERT ... SELECT changing 500 rows returns none."""
    profiler = Profiler(slow_ms=1e9, large_result_rows=100)
    profiler.record("INSERT INTO archive SELECT * FROM orders", "mysql", 5.0, rows=500)
    profiler.record("DELETE FROM orders RETURNING id", "postgres", 5.0, rows=500)
    codes = {row.text: {f.code for f in row.findings} for row in profiler.report().rows}
    assert "unbounded-result" not in codes["INSERT INTO archive SELECT * FROM orders"]
    assert "unbounded-result" in codes["DELETE FROM orders RETURNING id"]


def test_polling_loops_are_not_n_plus_one() -> None:
    """Issue 12, item 5: a job queue polls with the same arguments, or runs other statements
    between its polls; an N+1 asks for one id after another, back to back."""
    poll = "SELECT id FROM jobs WHERE state = %s ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
    profiler = Profiler(slow_ms=1e9, n_plus_one=5)
    for _ in range(20):  # idle: the same question again and again
        profiler.record(poll, "postgres", 1.0, params=("new",))
    for i in range(20):  # busy: each poll followed by the job's own statements
        profiler.record(poll, "postgres", 1.0, params=("new",))
        profiler.record(
            "UPDATE jobs SET state = %s WHERE id = %s", "postgres", 1.0, params=("done", i)
        )
    for i in range(5):  # and an N+1: one id after another
        profiler.record("SELECT * FROM tasks WHERE job_id = %s", "postgres", 1.0, params=(i,))
    flagged = {
        row.text
        for row in profiler.report().rows
        if any(f.code == "n-plus-one" for f in row.findings)
    }
    assert flagged == {"SELECT * FROM tasks WHERE job_id = ?"}


def test_missing_index_names_a_column_the_translation_wraps() -> None:
    """Issue 12, item 5: the findings read the statement the engine ran. A MySQL `name = %s`
    becomes a case-insensitive comparison through LOWER() on PostgreSQL; an index on `name`
    would not serve it, so it is not suggested as one."""
    pg_plan = [{"Plan": {"Node Type": "Seq Scan", "Relation Name": "people", "Plan Rows": 5000,
                         "Filter": "x"}}]  # fmt: skip
    schema = {"people": {"id": "INT", "name": "VARCHAR(20)", "age": "INT"}}
    ran = sqlshift.translate(
        "SELECT id FROM people WHERE name = %s AND age > 3", "postgres", source="mysql",
        schema=schema,
    )  # fmt: skip
    (_, advice) = plan_findings("postgres", pg_plan, ran, "postgres")
    assert advice.message.startswith("consider CREATE INDEX ON people (age);")
    assert (
        "(CASE WHEN OCTET_LENGTH(RTRIM(name))" in advice.message
        and "bare column is not used" in advice.message
    )


async def test_the_executor_records_under_the_analysis_fingerprint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 12, item 3: a profiled call's fingerprint comes with the statement's analysis (the
    tokens parsed once), not from a second parse of its text."""
    import sqlshift.executor.profiler as profiler_module
    from sqlshift.executor.backends.fake import FakeBackend
    from sqlshift.executor.database import Database

    def second_parse(sql: str, dialect: str) -> None:
        raise AssertionError(f"fingerprinted again: {sql}")

    monkeypatch.setattr(profiler_module, "fingerprint", second_parse)
    for source in (None, "mysql"):
        profiler = Profiler(slow_ms=1e9)
        db = Database(FakeBackend("postgres"), source=source, profiler=profiler)
        await db.open()
        try:
            await db.execute("CREATE TABLE t (id INT, name TEXT)")
            for i in range(3):
                await db.fetch_all(f"SELECT name FROM t WHERE id = {i}")
        finally:
            await db.close()
        (row,) = [r for r in profiler.report().rows if "name FROM t" in r.text]
        assert (row.calls, row.text) == (3, "SELECT name FROM t WHERE id = ?")
