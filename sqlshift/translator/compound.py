"""MySQL client scripts: ``DELIMITER``, and compound statements as units.

mysqldump and hand-written MySQL scripts define procedures, functions, triggers and events
between ``DELIMITER ;;`` and ``DELIMITER ;``: the mysql client sends everything up to the
current delimiter as one statement, so the body's own ``;`` do not end it. sqlglot knows no
``DELIMITER``: a body was split at its first ``;`` and the statements inside it were emitted,
and run, on their own (a procedure's ``DROP TABLE`` executed on the target; its ``CREATE
TEMPORARY TABLE`` made a permanent table).

:func:`split_script` reads a script as the mysql client does: ``DELIMITER x`` at the start of
a line between statements changes the delimiter; a statement ends at the delimiter outside
strings, quoted names and comments (MySQL's executable ``/*!...*/`` comments are code, as the
client reads them). With the default ``;``, a compound statement's ``BEGIN ... END`` body is
kept whole too, so a ``CREATE TRIGGER ... BEGIN ...; END;`` written without ``DELIMITER``
is one unit as well.

:func:`prepare_text` is what the translator does with that (MySQL source; SQLite's own
``CREATE TRIGGER ... BEGIN ...; END`` is read the same way): every offset stays
where the caller wrote it (errors point into the caller's text). ``DELIMITER`` lines become
blanks, a custom delimiter becomes ``;``. A compound statement, ``CREATE [DEFINER=...]
PROCEDURE | FUNCTION | TRIGGER | EVENT``, is refused as one unit (``compound-statement``):
raised in strict mode; in lenient mode a warning, with the whole unit blanked out, so that
nothing inside it is ever emitted. The routine languages differ (MySQL's SQL/PSM against
PL/pgSQL; SQLite has no routines at all), and no statement of a body means on its own what it
means inside it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sqlshift.errors import UntranslatableError
from sqlshift.translator.context import line_col

STUB = "DROP TRIGGER IF EXISTS sqlshift_trigger_{}"
"""What stands for the N-th trigger of a script while the rest of it is translated (an
ordinary statement, at the trigger's offsets); trigger_units.py writes the trigger itself."""

__all__ = [
    "STUB",
    "Unit",
    "compound_kind",
    "end_of_quoted",
    "past_comments",
    "prepare_text",
    "split_script",
]

_DELIMITER_LINE = re.compile(r"[ \t]*delimiter[ \t]+(\S+)[^\n]*", re.IGNORECASE)
_MAYBE = re.compile(
    r"^[ \t]*delimiter[ \t]|\bcreate\b[^;(]{0,300}?\b(?:procedure|function|trigger|event)\b"
    r"|\bdefiner\s*=|\bsql\s+security\b|\balgorithm\s*=",
    re.IGNORECASE | re.MULTILINE,
)
_NAME = r"(?:`[^`]*`|'[^']*'|\"[^\"]*\"|[\w.%$-]+)"
_VIEW_HEADER = re.compile(
    rf"CREATE\s+(?:OR\s+REPLACE\s+)?(?P<clauses>(?:ALGORITHM\s*=\s*\w+\s+)?"
    rf"(?:DEFINER\s*=\s*(?:CURRENT_USER(?:\s*\(\s*\))?|{_NAME}(?:\s*@\s*{_NAME})?)\s+)?"
    rf"(?:SQL\s+SECURITY\s+(?:DEFINER|INVOKER)\s+)?)VIEW\b",
    re.IGNORECASE,
)
"""A view's MySQL-only header: who it runs as and how MySQL evaluates it. Neither changes
its rows (the caller's own rights aside), and neither parses on the targets (sqlglot does not
read ``DEFINER=CURRENT_USER`` at all): blanked."""
"""Text that may hold a DELIMITER line or a compound statement (a quick test first)."""
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_COMPOUND = frozenset({"PROCEDURE", "FUNCTION", "TRIGGER", "EVENT"})
#: what may stand between CREATE and the object kind (`CREATE DEFINER=`u`@`%` SQL
#: SECURITY INVOKER AGGREGATE FUNCTION`, `CREATE OR REPLACE TRIGGER`)
_MODIFIERS = frozenset({"OR", "REPLACE", "DEFINER", "SQL", "SECURITY", "INVOKER", "AGGREGATE"})
#: END followed by one of these closes a statement this scanner does not count as an opener
_END_OF_OTHER = frozenset({"IF", "LOOP", "WHILE", "REPEAT"})


@dataclass(frozen=True, slots=True)
class Unit:
    """One statement of a script: ``text[start:end]`` (its delimiter not included), or a
    ``DELIMITER`` line (``client`` true)."""

    start: int
    end: int
    client: bool = False
    delimiter: str = ";"
    """The delimiter in effect (it follows ``end`` unless the script ends there)."""


def split_script(text: str, dialect: str = "mysql") -> list[Unit]:
    """The statements and ``DELIMITER`` lines of a MySQL script, in order (see the module
    docstring). A statement starts at the comments before it; empty statements (two
    delimiters in a row) are left out. ``dialect="sqlite"`` reads SQLite's syntax instead
    (no DELIMITER, `#` comments or backslash escapes; `[name]` quoting): its triggers hold
    ``BEGIN ...; END`` bodies too."""
    mysql = dialect == "mysql"
    quotes = "'\"`" if mysql else "'\"`["
    units: list[Unit] = []
    delimiter = ";"
    i, n = 0, len(text)
    start: int | None = None  # the current statement's first character
    lead: int | None = None  # the first comment before it
    depth = 0  # BEGIN/CASE ... END nesting, counted with the default delimiter only
    compound = False
    while i < n:
        if start is None:
            line_start = i == 0 or text[i - 1] == "\n"
            match = _DELIMITER_LINE.match(text, i) if line_start and mysql else None
            if match is not None:
                lead = None  # (a comment before DELIMITER stays out of the next statement)
                units.append(Unit(i, match.end(), client=True))
                delimiter = match.group(1)
                i = match.end()
                continue
            if text[i].isspace():
                i += 1
                continue
            if text.startswith(delimiter, i):  # an empty statement (and its comments)
                i, lead = i + len(delimiter), None
                continue
            executable = mysql and text.startswith("/*!", i)
            skipped = None if executable else _skip_comment(text, i, mysql)
            if skipped is not None:
                lead = i if lead is None else lead
                i = skipped
                continue
            compound = compound_kind(text[i : i + 400], dialect) is not None
            start, depth, lead = (i if lead is None else lead), 0, None
        if text.startswith(delimiter, i) and (delimiter != ";" or depth == 0):
            units.append(Unit(start, i, delimiter=delimiter))
            start = None
            i += len(delimiter)
            continue
        counting = compound and delimiter == ";"
        if not counting and mysql and delimiter == ";":  # (most of a dump: at C speed)
            skipped_to = _MYSQL_STATEMENT.match(text, i)
            ahead = skipped_to.end() if skipped_to is not None else i
            if ahead > i:
                i = ahead
                continue
        if not counting:  # nothing but quotes, comments and the delimiter matter: skip ahead
            jump = _interesting(quotes, delimiter).search(text, i)
            ahead = jump.start() if jump is not None else n
            if ahead > i:
                i = ahead
                continue
        ch = text[i]
        if ch in quotes:
            i = end_of_quoted(text, i, ch, mysql)
            continue
        skipped = _skip_comment(text, i, mysql)
        if skipped is not None:
            i = skipped
            continue
        word = _WORD.match(text, i) if ch.isalpha() or ch == "_" else None
        if word is None:
            i += 1
            continue
        if compound and delimiter == ";" and (i == 0 or not _is_word_char(text[i - 1])):
            upper = word.group().upper()
            if upper in ("BEGIN", "CASE"):
                depth += 1
            elif upper == "END":
                following = _WORD.match(text, _skip_space(text, word.end()))
                if following is None or following.group().upper() not in _END_OF_OTHER:
                    depth = max(0, depth - 1)
        i = word.end()
    if start is not None and text[start:].strip():
        units.append(Unit(start, len(text.rstrip()), delimiter=delimiter))
    return units


def compound_kind(statement: str, dialect: str = "mysql") -> str | None:
    """``PROCEDURE``, ``FUNCTION``, ``TRIGGER`` or ``EVENT`` for a statement that creates one
    (``CREATE DEFINER=`root`@`localhost` TRIGGER ...``), else None. A ``CREATE FUNCTION f
    RETURNS STRING SONAME 'x.so'`` (a loadable function) counts too."""
    words = _leading_words(statement, dialect == "mysql")
    if not words or words[0] != "CREATE":
        return None
    for word in words[1:]:
        if word in _COMPOUND:
            return word
        if word not in _MODIFIERS:
            return None
    return None


def prepare_text(
    text: str,
    *,
    strict: bool,
    source: str,
    target: str,
    triggers: list[tuple[int, str]] | None = None,
) -> tuple[str, list[UntranslatableError]]:
    """``text`` with ``DELIMITER`` lines blanked, custom delimiters made ``;`` and (lenient
    mode) compound statements blanked, offsets unchanged; and the refusals of lenient mode.
    Strict mode raises the first compound statement's refusal. With ``triggers`` (a MySQL
    source), a ``CREATE TRIGGER`` is kept for trigger_units.py instead: replaced by the stub
    ``STUB.format(n)``, its offset and text appended to ``triggers``."""
    if not _MAYBE.search(text):  # (a dump's bulk: no need to scan it character by character)
        return text, []
    units = split_script(text, source)
    out = list(text)
    refused: list[UntranslatableError] = []
    for unit in units:
        if unit.client:
            _blank(out, unit.start, unit.end)
            continue
        if unit.delimiter != ";" and text.startswith(unit.delimiter, unit.end):
            out[unit.end] = ";"
            _blank(out, unit.end + 1, unit.end + len(unit.delimiter))
        kind = compound_kind(text[unit.start : unit.end], source)
        if kind is None:
            header = _VIEW_HEADER.match(text, past_comments(text, unit.start, unit.end))
            if source == "mysql" and header is not None and header.end() <= unit.end:
                _blank(out, header.start("clauses"), header.end("clauses"))
            continue
        if kind == "TRIGGER" and triggers is not None:
            begin = past_comments(text, unit.start, unit.end)
            stub = STUB.format(len(triggers))
            if len(stub) <= unit.end - begin:
                triggers.append((begin, text[begin : unit.end]))
                _blank(out, begin, unit.end)
                out[begin : begin + len(stub)] = stub
                continue
        error = _refusal(text, unit, kind, source, target)
        if strict:
            raise error
        refused.append(error)
        _blank(out, unit.start, unit.end)
        if unit.end < len(out) and out[unit.end] == ";":
            out[unit.end] = " "
    return "".join(out), refused


def _refusal(text: str, unit: Unit, kind: str, source: str, target: str) -> UntranslatableError:
    line, col = line_col(text, unit.start)
    first = " ".join(text[unit.start : unit.end].split())
    what = {"PROCEDURE": "a stored procedure", "FUNCTION": "a stored function"}.get(
        kind, f"a {kind.lower()}"
    )
    return UntranslatableError(
        "compound-statement",
        construct=first if len(first) <= 80 else first[:77] + "...",
        reason=(
            f"{what} is one unit, its body statements run by {source}'s rules for routines and "
            f"triggers; sqlshift does not translate it to {target}, and none of its statements "
            "is emitted on its own"
        ),
        hint=(
            f"write the {kind.lower()} for {target} by hand (PostgreSQL: PL/pgSQL; SQLite has "
            "triggers but no procedures or functions), and translate the rest of the script"
        ),
        line=line,
        col=col,
        source=source,
        target=target,
    )


def _blank(out: list[str], start: int, end: int) -> None:
    for k in range(start, min(end, len(out))):
        if out[k] != "\n":
            out[k] = " "


def past_comments(text: str, start: int, end: int) -> int:
    """The offset of a statement's first token (past blanks and comments)."""
    i = start
    while i < end:
        if text[i].isspace():
            i += 1
            continue
        skipped = _skip_comment(text, i, True)
        if skipped is None or text.startswith("*/", i):
            return i
        i = skipped
    return i


def _leading_words(statement: str, mysql: bool, limit: int = 12) -> list[str]:
    """The first words of a statement in upper case, past comments, quoted names and the
    ``= `user`@`host``` of a DEFINER clause."""
    words: list[str] = []
    i, n = 0, len(statement)
    while i < n and len(words) < limit:
        ch = statement[i]
        if ch.isspace() or ch in "=@(),":
            i += 1
            continue
        skipped = _skip_comment(statement, i, mysql)
        if skipped is not None:
            i = skipped
            continue
        if ch in "'\"`[":
            i = end_of_quoted(statement, i, ch, mysql)
            if words and words[-1] == "DEFINER":
                continue  # part of the DEFINER clause
            words.append("?")
            continue
        word = _WORD.match(statement, i)
        if word is None:
            return words
        words.append(word.group().upper())
        i = word.end()
        if words[-1] == "DEFINER":
            i = _skip_definer(statement, i)
    return words


def _skip_definer(statement: str, i: int) -> int:
    """Past ``= user@host`` / ``= CURRENT_USER[()]`` after DEFINER."""
    i = _skip_space(statement, i)
    if statement[i : i + 1] != "=":
        return i
    i = _skip_space(statement, i + 1)
    while i < len(statement) and not statement[i].isspace():
        ch = statement[i]
        i = end_of_quoted(statement, i, ch, True) if ch in "'\"`" else i + 1
    return i


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_$"


def _skip_comment(text: str, i: int, mysql: bool) -> int | None:
    """The offset after a comment starting at ``i`` (None if none starts there). MySQL's
    ``/*!...*/`` is code, not a comment: only its opener is skipped (its ``*/`` then reads
    as a comment of two characters). MariaDB's ``/*M!...*/`` is a comment, as MySQL reads
    it (and ``unwrap_conditional_comments``)."""
    ch = text[i]
    if (mysql and ch == "#") or (
        text.startswith("--", i) and text[i + 2 : i + 3] in ("", " ", "\t", "\n", "\r")
    ):
        end = text.find("\n", i)
        return len(text) if end < 0 else end + 1
    if mysql and text.startswith("/*!", i):
        j = i + 3
        while j < len(text) and text[j].isdigit():
            j += 1
        return j
    if mysql and text.startswith("*/", i):
        return i + 2  # the end of an executable comment
    if text.startswith("/*", i):
        end = text.find("*/", i + 2)
        return len(text) if end < 0 else end + 2
    return None


_MYSQL_STATEMENT = re.compile(
    r"""(?:[^'"`#/*;-]++"""  # (what does not matter)
    r"""|'(?:[^'\\]++|\\.|'')*+'|"(?:[^"\\]++|\\.|"")*+"|`(?:[^`]++|``)*+`"""
    r"""|\#[^\n]*+\n?|--(?=[ \t\n\r]|\Z)[^\n]*+\n?"""  # (line comments)
    r"""|/\*!\d*+|\*/|/\*(?!!)(?:[^*]++|\*(?!/))*+(?:\*/|\Z)"""  # (/*!, */, /* ... */)
    r"""|[/*-])*+""",
    re.DOTALL,
)
"""What a MySQL statement's scan steps over up to its ``;`` (or up to what this cannot
decide: an unclosed quote), as the character loop of :func:`split_script` reads it: quoted
strings and names whole, comments whole, ``/*!NNNNN`` and ``*/`` as two-character
comments. One regular expression instead of a step per quote."""


@functools.lru_cache(maxsize=16)
def _interesting(quotes: str, delimiter: str) -> re.Pattern[str]:
    """Where a statement's scan must look: a quote, a comment's start (or an executable
    comment's end), the delimiter's first character."""
    return re.compile("[" + re.escape(quotes + "#-/*" + delimiter[0]) + "]")


def _quoted_body(quote: str, escapes: bool) -> re.Pattern[str]:
    """The rest of a quoted string or name after its opening quote, its closing quote
    included: doubled quotes inside, and (``escapes``) backslash escapes. Possessive, so an
    unclosed string fails at once instead of backtracking."""
    q = re.escape(quote)
    if escapes:
        return re.compile(rf"(?:[^{q}\\]++|\\.|{q}{q})*+{q}", re.DOTALL)
    return re.compile(rf"(?:[^{q}]++|{q}{q})*+{q}", re.DOTALL)


_QUOTED = {
    (quote, escapes): _quoted_body(quote, escapes)
    for quote in ("'", '"', "`")
    for escapes in (True, False)
}


def end_of_quoted(text: str, start: int, quote: str, mysql: bool) -> int:
    """The offset after the quoted string or name that starts at ``start`` (the end of the
    text if it is not closed). MySQL strings take backslash escapes, names do not."""
    if quote == "[":
        end = text.find("]", start + 1)
        return len(text) if end < 0 else end + 1
    match = _QUOTED[(quote, mysql and quote != "`")].match(text, start + 1)
    return match.end() if match is not None else len(text)
