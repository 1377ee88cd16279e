"""Rules: GREATEST / LEAST (and SQLite's scalar max / min) with NULL arguments."""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import rule


@rule(exp.Greatest, exp.Least, source={"mysql", "sqlite"}, target={"postgres"})
def null_propagating_extremum(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL GREATEST/LEAST and SQLite max(a, b)/min(a, b) are NULL when any argument is NULL;
    PostgreSQL's ignore NULLs (GREATEST(1, NULL) = 1). Wrapped in a CASE that returns NULL
    when any argument is NULL. Corpus: conditional.toml `*-greatest-null`."""
    if node.args.get("ignore_nulls"):
        return None
    args = [node.this, *node.expressions]
    any_null = exp.or_(*(exp.Is(this=a.copy(), expression=exp.Null()) for a in args))
    node.set("ignore_nulls", True)
    return exp.Case(ifs=[exp.If(this=any_null, true=exp.Null())], default=node)


@rule(exp.Greatest, exp.Least, source={"postgres"}, target={"mysql"})
def null_skipping_extremum(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL GREATEST/LEAST skip NULLs; MySQL's return NULL if any argument is NULL.
    Each argument is replaced by COALESCE(arg, other args...), which is NULL only when all
    are. Corpus: conditional.toml `pg-greatest-null`."""
    if not node.args.get("ignore_nulls"):
        return None
    args = [node.this, *node.expressions]
    if len(args) == 1:
        return None
    rotated = [
        exp.Coalesce(this=args[i].copy(), expressions=[a.copy() for a in args[i + 1 :] + args[:i]])
        for i in range(len(args))
    ]
    return type(node)(this=rotated[0], expressions=rotated[1:], ignore_nulls=False)
