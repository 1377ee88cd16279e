"""A light, local type inference for the operands that rules must know (int, exact, float).

sqlglot's ``annotate_types`` needs a qualified tree and costs a full pass; rules only ever ask
about the operands of one node, so this answers that question from literals, casts, the
optional schema and simple arithmetic, and says UNKNOWN otherwise.
"""

from __future__ import annotations

import decimal
import enum
from dataclasses import dataclass

from sqlglot import exp

from sqlshift.translator.context import Context

__all__ = [
    "DYNAMIC",
    "TYPED",
    "Kind",
    "Typed",
    "branch_values",
    "declared_type",
    "defining_item",
    "infer",
    "int_literal",
    "is_simple",
    "is_within",
]


class Kind(enum.Enum):
    INT = "int"
    EXACT = "exact"  # DECIMAL / NUMERIC with a known scale
    FLOAT = "float"
    TEXT = "text"
    BOOL = "bool"
    UNKNOWN = "unknown"

    @property
    def numeric(self) -> bool:
        return self in (Kind.INT, Kind.EXACT, Kind.FLOAT)


@dataclass(frozen=True, slots=True)
class Typed:
    kind: Kind
    scale: int = 0  # digits after the point, for EXACT (DYNAMIC: as many as the value needs)


DYNAMIC = -1
"""The scale of a PostgreSQL NUMERIC computed without one (a quotient, an average, a cast to
bare NUMERIC of a double): each value has the digits it needs, so rows differ."""


UNKNOWN = Typed(Kind.UNKNOWN)
_INT_TYPES = {
    exp.DataType.Type.TINYINT,
    exp.DataType.Type.SMALLINT,
    exp.DataType.Type.MEDIUMINT,
    exp.DataType.Type.INT,
    exp.DataType.Type.BIGINT,
    exp.DataType.Type.UTINYINT,
    exp.DataType.Type.USMALLINT,
    exp.DataType.Type.UMEDIUMINT,
    exp.DataType.Type.UINT,
    exp.DataType.Type.UBIGINT,
}
_FLOAT_TYPES = {exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT}
_EXACT_TYPES = {exp.DataType.Type.DECIMAL, exp.DataType.Type.BIGDECIMAL}
_TEXT_TYPES = {
    exp.DataType.Type.VARCHAR,
    exp.DataType.Type.CHAR,
    exp.DataType.Type.TEXT,
    exp.DataType.Type.NVARCHAR,
    exp.DataType.Type.NCHAR,
    exp.DataType.Type.MEDIUMTEXT,
    exp.DataType.Type.LONGTEXT,
    exp.DataType.Type.TINYTEXT,
    exp.DataType.Type.ENUM,  # compared with text as text (its order is rules/enums.py's)
}
_PREDICATES = (exp.Predicate, exp.Connector, exp.Not, exp.Boolean, exp.Exists, exp.In)


def of_datatype(dtype: exp.DataType, dialect: str) -> Typed:
    """The kind of a declared type (a column's, or a CAST's target)."""
    this = dtype.this
    if this in _INT_TYPES:
        return Typed(Kind.INT)
    if this == exp.DataType.Type.BOOLEAN:
        return Typed(Kind.INT) if dialect != "postgres" else Typed(Kind.BOOL)
    if this in _FLOAT_TYPES:
        return Typed(Kind.FLOAT)
    if this in _EXACT_TYPES:
        if dialect == "sqlite":
            return UNKNOWN  # NUMERIC affinity keeps 5200.00 as the integer 5200
        params = dtype.expressions
        if len(params) >= 2:
            return Typed(Kind.EXACT, int(params[1].name))
        if dialect == "mysql":
            return Typed(Kind.EXACT, 0)  # MySQL DECIMAL means DECIMAL(10, 0)
        return Typed(Kind.EXACT, DYNAMIC)  # PostgreSQL NUMERIC: each value its own scale
    if this in _TEXT_TYPES:
        return Typed(Kind.TEXT)
    return UNKNOWN


TYPED = "sqlshift_typed"
"""Meta key: a rule's rewrite of a source expression records the source type it stands for."""


