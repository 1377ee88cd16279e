"""Emulated comparisons keep indexes usable (issue 15, item 5), checked by EXPLAIN on the
real engines: MySQL-source `=`/IN/prefix LIKE on PostgreSQL use the companion index the
translated DDL creates; PostgreSQL-source byte-wise comparisons into MySQL keep the column's
own index reachable. benchmarks/bench_collation_index.py measures the time it saves."""

from __future__ import annotations

import pytest
from engines import EnginePool

from sqlshift import Schema, translate
from sqlshift.translator.options import Options

NO_PAD = Options(mysql_padding="no-pad")

MYSQL_DDL = """
CREATE TABLE ci_people (
  id INT PRIMARY KEY,
  name VARCHAR(60) NOT NULL,
  code VARCHAR(8) NOT NULL,
  tag VARCHAR(8) COLLATE utf8mb4_bin,
  KEY idx_name (name),
  UNIQUE KEY uq_code (code),
  KEY idx_tag (tag)
)"""
SCHEMA = Schema.from_ddl(MYSQL_DDL, "mysql")
ROWS = "INSERT INTO ci_people VALUES (1, 'Bob', 'ab', 'x'), (2, 'Émile ', 'cd', 'y')"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT id FROM ci_people WHERE name = 'EMILE'",
        "SELECT id FROM ci_people WHERE name IN ('bob', 'eve')",
        "SELECT id FROM ci_people WHERE name LIKE 'bo%'",
        "SELECT id FROM ci_people WHERE code = 'AB'",
        "SELECT id FROM ci_people WHERE tag = 'x'",
    ],
)
def test_mysql_comparisons_on_postgres_use_the_companion_index(
    engines: EnginePool, query: str
) -> None:
    pg = engines.get("postgres")
    with pg.isolated("other"):
        pg.execute_script(translate(MYSQL_DDL, "postgres", "mysql"))
        pg.execute_script(translate(ROWS, "postgres", "mysql"))
        translated = translate(query, "postgres", "mysql", schema=SCHEMA)
        pg.execute_script("SET LOCAL enable_seqscan = off")
        plan = "\n".join(str(row[0]) for row in pg.query("EXPLAIN " + translated))
        expected = {"code": "ci_people_code_key_ci", "tag ": "ci_people_idx_tag_ci"}
        expected_index = next((v for k, v in expected.items() if k in query), "idx_name_ci")
        assert expected_index in plan, plan
        mysql = engines.get("mysql")
        with mysql.isolated("other"):
            mysql.execute_script(MYSQL_DDL)
            mysql.execute_script(ROWS)
            assert sorted(pg.query(translated)) == sorted(mysql.query(query))


def test_unique_keys_are_unique_under_mysqls_collation(engines: EnginePool) -> None:
    """MySQL refuses 'AB ' beside 'ab' in a UNIQUE column; so does the translated table."""
    failures: dict[str, str] = {}
    for name in ("mysql", "postgres"):
        engine = engines.get(name)
        with engine.isolated("other"):
            engine.execute_script(
                MYSQL_DDL if name == "mysql" else translate(MYSQL_DDL, name, "mysql")
            )
            insert = "INSERT INTO ci_people VALUES (1, 'a', 'ab', 'x'), (2, 'b', 'AB ', 'x')"
            with pytest.raises(Exception) as error:
                engine.execute_script(
                    insert if name == "mysql" else translate(insert, name, "mysql")
                )
            failures[name] = str(error.value).lower()
    assert "duplicate" in failures["mysql"]
    assert "duplicate key" in failures["postgres"] and "code_key_ci" in failures["postgres"]


def test_binary_column_companion_is_unpadded_not_folded() -> None:
    """`tag` is utf8mb4_bin: compared byte-wise, but still without trailing spaces in `=`."""
    ddl = translate(MYSQL_DDL, "postgres", "mysql")
    assert 'CREATE INDEX "ci_people_idx_tag_ci" ON ci_people((RTRIM(tag)))' in ddl
    assert "RTRIM(tag)" not in translate(MYSQL_DDL, "postgres", "mysql", options=NO_PAD)


PG_DDL = "CREATE TABLE cs_people (id INT PRIMARY KEY, name VARCHAR(60), KEY idx_name (name))"
PG_SCHEMA = {"cs_people": {"id": "INT", "name": "VARCHAR(60)"}}


@pytest.mark.parametrize(
    "query",
    [
        "SELECT id FROM cs_people WHERE name = 'Bob'",
        "SELECT id FROM cs_people WHERE name IN ('Bob', 'bob ')",
        "SELECT id FROM cs_people WHERE name LIKE 'Bo%'",
    ],
)
def test_postgres_comparisons_into_mysql_can_use_the_columns_index(
    engines: EnginePool, query: str
) -> None:
    mysql = engines.get("mysql")
    pg = engines.get("postgres")
    translated = translate(query, "mysql", "postgres", schema=PG_SCHEMA)
    rows = "INSERT INTO cs_people VALUES (1, 'Bob'), (2, 'bob'), (3, 'Bob '), (4, 'BOB')"
    with mysql.isolated("other"):
        mysql.execute_script(PG_DDL)
        mysql.execute_script(rows)
        plan = mysql.query("EXPLAIN " + translated)
        assert any("idx_name" in str(row[4] or "") for row in plan), plan  # possible_keys
        got = sorted(mysql.query(translated))
    with pg.isolated("other"):
        pg.execute_script("CREATE TABLE cs_people (id INT PRIMARY KEY, name VARCHAR(60))")
        pg.execute_script(rows)
        assert got == sorted(pg.query(query))


def test_negated_like_into_mysql_stays_byte_wise_only() -> None:
    """`name NOT LIKE 'Bo%'` byte-wise does not imply it case-insensitively: no conjunct."""
    out = translate(
        "SELECT id FROM t WHERE name NOT LIKE 'Bo%'",
        "mysql",
        "postgres",
        schema={"t": {"name": "TEXT"}},
    )
    assert out == "SELECT id FROM t WHERE name COLLATE utf8mb4_bin NOT LIKE 'Bo%'"
