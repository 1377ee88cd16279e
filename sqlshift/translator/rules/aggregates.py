"""Rules: aggregate forms one engine lacks, and the text GROUP_CONCAT / STRING_AGG build.

`GROUP_CONCAT` (MySQL, SQLite) and `STRING_AGG` (PostgreSQL) are one node in sqlglot; what
differs is the text each engine makes of a non-text value (PostgreSQL accepts only text,
SQLite writes a DECIMAL 7.00 as `7` and a DOUBLE 1.0 as `1.0`, PostgreSQL writes 1e20 as
`1e+20`), ORDER BY and DISTINCT inside (SQLite before 3.44 has no ORDER BY there, and DISTINCT
only with the default separator) and the separator (MySQL wants a literal).

MySQL truncates a GROUP_CONCAT result to `group_concat_max_len` bytes (1024 by default in
MySQL 8, 1 MB in MariaDB 10.11) with only a warning. sqlshift translates the statement's
meaning, not that server setting: from MySQL, the target returns the whole string; into MySQL,
a result longer than the server's limit is cut there. Raise `group_concat_max_len` on MySQL
connections that aggregate long text (`SET SESSION group_concat_max_len = 1048576`).
"""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import func, rule
from sqlshift.translator.rules.numeric import (
    MYSQL_DIV_PRECISION,
    cast,
    mysql_exact_result,
    mysql_quotient_digits,
)
from sqlshift.translator.rules.numeric_types import postgres_dynamic_numeric
from sqlshift.translator.types import Kind, declared_type, infer, is_simple