def infer(node: exp.Expr, ctx: Context) -> Typed:
    """Best-known type of ``node`` as the SOURCE engine evaluates it."""
    known = node.meta.get(TYPED) if node._meta else None
    if isinstance(known, Typed):
        return known
    if isinstance(node, exp.Paren | exp.Neg | exp.Window):  # (a window: its function's)
        return infer(node.this, ctx)
    if isinstance(node, exp.Literal):
        return _literal(node, ctx.source)
    if isinstance(node, exp.Null):
        return UNKNOWN
    if isinstance(node, exp.Cast):
        return of_datatype(node.to, ctx.source)
    if isinstance(node, exp.Column):
        return _column(node, ctx)
    if isinstance(node, exp.Placeholder):
        return _argument(ctx.arg_kind(node), ctx.source)
    if isinstance(node, _PREDICATES):
        return Typed(Kind.BOOL)  # MySQL and SQLite evaluate it to 1/0, but it is a truth value
    if isinstance(node, exp.Subquery) and isinstance(node.this, exp.Select):
        items = node.this.expressions
        return infer(items[0].unalias(), ctx) if len(items) == 1 else UNKNOWN
    if isinstance(node, (exp.Count, exp.Length, exp.IntDiv, *_INTEGER_FUNCTIONS)):
        return Typed(Kind.INT)
    if isinstance(node, exp.Extract):
        return _extract(node, ctx)
    if isinstance(node, exp.Round):
        return _round(node, infer(node.this, ctx), ctx)
    if isinstance(node, exp.Sum):
        inner = infer(node.this, ctx)
        if inner.kind is Kind.INT and ctx.source == "mysql":
            return Typed(Kind.EXACT, 0)  # MySQL SUM of integers is a DECIMAL
        return inner if inner.kind.numeric else UNKNOWN
    if isinstance(node, exp.Max | exp.Min | exp.Abs | exp.FirstValue | exp.LastValue):
        return infer(node.this, ctx)
    if isinstance(node, exp.Lag | exp.Lead):  # another row's value, or the default
        return _common(ctx, branch_values(node))
    if isinstance(node, exp.NthValue):
        return infer(node.this, ctx)
    if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Mod):
        return _arith(node, infer(node.this, ctx), infer(node.expression, ctx))
    if isinstance(node, exp.Div):
        return _quotient(ctx, infer(node.this, ctx), infer(node.expression, ctx))
    return _infer_more(node, ctx)


def _argument(kind: str | None, source: str) -> Typed:
    """The type the source engine gives an argument of this kind (params.value_kind; None:
    the translation has no arguments): MySQL's driver writes it as a literal (a bool as 1 or
    0; a Decimal with its own digits, which its kind does not say: unknown), SQLite binds it
    as that value (a bool as 1 or 0),
    PostgreSQL types it from its context, which the value's type then matches. Issue 15,
    item 6: `ROUND(%s, 2)` with a float rounded a NUMERIC on PostgreSQL (1.01, MySQL 1.0)."""
    if kind in ("int", "bigint"):
        return Typed(Kind.INT)
    if kind == "bool":
        return Typed(Kind.BOOL) if source == "postgres" else Typed(Kind.INT)
    if kind == "float":
        return Typed(Kind.FLOAT)
    # (a string stays unknown: MySQL reads it by what it meets, a number beside a number, a
    # date beside a date column, which has no Kind here; rules that read strings ask
    # Context.arg_kind themselves)
    return UNKNOWN


