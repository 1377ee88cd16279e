"""The fixture is the same logical data on every engine, and matches corpus/fixture/schema.toml."""

from __future__ import annotations

from corpus_harness import KEYS, compare, format_rows, load_schema
from engines import FIXTURE_TABLES, Engine, EnginePool


def test_columns_match_schema(engine: Engine) -> None:
    schema = load_schema()
    for table in FIXTURE_TABLES:
        columns = [c for c in schema[table] if c != KEYS]
        assert engine.table_columns(table) == columns, f"{engine.name}.{table}"


def test_rows_match_sqlite(engine: Engine, engines: EnginePool) -> None:
    reference = engines.get("sqlite")
    for table in FIXTURE_TABLES:
        query = f"SELECT * FROM {table} ORDER BY id"
        expected, actual = reference.query(query), engine.query(query)
        difference = compare(expected, actual, True, "sqlite", engine.name)
        assert difference is None, (
            f"{engine.name}.{table} differs from sqlite: {difference}\n"
            f"sqlite:\n{format_rows(expected)}\n{engine.name}:\n{format_rows(actual)}"
        )


def test_fixture_has_the_promised_variety(engines: EnginePool) -> None:
    db = engines.get("sqlite")
    texts = [
        row[0] for row in db.query("SELECT name FROM people UNION ALL SELECT name FROM cities")
    ]
    assert any(t is None for t in texts)
    assert any(t and t != t.lower() and t != t.upper() for t in texts)  # mixed case
    assert any(t and any(ord(c) > 0xFFFF for c in t) for t in texts)  # emoji
    assert any(t and any("\u4e00" <= c <= "\u9fff" for c in t) for t in texts)  # CJK
    assert db.query("SELECT count(*) FROM people WHERE age < 0 OR salary < 0") != [(0,)]
    assert db.query("SELECT count(*) FROM people WHERE salary IS NULL") != [(0,)]
