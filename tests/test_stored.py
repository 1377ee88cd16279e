"""Values written into DATE/DATETIME columns are stored as MySQL stores them
(rules/stored.py): the canonical form of each relaxed spelling is MariaDB's own."""

from __future__ import annotations

import datetime as dt

import pytest
from engines import EnginePool

from sqlshift.translator.rules.stored import canonical_temporal

SPELLINGS = [
    "1962/2/18",
    "19620218",
    "620218",
    "69-12-31",
    "70-01-01",
    "2024-1-5 3:04:05",
    "2024.01.05 03.04.05",
    "20240105030405",
    "2001-02-03T04:05:06",
    "2024-01-05 03:04:05.25",
    "  2024-01-05  ",
]


@pytest.mark.parametrize("kind", ["date", "datetime"])
def test_canonical_forms_are_mariadbs(engines: EnginePool, kind: str) -> None:
    mysql = engines.get("mysql")
    column = "DATE" if kind == "date" else "DATETIME(2)"
    with mysql.isolated("other"):
        mysql.execute_script(f"CREATE TABLE spellings (id int PRIMARY KEY, v {column})")
        for i, text in enumerate(SPELLINGS):
            mysql.execute_script(f"INSERT INTO spellings VALUES ({i}, '{text}')")
        stored = [str(row[0]) for row in mysql.query("SELECT v FROM spellings ORDER BY id")]
    for text, theirs in zip(SPELLINGS, stored, strict=True):
        ours = canonical_temporal(text, kind)
        assert ours is not None, text
        if kind == "date":
            assert ours == theirs, text
        else:  # (the driver shows DATETIME(2)'s .25 as .250000)
            assert dt.datetime.fromisoformat(ours) == dt.datetime.fromisoformat(theirs), text


def test_what_mysql_would_not_read_is_left_alone() -> None:
    assert canonical_temporal("2024-02-30", "date") is None
    assert canonical_temporal("0000-00-00", "date") is None
    assert canonical_temporal("next tuesday", "datetime") is None
