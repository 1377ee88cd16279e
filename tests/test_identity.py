"""Generated keys continue after the highest key on PostgreSQL, as MySQL's AUTO_INCREMENT and
SQLite's rowid do (rules/triggers.py), whoever inserts the rows: a script, the executor."""

from __future__ import annotations

import pytest
from engines import DialectName, EnginePool

from sqlshift import translate, translation

SCRIPTS: dict[DialectName, str] = {
    "mysql": (
        "CREATE TABLE keyed (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(5)) AUTO_INCREMENT=50"
    ),
    "sqlite": "CREATE TABLE keyed (id INTEGER PRIMARY KEY, v TEXT)",
}
STEPS = [
    "INSERT INTO keyed (v) VALUES ('a')",  # mysql: 50, sqlite: 1
    "INSERT INTO keyed (id, v) VALUES (7, 'b')",  # below the counter: it stays
    "INSERT INTO keyed (v) VALUES ('c')",
    "INSERT INTO keyed (id, v) VALUES (100, 'd'), (90, 'e')",  # above it: next is 101
    "INSERT INTO keyed (v) VALUES ('f')",
    "DELETE FROM keyed WHERE id >= 90",
    "INSERT INTO keyed (v) VALUES ('g')",  # MySQL and SQLite differ here; each is followed
]


@pytest.mark.parametrize("source", ["mysql", "sqlite"])
def test_next_key_is_the_sources(engines: EnginePool, source: DialectName) -> None:
    results = {}
    for name in (source, "postgres"):
        engine = engines.get(name)
        with engine.isolated("other"):
            for statement in [SCRIPTS[source], *STEPS]:
                if name == "postgres":
                    for part in translation(statement, "postgres", source).statements:
                        engine.execute_script(part)
                else:
                    engine.execute_script(statement)
            results[name] = engine.query("SELECT id, v FROM keyed ORDER BY v")
    assert results["postgres"] == results[source]


def test_a_trigger_not_a_statement_per_insert() -> None:
    ddl = translate(SCRIPTS["mysql"], "postgres", "mysql")
    assert "CREATE TRIGGER keyed_keep_identity AFTER INSERT ON keyed FOR EACH STATEMENT" in ddl
    assert translation(STEPS[1], "postgres", "mysql").statements == (
        "INSERT INTO keyed (id, v) VALUES (7, 'b')",
    )
