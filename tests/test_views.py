"""Views in the schema: their columns' spelling (MySQL names result columns by it) and types."""

from __future__ import annotations

import sqlshift
from sqlshift import Schema

DDL = """
CREATE TABLE `Track` (`TrackId` int PRIMARY KEY, `Name` varchar(40), `Ms` int);
CREATE VIEW `LongTracks` AS SELECT t.`TrackId`, `Name` AS `Title`, `Ms` FROM `Track` AS t
WHERE `Ms` > 200;
"""


def test_schema_from_ddl_knows_views() -> None:
    schema = Schema.from_ddl(DDL, "mysql")
    assert schema.view_columns("longtracks") == ("TrackId", "Title", "Ms")
    assert [name for name, _ in schema.columns("LongTracks")] == ["trackid", "title", "ms"]
    assert schema.view_columns("track") is None
    dropped = Schema.from_ddl("DROP VIEW LongTracks", "mysql", base=schema)
    assert dropped.view_columns("longtracks") is None and dropped.columns("longtracks") == ()


def test_mysql_names_a_view_column_as_the_view_spells_it() -> None:
    schema = Schema.from_ddl(DDL, "mysql")
    sql = sqlshift.translate(
        "SELECT trackid, TITLE FROM LongTracks", "postgres", source="mysql", schema=schema
    )
    assert sql == 'SELECT trackid AS "TrackId", title AS "Title" FROM longtracks'
    table = sqlshift.translate(
        "SELECT trackid FROM Track", "postgres", source="mysql", schema=schema
    )
    assert table == "SELECT trackid FROM track"  # a table's column is named as written


def test_a_script_knows_the_views_it_creates() -> None:
    sql = sqlshift.translate(DDL + "SELECT trackid FROM LongTracks", "postgres", source="mysql")
    assert sql.endswith('SELECT trackid AS "TrackId" FROM longtracks')


def test_view_columns_are_typed_from_their_tables() -> None:
    """`ms / 2` needs the operand types (MySQL `/` of integers is exact): known through the view."""
    schema = Schema.from_ddl(DDL, "mysql")
    sql = sqlshift.translate(
        "SELECT ms / 2 FROM LongTracks", "postgres", source="mysql", schema=schema
    )
    assert "NULLIF(2, 0)" in sql
