"""Statement fingerprints: the same query shape gets the same id.

A fingerprint is written from the statement's tokens, the ones the translator parses, so the
executor gets it with the analysis at no second parse and no regeneration (issue 12). The text
is the caller's own statement in the caller's own spelling (``DATE_FORMAT``, ``date_trunc``,
``x::text``, ``FOR UPDATE SKIP LOCKED``), with:

* literals and placeholders as ``?`` (a sign before a number goes with it), except the column
  positions of ``ORDER BY 2`` / ``GROUP BY 1``, which are the statement's shape;
* ``IN (?, ?, ...)`` as ``IN (?)``, and repeated ``VALUES`` rows as one;
* comments gone, whitespace one space (none inside calls and lists), identifiers unquoted;
  words keep the caller's letter case.

The id is a stable 16-hex-digit hash of the text with letter case folded, so ``select NAME``
and ``SELECT name`` share one (the text shown is the first one seen). The same text has the
same fingerprint in every dialect whose tokenizer reads it the same way. A statement that does
not tokenize still gets a fingerprint, from its text normalised by patterns; one that does not
parse is flagged ``parsed=False``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.tokenizer_core import Token, TokenType

from sqlshift.translator.params import INTERNAL_PREFIX, scan_placeholders
from sqlshift.translator.targets import DIALECTS

__all__ = ["Fingerprint", "fingerprint", "from_tokens"]

CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """``id`` is a stable 16-hex-digit hash of ``text``, the normalised statement."""

    id: str
    text: str
    parsed: bool = True


@functools.lru_cache(maxsize=CACHE_SIZE)
def fingerprint(sql: str, dialect: str) -> Fingerprint:
    """The fingerprint of ``sql`` written in ``dialect`` (memoised): the one
    :func:`~sqlshift.translator.api.translation` gives in ``info.fingerprint``."""
    from sqlshift.translator.rules.scripts import unwrap_conditional_comments

    try:
        text = unwrap_conditional_comments(sql) if dialect == "mysql" else sql
        scanned = scan_placeholders(text, dialect).text
        tokens = DIALECTS[dialect].tokenize(scanned)
    except Exception:  # not tokenizable (an unterminated quote, mixed placeholder styles)
        return _fingerprint(_from_text(sql), parsed=False)
    try:
        trees = DIALECTS[dialect].parser().parse(tokens, scanned)
        parsed = any(t is not None for t in trees) and not any(
            isinstance(t, exp.Command) for t in trees
        )
    except Exception:
        parsed = False
    return from_tokens(tokens, parsed=parsed)


def from_tokens(tokens: Sequence[Token], *, parsed: bool = True) -> Fingerprint:
    """The fingerprint of a statement from its tokens (of its text with placeholders scanned:
    :func:`~sqlshift.translator.params.scan_placeholders`)."""
    return _fingerprint(_text(_pieces(tokens)), parsed=parsed)


def _fingerprint(text: str, *, parsed: bool) -> Fingerprint:
    digest = hashlib.blake2b(text.lower().encode(errors="surrogatepass"), digest_size=8).hexdigest()
    return Fingerprint(digest, text, parsed)


_T = TokenType
_LITERALS = frozenset(
    {
        _T.STRING,
        _T.NUMBER,
        _T.BIT_STRING,
        _T.HEX_STRING,
        _T.BYTE_STRING,
        _T.NATIONAL_STRING,
        _T.NATIONAL_RAW_STRING,
        _T.RAW_STRING,
        _T.HEREDOC_STRING,
        _T.UNICODE_STRING,
    }
)
#: tokens that end an operand: a `-` after one of them subtracts, elsewhere it is a sign
_OPERAND_ENDS = frozenset(
    {_T.VAR, _T.IDENTIFIER, _T.R_PAREN, _T.R_BRACKET, _T.NULL, _T.TRUE, _T.FALSE} | _LITERALS
)
#: clauses whose bare numbers are column positions
_BY = frozenset({_T.ORDER_BY, _T.GROUP_BY})
#: what a column position follows in its clause
_POSITION_AFTER = frozenset({_T.ORDER_BY, _T.GROUP_BY, _T.COMMA})
#: tokens that start another clause (a number after them is no longer a position)
_CLAUSES = frozenset(
    {
        _T.SELECT,
        _T.FROM,
        _T.WHERE,
        _T.HAVING,
        _T.LIMIT,
        _T.OFFSET,
        _T.FETCH,
        _T.WINDOW,
        _T.UNION,
        _T.EXCEPT,
        _T.INTERSECT,
        _T.RETURNING,
        _T.FOR,
        _T.SEMICOLON,
        _T.QUALIFY,
    }
)
#: tokens printed without a space before them / after them
_NO_SPACE_BEFORE = frozenset({")", "]", ",", ".", "::", ";"})
_NO_SPACE_AFTER = frozenset({"(", "[", ".", "::"})
HOLE = "?"


def _pieces(tokens: Sequence[Token]) -> list[str]:
    """The fingerprint's words, in order (see the module docstring)."""
    out: list[str] = []
    clause: list[TokenType | None] = [None]  # the clause open at each parenthesis depth
    previous: TokenType | None = None
    count = len(tokens)
    i = 0
    while i < count:
        token = tokens[i]
        kind = token.token_type
        following = tokens[i + 1].token_type if i + 1 < count else None
        if kind in _LITERALS:
            if kind is _T.NUMBER and clause[-1] in _BY and previous in _POSITION_AFTER:
                out.append(token.text)  # `ORDER BY 2`: a column position, not a value
            else:
                out.append(HOLE)
        elif kind is _T.COLON and following is _T.VAR and _internal(tokens[i + 1]):
            out.append(HOLE)  # a placeholder, as params.scan_placeholders marked it
            i += 1
        elif (
            kind in (_T.DASH, _T.PLUS) and following is _T.NUMBER and previous not in _OPERAND_ENDS
        ):
            out.append(HOLE)  # a signed number is one value
            i += 1
        elif kind is _T.VAR or kind is _T.IDENTIFIER:
            out.append(token.text)
        elif kind is _T.L_PAREN or kind is _T.L_BRACKET:
            out.append(token.text)
            clause.append(None)
        elif kind is _T.R_PAREN or kind is _T.R_BRACKET:
            out.append(token.text)
            if len(clause) > 1:
                clause.pop()
        else:
            out.append(" ".join(token.text.split()))
        if kind in _BY or kind in _CLAUSES:
            clause[-1] = kind
        previous = _T.NUMBER if out[-1] == HOLE else kind
        i += 1
    if out and out[-1] == ";":
        out.pop()
    _collapse_lists(out)
    return out