def _infer_more(node: exp.Expr, ctx: Context) -> Typed:
    """Branching expressions, AVG and numeric functions (aggregates.py / numeric.py rules)."""
    if isinstance(node, exp.Case | exp.If | exp.Coalesce | exp.Greatest | exp.Least):
        return _common(ctx, branch_values(node))
    if isinstance(node, exp.Nullif):
        return infer(node.this, ctx)
    if isinstance(node, exp.Avg):
        inner = infer(node.this, ctx)
        if inner.kind is Kind.FLOAT or (ctx.source == "sqlite" and inner.kind.numeric):
            return Typed(Kind.FLOAT)
        if ctx.source == "mysql" and inner.kind in (Kind.INT, Kind.EXACT):
            return Typed(Kind.EXACT, inner.scale + 4)  # div_precision_increment
        if inner.kind in (Kind.INT, Kind.EXACT):
            return Typed(Kind.EXACT, DYNAMIC)  # PostgreSQL: NUMERIC of >= 16 digits
        return UNKNOWN
    if isinstance(node, _STATISTICS + _NUMERIC_FUNCTIONS) and ctx.source == "postgres":
        return postgres_function_kind(node, ctx)
    if isinstance(node, exp.Ceil | exp.Floor):
        inner = infer(node.this, ctx)
        if ctx.source == "postgres" and inner.kind is Kind.INT:
            return Typed(Kind.FLOAT)  # ceil(integer) resolves to ceil(double precision)
        return Typed(Kind.EXACT, 0) if inner.kind is Kind.EXACT else inner
    if isinstance(node, exp.Sign):
        inner = infer(node.this, ctx)
        if ctx.source != "postgres":
            return Typed(Kind.INT) if inner.kind.numeric else UNKNOWN
        if inner.kind is Kind.EXACT:
            return Typed(Kind.EXACT, 0)
        return Typed(Kind.FLOAT) if inner.kind.numeric else UNKNOWN  # sign(int/double)
    if isinstance(node, exp.Pow):
        return Typed(Kind.FLOAT)  # MySQL and SQLite
    if isinstance(node, exp.Rand):
        return Typed(Kind.INT) if ctx.source == "sqlite" else Typed(Kind.FLOAT)
    if isinstance(node, exp.Anonymous) and ctx.source == "mysql":
        return Typed(Kind.INT) if node.name.lower() in _MYSQL_INTEGER_CALLS else UNKNOWN
    return UNKNOWN


#: MySQL functions sqlglot does not model whose result is an integer (so `WHERE FIELD(...)`
#: is read as `<> 0` where a condition must be boolean)
_MYSQL_INTEGER_CALLS = frozenset({"field", "json_length", "json_contains_path"})


#: functions that are integers on every engine (MySQL's date parts; positions and codes)
_INTEGER_FUNCTIONS = (
    exp.Year, exp.Month, exp.Day, exp.Quarter, exp.DayOfWeek, exp.DayOfMonth, exp.DayOfYear,
    exp.WeekOfYear, exp.Week, exp.Hour, exp.Minute, exp.Second, exp.DateDiff, exp.StrPosition,
    exp.Ascii, exp.BitLength, exp.RowNumber, exp.Rank, exp.DenseRank, exp.Ntile,
)  # fmt: skip
#: EXTRACT fields whose PostgreSQL NUMERIC has a fraction, with its digits
EXTRACT_FRACTION_DIGITS = {"SECOND": 6, "EPOCH": 6, "MILLISECOND": 3, "MILLISECONDS": 3}


def _extract(node: exp.Extract, ctx: Context) -> Typed:
    """EXTRACT is an integer in MySQL (SQLite: strftime, turned into one); PostgreSQL's is a
    NUMERIC (scale 6 for seconds and epochs) and its date_part() a double precision."""
    if ctx.source != "postgres":
        return Typed(Kind.INT)
    from sqlshift.translator.targets import DATE_PART_FUNCTION

    if node.meta.get(DATE_PART_FUNCTION):
        return Typed(Kind.FLOAT)
    return Typed(Kind.EXACT, EXTRACT_FRACTION_DIGITS.get(node.this.name.upper(), 0))


_STATISTICS = (exp.Stddev, exp.StddevPop, exp.StddevSamp, exp.Variance, exp.VariancePop)
_NUMERIC_FUNCTIONS = (exp.Pow, exp.Log, exp.Ln, exp.Exp, exp.Sqrt)


def postgres_function_kind(node: exp.Expr, ctx: Context) -> Typed:
    """PostgreSQL's statistics and power/ln/log/exp/sqrt exist for double precision and
    NUMERIC: a double argument picks the double one, and so do integers alone (except
    log(b, x), which is only NUMERIC, and the statistics, whose integer forms are NUMERIC);
    a NUMERIC argument picks the NUMERIC one, whose result has the digits its value needs."""
    parts = [node.this, node.args.get("expression")]
    operands = {infer(part, ctx).kind for part in parts if isinstance(part, exp.Expr)}
    if Kind.FLOAT in operands:
        return Typed(Kind.FLOAT)
    if not operands or not operands <= {Kind.INT, Kind.EXACT}:
        return UNKNOWN
    two_argument_log = isinstance(node, exp.Log) and node.args.get("expression") is not None
    if Kind.EXACT in operands or two_argument_log or isinstance(node, _STATISTICS):
        return Typed(Kind.EXACT, DYNAMIC)
    return Typed(Kind.FLOAT)


