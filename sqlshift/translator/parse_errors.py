"""Parse errors in words: which token, where (the caller's line and column), what was expected.

sqlglot's own messages name its classes (``Required keyword: 'expression' missing for <class
'sqlglot.expressions.core.Mul'>``) and point at the end of a token, or at 1:1 for a tokenizer
error; a user needs the token they wrote and what the statement lacks there.
"""

from __future__ import annotations

import difflib
import re

import sqlglot
from sqlglot.tokenizer_core import TokenType

from sqlshift.errors import ParseError
from sqlshift.translator.context import caret, line_col
from sqlshift.translator.params import ScannedText
from sqlshift.translator.targets import DIALECTS

__all__ = ["incomplete", "parse_error", "token_error"]

#: what starts a statement in any of the three dialects (for "did you mean")
_STATEMENT_WORDS = (
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "REPLACE",
    "CREATE",
    "ALTER",
    "DROP",
    "WITH",
    "VALUES",
    "EXPLAIN",
    "TRUNCATE",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "SET",
    "SHOW",
    "USE",
    "GRANT",
    "REVOKE",
    "ANALYZE",
    "VACUUM",
    "PRAGMA",
    "CALL",
    "DESCRIBE",
    "LOCK",
)

#: sqlglot node classes as the caller wrote them
_SPELLED = {
    "Add": "`+`",
    "Sub": "`-`",
    "Mul": "`*`",
    "Div": "`/`",
    "Mod": "`%`",
    "IntDiv": "DIV",
    "EQ": "`=`",
    "NEQ": "`<>`",
    "GT": "`>`",
    "GTE": "`>=`",
    "LT": "`<`",
    "LTE": "`<=`",
    "NullSafeEQ": "`<=>`",
    "And": "AND",
    "Or": "OR",
    "Not": "NOT",
    "Like": "LIKE",
    "ILike": "ILIKE",
    "In": "IN",
    "Between": "BETWEEN",
    "Is": "IS",
    "DPipe": "`||`",
    "BitwiseAnd": "`&`",
    "BitwiseOr": "`|`",
    "BitwiseXor": "`^`",
    "Where": "WHERE",
    "Having": "HAVING",
    "Group": "GROUP BY",
    "Order": "ORDER BY",
    "Limit": "LIMIT",
    "Offset": "OFFSET",
    "Join": "JOIN",
    "Alias": "AS",
    "Case": "CASE",
    "If": "WHEN",
    "Cast": "CAST",
    "Distinct": "DISTINCT",
    "Neg": "`-`",
    "Paren": "`(`",
    "Tuple": "`(`",
}

_REQUIRED = re.compile(r"Required keyword: '(\w+)' missing for <class '[\w.]*\.(\w+)'>")
_EXPECTED = re.compile(r"Expected (.*?) but got <Token token_type: [^,]*, text: (.*?), line")
_TOKEN_REPR = re.compile(r"<Token token_type: [^,]*, text: (.*?), line: .*?>")


def _near(token: str) -> str:
    return "the end of the statement" if token in ("", "SENTINEL") else f"'{token}'"


def _describe(description: str, token: str) -> str:
    required = _REQUIRED.search(description)
    if required:
        what = _SPELLED.get(required.group(2))
        if what is None:
            return f"syntax error at {_near(token)}: the statement is incomplete here"
        return f"syntax error at {_near(token)}: {what} needs something after it"
    expected = _EXPECTED.search(description)
    if expected:
        return f"syntax error: expected {expected.group(1)} but found {_near(expected.group(2))}"
    if description.startswith("Expecting "):
        return f"syntax error: expected {description[10:].strip()} after {_near(token)}"
    if description.startswith(("Invalid expression / Unexpected token", "Unexpected token")):
        return f"syntax error: unexpected {_near(token)}"
    text = _TOKEN_REPR.sub(lambda m: _near(m.group(1)), description).rstrip(".")
    return f"syntax error at {_near(token)}: {text}"


