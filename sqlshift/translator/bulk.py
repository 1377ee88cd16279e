"""The bulk of a MySQL dump without a tree per row: multi-row ``INSERT ... VALUES`` of literals.

Parsing every row of a dump with sqlglot dominated its translation (0.2 MB/s). The rows of an
``INSERT INTO t [(columns)] VALUES (...), (...)`` whose values are all plain literals (NULL,
decimal numbers, strings with MySQL's common escapes) mean nothing beyond their values, typed
by their columns: they are read here by a scanner that knows MySQL's literal syntax and
written in the target's, each value converted as the rules would convert it for its column
(the script's ``CREATE TABLE`` before it, or ``schema=``): 0/1 into a BOOLEAN on PostgreSQL,
strings into BLOBs as byte strings, SET values canonical, relaxed dates canonical, DECIMALs
rounded on SQLite. Everything else (an expression, a placeholder, a hex literal, a rare
escape, a NUL outside a BLOB, a column whose table was altered in the script, JSON) leaves
the statement to the full translator, as does a statement too short to gain anything.

Only the rows skip the translator. The statement itself still goes through it: it is replaced,
at the same offsets, by a stub of one row of NULLs marked ``/* sqlshift-bulk:N */`` (the rest
of its text blanked, line breaks kept, so positions after it are unchanged), which the rules,
the session statements (BEGIN around it) and the identifier policy treat as the statement;
the stub's generated ``VALUES (NULL, ...)`` is then replaced by the rows written here.
tests/test_bulk.py checks that the output is the full translator's, byte for byte.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from sqlshift.translator.compound import Unit, past_comments, split_script
from sqlshift.translator.rules.stored import decimal_scale
from sqlshift.translator.schema import Schema

__all__ = ["BULK_MIN_CHARS", "Bulk", "BulkReader", "prepare_bulk", "splice"]

BULK_MIN_CHARS = 256
"""Statements shorter than this go through the full translator (nothing to gain)."""

_HEADER = re.compile(
    r"INSERT\s+INTO\s+(`[^`]+`|\w+)\s*(\((?:\s*(?:`[^`]+`|\w+)\s*,)*\s*(?:`[^`]+`|\w+)\s*\))?"
    r"\s*VALUES\s*",
    re.IGNORECASE,
)
_NAME = re.compile(r"`([^`]+)`|(\w+)")
_TOKEN = re.compile(
    r"\s*(?:(?P<null>NULL)\b|(?P<number>-?\d+(?:\.\d+)?)(?![\w.])"
    r"|'(?P<string>(?:[^'\\]|\\.|'')*)')\s*",
    re.IGNORECASE | re.DOTALL,
)
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t", "0": "\0"}
_ESCAPE = re.compile(r"\\(.)|''", re.DOTALL)
_INSERT = re.compile(r"\binsert\b", re.IGNORECASE)
_NOT_NEWLINE = re.compile(r"[^\n]")
_SPACES = re.compile(r"\s*")
_NOT_TEXT = re.compile("[\x00\udc80-\udcff]")
"""A NUL (no target text holds one) or a byte that was not UTF-8 (read by surrogateescape)."""
_MARK = re.compile(r"/\* sqlshift-bulk:(\d+) \*/ ")
_COLUMNS_CHANGE = re.compile(
    r"\b(?:ADD\s+(?:COLUMN\s+)?(?!CONSTRAINT|KEY|INDEX|UNIQUE|PRIMARY|FOREIGN|FULLTEXT|SPATIAL"
    r"|CHECK)\w|DROP\s+(?:COLUMN\s+)?(?!CONSTRAINT|KEY|INDEX|PRIMARY|FOREIGN|CHECK)\w"
    r"|MODIFY|CHANGE|RENAME|CONVERT)",
    re.IGNORECASE,
)
"""An ALTER TABLE that changes a table's columns (its later INSERTs go the full way)."""