def branch_values(node: exp.Expr) -> list[exp.Expr]:
    """The values a CASE/IF/COALESCE/GREATEST/LEAST/LAG/LEAD may give (NULLs left out)."""
    if isinstance(node, exp.Case):
        values = [branch.args.get("true") for branch in node.args.get("ifs") or []]
        values.append(node.args.get("default"))
    elif isinstance(node, exp.If):
        values = [node.args.get("true"), node.args.get("false")]
    elif isinstance(node, exp.Lag | exp.Lead):  # another row's value, or the default
        values = [node.this, node.args.get("default")]
    else:
        values = [node.this, *node.expressions]
    return [v for v in values if isinstance(v, exp.Expr) and not isinstance(v, exp.Null)]


def _common(ctx: Context, values: list[exp.Expr]) -> Typed:
    """The type of a CASE/IF/COALESCE: the one kind all its (non-NULL) results share, or
    the numeric promotion of INT/EXACT/FLOAT results."""
    if not values:
        return UNKNOWN
    typed = [infer(v, ctx) for v in values]
    kinds = {t.kind for t in typed}
    scale = DYNAMIC if any(t.scale == DYNAMIC for t in typed) else max(t.scale for t in typed)
    if len(kinds) == 1:
        return Typed(typed[0].kind, scale)
    if not kinds <= {Kind.INT, Kind.EXACT, Kind.FLOAT}:
        return UNKNOWN
    if Kind.FLOAT in kinds:
        return Typed(Kind.FLOAT)
    return Typed(Kind.EXACT, scale)


def _literal(node: exp.Literal, dialect: str) -> Typed:
    if node.is_string:
        return Typed(Kind.TEXT)
    text = node.name.lower()
    if "e" in text:
        if dialect != "postgres":
            return Typed(Kind.FLOAT)
        exponent = decimal.Decimal(text).as_tuple().exponent  # 1.5e-3 is NUMERIC 0.0015
        return Typed(Kind.EXACT, max(-exponent, 0) if isinstance(exponent, int) else 0)
    if "." in text:
        if dialect == "sqlite":
            return Typed(Kind.FLOAT)
        return Typed(Kind.EXACT, len(text.split(".", 1)[1]))
    return Typed(Kind.INT)


def _arith(node: exp.Expr, left: Typed, right: Typed) -> Typed:
    kinds = {left.kind, right.kind}
    if not kinds <= {Kind.INT, Kind.EXACT, Kind.FLOAT}:
        return UNKNOWN
    if Kind.FLOAT in kinds:
        return Typed(Kind.FLOAT)
    if kinds == {Kind.INT}:
        return Typed(Kind.INT)
    if DYNAMIC in (left.scale, right.scale):
        return Typed(Kind.EXACT, DYNAMIC)
    if isinstance(node, exp.Mul):
        return Typed(Kind.EXACT, left.scale + right.scale)
    return Typed(Kind.EXACT, max(left.scale, right.scale))


def _round(node: exp.Round, inner: Typed, ctx: Context) -> Typed:
    """ROUND(x[, n]): a double stays a double; PostgreSQL resolves round(integer) to the
    double precision function and round(x, n) to the NUMERIC one (scale n, 0 for n < 0);
    MySQL keeps an integer an integer and gives a DECIMAL n digits (its argument's scale
    for a computed n). Unknown operands, or PostgreSQL's computed n (the scale follows its
    value), are UNKNOWN."""
    if inner.kind is Kind.FLOAT:
        return inner
    if inner.kind not in (Kind.INT, Kind.EXACT):
        return UNKNOWN
    decimals = node.args.get("decimals")
    postgres = ctx.source == "postgres"
    if decimals is None:
        if inner.kind is Kind.INT:
            return Typed(Kind.FLOAT) if postgres else inner
        return Typed(Kind.EXACT, 0)
    digits = int_literal(decimals)
    if digits is None:
        return UNKNOWN if postgres else inner
    if inner.kind is Kind.INT and not postgres:
        return inner
    return Typed(Kind.EXACT, max(digits, 0))


