"""Statements sqlglot parses but no engine accepts, reported as positioned ``ParseError``.

sqlglot's parser is lenient: ``STRING_AGG(DISTINCT , ',')`` or ``CEIL()`` leave a hole where
a value was missing, ``CREATE TABLE t (2 int)`` takes a number for a column name,
``UPDATE t SET col WHERE ...`` keeps a bare column as an "assignment", ``X' 00FF'`` keeps its
space, and a ``PRIMARY KEY (id)`` naming no column of its table is kept as written. Rules read
these trees as if they were well formed, so they are rejected here first, with a message that
says what is wrong and where, instead of failing later inside a rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlglot import exp

from sqlshift.errors import ParseError
from sqlshift.translator.context import Context, caret

__all__ = ["WINDOW_FUNCTIONS", "WINDOW_MODIFIERS", "check_shape"]

_HEX = re.compile(r"[0-9A-Fa-f]*")
_HOLE: dict[type[exp.Expr], str] = {exp.Distinct: "DISTINCT without a value"}


def _holder(node: exp.Expr) -> exp.Expr:
    """Where to point for a hole in ``node``: the function that holds it (a DISTINCT has no
    token of its own), else the node."""
    if isinstance(node, exp.Distinct):
        return node.find_ancestor(exp.Func) or node
    return node


def _hole_message(node: exp.Expr) -> str:
    known = _HOLE.get(type(node))
    if known is not None:
        return known
    if isinstance(node, exp.Func):
        name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()
        return f"{name.upper()}() is missing a value"
    return "a value is missing"


def _has_hole(values: list[object]) -> bool:
    # identity tests: `None in values` would call each node's __eq__
    return any(value is None for value in values)


def check_shape(nodes: Iterable[exp.Expr], ctx: Context) -> None:
    """Raise ``ParseError`` for the first malformed construct among ``nodes`` (one tree's walk)."""
    for node in nodes:
        for value in node.args.values():
            if type(value) is list and _has_hole(value):
                raise _error(_holder(node), ctx, _hole_message(node))
        if isinstance(node, exp.Func):
            if node.args.get("this") is None and node.arg_types.get("this"):
                raise _error(node, ctx, _hole_message(node))
            _check_call(node, ctx)
        elif isinstance(node, exp.ColumnDef):
            _check_column(node, ctx)
        elif isinstance(node, exp.Update | exp.OnConflict):
            for item in node.expressions:
                if not isinstance(item, exp.EQ):
                    clause = (
                        "UPDATE ... SET" if isinstance(node, exp.Update) else "the upsert's SET"
                    )
                    raise _error(item, ctx, f"{clause} takes `column = value` assignments")
        elif isinstance(node, exp.Create) and isinstance(node.this, exp.Schema):
            _check_keys(node.this, ctx)
        elif isinstance(node, exp.Insert) and isinstance(node.this, exp.Schema):
            for column in node.this.expressions:
                if not isinstance(column, exp.Identifier | exp.Column):
                    raise _error(column, ctx, "an INSERT's column list names columns only")
        elif isinstance(node, exp.Create) and _lacks_columns(node):
            raise _error(node, ctx, "CREATE TABLE needs its columns: (name type, ...) or AS SELECT")
        elif isinstance(node, exp.Values) and isinstance(node.parent, exp.From | exp.Join):
            if not node.alias and ctx.source != "sqlite":  # (SQLite takes it without one)
                raise _error(node, ctx, "a VALUES list in FROM needs an alias: AS t(a, b)")
        elif isinstance(node, exp.TableAlias) and not node.name and node.args.get("columns"):
            raise _error(node, ctx, "an alias names the table before its columns: AS t(a, b)")
        elif (
            isinstance(node, exp.TableAlias)
            and isinstance(node.parent, exp.Values | exp.Subquery)
            and not all(isinstance(c, exp.Identifier) for c in node.args.get("columns") or [])
        ):
            raise _error(node, ctx, "the alias of a VALUES list or subquery names its columns")
        elif isinstance(node, exp.In) and (
            node.args.get("field") is not None
            or not (node.expressions or node.args.get("query") or node.args.get("unnest"))
        ):
            # `x IN f(...)` (BigQuery's IN UNNEST), or nothing after IN
            raise _error(node, ctx, "IN takes a parenthesised list or subquery")
        elif isinstance(node, exp.DataType) and node.this in _SIZED:
            if not all(_is_size(param) for param in node.expressions):
                raise _error(node, ctx, f"{node.this.value}(...) takes whole numbers")
        elif isinstance(node, exp.HexString) and not _HEX.fullmatch(node.name):
            raise _error(node, ctx, "a hexadecimal literal holds a character that is not 0-9/A-F")
        elif isinstance(node, exp.Window):
            _check_window(node, ctx)


#: what OVER may follow: an aggregate or window function, or a call sqlshift does not know
#: (a user's aggregate); and the modifiers sqlglot keeps around them
WINDOW_FUNCTIONS = (exp.AggFunc, exp.RowNumber, exp.Anonymous)
WINDOW_MODIFIERS = (exp.Filter, exp.IgnoreNulls, exp.RespectNulls)


def _check_window(window: exp.Window, ctx: Context) -> None:
    """``ROUND(AVG(x), 6) OVER (...)``: OVER follows an aggregate or a window function, and
    every engine rejects it after any other function (sqlglot takes it, and a translation
    passed it on to fail on the target). A call sqlshift does not know may be a user's
    aggregate, so it is left to the engine."""
    inner = window.this
    while isinstance(inner, WINDOW_MODIFIERS):
        inner = inner.this
    if isinstance(inner, exp.Func) and not isinstance(inner, WINDOW_FUNCTIONS):
        name = inner.sql_name().upper()
        raise _error(
            inner,
            ctx,
            f"OVER (...) follows an aggregate or window function, and {name}() is neither; "
            "when it wraps an aggregate, put OVER on that aggregate: "
            "ROUND(AVG(x) OVER (...), 6)",
        )


#: types whose parameters are sizes (precision, scale, length)
_SIZED = frozenset(
    {exp.DataType.Type.DECIMAL, exp.DataType.Type.CHAR, exp.DataType.Type.NCHAR,
     exp.DataType.Type.BIGDECIMAL, exp.DataType.Type.FLOAT, exp.DataType.Type.DOUBLE}
)  # fmt: skip


def _is_size(param: exp.Expr) -> bool:
    value = param.this if isinstance(param, exp.DataTypeParam) else param
    extra = param.args.get("expression") if isinstance(param, exp.DataTypeParam) else None
    return extra is None and isinstance(value, exp.Literal) and value.name.lstrip("-").isdigit()


def _check_call(node: exp.Func, ctx: Context) -> None:
    """Calls sqlglot builds with a part missing that every engine requires."""
    if isinstance(node, exp.GroupConcat) and isinstance(node.this, exp.Order):
        if node.this.this is None:
            raise _error(node, ctx, "GROUP_CONCAT() is missing a value before ORDER BY")
    elif isinstance(node, exp.ConcatWs) and len(node.expressions) < 2:
        raise _error(node, ctx, "CONCAT_WS() takes a separator and at least one value")
    elif (
        isinstance(node, exp.Substring)
        and node.args.get("start") is None
        and node.args.get("length") is None
    ):
        raise _error(node, ctx, "SUBSTRING() takes a string and a start position")


def _lacks_columns(create: exp.Create) -> bool:
    """`CREATE TABLE t` with neither a column list, a query nor LIKE (sqlglot accepts it)."""
    return (
        str(create.args.get("kind") or "").upper() == "TABLE"
        and isinstance(create.this, exp.Table)
        and create.args.get("expression") is None
        and create.find(exp.LikeProperty) is None
    )


def _check_column(column: exp.ColumnDef, ctx: Context) -> None:
    if not isinstance(column.this, exp.Identifier):
        raise _error(column, ctx, "a column definition starts with the column's name")
    for constraint in column.args.get("constraints") or []:
        kind = constraint.args.get("kind") if isinstance(constraint, exp.ColumnConstraint) else None
        if isinstance(constraint, exp.InOutColumnConstraint) or isinstance(
            kind, exp.InOutColumnConstraint
        ):
            raise _error(column, ctx, "IN/OUT belong to a routine's parameters, not a column")
        if isinstance(kind, exp.ComputedColumnConstraint) and kind.this is None:
            raise _error(column, ctx, "a generated column needs its expression: AS (expr)")
    if column.args.get("kind") is None and any(
        isinstance(c.args.get("kind"), exp.AutoIncrementColumnConstraint)
        for c in column.args.get("constraints") or ()
    ):
        raise _error(column, ctx, f"column {column.name} is AUTO_INCREMENT but has no type")


def _check_keys(schema: exp.Schema, ctx: Context) -> None:
    """A table-level PRIMARY KEY / UNIQUE names columns the table defines."""
    if any(isinstance(item, exp.LikeProperty) for item in schema.expressions):
        return  # `(LIKE other, ...)` copies columns this statement does not list
    defined = {  # (a SQLite column without a type is a bare identifier)
        column.name.lower()
        for column in schema.expressions
        if isinstance(column, exp.ColumnDef | exp.Identifier)
    }
    for item in schema.expressions:
        if not isinstance(item, exp.PrimaryKey | exp.UniqueColumnConstraint):
            continue
        for part in item.expressions if isinstance(item, exp.PrimaryKey) else _unique(item):
            name = part.this.name if isinstance(part, exp.Ordered) else part.name
            if name and name.lower() not in defined:
                kind = "PRIMARY KEY" if isinstance(item, exp.PrimaryKey) else "UNIQUE"
                raise _error(
                    part, ctx, f"{kind} names column {name}, which the table does not define"
                )


def _unique(constraint: exp.Expr) -> list[exp.Expr]:
    this = constraint.this
    return list(this.expressions) if isinstance(this, exp.Schema) else []


def _error(node: exp.Expr, ctx: Context, message: str) -> ParseError:
    line, col = ctx.position(node)
    if line is None or col is None:
        return ParseError(message)
    return ParseError(message, line=line, col=col, snippet=caret(ctx.original, line, col))
