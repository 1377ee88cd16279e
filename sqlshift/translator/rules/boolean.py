"""Rules: truth values used as numbers (MySQL and SQLite have no boolean type)."""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.flow import ARITHMETIC as _ARITHMETIC
from sqlshift.translator.flow import place
from sqlshift.translator.params import internal_index
from sqlshift.translator.rules import rule
from sqlshift.translator.types import Kind, declared_type, infer, inserted_types

_PREDICATES: tuple[type[exp.Expr], ...] = (
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.NullSafeEQ,
    exp.NullSafeNEQ,
    exp.Is,
    exp.In,
    exp.Like,
    exp.ILike,
    exp.Escape,  # x LIKE p ESCAPE e
    exp.Between,
    exp.And,
    exp.Or,
    exp.Not,
    exp.Boolean,
    exp.Exists,
)
_NUMERIC_AGGREGATES = (exp.Sum, exp.Avg, exp.Max, exp.Min)


def _boolean_column(node: exp.Expr, ctx: Context) -> bool:
    """A column the schema declares BOOLEAN (in parentheses or not): a real boolean in
    PostgreSQL, usable as is. Corpus: generated.toml `gen-my-not-bool-postgres`."""
    while isinstance(node, exp.Paren):
        node = node.this
    if not isinstance(node, exp.Column) or ctx.schema is None:
        return False
    dtype = declared_type(node, ctx)
    return dtype is not None and dtype.this == exp.DataType.Type.BOOLEAN


def _value_context(node: exp.Expr) -> bool:
    """True when ``node``'s value is used as a value, not as a condition."""
    child, parent = place(node)
    if isinstance(parent, exp.Select):
        return child.arg_key == "expressions"
    if isinstance(parent, exp.If):
        return child.arg_key in ("true", "false")
    if isinstance(parent, exp.Case):
        return child.arg_key == "default"
    return isinstance(parent, _ARITHMETIC + _NUMERIC_AGGREGATES)