def _misspelt_start(scanned: ScannedText, original: str, dialect: str) -> ParseError | None:
    """A statement whose first word is no statement keyword: name it, with a suggestion."""
    try:
        tokens = DIALECTS[dialect].tokenize(scanned.text)
    except sqlglot.errors.TokenError:
        return None
    if not tokens or tokens[0].token_type not in (TokenType.VAR, TokenType.IDENTIFIER):
        return None
    word = tokens[0].text
    close = difflib.get_close_matches(word.upper(), _STATEMENT_WORDS, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return _positioned(
        f"syntax error: '{word}' does not start a statement{hint}",
        scanned.original_offset(tokens[0].start),
        original,
    )


def _positioned(message: str, offset: int, original: str) -> ParseError:
    line, col = line_col(original, offset)
    return ParseError(message, line=line, col=col, snippet=caret(original, line, col))


def parse_error(
    error: sqlglot.errors.ParseError, scanned: ScannedText, original: str, dialect: str
) -> ParseError:
    """The caller's view of sqlglot's first parse error."""
    misspelt = _misspelt_start(scanned, original, dialect)
    if misspelt is not None:
        return misspelt
    if not error.errors and str(error):
        return ParseError(str(error))  # raised in words by sqlshift's own builders
    details = error.errors[0] if error.errors else {}
    token = str(details.get("highlight") or "")
    message = _describe(str(details.get("description") or "invalid SQL"), token)
    line, col = details.get("line"), details.get("col")
    if not isinstance(line, int) or not isinstance(col, int):
        return ParseError(message)
    col -= max(len(token) - 1, 0)  # sqlglot points at the end of the token
    offset = _offset_of(scanned.text, line, col)
    return _positioned(message, scanned.original_offset(offset), original)


def _unterminated(text: str, dialect: str) -> tuple[int, str] | None:
    """The offset and kind of the first quote or comment that is never closed."""
    closers = {"'": "string", '"': "quoted name" if dialect != "mysql" else "string"}
    closers["`"] = "quoted name"
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if text.startswith("--", i) or (ch == "#" and dialect == "mysql"):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                return i, "comment"
            i = end + 2
        elif ch in closers:
            j = i + 1
            while True:
                if j >= n:
                    return i, closers[ch]
                if text[j] == "\\" and dialect == "mysql" and ch != "`":
                    j += 2
                elif text[j] == ch:
                    if j + 1 < n and text[j + 1] == ch:
                        j += 2
                    else:
                        break
                else:
                    j += 1
            i = j + 1
        else:
            i += 1
    return None


def token_error(scanned: ScannedText, original: str, dialect: str) -> ParseError:
    """sqlglot's tokenizer gave up: find the unclosed string, quoted name or comment."""
    found = _unterminated(scanned.text, dialect)
    if found is None:
        return ParseError("syntax error: the statement contains text that cannot be read as SQL")
    offset, kind = found
    return _positioned(
        f"syntax error: unterminated {kind} (it is never closed)",
        scanned.original_offset(offset),
        original,
    )


def incomplete(tree: sqlglot.exp.Expr) -> str | None:
    """What a statement sqlglot accepted lacks (``UPDATE t SET`` with no assignment, ``INSERT
    INTO t`` with no rows), or None."""
    exp = sqlglot.exp
    if isinstance(tree, exp.Update) and not tree.expressions:
        return "UPDATE needs SET column = value"
    if (
        isinstance(tree, exp.Insert)
        and tree.args.get("expression") is None
        and not tree.args.get("default")
    ):
        return "INSERT needs VALUES (...) or a SELECT"
    return None


def _offset_of(text: str, line: int, col: int) -> int:
    start = 0
    for _ in range(line - 1):
        nl = text.find("\n", start)
        if nl < 0:
            break
        start = nl + 1
    return start + max(col - 1, 0)
