"""The faithfulness check: refuse what would pass through to the target without a meaning."""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.params import internal_index
from sqlshift.translator.rules import GENERATED

__all__ = ["check_faithful"]

#: functions sqlglot does not model but that exist with the same meaning on every engine
_PORTABLE_FUNCTIONS = frozenset({"nullif", "coalesce", "abs", "lower", "upper"})


SUSPECTS = (exp.Placeholder, exp.Command, exp.Anonymous, exp.SessionParameter, exp.Parameter)
"""Node types the check looks at; the translator collects them in its single walk."""


def check_faithful(tree: exp.Expr, suspects: Sequence[exp.Expr], ctx: Context) -> None:
    """Refuse constructs sqlglot only passed through: unknown statements, functions, variables.

    ``suspects`` are the nodes of types :data:`SUSPECTS` found before the rules ran; those a
    rule removed are skipped (rules never introduce such nodes except their own marked calls).
    """
    for node in suspects:
        if not _attached(node, tree):
            continue
        if isinstance(node, exp.Placeholder):
            if internal_index(node) is None:
                ctx.refuse(
                    node,
                    "placeholder",
                    "this placeholder form is not one sqlshift maps",
                    "use ?, %s, %(name)s, $1 or :name placeholders",
                )
            continue
        if ctx.source == ctx.target:
            continue
        if isinstance(node, exp.Command):
            ctx.refuse(
                node,
                "unsupported-statement",
                f"the {ctx.source} statement `{node.name}` is not understood by the parser, "
                "so its meaning on the target cannot be checked",
                "run it natively on each engine instead",
            )
        elif (
            isinstance(node, exp.Anonymous)
            and node.name.lower() not in _PORTABLE_FUNCTIONS
            and not node.meta.get(GENERATED)
        ):
            ctx.refuse(
                node,
                "unknown-function",
                f"function {node.name}() has no known equivalent in {ctx.target}",
                "rewrite it with portable SQL, or pass strict=False if the function exists "
                "on the target with the same meaning (e.g. one you defined)",
            )
        elif isinstance(node, exp.SessionParameter):
            ctx.refuse(
                node,
                "session-variable",
                f"{ctx.source} session variables do not exist in {ctx.target}",
                "pass the value as a parameter instead",
            )
        elif isinstance(node, exp.Parameter):
            ctx.refuse(
                node,
                "user-variable",
                f"{ctx.source} user variables (@name) do not exist in {ctx.target}",
                "pass the value as a parameter instead",
            )


def _attached(node: exp.Expr, root: exp.Expr) -> bool:
    current: exp.Expr | None = node
    while current is not None:
        if current is root:
            return True
        current = current.parent
    return False