@rule(exp.And, exp.Or, exp.Not, exp.If, source={"mysql", "sqlite"}, target={"postgres"})
def number_as_condition(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL and SQLite accept numbers as conditions (`1 || 0`, `NOT qty`, `CASE WHEN qty`,
    `IF(qty, a, b)`: non-zero is true); PostgreSQL requires booleans. Numeric operands (the
    condition of a WHEN/IF) become `x <> 0`.
    Corpus: boolean.toml `my-pipes-or`, `bool-my-case-when-number`."""
    case = node.parent
    if isinstance(node, exp.If) and isinstance(case, exp.Case) and case.args.get("this"):
        return None  # CASE x WHEN 3: a value compared with x, not a condition
    for key in ("this", "expression"):
        operand = node.args.get(key)
        if (
            isinstance(operand, exp.Expr)
            and not isinstance(operand, _PREDICATES)
            and not _boolean_column(operand, ctx)
            and infer(operand, ctx).kind.numeric
        ):
            node.set(key, exp.Paren(this=exp.NEQ(this=operand, expression=exp.Literal.number(0))))
    return None


@rule(*_PREDICATES, source={"mysql", "sqlite"}, target={"postgres"})
def truth_value_as_integer(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """In MySQL and SQLite a comparison is the integer 1/0 (`SELECT a > 1` gives 1,
    `SUM(a > 1)` counts); in PostgreSQL it is a boolean (true, and SUM(boolean) fails).
    Where such a value is used as a value, it is cast to INTEGER.
    Corpus: boolean.toml `*-bool-select-*`, `my-sum-predicate`."""
    if not _value_context(node):
        return None
    return exp.Cast(this=node, to=exp.DataType.build("INT"))


@rule(exp.Column, source={"mysql", "sqlite"}, target={"postgres"})
def boolean_column_as_number(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A MySQL/SQLite BOOLEAN column holds 1/0 and takes part in arithmetic and numeric
    aggregates (`SUM(active)` counts, `active + 1`); PostgreSQL has no boolean + integer,
    sum(boolean) or max(boolean). There the column is cast to INT.
    Corpus: boolean.toml `bool-my-column-arithmetic`, `bool-lite-column-sum`."""
    if not _boolean_column(node, ctx):
        return None
    parent = node.parent
    while isinstance(parent, exp.Paren):
        parent = parent.parent
    if not isinstance(parent, _ARITHMETIC + _NUMERIC_AGGREGATES):
        return None
    return exp.Cast(this=node, to=exp.DataType.build("INT"))


@rule(exp.EQ, exp.NEQ, source={"mysql", "sqlite"}, target={"postgres"})
def boolean_column_literal(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL BOOLEAN is TINYINT(1) and SQLite stores 0/1, so `active = 1` is normal there;
    a PostgreSQL boolean column cannot be compared with an integer. With a schema saying the
    column is BOOLEAN, the literal 0/1 becomes FALSE/TRUE.
    Corpus: select_basics.toml `sel-my-bool-column-equals-one`."""
    column, value = node.this, node.expression
    if isinstance(value, exp.Column) and isinstance(column, exp.Literal | exp.Placeholder):
        column, value = value, column
    if not isinstance(column, exp.Column) or ctx.schema is None:
        return None
    if not isinstance(value, exp.Literal | exp.Placeholder):
        return None
    dtype = declared_type(column, ctx)
    if dtype is None or dtype.this != exp.DataType.Type.BOOLEAN:
        return None
    _as_boolean(value)
    return None


def _as_boolean(value: exp.Expr) -> None:
    """A 0/1 literal becomes FALSE/TRUE; a placeholder goes through INT, so that the argument
    the application passes for MySQL or SQLite (1, 0, True, None) is a boolean on PostgreSQL
    (asyncpg refuses an int for a boolean parameter). Corpus: dml.toml
    ``dml-lite-insert-bool-int``; placeholders (the corpus passes none): tests/executor/
    test_executor_first_hour.py ``test_mysql_ddl_gives_the_same_python_types_everywhere``."""
    if isinstance(value, exp.Literal) and not value.is_string and value.name in ("0", "1"):
        value.replace(exp.Boolean(this=value.name == "1"))
    elif isinstance(value, exp.Placeholder) and internal_index(value) is not None:
        as_int = exp.Cast(this=value.copy(), to=exp.DataType.build("INT"))
        value.replace(exp.Cast(this=as_int, to=exp.DataType.build("BOOLEAN")))


@rule(exp.Insert, source={"mysql", "sqlite"}, target={"postgres"})
def boolean_insert_literal(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """Inserting 0/1 into a BOOLEAN column is normal in MySQL and SQLite; PostgreSQL refuses
    an integer for a boolean column. With a schema, such literals in VALUES become FALSE/TRUE
    and placeholders go through INT (see ``_as_boolean``).
    Corpus: dml.toml `dml-lite-insert-bool-int`."""
    assert isinstance(node, exp.Insert)
    types = inserted_types(node, ctx)
    if types is None:
        return None
    flags = [t is not None and t.this == exp.DataType.Type.BOOLEAN for t in types]
    for row in node.expression.expressions:
        for flag, item in zip(flags, row.expressions, strict=False):
            if flag:
                _as_boolean(item)
    return None


@rule(exp.Where, exp.Having, source={"mysql", "sqlite"}, target={"postgres"})
def number_as_where(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`WHERE qty` (non-zero is true) is valid in MySQL and SQLite; PostgreSQL needs a boolean.
    A numeric condition becomes `qty <> 0` (its type must be known: schema= or a literal).
    Corpus: boolean.toml `my-where-number`, `lite-where-number`."""
    condition = node.this
    if (
        not isinstance(condition, _PREDICATES)
        and not _boolean_column(condition, ctx)
        and infer(condition, ctx).kind.numeric
    ):
        node.set("this", exp.NEQ(this=condition, expression=exp.Literal.number(0)))
    return None


@rule(exp.NullSafeEQ, exp.NullSafeNEQ, source={"mysql", "postgres"}, target={"sqlite"})
@rule(exp.NullSafeEQ, exp.NullSafeNEQ, source={"mysql"}, target={"postgres"})
def null_safe_boolean_as_number(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `x <=> TRUE` (PostgreSQL `x IS NOT DISTINCT FROM TRUE`) compares x with 1, so
    7 <=> TRUE is false; sqlglot writes it for SQLite as `x IS TRUE`, SQLite's truth test
    (7 IS TRUE is true), and PostgreSQL cannot compare an integer with a boolean. The
    boolean literal becomes the number it stands for (`x IS 1`) on SQLite, and on PostgreSQL
    when the other side is an integer. Corpus: boolean.toml `bool-my-null-safe-true`."""
    sides = (node.args.get("this"), node.args.get("expression"))
    for key, side, other in (("this", *sides), ("expression", *reversed(sides))):
        if not isinstance(side, exp.Boolean) or other is None:
            continue
        if ctx.target == "sqlite" or infer(other, ctx).kind is Kind.INT:
            node.set(key, exp.Literal.number(1 if side.this else 0))
    return None
