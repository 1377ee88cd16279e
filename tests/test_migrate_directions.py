"""`sqlshift migrate` + `verify` in every direction among the three engines, on one schema
with what real databases hold: a foreign key cycle, an ENUM, booleans, decimals, dates,
datetimes with microseconds, BLOBs (NUL and non-UTF-8 bytes), NULLs, tricky text, and
100,000 rows (SQLSHIFT_MIGRATE_ROWS to change it). Each copy must verify equal, keep its
foreign keys enforced, and then read the same through the translator as the source."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from engines import EnginePool
from test_migrate import _mysql_database, _run, pg_database  # noqa: F401 (a fixture)

from sqlshift import connect
from sqlshift.errors import ExecutionError
from sqlshift.move.migrate import migrate
from sqlshift.move.verify import verify

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))
from corpus_harness import compare

ROWS = int(os.environ.get("SQLSHIFT_MIGRATE_ROWS", "100000"))
PARENTS = ROWS // 2

DDL = {
    "mysql": [
        "CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, "
        "kind ENUM('small', 'medium', 'large') NOT NULL, active TINYINT(1) NOT NULL, "
        "price DECIMAL(10, 2), born DATE, seen DATETIME(6), photo BLOB, note TEXT, "
        "favorite_child_id INT NULL)",
        "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL, label VARCHAR(20), "
        "weight DOUBLE, CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id))",
        "ALTER TABLE parent ADD CONSTRAINT parent_favorite FOREIGN KEY (favorite_child_id) "
        "REFERENCES child (id)",
    ],
    "postgres": [
        "CREATE TYPE size_kind AS ENUM ('small', 'medium', 'large')",
        "CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, "
        "kind size_kind NOT NULL, active BOOLEAN NOT NULL, price NUMERIC(10, 2), born DATE, "
        "seen TIMESTAMP, photo BYTEA, note TEXT, favorite_child_id INT)",
        "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL REFERENCES parent (id), "
        "label VARCHAR(20), weight DOUBLE PRECISION)",
        "ALTER TABLE parent ADD CONSTRAINT parent_favorite FOREIGN KEY (favorite_child_id) "
        "REFERENCES child (id)",
    ],
    "sqlite": [
        "CREATE TABLE parent (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, "
        "kind TEXT NOT NULL CHECK (kind IN ('small', 'medium', 'large')), "
        "active BOOLEAN NOT NULL, price DECIMAL(10, 2), born DATE, seen DATETIME, photo BLOB, "
        "note TEXT, favorite_child_id INTEGER REFERENCES child (id))",
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL "
        "REFERENCES parent (id), label VARCHAR(20), weight REAL)",
    ],
}
NAMES = ["O'Brien", "Zoë", "back\\slash", "tab\there", "Ünïcödé ✓", "plain", "", "ends "]
KINDS = ["small", "medium", "large"]
PARENT_COLUMNS = ["id", "name", "kind", "active", "price", "born", "seen", "photo", "note"]


def _parent(i: int) -> tuple[Any, ...]:
    return (
        i,
        f"{NAMES[i % len(NAMES)]}{i}",
        KINDS[i % 3],
        i % 2 == 0,
        None if i % 7 == 0 else Decimal(i % 100_000 - 50_000) / 100,
        None if i % 5 == 0 else dt.date(1970, 1, 1) + dt.timedelta(days=i % 20_000),
        None if i % 11 == 0 else dt.datetime(2024, 2, 29, 23, 59, 59, (i * 7919) % 1_000_000),
        None if i % 4 == 0 else bytes([i % 256, 0, 255, (i * 31) % 256]) * (i % 3),
        None if i % 3 == 0 else "line\nbreak" * (i % 4),
    )


def _child(i: int) -> tuple[Any, ...]:
    weight = [0.1, -2.5, 1e300, 3.0, None, 1 / 3][i % 6]
    return (i, 1 + (i * 7) % PARENTS, None if i % 9 == 0 else f"c{i}", weight)


async def _fill(url: str, dialect: str) -> None:
    db = await connect(url, introspect=False)
    try:
        for statement in DDL[dialect]:
            await db.execute(statement)
        for start in range(1, PARENTS + 1, 5000):
            stop = min(start + 5000, PARENTS + 1)
            async with db.transaction():
                await db.copy_rows(
                    "parent", PARENT_COLUMNS, [_parent(i) for i in range(start, stop)]
                )
        for start in range(1, PARENTS + 1, 5000):
            stop = min(start + 5000, PARENTS + 1)
            async with db.transaction():
                await db.copy_rows(
                    "child", ["id", "parent_id", "label", "weight"],
                    [_child(i) for i in range(start, stop)],
                )  # fmt: skip
        # the cycle: every third parent's favourite child
        await db.execute("UPDATE parent SET favorite_child_id = id WHERE id % 3 = 0")
    finally:
        await db.close()


READS = [
    "SELECT active, COUNT(*), SUM(price), MIN(born), MAX(seen) FROM parent GROUP BY active "
    "ORDER BY active",
    "SELECT id, name, active, photo, note FROM parent WHERE id IN (1, 2, 3, 4, 7, 8, 12) "
    "ORDER BY id",
    "SELECT c.id, p.name, c.weight FROM child c JOIN parent p ON p.id = c.parent_id "
    "WHERE c.id <= 6 ORDER BY c.id",
]


async def _reads(url: str, source: str) -> list[list[tuple[Any, ...]]]:
    db = await connect(url, source=source)
    try:
        return [[tuple(r) for r in await db.fetch_all(read)] for read in READS]
    finally:
        await db.close()


async def _orphan_refused(url: str) -> bool:
    db = await connect(url, introspect=False)
    try:
        await db.execute("INSERT INTO child (id, parent_id) VALUES (999999999, 999999999)")
    except ExecutionError:
        return True
    finally:
        await db.close()
    return False


@pytest.fixture
def urls(
    engines: EnginePool,
    pg_database: str,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> Iterator[dict[str, str]]:
    engines.get("mysql")
    with _mysql_database(f"sqlshift_dir_{os.getpid()}") as mysql:
        yield {"postgres": pg_database, "mysql": mysql, "sqlite": f"sqlite:///{tmp_path / 'd.db'}"}


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (s, t)
        for s in ("mysql", "postgres", "sqlite")
        for t in ("mysql", "postgres", "sqlite")
        if s != t
    ],
)
def test_every_direction_copies_and_proves(source: str, target: str, urls: dict[str, str]) -> None:
    _run(_fill(urls[source], source))
    report = _run(migrate(urls[source], urls[target]))
    assert report.ok, str(report)
    assert {t.name: (t.rows_written, t.verified) for t in report.tables} == {
        "parent": (PARENTS, True), "child": (PARENTS, True),
    }  # fmt: skip
    checks = _run(verify(urls[source], urls[target]))
    assert [(c.name, c.equal, c.compared_by) for c in checks] == [
        ("child", True, "key (id)"), ("parent", True, "key (id)"),
    ]  # fmt: skip
    assert _run(_orphan_refused(urls[target])), "the copy's foreign keys are not enforced"
    if target == "sqlite":
        conn = sqlite3.connect(urls[target].removeprefix("sqlite:///"))
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.close()
    # the same SQL, written for the source, reads the same on the copy (compared as the corpus
    # compares engines: values by what they mean, SQLite's REAL decimals within 1e-14)
    theirs, ours = _run(_reads(urls[source], source)), _run(_reads(urls[target], source))
    for read, expected, actual in zip(READS, theirs, ours, strict=True):
        difference = compare(expected, actual, True, source, target)
        assert difference is None, f"{read}: {difference}"
