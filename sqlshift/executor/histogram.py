"""A streaming quantile sketch with bounded memory and a relative-error guarantee.

Values are counted in logarithmic buckets (the DDSketch idea): bucket ``i`` holds values in
``(gamma**(i-1), gamma**i]`` with ``gamma = (1 + a) / (1 - a)``, so any quantile is returned
within relative error ``a`` (1% by default). When more than ``max_buckets`` buckets exist, the
lowest ones are merged, which only affects the smallest values (fast queries), never p95/p99.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["Sketch"]


@dataclass(slots=True)
class Sketch:
    relative_accuracy: float = 0.01
    max_buckets: int = 2048
    count: int = 0
    zeros: int = 0
    buckets: dict[int, int] = field(default_factory=dict)
    _log_gamma: float = 0.0
    _inverse_log_gamma: float = 0.0

    def __post_init__(self) -> None:
        if not 0 < self.relative_accuracy < 1:
            raise ValueError("relative_accuracy must be between 0 and 1")
        gamma = (1 + self.relative_accuracy) / (1 - self.relative_accuracy)
        self._log_gamma = math.log(gamma)
        self._inverse_log_gamma = 1 / self._log_gamma

    def add(self, value: float) -> None:
        """Count one non-negative value (e.g. a duration in milliseconds)."""
        self.count += 1
        if value <= 0:
            self.zeros += 1
            return
        index = math.ceil(math.log(value) * self._inverse_log_gamma)
        buckets = self.buckets
        if index in buckets:
            buckets[index] += 1
        else:
            buckets[index] = 1
            if len(buckets) > self.max_buckets:
                self._collapse()

    def quantile(self, q: float) -> float:
        """The nearest-rank value at quantile ``q`` (0..1), within the relative accuracy;
        0.0 when empty."""
        if not 0 <= q <= 1:
            raise ValueError("q must be between 0 and 1")
        if self.count == 0:
            return 0.0
        rank = max(math.ceil(q * self.count) - 1, 0)  # nearest-rank, 0-based
        seen = self.zeros
        if rank < seen:
            return 0.0
        for index in sorted(self.buckets):
            seen += self.buckets[index]
            if rank < seen:
                # the bucket's value that is within the accuracy of every value it holds
                return 2 * math.exp(index * self._log_gamma) / (1 + math.exp(self._log_gamma))
        return 2 * math.exp(max(self.buckets) * self._log_gamma) / (1 + math.exp(self._log_gamma))

    def merge(self, other: Sketch) -> None:
        """Add ``other``'s counts (same accuracy required)."""
        if other.relative_accuracy != self.relative_accuracy:
            raise ValueError("cannot merge sketches of different accuracy")
        self.count += other.count
        self.zeros += other.zeros
        for index, n in other.buckets.items():
            self.buckets[index] = self.buckets.get(index, 0) + n
        while len(self.buckets) > self.max_buckets:
            self._collapse()

    def _collapse(self) -> None:
        lowest, second = sorted(self.buckets)[:2]
        self.buckets[second] += self.buckets.pop(lowest)

    def to_dict(self) -> dict[str, object]:
        return {
            "relative_accuracy": self.relative_accuracy,
            "count": self.count,
            "zeros": self.zeros,
            "buckets": {str(k): v for k, v in self.buckets.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Sketch:
        buckets = data.get("buckets") or {}
        assert isinstance(buckets, dict)
        sketch = cls(relative_accuracy=float(str(data.get("relative_accuracy", 0.01))))
        sketch.count = int(str(data.get("count", 0)))
        sketch.zeros = int(str(data.get("zeros", 0)))
        sketch.buckets = {int(k): int(v) for k, v in buckets.items()}
        return sketch