T = exp.DType
_BINARY = {T.BLOB, T.TINYBLOB, T.MEDIUMBLOB, T.LONGBLOB, T.VARBINARY, T.BINARY}
_TEMPORAL = {T.DATE: "date", T.DATETIME: "datetime", T.TIMESTAMP: "datetime"}
_TEMPORAL |= {T.TIMESTAMPTZ: "datetime", T.DATETIME64: "datetime"}  # (MySQL TIMESTAMP reads so)
_NUMERIC = {T.TINYINT, T.SMALLINT, T.MEDIUMINT, T.INT, T.BIGINT, T.UTINYINT, T.USMALLINT}
_NUMERIC |= {T.UMEDIUMINT, T.UINT, T.UBIGINT, T.DOUBLE, T.FLOAT, T.DECIMAL, T.UDECIMAL, T.YEAR}
_TEXT = {T.VARCHAR, T.CHAR, T.TEXT, T.TINYTEXT, T.MEDIUMTEXT, T.LONGTEXT, T.ENUM, T.NCHAR}

Convert = Callable[[str | None, str], str | None]
"""(kind of literal: None for NULL, "n" number, "s" string; its value) -> target text, or
None when the statement must go the full translator's way."""


@dataclass(slots=True)
class Bulk:
    """The rows of the script's bulk statements, written for the target, by stub number."""

    rows: dict[int, str]


def prepare_bulk(text: str, schema: Schema | None, target: str) -> tuple[str, Bulk]:
    """``text`` with its bulk INSERTs replaced by stubs (offsets unchanged), and their rows."""
    bulk = Bulk({})
    if len(text) < BULK_MIN_CHARS or not _INSERT.search(text):
        return text, bulk
    reader = BulkReader(schema, target)
    pieces: list[str] = []  # the text, with stubs (and blanks) for the bulk statements
    done = 0
    for unit in split_script(text):
        found = reader.read(text, unit)
        if found is None:
            continue
        first, stub, rows = found
        bulk.rows[reader.count - 1] = rows
        pieces.append(text[done:first])
        pieces.append(stub)
        pieces.append(_NOT_NEWLINE.sub(" ", text[first + len(stub) : unit.end]))
        done = unit.end
    if not pieces:
        return text, bulk
    pieces.append(text[done:])
    return "".join(pieces), bulk


class BulkReader:
    """Reads a script's statements in order: learns its tables from its CREATE TABLEs (and
    forgets those an ALTER or RENAME changes), and writes its bulk INSERTs' rows."""

    def __init__(self, schema: Schema | None, target: str, marker: str = "sqlshift-bulk") -> None:
        self.target, self.marker = target, marker
        self.count = 0  #: the bulk statements read so far (the next stub's number)
        # per table: its columns and types, and how the script's CREATE TABLE spells them
        # (None for a table known from schema= only: an INSERT without columns keeps none)
        self.tables: dict[str, _Columns] = {
            name: (list(columns), None) for name, columns in (schema.tables if schema else ())
        }
        self.altered: set[str] = set()

    def note(self, text: str, unit: Unit) -> tuple[int, str]:
        """Learn from the statement at ``unit`` (a CREATE TABLE's columns, an ALTER or
        RENAME that changes them); where it starts past its comments, and its head."""
        first = past_comments(text, unit.start, unit.end)  # (a unit starts at its comments)
        head = text[first : first + 40].upper()
        if head.startswith("CREATE TABLE"):
            _learn(text[first : unit.end], self.tables)
        elif head.startswith("RENAME TABLE") or (
            head.startswith("ALTER TABLE") and _COLUMNS_CHANGE.search(text, first, unit.end)
        ):
            self.altered.update(_names_in(text[first : unit.end]))
        return first, head

    def read(self, text: str, unit: Unit) -> tuple[int, str, str] | None:
        """For a bulk INSERT at ``unit`` of ``text``: where it starts (past its comments),
        its stub (numbered ``count``, then counted) and its rows written for the target.
        None for any other statement (a CREATE TABLE is learnt)."""
        if unit.client or text.startswith("/* sqlshift-", unit.start):
            return None  # (a stub: a dump's, read again by the translator)
        first, head = self.note(text, unit)
        if unit.end - first < BULK_MIN_CHARS or not head.startswith("INSERT"):
            return None
        found = _bulk(text, first, unit.end, self.tables, self.altered, self.target)
        if found is None:
            return None
        header, rows = found
        stub = f"/* {self.marker}:{self.count} */ {header}"
        if len(stub) > unit.end - first:
            return None
        self.count += 1
        return first, stub, rows


