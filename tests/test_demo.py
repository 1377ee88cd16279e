"""The demo: the MySQL workload translated to SQLite and run in memory."""

from __future__ import annotations

import io

import pytest

from sqlshift.cli import main
from sqlshift.demo import WORKLOAD, Step, StepResult, render_table, run_demo


def test_demo_prints_source_translation_and_rows(capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo"])
    out, err = capsys.readouterr()
    assert err == ""
    # the MySQL source, its SQLite translation, and a table of rows
    assert "mysql:  SELECT id, CONCAT(name, ' from ', IFNULL(city, 'nowhere')) AS label" in out
    assert "sqlite: SELECT id, name || ' from ' || COALESCE(city, 'nowhere') AS label" in out
    assert "Edsger from nowhere" in out
    assert "(5 rows)" in out
    assert "refused (as expected): [" in out


def test_every_translated_step_runs() -> None:
    report = run_demo(io.StringIO())
    assert len(report.results) == len(WORKLOAD)
    failed = [(n, r.translated, r.error) for n, r in enumerate(report.results, 1) if r.failed]
    assert failed == []
    assert report.ok


def test_division_keeps_mysql_meaning() -> None:
    report = run_demo(io.StringIO())
    (avg,) = [r for r in report.results if r.step.title.startswith("Average items")]
    # Integer division (2) would be silently wrong: 21 items / 8 orders.
    assert avg.refusal is None and avg.error is None
    assert avg.rows == [(2.625, 2)]


def test_a_refusal_does_not_stop_the_run() -> None:
    steps = (
        Step("refused", "SELECT foo(1)", refused=True),
        Step("runs", "SELECT IFNULL(NULL, 7) AS x"),
    )
    out = io.StringIO()
    report = run_demo(out, steps=steps)
    assert [r.refusal is not None for r in report.results] == [True, False]
    assert report.results[1].rows == [(7,)]
    assert report.ok
    assert "1 ran, 1 refused, 0 failed" in out.getvalue()


def test_an_engine_error_is_reported_and_not_ok() -> None:
    steps = (Step("missing table", "SELECT * FROM nowhere"), Step("runs", "SELECT 1 AS one"))
    out = io.StringIO()
    report = run_demo(out, steps=steps)
    assert not report.ok
    assert report.results[0].error is not None
    assert report.results[1].rows == [(1,)]
    assert "error: OperationalError: no such table: nowhere" in out.getvalue()


def test_render_table_aligns_numbers_right_and_shows_null() -> None:
    table = render_table(("name", "n"), [("Ada", 2), ("Grace", None), ("Al", 10)])
    assert table.splitlines() == [
        "name      n",
        "-----  ----",
        "Ada       2",
        "Grace  NULL",
        "Al       10",
    ]


def test_only_engine_errors_fail() -> None:
    step = Step("x", "SELECT 1")
    assert not StepResult(step, refusal="no").failed
    assert StepResult(step, translated="SELECT 1", error="boom").failed


def test_demo_replays_the_workload_through_the_caching_executor() -> None:
    out = io.StringIO()
    report = run_demo(out)
    executor = report.executor
    assert executor is not None and executor.stats is not None
    assert executor.errors == [] and executor.mismatches == []
    queries = sum(1 for r in report.results if r.columns)
    assert executor.queries == queries > 0
    assert executor.stats.hits == queries  # every second run of a query
    assert executor.fresh_after_write is True  # the write after them invalidated the counts
    assert executor.stats.invalidations > 0
    text = out.getvalue()
    assert 'connect("sqlite:///:memory:", source="mysql", cache=True)' in text
    assert f"cache: {queries} hits" in text
    assert "every query returned the same rows as the sqlite3 run above" in text


def test_the_executor_part_can_be_left_out() -> None:
    out = io.StringIO()
    assert run_demo(out, executor=False).executor is None
    assert "cache:" not in out.getvalue()


async def test_the_demo_inside_a_running_loop_says_why_it_skips_the_executor() -> None:
    out = io.StringIO()
    assert run_demo(out, steps=(Step("one", "SELECT 1 AS one"),)).executor is None
    assert "run_executor_demo" in out.getvalue()
