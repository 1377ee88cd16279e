"""Rules: the type of a set operation's column where dates meet string literals.

`SELECT birth_date FROM people UNION SELECT '2024-01-03'` is a column of text in MySQL (DATE
and VARCHAR give VARCHAR), of dates in PostgreSQL (the literal is resolved to the column's
type), and in SQLite of whatever the first branch declares (the executor reads a column
declared DATE as dates). Where the source's and the target's types differ, the dates are
cast to text, or the literals to the date type; what no cast can give is refused
(`set-operation-types`). Found by the generated set operations.
"""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import ALL, rule
from sqlshift.translator.rules.datetime import DATE, DATE_TEXT, DATETIME_TEXT, temporal
from sqlshift.translator.rules.numeric_types import set_columns
from sqlshift.translator.types import Kind, infer

_TEXT = "text"


def _result(source: str, first_dated: str | None, dated: str) -> str:
    """The column's type on ``source``: text, or the dates' type."""
    if source == "mysql":
        return _TEXT
    if source == "postgres":
        return dated
    return first_dated or _TEXT  # SQLite: the first branch's declaration


@rule(exp.Union, exp.Intersect, exp.Except, source=ALL, target=ALL)
def dates_with_text_literals(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """Dates and string literals in one column of a set operation keep the source's type:
    MySQL's text (dates cast to text elsewhere), PostgreSQL's dates (literals cast to the
    dates' type in MySQL), SQLite's first branch's. Corpus: datetime.toml
    `dt-*-union-date-literal`."""
    for items in set_columns(node) or []:
        values = [item.unalias() for item in items]
        literal = [isinstance(v, exp.Literal) and v.is_string for v in values]
        kinds = [None if lit else temporal(v, ctx) for v, lit in zip(values, literal, strict=True)]
        dated = next((k for k in kinds if k), None)
        if (
            dated is None
            and any(_date_text(v) for v in values)
            and any(
                isinstance(v, exp.Column) and infer(v, ctx).kind is Kind.UNKNOWN for v in values
            )
        ):
            # a date-like literal beside a column of unknown type (found without a schema)
            ctx.assume(
                node,
                "set-operation-types",
                "that the column is not a date (dates and string literals in one column are "
                "text in MySQL, dates in PostgreSQL, the first branch's type in SQLite)",
                "pass schema= with the columns' types, or CAST the literals",
            )
            continue
        if dated is None or not any(literal):
            continue
        if not all(
            k or lit or isinstance(v, exp.Null)
            for k, lit, v in zip(kinds, literal, values, strict=True)
        ):
            continue
        wanted = _result(ctx.source, kinds[0], dated)
        given = _result(ctx.target, kinds[0], dated)
        if wanted == given:
            continue
        if wanted == _TEXT:  # dates as text, as the source reads them
            for item, value, kind in zip(items, values, kinds, strict=True):
                if kind:
                    _set(
                        item,
                        exp.Cast(
                            this=value.copy(),
                            to=exp.DataType.build("CHAR" if ctx.target == "mysql" else "TEXT"),
                        ),
                    )
        elif ctx.target == "mysql":  # literals as dates, as the source reads them
            to = "DATE" if wanted == DATE else "DATETIME"
            for item, value, lit in zip(items, values, literal, strict=True):
                if lit:
                    _set(item, exp.Cast(this=value.copy(), to=exp.DataType.build(to)))
        else:
            ctx.refuse(
                node,
                "set-operation-types",
                f"{ctx.source} reads this column as dates; on SQLite its type is the first "
                "branch's, which is a string literal here",
                "put a branch whose column is a date first, or CAST the literals",
            )
            return None
    return None


def _date_text(value: exp.Expr) -> bool:
    if not (isinstance(value, exp.Literal) and value.is_string):
        return False
    return bool(DATE_TEXT.match(value.name) or DATETIME_TEXT.match(value.name))


def _set(item: exp.Expr, value: exp.Expr) -> None:
    """Replace a select item's value, keeping its output name."""
    if isinstance(item, exp.Alias):
        item.set("this", value)
        return
    name = item.alias_or_name if isinstance(item, exp.Column) else None
    item.replace(exp.alias_(value, name) if name else value)
