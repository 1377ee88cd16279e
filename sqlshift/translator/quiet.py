"""Keeps sqlglot's log records about statements sqlshift parses out of the caller's logs.

sqlglot logs on the ``sqlglot`` logger when it falls back to parsing a statement as an opaque
command (``'LOCK TABLES t WRITE' contains unsupported syntax``). sqlshift reports every such
statement itself (dropped, translated or refused with a code), so the record would only reach a
user's terminal or log as noise. A filter drops the records logged while a sqlshift function
is on the stack; the caller's own use of sqlglot logs as before.
"""

from __future__ import annotations

import logging
import sys
from types import FrameType

__all__ = ["install"]

_PACKAGE = "sqlshift"


class _FromSqlshift(logging.Filter):
    """Rejects a record when a frame of the sqlshift package is calling."""

    def filter(self, record: logging.LogRecord) -> bool:
        frame: FrameType | None = sys._getframe(1)
        while frame is not None:
            module = frame.f_globals.get("__name__", "")
            if module == _PACKAGE or module.startswith(_PACKAGE + "."):
                return False
            frame = frame.f_back
        return True


_FILTER = _FromSqlshift()


def install() -> None:
    """Add the filter to sqlglot's logger (once; idempotent)."""
    logger = logging.getLogger("sqlglot")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
