"""Time `sqlshift migrate` (copy + verification of every row) from MariaDB to PostgreSQL and
SQLite, and pgloader's copy of the same database to PostgreSQL, in one run.

    python benchmarks/bench_migrate.py [--source mysql://root@127.0.0.1:3306/sakila]
                                       [--kb 4000] [--repeat 2] [--json out.json]

Without ``--source``, a mysqldump-shaped database (corpus/dumps/make_dump.py, ``--kb`` of dump)
is loaded into a MariaDB database of its own first. Each tool runs as a command (interpreter
start included), into a freshly created PostgreSQL database or SQLite file; the best of
``--repeat`` wall times is kept (the tools take turns, round by round), with the median and
the peak RSS of that run (of the command's own process: the second process ``migrate`` forks
to load half of the rows into PostgreSQL shares most of its pages and is not counted). ``sqlshift --no-verify`` copies without proving the copy, as pgloader does.
pgloader (Debian package ``pgloader``) is skipped when it is not installed.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pymysql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from sqlshift.translator.compound import split_script  # noqa: E402

PG = os.environ.get("SQLSHIFT_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
MYSQL = os.environ.get("SQLSHIFT_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
COPY = "sqlshift_bench_migrate_copy"
GENERATED = "sqlshift_bench_migrate_src"


def _with_database(url: str, database: str) -> str:
    return urlsplit(url)._replace(path=f"/{database}").geturl()


def _mysql() -> Any:
    parts = urlsplit(MYSQL)
    return pymysql.connect(
        host=parts.hostname, port=parts.port or 3306, user=parts.username or "root",
        password=parts.password or "", autocommit=True,
    )  # fmt: skip


def _load_generated(kb: int) -> str:
    """A MariaDB database loaded natively from make_dump.py's dump; its URL."""
    spec = importlib.util.spec_from_file_location("make_dump", ROOT / "corpus/dumps/make_dump.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dump = module.make_dump(kb)
    conn = _mysql()
    with conn.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{GENERATED}`")
        cursor.execute(f"CREATE DATABASE `{GENERATED}`")
        cursor.execute(f"USE `{GENERATED}`")
        for unit in split_script(dump):
            if not unit.client:
                cursor.execute(dump[unit.start : unit.end])
    conn.close()
    return _with_database(MYSQL, GENERATED)


async def _fresh_pg() -> str:
    conn = await asyncpg.connect(PG)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {COPY} WITH (FORCE)")
        await conn.execute(f"CREATE DATABASE {COPY}")
    finally:
        await conn.close()
    return _with_database(PG, COPY)


def _timed(command: list[str]) -> tuple[float, int, str]:
    """Wall seconds, the command's peak RSS in MB (its own rusage), and its output."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode not in (0, 1):  # (1: migrate's "something was refused or differs")
            raise SystemExit(f"{command[0]} failed ({child.returncode}):\n{err.read()[-2000:]}")
        return seconds, usage.ru_maxrss // 1024, out.read()


def _sqlshift(source: str, target: str, *extra: str) -> tuple[float, int, int, bool]:
    tool = Path(sys.executable).with_name("sqlshift")
    seconds, rss, out = _timed([str(tool), "migrate", source, target, "--json", *extra])
    report = json.loads(out)
    rows = sum(t["rows_written"] for t in report["tables"])
    verified = all(t["verified"] for t in report["tables"])
    return seconds, rss, rows, verified


def _sqlshift_unverified(source: str, target: str) -> tuple[float, int, int, bool]:
    return _sqlshift(source, target, "--no-verify")


def _pgloader(source: str, target: str) -> tuple[float, int, int, bool]:
    src = urlsplit(source)
    mysql = f"mysql://{src.username or 'root'}@{src.hostname}:{src.port or 3306}{src.path}"
    seconds, rss, out = _timed(["pgloader", mysql, target])
    rows = 0
    for line in out.splitlines():
        if "Total import time" in line:
            rows = int(line.split()[4])
    return seconds, rss, rows, False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", help="a MySQL/MariaDB URL (default: a generated database)")
    parser.add_argument("--kb", type=int, default=4000, help="size of the generated dump")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    source = args.source or _load_generated(args.kb)
    # (bytecode compiled, as an installed package has it: this machine's environment may
    # forbid writing it, and compiling sqlshift's modules at each start costs 0.2 s)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "sqlshift")], check=True)
    runs: list[tuple[str, str, Any]] = [("sqlshift", "postgres", _sqlshift)]
    runs.append(("sqlshift", "sqlite", _sqlshift))
    runs.append(("sqlshift --no-verify", "postgres", _sqlshift_unverified))
    if shutil.which("pgloader"):
        runs.append(("pgloader", "postgres", _pgloader))
    else:
        print("pgloader is not installed: skipped (apt-get install pgloader)")
    results = []
    print(
        f"{'tool':20} {'target':9} {'rows':>8} {'seconds':>8} {'median':>7} {'rows/s':>8} "
        f"{'RSS MB':>7}  verified"
    )
    bests: dict[int, tuple[float, int, int, bool]] = {}
    times: dict[int, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):  # (round by round: every tool sees the same drift)
            for index, (_, target, run) in enumerate(runs):
                if target == "postgres":
                    url = asyncio.run(_fresh_pg())
                else:
                    url = f"sqlite:///{tmp}/copy{i}.db"
                outcome = run(source, url)
                times.setdefault(index, []).append(outcome[0])
                if index not in bests or outcome[0] < bests[index][0]:
                    bests[index] = outcome
        for index, (tool, target, _) in enumerate(runs):
            seconds, rss, rows, verified = bests[index]
            median = statistics.median(times[index])
            print(
                f"{tool:20} {target:9} {rows:8} {seconds:8.2f} {median:7.2f} "
                f"{rows / seconds:8.0f} {rss:7}  {'every row' if verified else 'no'}"
            )
            results.append(
                {"tool": tool, "target": target, "rows": rows, "seconds": seconds,
                 "median_seconds": median, "peak_rss_mb": rss, "verified": verified}
            )  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"source": source, "results": results}, indent=1))


if __name__ == "__main__":
    main()