def splice(statement: str, bulk: Bulk) -> str:
    """A generated statement with a stub's ``VALUES (NULL, ...)`` replaced by its rows."""
    if not bulk.rows or not statement.startswith("/* sqlshift-bulk:"):
        return statement
    mark = _MARK.match(statement)
    if mark is None:
        return statement
    header = statement[mark.end() : statement.rindex(" VALUES ")]
    return f"{header} VALUES {bulk.rows[int(mark.group(1))]}"


_Columns = tuple[list[tuple[str, exp.DataType]], list[str] | None]


def _learn(ddl: str, tables: dict[str, _Columns]) -> None:
    """A CREATE TABLE's columns: types (as Schema.from_ddl reads them) and spellings."""
    try:
        defined = Schema.from_ddl(ddl, "mysql")
        create = sqlglot.parse_one(ddl, read="mysql")
    except Exception:  # (the full translator reports what is wrong with it)
        return
    spellings = [
        f"`{c.this.name}`" if c.this.args.get("quoted") else c.this.name
        for c in create.find_all(exp.ColumnDef)
    ]
    for name, columns in defined.tables:
        tables[name] = (list(columns), spellings if len(spellings) == len(columns) else None)


def _names_in(statement: str) -> set[str]:
    """The tables an ALTER TABLE t / RENAME TABLE a TO b names."""
    words = [m.group(1) or m.group(2) for m in _NAME.finditer(statement[:300])]
    renamed = bool(words) and words[0].upper() == "RENAME"
    named = words[2:3] + (words[4:5] if renamed else [])
    return {w.lower() for w in named}


def _bulk(
    text: str,
    start: int,
    end: int,
    tables: dict[str, _Columns],
    altered: set[str],
    target: str,
) -> tuple[str, str] | None:
    """The stub's statement for the INSERT at ``text[start:end]`` (one row of NULLs) and its
    rows written for the target; None when it is not a bulk insert this module writes."""
    spaces = _SPACES.match(text, start, end)
    header = _HEADER.match(text, spaces.end() if spaces else start, end)
    if header is None:
        return None
    table_text, columns_text = header.group(1), header.group(2)
    table = table_text.strip("`").lower()
    known = tables.get(table)
    if known is None or table in altered:
        return None
    declared, spellings = known
    by_name = dict(declared)
    if columns_text is not None:
        names = [m.group(1) or m.group(2) for m in _NAME.finditer(columns_text)]
        listed: str | None = columns_text
    else:
        names = [n for n, _ in declared]
        # the full translator lists a script table's columns as its CREATE TABLE spells them
        listed = f"({', '.join(spellings)})" if spellings is not None else None
    types = [by_name.get(n.lower()) for n in names]
    converters = [_converter(t, target) for t in types]
    if any(c is None for c in converters):
        return None
    given = [c for c in converters if c is not None]
    plain = tuple(_plain(t, target) for t in types)
    rows = _plain_rows(text, header.end(), end, plain)
    if rows is None:
        rows = _rows_by_row(text, header.end(), end, plain, given)
    if rows is None:
        rows = _rows(text, header.end(), end, given)
    if rows is None:
        return None
    nulls = ", ".join("NULL" for _ in names)
    columns = f" {listed}" if listed is not None else ""
    return f"INSERT INTO {table_text}{columns} VALUES ({nulls})", rows


def _rows(text: str, position: int, end: int, converters: list[Convert]) -> str | None:
    """The VALUES rows at ``text[position:end]`` written for the target, or None."""
    written: list[str] = []
    width = len(converters)
    while True:
        while position < end and text[position].isspace():
            position += 1
        if position >= end or text[position] != "(":
            return None
        position += 1
        values: list[str] = []
        for index in range(width):
            token = _TOKEN.match(text, position, end)
            if token is None:
                return None
            if token.group("null") is not None:
                value = converters[index](None, "")
            elif token.group("number") is not None:
                value = converters[index]("n", token.group("number"))
            else:
                unescaped = _unescape(token.group("string"))
                value = None if unescaped is None else converters[index]("s", unescaped)
            if value is None:
                return None
            values.append(value)
            position = token.end()
            separator = "," if index < width - 1 else ")"
            if position >= end or text[position] != separator:
                return None
            position += 1
        written.append("(" + ", ".join(values) + ")")
        while position < end and text[position].isspace():
            position += 1
        if position >= end:
            return ", ".join(written)
        if text[position] != ",":
            return None
        position += 1


