"""Rules: division, integer division, modulo, casts to integer, and exact arithmetic on
SQLite's REALs."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.flow import CARRIERS, CONSUMERS, CUT_QUOTIENT, carrier
from sqlshift.translator.rules import func, rule
from sqlshift.translator.rules.collation import is_assignment
from sqlshift.translator.rules.numeric_types import postgres_dynamic_numeric
from sqlshift.translator.targets import SQLITE_MOD_FUNCTION
from sqlshift.translator.types import (
    TYPED,
    UNKNOWN,
    Kind,
    Typed,
    declared_type,
    infer,
    int_literal,
    is_repeatable,
    is_simple,
)

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
        digits = mysql_quotient_digits(left.scale, right.scale)
        if ctx.target == "postgres":
            # PostgreSQL rounds a quotient to >= 16 significant digits (4 for 10^12 / 3),
            # never fewer than the dividend's scale: give it the digits MySQL cuts at, and 9
            # more, so the cut below sees MySQL's digits
            dividend = cast(num, f"NUMERIC(1000, {digits + 9})")
            quotient = exp.Div(this=dividend, expression=_nullif_zero(den))
        else:
            quotient = exp.Div(this=cast(num, "REAL"), expression=den)
        return mysql_exact_result(node, quotient, scale, ctx, digits=digits)
    ctx.refuse(
        node,
        "division-needs-types",
        "MySQL `/` returns a DECIMAL rounded to the dividend's scale + 4 digits for exact "
        "operands and a DOUBLE otherwise, and the operand types are unknown here",
        _NEEDS_TYPES,
    )
    return None


def mysql_quotient_digits(dividend_scale: int, divisor_scale: int) -> int:
    """The fractional digits MySQL computes of a DECIMAL quotient (strings/decimal.c,
    do_div_mod): each operand's fraction rounded up to whole 9-digit words, plus what is left
    of the 4-digit increment after that rounding, rounded up to a word: 2/3 keeps 9 digits
    (0.666666666), 0.75/7 also 9, but 0.75/19.99 keeps 18 (0.037518759379689844).
    Corpus: numbers.toml `num-my-div-fractional-divisor`."""
    dividend_words = -(-dividend_scale // 9) * 9
    divisor_words = -(-divisor_scale // 9) * 9
    rounding = dividend_words - dividend_scale + divisor_words - divisor_scale
    increment = max(MYSQL_DIV_PRECISION - rounding, 0)
    return -(-(dividend_words + divisor_words + increment) // 9) * 9


def mysql_exact_result(
    node: exp.Expr, value: exp.Expr, scale: int, ctx: Context, *, digits: int | None = None
) -> exp.Expr:
    """A MySQL exact quotient (`/`, AVG) as the target must compute it: MySQL keeps it cut
    (not rounded) to whole groups of 9 digits while its value flows on, through arithmetic,
    ABS/COALESCE/CASE/GREATEST and SUM/MIN/MAX, or into ROUND/FLOOR/CAST
    (1/3/3 = 0.11111111, 2/3*3000000000 = 1999999998.0000, SUM(1/3) over two rows = 0.6667,
    ROUND(1/3, 6) = 0.333333, FLOOR(1/3*3) = 0), and rounds it to ``scale`` digits as a value
    or in a comparison (2/3 = 0.6667 is true). SQLite's REAL carries more than those 9
    digits, so an inner quotient is left unrounded there. ``digits``: the digits kept (by
    default those of a quotient by an integer, see :func:`mysql_quotient_digits`).
    Corpus: numbers.toml `num-my-div-nested`, `num-my-div-kept-*`."""
    result: exp.Expr
    _refuse_grouped_quotient(node, ctx)
    if digits is None:
        digits = mysql_quotient_digits(scale - MYSQL_DIV_PRECISION, 0)
    # A result whose scale is all the digits MySQL computes, a whole number of 9-digit
    # words, is cut there and never rounded (2.00000 / 3 = 0.666666666, AVG of scale 5 the
    # same; found by CI's commit seed, numbers.toml `num-my-div-scale-of-whole-words`),
    # unless an operand carries a cut quotient's own 9 digits, which leave MySQL more to
    # round with ((2.5 / 1) / 6 = 0.416666667: seed 35707391, `num-my-div-of-a-quotient`).
    whole_words = digits <= scale and not any(
        part is not value and part._meta and part.meta.get(_CUT) for part in value.walk()
    )
    if not _keeps_precision(node) and not whole_words:
        result = exp.Round(this=value, decimals=exp.Literal.number(scale))
    else:
        if ctx.target == "postgres":
            result = exp.Trunc(this=value, decimals=exp.Literal.number(digits))
        else:
            result = exp.Paren(this=_settled_cut(value, digits, ctx))
        result.meta[_CUT] = True
    result.meta[TYPED] = Typed(Kind.EXACT, scale)
    return result


_SETTLE_DIGITS = 6


def _settled_cut(value: exp.Expr, digits: int, ctx: Context) -> exp.Expr:
    """``value`` cut to ``digits`` digits in SQLite's REAL arithmetic: TRUNC(ROUND(x * 10^n,
    6)) / 10^n. The ROUND settles the noise of binary fractions first: 0.3333 / 6 is
    0.05555 exactly, but its REAL times 10^9 is 55549999.99999999, which TRUNC alone cut to
    0.055549999 (a generated query found it, AVG(amount / id)). A true quotient within 5e-7
    below a whole number at the 9th digit would be cut one unit high: a limit of REAL
    arithmetic, rarer than the noise it removes. Corpus: numbers.toml
    `num-my-div-kept-settled`."""
    if digits < 0:
        return _scaled(exp.Trunc, value, digits, ctx)
    factor = _power_of_ten(digits, ctx)
    up = exp.Mul(this=exp.Paren(this=value), expression=factor)
    settled = exp.Round(this=up, decimals=_settle_digits(up))
    return exp.Div(this=exp.Trunc(this=settled), expression=factor.copy())


def _settle_digits(up: exp.Expr) -> exp.Expr:
    """How many decimals of ``up`` (a REAL) to keep before it is cut: a REAL holds about 15
    significant digits, so the larger it is, the fewer of its decimals are more than noise.
    2999.99 / 10 is 299.99899999999997 as a REAL; times 10^9 its noise reaches 3e-5, which
    ROUND(x, 6) kept and the cut made 299.998999999 where MySQL has 299.999 (CI's commit
    seed, generated.toml `gen-my-div-nested-large-settled`)."""
    size = exp.Abs(this=up.copy())
    ifs = [
        exp.If(this=exp.LT(this=size.copy(), expression=exp.Literal.number(limit)),
               true=exp.Literal.number(keep))
        for limit, keep in (("1e8", _SETTLE_DIGITS), ("1e10", 4), ("1e12", 2))
    ]  # fmt: skip
    # Beyond 1e12 one decimal, not none: ROUND(x, 0) made a true fraction of .67 a whole one
    # up (-1.25 / 12000 cut at 18 digits is -104166666666666.67e-18: TRUNC gave ...667, and
    # * -3 rounded to 0.000313 where MySQL has 0.000312; CI's commit seed,
    # generated.toml `gen-my-div-cut-large-fraction`)
    return exp.Case(ifs=ifs, default=exp.Literal.number(1))


def _refuse_grouped_quotient(node: exp.Expr, ctx: Context) -> None:
    """MySQL aggregates a quotient at full precision when it reads rows in group order (no
    GROUP BY, or an index), but at its declared scale when it groups through a temporary
    table (GROUP BY without a usable index, DISTINCT, window functions): SUM(0.1 / id) is
    0.06429 or 0.064285714 depending on the plan. Such a query has no single meaning to
    translate. Corpus: numbers.toml `num-my-div-grouped-sum`, `num-my-div-window`."""
    child = node
    while True:
        parent, carried = carrier(child)
        if isinstance(parent, exp.Sum | exp.Avg | exp.Max | exp.Min):
            break
        if not carried or parent is None:
            return
        child = parent
    select = parent.find_ancestor(exp.Select)
    grouped = select is not None and (
        select.args.get("group") is not None or select.args.get("distinct") is not None
    )
    windowed = isinstance(parent.parent, exp.Window)
    if grouped or windowed or isinstance(parent.this, exp.Distinct):
        ctx.refuse(
            node,
            "grouped-quotient",
            "MySQL aggregates a DECIMAL quotient at full precision or rounded to its scale "
            "depending on the query plan (a GROUP BY or window through a temporary table "
            "rounds it)",
            "ROUND the quotient to the digits you want inside the aggregate: SUM(ROUND(a / b, 4))",
        )


_CUT = CUT_QUOTIENT


def _keeps_precision(node: exp.Expr) -> bool:
    """True when MySQL uses ``node``'s exact value at full (9-digit group) precision: in a
    further expression, or as the operand of ROUND/TRUNCATE/FLOOR/CEIL/AVG or a numeric
    CAST, rather than as a value, as text or in a comparison (where it rounds to its
    declared scale)."""
    parent, carried = carrier(node)
    if carried:
        return True
    if isinstance(parent, exp.Cast):
        return parent.to.this not in _TEXT_TYPES
    return isinstance(parent, CONSUMERS)


_TEXT_TYPES = {
    exp.DataType.Type.CHAR,
    exp.DataType.Type.VARCHAR,
    exp.DataType.Type.TEXT,
    exp.DataType.Type.NCHAR,
    exp.DataType.Type.NVARCHAR,
}


def _carries_cut(node: exp.Expr) -> bool:
    """``node`` is a kept quotient, or carries one on unrounded (another rule may have
    rewritten a carrier, e.g. GREATEST into a CASE, so this looks through the subtree).
    Iterative, and remembered per node: rules run children first, so along a chain of 3,000
    additions each answer is one step (issue 11: a recursive walk overflowed at 331 terms)."""
    pending = [node]
    order: list[exp.Expr] = []
    while pending:  # the carried subtree, stopping where an answer is known
        current = pending.pop()
        if current._meta and (current.meta.get(_CUT) or _CARRIES in current.meta):
            continue
        order.append(current)
        pending.extend(c for c in current.iter_expressions() if carrier(c)[1])
    for current in reversed(order):  # children before their parents
        current.meta[_CARRIES] = any(
            carrier(child)[1] and _known_cut(child) for child in current.iter_expressions()
        )
    return _known_cut(node)


def _known_cut(node: exp.Expr) -> bool:
    return bool(node._meta and (node.meta.get(_CUT) or node.meta.get(_CARRIES)))


_CARRIES = "sqlshift_carries_cut"
"""Meta: whether a node carries a kept quotient (see :func:`_carries_cut`)."""


@rule(
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Neg,
    exp.Mod,
    *CARRIERS,
    exp.Case,
    exp.If,
    exp.Nullif,
    source={"mysql"},
    target={"postgres", "sqlite"},
)
def round_arithmetic_result(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL rounds a DECIMAL result to its declared scale when it leaves the expression
    (1/3*3 = 1.0000, not 0.999999999; ABS(1/3)*3 and MAX(1/3)*3 too): the outermost
    expression over a quotient kept at 9 digits is rounded to the scale MySQL gives it.
    Corpus: numbers.toml `num-my-div-nested`, `num-my-div-kept-*`."""
    if not any(carrier(child)[1] and _carries_cut(child) for child in node.iter_expressions()):
        return None
    if _keeps_precision(node):
        node.meta[_CUT] = True  # carried on at full precision: rounded further up
        return None
    typed = infer(node, ctx)
    if typed.kind is not Kind.EXACT:
        return None
    result = exp.Round(this=node, decimals=exp.Literal.number(typed.scale))
    result.meta[TYPED] = typed
    return result


