"""Statement fingerprints: the same query shape gets the same id.

Literals and placeholders become ``?`` (not the column positions of ``ORDER BY 2``), IN-lists
and multi-row VALUES collapse, identifiers lose their quoting and case, comments and whitespace
disappear; the normalised tree is then written in the caller's own dialect (its spelling:
``DATE_FORMAT``, ``date_trunc``, ``FOR UPDATE SKIP LOCKED`` kept) and hashed. A statement that does not parse still gets a
fingerprint, from its text normalised the same way, flagged ``parsed=False``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

from sqlglot import exp

from sqlshift.translator.params import scan_placeholders
from sqlshift.translator.targets import DIALECTS

__all__ = ["Fingerprint", "fingerprint"]

CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """``id`` is a stable 16-hex-digit hash of ``text``, the normalised statement."""

    id: str
    text: str
    parsed: bool = True


@functools.lru_cache(maxsize=CACHE_SIZE)
def fingerprint(sql: str, dialect: str) -> Fingerprint:
    """The fingerprint of ``sql`` written in ``dialect`` (memoised)."""
    try:
        text = _from_tree(sql, dialect)
        parsed = True
    except Exception:  # unparseable or unknown input: fall back to the text
        text = _from_text(sql)
        parsed = False
    return Fingerprint(hashlib.blake2b(text.encode(), digest_size=8).hexdigest(), text, parsed)


def _from_tree(sql: str, dialect: str) -> str:
    scanned = scan_placeholders(sql, dialect)
    trees = [t for t in DIALECTS[dialect].parse(scanned.text) if t is not None]
    if not trees or any(isinstance(t, exp.Command) for t in trees):
        raise ValueError("not a parsed statement")
    generator = DIALECTS[dialect]
    return ";\n".join(
        generator.generate(_normalise(tree), copy=False, comments=False) for tree in trees
    )


def _normalise(tree: exp.Expr) -> exp.Expr:
    for node in list(tree.walk()):
        if isinstance(node, exp.Literal | exp.Placeholder | exp.Parameter):
            if not _ordinal(node):
                node.replace(_hole())
        elif isinstance(node, exp.Identifier):
            node.set("this", node.name.lower())
            node.set("quoted", False)
    for node in list(tree.find_all(exp.In)):
        items = node.expressions
        if items and all(_is_hole(i) for i in items):
            node.set("expressions", [_hole()])
    for values in list(tree.find_all(exp.Values)):
        rows = values.expressions
        if len(rows) > 1 and len({r.sql() for r in rows}) == 1:
            values.set("expressions", [rows[0]])
    return tree


def _hole() -> exp.Expr:
    """A literal or placeholder's stand-in: printed `?` in every dialect."""
    return exp.Var(this="?")


def _is_hole(node: exp.Expr) -> bool:
    return isinstance(node, exp.Var) and node.name == "?"


def _ordinal(node: exp.Expr) -> bool:
    """`ORDER BY 2` / `GROUP BY 1`: a column's position, part of the statement's shape."""
    parent = node.parent
    if isinstance(parent, exp.Ordered):
        parent = parent.parent
    return (
        isinstance(node, exp.Literal)
        and not node.is_string
        and isinstance(parent, exp.Order | exp.Group)
    )


_TEXT_RULES = (
    (re.compile(r"--[^\n]*|#[^\n]*|/\*.*?\*/", re.S), " "),
    (re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\""), "?"),
    (re.compile(r"\$\d+|%\(\w+\)s|%s|(?<![:\w]):\w+|\b\d+(?:\.\d+)?\b"), "?"),
    (re.compile(r"\(\s*\?(?:\s*,\s*\?)+\s*\)"), "(?)"),
    (re.compile(r"\s+"), " "),
)


def _from_text(sql: str) -> str:
    text = sql
    for pattern, replacement in _TEXT_RULES:
        text = pattern.sub(replacement, text)
    return text.strip().lower()
