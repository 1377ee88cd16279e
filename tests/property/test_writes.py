"""Generated writes (UPDATE, DELETE, INSERT ... SELECT, upserts), run natively on their source
engine and translated on the other two: the table each leaves must read the same (issue 15,
item 7). Each write runs in its engine's isolation, undone after the read-back."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from engines import DIALECTS, DialectName, EnginePool
from hypothesis import HealthCheck, assume, given, seed, settings
from hypothesis import strategies as st
from runner import (
    EXAMPLES,
    NUMERIC_TYPES,
    SEED,
    STATS,
    Mismatch,
    _difference,
    _reason,
    translate,
)
from sqlgen import writes

import sqlshift

#: errors a target raises by its own constraint rules (not a translation's syntax or meaning)
_CONSTRAINT = re.compile(
    r"default value|not[- ]null|null value|duplicate|unique|constraint|out of range|"
    r"Data truncated|Data too long|value too long|Incorrect \w+ value",
    re.IGNORECASE,
)

SETTINGS = settings(
    max_examples=max(EXAMPLES // 4, 50),
    derandomize=False,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _at_column_scale(expected: list[Any], actual: list[Any]) -> list[Any]:
    """SQLite's rows with each number that the target holds in a DECIMAL column rounded to
    that column's scale: SQLite keeps a REAL's noise in a "DECIMAL(12, 4)" column
    (-0.000100000000000211 for (amount - id) + id), which no DECIMAL column can hold; the
    target's rounded value is what a faithful copy stores."""
    if len(expected) != len(actual):
        return expected
    settled = []
    for mine, theirs in zip(expected, actual, strict=True):
        row = list(mine)
        for i, (a, b) in enumerate(zip(mine, theirs, strict=False)):
            if (
                isinstance(b, Decimal)
                and isinstance(a, float | Decimal)
                and not isinstance(a, bool)
            ):
                exponent = b.as_tuple().exponent
                if isinstance(exponent, int):
                    # A REAL half-way between two DECIMALs (1.485, 7499.975) rounds either
                    # way: its binary value is a hair either side of it, the engines convert
                    # a double from its exact value or from 15 significant digits
                    # (PostgreSQL), and the harness reads SQLite's REAL at the column's scale
                    # already: one unit of the last digit apart is the same stored value.
                    quantum = Decimal(1).scaleb(exponent)
                    settled_value = Decimal(str(a)).quantize(quantum, ROUND_HALF_UP)
                    row[i] = b if abs(settled_value - b) <= quantum else settled_value
        settled.append(tuple(row))
    return settled


@pytest.mark.slow
@pytest.mark.parametrize("source", DIALECTS)
def test_generated_writes_leave_the_same_tables(source: DialectName, engines: EnginePool) -> None:
    targets = {name: engines.get(name) for name in DIALECTS}

    @SETTINGS
    @seed(SEED)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        sql, table = data.draw(writes(source), label="write")
        verify = f"SELECT * FROM {table} ORDER BY id"
        engine = targets[source]
        try:
            with engine.isolated("dml"):
                engine.execute_script(sql)
                expected = engine.query(verify)
        except Exception as error:
            for target in DIALECTS:
                if target != source:
                    STATS.add(f"write {source}->{target}", "discarded")
            STATS.discards[_reason(error)] += 1
            assume(False)
            return
        for target in DIALECTS:
            if target == source:
                continue
            label = f"write {source}->{target}"
            try:
                translated = translate(sql, source, target)
                read_back = translate(verify, source, target)
            except sqlshift.UntranslatableError as error:
                STATS.add(label, "refused")
                STATS.codes[error.code] += 1
                continue
            other = targets[target]
            try:
                with other.isolated("dml"):
                    other.execute_script(translated)
                    actual = other.query(read_back)
            except Exception as error:
                if _CONSTRAINT.search(str(error)):
                    # loud, and the engines' own rules: MySQL refuses an INSERT that leaves
                    # out a NOT NULL column without a default even when it inserts no row
                    STATS.add(label, "fails on target")
                    STATS.discards[f"{target}: {_reason(error)}"] += 1
                    continue
                STATS.add(label, "failed")
                raise Mismatch(
                    f"{label}: the write runs on {source} but fails on {target}: "
                    f"{type(error).__name__}: {error}\nsource SQL:\n  {sql}\n"
                    f"translated SQL:\n  {translated}"
                ) from error
            if source == "sqlite":
                expected = _at_column_scale(expected, actual)
            difference = _difference(expected, actual, True, source, target)
            if difference is NUMERIC_TYPES:
                STATS.add(label, "numeric type differs")
                continue
            if difference is not None:
                STATS.add(label, "failed")
                raise Mismatch(
                    f"{label}: the tables differ after the write: {difference}\n"
                    f"source SQL:\n  {sql}\ntranslated SQL:\n  {translated}"
                )
            STATS.add(label, "passed")

    check()
