"""Rules: super-aggregate grouping (MySQL's WITH ROLLUP, the standard ROLLUP/CUBE/GROUPING SETS).

MySQL and MariaDB write ``GROUP BY a, b WITH ROLLUP``; PostgreSQL writes ``GROUP BY ROLLUP
(a, b)`` for the same rows (the super-aggregate rows carry NULL in the rolled-up columns) and
also has CUBE and GROUPING SETS, which MySQL lacks; SQLite has none of them. Where the target
lacks the form, the query becomes a ``UNION ALL`` of one grouped query per grouping set, the
rolled-up keys NULL in its items and HAVING, ``GROUPING()`` a constant.

One difference is in every direction: on an empty input (no row passes WHERE) MySQL's ROLLUP
returns no row at all, while PostgreSQL's (and the standard's) grouping set ``()`` returns its
grand total (``COUNT(*)`` 0, other aggregates NULL). Row order without ORDER BY is not
promised (MySQL 8 dropped GROUP BY's implicit sort; PostgreSQL never had it). MariaDB's own
ROLLUP has bugs the translations do not copy: grouped by a unique key, its total row counts
the groups for COUNT(DISTINCT x) (grouping.toml `grp-my-rollup-count-distinct-unique-key`).
A `UNION ALL` in MySQL has no TINYINT(1) columns, so a BOOLEAN column in its result reads 0/1
there, as every boolean expression of MySQL does (executor/rows.py).
"""

from __future__ import annotations

import itertools

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import rule


def _refuse(ctx: Context, node: exp.Expr, what: str, hint: str = "") -> None:
    ctx.refuse(
        node,
        "rollup",
        f"{ctx.target} has no {what}",
        hint or "compute the subtotals with UNION ALL of the grouped query and one per level",
    )


# ------------------------------------------------------------------------ the grouping sets


def _grouping_sets(
    group: exp.Group, select: exp.Select, ctx: Context
) -> list[list[exp.Expr]] | None:
    """The grouping sets ``group`` stands for, in the standard's order (each ROLLUP's and
    CUBE's largest set first, their cross product with the plain keys and each other), keys
    as the target's expressions (an ordinal is its select item's); None when it has no
    super-aggregate form or a key cannot be resolved (refused)."""
    factors: list[list[list[exp.Expr]]] = []
    plain: list[exp.Expr] = []
    special = False
    for element in group.expressions:
        if isinstance(element, exp.Rollup):
            keys = list(element.expressions)
            factors.append([keys[:n] for n in range(len(keys), -1, -1)])
            special = True
        elif isinstance(element, exp.Cube):
            keys = list(element.expressions)
            subsets = [
                [k for i, k in enumerate(keys) if not mask >> (len(keys) - 1 - i) & 1]
                for mask in range(2 ** len(keys))
            ]
            factors.append(subsets)
            special = True
        elif isinstance(element, exp.GroupingSets):
            members = [_set_keys(member) for member in element.expressions]
            if any(keys is None for keys in members):
                _refuse(ctx, element, "nested grouping sets (a ROLLUP or CUBE inside them)")
                return None
            factors.append([keys for keys in members if keys is not None])
            special = True
        else:
            plain.append(element)
    if group.args.get("rollup"):  # MySQL: GROUP BY a, b WITH ROLLUP
        factors.append([plain[:n] for n in range(len(plain), -1, -1)])
        plain = []
        special = True
    if not special or group.args.get("cube") or group.args.get("grouping_sets"):
        if special:
            _refuse(ctx, group, "this form of grouping sets")
        return None
    sets = [plain + [k for part in combo for k in part] for combo in itertools.product(*factors)]
    resolved: list[list[exp.Expr]] = []
    for keys in sets:
        out = []
        for key in keys:
            item = _ordinal_item(key, select)
            if item is False:
                _refuse(ctx, key, "a GROUP BY ordinal beyond the select list")
                return None
            out.append(item if isinstance(item, exp.Expr) else key)
        resolved.append(out)
    return resolved


def _set_keys(member: exp.Expr) -> list[exp.Expr] | None:
    """One member of GROUPING SETS (...) as its keys: ``(a, b)``, ``(a)``, ``a``, ``()``."""
    if isinstance(member, exp.Rollup | exp.Cube | exp.GroupingSets):
        return None
    if isinstance(member, exp.Tuple):
        return list(member.expressions)
    if isinstance(member, exp.Paren):
        return [member.this]
    return [member]


