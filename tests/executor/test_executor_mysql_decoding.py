"""MySQL DATETIME/TIMESTAMP/DATE values are read by Python's C parser
(executor/backends/mysql.py) with exactly PyMySQL's results: a datetime or date, or the
server's text for a zero or impossible date."""

from __future__ import annotations

import pytest
from pymysql.converters import convert_date, convert_datetime

from sqlshift.executor.backends.mysql import _date, _datetime

DATETIMES = [
    "2007-02-25 23:06:20", "2007-02-25 23:06:20.5", "2007-02-25 23:06:20.123456",
    "2007-02-25 23:06:20.1234", "0000-00-00 00:00:00", "2007-02-31 23:06:20",
    "9999-12-31 23:59:59.999999", "1000-01-01 00:00:00", "2024-02-29 12:00:00",
    "2023-02-29 12:00:00", "2007-02-25 24:00:00", "2007-00-10 01:02:03",
]  # fmt: skip
DATES = ["2007-02-25", "0000-00-00", "2007-02-31", "1000-01-01", "2024-02-29", "2024-13-01"]


@pytest.mark.parametrize("text", DATETIMES)
def test_datetimes_read_as_pymysql_reads_them(text: str) -> None:
    ours, theirs = _datetime(text), convert_datetime(text)
    assert (type(ours), ours) == (type(theirs), theirs)


@pytest.mark.parametrize("text", DATES)
def test_dates_read_as_pymysql_reads_them(text: str) -> None:
    ours, theirs = _date(text), convert_date(text)
    assert (type(ours), ours) == (type(theirs), theirs)