@rule(exp.Div, source={"postgres", "sqlite"}, target={"mysql"})
def truncating_division(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL and SQLite truncate int/int (7/2 = 3, -7/2 = -3); MySQL `/` gives 3.5000.
    int/int becomes MySQL `DIV` (also truncating toward zero); a PostgreSQL NUMERIC division
    stays exact in DECIMAL(65, 30) (ROUND(5::numeric / 100, 1) = 0.1, where DOUBLE gives 0.0),
    other non-integer divisions are done in DOUBLE so MySQL does not round them to scale + 4
    digits. Corpus: numeric.toml `pg-div-*`, `lite-div-*`, generated.toml
    `gen-pg-numeric-division-mysql`. A SQLite divisor of 0 gives NULL on MySQL too
    (:func:`sqlite_zero_divisor_for_mysql`)."""
    left, right = infer(node.this, ctx), infer(node.expression, ctx)
    if ctx.source == "sqlite":
        null_divisor(node)
    if left.kind is Kind.INT and right.kind is Kind.INT:
        return exp.IntDiv(this=node.this, expression=node.expression)
    exact = {left.kind, right.kind} <= {Kind.INT, Kind.EXACT}
    if exact and ctx.source == "postgres":
        # NUMERIC division keeps >= 16 significant digits: DECIMAL(65, 30) keeps 30 places
        widest = exp.DataType.build("DECIMAL(65, 30)")
        quotient = exp.Div(this=exp.Cast(this=node.this, to=widest), expression=node.expression)
        return postgres_dynamic_numeric(node, quotient, ctx, "a NUMERIC quotient")
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


@rule(exp.Mod, source={"sqlite"}, target={"mysql"})
def sqlite_zero_divisor_for_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite's `x / 0` and `x % 0` are NULL; MySQL's are NULL in a query but an error
    (1365 "Division by 0") in an INSERT or UPDATE under its default strict mode, so a write
    that ran on SQLite failed on MySQL (found by the generated writes,
    tests/property/test_writes.py: `UPDATE cities SET area_km2 = 2.5 / 0`). The divisor
    becomes NULLIF(divisor, 0): NULL on both, in queries and writes. Corpus: numeric.toml
    `lite-div-zero-write`. (Division: ``truncating_division`` calls :func:`null_divisor`,
    before it may make the node a DIV.)"""
    null_divisor(node)
    return None


def null_divisor(node: exp.Expr) -> None:
    """``node``'s divisor as NULLIF(divisor, 0), unless it is a non-zero number or already
    NULLIF(x, 0) (never zero). Another NULLIF may well be zero: the caller's NULLIF(0, 1) is
    (generated.toml `gen-lite-div-by-nullif-write`)."""
    divisor = node.expression
    if not _never_zero(divisor):
        node.set("expression", _nullif_zero(divisor))


def _never_zero(node: exp.Expr) -> bool:
    if isinstance(node, exp.Paren):
        return _never_zero(node.this)
    if isinstance(node, exp.Nullif):
        text = _int_or_number(node.expression)
        return text is not None and float(text) == 0
    return _nonzero_literal(node)


def _nonzero_literal(node: exp.Expr) -> bool:
    text = _int_or_number(node)
    return text is not None and float(text) != 0


def _int_or_number(node: exp.Expr) -> str | None:
    if isinstance(node, exp.Paren):
        return _int_or_number(node.this)
    if isinstance(node, exp.Literal) and not node.is_string:
        return node.name
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
        quotient: exp.Expr = exp.Div(this=cast(node.this, "REAL"), expression=node.expression)
        if node.find(exp.Rand, exp.Uuid) is None:  # (it is evaluated twice)
            quotient = _fifteen_digits(quotient)
        quotient.meta[TYPED] = infer(node, ctx)  # still PostgreSQL's NUMERIC, not a double
        return quotient
    ctx.refuse(
        node,
        "division-needs-types",
        "PostgreSQL `/` truncates only when both operands are integers, and SQLite may hold "
        "a whole NUMERIC value as an integer, so the operand types must be known",
        _NEEDS_TYPES,
    )
    return None


def _fifteen_digits(value: exp.Expr) -> exp.Expr:
    """A REAL quotient rounded to the 15 significant digits a double holds exactly:
    PostgreSQL's NUMERIC quotient has 16 or more, exact, so equal quotients of different
    operands are equal there; as doubles they differ in their last bits (salary * -3 /
    salary gave -3.0 and -2.9999999999999996), and UNION, DISTINCT, GROUP BY and `=` kept
    apart what PostgreSQL finds equal. `CAST(printf('%.15g', x) AS REAL)`, NULL kept NULL
    (printf writes it '0'). Found by CI's commit seed; corpus: generated.toml
    `gen-pg-quotient-union-real-noise`."""
    digits = exp.Cast(
        this=func("printf", exp.Literal.string("%.15g"), value.copy()),
        to=exp.DataType.build("REAL"),
    )
    null = exp.Is(this=value, expression=exp.Null())
    return exp.Paren(this=exp.Case(ifs=[exp.If(this=null, true=exp.Null())], default=digits))


@rule(exp.Add, exp.Sub, exp.Mul, exp.Sum, source={"mysql", "postgres"}, target={"sqlite"})
def settled_decimal_arithmetic(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL and PostgreSQL add, subtract, multiply and SUM DECIMAL values exactly; SQLite
    holds them as REALs and computes in binary, so equal results came out as different
    doubles (0.33 - 0.34 was -0.010000000000001563 beside another -0.01 of
    -0.010000000000000009), and UNION, DISTINCT, GROUP BY and `=` kept apart what the source
    finds equal. The outermost such expression is rounded to its exact scale on SQLite,
    `ROUND(x, s)`: the REAL nearest the exact result, as a DECIMAL column holds it (the noise
    is far below the scale's last digit). Found by the generated differential test
    (PostgreSQL source: `SELECT (t.price - ROUND(t.price, 0)) ... UNION SELECT 2.5 ...`);
    corpus: numbers.toml `num-lite-decimal-noise-*`."""
    parent = node.parent
    while isinstance(parent, exp.Paren | exp.Neg):  # (a negation is exact in binary too)
        parent = parent.parent
    if isinstance(parent, _SETTLED_FURTHER_UP):
        return None  # (the whole expression is rounded once, where it leaves the arithmetic)
    if node.find(exp.Div) is not None:
        return None  # a quotient is not exact at its scale (MySQL keeps 9 digits of it)
    typed = infer(node, ctx)
    scale = typed.scale
    if typed.kind is not Kind.EXACT or scale is None or not 0 < scale <= _SETTLED_MAX_SCALE:
        return None  # (a negative scale: PostgreSQL's dynamic one, e.g. of SQRT(numeric))
    rounded = exp.Round(this=node, decimals=exp.Literal.number(scale))
    rounded.meta[TYPED] = typed
    return rounded


_SETTLED_FURTHER_UP = (exp.Add, exp.Sub, exp.Mul, exp.Sum, exp.Round)
_SETTLED_MAX_SCALE = 9
"""Beyond this many digits a REAL's noise may reach the scale's last digit: left alone."""


@rule(exp.IntDiv, source={"mysql"}, target={"postgres"})
def mysql_intdiv(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `a DIV b` truncates to a BIGINT and gives NULL for b = 0; PostgreSQL's DIV()
    returns NUMERIC, fails on zero and has no (integer, double) form, so both operands go
    through NUMERIC. Corpus: numeric.toml `my-intdiv-*`, generated.toml
    `gen-my-div-sign-postgres`."""
    divisor = _nullif_zero(cast(node.expression, "NUMERIC"))
    quotient = exp.IntDiv(this=cast(node.this, "NUMERIC"), expression=divisor)
    return cast(quotient, "BIGINT")


@rule(exp.IntDiv, source={"mysql"}, target={"sqlite"})
def mysql_intdiv_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `a DIV b` of two integers is exact; sqlglot writes it for SQLite as
    CAST(CAST(a AS REAL) / b AS INTEGER), which loses digits past 2^53
    (9007199254740993 DIV 1 = 9007199254740992). SQLite's own integer `/` truncates toward
    zero and gives NULL for b = 0, as DIV does. Corpus: numbers.toml `num-my-intdiv-big`."""
    left, right = infer(node.this, ctx), infer(node.expression, ctx)
    if left.kind is not Kind.INT or right.kind is not Kind.INT:
        return None
    return exp.Div(this=node.this, expression=node.expression, typed=True)


@rule(exp.BitwiseLeftShift, exp.BitwiseRightShift, source={"mysql", "sqlite"}, target={"postgres"})
def shift_in_bigint(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL shifts an INTEGER (int4) within 32 bits, counting the shift modulo 32
    (1 << 40 = 256, id << 33 = id << 1); MySQL and SQLite shift 64-bit integers
    (1 << 40 = 1099511627776). The shifted value becomes BIGINT.
    Corpus: numbers.toml `num-my-shift-wide`, `num-lite-shift-wide`."""
    node.set("this", cast(node.this, "BIGINT"))
    return None


_SIGNED_BITWISE = (
    exp.BitwiseOr,
    exp.BitwiseAnd,
    exp.BitwiseXor,
    exp.BitwiseNot,
    exp.BitwiseLeftShift,
)


@rule(*_SIGNED_BITWISE, source={"postgres", "sqlite"}, target={"mysql"})
def signed_bitwise_for_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL's bitwise operators give an unsigned 64-bit result (-7 | 2 =
    18446744073709551611, ~0 = 18446744073709551615, 1 << 63 = 9223372036854775808);
    PostgreSQL's and SQLite's are signed (-5, -1, -9223372036854775808): the same bits, read
    back with CAST(... AS SIGNED). (`>>` of a negative number is arithmetic there and logical
    in MySQL, which no cast undoes: left alone.) Corpus: numbers.toml `num-*-bitwise-signed`."""
    return exp.Cast(this=node, to=exp.DataType.build("BIGINT"))  # CAST(... AS SIGNED)


@rule(exp.Mod, source={"mysql", "postgres"}, target={"sqlite"})
def sqlite_modulo(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite `%` casts both operands to INTEGER first (7.5 % 2 = 1.0, MySQL and PostgreSQL
    give 1.5); SQLite's MOD() function keeps the fraction. Corpus: numeric.toml `*-mod-*`."""
    left, right = infer(node.this, ctx), infer(node.expression, ctx)
    if left.kind is Kind.INT and right.kind is Kind.INT:
        return None
    unknown = Kind.UNKNOWN in (left.kind, right.kind) and Kind.FLOAT not in (left.kind, right.kind)
    if unknown and left.kind is not Kind.EXACT and right.kind is not Kind.EXACT:
        # Of integers MOD() is a REAL (0 % id gave '0.0' as text; found by the generated
        # differential tests without a schema): each row's own types choose, where the
        # operands can be read twice. Corpus: numeric.toml `lite-mod-unknown-types`.
        if is_repeatable(node.this) and is_repeatable(node.expression):
            return exp.Case(
                ifs=[
                    exp.If(
                        this=exp.and_(_is_integer(node.this), _is_integer(node.expression)),
                        true=exp.Mod(this=node.this.copy(), expression=node.expression.copy()),
                    )
                ],
                default=func("MOD", node.this, node.expression),
            )
        ctx.assume(
            node,
            "numeric-type-unknown",
            "that an operand is not an integer (SQLite's MOD() of integers is a REAL, 0.0)",
            "pass schema= with the columns' types, or CAST the operands",
        )
    return func("MOD", node.this, node.expression)


def _is_integer(value: exp.Expr) -> exp.Expr:
    """SQLite: this row's value is stored as an integer."""
    return exp.EQ(this=func("TYPEOF", value.copy()), expression=exp.Literal.string("integer"))


@rule(exp.Mod, source={"sqlite"}, target={"mysql", "postgres"})
def sqlite_integer_modulo(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite `%` truncates both operands to integers before taking the remainder
    (7.5 % 2 = 1.0); MySQL and PostgreSQL keep the fraction. SQLite's MOD() function keeps it
    too (MOD(7.5, 2) = 1.5, and NULL for a zero divisor): left as MySQL's MOD, and as a NUMERIC
    remainder on PostgreSQL (which has none for DOUBLEs and fails on zero).
    Corpus: numeric.toml `lite-mod-*`, numbers.toml `num-lite-mod-function`."""
    left, right = infer(node.this, ctx), infer(node.expression, ctx)
    if node.meta.get(SQLITE_MOD_FUNCTION):
        if ctx.target == "mysql" or (left.kind is Kind.INT and right.kind is Kind.INT):
            return None
        divisor = _nullif_zero(cast(node.expression, "NUMERIC"))
        return exp.Mod(this=cast(node.this, "NUMERIC"), expression=divisor)
    if left.kind is Kind.INT and right.kind is Kind.INT:
        return None
    return exp.Mod(this=_truncate(node.this, ctx), expression=_truncate(node.expression, ctx))


@rule(exp.Mod, source={"mysql"}, target={"postgres"})
def numeric_modulo(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL takes `%` of any numbers; PostgreSQL has `%` for integers and NUMERIC only (no
    double precision % integer, and SIGN()/FLOOR() of an integer are double precision there).
    Unless both operands are known integers, both go through NUMERIC.
    Corpus: numeric.toml `my-mod-float`, generated.toml `gen-my-mod-sign-postgres`."""
    left, right = infer(node.this, ctx), infer(node.expression, ctx)
    if left.kind is Kind.INT and right.kind is Kind.INT:
        return None
    return exp.Mod(this=cast(node.this, "NUMERIC"), expression=cast(node.expression, "NUMERIC"))


@rule(exp.Sign, exp.Floor, exp.Ceil, source={"mysql", "sqlite"}, target={"postgres"})
def integer_functions_for_postgres(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL and SQLite SIGN() is an integer, and FLOOR()/CEIL() of an integer is that
    integer; PostgreSQL's sign(integer), floor(integer) and ceil(integer) resolve to the
    double precision functions (sign(numeric) is NUMERIC), so `SIGN(x) / 2` is 0.5 there
    instead of 0 (SQLite) and `SIGN(x) % 3` fails. SIGN() is cast to INT; FLOOR/CEIL of an
    integer is the integer itself. Corpus: generated.toml `gen-lite-sign-division-postgres`,
    `gen-my-mod-sign-postgres`, `gen-my-div-sign-postgres`."""
    if isinstance(node, exp.Sign):
        return cast(node, "INT")
    operand: exp.Expr = node.this
    kind = infer(operand, ctx).kind
    if node.args.get("decimals") is None and kind is Kind.INT:
        return operand
    if ctx.source == "mysql" and kind is Kind.EXACT:
        return cast(node, "BIGINT")  # MySQL's CEIL/FLOOR of a DECIMAL is a BIGINT: 20, not 20.00
    if kind is Kind.UNKNOWN:
        # FLOOR(id) without id's type: an integer in MySQL, 55.0 on PostgreSQL (found by the
        # generated differential tests without a schema). Test: test_assumptions.py
        # `test_floor_of_unknown_type_is_an_assumption`.
        ctx.assume(
            node,
            "numeric-type-unknown",
            "that its argument is a floating-point number (of an integer or a DECIMAL, "
            f"{ctx.source} and postgres return different types)",
            "pass schema= with the columns' types, or CAST the argument",
        )
    return None


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
    MySQL and PostgreSQL round. Operands not known to be integers are truncated first.
    Corpus: numeric.toml `lite-cast-int-*`."""
    assert isinstance(node, exp.Cast)
    if not _is_integercast(node):
        return None
    operand = infer(node.this, ctx)
    if operand.kind in (Kind.INT, Kind.BOOL):
        return None
    if operand.kind is Kind.TEXT and ctx.target == "mysql":
        return None  # both read the integer prefix of the text
    # unknown operands too: truncating an integer changes nothing, and SQLite's
    # CAST(CAST(a AS REAL) / 2 AS INTEGER) (sqlglot's a DIV 2) must not be rounded
    return exp.Cast(this=_truncate(node.this, ctx), to=node.to)


# --------------------------------------------------------------------- ROUND and TRUNCATE


def _int_literal(node: exp.Expr | None) -> int | None:
    """The value of an integer literal (`2`, `-1`; None counts as 0), else None."""
    return 0 if node is None else int_literal(node)


def _power_of_ten(digits: int, ctx: Context) -> exp.Expr:
    """10^digits as a DOUBLE (so the arithmetic around it stays binary floating point)."""
    if ctx.target == "sqlite":
        return exp.Literal.number(f"{10**digits}.0")
    return cast(exp.Literal.number(10**digits), "DOUBLE")


def _scaled(
    fn: type[exp.Round] | type[exp.Trunc], node: exp.Expr, decimals: int, ctx: Context
) -> exp.Expr:
    """fn(x * 10^n) / 10^n (or fn(x / 10^-n) * 10^-n): MySQL's own DOUBLE algorithm."""
    factor = _power_of_ten(abs(decimals), ctx)
    if decimals >= 0:
        up = exp.Mul(this=exp.Paren(this=node), expression=factor)
        return exp.Div(this=fn(this=up), expression=factor.copy())
    down = exp.Div(this=exp.Paren(this=node), expression=factor)
    return exp.Mul(this=fn(this=down), expression=factor.copy())


def _refuse_decimals(node: exp.Expr, ctx: Context, what: str) -> None:
    ctx.refuse(
        node,
        "round-decimals",
        f"{what} with a computed number of digits cannot be emulated on {ctx.target}",
        "write the number of digits as an integer literal",
    )


def _repeatable(node: exp.Expr) -> bool:
    """A column, literal or a cast of one: cheap and stable to evaluate several times."""
    while isinstance(node, exp.Neg | exp.Paren | exp.Cast):
        node = node.this
    return is_simple(node)


def _half() -> exp.Expr:
    return exp.Literal.number("0.5")


def _half_even_sqlite(value: exp.Expr) -> exp.Expr:
    """rint(value) in SQLite: round() there goes half away from zero, so an exact .5 is sent
    to the even neighbour by hand (FLOOR(v) + |FLOOR(v) % 2|)."""
    floor = exp.Floor(this=value.copy())
    half = exp.EQ(this=exp.Sub(this=value.copy(), expression=floor), expression=_half())
    parity = exp.Abs(this=exp.Mod(this=floor.copy(), expression=exp.Literal.number(2)))
    even = exp.Add(this=floor.copy(), expression=parity)
    return exp.Case(ifs=[exp.If(this=half, true=even)], default=exp.Round(this=value.copy()))


@rule(exp.Round, source={"mysql"}, target={"postgres"})
def round_double_digits(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL rounds a DOUBLE to n digits as rint(x * 10^n) / 10^n, half to even on the scaled
    binary value (ROUND(72.25e0, 1) = 72.2, ROUND(0.285e0, 2) = 0.28), and a string as such a
    DOUBLE (an argument bound as text); PostgreSQL has no round(double precision, int) at all. The same float8 arithmetic is written out (PostgreSQL's
    round(float8) is rint). Corpus: numbers.toml `num-my-round-double-*`."""
    decimals = node.args.get("decimals")
    kind = infer(node.this, ctx).kind
    if ctx.arg_kind(node.this) == "text":
        kind = Kind.TEXT
    if decimals is None or kind not in (Kind.FLOAT, Kind.TEXT):
        return None
    digits = _int_literal(decimals)
    if digits is None:
        _refuse_decimals(node, ctx, "ROUND() of a DOUBLE")
        return None
    value: exp.Expr = node.this
    if kind is Kind.TEXT:  # MySQL reads a string as a DOUBLE here ('1.005' rounds to 1.0)
        if isinstance(value, exp.Placeholder):  # bound as text, read by the server
            value = cast(value, "TEXT")
        value = cast(value, "DOUBLE PRECISION")
    return _scaled(exp.Round, value, digits, ctx)


@rule(exp.Round, source={"mysql"}, target={"postgres"})
def round_integer_for_postgres(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL ROUND(integer) is that integer; PostgreSQL's round(integer) resolves to
    round(double precision), so `ROUND(x) % 2` fails there and `ROUND(x) / 2` divides in
    floating point. An integer rounded to 0 or more digits is the integer itself.
    Corpus: numbers.toml `num-my-round-int-postgres`."""
    digits = _int_literal(node.args.get("decimals"))
    operand: exp.Expr = node.this
    if digits is None or digits < 0 or infer(operand, ctx).kind is not Kind.INT:
        return None
    return operand


@rule(exp.Round, source={"mysql", "postgres"}, target={"sqlite"})
def round_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite round() goes half away from zero on a REAL and ignores a negative number of
    digits (round(1250, -2) = 1250.0); MySQL and PostgreSQL round exact values half away from
    zero but DOUBLEs half to even (rint: ROUND(2.5e0) = 2, ROUND(-12.5e0) = -12). Exact values
    keep SQLite's round() (half away, checked on the REAL nearest each decimal of up to 4
    places), negative digits become round(x / 10^k) * 10^k, DOUBLEs get a half-to-even CASE;
    unknown operand types are refused. Corpus: numbers.toml `num-*-round-*`."""
    value: exp.Expr = node.this
    digits = _int_literal(node.args.get("decimals"))
    if digits is None:
        _refuse_decimals(node, ctx, "ROUND()")
        return None
    kind = infer(value, ctx).kind
    if kind is Kind.INT:
        if digits >= 0:
            return value  # rounding an integer to >= 0 digits changes nothing
        return cast(_scaled(exp.Round, value, digits, ctx), "INTEGER")
    if kind is Kind.EXACT:
        return _scaled(exp.Round, value, digits, ctx) if digits < 0 else None
    if kind is Kind.FLOAT:
        if not _repeatable(value):
            ctx.refuse(
                node,
                "round-half-even",
                f"{ctx.source} rounds a DOUBLE half to even and SQLite half away from zero; "
                "the emulation repeats the operand, which must be a column or a literal",
                "round a column or a literal, or ROUND(CAST(x AS DECIMAL(p, s)))",
            )
            return None
        if digits == 0:
            return _half_even_sqlite(value)
        factor = _power_of_ten(abs(digits), ctx)
        op: type[exp.Binary] = exp.Mul if digits > 0 else exp.Div
        back: type[exp.Binary] = exp.Div if digits > 0 else exp.Mul
        scaled = exp.Paren(this=op(this=value, expression=factor))
        return back(this=exp.Paren(this=_half_even_sqlite(scaled)), expression=factor.copy())
    ctx.refuse(
        node,
        "round-needs-types",
        f"{ctx.source} ROUND() rounds exact values half away from zero and DOUBLEs half to "
        "even, SQLite always half away from zero, and the operand's type is unknown here",
        _NEEDS_TYPES,
    )
    return None


@rule(exp.Round, source={"sqlite"}, target={"mysql", "postgres"})
def sqlite_round(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite round() goes half away from zero even for REAL values (round(72.25, 1) = 72.3,
    round(-12.5) = -13.0) where MySQL and PostgreSQL round a DOUBLE half to even, and a
    negative number of digits counts as 0. Non-integer operands are rounded as DECIMAL.

    SQLite also rounds a REAL that is a hair below a half up: round(0.99 * 1.5, 2) = 1.49 (the
    product is 1.48499999999999998...): SQLite 3.40 adds a relative 3e-16 before cutting the
    digits, later releases round to 16 significant digits first. PostgreSQL's cast of a
    double to NUMERIC keeps 15 significant digits, which does the same; MySQL's keeps the
    binary value, so there the DECIMAL is scaled by (1 + 3e-16) (SQLite 3.40 skips that nudge
    above 2^(45 - 3n); the two differ only where a value that large is within 3e-16 of a
    half). Corpus: numbers.toml `num-lite-round-*`."""
    digits = _int_literal(node.args.get("decimals"))
    if digits is None:
        _refuse_decimals(node, ctx, "SQLite round()")
        return None
    digits = max(digits, 0)
    value: exp.Expr = node.this
    if infer(value, ctx).kind is Kind.INT:
        return value
    if ctx.target == "postgres":
        return exp.Round(this=cast(value, "NUMERIC"), decimals=exp.Literal.number(digits))
    exact: exp.Expr = cast(value, "DECIMAL(65, 30)")
    if digits > 0:  # (round(x) is x + 0.5 cut to an integer: no nudge)
        nudged = exp.Mul(this=exact, expression=exp.Literal.number("1.0000000000000003"))
        exact = exp.Paren(this=nudged)
    return exp.Round(this=exact, decimals=exp.Literal.number(digits))


@rule(exp.Trunc, source={"mysql", "postgres"}, target={"sqlite", "postgres"})
def truncate_digits(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL TRUNCATE(x, n) / PostgreSQL trunc(x, n) cut to n digits; SQLite's trunc() takes
    no digits and PostgreSQL has no trunc(double precision, int). A DOUBLE is cut as
    trunc(x * 10^n) / 10^n (MySQL's own algorithm: TRUNCATE(0.29e0, 2) = 0.28); an exact value
    is first rounded to its own scale so the REAL product does not lose a unit
    (TRUNCATE(0.29, 2) = 0.29); an integer cut to n >= 0 digits is itself (PostgreSQL's
    trunc(integer) is double precision). Unknown types into SQLite are refused.
    Corpus: numbers.toml `num-*-trunc*`."""
    decimals = node.args.get("decimals")
    digits = _int_literal(decimals)
    if digits is None:
        _refuse_decimals(node, ctx, "TRUNCATE()")
        return None
    value: exp.Expr = node.this
    kind = infer(value, ctx)
    if ctx.target == "postgres" and kind.kind is Kind.INT and digits >= 0:
        return value  # trunc(integer) would be trunc(double precision)
    if digits == 0:
        if decimals is not None:
            node.set("decimals", None)
        return None
    if ctx.target == "postgres":
        if kind.kind is Kind.FLOAT:
            return _scaled(exp.Trunc, value, digits, ctx)
        return None  # trunc(numeric, int); a double of unknown type fails loudly there
    if kind.kind is Kind.INT:
        if digits > 0:
            return value
        return cast(_scaled(exp.Trunc, value, digits, ctx), "INTEGER")
    if kind.kind is Kind.FLOAT:
        return _scaled(exp.Trunc, value, digits, ctx)
    if kind.kind is Kind.EXACT:
        if digits >= kind.scale:
            return value
        factor = _power_of_ten(abs(digits), ctx)
        op: type[exp.Binary] = exp.Mul if digits > 0 else exp.Div
        back: type[exp.Binary] = exp.Div if digits > 0 else exp.Mul
        shifted = op(this=exp.Paren(this=value), expression=factor)
        exact = exp.Round(this=shifted, decimals=exp.Literal.number(kind.scale - digits))
        return back(this=exp.Trunc(this=exact), expression=factor.copy())
    ctx.refuse(
        node,
        "trunc-needs-types",
        "SQLite trunc() takes no digits; cutting to n digits in REAL arithmetic needs to know "
        "whether the operand is exact (and its scale) or a DOUBLE",
        _NEEDS_TYPES,
    )
    return None


# ------------------------------------------------------------------------- bits and XOR

_TWO_TO_64 = 18446744073709551616


def _nonnegative_literal(node: exp.Expr) -> bool:
    value = _int_literal(node)
    return value is not None and value >= 0


def _xor_by_hand(left: exp.Expr, right: exp.Expr) -> exp.Expr:
    """a XOR b as (a | b) - (a & b), for SQLite, which has no XOR operator."""
    either = exp.BitwiseOr(this=exp.Paren(this=left), expression=exp.Paren(this=right))
    both = exp.BitwiseAnd(this=exp.Paren(this=left.copy()), expression=exp.Paren(this=right.copy()))
    return exp.Paren(this=exp.Sub(this=exp.Paren(this=either), expression=exp.Paren(this=both)))


@rule(exp.BitwiseXor, source={"mysql"}, target={"postgres", "sqlite"})
def mysql_xor(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `^` is XOR (PostgreSQL's `^` is power) and returns a BIGINT UNSIGNED
    (-1 ^ 0 = 18446744073709551615). PostgreSQL gets `#` reduced modulo 2^64 as NUMERIC;
    SQLite has no XOR and no unsigned integers: (a | b) - (a & b) for non-negative literals,
    refused otherwise. Corpus: numbers.toml `num-my-xor-*`."""
    left, right = node.this, node.expression
    if _nonnegative_literal(left) and _nonnegative_literal(right):
        return _xor_by_hand(left, right) if ctx.target == "sqlite" else None
    if ctx.target == "sqlite":
        ctx.refuse(
            node,
            "bitwise-unsigned",
            "MySQL `^` is an unsigned 64-bit XOR; SQLite has neither XOR nor unsigned integers",
            "XOR non-negative literals only, or compute the value in the application",
        )
        return None
    modulus = exp.Literal.number(_TWO_TO_64)
    shifted = exp.Add(this=cast(node, "NUMERIC"), expression=modulus)
    return exp.Mod(this=exp.Paren(this=shifted), expression=modulus.copy())


@rule(exp.BitwiseXor, source={"postgres"}, target={"mysql", "sqlite"})
def postgres_xor(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL `#` is a signed XOR (-1 # 0 = -1); MySQL `^` is unsigned and SQLite has no
    XOR. MySQL casts the result back to SIGNED; SQLite computes (a | b) - (a & b) (operands
    must be simple, they are repeated). Corpus: numbers.toml `num-pg-xor`."""
    left, right = node.this, node.expression
    if ctx.target == "mysql":
        if _nonnegative_literal(left) and _nonnegative_literal(right):
            return None
        return exp.Cast(this=node, to=exp.DataType.build("SIGNED", dialect="mysql"))
    if is_simple(left) and is_simple(right):
        return _xor_by_hand(left, right)
    ctx.refuse(
        node,
        "bitwise-xor",
        "SQLite has no XOR; the emulation (a | b) - (a & b) repeats both operands",
        "XOR columns or literals",
    )
    return None


_UNSIGNED_TYPES = {
    exp.DataType.Type.UBIGINT,
    exp.DataType.Type.UINT,
    exp.DataType.Type.USMALLINT,
    exp.DataType.Type.UTINYINT,
    exp.DataType.Type.UMEDIUMINT,
}


@rule(exp.Cast, source={"mysql"}, target={"postgres", "sqlite"})
def unsigned_cast(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL CAST(x AS UNSIGNED) wraps negative integers modulo 2^64
    (CAST(-1 AS UNSIGNED) = 18446744073709551615). PostgreSQL gets the same modulo in NUMERIC
    for integer and text operands; fractions (rounded differently by MySQL and MariaDB) and
    SQLite (no integers above 2^63 - 1) are refused. Corpus: numbers.toml `num-my-unsigned-*`."""
    assert isinstance(node, exp.Cast)
    if node.to.this not in _UNSIGNED_TYPES:
        return None
    operand: exp.Expr = node.this
    kind = infer(operand, ctx).kind
    if ctx.target == "postgres" and kind in (Kind.INT, Kind.TEXT, Kind.BOOL):
        inner = operand if kind is not Kind.BOOL else cast(operand, "INT")
        modulus = exp.Literal.number(_TWO_TO_64)
        shifted = exp.Add(this=cast(inner, "NUMERIC"), expression=modulus)
        return exp.Mod(this=exp.Paren(this=shifted), expression=modulus.copy())
    if ctx.target == "sqlite" and _nonnegative_literal(operand):
        return operand
    ctx.refuse(
        node,
        "unsigned-cast",
        "MySQL CAST(... AS UNSIGNED) gives a 64-bit unsigned integer"
        + (
            "; SQLite integers stop at 2^63 - 1"
            if ctx.target == "sqlite"
            else " and the operand is not known to be an integer or text"
        ),
        "CAST AS SIGNED if the values are never negative, or pass schema=",
    )
    return None


# ------------------------------------------------------------------------------ RAND


@rule(exp.Rand, source={"mysql", "postgres"}, target={"sqlite", "postgres", "mysql"})
def random_double(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL RAND() and PostgreSQL random() are DOUBLEs in [0, 1); SQLite random() is a
    64-bit integer. SQLite gets 53 random bits over 2^53. MySQL RAND(seed) has no per-call
    equivalent elsewhere and is refused. Non-deterministic either way (analysis marks it).
    Corpus: numbers.toml `num-*-rand*`."""
    if node.this is not None:
        ctx.refuse(
            node,
            "rand-seed",
            "MySQL RAND(seed) restarts a seeded sequence per statement; "
            f"{ctx.target} has no per-call seed",
            "seed the generator in the application (or setseed() in PostgreSQL)",
        )
        return None
    if ctx.target != "sqlite":
        return None
    bits = exp.BitwiseAnd(this=exp.Rand(), expression=exp.Literal.number(2**53 - 1))
    return exp.Paren(
        this=exp.Div(this=exp.Paren(this=bits), expression=exp.Literal.number(f"{2**53}.0"))
    )


@rule(exp.Rand, source={"sqlite"}, target={"mysql", "postgres"})
def random_integer(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite random() is a signed 64-bit integer (abs(random()) % 6 is a die roll); MySQL
    RAND() and PostgreSQL random() are DOUBLEs in [0, 1). Scaled to [-2^63, 2^63) and cast to
    BIGINT (53 random bits). Corpus: numbers.toml `num-lite-random-range`."""
    spread = exp.Mul(
        this=exp.Paren(this=exp.Sub(this=exp.Rand(), expression=_half())),
        expression=cast(exp.Literal.number(_TWO_TO_64), "DOUBLE"),
    )
    to = "SIGNED" if ctx.target == "mysql" else "BIGINT"
    return exp.Cast(this=exp.Floor(this=spread), to=exp.DataType.build(to, dialect=ctx.target))


@rule(exp.Literal, source={"mysql", "sqlite"}, target={"postgres"})
def double_literal(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A number written with an exponent (2.5e0) is a DOUBLE in MySQL and SQLite but a
    NUMERIC in PostgreSQL, which then rounds half away from zero (ROUND(2.5e0) = 3, not 2)
    and divides exactly. Cast to DOUBLE PRECISION. Corpus: numbers.toml
    `num-my-round-double-literals`."""
    assert isinstance(node, exp.Literal)
    if node.is_string or "e" not in node.name.lower():
        return None
    return cast(node, "DOUBLE")


_REAL_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Neg, exp.Round, exp.Abs, exp.Floor, exp.Ceil)


@rule(exp.Column, source={"sqlite"}, target={"mysql", "postgres"})
def sqlite_decimal_is_real(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite keeps a DECIMAL/NUMERIC column's fractional values as REAL, so its arithmetic
    is floating point (19.99 - 20 = -0.010000000000001563, 0.99 - 1 = -0.01000000000000001,
    two distinct values); MySQL and PostgreSQL compute exactly. Such a column used in
    arithmetic is cast to DOUBLE on the target (not under `/` or `%`: whole values are
    integers there, and the division rules refuse; the cast keeps the column's unknown
    source type, so `45 / ABS(salary)` is refused too). Corpus: generated.toml
    `gen-lite-distinct-decimal-arith`, `gen-lite-abs-decimal-division`."""
    parent = node.parent
    while isinstance(parent, exp.Paren):
        parent = parent.parent
    if not isinstance(parent, _REAL_ARITHMETIC) or ctx.schema is None:
        return None
    dtype = declared_type(node, ctx)
    if dtype is None or dtype.this != exp.DataType.Type.DECIMAL:
        return None
    real = cast(node, "DOUBLE" if ctx.target == "mysql" else "DOUBLE PRECISION")
    real.meta[TYPED] = UNKNOWN  # still SQLite's per-value type: `45 / ABS(salary)` truncates
    return real


@rule(exp.Div, source={"sqlite"}, target={"postgres"})
def sqlite_division_for_postgres(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite divides integers by truncation and REALs exactly, per value: a DECIMAL column
    holding 5200.00 is the integer 5200 there, so `salary / age` truncates for some rows.
    PostgreSQL decides by declared type. Integers and REALs translate; anything else is
    refused. Corpus: generated.toml `gen-lite-decimal-division`, numeric.toml `lite-div-*`."""
    left, right = infer(node.this, ctx), infer(node.expression, ctx)
    kinds = {left.kind, right.kind}
    if kinds <= {Kind.INT, Kind.FLOAT}:
        return None
    ctx.refuse(
        node,
        "division-needs-types",
        "SQLite `/` truncates when both values are integers (a whole DECIMAL value is stored "
        "as an integer) and is exact otherwise, and the operand types are not known to be "
        "INTEGER or REAL here",
        _NEEDS_TYPES,
    )
    return None


@rule(exp.Log, source={"postgres", "sqlite"}, target={"mysql"})
def log_base_ten(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL and SQLite LOG(x) is the base-10 logarithm; MySQL's LOG(x) is the natural
    one. Becomes MySQL's LOG(10, x). Corpus: numbers.toml `num-pg-log`, `num-lite-log`."""
    if node.args.get("expression") is not None:
        return None  # LOG(b, x): the same everywhere
    return exp.Log(this=exp.Literal.number(10), expression=node.this)


def _fractional_literal(node: exp.Expr | None) -> bool:
    """A number literal with a fraction (2.5, -0.5, 2.5e0): no integer equals it."""
    if isinstance(node, exp.Neg):
        node = node.this
    if not isinstance(node, exp.Literal) or node.is_string:
        return False
    try:
        value = Decimal(node.name)
    except InvalidOperation:
        return False
    return value != value.to_integral_value()


@rule(exp.EQ, exp.NullSafeEQ, exp.In, source={"postgres", "sqlite"}, target={"mysql"})
def integer_column_against_a_fraction(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MariaDB (10.11) answers `MIN(id) ... WHERE id = 2.5` (also `IN (2.5)`, `<=>`) from the
    index with the literal rounded: 3, where every engine finds no row (found by the
    generated differential tests). An integer column (or one of unknown type) met by a
    fractional literal is compared as `id + 0`, the same value, which that shortcut does not
    take. Corpus: numbers.toml `num-pg-integer-equals-fraction`."""
    if is_assignment(node):
        return None  # `SET price = 2.5` (an EQ node too)
    if isinstance(node, exp.In):
        column, others = node.this, list(node.expressions)
    else:
        column, others = node.this, [node.expression]
        if _fractional_literal(column):
            column, others = node.expression, [node.this]
    if not isinstance(column, exp.Column) or not any(_fractional_literal(o) for o in others):
        return None
    if infer(column, ctx).kind not in (Kind.INT, Kind.UNKNOWN):
        return None
    column.replace(exp.Add(this=column.copy(), expression=exp.Literal.number(0)))
    return None