def int_literal(node: exp.Expr | None) -> int | None:
    """The value of an integer literal (`2`, `-1`, `(3)`, `-(3)`), else None."""
    if isinstance(node, exp.Neg):
        inner = int_literal(node.this)
        return None if inner is None else -inner
    if isinstance(node, exp.Paren):
        return int_literal(node.this)
    if isinstance(node, exp.Literal) and not node.is_string and node.name.lstrip("-").isdigit():
        return int(node.name)
    return None


def _quotient(ctx: Context, left: Typed, right: Typed) -> Typed:
    """`/`: a double if either side is one; MySQL's exact quotient has the dividend's scale
    + 4 digits (div_precision_increment); PostgreSQL and SQLite truncate int/int, and
    PostgreSQL's NUMERIC quotient has the digits its value needs."""
    kinds = {left.kind, right.kind}
    if not kinds <= {Kind.INT, Kind.EXACT, Kind.FLOAT}:
        return UNKNOWN
    if Kind.FLOAT in kinds:
        return Typed(Kind.FLOAT)
    if ctx.source == "mysql":
        return Typed(Kind.EXACT, DYNAMIC if left.scale == DYNAMIC else left.scale + 4)
    if kinds == {Kind.INT}:
        return Typed(Kind.INT)
    return Typed(Kind.EXACT, DYNAMIC) if ctx.source == "postgres" else UNKNOWN


def _column(node: exp.Column, ctx: Context) -> Typed:
    dtype = declared_type(node, ctx)
    if dtype is not None:
        return of_datatype(dtype, ctx.source)
    item = defining_item(node, ctx)
    return infer(item, ctx) if item is not None else UNKNOWN


def defining_item(node: exp.Column, ctx: Context) -> exp.Expr | None:
    """The select item that defines a column of a CTE or a derived table (``COUNT(*)`` for
    ``c.total`` of ``WITH c AS (SELECT COUNT(*) AS total ...)``), so that its type is the
    item's; None for a table's column, or where the item cannot be told (a UNION or a
    recursive CTE, whose columns take the types of several branches; ``SELECT *``; a name two
    sources could provide)."""
    if node.table:
        source = _qualified_source(node)
        return _item_of(source, node.name) if source is not None else None
    scope = node.find_ancestor(exp.Select, exp.Update, exp.Delete)
    schema = ctx.schema
    while scope is not None:
        providers: list[exp.Expr] = []
        unknown = False
        for source in _scope_sources(scope):
            if isinstance(source, exp.Table) and not _is_cte(source):
                if schema is None or not schema.columns(source.name):
                    unknown = True  # a table whose columns are not known may have it
                elif schema.column_type(source.name, node.name) is not None:
                    providers.append(source)
            elif _output_names(source) is None:
                unknown = True
            elif node.name.lower() in _output_names(source):  # type: ignore[operator]
                providers.append(source)
        if len(providers) == 1 and not unknown:
            return _item_of(providers[0], node.name)
        if providers or unknown:
            return None
        parent = scope.parent
        scope = parent.find_ancestor(exp.Select, exp.Update, exp.Delete) if parent else None
    return None


def _definition(source: exp.Expr) -> tuple[exp.Select, exp.Expr] | None:
    """The plain SELECT behind a CTE reference or a derived table, with what names its
    columns (the CTE or the subquery, whose alias may list them); None otherwise."""
    if isinstance(source, exp.Subquery):
        body: exp.Expr | None = source.this
        named: exp.Expr = source
    elif isinstance(source, exp.Table) and _is_cte(source):
        cte = _cte_of(source)
        if cte is None:
            return None
        body, named = cte.this, cte
    else:
        return None
    return (body, named) if isinstance(body, exp.Select) else None


def _output_names(source: exp.Expr) -> list[str] | None:
    """The column names a CTE or derived table gives its readers (None: cannot tell)."""
    found = _definition(source)
    if found is None:
        return None
    body, named = found
    listed = named.args.get("alias")
    columns = listed.columns if isinstance(listed, exp.TableAlias) else []
    if columns:
        return [c.name.lower() for c in columns]
    if any(isinstance(e, exp.Star) or e.is_star for e in body.expressions):
        return None
    return [e.alias_or_name.lower() for e in body.expressions]


