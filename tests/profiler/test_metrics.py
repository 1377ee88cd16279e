"""Prometheus export of profiler statistics."""

from __future__ import annotations

import pytest

from sqlshift.executor.profiler import Profiler

prometheus_client = pytest.importorskip("prometheus_client")


def test_metrics_are_read_from_the_profiler_at_scrape_time() -> None:
    from sqlshift.executor.metrics import register_profiler

    registry = prometheus_client.CollectorRegistry()
    profiler = Profiler(slow_ms=1e9)
    register_profiler(profiler, registry)
    profiler.record("SELECT a FROM t WHERE id = 1", "mysql", 4.0, rows=2, cache_hit=True)
    profiler.record("SELECT a FROM t WHERE id = 2", "mysql", 6.0, rows=1, error=True)
    fp = profiler.stats()[0].fingerprint
    get = registry.get_sample_value
    assert get("sqlshift_query_calls_total", {"fingerprint": fp}) == 2
    assert get("sqlshift_query_errors_total", {"fingerprint": fp}) == 1
    assert get("sqlshift_query_rows_total", {"fingerprint": fp}) == 3
    assert get("sqlshift_query_cache_hits_total", {"fingerprint": fp}) == 1
    assert get("sqlshift_query_duration_milliseconds_sum", {"fingerprint": fp}) == 10.0
    p95 = get(
        "sqlshift_query_duration_quantile_milliseconds", {"fingerprint": fp, "quantile": "0.95"}
    )
    assert p95 == pytest.approx(6.0, rel=0.02)
    text = prometheus_client.generate_latest(registry).decode()
    assert "SELECT" not in text  # statement text is never a label
