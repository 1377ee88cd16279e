"""Rules: division, integer division, modulo and casts to integer."""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import func, rule
from sqlshift.translator.types import Kind, infer, is_simple

#: MySQL's div_precision_increment default: digits a `/` adds to the dividend's scale
MYSQL_DIV_PRECISION = 4

_NEEDS_TYPES = "pass schema= with the column types, or CAST the operands to the type you mean"


def _nullif_zero(node: exp.Expr) -> exp.Expr:
    return exp.Nullif(this=node, expression=exp.Literal.number(0))


def cast(node: exp.Expr, to: str) -> exp.Cast:
    return exp.Cast(this=node, to=exp.DataType.build(to))


@rule(exp.Div, source={"mysql"}, target={"postgres", "sqlite"})
def mysql_division(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `/` is exact: int/int gives a DECIMAL with the dividend's scale + 4 digits,
    rounded (7/2 = 3.5000, 1/3 = 0.3333), and x/0 is NULL; PostgreSQL and SQLite truncate
    int/int. Emulated with ROUND over a NUMERIC (REAL in SQLite) division.
    Corpus: numeric.toml `my-div-*`."""
    left, right = infer(node.this, ctx), infer(node.expression, ctx)
    num, den = node.this, node.expression
    if Kind.FLOAT in (left.kind, right.kind) and left.kind.numeric and right.kind.numeric:
        if ctx.target == "postgres":
            return exp.Div(this=cast(num, "DOUBLE PRECISION"), expression=_nullif_zero(den))
        return exp.Div(this=cast(num, "REAL"), expression=den)
    if left.kind in (Kind.INT, Kind.EXACT) and right.kind in (Kind.INT, Kind.EXACT):
        scale = left.scale + MYSQL_DIV_PRECISION
        if ctx.target == "postgres":
            quotient = exp.Div(this=cast(num, "NUMERIC"), expression=_nullif_zero(den))
        else:
            quotient = exp.Div(this=cast(num, "REAL"), expression=den)
        return exp.Round(this=quotient, decimals=exp.Literal.number(scale))
    ctx.refuse(
        node,
        "division-needs-types",
        "MySQL `/` returns a DECIMAL rounded to the dividend's scale + 4 digits for exact "
        "operands and a DOUBLE otherwise, and the operand types are unknown here",
        _NEEDS_TYPES,
    )
    return None


@rule(exp.Div, source={"postgres", "sqlite"}, target={"mysql"})
def truncating_division(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL and SQLite truncate int/int (7/2 = 3, -7/2 = -3); MySQL `/` gives 3.5000.
    int/int becomes MySQL `DIV` (also truncating toward zero); a non-integer division is done
    in DOUBLE so MySQL does not round it to scale + 4 digits.
    Corpus: numeric.toml `pg-div-*`, `lite-div-*`."""
    left, right = infer(node.this, ctx), infer(node.expression, ctx)
    if left.kind is Kind.INT and right.kind is Kind.INT:
        return exp.IntDiv(this=node.this, expression=node.expression)
    if left.kind.numeric and right.kind.numeric:
        return exp.Div(this=cast(node.this, "DOUBLE"), expression=node.expression)
    ctx.refuse(
        node,
        "division-needs-types",
        f"{ctx.source} `/` truncates when both operands are integers and is exact otherwise, "
        "and the operand types are unknown here",
        _NEEDS_TYPES,
    )
    return None


@rule(exp.Div, source={"postgres"}, target={"sqlite"})
def exact_division_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite stores a NUMERIC/DECIMAL value with no fraction as an integer (5200.00 is
    5200), so `salary / 3` truncates there while PostgreSQL divides exactly. A division with
    a non-integer operand gets its dividend cast to REAL; int/int truncates on both.
    Corpus: numeric.toml `pg-div-numeric-column`."""
    left, right = infer(node.this, ctx), infer(node.expression, ctx)
    if left.kind is Kind.INT and right.kind is Kind.INT:
        return None
    if left.kind.numeric and right.kind.numeric:
        return exp.Div(this=cast(node.this, "REAL"), expression=node.expression)
    ctx.refuse(
        node,
        "division-needs-types",
        "PostgreSQL `/` truncates only when both operands are integers, and SQLite may hold "
        "a whole NUMERIC value as an integer, so the operand types must be known",
        _NEEDS_TYPES,
    )
    return None


@rule(exp.IntDiv, source={"mysql"}, target={"postgres"})
def mysql_intdiv(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `a DIV b` truncates to a BIGINT and gives NULL for b = 0; PostgreSQL's DIV()
    returns NUMERIC and fails on zero. Corpus: numeric.toml `my-intdiv-*`."""
    quotient = exp.IntDiv(this=node.this, expression=_nullif_zero(node.expression))
    return cast(quotient, "BIGINT")


@rule(exp.Mod, source={"mysql", "postgres"}, target={"sqlite"})
def sqlite_modulo(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite `%` casts both operands to INTEGER first (7.5 % 2 = 1.0, MySQL and PostgreSQL
    give 1.5); SQLite's MOD() function keeps the fraction. Corpus: numeric.toml `*-mod-*`."""
    left, right = infer(node.this, ctx), infer(node.expression, ctx)
    if left.kind is Kind.INT and right.kind is Kind.INT:
        return None
    return func("MOD", node.this, node.expression)


@rule(exp.Mod, source={"sqlite"}, target={"mysql", "postgres"})
def sqlite_integer_modulo(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite `%` truncates both operands to integers before taking the remainder
    (7.5 % 2 = 1.0); MySQL and PostgreSQL keep the fraction. Corpus: numeric.toml `lite-mod-*`."""
    left, right = infer(node.this, ctx), infer(node.expression, ctx)
    if left.kind is Kind.INT and right.kind is Kind.INT:
        return None
    return exp.Mod(this=_truncate(node.this, ctx), expression=_truncate(node.expression, ctx))


@rule(exp.Mod, source={"mysql"}, target={"postgres"})
def float_modulo(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL takes `%` of DOUBLE operands; PostgreSQL has no `%` for double precision, so the
    operands go through NUMERIC. Corpus: numeric.toml `my-mod-float`."""
    left, right = infer(node.this, ctx), infer(node.expression, ctx)
    if Kind.FLOAT not in (left.kind, right.kind):
        return None
    return exp.Mod(this=cast(node.this, "NUMERIC"), expression=cast(node.expression, "NUMERIC"))


@rule(exp.Mod, source={"mysql", "sqlite"}, target={"postgres"})
def modulo_by_zero(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL and SQLite give NULL for x % 0; PostgreSQL raises division by zero.
    Corpus: numeric.toml `my-mod-negative`, `lite-mod-fraction`."""
    divisor = node.expression
    if isinstance(divisor, exp.Literal) and not divisor.is_string and float(divisor.name) != 0:
        return None
    node.set("expression", _nullif_zero(divisor))
    return None


def _truncate(node: exp.Expr, ctx: Context) -> exp.Expr:
    if ctx.target == "mysql":
        return func("TRUNCATE", node, exp.Literal.number(0))
    return func("TRUNC", cast(node, "NUMERIC"))  # trunc(integer) would resolve to double


def _is_integercast(node: exp.Cast) -> bool:
    return node.to.this in {
        exp.DataType.Type.INT,
        exp.DataType.Type.BIGINT,
        exp.DataType.Type.SMALLINT,
        exp.DataType.Type.TINYINT,
    }


@rule(exp.Cast, source={"mysql", "postgres"}, target={"sqlite"})
def rounding_integercast(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL and PostgreSQL round an exact number cast to integer half away from zero
    (CAST(2.5 AS SIGNED) = 3, -2.5 -> -3) and a DOUBLE half to even (2.5e0 -> 2); SQLite
    truncates (2). Exact operands get ROUND() first; DOUBLE and unknown operands are refused.
    Corpus: numeric.toml `*-cast-int-*`."""
    assert isinstance(node, exp.Cast)
    if not _is_integercast(node):
        return None
    operand = infer(node.this, ctx)
    if operand.kind in (Kind.INT, Kind.TEXT, Kind.BOOL):
        return None  # integers are unchanged; text is parsed by its integer prefix on both
    if operand.kind is Kind.EXACT:
        return exp.Cast(this=exp.Round(this=node.this), to=node.to)
    reason = (
        f"{ctx.source} rounds a DOUBLE cast to integer half to even; SQLite truncates"
        if operand.kind is Kind.FLOAT
        else f"{ctx.source} rounds a number cast to integer, SQLite truncates, and the "
        "operand's type is unknown here"
    )
    ctx.refuse(node, "cast-rounding", reason, "use ROUND() or FLOOR() explicitly, or pass schema=")
    return None


@rule(exp.Cast, source={"sqlite"}, target={"mysql", "postgres"})
def truncating_integercast(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite truncates a number cast to INTEGER (CAST(2.5 AS INTEGER) = 2, -2.5 -> -2);
    MySQL and PostgreSQL round. Non-integer operands are truncated first.
    Corpus: numeric.toml `lite-cast-int-*`."""
    assert isinstance(node, exp.Cast)
    if not _is_integercast(node):
        return None
    operand = infer(node.this, ctx)
    if operand.kind in (Kind.INT, Kind.BOOL):
        return None
    if operand.kind is Kind.TEXT and ctx.target == "mysql":
        return None  # both read the integer prefix of the text
    if operand.kind in (Kind.FLOAT, Kind.EXACT) or is_simple(node.this):
        return exp.Cast(this=_truncate(node.this, ctx), to=node.to)
    return None
