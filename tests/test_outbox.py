"""The dual run's outbox (sqlshift/move/outbox.py): arguments keep their Python types through
the file, entries come back in order, and what cannot be kept is refused."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from sqlshift import ConfigurationError
from sqlshift.move.outbox import Outbox, dumps_args, loads_args

VALUES = [
    None, True, 0, -7, 2**70, "text ✓", 1.5, float("inf"), Decimal("1.50"), Decimal("-0.001"),
    dt.datetime(2024, 2, 29, 23, 59, 59, 999999), dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    dt.date(1, 1, 1), dt.time(10, 0, 59, 5), dt.timedelta(hours=-838), b"\x00\xffbytes", b"",
]  # fmt: skip


def test_arguments_keep_their_types() -> None:
    back = loads_args(json.loads(json.dumps(dumps_args(VALUES))))
    assert back == VALUES and [type(v) for v in back] == [type(v) for v in VALUES]
    named = {"a": Decimal("2.5"), "b": None}
    assert loads_args(json.loads(json.dumps(dumps_args(named)))) == named
    assert loads_args(dumps_args(None)) is None


def test_an_argument_it_cannot_keep_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="cannot keep an argument of type tuple"):
        dumps_args([(1, 2)])


def test_entries_in_order_until_done(tmp_path: Path) -> None:
    path = str(tmp_path / "outbox.db")
    box = Outbox(path)
    first = box.append("new", "mysql", [("INSERT INTO t VALUES (%s)", [Decimal("1.10")])])
    second = box.append("old", None, [("DELETE FROM t", None), ("UPDATE t SET a = 1", [])])
    assert box.depth() == 2 and box.depth("new") == 1 and box.oldest_age() is not None
    box.failed(first, "ConnectionRefusedError: down")
    box.close()
    again = Outbox(path)  # (on disk: read back by another process later)
    assert again.id == box.id
    [one, two] = again.pending()
    assert (one.id, one.side, one.source, one.attempts, one.error) == (
        first, "new", "mysql", 1, "ConnectionRefusedError: down",
    )  # fmt: skip
    assert one.statements == (("INSERT INTO t VALUES (%s)", [Decimal("1.10")]),)
    assert two.statements == (("DELETE FROM t", None), ("UPDATE t SET a = 1", []))
    assert [e.id for e in again.pending("old")] == [second]
    again.done(first)
    assert [e.id for e in again.pending()] == [second] and again.depth("new") == 0
    again.close()
