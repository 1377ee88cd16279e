"""Log digests: a PostgreSQL log (``log_min_duration_statement``) or a MySQL/MariaDB slow query
log read into a :class:`~sqlshift.executor.profiler.Profiler`, then reported like live calls.

Malformed entries are counted and reported, never fatal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlshift.errors import ConfigurationError
from sqlshift.executor.profiler import Profiler, Report

__all__ = ["LogEntry", "digest", "parse_mysql_slow_log", "parse_postgres_log"]


@dataclass(frozen=True, slots=True)
class LogEntry:
    sql: str
    duration_ms: float
    rows: int = 0


# "... LOG:  duration: 12.345 ms  statement: SELECT 1" and the extended-protocol forms
# "... duration: 0.1 ms  execute <unnamed>: SELECT $1" / "bind"/"parse" (those are skipped).
_PG_DURATION = re.compile(
    r"duration: (?P<ms>\d+(?:\.\d+)?) ms\s+(?P<kind>statement|execute [^:]*|bind [^:]*|"
    r"parse [^:]*):\s?(?P<sql>.*)$"
)
_PG_LINE_START = re.compile(r"^\d{4}-\d{2}-\d{2} |^\S+ \[\d+\]|^[A-Z]+:  ")


def parse_postgres_log(lines: Iterable[str]) -> tuple[list[LogEntry], int]:
    """Entries of a PostgreSQL server log, and the count of malformed duration lines.

    A statement continues on the following lines until the next line that starts a new log
    record (a timestamp or a ``LEVEL:`` prefix).
    """
    entries: list[LogEntry] = []
    malformed = 0
    current: tuple[float, list[str]] | None = None
    for raw in lines:
        line = raw.rstrip("\n")
        starts_record = bool(_PG_LINE_START.match(line))
        if current is not None and not starts_record:
            current[1].append(line)
            continue
        if current is not None:
            entries.append(LogEntry("\n".join(current[1]).strip(), current[0]))
            current = None
        if "duration:" not in line:
            continue
        match = _PG_DURATION.search(line)
        if match is None:
            if "statement:" in line or "execute" in line:
                malformed += 1
            continue
        if match.group("kind").startswith(("bind", "parse")):
            continue  # the execute line of the same statement carries the run time
        current = (float(match.group("ms")), [match.group("sql")])
    if current is not None:
        entries.append(LogEntry("\n".join(current[1]).strip(), current[0]))
    return [e for e in entries if e.sql], malformed


_MY_TIME = re.compile(
    r"^# Query_time: (?P<s>\d+(?:\.\d+)?)\s+Lock_time: \S+\s+Rows_sent: (?P<rows>\d+)"
)
_MY_SKIP = re.compile(r"^(SET timestamp=\d+;|use \S+;|# )", re.I)


def parse_mysql_slow_log(lines: Iterable[str]) -> tuple[list[LogEntry], int]:
    """Entries of a MySQL/MariaDB slow query log, and the count of malformed entries."""
    entries: list[LogEntry] = []
    malformed = 0
    timing: tuple[float, int] | None = None
    statement: list[str] = []

    def flush() -> None:
        nonlocal timing, statement, malformed
        text = "\n".join(statement).strip()
        if timing is not None and text:
            entries.append(LogEntry(text.rstrip(";").strip(), timing[0] * 1000, timing[1]))
        elif timing is not None or text:
            malformed += 1
        timing, statement = None, []

    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith("# Time:") or line.startswith("# User@Host:"):
            if statement:
                flush()
            continue
        if line.startswith("# Query_time:"):
            if statement or timing is not None:
                flush()
            match = _MY_TIME.match(line)
            if match is None:
                malformed += 1
                continue
            timing = (float(match.group("s")), int(match.group("rows")))
            continue
        if _MY_SKIP.match(line) or not line.strip():
            continue
        if timing is None:
            # server banner lines at the top of the file, or a statement with no header
            if not line.startswith(("/", "Tcp port", "Time", "Version")):
                malformed += 1
            continue
        statement.append(line)
        if line.rstrip().endswith(";"):
            flush()
    if statement or timing is not None:
        flush()
    return entries, malformed


def digest(path: str | Path, *, kind: str | None = None, dialect: str | None = None) -> Report:
    """Read a server log and return the ranked report (``kind``: "postgres" or "mysql";
    guessed from the content when None)."""
    raw = Path(path).read_bytes()
    if not raw.strip():
        raise ConfigurationError(f"{path} is empty: give a server log with timed statements")
    text = raw.decode("utf-8", errors="replace")
    head = text[:65536]
    if "\0" in head or head.count("\ufffd") > len(head) // 100:
        raise ConfigurationError(
            f"{path} is binary, not a PostgreSQL log or a MySQL/MariaDB slow query log"
        )
    lines = text.splitlines()
    if kind is None:
        kind = "mysql" if "# Query_time:" in text else "postgres"
    if kind == "mysql":
        entries, malformed = parse_mysql_slow_log(lines)
    else:
        entries, malformed = parse_postgres_log(lines)
    if not entries and not malformed:
        raise ConfigurationError(
            f"{path} is not a PostgreSQL log written with log_min_duration_statement nor a "
            f"MySQL/MariaDB slow query log: none of its {len(lines)} line(s) is a timed "
            "statement"
        )
    profiler = Profiler(slow_ms=float("inf"), explain=False)
    for entry in entries:
        profiler.record(entry.sql, dialect or kind, entry.duration_ms, rows=entry.rows)
    return profiler.report(malformed=malformed)
