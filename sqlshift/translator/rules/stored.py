"""Values written into typed columns, stored as MySQL stores them (MySQL source; DECIMAL
rounding for a PostgreSQL source too).

MySQL converts a value to its column's type when it stores it; the targets either store what
they are given (SQLite keeps text and REALs as written) or parse it their own way:

* DATE / DATETIME / TIMESTAMP columns take MySQL's relaxed spellings (`'1962/2/18'`,
  `'19620218'`, `'2024-1-5 3:04:05'`, two-digit years) and store `YYYY-MM-DD[ HH:MM:SS]`. A
  real dump loaded `'1962/2/18'` into SQLite as written, and every date function then
  returned NULL on it. Such a string literal is written in the canonical form, a DATE
  column's without the time MySQL drops, a DATETIME's with the midnight MySQL adds.
* DECIMAL(p, s) columns round to s digits, half away from zero (1.005 is stored 1.01).
  SQLite would keep 1.005: a number literal is rounded here, any other value in
  ``ROUND(value, s)`` (exact for literals, as exact as SQLite's REALs otherwise).

In ``INSERT ... VALUES``, ``INSERT ... SELECT`` (the script's DDL or ``schema=`` gives the
columns) and ``UPDATE ... SET col = value``. Called by scripts.py before the rules run. Corpus: dml.toml
``dml-my-store-*``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import func

__all__ = [
    "bind_temporal",
    "canonical_temporal",
    "decimal_scale",
    "rounded_number",
    "stored_values",
]

T = exp.DType
_TEMPORAL = {T.DATE: "date", T.DATETIME: "datetime", T.DATETIME64: "datetime"}
_TEMPORAL_WITH_ZONE = {T.TIMESTAMP: "datetime", T.TIMESTAMPTZ: "datetime"}
_DECIMALS = (T.DECIMAL, T.BIGDECIMAL, T.UDECIMAL)

_PUNCT = r"[^\w\s]"
_DELIMITED = re.compile(
    rf"(\d{{4}}|\d{{2}}){_PUNCT}(\d{{1,2}}){_PUNCT}(\d{{1,2}})"
    rf"(?:(?:T|\s+)(\d{{1,2}}){_PUNCT}(\d{{1,2}}){_PUNCT}(\d{{1,2}})(?:\.(\d{{1,6}}))?)?"
)
_UNDELIMITED = re.compile(r"(\d{4}|\d{2})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})(?:\.(\d{1,6}))?)?")


def stored_values(
    statement: exp.Insert | exp.Update,
    types: dict[str, exp.DataType],
    ctx: Context,
    *,
    temporal: bool = True,
) -> None:
    """Rewrite the values ``statement`` writes into DATE/DATETIME/TIMESTAMP (``temporal``:
    MySQL's relaxed spellings) and DECIMAL columns (``types``: the table's columns by
    lower-case name) as the source stores them. PostgreSQL rounds a NUMERIC(p, s) it stores
    as MySQL does (half away from zero), so its writes into SQLite get the DECIMAL rounding
    too (found by the generated writes, tests/property/test_writes.py: `UPDATE products SET
    price = 1 / id` stored 0.333333333333333 in SQLite, 0.33 in PostgreSQL)."""
    for column, value in _written(statement):
        dtype = types.get(column)
        if dtype is None:
            continue
        if not temporal and (dtype.this in _TEMPORAL or dtype.this in _TEMPORAL_WITH_ZONE):
            continue
        _store(value, dtype, ctx)


def _written(statement: exp.Insert | exp.Update) -> list[tuple[str, exp.Expr]]:
    """(column, value) for every value the statement writes."""
    if isinstance(statement, exp.Update):
        pairs = []
        for assignment in statement.expressions:
            if isinstance(assignment, exp.EQ) and isinstance(assignment.this, exp.Column):
                pairs.append((assignment.this.name.lower(), assignment.expression))
        return pairs
    target, values = statement.this, statement.expression
    if not isinstance(target, exp.Schema):
        return []
    names = [c.name.lower() for c in target.expressions]
    if isinstance(values, exp.Select) and len(values.expressions) == len(names):
        # INSERT ... SELECT: each item is stored into its column (its alias aside)
        items = [i.this if isinstance(i, exp.Alias) else i for i in values.expressions]
        return list(zip(names, items, strict=True))
    if not isinstance(values, exp.Values):
        return []
    return [
        (name, item)
        for row in values.expressions
        if isinstance(row, exp.Tuple)
        for name, item in zip(names, row.expressions, strict=False)
    ]


def _store(value: exp.Expr, dtype: exp.DataType, ctx: Context) -> None:
    kind = _TEMPORAL.get(dtype.this) or _TEMPORAL_WITH_ZONE.get(dtype.this)
    if kind is not None and isinstance(value, exp.Placeholder):
        bind_temporal(value, dtype, ctx, store=True)
        return
    if kind is not None and isinstance(value, exp.Literal) and value.is_string:
        canonical = canonical_temporal(value.name, kind)
        if canonical is not None and canonical != value.name:
            value.replace(exp.Literal.string(canonical))
        return
    # (PostgreSQL into MySQL: the store rounds the same, and a quotient's dynamic scale,
    # refused as a value, is settled by the column's: dml.toml `dml-pg-store-decimal-rounded`)
    rounds = ctx.target == "sqlite" or (ctx.source == "postgres" and ctx.target == "mysql")
    if dtype.this in _DECIMALS and rounds:
        scale = decimal_scale(dtype)
        if scale is not None:
            _round(value, scale)
    if dtype.this == T.BOOLEAN and ctx.target == "postgres" and ctx.source != "postgres":
        _boolean(value)
    if dtype.this in (T.VARCHAR, T.CHAR, T.NVARCHAR, T.NCHAR) and ctx.target == "sqlite":
        _cut_spaces(value, dtype, ctx.source)


def _cut_spaces(value: exp.Expr, dtype: exp.DataType, source: str) -> None:
    """Text stored into a VARCHAR(n) / CHAR(n) column from MySQL or PostgreSQL: both cut what
    is beyond n characters when it is only spaces (any other excess is an error there), and
    SQLite keeps every character: `CONCAT(label, label)` of 'Berlin ' stored 'Berlin Berlin '
    where MariaDB stored 'Berlin Berlin' into a VARCHAR(13) (found by the generated writes).
    A string literal is cut here; any other value becomes `SUBSTR(v, 1, n) ||
    RTRIM(SUBSTR(v, n + 1))`, which keeps a value that fits. Corpus: dml.toml
    `dml-my-store-varchar-spaces`."""
    length = _declared_length(dtype)
    if length is None or isinstance(value, exp.Null):
        return
    if isinstance(value, exp.Literal):
        if value.is_string and len(value.name) > length and not value.name[length:].strip(" "):
            value.replace(exp.Literal.string(value.name[:length]))
        return
    first = exp.Substring(
        this=value.copy(), start=exp.Literal.number(1), length=exp.Literal.number(length)
    )
    rest = exp.Trim(
        this=exp.Substring(this=value.copy(), start=exp.Literal.number(length + 1)),
        position="TRAILING",
    )
    if source == "postgres":  # (PostgreSQL's CONCAT skips NULLs; || does not)
        value.replace(exp.DPipe(this=first, expression=rest))
    else:
        value.replace(exp.Concat(expressions=[first, rest]))


def _declared_length(dtype: exp.DataType) -> int | None:
    params = dtype.expressions
    if not params:
        return None
    size = params[0].this if isinstance(params[0], exp.DataTypeParam) else params[0]
    return int(size.name) if isinstance(size, exp.Literal) and size.is_int else None


def _boolean(value: exp.Expr) -> None:
    """A computed value stored into a BOOLEAN column on PostgreSQL: MySQL and SQLite store a
    comparison as the integer 0/1 (which is what their translation computes), and PostgreSQL
    takes no integer into a BOOLEAN: `CAST(value AS BOOLEAN)` (0 is FALSE, any other number
    TRUE). Found by the generated writes: `INSERT INTO people (id, active) SELECT ..., (a =
    b) ...` failed on PostgreSQL. Literals are the boolean rules' (0/1 become FALSE/TRUE)."""
    if isinstance(value, exp.Literal | exp.Boolean | exp.Null | exp.Placeholder):
        return
    value.replace(exp.Cast(this=value.copy(), to=exp.DataType.build("BOOLEAN")))


