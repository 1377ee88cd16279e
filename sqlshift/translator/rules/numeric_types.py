"""Rules: a number comes back with the source engine's type and digits.

The engines often compute the same value as different types: PostgreSQL's ceil(integer) is a
double precision where MySQL's is an integer, its EXTRACT() a NUMERIC where MySQL's is an
integer, MySQL's POW() a DOUBLE where PostgreSQL's power(numeric) is a NUMERIC. An application
reads the difference (``Decimal('20')`` or ``20``, ``7.0`` or ``7``, ``json.dumps`` fails on
one of them), so the target's result is cast to the source's type. Where no target type can
hold the source's (a PostgreSQL NUMERIC whose scale follows its value, row by row), the
translation is refused where that value is a result column, with the rounding that fixes it.
"""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.flow import CUT_QUOTIENT, reaches_result
from sqlshift.translator.rules import rule
from sqlshift.translator.targets import SQLITE_MOD_FUNCTION
from sqlshift.translator.types import (
    DYNAMIC,
    TYPED,
    Kind,
    Typed,
    branch_values,
    infer,
    postgres_function_kind,
)

#: MySQL's widest DECIMAL: its digits, and the scale that keeps a NUMERIC value's digits
DECIMAL_DIGITS = 65
WIDEST_SCALE = 30


def as_type(node: exp.Expr, typed: Typed, ctx: Context) -> exp.Cast:
    """``node`` cast on the target to the type ``typed`` names (a DECIMAL of its scale, a
    DOUBLE; SQLite has only REAL for both), recording that type for the rules above it."""
    if typed.kind is Kind.EXACT and ctx.target != "sqlite":
        scale = WIDEST_SCALE if typed.scale == DYNAMIC else typed.scale
        to = exp.DataType.build(f"DECIMAL({DECIMAL_DIGITS}, {scale})")
    elif typed.kind is Kind.INT:
        to = exp.DataType.build("BIGINT")
    else:
        to = exp.DataType.build("DOUBLE")  # DOUBLE PRECISION / REAL
    result = exp.Cast(this=node, to=to)
    result.meta[TYPED] = typed
    return result


def postgres_dynamic_numeric(node: exp.Expr, value: exp.Expr, ctx: Context, what: str) -> exp.Expr:
    """PostgreSQL gives a NUMERIC quotient, average, standard deviation, power or logarithm
    as many fractional digits as its value needs (select_div_scale: at least 16 significant
    digits, so 1/3.0 = 0.33333333333333333333 and 5200/3.0 = 1733.3333333333333333), a scale
    that changes from row to row; a MySQL DECIMAL column has one scale for every row. Kept
    in DECIMAL(65, 30) where it is rounded, compared or stored before anyone reads it;
    refused where it is a result column itself.
    Corpus: numeric.toml `pg-div-numeric`, aggregates.toml `agg-pg-avg-types`."""
    if ctx.target == "mysql" and reaches_result(node):
        ctx.refuse(
            node,
            "numeric-scale",
            f"PostgreSQL gives {what} as many digits as its value needs (1.0 / 3 = "
            "0.33333333333333333333, 7 / 2.0 = 3.5000000000000000), a scale that changes from "
            "row to row, and a MySQL DECIMAL column has one scale",
            f"round it to the digits you want, e.g. ROUND({ctx.quote(node)[1]}, 4), or CAST it "
            "AS DOUBLE PRECISION for a float",
        )
    return as_type(value, Typed(Kind.EXACT, DYNAMIC), ctx)


# ------------------------------------------------------- PostgreSQL into MySQL and SQLite


