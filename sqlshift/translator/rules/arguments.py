"""Rules: placeholders typed by the caller's arguments (issue 15, item 6).

MySQL and SQLite take an argument as the value it is; PostgreSQL gives every placeholder a
type when it prepares the statement, from the context alone: `SELECT $1`, `CASE ... THEN $1`,
`COALESCE($1, $2)` and `$1 IS NULL` get none it can use ("could not determine data type of
parameter $1", or text), and `$1 + 1` is typed integer even when the argument is 2.5. Where
the context does not type a placeholder, the argument's Python type does: the placeholder is
cast to it (as SQLAlchemy's asyncpg dialect renders casts). The translator sees argument
*kinds* only (``params.value_kind``), never values; without arguments the placeholders are
left as they are and ``Translation.typed_args`` says which arguments the text depends on (the
executor then translates once per argument-kind signature).
"""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.flow import place
from sqlshift.translator.rules import rule
from sqlshift.translator.rules.stored import bind_temporal
from sqlshift.translator.types import TYPED, UNKNOWN, declared_type

#: the PostgreSQL type of each argument kind (params.value_kind)
_PG_TYPES = {
    "int": "INTEGER",
    "bigint": "BIGINT",
    "float": "DOUBLE PRECISION",
    "decimal": "NUMERIC",
    "text": "TEXT",
    "bool": "BOOLEAN",
    "bytes": "BYTEA",
    "timestamp": "TIMESTAMP",
    "timestamptz": "TIMESTAMPTZ",
    "date": "DATE",
    "time": "TIME",
    "interval": "INTERVAL",
}
_FROM_ARGS = (exp.Coalesce, exp.Greatest, exp.Least)
_OPERATORS = (
    exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.IntDiv,
    exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ, exp.NullSafeNEQ,
)  # fmt: skip


_FRACTIONAL = frozenset({"float", "decimal"})


def _in_operation(node: exp.Expr) -> bool:
    """An operand of arithmetic, a comparison, BETWEEN, IN, COALESCE, GREATEST or LEAST,
    where PostgreSQL would type a fractional argument as the integer column beside it (and
    the driver truncate it: `COALESCE(age, %s)` of -1.5 gave -1)."""
    return isinstance(_holder(node), (*_OPERATORS, exp.Between, exp.In, *_FROM_ARGS))


_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.IntDiv)


def _in_arithmetic(node: exp.Expr) -> bool:
    return isinstance(_holder(node), _ARITHMETIC)


def _holder(node: exp.Expr) -> exp.Expr | None:
    """What ``node`` is an operand of, past its parentheses."""
    parent = node.parent
    while isinstance(parent, exp.Paren):
        parent = parent.parent
    return parent


def _stands_alone(node: exp.Expr) -> bool:
    """A select item or an IS operand: a NULL argument's type matters to nothing else there
    (in a CASE branch or COALESCE it would, so it is left for the others to type)."""
    parent = node.parent
    while isinstance(parent, exp.Paren | exp.Alias):
        parent = parent.parent
    return isinstance(parent, exp.Select | exp.Is)


def _untyped(value: exp.Expr | None) -> bool:
    """Nothing PostgreSQL could type a placeholder from: a literal, NULL, a placeholder."""
    while isinstance(value, exp.Paren):
        value = value.this
    return value is None or isinstance(value, exp.Literal | exp.Null | exp.Placeholder)


def _context_types_it(node: exp.Expr) -> bool:
    """Whether PostgreSQL types the placeholder ``node`` from where it stands."""
    child, parent = place(node)
    if isinstance(parent, exp.Select):
        return child.arg_key != "expressions"  # a select item: nothing types it
    if isinstance(parent, exp.If) and isinstance(parent.parent, exp.Case):
        return child.arg_key != "true"  # THEN
    if isinstance(parent, exp.If):  # MySQL's IF(c, a, b), a CASE there too
        return child.arg_key not in ("true", "false")
    if isinstance(parent, exp.Case):
        return child.arg_key != "default"  # ELSE
    if isinstance(parent, exp.Concat | exp.ConcatWs | exp.DPipe):
        return False  # typed text there, which the driver then takes only as a str
    if isinstance(parent, exp.Is):
        return False
    if isinstance(parent, _FROM_ARGS):
        return not all(_untyped(a) for a in [parent.this, *parent.expressions])
    if isinstance(parent, _OPERATORS):
        return not (_untyped(parent.this) and _untyped(parent.expression))
    return True


