"""Statement fingerprints: the same query shape gets the same id, whatever its dialect.

Literals and placeholders become ``?``, IN-lists and multi-row VALUES collapse, identifiers
lose their quoting and case, comments and whitespace disappear; the normalised tree is then
written in one neutral spelling and hashed. A statement that does not parse still gets a
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
    return ";\n".join(_normalise(tree).sql(comments=False) for tree in trees)


def _normalise(tree: exp.Expr) -> exp.Expr:
    for node in list(tree.walk()):
        if isinstance(node, exp.Literal | exp.Placeholder | exp.Parameter):
            node.replace(exp.Placeholder())
        elif isinstance(node, exp.Identifier):
            node.set("this", node.name.lower())
            node.set("quoted", False)
    for node in list(tree.find_all(exp.In)):
        items = node.expressions
        if items and all(isinstance(i, exp.Placeholder) for i in items):
            node.set("expressions", [exp.Placeholder()])
    for values in list(tree.find_all(exp.Values)):
        rows = values.expressions
        if len(rows) > 1 and len({r.sql() for r in rows}) == 1:
            values.set("expressions", [rows[0]])
    return tree


_TEXT_RULES = (
    (re.compile(r"--[^\n]*|#[^\n]*|/\*.*?\*/", re.S), " "),
    (re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\""), "?"),
    (re.compile(r"\$\d+|%\(\w+\)s|%s|:\w+|\b\d+(?:\.\d+)?\b"), "?"),
    (re.compile(r"\(\s*\?(?:\s*,\s*\?)+\s*\)"), "(?)"),
    (re.compile(r"\s+"), " "),
)


def _from_text(sql: str) -> str:
    text = sql
    for pattern, replacement in _TEXT_RULES:
        text = pattern.sub(replacement, text)
    return text.strip().lower()
