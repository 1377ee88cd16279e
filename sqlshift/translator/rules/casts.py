"""Rules: CAST to text, decimal and binary types, whose defaults differ per engine.

(Casts to integer are in numeric.py.)
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import TEXT_CONSUMERS, func, rule
from sqlshift.translator.rules.numeric_types import postgres_dynamic_numeric
from sqlshift.translator.types import DYNAMIC, Kind, declared_type, infer

T = exp.DataType.Type
#: MySQL's DECIMAL without arguments is DECIMAL(10, 0); DECIMAL(p) is DECIMAL(p, 0)
MYSQL_DECIMAL_DEFAULT = (10, 0)
#: the widest MySQL DECIMAL: stands in for PostgreSQL's unconstrained NUMERIC
MYSQL_DECIMAL_WIDEST = (65, 30)


def _decimal(precision: int, scale: int) -> exp.DataType:
    return exp.DataType.build(f"DECIMAL({precision}, {scale})")


def _params(dtype: exp.DataType) -> list[int]:
    return [int(p.name) for p in dtype.expressions if p.name.isdigit()]


@rule(exp.Cast, source={"mysql"}, target={"postgres", "sqlite"})
def mysql_char_cast(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `CAST(x AS CHAR)` is text of any length, `CAST(x AS CHAR(n))` cuts to n
    characters; PostgreSQL `CHAR` is char(1) (CAST(34 AS CHAR) = '3') and pads, SQLite ignores
    lengths. Becomes TEXT, or VARCHAR(n) / SUBSTR(CAST(x AS TEXT), 1, n).
    Corpus: generated.toml `gen-my-cast-char-postgres`, casts.toml `cast-my-char-*`."""
    assert isinstance(node, exp.Cast)
    if node.to.this not in (T.CHAR, T.NCHAR):
        return None
    length = _params(node.to)
    if ctx.target == "sqlite":
        operand = infer(node.this, ctx)
        if operand.kind is Kind.EXACT:
            # SQLite keeps 5200.00 as the integer 5200: print the declared scale back (and
            # keep NULL, which printf would print as 0.00)
            printed = func("PRINTF", exp.Literal.string(f"%.{operand.scale}f"), node.this)
            text: exp.Expr = exp.If(
                this=exp.Is(this=node.this.copy(), expression=exp.Null()),
                true=exp.Null(),
                false=printed,
            )
            return (
                text
                if not length
                else exp.Substring(
                    this=text, start=exp.Literal.number(1), length=exp.Literal.number(length[0])
                )
            )
        if operand.kind is Kind.FLOAT:
            ctx.refuse(
                node,
                "cast-text-float",
                "MySQL prints a DOUBLE in its shortest form (91) and SQLite with a fraction (91.0)",
                "use ROUND() or printf()",
            )
            return None
        if operand.kind is Kind.UNKNOWN and not _temporal(node.this, ctx):
            ctx.refuse(
                node,
                "cast-text-needs-types",
                "MySQL prints a DECIMAL with its scale "
                "(5200.00) but SQLite may hold the value as an integer (5200), and the "
                "operand's type is unknown here",
                "pass schema= with the column types",
            )
            return None
    if not length:
        return exp.Cast(this=node.this, to=exp.DataType.build("TEXT"))
    if ctx.target == "postgres":
        return exp.Cast(this=node.this, to=exp.DataType.build(f"VARCHAR({length[0]})"))
    text = exp.Cast(this=node.this, to=exp.DataType.build("TEXT"))
    return exp.Substring(
        this=text, start=exp.Literal.number(1), length=exp.Literal.number(length[0])
    )


def _temporal(node: exp.Expr, ctx: Context) -> bool:
    """A column the schema declares as a date or time (printed the same way everywhere)."""
    if not isinstance(node, exp.Column) or ctx.schema is None:
        return False
    dtype = declared_type(node, ctx)
    return dtype is not None and dtype.this in exp.DataType.TEMPORAL_TYPES