@rule(exp.Placeholder, source={"mysql", "sqlite"}, target={"postgres"})
def placeholder_from_argument(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A placeholder PostgreSQL cannot type from its context is cast to its argument's type
    (`SELECT $1::INTEGER`, `CASE WHEN ... THEN $2::TEXT`, `$1::NUMERIC IS NULL`); so is a
    fractional argument beside an integer (`qty >= $1` typed integer truncated 2.5 to 2).
    Tests: tests/executor/test_executor_arguments.py."""
    kind = ctx.arg_kind(node)
    if kind == "text" and _in_arithmetic(node):
        # MySQL computes with a string as a DOUBLE (`qty + %s` with '3' is 8.0); PostgreSQL
        # typed it as the column's integer, and the driver takes no string for one
        return exp.Cast(
            this=exp.Cast(this=node.copy(), to=exp.DataType.build("TEXT")),
            to=exp.DataType.build("DOUBLE PRECISION", dialect="postgres"),
        )
    if _context_types_it(node) and not (kind in _FRACTIONAL and _in_operation(node)):
        return None
    if kind == "null" and _stands_alone(node):
        kind = "text"  # `NULL IS NULL`, `SELECT NULL`: any type will do, text as MySQL's
    if kind == "bool" and ctx.source == "mysql":
        kind = "int"  # PyMySQL writes True as 1: MySQL has no boolean values
    pg_type = _PG_TYPES.get(kind or "")
    if pg_type is None:
        return None
    # (a float is a double on MySQL too: PyMySQL writes it as a double literal, `1.1e0`)
    cast = exp.Cast(this=node.copy(), to=exp.DataType.build(pg_type, dialect="postgres"))
    if kind == "decimal":
        cast.meta[TYPED] = UNKNOWN  # NUMERIC with the value's own scale, which no rule knows
    return cast


def type_placeholders(tree: exp.Expr, ctx: Context) -> None:
    """After the rules: a placeholder a rule moved where nothing types it is cast to its
    argument's type as :func:`placeholder_from_argument` casts the others (`ROUND(%s, 1)`
    of an integer argument is the argument itself, which PostgreSQL typed as text: "expected
    str, got int"). Placeholders already typed where they stand are left as they are."""
    if ctx.target != "postgres" or ctx.source not in ("mysql", "sqlite"):
        return
    for node in list(tree.find_all(exp.Placeholder)):
        replacement = placeholder_from_argument(node, ctx)
        if replacement is not None:
            node.replace(replacement)


@rule(exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between, source={"mysql"},
      target={"postgres"})  # fmt: skip
def date_column_with_datetime_argument(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL compares a DATE column with a DATETIME value as DATETIMEs (`order_date >= ?`
    with 2024-01-02 10:00 is false for 2024-01-02); PostgreSQL types the placeholder as a
    date, the driver drops the time, and an extra row comes back. With a datetime argument
    both sides are compared as timestamps. Tests: tests/executor/test_executor_arguments.py."""
    keys = ("this", "low", "high") if isinstance(node, exp.Between) else ("this", "expression")
    operands = {k: node.args.get(k) for k in keys}
    dated = [k for k, v in operands.items() if _is_date_column(v, ctx)]
    stamped = [k for k, v in operands.items() if ctx.arg_kind(v) == "timestamp"]
    if not dated or not stamped:
        return None
    for key in dated + stamped:
        value = operands[key]
        assert value is not None
        node.set(key, exp.Cast(this=value, to=exp.DataType.build("TIMESTAMP")))
    return None


def _is_date_column(node: exp.Expr | None, ctx: Context) -> bool:
    dtype = declared_type(node, ctx) if node is not None else None
    return dtype is not None and dtype.this == exp.DataType.Type.DATE


_TEMPORAL_TYPES = frozenset(
    {
        exp.DataType.Type.DATE,
        exp.DataType.Type.DATETIME,
        exp.DataType.Type.TIMESTAMP,
        exp.DataType.Type.TIMESTAMPTZ,
    }
)


def _compared(node: exp.Expr) -> tuple[exp.Expr | None, list[exp.Expr | None]]:
    """The column side of a comparison, BETWEEN or IN and the values it meets."""
    if isinstance(node, exp.Between):
        return node.this, [node.args.get("low"), node.args.get("high")]
    if isinstance(node, exp.In):
        return node.this, list(node.expressions)
    column, values = node.this, [node.expression]
    if isinstance(column, exp.Placeholder):  # `? = col`
        return node.expression, [column]
    return column, values


def _placeholders(values: list[exp.Expr | None]) -> list[exp.Expr]:
    found: list[exp.Expr] = []
    for value in values:
        while isinstance(value, exp.Paren):
            value = value.this
        if isinstance(value, exp.Placeholder):
            found.append(value)
    return found


@rule(exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ, exp.Between, exp.In,
      source={"mysql"}, target={"postgres"})  # fmt: skip
def string_argument_met_by_an_integer_column(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL compares an integer column with a string argument by its number (`id = %s` with
    '2', as form input arrives); PostgreSQL types the placeholder integer and its driver takes
    no string ("'str' object cannot be interpreted as an integer"). A string that is an
    integer is bound as one (translator/binds.py); any other string is left for the driver
    to refuse (MySQL would compare it as a DOUBLE). Tests:
    tests/executor/test_executor_arguments.py."""
    column, values = _compared(node)
    dtype = declared_type(column, ctx) if column is not None else None
    if dtype is None or not dtype.is_type(*exp.DataType.INTEGER_TYPES):
        return None
    for placeholder in _placeholders(values):
        ctx.bind(placeholder, "mysql-integer-text@postgres")
    return None


@rule(exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ, exp.Between, exp.In,
      source={"mysql"}, target={"postgres", "sqlite"})  # fmt: skip
def string_argument_met_by_a_date_column(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL reads a string argument compared with a DATE / DATETIME column as a date (in
    its relaxed spellings, a DATETIME's date-only string as its midnight); PostgreSQL's driver
    takes no string for a placeholder typed date, and SQLite compares the text as written.
    The argument is converted as it is bound (translator/binds.py). Tests:
    tests/executor/test_executor_arguments.py."""
    column, values = _compared(node)
    dtype = declared_type(column, ctx) if column is not None else None
    if dtype is None or dtype.this not in _TEMPORAL_TYPES:
        return None
    for placeholder in _placeholders(values):
        bind_temporal(placeholder, dtype, ctx, store=False)
    return None