_STRING = r"'(?:[^'\\]++|\\.|'')*+'"
_NUMBER = r"-?\d+(?:\.\d+)?"
_STRING_SPLIT = re.compile(f"({_STRING})", re.DOTALL)
_ROW_GAP = re.compile(r"\),\s")
_ANY = f"NULL|{_NUMBER}|{_STRING}"
"""Any literal the bulk path reads (a text or number column writes each unchanged)."""


def _plain(dtype: exp.DataType | None, target: str) -> str | None:
    """The literals a column of ``dtype`` takes that :func:`_converter` writes unchanged
    (as a regular expression), or None when it changes all of them but NULL."""
    if dtype is None:
        return None
    t = dtype.this
    if t in _TEMPORAL:  # (only the canonical spelling is written as it is)
        shape = r"'[1-9]\d{3}-\d\d-\d\d'"
        if _TEMPORAL[t] == "datetime":
            shape = r"'[1-9]\d{3}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})?'"
        return f"NULL|{_NUMBER}|{shape}"
    if t in (T.DECIMAL, T.UDECIMAL) and target == "sqlite":
        scale = decimal_scale(dtype)
        if scale is None:
            return None
        digits = rf"-?\d+(?:\.\d{{1,{scale}}})?" if scale else r"-?\d+"
        return f"NULL|{digits}|{_STRING}"
    if t == T.BOOLEAN and target == "postgres":
        return f"NULL|{_STRING}"  # (0 and 1 are written TRUE and FALSE)
    if t in _BINARY or t == T.SET:
        return f"NULL|{_NUMBER}"
    if t in _NUMERIC or t in _TEXT or t == T.BOOLEAN:
        return _ANY
    return None


@functools.lru_cache(maxsize=256)
def _plain_body(columns: tuple[str, ...]) -> re.Pattern[str]:
    """Rows of mysqldump's compact form, each value one its column writes unchanged."""
    row = r"\(" + ",".join(f"(?:{c})" for c in columns) + r"\)"
    return re.compile(rf"{row}(?:,\s*+{row})*+\s*", re.DOTALL)


def _plain_rows(text: str, position: int, end: int, columns: tuple[str | None, ...]) -> str | None:
    """The rows at ``text[position:end]`` when every value is one its column writes
    unchanged (mysqldump's usual case): checked by one regular expression and written
    with the strings' escapes rewritten, without a step per value. None otherwise (the
    rows are then read one value at a time)."""
    if any(c is None for c in columns):
        return None
    pattern = _plain_body(tuple(c for c in columns if c is not None))
    if pattern.fullmatch(text, position, end) is None:
        return None
    body = text[position:end].rstrip()
    if _NOT_TEXT.search(body):
        return None
    parts = _STRING_SPLIT.split(body)  # code, string, code, string, ..., code
    if _ROW_GAP.search(body):  # (a row a line, as Sakila's dump has them)
        parts[::2] = ["".join(code.split()).replace(",", ", ") for code in parts[::2]]
    else:
        parts[::2] = [code.replace(",", ", ") for code in parts[::2]]
    if "\\" in body:
        for index in range(1, len(parts), 2):
            if "\\" in parts[index]:
                value = _unescape(parts[index][1:-1])
                if value is None or "\0" in value:
                    return None
                parts[index] = _string(value)
    return "".join(parts)