def _ordinal_item(key: exp.Expr, select: exp.Select) -> exp.Expr | bool | None:
    """The select item a ``GROUP BY <n>`` key names (unaliased), False for an ordinal beyond
    the list, None when ``key`` is not an ordinal."""
    if not (isinstance(key, exp.Literal) and key.is_int):
        return None
    position = int(key.name)
    if not 1 <= position <= len(select.expressions):
        return False
    item: exp.Expr = select.expressions[position - 1]
    return item.this if isinstance(item, exp.Alias) else item


# ----------------------------------------------------------------------------- the branches


def _rolled_up(node: exp.Expr, rolled: list[exp.Expr], kept: list[exp.Expr]) -> exp.Expr:
    """``node`` as a row of the grouping set that keeps ``kept`` and rolls ``rolled`` up: each
    rolled-up key outside an aggregate and outside a kept key is NULL (`(id / 2)` is kept
    whole when only `id` is rolled up: found by the generated differential tests), and
    ``GROUPING(a, b)`` the bits of its rolled-up arguments."""
    if isinstance(node, exp.Grouping):
        bits = 0
        for argument in node.expressions:
            bits = bits * 2 + (1 if any(argument == r for r in rolled) else 0)
        return exp.Literal.number(bits)
    if isinstance(node, exp.AggFunc) or any(node == k for k in kept):
        return node.copy()
    if any(node == r for r in rolled):
        return exp.Null()
    copy = node.copy()
    for child in list(copy.iter_expressions()):
        child.replace(_rolled_up(child, rolled, kept))
    return copy


def _count_star(op: type[exp.Binary]) -> exp.Expr:
    return op(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(0))


def _and_having(select: exp.Select, condition: exp.Expr) -> None:
    having = select.args.get("having")
    if having is None:
        select.set("having", exp.Having(this=condition))
    else:
        having.set("this", exp.and_(exp.paren(having.this, copy=False), condition))


def _branch(
    select: exp.Select,
    keys: list[exp.Expr],
    grouped: list[exp.Expr],
    ctx: Context,
) -> exp.Select | None:
    """``select`` (ORDER BY and LIMIT left to the whole) for the grouping set ``grouped``;
    None when a rolled-up key cannot be found in its items (refused)."""
    rolled = [k for k in keys if not any(k == g for g in grouped)]
    branch = select.copy()
    for arg in ("order", "limit", "offset"):
        branch.set(arg, None)
    items = []
    for item in branch.expressions:
        replaced = _rolled_up(item, rolled, grouped)
        if isinstance(item, exp.Column) and not isinstance(replaced, exp.Column):
            replaced = exp.alias_(replaced, item.this.copy())  # the column keeps its name
        items.append(replaced)
    branch.set("expressions", items)
    having = branch.args.get("having")
    if having is not None:
        branch.set("having", _rolled_up(having, rolled, grouped))
    branch.set("group", exp.Group(expressions=[g.copy() for g in grouped]) if grouped else None)
    left = _leftover(branch, rolled, grouped)
    if left is not None:
        _refuse(
            ctx,
            left,
            f"subtotal rows here: `{left.sql(ctx.target)}` is a rolled-up key written "
            "otherwise than in GROUP BY",
        )
        return None
    return branch


def _leftover(branch: exp.Select, rolled: list[exp.Expr], kept: list[exp.Expr]) -> exp.Expr | None:
    """A column of a rolled-up key still read outside an aggregate (and outside a kept key)
    in the branch's items or HAVING: the key was written differently there."""
    names = {c.name.lower() for key in rolled for c in key.find_all(exp.Column)}
    if not names:
        return None
    parts: list[exp.Expr] = list(branch.expressions)
    if branch.args.get("having") is not None:
        parts.append(branch.args["having"])
    for part in parts:
        stack = [part]
        while stack:
            node = stack.pop()
            if isinstance(node, exp.AggFunc) or any(node == k for k in kept):
                continue
            if isinstance(node, exp.Column) and node.name.lower() in names:
                return node
            stack.extend(node.iter_expressions())
    return None


def _unsupported(select: exp.Select) -> str | None:
    """What in ``select`` the UNION ALL of grouping sets cannot carry, or None."""
    if select.args.get("distinct"):
        return "DISTINCT over subtotal rows"
    if isinstance(select.parent, exp.SetOperation):
        return "subtotal rows in a branch of a set operation"
    parts: list[exp.Expr] = list(select.expressions)
    if select.args.get("having") is not None:
        parts.append(select.args["having"])
    for part in parts:
        if isinstance(part, exp.Star) or (isinstance(part, exp.Column) and part.is_star):
            return "SELECT * with subtotal rows"
        if part.find(exp.Window) is not None:
            return "window functions over subtotal rows"
        if part.find(exp.Select) is not None:
            return "subqueries in the select list or HAVING of subtotal rows"
    return None


