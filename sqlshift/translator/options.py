"""Options: translation policies a caller may choose (each field documents its default)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Options"]


@dataclass(frozen=True, slots=True)
class Options:
    """Policies for :func:`sqlshift.translate` (``options=``); hashable, part of the memo key.

    Every field's default is the faithful choice; a field exists only where a caller may
    reasonably want something else (and says what it gives up).
    """


DEFAULT_OPTIONS = Options()