def bind_temporal(placeholder: exp.Expr, dtype: exp.DataType, ctx: Context, *, store: bool) -> None:
    """A MySQL placeholder stored into (``store``) or compared with a DATE / DATETIME /
    TIMESTAMP column: a string argument is converted as it is bound, as MySQL reads it
    (translator/binds.py; tests/executor/test_executor_arguments.py). Not into a PostgreSQL
    timestamptz, whose naive values the driver would shift by a zone."""
    if ctx.source != "mysql" or ctx.target not in ("postgres", "sqlite"):
        return
    if ctx.target == "postgres" and dtype.this == T.TIMESTAMPTZ:
        return
    if dtype.this == T.DATE:
        use = "date-store" if store else "date-compare"
    elif dtype.this in _TEMPORAL or dtype.this in _TEMPORAL_WITH_ZONE:
        use = "datetime"
    else:
        return
    ctx.bind(placeholder, f"mysql-{use}@{ctx.target}")


def canonical_temporal(text: str, kind: str) -> str | None:
    """``text`` as MySQL stores it in a DATE (``kind="date"``) or DATETIME column, from any
    of MySQL's relaxed spellings; None for a string MySQL would not read as one (left as it
    is: strict MySQL and the targets refuse it alike) or a zero date."""
    text = text.strip()
    match = _DELIMITED.fullmatch(text) or _UNDELIMITED.fullmatch(text)
    if match is None:
        return None
    year_text, month, day, hour, minute, second, fraction = match.groups()
    year = int(year_text)
    if len(year_text) == 2:  # MySQL: 70-99 are 1970-1999, 00-69 are 2000-2069
        year += 1900 if year >= 70 else 2000
    try:
        stamp = dt.datetime(
            year,
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "").ljust(6, "0") or 0),
        )
    except ValueError:
        return None  # (a zero date, 2024-02-30: not rewritten)
    if kind == "date":
        return stamp.date().isoformat()
    if fraction:
        # the digits written (the column's own precision is the engine's business)
        return stamp.strftime("%Y-%m-%d %H:%M:%S.") + fraction
    return stamp.strftime("%Y-%m-%d %H:%M:%S")


