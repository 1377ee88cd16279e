"""Prometheus metrics for a Profiler, and for a dual-database run (the ``prometheus`` extra:
prometheus-client).

A custom collector reads the profiler's statistics at scrape time, so recording a call costs
nothing extra. Labels are the fingerprint id only (bounded by ``Profiler.max_fingerprints``);
statement text is never a label.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlshift.errors import ConfigurationError
from sqlshift.executor.profiler import Profiler

__all__ = ["register_dual", "register_profiler"]

_QUANTILES = (0.5, 0.95, 0.99)


def register_profiler(profiler: Profiler, registry: Any = None, *, prefix: str = "sqlshift") -> Any:
    """Register a collector for ``profiler`` (default: prometheus-client's global registry)."""
    try:
        from prometheus_client import REGISTRY
        from prometheus_client.core import CounterMetricFamily, SummaryMetricFamily
        from prometheus_client.registry import Collector
    except ImportError as error:
        raise ConfigurationError(
            "Prometheus metrics need prometheus-client: pip install 'sqlshift[prometheus]'"
        ) from error

    class _ProfilerCollector(Collector):
        def collect(self) -> Iterator[Any]:
            calls = CounterMetricFamily(
                f"{prefix}_query_calls", "Calls per fingerprint", labels=["fingerprint"]
            )
            errors = CounterMetricFamily(
                f"{prefix}_query_errors", "Errors per fingerprint", labels=["fingerprint"]
            )
            rows = CounterMetricFamily(
                f"{prefix}_query_rows", "Rows per fingerprint", labels=["fingerprint"]
            )
            hits = CounterMetricFamily(
                f"{prefix}_query_cache_hits", "Cache hits", labels=["fingerprint"]
            )
            latency = SummaryMetricFamily(
                f"{prefix}_query_duration_milliseconds",
                "Call time per fingerprint",
                labels=["fingerprint"],
            )
            for s in profiler.stats():
                label = [s.fingerprint]
                calls.add_metric(label, s.calls)
                errors.add_metric(label, s.errors)
                rows.add_metric(label, s.rows)
                hits.add_metric(label, s.cache_hits)
                latency.add_metric(label, count_value=s.calls, sum_value=s.total_ms)
            yield from (calls, errors, rows, hits, latency)
            quantiles = _quantile_gauges(profiler, prefix)
            if quantiles is not None:
                yield quantiles

    collector = _ProfilerCollector()
    (registry if registry is not None else REGISTRY).register(collector)
    return collector


def _quantile_gauges(profiler: Profiler, prefix: str) -> Any:
    from prometheus_client.core import GaugeMetricFamily

    gauge = GaugeMetricFamily(
        f"{prefix}_query_duration_quantile_milliseconds",
        "p50/p95/p99 call time per fingerprint (bounded sketch)",
        labels=["fingerprint", "quantile"],
    )
    for s in profiler.stats():
        for q in _QUANTILES:
            gauge.add_metric([s.fingerprint, str(q)], s.quantile_ms(q))
    return gauge


def register_dual(db: Any, registry: Any = None, *, prefix: str = "sqlshift") -> Any:
    """Register a collector for a :class:`~sqlshift.DualDatabase` (read at scrape time): the
    outbox's waiting writes per side and the age of the oldest, the shadow reads' outcomes,
    and mismatches per fingerprint. Each side's health is ``db.health()`` (a query: not run
    by a scrape)."""
    try:
        from prometheus_client import REGISTRY
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
        from prometheus_client.registry import Collector
    except ImportError as error:
        raise ConfigurationError(
            "Prometheus metrics need prometheus-client: pip install 'sqlshift[prometheus]'"
        ) from error

    class _DualCollector(Collector):
        def collect(self) -> Iterator[Any]:
            pending = GaugeMetricFamily(
                f"{prefix}_dual_outbox_pending", "Writes waiting for a side", labels=["side"]
            )
            for side in ("old", "new"):
                pending.add_metric([side], db.outbox.depth(side))
            lag = GaugeMetricFamily(
                f"{prefix}_dual_outbox_lag_seconds", "Age of the oldest waiting write"
            )
            lag.add_metric([], db.outbox.oldest_age() or 0.0)
            stats = db.compare.stats()
            reads = CounterMetricFamily(
                f"{prefix}_dual_shadow_reads", "Shadow reads by outcome", labels=["outcome"]
            )
            for outcome in ("matched", "mismatched", "late", "skipped", "errors"):
                reads.add_metric([outcome], stats[outcome])
            mismatches = CounterMetricFamily(
                f"{prefix}_dual_mismatches", "Shadow-read mismatches", labels=["fingerprint"]
            )
            for fingerprint, found in stats["mismatches"].items():
                mismatches.add_metric([fingerprint], found["mismatched"])
            yield from (pending, lag, reads, mismatches)

    collector = _DualCollector()
    (registry if registry is not None else REGISTRY).register(collector)
    return collector
