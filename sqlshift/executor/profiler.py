"""Per-fingerprint query statistics, slow-query logging, findings and a ranked report.

The model is pg_stat_statements plus pt-query-digest: every call is recorded under the
fingerprint of its statement (see :mod:`sqlshift.translator.fingerprint`) with count, errors,
rows, time (total, mean, min, max, stddev, p50/p95/p99 from a bounded sketch), cache hits and
misses, first/last seen and one example with its parameters redacted. A call slower than the
threshold is logged on the ``sqlshift.slow`` logger and may get its plan captured (by the
executor, off the hot path, rate-limited per fingerprint). :meth:`Profiler.report` ranks the
fingerprints by total time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlshift.errors import ConfigurationError
from sqlshift.executor.histogram import Sketch
from sqlshift.translator.fingerprint import Fingerprint, fingerprint

__all__ = ["Finding", "Profiler", "QueryStats", "Report", "ReportRow"]

SLOW_LOGGER = logging.getLogger("sqlshift.slow")


@dataclass(frozen=True, slots=True)
class Finding:
    """Something worth a look about one fingerprint: a stable ``code`` and a message."""

    code: str
    message: str


@dataclass(slots=True)
class QueryStats:
    """Everything recorded for one fingerprint."""

    fingerprint: str
    text: str
    parsed: bool
    calls: int = 0
    errors: int = 0
    rows: int = 0
    total_ms: float = 0.0
    min_ms: float = math.inf
    max_ms: float = 0.0
    sum_sq_ms: float = 0.0
    cache_hits: int = 0
    cache_misses: int = 0
    first_seen: float = 0.0
    last_seen: float = 0.0
    example: str = ""
    example_params: tuple[str, ...] = ()
    read_only: bool | None = None
    plan: Any = None
    plan_findings: tuple[Finding, ...] = ()
    sketch: Sketch = field(default_factory=Sketch)
    n_plus_one: bool = False
    last_explained: float = -math.inf
    burst_task: int = 0
    burst_start: float = -math.inf
    burst_count: int = 0
    burst_arguments: int | None = None

    @property
    def mean_ms(self) -> float:
        return self.total_ms / self.calls if self.calls else 0.0

    @property
    def stddev_ms(self) -> float:
        if self.calls < 2:
            return 0.0
        variance = self.sum_sq_ms / self.calls - self.mean_ms**2
        return math.sqrt(max(variance, 0.0))

    def quantile_ms(self, q: float) -> float:
        return self.sketch.quantile(q)

    @property
    def hit_rate(self) -> float | None:
        looked_up = self.cache_hits + self.cache_misses
        return self.cache_hits / looked_up if looked_up else None


@dataclass(frozen=True, slots=True)
class ReportRow:
    rank: int
    fingerprint: str
    calls: int
    errors: int
    total_ms: float
    share: float  # of the total time of all fingerprints, 0..1
    mean_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rows: float  # per call
    cache_hit_rate: float | None
    example: str
    text: str
    parsed: bool
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in self.__slots__}
        data["findings"] = [{"code": f.code, "message": f.message} for f in self.findings]
        return data


@dataclass(frozen=True, slots=True)
class Report:
    """A ranked digest; ``str()`` is the text table, :meth:`to_json` the JSON."""

    rows: tuple[ReportRow, ...]
    total_ms: float
    calls: int
    malformed: int = 0  # log lines a digest could not read

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(
            {
                "total_ms": self.total_ms,
                "calls": self.calls,
                "malformed": self.malformed,
                "rows": [r.to_dict() for r in self.rows],
            },
            indent=indent,
            default=str,
        )

    def __str__(self) -> str:
        head = (
            f"# {self.calls} calls, {self.total_ms:.1f} ms in total, {len(self.rows)} fingerprints"
        )
        if self.malformed:
            head += f", {self.malformed} malformed log lines skipped"
        columns = ("rank", "share", "calls", "ms/call", "p95 ms", "rows/call", "fingerprint")
        lines = [head, "  ".join(f"{c:>9}" for c in columns[:-1]) + "  fingerprint"]
        for r in self.rows:
            lines.append(
                f"{r.rank:>9}  {r.share * 100:>8.1f}%  {r.calls:>9}  {r.mean_ms:>9.2f}  "
                f"{r.p95_ms:>9.2f}  {r.rows:>9.1f}  {r.fingerprint}"
            )
            lines.append(f"{'':>11}{_shorten(r.text, 100)}")
            if r.example and r.example != r.text:
                lines.append(f"{'':>11}example: {_shorten(r.example, 100)}")
            lines.extend(f"{'':>11}! [{f.code}] {f.message}" for f in r.findings)
        return "\n".join(lines)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Profiler:
    """Records calls per fingerprint; see the module docstring.

    ``slow_ms``: threshold for the slow-query log and plan capture (per call overridable).
    ``explain_every_s``: at most one plan capture per fingerprint in this interval.
    ``analyze``: capture plans with EXPLAIN ANALYZE (runs the statement again) — for reads
    only unless ``analyze_writes`` is also set.
    ``redact``: keep parameter values out of examples (the default).
    ``n_plus_one``: a fingerprint called at least this many times by one task within
    ``n_plus_one_window_s`` is flagged. ``clock`` is injectable for tests.
    """

    def __init__(
        self,
        *,
        slow_ms: float = 100.0,
        explain: bool = True,
        explain_every_s: float = 60.0,
        analyze: bool = False,
        analyze_writes: bool = False,
        redact: bool = True,
        n_plus_one: int = 20,
        n_plus_one_window_s: float = 1.0,
        large_result_rows: int = 1000,
        max_fingerprints: int = 5000,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if slow_ms < 0:
            raise ConfigurationError("profiler slow_ms must be >= 0")
        self.slow_ms = slow_ms
        self.explain = explain
        self.explain_every_s = explain_every_s
        self.analyze = analyze
        self.analyze_writes = analyze_writes
        self.redact = redact
        self.n_plus_one = n_plus_one
        self.n_plus_one_window_s = n_plus_one_window_s
        self._last_by_task: dict[int, str] = {}
        self.large_result_rows = large_result_rows
        self.max_fingerprints = max_fingerprints
        self._clock = clock
        self._wall = wall_clock
        self._stats: dict[str, QueryStats] = {}
        #: findings others add to a fingerprint (sqlshift.dual's shadow-read mismatches)
        self._added: dict[str, dict[str, Finding]] = {}
        self._by_sql: dict[str, dict[str, QueryStats]] = {}  # dialect -> text -> stats
        self.dropped = 0  # calls not recorded because max_fingerprints was reached

    # ----------------------------------------------------------------------------- recording

    def record(
        self,
        sql: str,
        dialect: str,
        elapsed_ms: float,
        *,
        rows: int = 0,
        error: bool = False,
        cache_hit: bool | None = None,
        params: Sequence[Any] | Mapping[str, Any] | None = None,
        read_only: bool | None = None,
        slow_ms: float | None = None,
        fingerprint: Fingerprint | None = None,
    ) -> QueryStats | None:
        """Record one call; return its stats, or None when the call was not recorded.

        ``fingerprint``: the statement's, when the caller has it (the executor's analysis
        made it from the tokens it parsed); computed from ``sql`` otherwise."""
        by_sql = self._by_sql.get(dialect)
        if by_sql is None:
            by_sql = self._by_sql[dialect] = {}
        stats = by_sql.get(sql)
        if stats is None:
            stats = self._first_call(sql, dialect, params, fingerprint)
            if stats is None:
                return None
            if len(by_sql) >= 4 * self.max_fingerprints:
                by_sql.clear()  # texts differing only in literals: bounded, rebuilt on demand
            by_sql[sql] = stats
        stats.calls += 1
        stats.last_seen = self._wall()
        stats.rows += rows
        stats.total_ms += elapsed_ms
        stats.sum_sq_ms += elapsed_ms * elapsed_ms
        if elapsed_ms < stats.min_ms:
            stats.min_ms = elapsed_ms
        if elapsed_ms > stats.max_ms:
            stats.max_ms = elapsed_ms
        stats.sketch.add(elapsed_ms)
        if error:
            stats.errors += 1
        if cache_hit is not None:
            if cache_hit:
                stats.cache_hits += 1
            else:
                stats.cache_misses += 1
        if read_only is not None:
            stats.read_only = read_only
        self._track_burst(stats, sql, params)
        if elapsed_ms >= (self.slow_ms if slow_ms is None else slow_ms) and not error:
            SLOW_LOGGER.warning(
                "slow query %s: %.1f ms, %d rows: %s",
                stats.fingerprint,
                elapsed_ms,
                rows,
                _shorten(stats.text, 200),
                extra={"fingerprint": stats.fingerprint, "elapsed_ms": elapsed_ms, "rows": rows},
            )
        return stats

    def _first_call(
        self,
        sql: str,
        dialect: str,
        params: Sequence[Any] | Mapping[str, Any] | None,
        known: Fingerprint | None,
    ) -> QueryStats | None:
        """The stats of a text not seen before: its fingerprint's, created if new."""
        fp = known if known is not None else fingerprint(sql, dialect)
        stats = self._stats.get(fp.id)
        if stats is None:
            if len(self._stats) >= self.max_fingerprints:
                self.dropped += 1
                return None
            stats = QueryStats(fp.id, fp.text, fp.parsed, first_seen=self._wall(), example=sql)
            stats.example_params = self._example_params(params)
            self._stats[fp.id] = stats
        return stats

    def is_slow(self, elapsed_ms: float, slow_ms: float | None = None) -> bool:
        return elapsed_ms >= (self.slow_ms if slow_ms is None else slow_ms)

    def should_explain(self, stats: QueryStats) -> bool:
        """True (once per interval per fingerprint) when a plan should be captured now."""
        if not self.explain:
            return False
        now = self._clock()
        if now - stats.last_explained < self.explain_every_s:
            return False
        stats.last_explained = now
        return True

    def attach_plan(self, fingerprint_id: str, plan: Any, findings: Iterable[Finding]) -> None:
        stats = self._stats.get(fingerprint_id)
        if stats is not None:
            stats.plan = plan
            stats.plan_findings = tuple(findings)

    def _example_params(self, params: Sequence[Any] | Mapping[str, Any] | None) -> tuple[str, ...]:
        if not params:
            return ()
        values = params.values() if isinstance(params, Mapping) else params
        if self.redact:
            return tuple("?" for _ in values)
        return tuple(repr(v) for v in values)

    def _track_burst(self, stats: QueryStats, sql: str, params: object) -> None:
        """N+1 detection: a burst is one task calling one fingerprint again and again, with
        no other statement of that task in between, each call with other arguments (another
        id), within the window. A polling loop is not one: it asks the same thing each time
        (same arguments), or runs other statements between its polls (issue 12: 9 of the
        top 12 rows of a job queue were flagged). One burst is tracked per fingerprint and
        one last fingerprint per task (bounded), so memory stays bounded."""
        try:
            task = id(asyncio.current_task())
        except RuntimeError:
            task = 0
        last = self._last_by_task.get(task)
        if len(self._last_by_task) >= 4096:
            self._last_by_task.clear()
        self._last_by_task[task] = stats.fingerprint
        try:
            arguments = hash((sql, _hashable(params)))
        except TypeError:
            arguments = id(params)
        now = self._clock()
        if (
            last != stats.fingerprint
            or task != stats.burst_task
            or now - stats.burst_start > self.n_plus_one_window_s
        ):
            stats.burst_task, stats.burst_start, stats.burst_count = task, now, 0
            stats.burst_arguments = None
        if arguments != stats.burst_arguments:
            stats.burst_count += 1
        stats.burst_arguments = arguments
        if stats.burst_count >= self.n_plus_one:
            stats.n_plus_one = True

    # ----------------------------------------------------------------------------- reading

    def stats(self) -> list[QueryStats]:
        return list(self._stats.values())

    def reset(self) -> None:
        self._stats.clear()
        self._by_sql.clear()
        self._added.clear()
        self.dropped = 0

    def report(self, *, limit: int | None = None, malformed: int = 0) -> Report:
        ranked = sorted(self._stats.values(), key=lambda s: s.total_ms, reverse=True)
        total = sum(s.total_ms for s in ranked)
        calls = sum(s.calls for s in ranked)
        rows = tuple(
            ReportRow(
                rank=i + 1,
                fingerprint=s.fingerprint,
                calls=s.calls,
                errors=s.errors,
                total_ms=s.total_ms,
                share=s.total_ms / total if total else 0.0,
                mean_ms=s.mean_ms,
                p50_ms=s.quantile_ms(0.5),
                p95_ms=s.quantile_ms(0.95),
                p99_ms=s.quantile_ms(0.99),
                rows=s.rows / s.calls if s.calls else 0.0,
                cache_hit_rate=s.hit_rate,
                example=s.example,
                text=s.text,
                parsed=s.parsed,
                findings=self.findings(s),
            )
            for i, s in enumerate(ranked[:limit] if limit else ranked)
        )
        return Report(rows, total, calls, malformed)

    def add_finding(self, fingerprint: str, finding: Finding) -> None:
        """Report ``finding`` with ``fingerprint``'s row (one per code: a later one with the
        same code replaces it)."""
        self._added.setdefault(fingerprint, {})[finding.code] = finding

    def findings(self, stats: QueryStats) -> tuple[Finding, ...]:
        found: list[Finding] = list(self._added.get(stats.fingerprint, {}).values())
        if not stats.parsed:
            found.append(
                Finding(
                    "unparsed",
                    "statement could not be parsed; fingerprint is from its normalised text",
                )
            )
        found.extend(static_findings(stats.text))
        if (
            stats.calls
            and stats.rows / stats.calls >= self.large_result_rows
            and ("LIMIT" not in stats.text.upper())
            and _returns_rows(stats.text)
        ):
            found.append(
                Finding(
                    "unbounded-result", f"{stats.rows / stats.calls:.0f} rows per call and no LIMIT"
                )
            )
        if stats.n_plus_one:
            found.append(
                Finding(
                    "n-plus-one",
                    f"called {self.n_plus_one}+ times by one task "
                    f"within {self.n_plus_one_window_s:g} s: batch it (IN/JOIN)",
                )
            )
        rate = stats.hit_rate
        if rate is not None and stats.calls >= 50 and rate < 0.2 and stats.read_only:
            found.append(
                Finding(
                    "low-cache-hit-rate",
                    f"hot read with a {rate:.0%} cache hit "
                    "rate: check its parameters or its invalidations",
                )
            )
        found.extend(stats.plan_findings)
        return tuple(found)

    # ----------------------------------------------------------------------------- snapshots

    def snapshot(self) -> dict[str, Any]:
        return {
            "version": 1,
            "fingerprints": [
                {
                    **{
                        k: getattr(s, k)
                        for k in (
                            "fingerprint",
                            "text",
                            "parsed",
                            "calls",
                            "errors",
                            "rows",
                            "total_ms",
                            "max_ms",
                            "sum_sq_ms",
                            "cache_hits",
                            "cache_misses",
                            "first_seen",
                            "last_seen",
                            "example",
                            "read_only",
                            "n_plus_one",
                        )
                    },
                    "min_ms": s.min_ms if s.calls else None,
                    "example_params": list(s.example_params),
                    "sketch": s.sketch.to_dict(),
                    "plan_findings": [[f.code, f.message] for f in s.plan_findings],
                }
                for s in self._stats.values()
            ],
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.snapshot(), default=str), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Profiler:
        """A profiler holding a snapshot written by :meth:`save`."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            profiler = cls()
            for item in data["fingerprints"]:
                stats = QueryStats(item["fingerprint"], item["text"], bool(item["parsed"]))
                for key in ("calls", "errors", "rows", "cache_hits", "cache_misses"):
                    setattr(stats, key, int(item[key]))
                for key in ("total_ms", "max_ms", "sum_sq_ms", "first_seen", "last_seen"):
                    setattr(stats, key, float(item[key]))
                stats.min_ms = math.inf if item["min_ms"] is None else float(item["min_ms"])
                stats.example = str(item["example"])
                stats.example_params = tuple(item.get("example_params", ()))
                stats.read_only = item.get("read_only")
                stats.n_plus_one = bool(item.get("n_plus_one"))
                stats.sketch = Sketch.from_dict(item["sketch"])
                stats.plan_findings = tuple(Finding(c, m) for c, m in item["plan_findings"])
                profiler._stats[stats.fingerprint] = stats
            return profiler
        except UnicodeDecodeError as error:
            raise ConfigurationError(
                f"{path} is not a profiler snapshot: it is binary, not JSON text (write one "
                "with db.profiler.save(path))"
            ) from error
        except json.JSONDecodeError as error:
            raise ConfigurationError(
                f"{path} is not a profiler snapshot: not JSON ({error.msg} at line "
                f"{error.lineno}, column {error.colno}); write one with db.profiler.save(path)"
            ) from error
        except (KeyError, TypeError, ValueError) as error:
            raise ConfigurationError(
                f"{path} is not a profiler snapshot: JSON without the snapshot's fields "
                f"({type(error).__name__}: {error}); write one with db.profiler.save(path)"
            ) from error
        except OSError as error:
            raise ConfigurationError(
                f"cannot read profiler snapshot {path}: {error.strerror or error}"
            ) from error


def static_findings(text: str) -> list[Finding]:
    """Findings visible in the normalised statement itself."""
    upper = text.upper()
    found: list[Finding] = []
    if upper.startswith("SELECT *") or "SELECT * FROM" in upper:
        found.append(Finding("select-star", "SELECT * reads every column: name the ones used"))
    return found


_RESULT_SET = re.compile(r"^\s*(?:\(\s*)*(?:SELECT|WITH|VALUES|TABLE|SHOW)\b|\bRETURNING\b", re.I)


def _returns_rows(text: str) -> bool:
    """A statement whose row count is a result set (a read, or a write with RETURNING); a
    write's row count is the rows it changed (an INSERT ... SELECT of 10,000 rows returns
    none). A WITH ... INSERT counts as a read: rare, and over-reporting is the safe side."""
    return bool(_RESULT_SET.search(text))


def _hashable(params: object) -> object:
    """Arguments as a hashable value (a mapping's items; lists inside as tuples)."""
    if isinstance(params, Mapping):
        return tuple(sorted((str(k), _hashable(v)) for k, v in params.items()))
    if isinstance(params, list | tuple):
        return tuple(_hashable(v) for v in params)
    return params