def decimal_scale(dtype: exp.DataType) -> int | None:
    """The scale of a DECIMAL type (None: not a literal one)."""
    params = dtype.expressions
    if len(params) < 2:
        return 0 if params else None  # DECIMAL(p) has scale 0; bare DECIMAL is (10, 0)
    scale = params[1].this if isinstance(params[1], exp.DataTypeParam) else params[1]
    return int(scale.name) if isinstance(scale, exp.Literal) and scale.is_int else None


def rounded_number(text: str, scale: int) -> str | None:
    """The number ``text`` rounded to ``scale`` digits half away from zero, when that changes
    it (None otherwise, or for text that is not a number)."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    rounded = number.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    return str(rounded) if rounded != number else None


def _round(value: exp.Expr, scale: int) -> None:
    """``value`` at ``scale`` digits, half away from zero (MySQL's DECIMAL rounding)."""
    if isinstance(value, exp.Null | exp.Placeholder):
        return
    negative = isinstance(value, exp.Neg) and isinstance(value.this, exp.Literal)
    literal = value.this if negative else value
    if isinstance(literal, exp.Literal) and not literal.is_string:
        rounded = rounded_number(literal.name, scale)
        if rounded is not None:
            literal.replace(exp.Literal.number(rounded))
        return
    if isinstance(value, exp.Literal):
        return  # a string: SQLite's NUMERIC affinity reads it (no arithmetic to round)
    value.replace(func("ROUND", value.copy(), exp.Literal.number(scale)))
