"""The cache's ``max_bytes`` bounds the memory its results hold, whatever the rows hold.

Measured with tracemalloc (the bytes Python allocated for the results the cache keeps), for
row mixes chosen to fool an estimate: one huge row among small ones, text of 4-byte
characters, Decimals and timestamps, nested tuples. The bound: what the cache holds stays
under 2 x max_bytes (issue 11: an estimate that sampled every 8th row held 320.8 MB for an
accounted 0.57 MB)."""

from __future__ import annotations

import datetime as dt
import gc
import sys
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from sqlshift.executor.cache import Cache
from sqlshift.executor.rows import Row, estimate_size, make_rows, value_size

NAMES = ("id", "value")
MAX_BYTES = 4 * 1024 * 1024
RESULTS = 120


def _one_huge_row(seed: int) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [(i, f"{seed}-{i}") for i in range(99)]
    rows.insert(37, (99, "x" * 150_000 + str(seed)))  # between the rows a sample would take
    return rows


def _emoji(seed: int) -> list[tuple[Any, ...]]:
    return [(i, "\U0001f600" * 400 + str(seed * 1000 + i)) for i in range(100)]


def _decimals_and_times(seed: int) -> list[tuple[Any, ...]]:
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    return [
        (Decimal(f"{seed}{i}.123456789012345678901234567890"), start + dt.timedelta(seconds=i))
        for i in range(2000)
    ]


def _nested(seed: int) -> list[tuple[Any, ...]]:
    return [(i, tuple(f"{seed}:{i}:{j}" for j in range(40))) for i in range(100)]


def _nulls_and_zeros(seed: int) -> list[tuple[Any, ...]]:
    """NULLs, empty text and Decimal zeros (falsy values a filter would drop) among large
    values of the same columns."""
    return [
        (
            None if i % 3 else Decimal(0) if i % 2 else Decimal("9" * 300 + str(seed)),
            "" if i % 4 == 1 else None if i % 4 == 2 else "\u00e9" * 2000 + str(i),
            None if i % 5 else b"\x00" * 5000,
        )
        for i in range(100)
    ]


MIXES: dict[str, Callable[[int], list[tuple[Any, ...]]]] = {
    "one huge row among small ones": _one_huge_row,
    "NULLs, empty text and Decimal zeros among large values": _nulls_and_zeros,
    "4-byte characters": _emoji,
    "decimals and aware timestamps": _decimals_and_times,
    "nested tuples": _nested,
}


def _allocated(build: Callable[[], Any]) -> tuple[Any, int]:
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    value = build()
    gc.collect()
    return value, tracemalloc.get_traced_memory()[0] - before


@pytest.fixture
def traced() -> Any:
    tracemalloc.start()
    yield
    tracemalloc.stop()


@pytest.mark.parametrize("mix", list(MIXES))
def test_estimate_counts_what_a_result_allocates(mix: str, traced: None) -> None:
    rows, allocated = _allocated(lambda: make_rows(NAMES, MIXES[mix](7)))
    estimate = estimate_size(rows)
    # never under what the rows took (a shared value may be counted twice: over is safe)
    assert estimate >= allocated * 0.9, (mix, estimate, allocated)
    assert estimate <= allocated * 2.5, (mix, estimate, allocated)


def _getsizeof_of_every_value(rows: Any) -> int:
    return sys.getsizeof(rows) + sum(
        sys.getsizeof(row) + sum(value_size(value) for value in row) for row in rows
    )


@pytest.mark.parametrize(
    "rows",
    [
        [(1, "a", Decimal("1.5"), b"xy"), (2**100, "\U0001f600", Decimal("1" * 90), b"")],
        [(None, None), ("", Decimal(0)), ("abc", None), (None, Decimal("0.00"))],
        [(0,), (None,), (7,), (True,)],  # a boolean in an integer column
        [(1, "a"), ("b", 2)],  # columns of mixed types
        [(1.5, dt.date(2024, 1, 1)), (None, None)],
        [((1, 2), "x"), ((3,), "y")],  # a container column
        [(1,), (2, "longer row")],  # rows of different lengths
        [[1, "list rows"], [2, "x"]],
    ],
    ids=["types", "nulls-falsy", "int-bool", "mixed", "fixed", "container", "ragged", "lists"],
)
def test_estimate_is_getsizeof_of_every_value_or_more(rows: Any) -> None:
    """The fast column paths (a type's own __sizeof__ mapped over a column, NULLs and zeros
    filtered out) count what getsizeof counts value by value, never less; so does the path
    of results of a few rows (each sample alone), and the column paths (it three times)."""
    for sample in (rows, rows * 3):
        assert estimate_size(sample) >= _getsizeof_of_every_value(sample)
        if len({len(row) for row in sample}) == 1:
            built = make_rows(tuple(f"c{i}" for i in range(len(sample[0]))), sample)
            assert estimate_size(built) >= _getsizeof_of_every_value(built)


@pytest.mark.parametrize("mix", list(MIXES))
async def test_cache_holds_at_most_twice_max_bytes(mix: str, traced: None) -> None:
    cache = Cache("lru", maxsize=100_000, max_bytes=MAX_BYTES)
    build = MIXES[mix]

    async def fill() -> None:
        for seed in range(RESULTS):

            async def load(seed: int = seed) -> tuple[Row, ...]:
                return make_rows(NAMES, build(seed))

            await cache.get_or_load(("q", seed), frozenset({"t"}), load)

    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    await fill()
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    stats = cache.stats()
    assert stats.evictions > 0, "the mix must overflow the cache for the bound to matter"
    assert held < 2 * MAX_BYTES, f"{mix}: the cache holds {held / 2**20:.1f} MiB"
