"""Rules: a date or time comes back with the source engine's type.

PostgreSQL's timestamptz is an instant (the driver gives an aware ``datetime``); MySQL and
SQLite have no such type (a naive ``datetime``, or text). MySQL's date arithmetic on a string
gives a string where PostgreSQL's gives a date. See :mod:`.datetime` for the values.
"""

from __future__ import annotations

import re

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.flow import reaches_result
from sqlshift.translator.rules import rule
from sqlshift.translator.types import Kind, infer

_INSTANTS = (exp.UnixToTime, exp.StrToTime, exp.CurrentTimestamp, exp.Cast)


@rule(*_INSTANTS, source={"postgres"}, target={"mysql", "sqlite"}, first=True)
def postgres_instant_result(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL's to_timestamp(), now()/CURRENT_TIMESTAMP and casts to timestamptz are
    instants: the application reads an aware datetime (2023-11-14 22:13:20+00:00). MySQL's
    FROM_UNIXTIME()/NOW() and SQLite's datetime() give a naive wall-clock value or text.
    Refused where such a value is a result column (compared, stored or formatted first, it
    translates). Corpus: datetime.toml `dt-pg-to-timestamp-epoch`, `dt-pg-to-date`."""
    if isinstance(node, exp.Cast) and node.to.this != exp.DataType.Type.TIMESTAMPTZ:
        return None
    if reaches_result(node):
        ctx.refuse(
            node,
            "timestamptz-result",
            f"PostgreSQL gives a timestamp with time zone (an aware datetime); {ctx.target} "
            "has no such type and gives a naive date and time",
            "cast it to a timestamp without time zone, e.g. CAST(to_timestamp(x) AT TIME ZONE "
            "'UTC' AS TIMESTAMP), or format it as text",
        )
    return None


@rule(exp.DateAdd, exp.DateSub, exp.Add, exp.Sub, source={"mysql"}, target={"postgres"}, first=True)
def mysql_string_date_arithmetic(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL's DATE_ADD/DATE_SUB (and `+ INTERVAL`) of a string is a string
    (DATE_ADD('2024-01-31', INTERVAL 1 MONTH) = '2024-02-29'); PostgreSQL's is a date or a
    timestamp. Where it is a result column, the PostgreSQL value is read as text (its text
    forms are MySQL's: '2024-02-29', '2024-02-29 10:30:00').
    Corpus: datetime.toml `dt-my-add-month-end`."""
    base = node.this
    if isinstance(node, exp.Add | exp.Sub):
        if isinstance(node.this, exp.Interval) and isinstance(node, exp.Add):
            base = node.expression
        elif not isinstance(node.expression, exp.Interval):
            return None
    if infer(base, ctx).kind is not Kind.TEXT or not reaches_result(node):
        return None
    return exp.Cast(this=node, to=exp.DataType.build("TEXT"))


_FRACTION = re.compile(r"\d:\d\d:\d\d\.\d*[1-9]")


@rule(exp.Cast, source={"postgres"}, target={"sqlite"})
def timestamp_fraction_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL's timestamp and time keep fractions of a second (TIMESTAMP
    '2024-01-01 10:00:59.9'); SQLite's datetime()/time() keep whole seconds, so the value and
    every comparison with it change. A value built from a literal with a fraction is refused
    (a column's fraction cannot be seen here: SQLite keeps whole seconds of it).
    Corpus: datetime.toml `dt-pg-literal-fraction`, `dt-pg-cast-fraction`."""
    assert isinstance(node, exp.Cast)
    temporal = (exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPTZ, exp.DataType.Type.TIME)
    if node.to.this not in temporal:
        return None
    literals = node.this.find_all(exp.Literal)
    if any(value.is_string and _FRACTION.search(value.name) for value in literals):
        ctx.refuse(
            node,
            "timestamp-fraction",
            "SQLite's datetime() and time() keep whole seconds; this value has a fraction",
            "compare the text itself, or round the value to whole seconds first",
        )
    return None


_COMPARED = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


@rule(*_COMPARED, source={"mysql", "sqlite"}, target={"postgres"})
def text_column_compared_with_date(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A derived table's or CTE's column defined by a date string (`'2024-01-03' AS c2`)
    compared with a date: MySQL converts the string, SQLite compares the texts; PostgreSQL
    has typed the column text and has no `text = date` (found by the generated derived
    tables). The column is cast to the date's type. Corpus: datetime.toml
    `dt-lite-derived-date-text`."""
    from sqlshift.translator.rules.datetime import DATE, temporal
    from sqlshift.translator.types import declared_type, defining_item

    for key, other_key in (("this", "expression"), ("expression", "this")):
        value, other = node.args.get(key), node.args.get(other_key)
        if not isinstance(value, exp.Column) or other is None or isinstance(other, exp.Literal):
            continue
        if declared_type(value, ctx) is not None or temporal(other, ctx) is None:
            continue
        item = defining_item(value, ctx)
        while isinstance(item, exp.Paren):
            item = item.this
        kind = temporal(value, ctx)
        if isinstance(item, exp.Literal) and item.is_string and kind is not None:
            to = "DATE" if kind == DATE else "TIMESTAMP"
            node.set(key, exp.Cast(this=value, to=exp.DataType.build(to)))
    return None
