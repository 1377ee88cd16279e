"""Identifiers on the target: the case policy, and reserved words quoted.

The engines disagree on what a name's case means:

- MySQL: table (and database, view, table alias) names are case-sensitive on Linux; column,
  index and column-alias names are not. Backticks only allow special characters.
- PostgreSQL: unquoted names are folded to lower case, quoted names are exact, so
  ``CREATE TABLE "Artist"`` is unreachable as ``Artist`` or ``artist``.
- SQLite: names match case-insensitively (ASCII), quoted or not.

Policy ``Options.identifier_case``:

``"lower"`` (default)
    On PostgreSQL and MySQL targets every name (tables, columns, aliases, indexes,
    constraints, views, CTEs) is folded to lower case (ASCII letters only, as PostgreSQL
    folds); it is quoted where the source quoted it (harmless once lower case) and wherever
    it must be: a reserved word, or a character an unquoted name cannot hold. DDL and queries translated with this policy therefore agree whatever
    spelling and quoting each used: a MySQL ```Artist``` table and a query's ``ARTIST``
    both become ``artist``. SQLite targets keep the source spelling (SQLite ignores case, and
    result column labels stay as written). What it gives up: two names that differ only in
    case (PostgreSQL ``"Artist"`` next to ``artist``) become one, and result column labels
    on PostgreSQL and MySQL targets are lower case.
``"preserve"``
    Names keep their spelling and quoting (backticks become double quotes and back); only
    reserved words are quoted. Use it when the target schema already exists with
    mixed-case names; every query must then spell a name as it was created.

Corpus: identifiers.toml (``ident-*``): DDL in one spelling, queries in others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlglot import exp

from sqlshift.dialects import RESERVED_WORDS
from sqlshift.translator.context import Context

__all__ = ["fold", "normalise_identifiers"]

_FOLDING_TARGETS = frozenset({"postgres", "mysql"})
_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*\Z")
_ASCII_UPPER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

#: parents whose identifiers are not names of schema objects (collations, engine options,
#: session variables): their spelling is passed through as written.
_NOT_NAMES: tuple[type[exp.Expr], ...] = (
    exp.Collate,
    exp.CollateColumnConstraint,
    exp.CharacterSetColumnConstraint,
    exp.SessionParameter,
    exp.Parameter,
    exp.Property,
    exp.DataType,
)


def fold(name: str) -> str:
    """``name`` with ASCII letters lower-cased, as PostgreSQL folds an unquoted name."""
    return name.translate(_ASCII_UPPER)


def normalise_identifiers(nodes: Iterable[exp.Expr], ctx: Context) -> None:
    """Apply the case policy (see the module docstring) and quote target reserved words.

    Under ``"preserve"``, PostgreSQL folds unquoted names to lower case, so a reserved word
    that gets quoted is lower-cased to keep naming the same column.
    """
    reserved = RESERVED_WORDS[ctx.target]
    folding = ctx.options.identifier_case == "lower" and ctx.target in _FOLDING_TARGETS
    for node in nodes:
        if not isinstance(node, exp.Identifier):
            continue
        if folding and not _is_name_of_nothing(node):
            name = fold(node.name)
            node.set("this", name)
            if ctx.target == "postgres":
                if name in reserved or not _PLAIN.match(name):
                    node.set("quoted", True)
            elif name.lower() in reserved:
                node.set("quoted", True)
            continue
        if not node.quoted:
            lower = node.name.lower()
            if lower in reserved:
                node.set("quoted", True)
                if ctx.target == "postgres":
                    node.set("this", lower)


def _is_name_of_nothing(node: exp.Identifier) -> bool:
    parent = node.parent
    if isinstance(parent, exp.Column):  # a collation name parses as a column
        grand = parent.parent
        if isinstance(grand, exp.CollateColumnConstraint) or (
            isinstance(grand, exp.Collate) and parent.arg_key == "expression"
        ):
            return True
    return isinstance(parent, _NOT_NAMES)
