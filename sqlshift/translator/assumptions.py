"""Assumptions: what a translation took for granted about a type it did not know.

Where a construct means different things for different types (text compared under MySQL's
case-insensitive collation, say) and the translator cannot tell the type (a column without
``schema=``, an argument), it translates the way the target reads the construct and says so:
one :class:`Assumption` per construct, in ``Translation.assumptions``, raised as an
:class:`~sqlshift.AssumptionWarning`, printed by the CLI and logged by the executor once per
statement. ``Options(assumptions="refuse")`` refuses such constructs instead. A schema that
covers the statement leaves none.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Assumption"]


@dataclass(frozen=True, slots=True)
class Assumption:
    """``code`` is stable (e.g. ``collation-unknown-type``); ``construct`` the caller's text;
    ``assumed`` what was taken for granted; ``hint`` what makes it unnecessary."""

    code: str
    construct: str
    assumed: str
    hint: str
    line: int | None
    col: int | None
    source: str
    target: str

    def __str__(self) -> str:
        where = f" at line {self.line}, col {self.col}" if self.line is not None else ""
        text = f"[{self.code}] `{self.construct}`{where} ({self.source} -> {self.target}): "
        text += f"assumed {self.assumed}"
        return f"{text}\nHint: {self.hint}" if self.hint else text
