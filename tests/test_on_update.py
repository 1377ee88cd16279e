"""MySQL `ON UPDATE CURRENT_TIMESTAMP` as triggers (rules/on_update.py), on the real engines:
the translated table sets the column when MySQL does, and leaves it when MySQL does."""

from __future__ import annotations

import pytest
from engines import DialectName, EnginePool

from sqlshift import translate

DDL = """
CREATE TABLE stamped (
  id INT PRIMARY KEY AUTO_INCREMENT,
  title VARCHAR(20),
  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  touched DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
)"""
OLD = "2001-02-03 04:05:06"
STEPS = [
    f"INSERT INTO stamped VALUES (1, 'a', '{OLD}', '{OLD}'), (2, 'b', '{OLD}', '{OLD}'), "
    f"(3, 'c', '{OLD}', '{OLD}'), (4, 'd', '{OLD}', '{OLD}')",
    "UPDATE stamped SET title = 'A' WHERE id = 1",  # another column changes: both set
    "UPDATE stamped SET title = 'b' WHERE id = 2",  # no value changes: neither
    "UPDATE stamped SET title = 'C', last_update = '2002-01-01 00:00:00' WHERE id = 3",
    "UPDATE stamped SET touched = '2003-01-01 00:00:00' WHERE id = 4",  # only touched: set
]
READ = (
    "SELECT id, title, last_update > '2020-01-01' AS fresh, touched > '2020-01-01' AS "
    "touched_fresh, YEAR(last_update) AS y, YEAR(touched) AS ty FROM stamped ORDER BY id"
)
EXPECTED = [
    (1, "A", 1, 1, 2026, 2026),
    (2, "b", 0, 0, 2001, 2001),
    (3, "C", 0, 1, 2002, 2026),
    (4, "d", 1, 0, 2026, 2003),
]


def _run(engines: EnginePool, name: DialectName) -> list[tuple[object, ...]]:
    engine = engines.get(name)

    def sql(statement: str) -> str:
        return statement if name == "mysql" else translate(statement, name, "mysql")

    with engine.isolated("other"):
        engine.execute_script(sql(DDL))
        for step in STEPS:
            engine.execute_script(sql(step))
        rows = engine.query(sql(READ))
    return [tuple(int(v) if isinstance(v, bool) else v for v in row) for row in rows]


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
def test_on_update_sets_the_column_as_mysql_does(engines: EnginePool, target: DialectName) -> None:
    mysql = _run(engines, "mysql")
    assert [row[:4] for row in mysql] == [row[:4] for row in EXPECTED]
    got = _run(engines, target)
    assert [row[:4] for row in got] == [row[:4] for row in mysql]
    # the years of the kept values match exactly; the fresh ones are this year's
    for theirs, ours in zip(mysql, got, strict=True):
        for k in (4, 5):
            assert ours[k] == theirs[k] or (theirs[k] > 2020 and ours[k] > 2020)


def test_on_update_statements() -> None:
    pg = translate(DDL, "postgres", "mysql")
    assert "ON UPDATE" not in pg and "CREATE TRIGGER stamped_on_update BEFORE UPDATE" in pg
    lite = translate(DDL, "sqlite", "mysql")
    assert lite.count("CREATE TRIGGER") == 1 and "CREATE TRIGGER stamped_on_update AFTER" in lite
