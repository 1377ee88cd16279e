"""Identifiers on the target: reserved words quoted (and, later, the case policy)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlglot import exp

from sqlshift.dialects import RESERVED_WORDS
from sqlshift.translator.context import Context

__all__ = ["normalise_identifiers"]


def normalise_identifiers(nodes: Iterable[exp.Expr], ctx: Context) -> None:
    """Quote identifiers that are reserved words on the target (e.g. a MySQL column `user`).

    PostgreSQL folds unquoted names to lower case, so the quoted name is lower-cased to
    keep naming the same column.
    """
    reserved = RESERVED_WORDS[ctx.target]
    for node in nodes:
        if isinstance(node, exp.Identifier) and not node.quoted:
            lower = node.name.lower()
            if lower in reserved:
                node.set("quoted", True)
                if ctx.target == "postgres":
                    node.set("this", lower)