def _rows_by_row(
    text: str,
    position: int,
    end: int,
    plain: tuple[str | None, ...],
    converters: list[Convert],
) -> str | None:
    """The rows at ``text[position:end]`` in mysqldump's compact form, read a row at a time
    by one regular expression: a value its column writes unchanged (``plain``) is copied
    (its escapes rewritten), the others converted. None for rows in another form, or a
    value a converter leaves to the full translator."""
    check, row = _by_row(len(converters))
    if check.fullmatch(text, position, end) is None:
        return None
    # per column: True (its values are written unchanged), the values that are, or None
    unchanged = [p == _ANY or (None if p is None else _literal(p)) for p in plain]
    dirty = _NOT_TEXT.search(text, position, end) is not None  # (NULs, bytes not UTF-8)
    written: list[str] = []
    for match in row.finditer(text, position, end):
        values: list[str] = []
        for literal, convert, same in zip(match.groups(), converters, unchanged, strict=True):
            if same is True or (same and same.fullmatch(literal)):
                if literal[0] == "'" and "\\" in literal:
                    value = _unescape(literal[1:-1])
                    if value is None or _NOT_TEXT.search(value):
                        return None
                    literal = _string(value)
                elif dirty and _NOT_TEXT.search(literal):
                    return None
                values.append(literal)
                continue
            if literal == "NULL":
                converted = convert(None, "")
            elif literal[0] != "'":
                converted = convert("n", literal)
            else:
                value = _unescape(literal[1:-1])
                converted = None if value is None else convert("s", value)
            if converted is None:
                return None
            values.append(converted)
        written.append("(" + ", ".join(values) + ")")
    return ", ".join(written)


@functools.lru_cache(maxsize=64)
def _literal(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.DOTALL)


@functools.lru_cache(maxsize=64)
def _by_row(width: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Rows of ``width`` literals in mysqldump's compact form: the whole check, and a row
    with each value a group."""
    row = r"\(" + ",".join(f"({_ANY})" for _ in range(width)) + r"\)"
    bare = r"\(" + ",".join(f"(?:{_ANY})" for _ in range(width)) + r"\)"
    return re.compile(rf"{bare}(?:,\s*+{bare})*+\s*", re.DOTALL), re.compile(row, re.DOTALL)


def _unescape(body: str) -> str | None:
    """A MySQL single-quoted string's value; None for an escape this module leaves to the
    full translator."""
    if "\\" not in body and "''" not in body:
        return body
    failed = False

    def one(match: re.Match[str]) -> str:
        nonlocal failed
        if match.group(0) == "''":
            return "'"
        replacement = _ESCAPES.get(match.group(1))
        if replacement is None:
            failed = True
            return ""
        return replacement

    value = _ESCAPE.sub(one, body)
    return None if failed else value


def _string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _converter(dtype: exp.DataType | None, target: str) -> Convert | None:
    """How a literal is written into a column of ``dtype`` on ``target``, as the rules write
    it (None: a column this module leaves to them)."""
    from sqlshift.translator.rules.enums import canonical_set, members_of
    from sqlshift.translator.rules.stored import canonical_temporal, decimal_scale, rounded_number

    if dtype is None:
        return None
    t = dtype.this

    def plain_text(kind: str | None, value: str) -> str | None:
        if kind is None:
            return "NULL"
        if _NOT_TEXT.search(value):
            return None
        return value if kind == "n" else _string(value)

    if t == T.BOOLEAN:
        if target != "postgres":
            return plain_text

        def boolean(kind: str | None, value: str) -> str | None:
            if kind == "n" and value in ("0", "1"):
                return "TRUE" if value == "1" else "FALSE"
            return plain_text(kind, value)

        return boolean
    if t in _BINARY:

        def binary(kind: str | None, value: str) -> str | None:
            if kind != "s":
                return plain_text(kind, value)
            data = value.encode("utf-8", "surrogateescape").hex()
            return f"DECODE('{data}', 'hex')" if target == "postgres" else f"x'{data}'"

        return binary
    if t in _TEMPORAL:
        kind_of = _TEMPORAL[t]

        def temporal(kind: str | None, value: str) -> str | None:
            if kind == "s":
                canonical = canonical_temporal(value, kind_of)
                return plain_text(kind, canonical if canonical is not None else value)
            return plain_text(kind, value)

        return temporal
    if t == T.SET:
        members = members_of(dtype)
        if members is None:
            return None

        def set_value(kind: str | None, value: str) -> str | None:
            if kind == "s":
                canonical = canonical_set(value, members)
                return plain_text(kind, canonical if canonical is not None else value)
            return plain_text(kind, value)

        return set_value
    if t in (T.DECIMAL, T.UDECIMAL) and target == "sqlite":
        scale = decimal_scale(dtype)
        if scale is None:
            return None

        def decimal(kind: str | None, value: str) -> str | None:
            if kind == "n":
                return rounded_number(value, scale) or value
            return plain_text(kind, value)

        return decimal
    if t in _NUMERIC or t in _TEXT:
        return plain_text
    return None
