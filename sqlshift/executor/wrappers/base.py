"""What the ``wrap()`` adapters share: the proxy that keeps a driver object's own API, and
the checks that a driver's rows may be shared from the cache."""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlshift.executor.cache import Cache
from sqlshift.executor.pipeline import Pipeline
from sqlshift.executor.profiler import Profiler
from sqlshift.executor.rows import value_size

__all__ = ["Proxy", "count_rows", "frozen_rows_size", "frozen_value_size"]


def count_rows(count: Any) -> int:
    """A driver's row count as the profiler takes it: 0 when unknown (-1, None, 2**64-1)."""
    return count if type(count) is int and 0 <= count < 1 << 62 else 0


class Proxy:
    """Forwards what it does not define to the wrapped object, attribute writes included."""

    __slots__ = ("_pipeline", "_raw")
    _OWN: frozenset[str] = frozenset({"_pipeline", "_raw"})
    _raw: Any
    _pipeline: Pipeline

    def __init__(self, raw: Any, pipeline: Pipeline) -> None:
        object.__setattr__(self, "_raw", raw)
        object.__setattr__(self, "_pipeline", pipeline)

    @property
    def __wrapped__(self) -> Any:
        return self._raw

    @property
    def cache(self) -> Cache | None:
        """The result cache (None when the wrapper only translates)."""
        return self._pipeline.cache

    @property
    def profiler(self) -> Profiler | None:
        """The profiler (None unless ``wrap(..., profiler=...)``), shared with the
        connections a pool wrapper hands out."""
        return self._pipeline.profiler

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in type(self)._OWN:
            object.__setattr__(self, name, value)
        else:
            setattr(self._raw, name, value)

    def __delattr__(self, name: str) -> None:
        if name in type(self)._OWN:
            object.__delattr__(self, name)
        else:
            delattr(self._raw, name)

    def __dir__(self) -> Iterable[str]:
        return sorted(set(dir(self._raw)) | set(super().__dir__()))

    def __repr__(self) -> str:
        return f"<sqlshift.wrap {self._raw!r}>"


# ------------------------------------------------------------------ results safe to share

_IMMUTABLE = frozenset(
    {
        int,
        float,
        bool,
        str,
        bytes,
        type(None),
        Decimal,
        dt.date,
        dt.datetime,
        dt.time,
        dt.timedelta,
        uuid.UUID,
    }
)


def frozen_value_size(value: Any) -> int | None:
    """Bytes held by ``value`` (as the cache counts them, :func:`rows.value_size`), or None
    when it (or a part of it) can be mutated."""
    kind = type(value)
    if kind in _IMMUTABLE or isinstance(value, uuid.UUID):  # asyncpg's UUID is a subclass
        return value_size(value)
    if kind is tuple or kind is frozenset:
        total = sys.getsizeof(value)
        for item in value:
            size = frozen_value_size(item)
            if size is None:
                return None
            total += size
        return total
    return None


def frozen_rows_size(rows: Iterable[Iterable[Any]]) -> int | None:
    """Bytes held by the driver's rows (each row as ``sys.getsizeof`` measures it, each
    value as the cache counts it), or None when a value is mutable."""
    getsizeof = sys.getsizeof
    total = getsizeof(rows)
    for row in rows:
        total += getsizeof(row)
        for value in row:
            if type(value) in _IMMUTABLE:
                total += value_size(value)
            else:
                size = frozen_value_size(value)
                if size is None:
                    return None
                total += size
    return total
