"""Window functions: what the other rules' rewrites of an aggregate mean under OVER."""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import rule
from sqlshift.translator.shape import WINDOW_FUNCTIONS, WINDOW_MODIFIERS

__all__ = ["wrappers_outside_the_window"]

#: what OVER is already on (a named window's name too): left as it is
_WINDOWED = (*WINDOW_FUNCTIONS, *WINDOW_MODIFIERS, exp.WithinGroup, exp.Identifier)


@rule(exp.Window)
def wrappers_outside_the_window(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """The rules give an aggregate the source's type and value by wrapping it (MySQL's
    `SUM(2.5)` into SQLite is `ROUND(SUM(2.5), 1)`, its `AVG(x)` into PostgreSQL
    `ROUND(TRUNC(AVG(x), 9), 6)`). Under OVER the window belongs to the aggregate, and every
    engine rejects `ROUND(...) OVER (...)`: the wrapper goes outside, each outermost
    aggregate in it taking the window (`ROUND(SUM(2.5) OVER (), 1)`). Found when the
    generated queries first wrote window functions. Corpus: windows.toml
    `win-*-wrapped-aggregate`."""
    inner = node.this
    if not isinstance(inner, exp.Expr) or isinstance(inner, _WINDOWED):
        return None
    aggregates = [
        a
        for a in inner.find_all(exp.AggFunc)
        if not isinstance(a.parent, exp.Window) and _outermost(a, inner)
    ]
    for aggregate in aggregates:
        window = node.copy()
        window.set("this", None)
        aggregate.replace(window)
        window.set("this", aggregate)
    inner.pop()
    return inner


def _outermost(aggregate: exp.Expr, top: exp.Expr) -> bool:
    """No aggregate or subquery between ``aggregate`` and ``top``."""
    parent = aggregate.parent
    while parent is not None and parent is not top:
        if isinstance(parent, exp.AggFunc | exp.Subquery | exp.Select):
            return False
        parent = parent.parent
    return parent is top
