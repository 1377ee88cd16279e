"""Rules: query shapes one engine spells differently (HAVING aliases, ANY, recursive CTEs)."""

from __future__ import annotations

import re

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import ALL, rule
from sqlshift.translator.types import Kind, infer, int_literal


@rule(exp.Having, source={"mysql", "sqlite"}, target={"postgres"})
def having_alias(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL and SQLite let HAVING name a select-list alias (`HAVING n >= 3`); PostgreSQL
    does not. Each unqualified alias reference is replaced by the aliased expression.
    Corpus: grouping.toml `grp-my-having-alias`."""
    select = node.parent
    if not isinstance(select, exp.Select):
        return None
    aliases = {a.alias.lower(): a.this for a in select.expressions if isinstance(a, exp.Alias)}
    if not aliases:
        return None
    for column in list(node.find_all(exp.Column)):
        target = aliases.get(column.name.lower())
        if target is not None and not column.table:
            column.replace(target.copy())
    return None


@rule(exp.Any, source={"postgres", "mysql"}, target={"sqlite"})
def any_subquery(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite has no `x = ANY (subquery)`; `= ANY` is exactly `IN` (NULLs included). Other
    comparisons with ANY/ALL are refused. Corpus: subqueries.toml `sub-pg-any`."""
    comparison = node.parent
    if (
        isinstance(comparison, exp.EQ)
        and node.arg_key == "expression"
        and isinstance(node.this, exp.Subquery)
    ):
        comparison.replace(exp.In(this=comparison.this, query=node.this))
        return None
    ctx.refuse(
        node,
        "any-all",
        "SQLite has no ANY/ALL comparisons",
        "rewrite with EXISTS or MIN/MAX in a subquery",
    )
    return None


@rule(exp.With, source={"sqlite"}, target={"mysql", "postgres"})
def implicit_recursive_cte(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite runs a self-referencing CTE without the RECURSIVE keyword; MySQL and PostgreSQL
    then look for a table of that name. The keyword is added.
    Corpus: ctes.toml `cte-lite-recursive-without-keyword`."""
    if node.args.get("recursive"):
        return None
    for cte in node.expressions:
        name = cte.alias_or_name.lower()
        if any(t.name.lower() == name for t in cte.this.find_all(exp.Table)):
            node.set("recursive", True)
            break
    return None


# --- DISTINCT ON ---------------------------------------------------------------------------

_RN = "_sqlshift_rn"


@rule(exp.Select, source={"postgres"}, target={"mysql", "sqlite"})
def distinct_on(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL's `SELECT DISTINCT ON (k) ... ORDER BY k, x` keeps the first row of each k in
    that order; MySQL and SQLite have no DISTINCT ON. Emulated with ROW_NUMBER() OVER (PARTITION
    BY k ORDER BY k, x) in a derived table; the outer query keeps the ORDER BY (through hidden
    order columns) and the LIMIT/OFFSET, which must apply after the filter. Without an ORDER BY
    beyond the DISTINCT ON keys PostgreSQL picks an arbitrary row: refused (`distinct-on-order`);
    `*` in the select list would expose the helper columns: refused (`distinct-on-star`).
    Corpus: queries.toml `qs-pg-distinct-on-*`."""
    distinct = node.args.get("distinct")
    on = distinct.args.get("on") if isinstance(distinct, exp.Distinct) else None
    if not isinstance(on, exp.Tuple):
        return None
    keys = [k for k in on.expressions]
    order = node.args.get("order")
    selects = list(node.expressions)
    if any(s.is_star for s in selects):
        ctx.refuse(
            node,
            "distinct-on-star",
            f"{ctx.target} has no DISTINCT ON and its emulation needs the select list spelt out",
            "list the columns instead of *",
        )
        return None
    aliases = {s.alias.lower(): s.this for s in selects if isinstance(s, exp.Alias)}

    def resolve(term: exp.Expr) -> exp.Expr:
        # PostgreSQL reads a bare name or an ordinal in ORDER BY as an output column first.
        if isinstance(term, exp.Literal) and not term.is_string and term.name.isdigit():
            index = int(term.name) - 1
            if 0 <= index < len(selects):
                chosen: exp.Expr = selects[index]
                if isinstance(chosen, exp.Alias):
                    chosen = chosen.this
                return chosen.copy()
        if isinstance(term, exp.Column) and not term.table and term.name.lower() in aliases:
            found: exp.Expr = aliases[term.name.lower()]
            return found.copy()
        return term.copy()

    ordered = list(order.expressions) if isinstance(order, exp.Order) else []
    key_sql = {resolve(k).sql("postgres") for k in keys}
    if not any(resolve(o.this).sql("postgres") not in key_sql for o in ordered):
        ctx.refuse(
            node,
            "distinct-on-order",
            "DISTINCT ON without an ORDER BY beyond its keys keeps an arbitrary row per key",
            "add ORDER BY columns after the DISTINCT ON keys that pick the row to keep",
        )
        return None

    inner = node.copy()
    inner.set("distinct", None)
    for arg in ("order", "limit", "offset"):
        inner.set(arg, None)
    names: list[str] = []
    projections: list[exp.Expr] = []
    for i, s in enumerate(inner.expressions):
        name = s.alias_or_name if isinstance(s, exp.Alias | exp.Column) else ""
        name = name or f"_sqlshift_c{i}"
        if name.lower() in {n.lower() for n in names}:
            name = f"_sqlshift_c{i}"
        names.append(name)
        value = s.this if isinstance(s, exp.Alias) else s
        projections.append(exp.alias_(value, name, quoted=True))
    window_order: list[exp.Expr] = []
    outer_order: list[exp.Expr] = []
    for i, o in enumerate(ordered):
        term = resolve(o.this)
        in_window = o.copy()
        in_window.set("this", term)
        window_order.append(in_window)
        hidden = f"_sqlshift_o{i}"
        projections.append(exp.alias_(term.copy(), hidden))
        outer = o.copy()
        outer.set("this", exp.column(hidden))
        outer_order.append(outer)
    window = exp.Window(
        this=exp.RowNumber(),
        partition_by=[resolve(k) for k in keys],
        order=exp.Order(expressions=window_order),
    )
    projections.append(exp.alias_(window, _RN))
    inner.set("expressions", projections)
    outer_select = exp.Select(expressions=[exp.column(n, quoted=True) for n in names])
    outer_select.set(
        "from_",
        exp.From(
            this=exp.Subquery(
                this=inner, alias=exp.TableAlias(this=exp.to_identifier("_sqlshift_t"))
            )
        ),
    )
    outer_select.set(
        "where", exp.Where(this=exp.EQ(this=exp.column(_RN), expression=exp.Literal.number(1)))
    )
    outer_select.set("order", exp.Order(expressions=outer_order))
    for arg in ("limit", "offset"):
        value = node.args.get(arg)
        if value is not None:
            outer_select.set(arg, value.copy())
    return outer_select


# --- derived tables, VALUES, subqueries with LIMIT, LATERAL, set operations --------------


def _from_item(node: exp.Expr) -> bool:
    return isinstance(node.parent, exp.From | exp.Join) and node.arg_key == "this"


def _fresh_alias(node: exp.Expr, prefix: str) -> exp.TableAlias:
    root = node.root()
    index = next((i for i, n in enumerate(root.find_all(exp.Subquery, exp.Values)) if n is node), 0)
    return exp.TableAlias(this=exp.to_identifier(f"_sqlshift_{prefix}{index}"))


@rule(exp.Subquery, exp.Values, source={"sqlite"}, target={"mysql", "postgres"})
def derived_table_alias(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite accepts a derived table or a VALUES list in FROM without an alias; MySQL and
    PostgreSQL (before 16) require one. An alias is added; a VALUES list keeps SQLite's column
    names column1, column2, ... (PostgreSQL's too; MySQL gets them as explicit aliases).
    Corpus: queries.toml `qs-lite-derived-no-alias`, `qs-lite-values-from`."""
    if not _from_item(node) or node.args.get("alias") is not None:
        return None
    alias = _fresh_alias(node, "d")
    if isinstance(node, exp.Values) and ctx.target == "mysql":
        rows = node.expressions
        width = len(rows[0].expressions) if rows and isinstance(rows[0], exp.Tuple) else 1
        alias.set("columns", [exp.to_identifier(f"column{i + 1}") for i in range(width)])
    node.set("alias", alias)
    return None


@rule(exp.Values, source={"postgres", "mysql"}, target={"sqlite"})
def values_column_names(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`(VALUES (1, 'a'), (2, 'b')) AS t(x, y)` names its columns in the alias; SQLite has no
    column list in a table alias. Rewritten as `(SELECT 1 AS x, 'a' AS y UNION ALL SELECT 2,
    'b') AS t`. Corpus: queries.toml `qs-pg-values-alias-columns`."""
    alias = node.args.get("alias")
    columns = alias.args.get("columns") if isinstance(alias, exp.TableAlias) else None
    if not columns or not _from_item(node):
        return None
    rows = [r.expressions if isinstance(r, exp.Tuple) else [r] for r in node.expressions]
    if any(len(r) != len(columns) for r in rows):
        ctx.refuse(
            node,
            "values-columns",
            "the VALUES rows and the alias's column list differ in length",
            "name as many columns as each row has",
        )
        return None
    selects: list[exp.Expr] = []
    for i, row in enumerate(rows):
        items = [
            exp.alias_(v.copy(), c.copy()) if i == 0 else v.copy()
            for v, c in zip(row, columns, strict=True)
        ]
        selects.append(exp.Select(expressions=items))
    query: exp.Expr = selects[0]
    for s in selects[1:]:
        query = exp.Union(this=query, expression=s, distinct=False)
    assert isinstance(alias, exp.TableAlias)
    return exp.Subquery(this=query, alias=exp.TableAlias(this=alias.this.copy()))


def _limited(query: exp.Expr | None) -> bool:
    return isinstance(query, exp.Query) and (
        query.args.get("limit") is not None or query.args.get("offset") is not None
    )


@rule(exp.In, exp.Any, exp.All, source={"postgres", "sqlite"}, target={"mysql"})
def limit_in_subquery(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL and MariaDB reject LIMIT in an `IN`/`ANY`/`ALL` subquery ("doesn't yet support
    'LIMIT & IN/ALL/ANY/SOME subquery'"); the manual's workaround wraps it in a derived table,
    which means the same. Corpus: queries.toml `qs-pg-in-subquery-limit`."""
    sub = node.args.get("query") if isinstance(node, exp.In) else node.this
    if not isinstance(sub, exp.Subquery) or not _limited(sub.this):
        return None
    inner = sub.this
    wrapped = exp.Select(expressions=[exp.Star()]).from_(
        exp.Subquery(
            this=inner.copy(), alias=exp.TableAlias(this=exp.to_identifier("_sqlshift_l"))
        ),
        copy=False,
    )
    sub.set("this", wrapped)
    return None


@rule(exp.Lateral, source={"postgres"}, target={"mysql", "sqlite"})
def lateral(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """LATERAL derived tables exist in PostgreSQL and MySQL 8.0.14+, but not in MariaDB or
    SQLite. Refused (`lateral`). Corpus: queries.toml `qs-pg-lateral`."""
    ctx.refuse(
        node,
        "lateral",
        f"{'MariaDB' if ctx.target == 'mysql' else 'SQLite'} has no LATERAL derived tables",
        "rewrite with a correlated subquery in the select list or a join on a grouped "
        "derived table",
    )
    return None


@rule(exp.Intersect, exp.Except, source={"postgres", "mysql"}, target={"sqlite"})
def set_operation_all(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """INTERSECT ALL / EXCEPT ALL keep duplicates (PostgreSQL, MySQL 8.0.31+, MariaDB 10.5+);
    SQLite has only the distinct forms. Refused (`set-operation-all`).
    Corpus: queries.toml `qs-pg-intersect-all`, `qs-pg-except-all`."""
    if node.args.get("distinct") is False:
        ctx.refuse(
            node,
            "set-operation-all",
            f"SQLite has no {type(node).__name__.upper()} ALL",
            "use the distinct form if duplicates cannot occur, or count rows per value",
        )
    return None


# --- generate_series -------------------------------------------------------------------------


def _is_literal(node: exp.Expr) -> bool:
    while isinstance(node, exp.Neg | exp.Paren):
        node = node.this
    return isinstance(node, exp.Literal)


def _constant(node: exp.Expr) -> bool:
    return not any(isinstance(n, exp.Column | exp.Query) for n in node.walk())


@rule(exp.ExplodingGenerateSeries, source={"postgres"}, target={"mysql", "sqlite"})
def generate_series(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL's `FROM generate_series(a, b[, step])` has no equivalent table function in
    MySQL or SQLite; for integers it is a recursive CTE in a derived table (`WITH RECURSIVE s(v)
    AS (SELECT a WHERE a <= b UNION ALL SELECT v + step FROM s WHERE v + step <= b)`), named
    like PostgreSQL names it. The step must be an integer literal (its sign decides the test)
    and the bounds constant integers; other forms are refused (`generate-series`). MySQL 8 stops
    a recursion after `cte_max_recursion_depth` (1000) rows with an error.
    Corpus: queries.toml `qs-pg-generate-series-*`."""
    table = node.parent
    start, end = node.args.get("start"), node.args.get("end")
    step_node = node.args.get("step")
    step = 1 if step_node is None else int_literal(step_node)
    bounds = [e for e in (start, end) if isinstance(e, exp.Expr)]
    ok = (
        isinstance(table, exp.Table)
        and _from_item(table)
        and len(bounds) == 2
        and all(_constant(e) for e in bounds)
        # a literal bound must be an integer; placeholders and constant expressions pass
        and all(int_literal(e) is not None for e in bounds if _is_literal(e))
        and step is not None
        and step != 0
    )
    if not ok or not isinstance(table, exp.Table):
        ctx.refuse(
            node,
            "generate-series",
            f"{ctx.target} has no generate_series(); only an integer series with constant bounds "
            "and a literal step in FROM can be emulated",
            "use a recursive CTE",
        )
        return None
    assert isinstance(start, exp.Expr) and isinstance(end, exp.Expr) and step is not None
    alias = table.args.get("alias")
    table_name = (
        alias.name if isinstance(alias, exp.TableAlias) and alias.name else "generate_series"
    )
    columns = alias.args.get("columns") if isinstance(alias, exp.TableAlias) else None
    column = columns[0].name if columns else table_name
    cmp = exp.LTE if step > 0 else exp.GTE
    v = exp.column("v")
    nxt = exp.Add(this=v.copy(), expression=exp.Literal.number(step))
    anchor = exp.Select(expressions=[exp.alias_(start.copy(), "v")]).where(
        cmp(this=start.copy(), expression=end.copy()), copy=False
    )
    recursive = (
        exp.Select(expressions=[nxt.copy()])
        .from_("_sqlshift_s", copy=False)
        .where(cmp(this=nxt.copy(), expression=end.copy()), copy=False)
    )
    cte = exp.CTE(
        this=exp.Union(this=anchor, expression=recursive, distinct=False),
        alias=exp.TableAlias(
            this=exp.to_identifier("_sqlshift_s"), columns=[exp.to_identifier("v")]
        ),
    )
    body = exp.Select(expressions=[exp.alias_(v.copy(), column, quoted=True)]).from_(
        "_sqlshift_s", copy=False
    )
    body.set("with_", exp.With(expressions=[cte], recursive=True))
    # The whole table reference (with PostgreSQL's column alias list) becomes the derived table.
    table.replace(
        exp.Subquery(
            this=body, alias=exp.TableAlias(this=exp.to_identifier(table_name, quoted=True))
        )
    )
    return None


# --- mixed types: CASE results, text compared with numbers ----------------------------------

_NUMBER_PREFIX = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")
_DECIMAL = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")


def _number_literal(text: str) -> exp.Expr:
    """A SQL number literal for the (already validated) numeric text."""
    value = text.strip()
    negative = value.startswith("-")
    value = value.lstrip("+-")
    if value.startswith("."):
        value = "0" + value
    if value.endswith("."):
        value += "0"
    literal = exp.Literal.number(value)
    return exp.Neg(this=literal) if negative else literal


@rule(exp.Case, exp.If, exp.Coalesce, source=ALL, target=ALL)
def case_mixed_types(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A CASE (or IF, COALESCE/IFNULL) whose branches mix text and numbers has one result
    type in MySQL (text: `1` comes back as '1') and in PostgreSQL (the numeric type, to which
    an untyped '7' literal is converted), but SQLite returns each branch's own type. Integer
    branches become text for a MySQL source, numeric-looking literals become numbers for a
    PostgreSQL source; decimal branches from MySQL (formatting differs) and any SQLite mix
    are refused (`case-mixed-types`). Corpus: queries.toml `qs-*-case-mixed-*`,
    `qs-my-if-mixed-*`, `qs-my-coalesce-mixed-int`."""
    branches = [b for b in _branches(node) if not isinstance(b, exp.Null)]
    kinds = [_branch_kind(b, ctx) for b in branches]
    if Kind.TEXT not in kinds or not any(k.numeric for k in kinds):
        return None
    if Kind.UNKNOWN in kinds or Kind.BOOL in kinds:
        return None  # some branch's type is unknown: nothing is known to be mixed
    what = (
        "IF"
        if isinstance(node, exp.If)
        else "COALESCE"
        if isinstance(node, exp.Coalesce)
        else "CASE"
    )
    reason = (
        f"the {what} branches mix text and numbers, and the engines type the result differently"
    )
    if ctx.source == "mysql":
        if any(k in (Kind.EXACT, Kind.FLOAT) for k in kinds):
            ctx.refuse(node, "case-mixed-types", reason, "CAST the numeric branches to CHAR")
            return None
        for branch, kind in zip(branches, kinds, strict=True):
            if kind is Kind.INT:
                branch.replace(exp.Cast(this=branch.copy(), to=exp.DataType.build("TEXT")))
    elif ctx.source == "postgres":
        numeric = {k for k in kinds if k.numeric}
        pattern = _INTEGER if numeric == {Kind.INT} else _DECIMAL
        for branch, kind in zip(branches, kinds, strict=True):
            if kind is Kind.TEXT:
                if not isinstance(branch, exp.Literal) or not pattern.fullmatch(branch.name):
                    return None  # PostgreSQL itself rejects it
                branch.replace(_number_literal(branch.name))
    else:
        ctx.refuse(node, "case-mixed-types", reason, "CAST every branch to one type")
    return None


def _branch_kind(branch: exp.Expr, ctx: Context) -> Kind:
    """A branch's type; a string argument's is text (`COALESCE(age, %s)` with 'n/a' is text
    in MySQL: the executor's translation for the argument's kind; SQLite returned 34)."""
    if isinstance(branch, exp.Placeholder) and ctx.arg_kind(branch) == "text":
        return Kind.TEXT
    return infer(branch, ctx).kind


def _branches(node: exp.Expr) -> list[exp.Expr]:
    """The values a CASE, IF or COALESCE may return."""
    if isinstance(node, exp.Coalesce):
        return [node.this, *node.expressions]
    if isinstance(node, exp.If):
        values = [node.args.get("true"), node.args.get("false")]
    else:
        values = [i.args["true"] for i in node.args.get("ifs") or []]
        values.append(node.args.get("default"))
    return [v for v in values if isinstance(v, exp.Expr)]


_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
#: operand node types whose type `infer` can know; the rule runs on a comparison's left operand,
#: which is visited after the right one and before the comparison itself (whose own rules, such
#: as a truth value's CAST, must see the rewritten operands)
_OPERANDS = (
    exp.Literal,
    exp.Column,
    exp.Cast,
    exp.Paren,
    exp.Neg,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Count,
    exp.Length,
    exp.Sum,
    exp.Max,
    exp.Min,
    exp.Abs,
    exp.Round,
)


@rule(*_OPERANDS, source=ALL, target=ALL)
def text_number_comparison(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """Comparing text with a number means three things. MySQL converts the text to a DOUBLE
    by its numeric prefix ('10' > 9, '3x' = 3, 'abc' = 0); PostgreSQL converts an untyped
    literal to the number's type (and rejects a text column); SQLite applies column affinity
    and otherwise orders every number before every text, so `'10' > 90` is true there.
    MySQL text becomes CAST(... AS REAL) in SQLite (the same prefix rule) and a number literal
    in PostgreSQL; PostgreSQL literals become numbers; SQLite text columns compared with an
    integer compare as text, literals convert where affinity would. What cannot be matched is
    refused (`text-number-comparison`). Needs the operand types (literals, casts, `schema=`).
    Corpus: queries.toml `qs-*-text-number-*`."""
    comparison = node.parent
    if node.arg_key != "this" or not isinstance(comparison, _COMPARISONS):
        return None
    left, right = node, comparison.expression
    kl, kr = infer(left, ctx).kind, infer(right, ctx).kind
    if kl is Kind.TEXT and kr.numeric:
        text_is_left = True
    elif kr is Kind.TEXT and kl.numeric:
        text_is_left = False
    else:
        return None
    text, number = (left, right) if text_is_left else (right, left)
    new_text: exp.Expr | None = None
    new_number: exp.Expr | None = None
    refusal = ""
    if ctx.source == "mysql":
        if ctx.target == "sqlite":
            new_text = exp.Cast(this=text.copy(), to=exp.DataType.build("REAL"))
        elif isinstance(text, exp.Literal):
            match = _NUMBER_PREFIX.match(text.name)
            new_text = _number_literal(match.group(0)) if match else exp.Literal.number(0)
        else:
            refusal = (
                "MySQL compares text with a number by the text's numeric prefix; PostgreSQL "
                "rejects the comparison"
            )
    elif ctx.source == "postgres":
        if isinstance(text, exp.Literal) and _DECIMAL.fullmatch(text.name):
            new_text = _number_literal(text.name)
    else:  # sqlite: affinity decides
        affinity = (exp.Column, exp.Cast)
        value = int_literal(number)
        if isinstance(text, affinity) and not isinstance(number, affinity) and value is not None:
            new_number = exp.Literal.string(str(value))  # TEXT affinity applies to the number
        elif (
            isinstance(number, affinity)
            and isinstance(text, exp.Literal)
            and _DECIMAL.fullmatch(text.name)
            and not text.name.strip().startswith("+")
        ):
            new_text = _number_literal(text.name)  # numeric affinity applies to the text
        else:
            refusal = (
                "SQLite compares text with a number by type affinity and otherwise sorts "
                "every number before every text"
            )
    if refusal:
        ctx.refuse(
            comparison,
            "text-number-comparison",
            refusal,
            "compare values of one type: CAST the text to a number (or the number to text)",
        )
        return None
    new_left = new_text if text_is_left else new_number
    new_right = new_number if text_is_left else new_text
    if new_right is not None:
        right.replace(new_right)  # already visited: safe to swap
    return new_left


#: MySQL SELECT modifiers that change how, not what, a query answers
_HARMLESS_MODIFIERS = frozenset(
    {
        "SQL_NO_CACHE",
        "SQL_CACHE",
        "HIGH_PRIORITY",
        "STRAIGHT_JOIN",
        "SQL_SMALL_RESULT",
        "SQL_BIG_RESULT",
        "SQL_BUFFER_RESULT",
    }
)


@rule(exp.Select, source={"mysql"}, target={"postgres", "sqlite"})
def mysql_select_modifiers(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL's `SELECT SQL_NO_CACHE ...` (and HIGH_PRIORITY, STRAIGHT_JOIN, SQL_*_RESULT) are
    hints about execution, which the targets would reject as syntax: dropped.
    SQL_CALC_FOUND_ROWS makes FOUND_ROWS() answer, which the targets cannot: refused.
    Corpus: queries.toml `qs-my-select-modifiers`."""
    modifiers = node.args.get("operation_modifiers") or []
    if not modifiers:
        return None
    kept = []
    for modifier in modifiers:
        if modifier.name.upper() in _HARMLESS_MODIFIERS:
            continue
        ctx.refuse(
            node,
            "select-modifier",
            f"MySQL's SELECT {modifier.name} has no equivalent in {ctx.target}",
            "remove it (count the rows with a second query, e.g. SELECT COUNT(*))",
        )
        kept.append(modifier)
    node.set("operation_modifiers", kept or None)
    return None