@rule(
    exp.Round,
    exp.Ceil,
    exp.Floor,
    exp.Sign,
    source={"postgres"},
    target={"mysql", "sqlite"},
    first=True,
)
def postgres_function_type(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL resolves round/ceil/floor of an integer, and sign of any non-NUMERIC, to
    the double precision functions (ROUND(7) = 7.0, CEIL(stock) = 100.0, SIGN(weight) =
    1.0), and of a NUMERIC to NUMERIC ones (CEIL(price) = 20, ROUND(1250, -2) = 1300, a
    Decimal); MySQL gives integers for all but ROUND of a DECIMAL, SQLite an integer for an
    integer (or a whole DECIMAL value it stores as one). Cast to the PostgreSQL type.
    Corpus: numbers.toml `num-pg-round`, `num-pg-round-columns`, `num-pg-ceil-floor-sign`."""
    operand = infer(node.this, ctx).kind
    wanted = infer(node, ctx)  # PostgreSQL's type (types.infer knows its resolution)
    if wanted.kind is Kind.UNKNOWN or (operand is Kind.FLOAT and not isinstance(node, exp.Sign)):
        return None  # a double in, a double out, on every engine (but SIGN: an integer)
    if ctx.target == "mysql" and isinstance(node, exp.Round) and operand is Kind.EXACT:
        return None  # MySQL's ROUND(decimal, n) has PostgreSQL's scale
    return as_type(node, wanted, ctx)


@rule(exp.Extract, source={"postgres"}, target={"mysql", "sqlite"}, first=True)
def postgres_extract_type(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL's EXTRACT() is a NUMERIC (since 14: EXTRACT(YEAR ...) = Decimal('2024'),
    EXTRACT(SECOND ...) has 6 fractional digits) and date_part() a double precision (1.0);
    MySQL and SQLite give integers (SECOND() has no fraction). Cast to the PostgreSQL type.
    Corpus: datetime.toml `dt-pg-extract-parts`, `dt-pg-cast-fraction`."""
    return as_type(node, infer(node, ctx), ctx)


@rule(exp.Pow, exp.Log, exp.Ln, exp.Exp, exp.Sqrt, source={"postgres"}, target={"mysql"})
def postgres_numeric_functions(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL's power/ln/log/exp/sqrt of a NUMERIC are NUMERIC (2.0 ^ 0.5 =
    1.4142135623730950, LOG(2, 8) = 3.0000000000000000) where MySQL computes a DOUBLE.
    Corpus: numbers.toml `num-pg-power-caret`, `num-pg-log`."""
    if postgres_function_kind(node, ctx).kind is not Kind.EXACT:
        return None
    return postgres_dynamic_numeric(node, node, ctx, "a NUMERIC power or logarithm")


# ------------------------------------------------------------- MySQL into PostgreSQL and SQLite


_BRANCHING = (exp.Coalesce, exp.Case, exp.If, exp.Greatest, exp.Least)


def assume_set_scale(node: exp.Expr, values: list[exp.Expr], ctx: Context) -> bool:
    """`assume_scale` for a set operation's column, whose values of unknown type may also
    differ in scale among themselves (`salary` and `ROUND(salary, 0)`)."""
    types = [infer(v, ctx) for v in values]
    unknown = {v.sql() for v, t in zip(values, types, strict=True) if t.kind is Kind.UNKNOWN}
    if len(unknown) > 1 or (unknown and any(t.kind is Kind.INT for t in types)):
        types = [*types, Typed(Kind.EXACT)]  # as if a decimal were beside them
    return assume_scale(node, types, ctx)


def assume_scale(node: exp.Expr, types: list[Typed], ctx: Context) -> bool:
    """Decimals beside values of unknown type in one result (CASE/COALESCE branches, a
    UNION's column): the result's scale is the common one in MySQL and each value's own in
    PostgreSQL, so it depends on the unknown types: an assumption (`numeric-scale-unknown`;
    found by the generated differential tests without a schema). True when one was made."""
    if not any(t.kind is Kind.EXACT for t in types) or all(
        t.kind is not Kind.UNKNOWN for t in types
    ):
        return False
    ctx.assume(
        node,
        "numeric-scale-unknown",
        "that its operands of unknown type have no other scale (PostgreSQL gives each row "
        "the scale of the value it chose, a MySQL DECIMAL column one scale)",
        "pass schema= with the columns' types, or cast the result: CAST(... AS NUMERIC(10, 2))",
    )
    return True


@rule(*_BRANCHING, source={"mysql"}, target={"postgres", "sqlite"}, first=True)
def mysql_branch_type(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL's CASE/IF/COALESCE/IFNULL/GREATEST/LEAST of numbers is their common type:
    LEAST(price, 10) is a DECIMAL with price's scale (10.00), COALESCE(x, 2.5) with 0.75 in
    x has 2 digits in every row, GREATEST(weight, 0.5, 1) is a DOUBLE (1.0). PostgreSQL keeps
    the chosen value's own scale (10, 2.5) and SQLite its own type (1). Cast to MySQL's.
    (A MySQL quotient inside is left to the quotient rules, which round the whole.)
    Corpus: numbers.toml `num-my-greatest-mixed`, `num-my-case-scales`."""
    if any(part.meta.get(CUT_QUOTIENT) for part in node.walk() if part._meta):
        return None
    typed = infer(node, ctx)
    values = [infer(part, ctx) for part in branch_values(node)]
    if typed.kind is Kind.UNKNOWN and reaches_result(node):
        assume_scale(node, values, ctx)
    if typed.kind is Kind.FLOAT and any(t.kind is not Kind.FLOAT for t in values):
        return as_type(node, typed, ctx)
    if typed.kind is Kind.EXACT and any(t != typed for t in values):
        return as_type(node, typed, ctx)
    return None


@rule(*_BRANCHING, exp.Lag, exp.Lead, source={"postgres"}, target={"mysql"})
def postgres_branch_scales(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL's CASE/COALESCE/GREATEST of NUMERICs of different scales keeps each row's
    chosen value with its own scale (COALESCE(price, 0) is 19.99 in one row and 0 in the
    next); MySQL gives the column one scale (0.00). Refused where it is a result column;
    so is LAG / LEAD with such a default (MySQL 8 types it as the two together; MariaDB
    takes no default at all). Corpus: numbers.toml `num-pg-coalesce-scales`, windows.toml
    `win-pg-lag-default-scale`."""
    values = [infer(part, ctx) for part in branch_values(node)]
    exact = [t for t in values if t.kind in (Kind.INT, Kind.EXACT)]
    if len(exact) == len(values) and len({t.scale for t in exact}) > 1 and reaches_result(node):
        ctx.refuse(
            node,
            "numeric-scale",
            "PostgreSQL gives each row the scale of the value it chose (COALESCE(price, 0) is "
            "19.99 or 0), and a MySQL DECIMAL column has one scale (0.00)",
            "cast the result to the scale you want: CAST(... AS NUMERIC(10, 2))",
        )
    elif reaches_result(node):
        assume_scale(node, values, ctx)
    return None


_SET_OPERATIONS = (exp.Union, exp.Intersect, exp.Except)


def set_columns(node: exp.Expr) -> list[list[exp.Expr]] | None:
    """Each result column of a set operation: the item of every branch that makes it."""
    from sqlshift.translator.rules.collation import leaf_selects

    selects = leaf_selects(node)
    if not selects or any(i.is_star for s in selects for i in s.expressions):
        return None
    width = len(selects[0].expressions)
    if any(len(s.expressions) != width for s in selects):
        return None
    return [[s.expressions[i] for s in selects] for i in range(width)]


@rule(*_SET_OPERATIONS, source={"mysql"}, target={"postgres", "sqlite"})
def mysql_set_operation_types(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A MySQL UNION/INTERSECT/EXCEPT column has its branches' common type, as CASE does:
    `SELECT 2.5 UNION SELECT 0.75` gives 2.50 and 0.75 (DECIMAL(3, 2)); PostgreSQL keeps each
    value's own scale (2.5). Each branch's item is cast to MySQL's type where they differ
    (found by the generated set operations). Corpus: numbers.toml `num-my-union-scales`."""
    columns = set_columns(node)
    for items in columns or []:
        values = [item.unalias() for item in items]
        types = [infer(v, ctx) for v in values]
        if assume_set_scale(node, values, ctx):
            continue
        if any(t.kind not in (Kind.INT, Kind.EXACT, Kind.FLOAT) for t in types):
            continue
        if len(set(types)) == 1:
            continue
        if any(t.kind is Kind.FLOAT for t in types):
            common = Typed(Kind.FLOAT)
        else:
            common = Typed(Kind.EXACT, max(t.scale for t in types if t.kind is Kind.EXACT))
            if any(isinstance(part, exp.Div) for v in values for part in v.walk()):
                # MySQL rounds a quotient to the column's common scale, not its own (1/3
                # UNION 2.5/7 gives 0.33333); found by the generated set operations
                ctx.refuse(
                    node,
                    "numeric-scale",
                    "MySQL rounds a quotient in a UNION column to the scale the column gets "
                    "from all its branches (1/3 UNION 2.5/7: 0.33333)",
                    "ROUND every branch's item to one scale: ROUND(a / b, 5)",
                )
                return None
        for item, value in zip(items, values, strict=True):
            cast = as_type(value.copy(), common, ctx)
            if isinstance(item, exp.Alias):
                item.set("this", cast)
            else:
                item.replace(
                    exp.alias_(cast, value.alias_or_name) if isinstance(value, exp.Column) else cast
                )
    return None


@rule(*_SET_OPERATIONS, source={"postgres"}, target={"mysql"})
def postgres_set_operation_scales(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A PostgreSQL set operation of NUMERICs keeps each row's own scale (`SELECT 2.5 UNION
    SELECT 0.75`: 2.5 and 0.75); MySQL gives the column one (2.50). Refused where the scales
    differ, as for CASE. Corpus: numbers.toml `num-pg-union-scales`."""
    for items in set_columns(node) or []:
        types = [infer(item.unalias(), ctx) for item in items]
        exact = [t for t in types if t.kind in (Kind.INT, Kind.EXACT)]
        if assume_set_scale(node, [item.unalias() for item in items], ctx):
            continue
        if len(exact) == len(types) and len({t.scale for t in exact}) > 1:
            ctx.refuse(
                node,
                "numeric-scale",
                "PostgreSQL gives each row of a UNION the scale of its own value (2.5, 0.75), "
                "and a MySQL DECIMAL column has one scale (2.50)",
                "cast the items to one scale: CAST(... AS NUMERIC(10, 2))",
            )
            return None
    return None


@rule(*_SET_OPERATIONS, source={"postgres"}, target={"sqlite"})
def postgres_distinct_quotients(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A PostgreSQL NUMERIC quotient has some 20 significant digits (6.000000000000000006);
    SQLite's REAL keeps 15 (6.0), so a UNION, INTERSECT or EXCEPT that removes duplicates
    finds other duplicates there (25 rows in PostgreSQL, 24 in SQLite: found by CI's commit
    seed). Refused where a column of a deduplicating set operation holds one; UNION ALL keeps
    every row and is translated. Corpus: numbers.toml `num-pg-union-quotient-digits`."""
    if not node.args.get("distinct", True):
        return None
    for items in set_columns(node) or []:
        for item in items:
            typed = infer(item.unalias(), ctx)
            if typed.kind is Kind.EXACT and typed.scale == DYNAMIC:
                ctx.refuse(
                    node,
                    "numeric-precision",
                    "PostgreSQL tells apart NUMERIC quotients that differ after 15 significant "
                    "digits, which SQLite's REALs cannot hold, so duplicates are removed "
                    "differently",
                    "ROUND the quotient to the digits you compare: ROUND(a / b, 10)",
                )
                return None
    return None


@rule(exp.Round, source={"mysql"}, target={"postgres"})
def mysql_round_computed_digits(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL's ROUND(decimal, n) with n computed per row keeps the argument's scale
    (ROUND(25.00, 1) = 25.00); PostgreSQL's scale is n's value (25.0). Cast to the scale.
    Corpus: numbers.toml `num-my-round-computed-digits`."""
    digits = node.args.get("decimals")
    operand = infer(node.this, ctx)
    if (
        digits is None
        or isinstance(digits, exp.Literal | exp.Neg)
        or operand.kind is not Kind.EXACT
    ):
        return None
    return as_type(node, operand, ctx)


@rule(exp.Pow, source={"mysql"}, target={"postgres"})
def mysql_power_is_double(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL's POW() is always a DOUBLE; PostgreSQL's power() of a NUMERIC is a NUMERIC
    (POW(1.5, 2) = 2.25 there as Decimal('2.2500000000000000')). Computed in double.
    Corpus: numbers.toml `num-my-pow`."""
    if {infer(node.this, ctx).kind, infer(node.expression, ctx).kind} <= {Kind.INT, Kind.FLOAT}:
        return None
    node.set("this", exp.Cast(this=node.this, to=exp.DataType.build("DOUBLE")))
    return None


@rule(exp.Mod, source={"mysql", "sqlite"}, target={"postgres", "mysql"}, first=True)
def floating_remainder(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A remainder of a DOUBLE is a DOUBLE in MySQL (score % 10 = 8.5) and SQLite, whose
    MOD() function is always a REAL (MOD(age, 5) = 2.0); PostgreSQL has no double precision
    remainder and MySQL's MOD of DECIMALs is a DECIMAL. Cast to DOUBLE.
    Corpus: numeric.toml `my-mod-float`, numbers.toml `num-lite-mod-function`."""
    kinds = {infer(node.this, ctx).kind, infer(node.expression, ctx).kind}
    sqlite_function = ctx.source == "sqlite" and bool(node.meta.get(SQLITE_MOD_FUNCTION))
    if Kind.FLOAT in kinds or sqlite_function:
        return as_type(node, Typed(Kind.FLOAT), ctx)
    return None


# ----------------------------------------------------------------------- SQLite's row types


@rule(*_BRANCHING, source={"sqlite"}, target={"mysql", "postgres"})
def sqlite_row_types(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite types each value, not each column: COALESCE(weight, 0) is the integer 0 where
    weight is NULL and a REAL elsewhere, and 0 / 2 then divides as integers; MySQL and
    PostgreSQL give one type (a DOUBLE) for the whole column. Refused where such a value
    is a result column. Corpus: numbers.toml `num-lite-div-case`."""
    branches = [infer(part, ctx).kind for part in branch_values(node)]
    if Kind.INT in branches and Kind.FLOAT in branches and reaches_result(node):
        ctx.refuse(
            node,
            "row-types",
            "SQLite gives this value the type of the branch it takes, an INTEGER in some rows "
            "and a REAL in others; the target gives every row one type",
            "write the integer branch as a REAL (0.0 for 0), or CAST the result AS REAL",
        )
    return None