def _internal(token: Token) -> bool:
    text = token.text
    return text.startswith(INTERNAL_PREFIX) and text[len(INTERNAL_PREFIX) :].isdigit()


def _collapse_lists(out: list[str]) -> None:
    """``IN (?, ?, ?)`` becomes ``IN (?)``; ``VALUES (..), (..)`` with equal rows one row."""
    i = 0
    while i < len(out):
        word = out[i]
        upper = word.upper()
        if upper == "IN" and i + 2 < len(out) and out[i + 1] == "(":
            end = i + 2
            while end + 1 < len(out) and out[end] == HOLE and out[end + 1] == ",":
                end += 2
            if out[end] == HOLE and end + 1 < len(out) and out[end + 1] == ")":
                del out[i + 3 : end + 1]
        elif upper == "VALUES":
            _collapse_rows(out, i + 1)
        i += 1


def _collapse_rows(out: list[str], start: int) -> None:
    """Equal rows of a VALUES list starting at ``out[start]`` kept once."""
    first_end = _group_end(out, start)
    if first_end is None:
        return
    row = out[start : first_end + 1]
    at = first_end + 1
    while at < len(out) and out[at] == ",":
        end = _group_end(out, at + 1)
        if end is None or out[at + 1 : end + 1] != row:
            return
        del out[at : end + 1]


def _group_end(out: list[str], start: int) -> int | None:
    """The index of the `)` closing the `(` at ``start``, or None."""
    if start >= len(out) or out[start] != "(":
        return None
    depth = 0
    for at in range(start, len(out)):
        if out[at] == "(":
            depth += 1
        elif out[at] == ")":
            depth -= 1
            if depth == 0:
                return at
    return None


def _text(pieces: list[str]) -> str:
    parts: list[str] = []
    glue = True  # no space before the first word
    for index, word in enumerate(pieces):
        if (
            not glue
            and word not in _NO_SPACE_BEFORE
            and not (word == "(" and index and _is_call(pieces, index - 1))
        ):
            parts.append(" ")
        parts.append(word)
        glue = word in _NO_SPACE_AFTER
    return "".join(parts)


def _is_call(pieces: list[str], at: int) -> bool:
    """Is ``pieces[at]``, before a `(`, a function's name (``COUNT(``, ``date_trunc(``), not a
    keyword (``IN (``) or a table's name (``INSERT INTO t (a, b)``)?"""
    word = pieces[at]
    if not (word[-1:].isalnum() or word[-1:] == "_") or word.upper() in _SPACED_BEFORE_PAREN:
        return False
    return at == 0 or pieces[at - 1].upper() not in _BEFORE_TABLE


#: what a table's name follows where a parenthesised column list may come after it
_BEFORE_TABLE = frozenset({"INTO", "TABLE", "REFERENCES", "EXISTS"})


#: keywords followed by a parenthesised list rather than called
_SPACED_BEFORE_PAREN = frozenset(
    {
        "IN",
        "VALUES",
        "AS",
        "AND",
        "OR",
        "NOT",
        "ON",
        "USING",
        "EXISTS",
        "FROM",
        "JOIN",
        "SELECT",
        "WHERE",
        "INTO",
        "OVER",
        "THEN",
        "ELSE",
        "WHEN",
        "CASE",
        "BY",
        "ANY",
        "ALL",
        "SOME",
        "SET",
        "IS",
        "BETWEEN",
        "LIKE",
        "UNION",
        "RETURNING",
        "HAVING",
        "TABLE",
        "LIMIT",
        "OFFSET",
        "WITH",
        "=",
        "<",
        ">",
    }
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
    return text.strip()