def _item_of(source: exp.Expr, name: str) -> exp.Expr | None:
    found = _definition(source)
    names = _output_names(source)
    if found is None or names is None or names.count(name.lower()) != 1:
        return None
    item: exp.Expr = found[0].expressions[names.index(name.lower())]
    return item.unalias() if isinstance(item, exp.Alias) else item


def _cte_of(table: exp.Table) -> exp.CTE | None:
    """The CTE a table reference names, unless it is recursive (several branches type it)."""
    found = _named_cte(table)
    return found[0] if found is not None and not found[1] else None


def declared_type(node: exp.Expr, ctx: Context) -> exp.DataType | None:
    """The schema's declared type of a column (None for anything else, or without schema).

    A column is resolved as SQL resolves it: a qualifier through the aliases of the enclosing
    queries (inner first); an unqualified name to the one source of its own query that has it,
    else of the query around it (a correlated reference). A column of a CTE or of a derived
    table is never typed from a schema table that has a column of the same name (it is
    unknown here), nor is a CTE that shadows a table's name taken for that table.
    """
    schema = ctx.schema
    if not isinstance(node, exp.Column) or schema is None:
        return None
    if node.table:
        source = _qualified_source(node)
        if source is None:  # not found in any enclosing query: the schema's, if unambiguous
            return schema.column_type(node.table, node.name) or schema.column_type(None, node.name)
        if not isinstance(source, exp.Table) or _is_cte(source):
            return None  # a derived table's or a CTE's column
        return schema.column_type(source.name, node.name)
    scope = node.find_ancestor(exp.Select, exp.Update, exp.Delete)
    if scope is None:  # INSERT ... VALUES, ON DUPLICATE KEY UPDATE: the written table's
        insert = node.find_ancestor(exp.Insert)
        target = insert.find(exp.Table) if insert is not None else None
        if target is not None and schema.column_type(target.name, node.name) is not None:
            return schema.column_type(target.name, node.name)
        return schema.column_type(None, node.name)
    while scope is not None:
        sources = _scope_sources(scope)
        tables = [
            t
            for t in sources
            if isinstance(t, exp.Table)
            and not _is_cte(t)
            and schema.column_type(t.name, node.name) is not None
        ]
        if len(tables) == 1:
            return schema.column_type(tables[0].name, node.name)
        if tables or any(not isinstance(t, exp.Table) or _is_cte(t) for t in sources):
            return None  # ambiguous, or it may be a derived table's or a CTE's column
        if all(schema.columns(t.name) for t in sources if isinstance(t, exp.Table)):
            # every source is a known table without it (or there is none): an outer query's
            parent = scope.parent
            scope = parent.find_ancestor(exp.Select, exp.Update, exp.Delete) if parent else None
            continue
        return None  # a table the schema does not know may have it
    return None


def column_tables(node: exp.Column) -> list[str]:
    """The tables ``node`` may belong to: its qualifier's (through aliases), or each table of
    its query's own FROM/JOINs when it has none."""
    table = _resolve_table(node)
    return [table] if table is not None else [t.name for t in _scope_tables(node)]


def _scope_tables(node: exp.Column) -> list[exp.Table]:
    scope = node.find_ancestor(exp.Select, exp.Update, exp.Delete)
    if scope is None:
        return []
    return [t for t in _scope_sources(scope) if isinstance(t, exp.Table)]


def _scope_sources(scope: exp.Expr) -> list[exp.Expr]:
    """What a query reads from directly: its FROM and JOIN items (tables, derived tables,
    table functions), and the table an UPDATE or DELETE names."""
    items = [scope.args.get("from_") or scope.args.get("from"), *scope.args.get("joins", [])]
    items.append(scope.this if isinstance(scope, exp.Update | exp.Delete) else None)
    sources: list[exp.Expr] = []
    for item in items:
        inner = item.this if isinstance(item, exp.From | exp.Join) else item
        if isinstance(inner, exp.Expr):  # (a malformed statement may hold a flag there)
            sources.append(inner)
    return sources


def _is_cte(table: exp.Table) -> bool:
    """Is ``table`` a reference to a CTE of an enclosing WITH (which hides a table of the
    same name)?"""
    return not table.args.get("db") and _named_cte(table) is not None