def _output_names(select: exp.Select) -> set[str]:
    names = set()
    for item in select.expressions:
        if isinstance(item, exp.Alias):
            names.add(item.alias.lower())
        elif isinstance(item, exp.Column):
            names.add(item.name.lower())
    return names


def _ordered(select: exp.Select, union: exp.Expr, ctx: Context) -> exp.Expr | None:
    """The UNION ALL with the query's ORDER BY / LIMIT / OFFSET, which apply to all of its
    rows: ``SELECT * FROM (...) ORDER BY ...``, the order's columns being output columns."""
    order, limit, offset = (select.args.get(a) for a in ("order", "limit", "offset"))
    if order is None and limit is None and offset is None:
        return union
    names = _output_names(select)
    if order is not None:
        for column in order.find_all(exp.Column):
            if column.table or column.name.lower() not in names:
                _refuse(
                    ctx,
                    column,
                    "an ORDER BY over subtotal rows that reads other than a result column",
                    "order by the result columns' names or aliases",
                )
                return None
        if order.find(exp.AggFunc) is not None:
            _refuse(ctx, order, "an ORDER BY over subtotal rows that aggregates")
            return None
    return _all_of(union, order=order, limit=limit, offset=offset)


def _all_of(union: exp.Expr, **clauses: exp.Expr | None) -> exp.Select:
    """``SELECT * FROM (union) AS _grouping_sets`` with these ORDER BY / LIMIT / OFFSET
    clauses (names.py reads the result's names inside it)."""
    alias = exp.TableAlias(this=exp.to_identifier("_grouping_sets"))
    wrapper = exp.select("*").from_(exp.Subquery(this=union, alias=alias))
    for arg, clause in clauses.items():
        if clause is not None:
            wrapper.set(arg, clause.copy())
    return wrapper


def _union_all(branches: list[exp.Select]) -> exp.Expr:
    union: exp.Expr = branches[0]
    for branch in branches[1:]:
        union = exp.union(union, branch, distinct=False)
    return union


def _expand(select: exp.Select, sets: list[list[exp.Expr]], ctx: Context) -> exp.Expr | None:
    """``select`` as the UNION ALL of one grouped query per grouping set (see the module)."""
    problem = _unsupported(select)
    if problem is not None:
        _refuse(ctx, select.args["group"], problem)
        return None
    keys: list[exp.Expr] = []
    for grouped in sets:
        keys.extend(k for k in grouped if not any(k == seen for seen in keys))
    branches = []
    for grouped in sets:
        branch = _branch(select, keys, grouped, ctx)
        if branch is None:
            return None
        if not grouped and ctx.source == "mysql":
            _and_having(branch, _count_star(exp.GT))  # MySQL: no grand total of no rows
        branches.append(branch)
    return _ordered(select, _union_all(branches), ctx)


@rule(exp.Select, source={"mysql", "postgres"}, target={"mysql", "postgres", "sqlite"})
def grouping_sets(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """Subtotal rows in the target's form (see the module).

    - MySQL `GROUP BY a, b WITH ROLLUP` into PostgreSQL is `GROUP BY ROLLUP (a, b)` plus
      `HAVING COUNT(*) > 0`: on an empty input PostgreSQL would return a grand total row that
      MySQL does not (grouping.toml `grp-my-with-rollup-empty`).
    - Everything else into SQLite (which has none of them), and any ROLLUP, CUBE or GROUPING
      SETS into MySQL, is the `UNION ALL` of one query per grouping set, the grand total of
      no rows kept as PostgreSQL has it (`grp-pg-rollup-empty`, `grp-my-with-rollup`,
      `grp-pg-cube`, `grp-pg-grouping-sets`, `grp-pg-rollup-ordered`). Not MySQL's own WITH
      ROLLUP: MariaDB leaves a key such as `(id DIV NULLIF(2, 0))` in the total row where it
      should be NULL (found by the generated differential tests, `grp-pg-rollup-nullif`).
    """
    assert isinstance(node, exp.Select)
    group = node.args.get("group")
    if not isinstance(group, exp.Group):
        return None
    if ctx.source == "mysql" and ctx.target == "postgres":
        if group.args.get("rollup"):
            group.set("rollup", None)
            group.set("expressions", [exp.Rollup(expressions=group.expressions)])
            _and_having(node, _count_star(exp.GT))
        return None
    sets = _grouping_sets(group, node, ctx)
    if sets is None:
        return None
    return _expand(node, sets, ctx)
