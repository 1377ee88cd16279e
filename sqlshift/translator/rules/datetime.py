"""Rules: date and time functions, interval arithmetic and format strings between the engines.

Model. MySQL has DATE and DATETIME, PostgreSQL date and timestamp, SQLite ISO-8601 text
('YYYY-MM-DD' for a date, 'YYYY-MM-DD HH:MM:SS' for a datetime). A translated expression keeps
the source's result type: a MySQL DATE_ADD of days to a DATE is a date on every target, and a
PostgreSQL `date + interval` a timestamp. MySQL results depend on the argument's type, so the
rules need it (from a literal's shape, a CAST, a date function, or `schema=`) and refuse with
`datetime-type-unknown` without it.

Time zones. SQLite only knows UTC; MySQL's NOW(), UNIX_TIMESTAMP() and FROM_UNIXTIME() use the
session time zone and PostgreSQL's to_timestamp() returns a timestamptz. Translations assume
every server session runs in UTC (as the corpus does): NOW() is the UTC wall clock, epochs are
seconds since 1970-01-01 00:00:00 read as UTC.

Names (months, weekdays) are English: MySQL's default lc_time_names; PostgreSQL TM patterns
(locale-bound) are refused. Format tokens live in :mod:`sqlshift.translator.formats`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlglot import exp
from sqlglot.tokenizer_core import TokenType

from sqlshift.translator import formats
from sqlshift.translator.context import Context
from sqlshift.translator.rules import TEXT_CONSUMERS, func, rule
from sqlshift.translator.targets import DIALECTS, SOURCE_FORMAT
from sqlshift.translator.types import Kind, declared_type, defining_item, infer, is_repeatable

DATE, DATETIME = "date", "datetime"
_KIND = "sqlshift_temporal"  # meta: the temporal kind of a node a rule produced
_WHOLE = "sqlshift_whole_seconds"  # meta: a DATETIME without fractional seconds

_DATE_TYPES = {exp.DataType.Type.DATE, exp.DataType.Type.DATE32}
_DATETIME_TYPES = {
    exp.DataType.Type.DATETIME,
    exp.DataType.Type.TIMESTAMP,
    exp.DataType.Type.TIMESTAMPTZ,
    exp.DataType.Type.TIMESTAMPLTZ,
    exp.DataType.Type.DATETIME64,
}
DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$")
_INT_TEXT = re.compile(r"^[+-]?\d+$")


# ---------------------------------------------------------------------------------- helpers


def _mark(node: exp.Expr, kind: str | None) -> exp.Expr:
    if kind is not None:
        node.meta[_KIND] = kind
    return node


def _unwrap(value: exp.Expr) -> exp.Expr:
    # sqlglot wraps MySQL date arguments in TsOrDsTo*; every target accepts the bare value
    while isinstance(value, exp.TsOrDsToDate | exp.TsOrDsToTimestamp) and not value.args.get(
        "format"
    ):
        if value.meta.get(_KIND) or value is value.this:
            break
        value = value.this
    return value


def temporal(node: exp.Expr, ctx: Context) -> str | None:
    """DATE, DATETIME or None (unknown / not temporal): ``node``'s type on the source engine."""
    marked = node.meta.get(_KIND)
    if marked:
        return str(marked)
    if isinstance(node, exp.Paren):
        return temporal(node.this, ctx)
    if isinstance(node, exp.Cast):
        if node.to.this in _DATE_TYPES:
            return DATE
        return DATETIME if node.to.this in _DATETIME_TYPES else None
    if isinstance(node, exp.Literal) and node.is_string and ctx.source != "postgres":
        if DATE_TEXT.match(node.name):
            return DATE
        return DATETIME if DATETIME_TEXT.match(node.name) else None
    if isinstance(node, exp.Column):
        dtype = declared_type(node, ctx)
        if dtype is None:
            # a CTE's or derived table's column: its defining item's type (`d.c2 + 1` of
            # `DATE '2024-01-03' AS c2` was taken for a number; found by the generated
            # derived tables). Corpus: datetime.toml `dt-pg-derived-date-plus-int`.
            item = defining_item(node, ctx)
            return temporal(item, ctx) if item is not None else None
        if dtype.this in _DATE_TYPES:
            return DATE
        return DATETIME if dtype.this in _DATETIME_TYPES else None
    if isinstance(node, exp.Add | exp.Sub) and ctx.source == "postgres":
        return _postgres_date_arithmetic(node, ctx)
    if isinstance(node, exp.CurrentDate | exp.TsOrDsToDate | exp.Date | exp.LastDay):
        return DATE
    if isinstance(node, exp.CurrentTimestamp | exp.Localtimestamp | exp.TimestampTrunc):
        return DATETIME
    if isinstance(node, exp.Anonymous) and node.name.upper() in ("NOW", "SYSDATE"):
        return DATETIME
    return None


def _postgres_date_arithmetic(node: exp.Add | exp.Sub, ctx: Context) -> str | None:
    """PostgreSQL's `date ± integer` is a DATE, `date or timestamp ± interval` a TIMESTAMP
    (a derived table's `(birth_date + 1) AS c1` made `c1 + 1` a number into MySQL: CI's
    commit seed, datetime.toml `dt-pg-derived-date-arithmetic`)."""
    left, right = node.this, node.expression
    if isinstance(node, exp.Add) and temporal(left, ctx) is None:
        left, right = right, left  # (integer + date)
    kind = temporal(left, ctx)
    if kind is None:
        return None
    if isinstance(right, exp.Interval):
        return DATETIME
    return DATE if kind == DATE and infer(right, ctx).kind is Kind.INT else None


def _need_kind(node: exp.Expr, value: exp.Expr, ctx: Context) -> str | None:
    kind = temporal(value, ctx)
    if kind is None:
        ctx.refuse(
            node,
            "datetime-type-unknown",
            f"the result type of {node.key.upper()} depends on whether its argument is a DATE or "
            "a DATETIME, which is unknown here",
            "pass schema= with the column types, or CAST the argument to DATE or DATETIME",
        )
    return kind


def _int(value: int) -> exp.Expr:
    return exp.Literal.number(value) if value >= 0 else exp.Neg(this=exp.Literal.number(-value))


def _cast(value: exp.Expr, to: str) -> exp.Cast:
    return exp.Cast(this=value, to=exp.DataType.build(to))


def _str(text: str) -> exp.Literal:
    return exp.Literal.string(text)


def _text(value: exp.Expr, ctx: Context) -> exp.Expr:
    return _cast(value, "CHAR" if ctx.target == "mysql" else "TEXT")


def _concat(parts: list[exp.Expr], ctx: Context) -> exp.Expr:
    """NULL-propagating concatenation of text parts on the target."""
    if len(parts) == 1:
        return parts[0]
    if ctx.target == "mysql":
        return exp.Concat(expressions=parts)
    result = parts[0]
    for part in parts[1:]:
        result = exp.DPipe(this=result, expression=part)
    return result


def _strftime(fmt: str, value: exp.Expr) -> exp.Expr:
    return func("STRFTIME", _str(fmt), value.copy())


def _sqlite_int(fmt: str, value: exp.Expr) -> exp.Expr:
    return _cast(_strftime(fmt, value), "INTEGER")


def _extract(unit: str, value: exp.Expr) -> exp.Expr:
    return exp.Extract(this=exp.var(unit), expression=value.copy())


def _pg_ts(value: exp.Expr) -> exp.Expr:
    return _cast(value.copy(), "TIMESTAMP")


def _operand(value: exp.Expr) -> exp.Expr:
    return _paren(value) if isinstance(value, exp.Binary) else value