@rule(exp.Filter, source={"postgres", "sqlite"}, target={"mysql"})
def aggregate_filter(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL has no `agg(x) FILTER (WHERE p)`. Aggregates ignore NULLs, so it becomes
    `agg(CASE WHEN p THEN x END)` (COUNT(*) counts `CASE WHEN p THEN 1 END`; a DISTINCT
    aggregate gets the CASE inside DISTINCT, since the rows p rejects become NULLs it ignores).
    Corpus: boolean.toml `pg-bool-filter-count`, aggregates.toml `agg-*-filter-*`."""
    agg, where = node.this, node.expression
    if not isinstance(agg, exp.AggFunc) or not isinstance(where, exp.Where):
        ctx.refuse(
            node,
            "filter-clause",
            "this FILTER clause has no MySQL equivalent",
            "use CASE WHEN inside the aggregate",
        )
        return None
    holder: exp.Expr = agg
    argument = agg.this
    if isinstance(argument, exp.Order):  # STRING_AGG(x, ',' ORDER BY k)
        holder, argument = argument, argument.this
    if isinstance(argument, exp.Distinct) and len(argument.expressions) == 1:
        value = argument.expressions[0]
        argument.set("expressions", [exp.Case(ifs=[exp.If(this=where.this, true=value)])])
        return agg
    if isinstance(argument, exp.Star) or argument is None:
        argument = exp.Literal.number(1)
    if isinstance(argument, exp.Distinct) or agg.expressions:
        ctx.refuse(
            node,
            "filter-clause",
            "FILTER on a multi-argument aggregate cannot be rewritten for MySQL",
            "use CASE WHEN inside the aggregate",
        )
        return None
    holder.set("this", exp.Case(ifs=[exp.If(this=where.this, true=argument)]))
    return agg


@rule(exp.Avg, source={"mysql"}, target={"postgres", "sqlite"})
def mysql_average(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL AVG of an exact column is a DECIMAL with the column's scale + 4 digits
    (AVG(int) = 39.9091); PostgreSQL keeps ~16 digits and SQLite returns a REAL. Rounded to
    MySQL's scale; AVG of a DOUBLE is unchanged; unknown types are refused.
    Corpus: grouping.toml `grp-my-avg-int-repeating`."""
    operand = infer(node.this, ctx)
    if operand.kind is Kind.FLOAT:
        return None
    if operand.kind in (Kind.INT, Kind.EXACT):
        scale = operand.scale + MYSQL_DIV_PRECISION
        if ctx.target == "postgres":
            # PostgreSQL's average keeps some 16 significant digits (411522630041.00000667),
            # fewer than the 9-digit words MySQL cuts at: give it those and 9 more
            digits = mysql_quotient_digits(operand.scale, 0)
            node.set("this", cast(node.this, f"NUMERIC(1000, {digits + 9})"))
        return mysql_exact_result(node, node, scale, ctx)
    ctx.refuse(
        node,
        "avg-needs-types",
        "MySQL AVG() rounds exact values to the column's scale "
        "+ 4 digits and the column type is unknown here",
        "pass schema= with the column types",
    )
    return None


@rule(exp.Avg, source={"postgres", "sqlite"}, target={"mysql"})
def average_in_double(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL averages integers to ~16 significant digits (SQLite in REAL); MySQL would
    round to scale + 4 digits. Averaging the DOUBLE value keeps the precision.
    Corpus: grouping.toml `grp-pg-avg-*`."""
    if isinstance(node.this, exp.Distinct):
        return None
    operand = infer(node.this, ctx).kind
    if operand is Kind.FLOAT and ctx.source == "postgres":
        return None  # a double precision value: MySQL averages DOUBLEs the same way
    if operand in (Kind.INT, Kind.EXACT) and ctx.source == "postgres":
        node.set("this", cast(node.this, "DECIMAL(65, 30)"))
        return postgres_dynamic_numeric(node, node, ctx, "the NUMERIC average")
    if ctx.source == "postgres":
        ctx.refuse(
            node,
            "avg-needs-types",
            "PostgreSQL's AVG() of integers and NUMERICs is a NUMERIC, of double precision "
            "values a double precision, and the operand's type is unknown here",
            "pass schema= with the column types, or CAST the operand to the type you mean",
        )
        return None
    # SQLite's REAL includes literals like 2.5, which MySQL reads as exact DECIMALs
    node.set("this", cast(node.this, "DOUBLE"))
    return None


# ------------------------------------------------------------------- GROUP_CONCAT / STRING_AGG


def _concat_parts(node: exp.GroupConcat) -> tuple[exp.Order | None, exp.Distinct | None]:
    inner = node.this
    order = inner if isinstance(inner, exp.Order) else None
    if order is not None:
        inner = order.this
    return order, inner if isinstance(inner, exp.Distinct) else None


def _values(node: exp.GroupConcat) -> list[exp.Expr]:
    """The aggregated values: the one argument, or each argument of DISTINCT."""
    order, distinct = _concat_parts(node)
    if distinct is not None:
        return list(distinct.expressions)
    return [order.this if order is not None else node.this]


def _pieces(value: exp.Expr) -> list[exp.Expr]:
    """The operands of a concatenation (MySQL's GROUP_CONCAT(a, b) concatenates a and b)."""
    if isinstance(value, exp.Concat):
        return [p for e in value.expressions for p in _pieces(e)]
    if isinstance(value, exp.DPipe):
        return _pieces(value.this) + _pieces(value.expression)
    if isinstance(value, exp.Paren):
        return _pieces(value.this)
    return [value]


def _is_boolean(node: exp.Expr, ctx: Context) -> bool:
    dtype = declared_type(node, ctx)
    return dtype is not None and dtype.this == exp.DataType.Type.BOOLEAN


def _as_text(value: exp.Expr, ctx: Context, *, piece: bool) -> exp.Expr | None:
    """``value`` as the text the source engine would concatenate, on the target (or None to
    keep it); refuses what cannot be reproduced. ``piece``: one operand of a concatenation,
    which PostgreSQL would turn into text silently rather than fail on."""
    if ctx.source == "postgres":
        return None  # STRING_AGG takes text only: the value already is text
    typed = infer(value, ctx)
    if typed.kind is Kind.TEXT or isinstance(value, exp.Null):
        return None
    if typed.kind is Kind.BOOL or _is_boolean(value, ctx):
        if ctx.target == "postgres":  # 1/0, not PostgreSQL's true/false
            return cast(cast(value, "INT"), "TEXT")
        return None
    if typed.kind is Kind.INT:
        return cast(value, "TEXT") if ctx.target == "postgres" else None
    if typed.kind is Kind.EXACT:
        if ctx.target == "postgres":
            return cast(value, "TEXT")  # NUMERIC keeps its scale in text, as DECIMAL does
        if ctx.target == "sqlite":  # SQLite holds 7.00 as the integer 7: printf('%.2f')
            if not is_simple(value) and value.find(exp.Rand, exp.Query):
                ctx.refuse(
                    value,
                    "group-concat-needs-types",
                    "SQLite writes an exact number without its scale (7.00 as 7); the "
                    "printf() emulation repeats the value, which must be deterministic",
                    "CAST the value to CHAR in the source",
                )
            text = func("printf", exp.Literal.string(f"%.{typed.scale}f"), value.copy())
            null = exp.Is(this=value, expression=exp.Null())  # printf('%.2f', NULL) is 0.00
            return exp.Case(ifs=[exp.If(this=null, true=exp.Null())], default=text)
        return None
    if typed.kind is Kind.FLOAT:
        ctx.refuse(
            value,
            "group-concat-float",
            f"{ctx.source} and {ctx.target} write a DOUBLE as different text (1.0 as `1` or "
            "`1.0`, 1e20 as `1e20` or `1e+20`)",
            "CAST the value to DECIMAL(p, s) so that its text is the same everywhere",
        )
        return cast(value, "TEXT") if ctx.target == "postgres" else None
    if ctx.target == "postgres":
        # STRING_AGG takes text only: the value passed through failed there on an integer
        # (corpus `agg-my-group-concat-unknown-type-int`); as text it is what the source
        # writes for text and integers, which is an assumption
        ctx.assume(
            value,
            "group-concat-unknown-type",
            "that it is text or an integer (PostgreSQL writes a boolean as true/false and a "
            f"DOUBLE in its own way, where {ctx.source} writes 1/0 and its own digits)",
            "pass schema= with the column types, or CAST the value to CHAR/TEXT",
        )
        return cast(value, "TEXT")
    ctx.refuse(
        value,
        "group-concat-needs-types",
        f"the text {ctx.source} makes of a number (DECIMAL 7.00, DOUBLE 1.0, booleans) differs "
        f"from {ctx.target}'s, and this value's type is unknown here",
        "pass schema= with the column types, or CAST the value to CHAR/TEXT",
    )
    return None


@rule(exp.GroupConcat)
def group_concat(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """GROUP_CONCAT / STRING_AGG / group_concat across engines: non-text values become the
    text the source would have made (PostgreSQL needs text: CAST; SQLite needs printf('%.2f')
    for a DECIMAL; DOUBLEs and unknown types where the text differs are refused:
    `group-concat-float`, `group-concat-needs-types`); SQLite before 3.44 has no ORDER BY
    inside (`group-concat-order`) and allows DISTINCT only with the default ','
    (`group-concat-distinct`); MySQL needs a literal separator (`group-concat-separator`);
    DISTINCT of known text follows the collation policy (`collation-group`).
    Corpus: aggregates.toml `agg-*-group-concat-*`, `agg-*-string-agg-*`."""
    assert isinstance(node, exp.GroupConcat)
    order, distinct = _concat_parts(node)
    separator = node.args.get("separator")
    literal_separator = separator is None or (
        isinstance(separator, exp.Literal) and separator.is_string
    )
    if ctx.target == "mysql" and not literal_separator:
        ctx.refuse(
            node,
            "group-concat-separator",
            "MySQL's GROUP_CONCAT takes only a string literal as SEPARATOR",
            "write the separator as a literal",
        )
    if ctx.target == "sqlite" and order is not None:
        ctx.refuse(
            order,
            "group-concat-order",
            "SQLite before 3.44 has no ORDER BY inside group_concat(), and the order of an "
            "ordered subquery is not guaranteed to carry over",
            "drop the ORDER BY if the order does not matter, or concatenate in the application",
        )
    if distinct is not None:
        _distinct(node, distinct, separator, ctx)
        if order is not None and ctx.target == "postgres" and ctx.source != "postgres":
            return _distinct_ordered_array(node, distinct, ctx)
    for value in _values(node):
        pieces = _pieces(value)
        for part in pieces:
            # where the part hangs: _as_text wraps it, which re-parents it
            parent, key, index = part.parent, part.arg_key, part.index
            replacement = _as_text(part, ctx, piece=len(pieces) > 1)
            if replacement is not None and parent is not None and key is not None:
                parent.set(key, replacement, index)
    return None


def _distinct_ordered_array(
    node: exp.GroupConcat, distinct: exp.Distinct, ctx: Context
) -> exp.Expr | None:
    """PostgreSQL requires the ORDER BY keys of a DISTINCT aggregate among its arguments, so
    the value cannot be cast to text inside STRING_AGG (and text would sort '10' before '2'):
    ARRAY_AGG(DISTINCT x ORDER BY ...) keeps x's type, ARRAY_TO_STRING writes it out and
    skips NULLs, like GROUP_CONCAT. Corpus: aggregates.toml `agg-my-group-concat-distinct-ordered`."""
    values = list(distinct.expressions)
    kind = infer(values[0], ctx).kind if len(values) == 1 else Kind.UNKNOWN
    if kind is Kind.TEXT:
        return None
    if kind not in (Kind.INT, Kind.EXACT) or _is_boolean(values[0], ctx):
        ctx.refuse(
            node,
            "group-concat-distinct",
            "PostgreSQL needs the ORDER BY of a DISTINCT aggregate among its arguments; only "
            "a single integer or DECIMAL value (or text) can be ordered and written out as "
            "MySQL does",
            "order by the concatenated value itself, or pass schema= with its type",
        )
        return None
    separator = node.args.get("separator") or exp.Literal.string(",")
    return exp.ArrayToString(this=exp.ArrayAgg(this=node.this), expression=separator)


def _distinct(
    node: exp.GroupConcat, distinct: exp.Distinct, separator: exp.Expr | None, ctx: Context
) -> None:
    if ctx.target == "sqlite":
        default = separator is None or (
            isinstance(separator, exp.Literal) and separator.is_string and separator.name == ","
        )
        if not default or len(distinct.expressions) != 1:
            ctx.refuse(
                node,
                "group-concat-distinct",
                "SQLite's group_concat(DISTINCT x) takes one value and no separator",
                "use the default ',' separator, or SELECT DISTINCT in a subquery",
            )
        else:
            node.set("separator", None)
    if getattr(ctx.options, "collation", "emulate") != "emulate":
        return
    for value in distinct.expressions:
        if infer(value, ctx).kind is Kind.TEXT and not isinstance(value, exp.Literal):
            ctx.refuse(
                node,
                "collation-group",
                f"{ctx.source} removes duplicates among text by its collation (MySQL: case- "
                f"and accent-insensitive), {ctx.target} differently",
                "use a _bin collation / LOWER() explicitly in the source, or pass "
                "options=Options(collation='target') to accept the target's behaviour",
            )
            return


# ------------------------------------------------------------------------------ COUNT DISTINCT


@rule(exp.Count, source={"mysql"}, target={"sqlite"})
def count_distinct_columns(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL COUNT(DISTINCT a, b) counts distinct pairs with no NULL in them; SQLite allows one
    DISTINCT argument only. The pair becomes one injective text, quote(a) || ',' || quote(b)
    (quote() writes a REAL with 20 digits and escapes quotes), NULL when any part is NULL.
    (PostgreSQL gets sqlglot's CASE ... ELSE (a, b) END.)
    Corpus: aggregates.toml `agg-my-count-distinct-*`."""
    distinct = node.this
    if not isinstance(distinct, exp.Distinct) or len(distinct.expressions) < 2:
        return None
    values = list(distinct.expressions)
    key: exp.Expr = func("quote", values[0])
    for value in values[1:]:
        key = exp.DPipe(
            this=exp.DPipe(this=key, expression=exp.Literal.string(","), safe=True),
            expression=func("quote", value.copy()),
            safe=True,
        )
    any_null = exp.or_(*(exp.Is(this=v.copy(), expression=exp.Null()) for v in values))
    case = exp.Case(ifs=[exp.If(this=any_null, true=exp.Null())], default=key)
    distinct.set("expressions", [case])
    return None


@rule(exp.Count, source={"postgres"}, target={"mysql", "sqlite"})
def count_distinct_row(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL COUNT(DISTINCT (a, b)) counts row values, including rows whose fields are
    NULL ((NULL, 1) is a non-null row); MySQL's COUNT(DISTINCT a, b) skips them and SQLite has
    no row-valued DISTINCT. Refused (`count-distinct-row`).
    Corpus: aggregates.toml `agg-pg-count-distinct-row`."""
    distinct = node.this
    if (
        isinstance(distinct, exp.Distinct)
        and len(distinct.expressions) == 1
        and isinstance(distinct.expressions[0], exp.Tuple)
    ):
        ctx.refuse(
            node,
            "count-distinct-row",
            "PostgreSQL counts distinct row values including those with NULL fields; "
            f"{ctx.target} has no such count",
            "count DISTINCT over a subquery: SELECT COUNT(*) FROM (SELECT DISTINCT a, b ...)",
        )
    return None


# --------------------------------------------------------------------- total(), every()


@rule(exp.Anonymous, source={"sqlite"}, target={"mysql", "postgres"})
def sqlite_total(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite total(x) is SUM in floating point that gives 0.0 for no rows or only NULLs
    (SUM gives NULL). Becomes COALESCE(SUM(CAST(x AS DOUBLE)), 0).
    Corpus: aggregates.toml `agg-lite-total*`."""
    assert isinstance(node, exp.Anonymous)
    if node.name.lower() != "total" or len(node.expressions) != 1:
        return None
    total = exp.Sum(this=cast(node.expressions[0], "DOUBLE"))
    return exp.Coalesce(this=total, expressions=[exp.Literal.number("0.0")])


@rule(exp.Anonymous, source={"postgres"}, target={"mysql", "sqlite"})
def postgres_every(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL every(p) is bool_and(p): true when p holds for every non-NULL row. MySQL and
    SQLite have 1/0 truth values, so it is MIN(p) (sqlglot writes bool_and/bool_or as MIN/MAX).
    Corpus: aggregates.toml `agg-pg-bool-and-or`."""
    assert isinstance(node, exp.Anonymous)
    if node.name.lower() != "every" or len(node.expressions) != 1:
        return None
    return exp.Min(this=node.expressions[0])


@rule(exp.WithinGroup, source={"postgres"}, target={"mysql", "sqlite"}, first=True)
def ordered_set_aggregate(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL's ordered-set aggregates (`percentile_cont(0.5) WITHIN GROUP (ORDER BY x)`,
    `percentile_disc`, `mode()`): SQLite has none, MySQL 8 none, MariaDB percentile_cont and
    percentile_disc only as window functions of one sort key. They were written through and
    failed there: refused (`ordered-set-aggregate`).
    Corpus: aggregates.toml `agg-pg-percentile-cont`."""
    ctx.refuse(
        node,
        "ordered-set-aggregate",
        f"{ctx.target} has no ordered-set aggregate (WITHIN GROUP)",
        "compute the percentile in the application, or with ROW_NUMBER() over the sorted rows",
    )
    return None


# ------------------------------------------------------------------ BIT_AND / BIT_OR / BIT_XOR

_BIT_AGGREGATES = (exp.BitwiseAndAgg, exp.BitwiseOrAgg, exp.BitwiseXorAgg)
_TWO_TO_64 = 2**64


@rule(*_BIT_AGGREGATES, source={"mysql"}, target={"postgres"})
def mysql_bit_aggregate(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL BIT_AND/BIT_OR/BIT_XOR are unsigned 64-bit: over no rows they give all ones
    (BIT_AND) or 0 rather than NULL, and a negative result reads as its unsigned value
    (BIT_AND(-7) = 18446744073709551609); PostgreSQL's are NULL over no rows and signed.
    Becomes COALESCE((agg::NUMERIC + 2^64) % 2^64, 2^64 - 1 or 0) (a NUMERIC: Decimal values).
    Corpus: aggregates.toml `agg-my-bit-*`."""
    unsigned = exp.Mod(
        this=exp.Paren(this=exp.Add(this=cast(node, "NUMERIC"), expression=_number(_TWO_TO_64))),
        expression=_number(_TWO_TO_64),
    )
    empty = _TWO_TO_64 - 1 if isinstance(node, exp.BitwiseAndAgg) else 0
    return exp.Coalesce(this=unsigned, expressions=[_number(empty)])


@rule(*_BIT_AGGREGATES, source={"postgres"}, target={"mysql"})
def postgres_bit_aggregate(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL BIT_AND/BIT_OR/BIT_XOR are NULL over no rows and signed (BIT_AND(-7) = -7);
    MySQL's give all ones or 0 over no rows and are unsigned. Becomes CASE WHEN COUNT(x) > 0
    THEN CAST(agg AS SIGNED) END, which repeats x (a column or literal; else refused).
    Corpus: aggregates.toml `agg-pg-bit-*`."""
    value: exp.Expr = node.this
    if not is_simple(value):
        ctx.refuse(
            node,
            "bit-aggregate",
            "PostgreSQL's bitwise aggregates are NULL over no rows; the emulation counts the "
            "argument, which must be a column or a literal",
            "aggregate a column of a subquery",
        )
        return None
    counted = exp.GT(this=exp.Count(this=value.copy()), expression=exp.Literal.number(0))
    signed = exp.Cast(this=node, to=exp.DataType.build("BIGINT"))  # CAST(.. AS SIGNED)
    return exp.Case(ifs=[exp.If(this=counted, true=signed)])


def _number(value: int) -> exp.Expr:
    return exp.Literal.number(value)


# ---------------------------------------------------------------- SQLite's bare columns


def _outside_subqueries(node: exp.Expr) -> list[exp.Expr]:
    """``node`` and its descendants, not descending into subqueries."""
    return list(node.walk(prune=lambda n: n is not node and isinstance(n, exp.Query)))


@rule(exp.Select, source={"sqlite"}, target={"mysql", "postgres"})
def sqlite_bare_columns(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """In SQLite's `SELECT id, MAX(age) FROM people`, the bare column id (neither aggregated
    nor grouped) comes from the row that holds the maximum; MySQL returns a value of any row
    of the group, and PostgreSQL rejects the query. Refused (bare-column) when the query has a
    MIN or MAX aggregate and such a column. Corpus: aggregates.toml `agg-lite-bare-column`."""
    items = node.expressions
    nodes = [n for item in items for n in _outside_subqueries(item)]
    if not any(
        isinstance(n, exp.Min | exp.Max) and n.find_ancestor(exp.Window) is None for n in nodes
    ):
        return None
    group = node.args.get("group")
    keys = {key.sql() for key in group.expressions} if group is not None else set()
    for column in (n for n in nodes if isinstance(n, exp.Column)):
        if column.find_ancestor(exp.AggFunc) is not None or column.sql() in keys:
            continue
        if any(a.sql() in keys for a in _ancestors_within(column, node)):
            continue
        ctx.refuse(
            column,
            "bare-column",
            f"SQLite takes `{column.sql()}` from the row holding the MIN/MAX; {ctx.target} "
            "would take it from any row of the group (or refuse the query)",
            "join back to the row with the extreme value, or aggregate the column too",
        )
        return None
    return None


def _ancestors_within(node: exp.Expr, top: exp.Expr) -> list[exp.Expr]:
    found: list[exp.Expr] = []
    current = node.parent
    while current is not None and current is not top:
        found.append(current)
        current = current.parent
    return found


# ----------------------------------------------------- STDDEV / VARIANCE and their display

_STATISTICS = (exp.Stddev, exp.StddevPop, exp.StddevSamp, exp.Variance, exp.VariancePop)


@rule(*_STATISTICS, source={"mysql"}, target={"postgres"})
def mysql_statistics_digits(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MariaDB gives STDDEV/VARIANCE of an exact column the column's scale + 4 digits
    (STDDEV_POP(age) = 4.5277, the value 4.527692569...); PostgreSQL gives ~16 digits. The
    result is rounded the same way (MySQL 8 returns the full DOUBLE: this follows MariaDB,
    the engine the corpus runs); a DOUBLE column keeps every digit; unknown types are refused.
    Corpus: aggregates.toml `agg-my-stddev`."""
    operand = infer(node.this, ctx)
    if operand.kind is Kind.FLOAT:
        return None
    if operand.kind in (Kind.INT, Kind.EXACT):
        digits = exp.Literal.number(operand.scale + MYSQL_DIV_PRECISION)
        rounded = exp.Round(this=cast(node, "NUMERIC"), decimals=digits)
        return cast(rounded, "DOUBLE")  # a DOUBLE shown with those digits: 7.0, 9.8995
    ctx.refuse(
        node,
        "stddev-needs-types",
        "MariaDB rounds STDDEV/VARIANCE of exact values to the column's scale + 4 digits and "
        "the column type is unknown here",
        "pass schema= with the column types",
    )
    return None


@rule(*_STATISTICS, source={"postgres", "sqlite"}, target={"mysql"})
def statistics_every_digit(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """The other way: MariaDB would show STDDEV/VARIANCE of an exact column with only 4 more
    digits than the column (4.5277); read as a DOUBLE it has them all (4.527692569068709).
    PostgreSQL's of an integer or NUMERIC is a NUMERIC of as many digits as its value needs.
    Corpus: aggregates.toml `agg-pg-stddev`."""
    if ctx.source == "postgres" and infer(node.this, ctx).kind in (Kind.INT, Kind.EXACT):
        return postgres_dynamic_numeric(node, node, ctx, "a NUMERIC standard deviation")
    return exp.Cast(this=node, to=exp.DataType.build("DOUBLE"))