@rule(exp.Cast, source={"mysql"}, target={"postgres", "sqlite"})
def mysql_decimal_cast(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `CAST(x AS DECIMAL)` means DECIMAL(10, 0) (2.5 -> 3); PostgreSQL's bare NUMERIC
    keeps every digit and SQLite's NUMERIC affinity rounds nothing. The precision is made
    explicit for PostgreSQL and emulated with ROUND(x, s) in SQLite.
    Corpus: casts.toml `cast-my-decimal-*`."""
    assert isinstance(node, exp.Cast)
    if node.to.this != T.DECIMAL:
        return None
    params = _params(node.to)
    precision, scale = (params + list(MYSQL_DECIMAL_DEFAULT)[len(params) :])[:2]
    if ctx.target == "postgres":
        return exp.Cast(this=node.this, to=_decimal(precision, scale))
    real = exp.Cast(this=node.this, to=exp.DataType.build("REAL"))
    return exp.Round(this=real, decimals=exp.Literal.number(scale))


@rule(exp.Cast, source={"postgres"}, target={"mysql", "sqlite"})
def postgres_numeric_cast(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL `CAST(x AS NUMERIC)` keeps every digit; MySQL's bare DECIMAL is
    DECIMAL(10, 0) (2.5 -> 3). MySQL gets its widest DECIMAL(65, 30); a NUMERIC(p, s) keeps
    its arguments (MySQL) or becomes ROUND(x, s) (SQLite, whose NUMERIC rounds nothing).
    Corpus: generated.toml `gen-pg-cast-decimal-mysql`, casts.toml `cast-pg-numeric-*`."""
    assert isinstance(node, exp.Cast)
    if node.to.this != T.DECIMAL:
        return None
    params = _params(node.to)
    if ctx.target == "mysql":
        if len(params) == 2 and params[1] > MYSQL_DECIMAL_WIDEST[1]:
            ctx.refuse(
                node,
                "numeric-scale",
                f"MySQL's DECIMAL holds at most {MYSQL_DECIMAL_WIDEST[1]} digits after the point",
                f"cast to NUMERIC(p, s) with s <= {MYSQL_DECIMAL_WIDEST[1]}",
            )
        if params:  # MySQL holds no more digits than DECIMAL(65, 30)
            precision, scale = params[0], params[1] if len(params) == 2 else 0
            if precision <= MYSQL_DECIMAL_WIDEST[0] and scale <= MYSQL_DECIMAL_WIDEST[1]:
                return None
            precision = min(precision, MYSQL_DECIMAL_WIDEST[0])
            return exp.Cast(
                this=node.this, to=_decimal(precision, min(scale, MYSQL_DECIMAL_WIDEST[1]))
            )
        known = _numeric_scale(node.this, ctx)
        if known is None:  # a double or text: the NUMERIC has the digits its value needs
            widest = exp.Cast(this=node.this, to=_decimal(*MYSQL_DECIMAL_WIDEST))
            return postgres_dynamic_numeric(node, widest, ctx, "a number cast to NUMERIC")
        return exp.Cast(this=node.this, to=_decimal(MYSQL_DECIMAL_WIDEST[0], known))
    if len(params) < 2:
        return exp.Cast(this=node.this, to=exp.DataType.build("NUMERIC"))
    real = exp.Cast(this=node.this, to=exp.DataType.build("REAL"))
    return exp.Round(this=real, decimals=exp.Literal.number(params[1]))


_DECIMAL_TEXT = re.compile(r"\s*[-+]?\d*(?:\.(\d*))?\s*")


def _numeric_scale(value: exp.Expr, ctx: Context) -> int | None:
    """The scale PostgreSQL's NUMERIC gives ``value``: an integer's 0, an exact number's own,
    a decimal literal's digits ('2.50' has 2); None for a double or anything unknown."""
    typed = infer(value, ctx)
    if typed.kind is Kind.INT:
        return 0
    if typed.kind is Kind.EXACT:
        return None if typed.scale == DYNAMIC else typed.scale
    if isinstance(value, exp.Literal) and value.is_string:
        found = _DECIMAL_TEXT.fullmatch(value.name)
        if found is not None and any(c.isdigit() for c in value.name):
            return len(found.group(1) or "")
    return None


_FRACTION = re.compile(r"\d{1,2}:\d{2}:\d{2}\.(\d+)")


@rule(exp.Cast, source={"postgres"}, target={"mysql"})
def postgres_timestamp_fraction(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL's timestamps and times keep microseconds; MySQL's CAST to DATETIME/TIME
    without a precision drops them (MariaDB) or rounds them (MySQL 8). A literal's fraction is
    known, so its cast gets as many digits (printed as PostgreSQL prints it: '10:00:59.9');
    any other value gets 6, except where it is read as text (there MySQL would print
    '.000000' where PostgreSQL prints nothing, so the whole-second cast stays).
    Corpus: datetime.toml `dt-pg-literal-fraction`, `dt-pg-cast-fraction`."""
    assert isinstance(node, exp.Cast)
    if node.to.this not in (T.TIMESTAMP, T.TIME) or _params(node.to):
        return None
    value = node.this
    if isinstance(value, exp.Literal) and value.is_string:
        found = _FRACTION.search(value.name)
        if found is None:
            return None
        digits = min(len(found.group(1)), 6)
    elif isinstance(node.parent, TEXT_CONSUMERS) or _is_text_cast(node.parent):
        return None
    else:
        digits = 6
    param = exp.DataTypeParam(this=exp.Literal.number(digits))
    return exp.Cast(this=value, to=exp.DataType(this=node.to.this, expressions=[param]))


def _is_text_cast(node: exp.Expr | None) -> bool:
    return isinstance(node, exp.Cast) and node.to.this in (
        T.TEXT,
        T.VARCHAR,
        T.CHAR,
        T.NCHAR,
        T.NVARCHAR,
    )


@rule(exp.Cast, source={"sqlite"}, target={"mysql", "postgres"})
def sqlite_numeric_cast(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite `CAST(x AS DECIMAL(10, 2))` applies NUMERIC affinity and rounds nothing: a REAL
    stays a REAL (2.555), an integer an integer, and text becomes an integer when its value is
    whole ('7' and '7.0' give 7) and a REAL otherwise; MySQL and PostgreSQL would round to the
    scale and give a DECIMAL. A REAL becomes a DOUBLE, an integer stays as it is, a text
    literal is converted as SQLite converts it; other text is refused (its type would follow
    its value). Corpus: casts.toml `cast-lite-decimal`."""
    assert isinstance(node, exp.Cast)
    if node.to.this != T.DECIMAL:
        return None
    operand: exp.Expr = node.this
    kind = infer(operand, ctx).kind
    if kind is Kind.INT:
        return operand
    double = exp.DataType.build("DOUBLE")
    if kind is Kind.FLOAT:
        return exp.Cast(this=node.this, to=double)
    if isinstance(node.this, exp.Literal) and node.this.is_string:
        value = _sqlite_numeric(node.this.name)
        if isinstance(value, int):
            return exp.Literal.number(value)
        return exp.Cast(this=exp.Literal.number(repr(value)), to=double)
    ctx.refuse(
        node,
        "numeric-affinity",
        "SQLite's CAST to NUMERIC/DECIMAL gives an integer or a REAL depending on each value "
        "(and rounds nothing), and the operand's type is not known to be a number here",
        "CAST to REAL or INTEGER, or pass schema= with the column types",
    )
    return None


def _sqlite_numeric(text: str) -> int | float:
    """SQLite's own NUMERIC conversion of ``text`` (asked of the sqlite3 module's engine)."""
    with closing(sqlite3.connect(":memory:")) as connection:
        value = connection.execute("SELECT CAST(? AS NUMERIC)", (text,)).fetchone()[0]
    return value if isinstance(value, int | float) else 0


@rule(exp.Cast, source={"postgres", "sqlite"}, target={"mysql"})
def binary_cast_for_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`CAST(x AS BLOB)` (SQLite) / `CAST(x AS BYTEA)` (PostgreSQL) is written
    `CAST(x AS VARBINARY)` by sqlglot, which MySQL rejects; MySQL's spelling is BINARY.
    Corpus: generated.toml `gen-lite-cast-blob-mysql`."""
    assert isinstance(node, exp.Cast)
    if node.to.this not in (T.BLOB, T.VARBINARY) or _params(node.to):
        return None
    return exp.Cast(this=node.this, to=exp.DataType.build("BINARY"))


@rule(exp.Cast, source={"sqlite"}, target={"postgres"})
def sqlite_integer_is_64_bit(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite's INTEGER holds 64 bits; PostgreSQL's INT is 32-bit and overflows past 2^31.
    A cast to INT/INTEGER becomes BIGINT. Corpus: casts.toml `cast-lite-int-64`."""
    assert isinstance(node, exp.Cast)
    if node.to.this == T.INT:
        node.set("to", exp.DataType.build("BIGINT"))
    return None


_TEXT = (T.TEXT, T.VARCHAR, T.NVARCHAR)
_NUMERIC_NODES = (exp.Binary, exp.Neg, exp.Abs, exp.Round, exp.Sum, exp.Avg, exp.Column)


def _boolean(node: exp.Expr, ctx: Context) -> bool:
    """A truth value: a predicate, or a column the schema declares BOOLEAN."""
    if infer(node, ctx).kind is Kind.BOOL:
        return True
    if isinstance(node, exp.Column) and ctx.schema is not None:
        dtype = declared_type(node, ctx)
        return dtype is not None and dtype.this == T.BOOLEAN
    return False


def _printed(node: exp.Expr, scale: int) -> exp.Expr:
    """SQLite text of an exact number with ``scale`` digits (NULL stays NULL)."""
    printed = func("PRINTF", exp.Literal.string(f"%.{scale}f"), node)
    null = exp.Is(this=node.copy(), expression=exp.Null())
    return exp.If(this=null, true=exp.Null(), false=printed)


def cast_int(node: exp.Expr) -> exp.Expr:
    return exp.Cast(this=node, to=exp.DataType.build("INT"))


#: the arguments a string function reads as text (the others are positions and lengths)
_NUMERIC_ARGUMENTS = frozenset({"start", "length", "position", "is_left", "times", "occurrence"})


def _text_arguments(node: exp.Expr) -> list[exp.Expr]:
    skip = ("expression",) if isinstance(node, exp.Left | exp.Right | exp.Pad) else ()
    return [
        child
        for key, value in node.args.items()
        if key not in _NUMERIC_ARGUMENTS and key not in skip
        for child in (value if isinstance(value, list) else [value])
        if isinstance(child, exp.Column)
    ]


@rule(*TEXT_CONSUMERS, source={"mysql"}, target={"sqlite", "postgres"})
@rule(*TEXT_CONSUMERS, source={"sqlite"}, target={"mysql", "postgres"})
def number_read_as_text(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A string function (LENGTH, SUBSTRING, LIKE, CONCAT, ...) of a number column reads the
    number's text, which each engine writes its own way. MySQL writes a DECIMAL with its
    declared scale ('5200.00', LENGTH 7); SQLite holds 5200.00 as the integer 5200 and 7300.50
    as the REAL 7300.5 and writes '5200', '7300.5'; SQLite writes a whole REAL as '91.0',
    MySQL and PostgreSQL a DOUBLE as '91'. PostgreSQL has no string functions of numbers
    (LENGTH(numeric) fails) and writes a boolean as 'true'. So, from MySQL: into SQLite a
    DECIMAL column is printed with its scale (printf('%.2f', x), NULL kept); into PostgreSQL a
    number is cast to TEXT (a BOOLEAN through INT). From SQLite: a DECIMAL column is read as
    a DOUBLE (whose text is SQLite's), cast to TEXT on PostgreSQL. DOUBLE columns between
    SQLite and the others are refused (cast-text-float).
    Corpus: casts.toml `cast-my-number-text-functions`, `cast-lite-number-text-functions`."""
    for child in _text_arguments(node):
        if ctx.target == "postgres" and _boolean(child, ctx):  # 1 / 0, not true / false
            child.replace(_as_text(cast_int(child.copy())))
            continue
        if ctx.source == "sqlite" and _sqlite_decimal(child, ctx):
            double = exp.Cast(this=child.copy(), to=exp.DataType.build("DOUBLE"))
            child.replace(_as_text(double) if ctx.target == "postgres" else double)
            continue
        typed = infer(child, ctx)
        if not typed.kind.numeric:
            continue
        if typed.kind is Kind.FLOAT and "sqlite" in (ctx.source, ctx.target):
            ctx.refuse(
                child,
                "cast-text-float",
                f"{ctx.source} and {ctx.target} write a DOUBLE as text differently (SQLite "
                "91.0, the others 91)",
                "ROUND() it or CAST it to DECIMAL(p, s) first",
            )
            return None
        if ctx.target == "postgres":
            child.replace(_as_text(child.copy()))
        elif ctx.target == "sqlite" and typed.kind is Kind.EXACT:
            child.replace(_printed(child.copy(), typed.scale))
    return None


def _sqlite_decimal(node: exp.Expr, ctx: Context) -> bool:
    """A SQLite column the schema declares DECIMAL/NUMERIC (NUMERIC affinity: its values are
    integers or REALs, whatever the declared scale)."""
    declared = declared_type(node, ctx)
    return declared is not None and declared.this in (T.DECIMAL, T.BIGDECIMAL)


def _as_text(node: exp.Expr) -> exp.Expr:
    return exp.Cast(this=node, to=exp.DataType.build("TEXT"))


@rule(exp.Cast, source={"postgres", "sqlite", "mysql"})
def number_as_text(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """CAST(x AS TEXT) of a number or truth value writes different text per engine: a
    PostgreSQL boolean is `true`, a MySQL/SQLite one `1`; SQLite writes a REAL 91.0 as `91.0`
    where MySQL and PostgreSQL write `91`, and holds a whole DECIMAL 5200.00 as `5200`.
    Truth values into PostgreSQL go through INT; a PostgreSQL boolean becomes 'true'/'false'
    by CASE (its operand must be a column); an exact PostgreSQL value into SQLite is printed with
    its scale; DOUBLEs into or out of SQLite (`cast-text-float`) and numbers of unknown type
    from or to SQLite (`cast-text-needs-types`, with schema=: without one, a column is taken
    as it is, as before) are refused. (MySQL CAST AS CHAR into SQLite: mysql_char_cast.)
    Corpus: casts.toml `cast-*-text-*`, `cast-my-char-truth`."""
    assert isinstance(node, exp.Cast)
    if node.to.this not in _TEXT or node.to.expressions:
        return None
    value: exp.Expr = node.this
    if _boolean(value, ctx):
        if ctx.target == "postgres":
            node.set("this", exp.Cast(this=value, to=exp.DataType.build("INT")))
            return None
        if ctx.source != "postgres":
            return None
        if not isinstance(value, exp.Column | exp.Boolean):
            ctx.refuse(
                node,
                "cast-text-boolean",
                "PostgreSQL writes a boolean as `true`/`false`; the emulation repeats the value, "
                "which must be a column",
                "CASE WHEN p THEN 'true' ELSE 'false' END",
            )
            return None
        return exp.Case(
            ifs=[
                exp.If(this=value, true=exp.Literal.string("true")),
                exp.If(this=exp.Not(this=value.copy()), true=exp.Literal.string("false")),
            ]
        )
    if ctx.source == "mysql" or "sqlite" not in (ctx.source, ctx.target):
        return None
    typed = infer(value, ctx)
    if typed.kind in (Kind.INT, Kind.TEXT) or isinstance(value, exp.Null | exp.Literal):
        return None
    if typed.kind is Kind.EXACT and ctx.source == "postgres":
        return _printed(value, typed.scale)
    if typed.kind is Kind.FLOAT:
        ctx.refuse(
            node,
            "cast-text-float",
            "SQLite writes a REAL with a fraction (91.0), MySQL and PostgreSQL without (91)",
            "use ROUND(), CAST to an integer, or printf()",
        )
        return None
    if typed.kind is Kind.EXACT or (
        ctx.schema is not None
        and isinstance(value, _NUMERIC_NODES)
        and not _temporal(value, ctx)
        and not _textual(value)
    ):
        ctx.refuse(
            node,
            "cast-text-needs-types",
            "SQLite holds a whole DECIMAL as an integer (5200, not 5200.00) and a REAL with a "
            "fraction, so the text of this number differs, and its type is not known here",
            "pass schema= with the column types, or CAST to an integer first",
        )
    return None


def _textual(node: exp.Expr) -> bool:
    return isinstance(node, exp.DPipe | exp.Concat)