def _named_cte(table: exp.Table) -> tuple[exp.CTE, bool] | None:
    """The CTE of the nearest enclosing WITH that ``table`` names, and whether that WITH is
    recursive (a recursive CTE also names itself from inside)."""
    name = table.name.lower()
    node: exp.Expr | None = table.parent
    while node is not None:
        with_ = node.args.get("with_") or node.args.get("with")
        if isinstance(with_, exp.With):
            recursive = bool(with_.args.get("recursive"))
            for cte in with_.expressions:
                if cte.alias_or_name.lower() == name and (recursive or not is_within(table, cte)):
                    return cte, recursive
        node = node.parent
    return None


def is_within(node: exp.Expr, ancestor: exp.Expr) -> bool:
    """True when ``node`` is a proper descendant of ``ancestor`` (by identity)."""
    parent = node.parent
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.parent
    return False


def _qualified_source(node: exp.Column) -> exp.Expr | None:
    """The FROM/JOIN item a qualified column's qualifier names (a table, a derived table or a
    table function, by alias or name), inner queries first; None when none does."""
    qualifier = node.table.lower()
    scope = node.find_ancestor(exp.Select, exp.Update, exp.Delete)
    while scope is not None:
        for source in _scope_sources(scope):
            if source.alias_or_name.lower() == qualifier:
                return source
        scope = (
            scope.parent.find_ancestor(exp.Select, exp.Update, exp.Delete) if scope.parent else None
        )
    return None


def _resolve_table(node: exp.Column) -> str | None:
    """The table a column belongs to: its qualifier, through aliases of the enclosing query."""
    qualifier = node.table
    if not qualifier:
        return None
    scope = node.find_ancestor(exp.Select, exp.Update, exp.Delete)
    while scope is not None:
        for table in scope.find_all(exp.Table):
            if table.alias_or_name.lower() == qualifier.lower():
                return table.name
        scope = scope.parent.find_ancestor(exp.Select) if scope.parent else None
    return qualifier


#: nodes an emulation may evaluate more than once: deterministic, cheap, no subquery
_REPEATABLE = (
    exp.Column, exp.Identifier, exp.Literal, exp.Placeholder, exp.Null, exp.Paren, exp.Neg,
    exp.Add, exp.Sub, exp.Mul, exp.Length, exp.StrPosition, exp.Lower, exp.Upper, exp.Boolean,
    exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Not, exp.And, exp.Or, exp.Is,
    exp.Cast, exp.DataType, exp.DataTypeParam, exp.Div, exp.Mod, exp.IntDiv, exp.BitwiseAnd,
    exp.BitwiseOr, exp.BitwiseXor, exp.BitwiseNot, exp.BitwiseLeftShift, exp.BitwiseRightShift,
    exp.Nullif, exp.Coalesce, exp.Abs,
)  # fmt: skip


def is_repeatable(node: exp.Expr) -> bool:
    """True for a column, literal or parameter, or arithmetic, comparisons, casts, LENGTH(),
    LOWER()/UPPER(), LOCATE()/INSTR()/POSITION(), NULLIF(), COALESCE() and ABS() over them:
    the same value however often it is evaluated."""
    return all(isinstance(part, _REPEATABLE) for part in node.walk())


def is_simple(node: exp.Expr) -> bool:
    """True when evaluating ``node`` twice is cheap and gives the same value (safe to repeat)."""
    if isinstance(node, exp.Paren | exp.Neg):
        return is_simple(node.this)
    return isinstance(node, exp.Literal | exp.Column | exp.Placeholder | exp.Null | exp.Boolean)


def inserted_types(node: exp.Insert, ctx: Context) -> list[exp.DataType | None] | None:
    """The declared types of the columns an ``INSERT ... VALUES`` fills, in its column order
    (``schema=`` or the script's DDL); None when they cannot be told (no schema, no VALUES,
    rows of another length than the table's columns)."""
    target, values = node.this, node.expression
    if ctx.schema is None or not isinstance(values, exp.Values):
        return None
    if isinstance(target, exp.Schema) and isinstance(target.this, exp.Table):
        table = target.this.name
        return [ctx.schema.column_type(table, column.name) for column in target.expressions]
    if isinstance(target, exp.Table):  # no column list: the table's columns, in order
        types: list[exp.DataType | None] = [t for _, t in ctx.schema.columns(target.name)]
        if any(len(row.expressions) != len(types) for row in values.expressions):
            return None
        return types
    return None
