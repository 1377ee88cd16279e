"""Where a value goes: on, unrounded, into a further expression, or out of it.

A value's type and digits matter where an application reads them: rules ask whether a
rewritten value is carried on (through arithmetic, ABS, COALESCE, CASE...) and whether it
ends up a column of a result set.
"""

from __future__ import annotations

from typing import TypeGuard

from sqlglot import exp

__all__ = [
    "ARITHMETIC",
    "CARRIERS",
    "CONSUMERS",
    "CUT_QUOTIENT",
    "VALUE_WINDOWS",
    "carrier",
    "place",
    "reaches_result",
]

CUT_QUOTIENT = "sqlshift_cut_quotient"
"""Meta flag: a MySQL quotient kept at 9-digit groups inside arithmetic (rules/numeric.py)."""

ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.IntDiv, exp.Neg)
#: nodes whose value is their operand's (or a function of it) at the operand's full precision
CARRIERS = (exp.Abs, exp.Coalesce, exp.Greatest, exp.Least, exp.Sum, exp.Max, exp.Min)
#: window functions whose value is their operand's in another row, as it is (found by the
#: generated queries: LAG of a quotient was neither rounded as MySQL's result nor refused)
VALUE_WINDOWS = (exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue, exp.NthValue)
#: nodes that take their operand at full precision and make a value of their own
CONSUMERS = (exp.Round, exp.Trunc, exp.Floor, exp.Ceil, exp.Avg, exp.Cast)


def carrier(node: exp.Expr) -> tuple[exp.Expr | None, bool]:
    """``node``'s parent (parentheses skipped) and whether that parent goes on with
    ``node``'s value unrounded: arithmetic, or a carrier (ABS, COALESCE, CASE/IF results,
    GREATEST, NULLIF, SUM, MIN, MAX) whose own result is rounded later."""
    parent = node.parent
    while _passes_on(parent, node):
        node, parent = parent, parent.parent
    if parent is None:
        return None, False
    key = node.arg_key
    if isinstance(parent, ARITHMETIC):
        return parent, True
    if isinstance(parent, exp.If):  # IF(c, a, b) or one WHEN of a CASE
        return parent, key in ("true", "false")
    if isinstance(parent, exp.Case):
        return parent, key in ("ifs", "default")
    if isinstance(parent, exp.Nullif):
        return parent, key == "this"
    if isinstance(parent, CARRIERS):
        return parent, key in ("this", "expressions")
    if isinstance(parent, CONSUMERS) and key == "this":
        return parent, False
    return None, False


def reaches_result(node: exp.Expr) -> bool:
    """True when ``node``'s value, carried on unrounded through arithmetic and carriers
    (ABS, COALESCE, CASE/IF results, GREATEST, NULLIF, SUM, MIN, MAX), is a column of a
    SELECT's result: what the application reads, with the type and digits it has there.
    A value that is rounded, cast, compared, sorted on or stored first does not reach it."""
    child = node
    parent, carried = carrier(child)
    while carried and parent is not None:
        child = parent
        parent, carried = carrier(child)
    parent = child.parent
    while isinstance(parent, exp.Alias) or _passes_on(parent, child):
        child, parent = parent, parent.parent
    return isinstance(parent, exp.Select) and child.arg_key == "expressions"


def _passes_on(parent: exp.Expr | None, node: exp.Expr) -> TypeGuard[exp.Expr]:
    """``parent`` is ``node``'s value as it is: parentheses, the window an aggregate is
    computed over (`AVG(x) OVER (...)` is AVG's value, row by row: windows.toml
    `win-my-wrapped-*`), LAG and the like (another row's value, or the default, with its
    type and digits: `win-*-lag-of-a-quotient`)."""
    return (
        isinstance(parent, exp.Paren)
        or (isinstance(parent, exp.Window) and node.arg_key == "this")
        or (isinstance(parent, VALUE_WINDOWS) and node.arg_key in ("this", "default"))
    )


def place(node: exp.Expr) -> tuple[exp.Expr, exp.Expr | None]:
    """Where ``node`` stands, past parentheses and an alias: ``(child, parent)``, where
    ``child`` is ``node`` or the parenthesis / alias around it that ``parent`` holds (so
    ``child.arg_key`` says which of ``parent``'s arguments it is)."""
    child, parent = node, node.parent
    while _passes_on(parent, child):
        child, parent = parent, parent.parent
    if isinstance(parent, exp.Alias):
        child, parent = parent, parent.parent
    return child, parent