def _add(a: exp.Expr, b: exp.Expr) -> exp.Expr:
    return exp.Add(this=_operand(a), expression=_operand(b))


def _sub(a: exp.Expr, b: exp.Expr) -> exp.Expr:
    return exp.Sub(this=_operand(a), expression=_operand(b))


def _paren(value: exp.Expr) -> exp.Expr:
    return exp.Paren(this=value)


# ------------------------------------------------------------------------------ current time


@rule(exp.Anonymous, source={"mysql"})
def mysql_now(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL NOW()/SYSDATE() (sqlglot keeps them as unknown calls) are the session's wall
    clock, a DATETIME: CURRENT_TIMESTAMP in MySQL and SQLite (UTC text), LOCALTIMESTAMP(0)
    in PostgreSQL (a timestamp, not a timestamptz); NOW(3) and NOW(6) keep their digits
    (``_now``). Corpus: `dt-my-now-after-2020`, `dt-my-now-date-is-curdate`,
    `dt-my-now-shape`, `dt-my-now-fraction-shape`."""
    if node.name.upper() not in ("NOW", "SYSDATE") or len(node.expressions) > 1:
        return None
    if ctx.target == "mysql":
        return None
    return _now(ctx, node, _precision(node.expressions[0] if node.expressions else None))


def _precision(value: exp.Expr | None) -> int | None:
    """The fractional digits asked of NOW(p) / CURRENT_TIMESTAMP(p) (None: not a literal)."""
    if value is None:
        return 0
    return int(value.name) if isinstance(value, exp.Literal) and value.is_int else None


def _now(ctx: Context, node: exp.Expr | None = None, digits: int | None = 0) -> exp.Expr:
    """The current time truncated to ``digits`` fractional digits, as MySQL gives it (and
    SQLite's CURRENT_TIMESTAMP: whole seconds; PostgreSQL's LOCALTIMESTAMP(p) would round).
    PostgreSQL keeps microseconds (6) and truncates to milliseconds (3); SQLite's clock has
    milliseconds (3). Other precisions are refused (``datetime-precision``)."""
    supported = {"postgres": (0, 3, 6), "sqlite": (0, 3)}.get(ctx.target, (0,))
    if digits not in supported:
        if node is not None:
            ctx.refuse(
                node,
                "datetime-precision",
                f"{ctx.target} has no clock reading with {digits} fractional digits that "
                "truncates as MySQL's does",
                f"ask for {' or '.join(str(d) for d in supported)} digits",
            )
        digits = 0
    result: exp.Expr
    if ctx.target == "postgres":
        unit = {0: "SECOND", 3: "MILLISECONDS"}.get(digits or 0)
        local = exp.Localtimestamp()
        result = local if unit is None else exp.TimestampTrunc(this=local, unit=exp.Var(this=unit))
    elif digits == 3:
        result = func("STRFTIME", _str("%Y-%m-%d %H:%M:%f"), _str("now"))
    else:
        result = exp.CurrentTimestamp()
    if not digits:
        result.meta[_WHOLE] = True
    return _mark(result, DATETIME)


@rule(exp.CurrentTimestamp, source={"mysql", "sqlite"}, target={"postgres"})
@rule(exp.CurrentTimestamp, source={"mysql"}, target={"sqlite"})
def current_timestamp_naive(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """CURRENT_TIMESTAMP is a naive DATETIME (seconds) in MySQL and SQLite, a timestamptz in
    PostgreSQL: LOCALTIMESTAMP(0) keeps the type. MySQL's CURRENT_TIMESTAMP(3) and (6) keep
    their fractional digits (they were cut to seconds). Corpus:
    `dt-lite-current-timestamp-shape`, `dt-my-now-fraction-shape`."""
    if node.meta.get(_WHOLE):
        return None  # (made by ``_now`` already)
    digits = _precision(node.this) if ctx.source == "mysql" else 0
    if ctx.target == "sqlite" and digits == 0:
        return None
    now = _now(ctx, node, digits)
    if ctx.target == "sqlite" and isinstance(node.parent, exp.DefaultColumnConstraint):
        return exp.Paren(this=now)  # SQLite takes a function call as DEFAULT in parentheses
    return now


@rule(exp.Date, exp.Anonymous, source={"sqlite"})
def sqlite_date_functions(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite date(x, modifiers...), datetime(x, modifiers...), time(x): text results built
    by modifiers ('+1 month' overflows 2024-01-31 to 2024-03-02; 'start of month';
    'weekday N'); emulated on the target step by step, keeping SQLite's overflow.
    Corpus: `dt-lite-date-plus-days`, `dt-lite-month-overflow`, `dt-lite-start-of-month`,
    `dt-lite-weekday-modifier`, `dt-lite-date-now`, `dt-lite-date-no-argument`."""
    name = node.name.upper() if isinstance(node, exp.Anonymous) else "DATE"
    if name not in ("DATE", "DATETIME", "UNIXEPOCH", "JULIANDAY"):
        return None
    args = node.expressions if isinstance(node, exp.Anonymous) else [node.this]
    if isinstance(node, exp.Date) and node.expressions:
        args = [node.this, *node.expressions]
    args = [a for a in args if a is not None]  # DATE() parses with no `this`
    if name in ("JULIANDAY",):
        ctx.refuse(
            node,
            "datetime-function",
            "JULIANDAY() has no equivalent on the target",
            "use DATEDIFF-style arithmetic on dates, or strftime('%s', ...) for seconds",
        )
        return None
    if not args:
        args = [exp.Literal.string("now")]  # SQLite: no time value means the current time
    value, modifiers = args[0], list(args[1:])
    if name == "UNIXEPOCH":
        if modifiers:
            ctx.refuse(node, "sqlite-modifier", "unixepoch() with modifiers", "")
            return None
        return _whole_epoch(_epoch_of(value, ctx), ctx)
    if modifiers and isinstance(modifiers[0], exp.Literal) and modifiers[0].name == "unixepoch":
        current: exp.Expr = _from_epoch(value, ctx)
        modifiers = modifiers[1:]
    elif isinstance(value, exp.Literal) and value.is_string and value.name.lower() == "now":
        current = _now(ctx)
    else:
        current = value
    for modifier in modifiers:
        if not (isinstance(modifier, exp.Literal) and modifier.is_string):
            ctx.refuse(
                node,
                "sqlite-modifier",
                "a computed SQLite date modifier cannot be checked",
                "write the modifier as a literal",
            )
            return None
        step = _sqlite_modifier(current, modifier.name.strip().lower(), node, ctx)
        if step is None:
            return None
        current = step
    if name == "DATE":
        return _as_text_for_strings(node, _as_kind(current, DATE, ctx), ctx)
    return _as_text_for_strings(node, _whole_seconds(current, ctx), ctx)


def _whole_seconds(value: exp.Expr, ctx: Context) -> exp.Expr:
    """SQLite's datetime() drops fractional seconds ('10:00:00.7' -> '10:00:00'); PostgreSQL's
    timestamps keep them and MySQL 8's CAST to DATETIME rounds them (MariaDB truncates), so
    ``datetime(x) = '... 10:00:00'`` would differ. Truncated explicitly on both.
    Corpus: datetime.toml `dt-lite-datetime-fraction`."""
    if value.meta.get(_WHOLE):
        return value
    node: exp.Expr
    if ctx.target == "postgres":
        node = exp.TimestampTrunc(this=_as_kind(value, DATETIME, ctx), unit=exp.Var(this="SECOND"))
    elif ctx.target == "mysql":
        while isinstance(value, exp.Cast) and value.meta.get(_KIND) == DATETIME:
            value = value.this  # a step's own CAST(... AS DATETIME) would round on MySQL 8
        node = _cast(func("DATE_FORMAT", value, _str("%Y-%m-%d %H:%i:%s")), "DATETIME")
    else:
        return _as_kind(value, DATETIME, ctx)
    node.meta[_WHOLE] = True
    return _mark(node, DATETIME)


def _as_text_for_strings(node: exp.Expr, result: exp.Expr, ctx: Context) -> exp.Expr:
    """SQLite's date functions return text, and string functions take it as it is; PostgreSQL's
    dates and timestamps must be cast to text first (``length(date)`` does not exist). The text
    is the same: 'YYYY-MM-DD' and 'YYYY-MM-DD HH:MM:SS'.
    Corpus: datetime.toml `dt-lite-date-no-argument`, `dt-lite-date-text-functions`."""
    if ctx.target != "postgres" or not isinstance(node.parent, TEXT_CONSUMERS):
        return result
    return _text(result, ctx)


_SQLITE_SHIFT = re.compile(r"^([+-]?\d+)\s+(year|month|day|hour|minute|second)s?$")


def _sqlite_modifier(
    current: exp.Expr, modifier: str, node: exp.Expr, ctx: Context
) -> exp.Expr | None:
    shift = _SQLITE_SHIFT.match(modifier)
    if shift:
        amount, unit = int(shift.group(1)), shift.group(2).upper()
        if unit in ("YEAR", "MONTH"):
            months = amount * (12 if unit == "YEAR" else 1)
            return _months_overflowing(current, months, ctx)
        return _shift(current, _int(amount), unit, ctx)
    if modifier in ("start of month", "start of year", "start of day"):
        return _truncate(current, modifier.split()[-1].upper(), ctx)
    weekday = re.match(r"^weekday ([0-6])$", modifier)
    if weekday:
        target_dow = int(weekday.group(1))
        days = exp.Mod(
            this=_paren(_add(_sub(_int(target_dow), _dow0(current, ctx)), _int(7))),
            expression=_int(7),
        )
        return _shift(current, _paren(days), "DAY", ctx)
    ctx.refuse(
        node,
        "sqlite-modifier",
        f"the SQLite date modifier '{modifier}' is not translated",
        "use '+N days/hours/minutes/seconds/months/years', 'start of month/year/day' or "
        "'weekday N'",
    )
    return None


def _months_overflowing(current: exp.Expr, months: int, ctx: Context) -> exp.Expr:
    """SQLite month arithmetic: the day overflows into the next month (01-31 + 1 month =
    03-02 in a leap year): first of month + N months + (day - 1) days + time of day."""
    days_in = _sub(_day(current, ctx), _int(1))
    first = _shift(current, exp.Neg(this=_paren(days_in)), "DAY", ctx)  # keeps the time
    shifted = _shift(first, _int(months), "MONTH", ctx)
    return _shift(shifted, _paren(days_in.copy()), "DAY", ctx)


def _day(value: exp.Expr, ctx: Context) -> exp.Expr:
    if ctx.target == "sqlite":
        return _sqlite_int("%d", value)
    if ctx.target == "postgres":
        return _cast(_extract("DAY", _pg_ts(value)), "INT")
    return exp.Day(this=value.copy())


def _dow0(value: exp.Expr, ctx: Context) -> exp.Expr:
    """Day of week, 0 = Sunday."""
    if ctx.target == "sqlite":
        return _sqlite_int("%w", value)
    if ctx.target == "postgres":
        return _cast(_extract("DOW", _pg_ts(value)), "INT")
    return _sub(exp.DayOfWeek(this=value.copy()), _int(1))


# ------------------------------------------------------------------------ interval arithmetic

_UNITS = {
    "YEAR": ("MONTH", 12),
    "QUARTER": ("MONTH", 3),
    "MONTH": ("MONTH", 1),
    "WEEK": ("DAY", 7),
    "DAY": ("DAY", 1),
    "HOUR": ("HOUR", 1),
    "MINUTE": ("MINUTE", 1),
    "SECOND": ("SECOND", 1),
}


def _unit(name: str) -> tuple[str, int] | None:
    name = name.upper()
    if name.endswith("S") and name[:-1] in _UNITS:
        name = name[:-1]
    return _UNITS.get(name)


def _amount(value: exp.Expr, factor: int, node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """The interval amount as a whole number times ``factor``, or None (refused)."""
    if isinstance(value, exp.Literal) and _INT_TEXT.match(value.name.strip()):
        return _int(int(value.name.strip()) * factor)
    literal = value.this if isinstance(value, exp.Neg) else None
    if isinstance(literal, exp.Literal) and _INT_TEXT.match(literal.name.strip()):
        return _int(-int(value.this.name.strip()) * factor)
    if not isinstance(value, exp.Literal) and infer(value, ctx).kind is Kind.INT:
        amount = _paren(value.copy())
        return amount if factor == 1 else exp.Mul(this=amount, expression=_int(factor))
    ctx.refuse(
        node,
        "interval-amount",
        "only whole-number interval amounts translate (MySQL rounds fractional amounts, "
        "PostgreSQL keeps them; compound units like HOUR_MINUTE are MySQL-only)",
        "use a whole number of a single unit, or CAST the amount to an integer",
    )
    return None


def _shift(
    value: exp.Expr,
    amount: exp.Expr,
    unit: str,
    ctx: Context,
    keep_time_of: exp.Expr | None = None,
) -> exp.Expr:
    """``value`` + ``amount`` ``unit`` (DAY, HOUR, MINUTE, SECOND, MONTH) as a DATETIME
    on the target (month arithmetic clamps to the month's last day, as MySQL and PostgreSQL
    do; SQLite is emulated)."""
    if ctx.target == "postgres":
        if isinstance(amount, exp.Literal):
            interval = exp.Interval(this=_str(f"{amount.name} {unit}"))
            step = _add(_pg_ts(value), interval)
        elif isinstance(amount, exp.Neg) and isinstance(amount.this, exp.Literal):
            interval = exp.Interval(this=_str(f"{amount.this.name} {unit}"))
            step = _sub(_pg_ts(value), interval)
        else:
            one = exp.Interval(this=_str(f"1 {unit}"))
            step = _add(_pg_ts(value), exp.Mul(this=_paren(amount), expression=one))
        return _mark(_paren(step), DATETIME)
    if ctx.target == "mysql":
        added = exp.DateAdd(this=value.copy(), expression=amount, unit=exp.var(unit))
        return _mark(_cast(added, "DATETIME"), DATETIME)
    # SQLite: modifiers; month arithmetic clamped like MySQL/PostgreSQL
    if isinstance(amount, exp.Literal) or (
        isinstance(amount, exp.Neg) and isinstance(amount.this, exp.Literal)
    ):
        text = amount.sql("sqlite").replace(" ", "")
        modifier: exp.Expr = _str(f"{text} {unit}s".lower())
    else:
        modifier = exp.DPipe(this=_cast(amount, "TEXT"), expression=_str(f" {unit}s".lower()))
    if unit != "MONTH":
        return _mark(func("DATETIME", value.copy(), modifier), DATETIME)
    start = _str("start of month")
    overflowing = func(
        "DATE",
        value.copy(),
        start.copy(),
        modifier.copy(),
        exp.DPipe(
            this=_cast(_sub(_sqlite_int("%d", value), _int(1)), "TEXT"),
            expression=_str(" days"),
        ),
    )
    last = func(
        "DATE", value.copy(), start.copy(), modifier.copy(), _str("+1 month"), _str("-1 day")
    )
    day = exp.Least(this=overflowing, expressions=[last])
    time = func("TIME", (keep_time_of or value).copy())
    return _mark(
        exp.DPipe(this=day, expression=exp.DPipe(this=_str(" "), expression=time)), DATETIME
    )


def _as_kind(value: exp.Expr, kind: str, ctx: Context) -> exp.Expr:
    """``value`` (a DATETIME on the target) as ``kind``."""
    if value.meta.get(_KIND) == kind and isinstance(value, exp.Cast | exp.Anonymous):
        return value
    node: exp.Expr
    if ctx.target == "sqlite":
        node = func("DATE" if kind == DATE else "DATETIME", value)
    elif ctx.target == "postgres":
        node = _cast(value, "DATE" if kind == DATE else "TIMESTAMP")
    else:
        node = _cast(value, "DATE" if kind == DATE else "DATETIME")
    return _mark(node, kind)


def _truncate(value: exp.Expr, unit: str, ctx: Context) -> exp.Expr:
    """``value`` truncated to YEAR, QUARTER, MONTH, WEEK (Monday), DAY, HOUR or MINUTE, as a
    DATETIME on the target."""
    if ctx.target == "postgres":
        trunc = exp.TimestampTrunc(this=_pg_ts(value), unit=exp.var(unit))
        return _mark(trunc, DATETIME)
    if ctx.target == "sqlite":
        modifiers = {
            "YEAR": [_str("start of year")],
            "MONTH": [_str("start of month")],
            "DAY": [_str("start of day")],
            "WEEK": [_str("start of day"), _str("-6 days"), _str("weekday 1")],
        }
        if unit in modifiers:
            return _mark(func("DATETIME", value.copy(), *modifiers[unit]), DATETIME)
        if unit == "QUARTER":
            back = _sub(_sqlite_int("%m", value), _int(1))
            months = exp.DPipe(
                this=_cast(
                    exp.Neg(this=_paren(exp.Mod(this=_paren(back), expression=_int(3)))), "TEXT"
                ),
                expression=_str(" months"),
            )
            return _mark(func("DATETIME", value.copy(), _str("start of month"), months), DATETIME)
        pattern = "%Y-%m-%d %H:00:00" if unit == "HOUR" else "%Y-%m-%d %H:%M:00"
        return _mark(_strftime(pattern, value), DATETIME)
    patterns = {
        "YEAR": "%Y-01-01",
        "MONTH": "%Y-%m-01",
        "DAY": "%Y-%m-%d",
        "HOUR": "%Y-%m-%d %H:00:00",
        "MINUTE": "%Y-%m-%d %H:%i:00",
    }
    if unit in patterns:
        text = exp.TimeToStr(this=value.copy(), format=_str(patterns[unit]))
        return _mark(_cast(text, "DATETIME"), DATETIME)
    if unit == "WEEK":
        back = func("WEEKDAY", value.copy())
        day = exp.DateSub(
            this=exp.TsOrDsToDate(this=value.copy()), expression=back, unit=exp.var("DAY")
        )
        return _mark(_cast(day, "DATETIME"), DATETIME)
    # QUARTER
    year = exp.TimeToStr(this=value.copy(), format=_str("%Y-01-01"))
    quarter_months = exp.Mul(
        this=_paren(_sub(exp.Quarter(this=value.copy()), _int(1))), expression=_int(3)
    )
    return _mark(
        _cast(exp.DateAdd(this=year, expression=quarter_months, unit=exp.var("MONTH")), "DATETIME"),
        DATETIME,
    )


def _mysql_shift(
    node: exp.Expr, base: exp.Expr, amount_node: exp.Expr, unit_name: str, sign: int, ctx: Context
) -> exp.Expr | None:
    """MySQL DATE_ADD semantics: a DATE stays a DATE for YEAR..DAY units, else DATETIME."""
    unit = _unit(unit_name)
    if unit is None:
        ctx.refuse(
            node,
            "interval-unit",
            f"the interval unit {unit_name} is not translated",
            "use YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE or SECOND",
        )
        return None
    kind = _need_kind(node, base, ctx)
    if kind is None:
        return None
    amount = _amount(amount_node, unit[1] * sign, node, ctx)
    if amount is None:
        return None
    result = DATE if kind == DATE and unit[0] in ("MONTH", "DAY") else DATETIME
    return _as_kind(_shift(base, amount, unit[0], ctx), result, ctx)


@rule(exp.DateAdd, exp.DateSub, exp.TimestampAdd, source={"mysql"})
def mysql_date_add(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL DATE_ADD/DATE_SUB/TIMESTAMPADD keep a DATE a DATE for day-or-larger units
    (PostgreSQL's date + interval is a timestamp; SQLite's date() vs datetime()), and clamp
    month arithmetic to the month's end (2024-01-31 + 1 MONTH = 2024-02-29; SQLite's own
    modifier would give 2024-03-02). Corpus: `dt-my-date-add-day`, `dt-my-add-month-end`,
    `dt-my-date-add-hour-to-date`, `dt-my-date-sub-week`, `dt-my-timestampadd`."""
    unit = node.args.get("unit")
    sign = -1 if isinstance(node, exp.DateSub) else 1
    amount = node.expression
    if isinstance(amount, exp.Interval):
        unit, amount = amount.args.get("unit"), amount.this
    return _mysql_shift(node, node.this, amount, unit.name if unit else "DAY", sign, ctx)


@rule(exp.Add, exp.Sub)
def interval_arithmetic(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`x + INTERVAL n unit` (MySQL: typed like DATE_ADD; PostgreSQL: always a timestamp)
    and PostgreSQL `date + n` (a date) / `date - date` (days). Corpus: `dt-my-plus-interval`,
    `dt-pg-plus-interval-month`, `dt-pg-date-plus-int`, `dt-pg-date-minus-date`."""
    left, right = node.this, node.expression
    interval: exp.Interval | None = None
    base: exp.Expr = left
    if isinstance(right, exp.Interval):
        interval, base = right, left
    elif isinstance(left, exp.Interval) and isinstance(node, exp.Add):
        interval, base = left, right
    sign = -1 if isinstance(node, exp.Sub) else 1
    if interval is not None:
        unit_node = interval.args.get("unit")
        if unit_node is None:
            ctx.refuse(
                node,
                "interval-unit",
                "an interval with several units (e.g. '1 day 2 hours') is not translated",
                "write one interval per unit",
            )
            return None
        if ctx.source == "mysql":
            return _mysql_shift(node, base, interval.this, unit_node.name, sign, ctx)
        unit = _unit(unit_node.name)
        if unit is None:
            ctx.refuse(node, "interval-unit", f"the interval unit {unit_node.name}", "")
            return None
        amount = _amount(interval.this, unit[1] * sign, node, ctx)
        if amount is None:
            return None
        return _as_kind(_shift(base, amount, unit[0], ctx), DATETIME, ctx)
    if ctx.source != "postgres":
        _assume_not_dates(node, ctx)
        return None
    lkind, rkind = temporal(left, ctx), temporal(right, ctx)
    if lkind == DATE and rkind is None and infer(right, ctx).kind is Kind.INT:
        amount = right.copy() if sign == 1 else exp.Neg(this=_operand(right.copy()))
        return _as_kind(_shift(left, amount, "DAY", ctx), DATE, ctx)
    if isinstance(node, exp.Sub) and lkind and rkind:
        if lkind == DATE and rkind == DATE:
            return _days_between(left, right, ctx)
        ctx.refuse(
            node,
            "interval-result",
            "timestamp - timestamp is a PostgreSQL interval, which has no equivalent value",
            "use EXTRACT(EPOCH FROM a - b) for seconds, or subtract dates for days",
        )
        return None
    unknown = [v for v, k in ((left, lkind), (right, rkind)) if k is None]
    if (lkind or rkind) and any(infer(v, ctx).kind is Kind.UNKNOWN for v in unknown):
        # `birth_date - DATE '2024-01-03'` without a schema: days, a date or a timestamp
        # (written through before: SQLite subtracted the years). Corpus: datetime.toml
        # `dt-pg-date-minus-unknown`.
        ctx.refuse(
            node,
            "datetime-type-unknown",
            "PostgreSQL's `+`/`-` with a date gives days, a date or a timestamp depending on the "
            "other operand's type, which is unknown here",
            "pass schema= with the column types, or CAST the operand",
        )
        return None
    _assume_not_dates(node, ctx)
    return None


_DATE_KINDS = frozenset({"date", "timestamp", "timestamptz", "time"})


def _assume_not_dates(node: exp.Expr, ctx: Context) -> None:
    """`x + 1` where nothing says what `x` is: a date there means another thing on each
    engine (PostgreSQL: the next day; MySQL: the number 19900315; SQLite: 1991, the year
    plus one). Translated as arithmetic of numbers, and reported (`arithmetic-unknown-type`;
    found by the generator without a schema: test_assumptions.py
    `test_arithmetic_on_columns_of_unknown_type_is_an_assumption`)."""
    left, right = node.this, node.expression
    if temporal(left, ctx) or temporal(right, ctx):
        return
    for value in (left, right):
        dated = ctx.arg_kind(value) in _DATE_KINDS  # an argument: only a date one
        if dated or (
            isinstance(value, exp.Column)
            and infer(value, ctx).kind is Kind.UNKNOWN
            and declared_type(value, ctx) is None
        ):
            ctx.assume(
                node,
                "arithmetic-unknown-type",
                f"that `{ctx.quote(value)[1]}` is a number (a date there is added to "
                f"differently by {ctx.source} and {ctx.target})",
                "pass schema= with the columns' types, or CAST the operand",
            )
            return


def _days_between(a: exp.Expr, b: exp.Expr, ctx: Context) -> exp.Expr:
    """Whole days from the date of ``b`` to the date of ``a``."""
    if ctx.target == "mysql":
        return exp.DateDiff(this=a.copy(), expression=b.copy())
    if ctx.target == "postgres":
        return _paren(_sub(_cast(a.copy(), "DATE"), _cast(b.copy(), "DATE")))
    days = _sub(
        func("JULIANDAY", func("DATE", a.copy())), func("JULIANDAY", func("DATE", b.copy()))
    )
    return _cast(days, "INTEGER")


@rule(exp.DateDiff, source={"mysql"})
def mysql_datediff(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL DATEDIFF(a, b) counts days between the dates of a and b, ignoring the time of
    day (sqlglot's SQLite julianday() difference does not). Corpus: `dt-my-datediff`,
    `dt-my-datediff-times`."""
    _to_days_from_year_one(node)
    return _days_between(_unwrap(node.this), _unwrap(node.expression), ctx)


def _to_days_from_year_one(node: exp.Expr) -> None:
    """MySQL TO_DAYS(x) (parsed as DATEDIFF(x, '0000-01-01') + 1) counts from a year 0 that
    is not a leap year, so TO_DAYS('2024-03-05') is one less than the proleptic Gregorian day
    count SQLite computes (and PostgreSQL has no year 0 at all). Counted from 0001-01-01
    instead, where MySQL's TO_DAYS is 366. Corpus: datetime.toml `dt-my-to-days`."""
    start, total = node.expression, node.parent
    if (
        isinstance(start, exp.TsOrDsToDate)
        and isinstance(start.this, exp.Literal)
        and start.this.name == "0000-01-01"
        and isinstance(total, exp.Add)
        and total.this is node
        and isinstance(total.expression, exp.Literal)
        and total.expression.name == "1"
    ):
        start.set("this", exp.Literal.string("0001-01-01"))
        total.set("expression", _int(366))


@rule(exp.TimestampDiff, source={"mysql"})
def mysql_timestampdiff(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL TIMESTAMPDIFF(unit, a, b): whole units from a to b, truncated toward zero; months
    count only when b's day and time reach a's. Corpus: `dt-my-timestampdiff-units`,
    `dt-my-timestampdiff-month-end`."""
    unit_node = node.args.get("unit")
    unit = _unit(unit_node.name if unit_node else "DAY")
    if unit is None or unit_node is None:
        ctx.refuse(node, "interval-unit", "this TIMESTAMPDIFF unit is not translated", "")
        return None
    end, start = node.this, node.expression
    if unit[0] == "MONTH":
        months = _months_between(start, end, ctx)
        return months if unit[1] == 1 else exp.IntDiv(this=_paren(months), expression=_int(unit[1]))
    seconds_per = {"DAY": 86400, "HOUR": 3600, "MINUTE": 60, "SECOND": 1}[unit[0]] * unit[1]
    seconds = _seconds_between(start, end, ctx)
    if seconds_per == 1:
        return seconds
    return exp.IntDiv(this=_paren(seconds), expression=_int(seconds_per))


def _seconds_between(start: exp.Expr, end: exp.Expr, ctx: Context) -> exp.Expr:
    if ctx.target == "sqlite":
        return _sub(_sqlite_int("%s", end), _sqlite_int("%s", start))
    if ctx.target == "postgres":
        return _cast(_extract("EPOCH", _paren(_sub(_pg_ts(end), _pg_ts(start)))), "BIGINT")
    return exp.TimestampDiff(this=end.copy(), expression=start.copy(), unit=exp.var("SECOND"))


def _months_between(start: exp.Expr, end: exp.Expr, ctx: Context) -> exp.Expr:
    """MySQL's month count: calendar months, minus one when the end's (day, time) has not
    reached the start's (plus one, going backwards)."""
    if ctx.target == "mysql":
        return exp.TimestampDiff(this=end.copy(), expression=start.copy(), unit=exp.var("MONTH"))

    def ym(value: exp.Expr) -> exp.Expr:
        if ctx.target == "sqlite":
            year, month = _sqlite_int("%Y", value), _sqlite_int("%m", value)
        else:
            year = _cast(_extract("YEAR", _pg_ts(value)), "INT")
            month = _cast(_extract("MONTH", _pg_ts(value)), "INT")
        return _add(exp.Mul(this=year, expression=_int(12)), month)

    def rest(value: exp.Expr) -> exp.Expr:
        if ctx.target == "sqlite":
            return _strftime("%d %H:%M:%f", value)
        return exp.TimeToStr(this=_pg_ts(value), format=_str("%d %H:%M:%S.%f"))

    diff = _paren(_sub(ym(end), ym(start)))
    adjust = exp.Case(
        ifs=[
            exp.If(
                this=exp.and_(
                    exp.GT(this=diff.copy(), expression=_int(0)),
                    exp.LT(this=rest(end), expression=rest(start)),
                ),
                true=_int(1),
            ),
            exp.If(
                this=exp.and_(
                    exp.LT(this=diff.copy(), expression=_int(0)),
                    exp.GT(this=rest(end), expression=rest(start)),
                ),
                true=_int(-1),
            ),
        ],
        default=_int(0),
    )
    return _paren(_sub(diff, adjust))


# ---------------------------------------------------------------------------- date parts

_STRFTIME_PARTS = {"YEAR": "%Y", "MONTH": "%m", "DAY": "%d", "HOUR": "%H", "MINUTE": "%M"}
_PART_NODES: dict[type[exp.Expr], str] = {
    exp.Year: "YEAR",
    exp.Month: "MONTH",
    exp.Day: "DAY",
    exp.DayOfMonth: "DAY",
    exp.Hour: "HOUR",
    exp.Minute: "MINUTE",
    exp.Second: "SECOND",
    exp.DayOfWeek: "DAYOFWEEK",
    exp.DayOfYear: "DOY",
    exp.Quarter: "QUARTER",
}


def _part(unit: str, value: exp.Expr, ctx: Context, fractional: bool = False) -> exp.Expr | None:
    """An integer date part on the target: YEAR, QUARTER, MONTH, DAY, HOUR, MINUTE, SECOND,
    DOY, DOW (0 = Sunday), DAYOFWEEK (1 = Sunday), ISODOW (1 = Monday), WEEKDAY (0 = Monday)."""
    value = _unwrap(value)
    if unit in ("DOW", "DAYOFWEEK", "ISODOW", "WEEKDAY"):
        offset = {"DOW": 0, "DAYOFWEEK": 1, "ISODOW": 1, "WEEKDAY": 0}[unit]
        dow = _dow0(value, ctx)
        if unit in ("ISODOW", "WEEKDAY"):  # Monday first
            dow = exp.Mod(this=_paren(_add(dow, _int(6))), expression=_int(7))
        return _paren(_add(dow, _int(offset))) if offset else dow
    if ctx.target == "sqlite":
        if unit in _STRFTIME_PARTS:
            return _sqlite_int(_STRFTIME_PARTS[unit], value)
        if unit == "SECOND":
            if fractional:
                return _cast(_strftime("%f", value), "REAL")
            return _sqlite_int("%S", value)
        if unit == "DOY":
            return _sqlite_int("%j", value)
        if unit == "QUARTER":
            return exp.IntDiv(
                this=_paren(_add(_sqlite_int("%m", value), _int(2))), expression=_int(3)
            )
        return None
    if ctx.target == "postgres":
        pg_unit = unit
        node = _extract(pg_unit, _pg_ts(value))
        if unit == "SECOND" and fractional:
            return node
        # PostgreSQL's SECOND keeps the fraction (59.9); MySQL's SECOND() and SQLite's %S do not
        return _cast(exp.Floor(this=node) if unit == "SECOND" else node, "INT")
    # MySQL
    simple: dict[str, Callable[..., exp.Expr]] = {
        "YEAR": exp.Year,
        "MONTH": exp.Month,
        "DAY": exp.Day,
        "HOUR": exp.Hour,
        "MINUTE": exp.Minute,
        "DOY": exp.DayOfYear,
        "QUARTER": exp.Quarter,
    }
    if unit in simple:
        return simple[unit](this=value.copy())
    if unit == "SECOND":
        second: exp.Expr = exp.Second(this=value.copy())
        if fractional:
            micro = func("MICROSECOND", value.copy())
            second = _add(second, exp.Div(this=micro, expression=exp.Literal.number("1000000.0")))
        return second
    return None


@rule(
    exp.Year,
    exp.Month,
    exp.Day,
    exp.DayOfMonth,
    exp.Hour,
    exp.Minute,
    exp.Second,
    exp.DayOfWeek,
    exp.DayOfYear,
    exp.Quarter,
    source={"mysql"},
)
def date_part_function(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """YEAR()..SECOND(), DAYOFWEEK() (1 = Sunday), DAYOFYEAR(), QUARTER() return integers in
    MySQL; SQLite has only strftime(), PostgreSQL EXTRACT (DOW is 0 = Sunday).
    Corpus: grouping.toml `grp-my-by-year-month`, `dt-my-dayofweek`, `dt-my-parts`."""
    if ctx.target == "mysql":
        return None
    return _part(_PART_NODES[type(node)], node.this, ctx)


@rule(exp.Week, exp.WeekOfYear, source={"mysql"}, target={"postgres", "sqlite"})
def mysql_week(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL WEEK(d) in mode 0 (the default `default_week_format`): weeks start on Sunday and
    the days before the year's first Sunday are week 0, i.e. (day of year - day of week
    (0 = Sunday) + 6) DIV 7. WEEKOFYEAR(d) is the ISO week (PostgreSQL `EXTRACT(WEEK)`).
    Neither engine has these functions (they were written through and failed there). Other
    modes, and WEEKOFYEAR into SQLite (3.40 has no %V), are refused (`week-mode`).
    Corpus: datetime.toml `dt-my-week`."""
    value = node.this
    if isinstance(node, exp.WeekOfYear):
        if ctx.target == "postgres":
            return _cast(_extract("WEEK", _pg_ts(_unwrap(value))), "INT")
        _refuse_week(node, ctx, "SQLite 3.40's strftime() has no ISO week (%V)")
        return None
    mode = node.args.get("mode")
    if mode is not None and not (isinstance(mode, exp.Literal) and mode.name == "0"):
        _refuse_week(node, ctx, "only mode 0 (the default) is translated")
        return None
    if not is_repeatable(_unwrap(value)):
        _refuse_week(node, ctx, "the date is used twice, and it is computed")
        return None
    doy, dow = _part("DOY", value, ctx), _part("DOW", value, ctx)
    assert doy is not None and dow is not None
    days = _paren(_add(_sub(doy, dow), _int(6)))
    if ctx.target == "sqlite":
        return exp.IntDiv(this=days, expression=_int(7))
    return _paren(exp.Div(this=days, expression=_int(7), typed=True))  # integers: truncates


def _refuse_week(node: exp.Expr, ctx: Context, why: str) -> None:
    ctx.refuse(
        node,
        "week-mode",
        f"MySQL's {'WEEKOFYEAR' if isinstance(node, exp.WeekOfYear) else 'WEEK'}() has no "
        f"equivalent in {ctx.target}; {why}",
        "compute the week from the day of year and day of week, or pass a plain date column",
    )


@rule(exp.Anonymous, source={"mysql"})
def mysql_weekday(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL WEEKDAY(x) is 0 = Monday .. 6 = Sunday. Corpus: `dt-my-weekday`."""
    if node.name.upper() != "WEEKDAY" or len(node.expressions) != 1:
        return None
    return _part("WEEKDAY", node.expressions[0], ctx)


_EXTRACT_UNITS = {
    "YEAR": "YEAR",
    "QUARTER": "QUARTER",
    "MONTH": "MONTH",
    "DAY": "DAY",
    "HOUR": "HOUR",
    "MINUTE": "MINUTE",
    "SECOND": "SECOND",
    "DOW": "DOW",
    "ISODOW": "ISODOW",
    "DOY": "DOY",
}


@rule(exp.Extract, source={"mysql", "postgres"})
def extract_part(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """EXTRACT(unit FROM x): SQLite has no EXTRACT; MySQL has no DOW/ISODOW/DOY/EPOCH units.
    PostgreSQL's SECOND keeps fractions. Other units are refused (`extract-unit`).
    Corpus: grouping.toml `grp-pg-extract-month`, `dt-pg-extract-dow`, `dt-pg-extract-epoch`."""
    unit = node.this.name.upper()
    if unit == "EPOCH" and ctx.source == "postgres":
        return _epoch_of(node.expression, ctx)
    if unit not in _EXTRACT_UNITS or (ctx.source == "mysql" and unit in ("DOW", "ISODOW", "DOY")):
        ctx.refuse(
            node,
            "extract-unit",
            f"EXTRACT({unit} ...) is not translated to {ctx.target}",
            "use YEAR, QUARTER, MONTH, DAY, HOUR, MINUTE, SECOND, DOW, ISODOW or DOY",
        )
        return None
    if ctx.target == "postgres":
        return None
    if ctx.target == "mysql" and unit in ("YEAR", "QUARTER", "MONTH", "DAY", "HOUR", "MINUTE"):
        return None
    return _part(_EXTRACT_UNITS[unit], node.expression, ctx, fractional=ctx.source == "postgres")


# --------------------------------------------------------------------- truncation, month end


@rule(exp.TimestampTrunc, exp.DateTrunc, source={"postgres"})
def pg_date_trunc(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL DATE_TRUNC(unit, x) is a timestamp at the start of the unit (weeks start on
    Monday). Corpus: `dt-pg-date-trunc-month`, `dt-pg-date-trunc-units`."""
    unit_node = node.args.get("unit")
    unit = unit_node.name.upper() if unit_node is not None else ""
    if unit not in ("YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE"):
        ctx.refuse(node, "interval-unit", f"DATE_TRUNC to {unit or 'this unit'}", "")
        return None
    return _as_kind(_truncate(node.this, unit, ctx), DATETIME, ctx)


@rule(exp.LastDay, source={"mysql"})
def mysql_last_day(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL LAST_DAY(x): the date of the month's last day. Corpus: `dt-my-last-day`."""
    value = _unwrap(node.this)
    if ctx.target == "sqlite":
        modifiers = [_str("start of month"), _str("+1 month"), _str("-1 day")]
        return _mark(func("DATE", value.copy(), *modifiers), DATE)
    first = _truncate(value, "MONTH", ctx)
    last = _shift(_shift(first, _int(1), "MONTH", ctx), _int(-1), "DAY", ctx)
    return _as_kind(last, DATE, ctx)


# -------------------------------------------------------------------------------- epochs


def _epoch_of(value: exp.Expr, ctx: Context) -> exp.Expr:
    """Seconds since 1970-01-01 00:00:00 UTC of a naive datetime read as UTC."""
    value = _unwrap(value)
    if ctx.target == "sqlite":
        return _sqlite_int("%s", value)
    if ctx.target == "postgres":
        return _extract("EPOCH", _pg_ts(value))
    return func("UNIX_TIMESTAMP", value.copy())


def _whole_epoch(epoch: exp.Expr, ctx: Context) -> exp.Expr:
    """SQLite's unixepoch() is whole seconds, rounded down ('... 00:00:00.9' -> ...200, and
    '1969-12-31 23:59:59.5' -> -1); PostgreSQL's EXTRACT(EPOCH) and MySQL's UNIX_TIMESTAMP()
    keep the fraction. Corpus: datetime.toml `dt-lite-unixepoch-fraction`."""
    whole = exp.Floor(this=epoch)
    return _cast(whole, "BIGINT")  # (MySQL: SIGNED)


def _from_epoch(value: exp.Expr, ctx: Context) -> exp.Expr:
    if ctx.target == "sqlite":
        return _mark(func("DATETIME", value.copy(), _str("unixepoch")), DATETIME)
    if ctx.target == "postgres":
        zoned = exp.AtTimeZone(this=exp.UnixToTime(this=value.copy()), zone=_str("UTC"))
        return _mark(zoned, DATETIME)
    return _mark(exp.UnixToTime(this=value.copy()), DATETIME)


@rule(exp.Anonymous, source={"mysql"})
def mysql_unix_timestamp(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL UNIX_TIMESTAMP([x]) reads x in the session time zone; sessions are assumed UTC
    (SQLite knows no other). Corpus: `dt-my-unix-timestamp`, `dt-my-unix-timestamp-now`."""
    if node.name.upper() != "UNIX_TIMESTAMP" or len(node.expressions) > 1:
        return None
    if not node.expressions:
        if ctx.target == "sqlite":
            return _sqlite_int("%s", _str("now"))
        return _cast(exp.Floor(this=_extract("EPOCH", exp.CurrentTimestamp())), "BIGINT")
    return _epoch_of(node.expressions[0], ctx)


@rule(exp.UnixToTime, source={"mysql", "postgres"})
def from_unixtime(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL FROM_UNIXTIME(n) (a DATETIME in the session zone, assumed UTC) and PostgreSQL
    to_timestamp(n) (a timestamptz). Corpus: `dt-my-from-unixtime`, `dt-pg-to-timestamp-epoch`."""
    if node.args.get("scale") is not None or node.args.get("format") is not None:
        ctx.refuse(node, "datetime-function", "FROM_UNIXTIME with a format or scale", "")
        return None
    return _from_epoch(node.this, ctx)


# -------------------------------------------------------------------------------- formats


def _original_format(node: exp.Expr, ctx: Context) -> str | None:
    """The format text as the caller wrote it (sqlglot rewrites it lossily while parsing):
    the one string literal of the statement whose sqlglot conversion is the parsed format."""
    named = node.meta.get(SOURCE_FORMAT) if node._meta else None
    if isinstance(named, str):
        return named  # DAYNAME / MONTHNAME (see targets.py)
    literal = node.args.get("format")
    if not isinstance(literal, exp.Literal) or not literal.is_string:
        return None
    dialect = DIALECTS[ctx.source]
    found: set[str] = set()
    for token in dialect.tokenize(ctx.scanned.text):
        if token.token_type not in (TokenType.STRING, TokenType.NATIONAL_STRING):
            continue
        converted = dialect.format_time(exp.Literal.string(token.text))
        if isinstance(converted, exp.Literal) and converted.this == literal.this:
            found.add(token.text)
    return found.pop() if len(found) == 1 else None


def _segments(node: exp.Expr, ctx: Context) -> list[formats.Segment] | None:
    text = _original_format(node, ctx)
    if text is None:
        ctx.refuse(
            node,
            "format-unknown",
            "the format is not a literal (or could not be read back), so its tokens cannot be "
            "checked",
            "write the format as a string literal",
        )
        return None
    try:
        return formats.parse_format(ctx.source, text)
    except formats.FormatError as error:
        ctx.refuse(
            node,
            "format-token",
            f"format token {error.token!r} has no faithful {ctx.target} equivalent: {error.reason}",
            "format that part with other functions",
        )
        return None


_MONTHS = "January February March April May June July August September October November December"
_DAYS = "Sunday Monday Tuesday Wednesday Thursday Friday Saturday"


def _emulate(tok: formats.Tok, value: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A text expression for a token the target's format function lacks."""
    name = tok.name
    if name in ("MONTH_NAME", "MONTH_ABBR", "DAY_NAME", "DAY_ABBR"):
        base = formats.Tok(name)
        text = _native_piece(base, value, ctx)
        if text is None:  # SQLite: a CASE over the number
            names = (_MONTHS if name.startswith("MONTH") else _DAYS).split()
            if name.endswith("ABBR"):
                names = [n[:3] for n in names]
            number = (
                _sqlite_int("%m", value) if name.startswith("MONTH") else _sqlite_int("%w", value)
            )
            first = 1 if name.startswith("MONTH") else 0
            text = exp.Case(
                this=number,
                ifs=[exp.If(this=_int(i + first), true=_str(n)) for i, n in enumerate(names)],
            )
        if tok.case == "upper":
            text = exp.Upper(this=text)
        elif tok.case == "lower":
            text = exp.Lower(this=text)
        if tok.pad and ctx.target == "sqlite":  # no rpad(); names are at most 9 long
            text = exp.Substring(
                this=exp.DPipe(this=text, expression=_str(" " * 9)), start=_int(1), length=_int(9)
            )
        elif tok.pad:
            text = exp.Pad(this=text, expression=_int(9), fill_pattern=_str(" "), is_left=False)
        return text
    if name in ("MONTH1", "DAY1", "HOUR24_1"):
        unit = {"MONTH1": "MONTH", "DAY1": "DAY", "HOUR24_1": "HOUR"}[name]
        part = _part(unit, value, ctx)
        return _text(part, ctx) if part is not None else None
    if name in ("HOUR12_2", "HOUR12_1") and ctx.target == "sqlite":
        hour = _add(
            exp.Mod(this=_paren(_add(_sqlite_int("%H", value), _int(11))), expression=_int(12)),
            _int(1),
        )
        if name == "HOUR12_1":
            return _text(hour, ctx)
        return func("PRINTF", _str("%02d"), hour)
    if name == "YEAR2" and ctx.target == "sqlite":
        return exp.Substring(this=_strftime("%Y", value), start=_int(3), length=_int(2))
    if name == "AMPM" and ctx.target == "sqlite":
        return exp.Case(
            ifs=[
                exp.If(
                    this=exp.LT(this=_sqlite_int("%H", value), expression=_int(12)), true=_str("AM")
                )
            ],
            default=_str("PM"),
        )
    if name == "MILLI3":
        if ctx.target == "sqlite":
            return exp.Substring(this=_strftime("%f", value), start=_int(4), length=_int(3))
        return exp.Left(
            this=exp.TimeToStr(this=value.copy(), format=_str("%f")), expression=_int(3)
        )
    if name in ("DOW0", "DOW1", "ISODOW", "QUARTER"):
        unit = {"DOW0": "DOW", "DOW1": "DAYOFWEEK", "ISODOW": "ISODOW", "QUARTER": "QUARTER"}[name]
        part = _part(unit, value, ctx)
        return _text(part, ctx) if part is not None else None
    return None


def _native_piece(tok: formats.Tok, value: exp.Expr, ctx: Context) -> exp.Expr | None:
    spelt = formats.native(ctx.target, tok)
    return None if spelt is None else _format_call(spelt, value, ctx)


def _format_call(fmt: str, value: exp.Expr, ctx: Context) -> exp.Expr:
    if ctx.target == "sqlite":
        return _strftime(fmt, value)
    if ctx.target == "postgres":
        return func("TO_CHAR", _pg_ts(value), _str(fmt))
    return func("DATE_FORMAT", value.copy(), _str(fmt))


@rule(exp.TimeToStr)
def format_date(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """DATE_FORMAT / TO_CHAR / strftime: every token is read from the source's own table and
    written in the target's (formats.py); tokens the target lacks are emulated piecewise and
    concatenated; tokens with no faithful meaning are refused (`format-token`).
    Corpus: `dt-my-date-format-basic`, `dt-my-date-format-names`, `dt-pg-to-char-fm`,
    `dt-lite-strftime-basic`, `dt-my-date-format-week-refused`."""
    value = _unwrap(node.this)
    if ctx.source == "sqlite":
        text = _original_format(node, ctx)
        if text == "%s":  # whole seconds since the epoch, as text
            epoch = _epoch_of(value, ctx)
            if ctx.target == "postgres":
                epoch = _cast(exp.Floor(this=epoch), "BIGINT")
            return _text(epoch, ctx)
    segments = _segments(node, ctx)
    if segments is None:
        return None
    groups: list[list[formats.Segment] | exp.Expr] = []
    for segment in segments:
        if isinstance(segment, formats.Tok) and formats.native(ctx.target, segment) is None:
            piece = _emulate(segment, value, ctx)
            if piece is None:
                ctx.refuse(
                    node,
                    "format-token",
                    f"the format token for {segment.name.lower()} has no {ctx.target} equivalent",
                    "format that part with other functions",
                )
                return None
            groups.append(piece)
        elif groups and isinstance(groups[-1], list):
            groups[-1].append(segment)
        else:
            groups.append([segment])
    parts: list[exp.Expr] = []
    for group in groups:
        if not isinstance(group, list):
            parts.append(group)
        elif len(groups) > 1 and all(isinstance(g, formats.Lit) for g in group):
            parts.append(_str("".join(g.text for g in group if isinstance(g, formats.Lit))))
        else:
            parts.append(_format_call(_spell(group, ctx), value, ctx))
    if not parts:
        parts.append(_format_call("", value, ctx))
    return _concat(parts, ctx)


def _spell(group: list[formats.Segment], ctx: Context) -> str:
    out = ""
    for segment in group:
        if isinstance(segment, formats.Lit):
            out += formats.render_literal(ctx.target, segment.text)
        else:
            out += formats.native(ctx.target, segment) or ""
    return out


_PARSE_TOKENS = {
    "YEAR4",
    "MONTH2",
    "MONTH1",
    "DAY2",
    "DAY1",
    "HOUR24_2",
    "HOUR24_1",
    "MINUTE2",
    "SECOND2",
}
_TIME_TOKENS = {"HOUR24_2", "HOUR24_1", "MINUTE2", "SECOND2"}


@rule(exp.StrToDate, exp.StrToTime, source={"mysql", "postgres"})
def parse_date(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL STR_TO_DATE (a DATE when the format has no time fields, else a DATETIME) and
    PostgreSQL TO_DATE / TO_TIMESTAMP, for numeric year/month/day/hour/minute/second formats.
    SQLite has no date parser (`str-to-date`). Corpus: `dt-my-str-to-date`,
    `dt-pg-to-date`."""
    if ctx.target == "sqlite":
        ctx.refuse(
            node,
            "str-to-date",
            "SQLite has no function that parses a date with a format",
            "pass ISO-8601 text ('YYYY-MM-DD HH:MM:SS'), or parse the date in the application",
        )
        return None
    segments = _segments(node, ctx)
    if segments is None:
        return None
    tokens = {s.name for s in segments if isinstance(s, formats.Tok)}
    complete = "YEAR4" in tokens and {"MONTH2", "MONTH1"} & tokens and {"DAY2", "DAY1"} & tokens
    if not tokens <= _PARSE_TOKENS or not complete:
        ctx.refuse(
            node,
            "format-token",
            "only numeric year, month, day, hour, minute and second fields parse alike",
            "use %Y %m %d %H %i %s (YYYY MM DD HH24 MI SS)",
        )
        return None
    fmt = ""
    for segment in segments:
        if isinstance(segment, formats.Lit):
            fmt += formats.render_literal(ctx.target, segment.text)
        else:
            fmt += formats.native(ctx.target, formats.Tok(segment.name)) or ""
    has_time = bool(tokens & _TIME_TOKENS) or (
        ctx.source == "postgres" and isinstance(node, exp.StrToTime)
    )
    value = node.this.copy()
    if ctx.target == "postgres":
        if has_time:
            parsed: exp.Expr = _cast(func("TO_TIMESTAMP", value, _str(fmt)), "TIMESTAMP")
        else:
            parsed = func("TO_DATE", value, _str(fmt))
        return _mark(parsed, DATETIME if has_time else DATE)
    parsed = func("STR_TO_DATE", value, _str(fmt))
    return _as_kind(parsed, DATETIME if has_time else DATE, ctx)


@rule(exp.ToChar, source={"mysql"})
def mariadb_to_char(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MariaDB TO_CHAR(t[, format]) writes a date or time with Oracle-style formats (a DATE as
    '2024-01-02 00:00:00', text that is no date as NULL); sqlglot makes it a plain cast to
    text. Refused. Corpus: datetime.toml `dt-my-to-char`."""
    ctx.refuse(
        node,
        "datetime-function",
        "MariaDB TO_CHAR() formats dates and times its own way",
        "format the date with DATE_FORMAT()",
    )
    return None
