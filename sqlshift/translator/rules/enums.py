"""Rules: MySQL ENUM columns, which sort (and count) by their members' declaration order.

MySQL keeps an ENUM value as its member's index: `ORDER BY mood` of `ENUM('sad', 'ok',
'happy')` gives sad, ok, happy, and `mood + 0`, `mood < 2` use the index, while a comparison
with a string compares the text (`mood < 'ok'` is true for 'happy'). Translated DDL makes the
column text with a CHECK of its members, which sorts alphabetically. With the members known
(the script's DDL, ``schema=`` or the live database), the index is written out as
`CASE mood WHEN 'sad' THEN 1 WHEN 'ok' THEN 2 ... END` wherever MySQL uses it.
"""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import rule
from sqlshift.translator.rules.collation import sort_key
from sqlshift.translator.types import declared_type

_OTHERS = {"postgres", "sqlite"}
_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.IntDiv, exp.Mod, exp.Neg)
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


def _members(node: exp.Expr, ctx: Context) -> list[str] | None:
    """The members of the ENUM column ``node`` is, in declaration order (None: not one)."""
    dtype = declared_type(node, ctx)
    if dtype is None or dtype.this != exp.DataType.Type.ENUM:
        return None
    members = [e.this if isinstance(e, exp.DataTypeParam) else e for e in dtype.expressions]
    if not all(isinstance(m, exp.Literal) and m.is_string for m in members):
        return None
    return [m.name for m in members]


def _index(node: exp.Expr, members: list[str]) -> exp.Expr:
    """`CASE x WHEN 'first' THEN 1 ... END`: the member's index, NULL for NULL."""
    return exp.Case(
        this=node.copy(),
        ifs=[
            exp.If(this=exp.Literal.string(m), true=exp.Literal.number(i))
            for i, m in enumerate(members, start=1)
        ],
    )


@rule(exp.Ordered, source={"mysql"}, target=_OTHERS, first=True)
def enum_sort(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`ORDER BY mood` (also by position or alias) sorts by declaration order in MySQL and
    alphabetically on the targets: the sort key becomes the member's index. Corpus:
    enums.toml `enum-my-order-by`."""
    key = sort_key(node.this, node)
    members = _members(key, ctx)
    if members is not None:
        node.set("this", _index(key, members))
    return None


@rule(exp.Column, source={"mysql"}, target=_OTHERS)
def enum_as_number(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """An ENUM in arithmetic (`mood + 0`) or compared with a number (`mood < 2`) is its
    member's index in MySQL; the targets would compute with its text. Corpus: enums.toml
    `enum-my-index`."""
    parent = node.parent
    while isinstance(parent, exp.Paren):
        parent = parent.parent
    if isinstance(parent, _COMPARISONS):
        other = parent.expression if parent.this is node else parent.this
        numeric = isinstance(other, exp.Literal) and not other.is_string
        if not numeric:
            return None
    elif not isinstance(parent, _ARITHMETIC):
        return None
    members = _members(node, ctx)
    return _index(node, members) if members is not None else None
