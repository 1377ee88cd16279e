"""Rules: MySQL ENUM and SET columns, which sort (and count) by their numbers.

MySQL keeps an ENUM value as its member's index: `ORDER BY mood` of `ENUM('sad', 'ok',
'happy')` gives sad, ok, happy, and `mood + 0`, `mood < 2` use the index, while a comparison
with a string compares the text (`mood < 'ok'` is true for 'happy'). Translated DDL makes the
column text with a CHECK of its members, which sorts alphabetically. With the members known
(the script's DDL, ``schema=`` or the live database), the index is written out as
`CASE mood WHEN 'sad' THEN 1 WHEN 'ok' THEN 2 ... END` wherever MySQL uses it.

A SET's number is the bit mask of its members (`SET('a', 'b', 'c')`: 'a,c' is 5), and its
text lists them in declaration order. The translated column holds that text, checked to be
one of the canonical values (``set_values``: all of them, for at most ``SET_MEMBERS_MAX``
members), and the number is written out the same way, one WHEN per value.
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


SET_MEMBERS_MAX = 6
"""The most members a SET may have to be translated (its 2**6 canonical values are listed)."""


def members_of(dtype: exp.DataType) -> list[str] | None:
    """The members of an ENUM or SET type, in declaration order (None: not literal ones)."""
    members = [e.this if isinstance(e, exp.DataTypeParam) else e for e in dtype.expressions]
    if not all(isinstance(m, exp.Literal) and m.is_string for m in members):
        return None
    return [m.name for m in members]


def set_values(members: list[str]) -> list[str]:
    """Every value a SET of ``members`` can hold, as MySQL writes it, by its number (the
    bit mask of its members): '', 'a', 'b', 'a,b', ..."""
    return [
        ",".join(m for bit, m in enumerate(members) if mask >> bit & 1)
        for mask in range(1 << len(members))
    ]


def _numbered(node: exp.Expr, ctx: Context) -> list[tuple[str, int]] | None:
    """The values of the ENUM or SET column ``node`` is, with the number MySQL computes and
    sorts by (None: not one, or a SET too large to list)."""
    dtype = declared_type(node, ctx)
    if dtype is None or dtype.this not in (exp.DataType.Type.ENUM, exp.DataType.Type.SET):
        return None
    members = members_of(dtype)
    if members is None:
        return None
    if dtype.this == exp.DataType.Type.ENUM:
        return [(m, i) for i, m in enumerate(members, start=1)]
    if len(members) > SET_MEMBERS_MAX:
        ctx.refuse(
            node,
            "set-number",
            f"MySQL sorts and computes a SET by the bit mask of its members; sqlshift writes "
            f"that out for at most {SET_MEMBERS_MAX} members, this one has {len(members)}",
            "sort or compute by an explicit expression, e.g. FIND_IN_SET()",
        )
        return None
    return [(v, mask) for mask, v in enumerate(set_values(members))]


def _index(node: exp.Expr, numbered: list[tuple[str, int]]) -> exp.Expr:
    """`CASE x WHEN 'first' THEN 1 ... END`: the value's number, NULL for NULL."""
    return exp.Case(
        this=node.copy(),
        ifs=[exp.If(this=exp.Literal.string(v), true=exp.Literal.number(n)) for v, n in numbered],
    )


@rule(exp.Ordered, source={"mysql"}, target=_OTHERS, first=True)
def enum_sort(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`ORDER BY mood` (also by position or alias) sorts by declaration order in MySQL (a
    SET by its bit mask) and alphabetically on the targets: the sort key becomes the value's
    number. Corpus: enums.toml `enum-my-order-by`, `set-my-order-by`."""
    key = sort_key(node.this, node)
    numbered = _numbered(key, ctx)
    if numbered is not None:
        node.set("this", _index(key, numbered))
    return None


@rule(exp.Column, source={"mysql"}, target=_OTHERS)
def enum_as_number(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """An ENUM in arithmetic (`mood + 0`) or compared with a number (`mood < 2`) is its
    member's index in MySQL (a SET its bit mask); the targets would compute with its text.
    Corpus: enums.toml `enum-my-index`, `set-my-number`."""
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
    numbered = _numbered(node, ctx)
    return _index(node, numbered) if numbered is not None else None


def canonical_set_values(insert: exp.Insert, types: list[exp.DataType | None]) -> None:
    """A string inserted into a MySQL SET column is stored with its members in declaration
    order, once each, spelled as declared (`'c,A,a'` becomes 'a,c' of SET('a', 'b', 'c')).
    The translated column is text checked to hold such values: the literal is written the way
    MySQL stores it. A string naming an unknown member is left alone (the CHECK refuses it, as
    strict MySQL does). Called by scripts.py before the rules run. Corpus: enums.toml
    `set-my-insert-canonical`."""
    values = insert.expression
    if not isinstance(values, exp.Values):
        return
    for row in values.expressions:
        items = list(row.expressions) if isinstance(row, exp.Tuple) else []
        for item, dtype in zip(items, types, strict=False):
            if dtype is None or dtype.this != exp.DataType.Type.SET:
                continue
            members = members_of(dtype)
            if members is None or not isinstance(item, exp.Literal) or not item.is_string:
                continue
            canonical = canonical_set(item.name, members)
            if canonical is not None:
                item.replace(exp.Literal.string(canonical))


def canonical_set(text: str, members: list[str]) -> str | None:
    """``text`` as MySQL stores it in a SET of ``members`` (None: it names another value)."""
    given = {part.lower() for part in text.split(",") if part}
    if not given <= {m.lower() for m in members}:
        return None
    return ",".join(m for m in members if m.lower() in given)
