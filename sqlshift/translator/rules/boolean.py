"""Rules: truth values used as numbers (MySQL and SQLite have no boolean type)."""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import rule
from sqlshift.translator.types import infer

_PREDICATES: tuple[type[exp.Expr], ...] = (
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.NullSafeEQ,
    exp.NullSafeNEQ,
    exp.Is,
    exp.In,
    exp.Like,
    exp.ILike,
    exp.Between,
    exp.And,
    exp.Or,
    exp.Not,
    exp.Boolean,
    exp.Exists,
)
_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.IntDiv, exp.Neg)
_NUMERIC_AGGREGATES = (exp.Sum, exp.Avg)


def _value_context(node: exp.Expr) -> bool:
    """True when ``node``'s value is used as a value, not as a condition."""
    child, parent = node, node.parent
    while isinstance(parent, exp.Paren):
        child, parent = parent, parent.parent
    if isinstance(parent, exp.Alias):
        child, parent = parent, parent.parent
    if isinstance(parent, exp.Select):
        return child.arg_key == "expressions"
    if isinstance(parent, exp.If):
        return child.arg_key in ("true", "false")
    if isinstance(parent, exp.Case):
        return child.arg_key == "default"
    return isinstance(parent, _ARITHMETIC + _NUMERIC_AGGREGATES)


@rule(exp.And, exp.Or, exp.Not, source={"mysql", "sqlite"}, target={"postgres"})
def number_as_condition(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL and SQLite accept numbers as conditions (`1 || 0`, `NOT qty`: non-zero is
    true); PostgreSQL requires booleans. Numeric operands become `x <> 0`.
    Corpus: boolean.toml `my-pipes-or`."""
    for key in ("this", "expression"):
        operand = node.args.get(key)
        if (
            isinstance(operand, exp.Expr)
            and not isinstance(operand, _PREDICATES)
            and infer(operand, ctx).kind.numeric
        ):
            node.set(key, exp.Paren(this=exp.NEQ(this=operand, expression=exp.Literal.number(0))))
    return None


@rule(*_PREDICATES, source={"mysql", "sqlite"}, target={"postgres"})
def truth_value_as_integer(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """In MySQL and SQLite a comparison is the integer 1/0 (`SELECT a > 1` gives 1,
    `SUM(a > 1)` counts); in PostgreSQL it is a boolean (true, and SUM(boolean) fails).
    Where such a value is used as a value, it is cast to INTEGER.
    Corpus: boolean.toml `*-bool-select-*`, `my-sum-predicate`."""
    if not _value_context(node):
        return None
    return exp.Cast(this=node, to=exp.DataType.build("INT"))
