"""MySQL triggers on PostgreSQL and SQLite.

A MySQL ``CREATE TRIGGER`` is a unit (compound.py reads it whole). Its body is MySQL's
SQL/PSM, a language neither target has, but the triggers schemas and dumps actually hold
use a small part of it, which both targets can say:

========================================  =========================================  ==============================
MySQL                                     PostgreSQL (a PL/pgSQL trigger function)    SQLite
========================================  =========================================  ==============================
``INSERT``/``UPDATE``/``DELETE``/         the statement, translated                   the statement, translated
``REPLACE`` (``NEW.col``/``OLD.col``)
``SET NEW.col = expr`` (BEFORE)           ``NEW.col := expr;``                         refused (``trigger-set-new``):
                                                                                      a SQLite trigger cannot change
                                                                                      the row being written
``IF c THEN ... [ELSEIF ...] [ELSE ...]   ``IF c THEN ... ELSIF ... ELSE ...          a body that is one ``IF`` without
END IF``                                  END IF;``                                  ``ELSE``: ``WHEN c``; else refused
``BEGIN ... END``                         the statements in order                     the statements in order
========================================  =========================================  ==============================

The function returns ``NEW`` (BEFORE INSERT/UPDATE), ``OLD`` (BEFORE DELETE) or NULL (AFTER),
as PostgreSQL needs. Statements and expressions are translated by the translator itself, with
the trigger's table's columns as the types of ``NEW`` and ``OLD`` (from the script's
``CREATE TABLE`` or ``schema=``), in strict mode: anything it refuses refuses the trigger.
Anything else in a body (DECLARE, SIGNAL, CALL, loops, ``SELECT ... INTO``, user variables),
``FOLLOWS``/``PRECEDES`` (PostgreSQL orders triggers by name, SQLite by creation) and a
trigger on another database's table are refused as the whole unit (``trigger-body``,
``trigger-order``), with the position of what was refused. Procedures, functions and events
stay refused (``compound-statement``).

Corpus: triggers.toml ``trig-*`` (each loaded with rows written after it, and compared).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokenizer_core import Token, TokenType

from sqlshift.errors import ParseError, SqlshiftError, UntranslatableError
from sqlshift.translator.compound import STUB
from sqlshift.translator.context import Context, line_col
from sqlshift.translator.schema import Schema

__all__ = ["STUB_OUTPUT", "translate_trigger"]

STUB_OUTPUT = re.compile(
    r"\A(?:\s*/\*.*?\*/)*\s*" + re.escape(STUB).replace(r"\{\}", r"(\d+)") + r"\Z", re.DOTALL
)
"""compound.STUB as the translator writes it back (unchanged on both targets; the comments
before the trigger kept before it)."""

_NAME = r"(?:`[^`]*`|\"[^\"]*\"|[\w$]+)"
_HEADER = re.compile(
    rf"\s*CREATE\s+(?:DEFINER\s*=\s*(?:CURRENT_USER(?:\s*\(\s*\))?|{_NAME}(?:\s*@\s*{_NAME})?)\s+)?"
    rf"TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>(?:{_NAME}\s*\.\s*)?{_NAME})\s+"
    r"(?P<timing>BEFORE|AFTER)\s+(?P<event>INSERT|UPDATE|DELETE)\s+"
    rf"ON\s+(?P<table>(?:{_NAME}\s*\.\s*)?{_NAME})\s+FOR\s+EACH\s+ROW\s+"
    rf"(?:(?P<order>FOLLOWS|PRECEDES)\s+{_NAME}\s+)?",
    re.IGNORECASE,
)
_DML = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE"})
_VALUE = "sqlshift_value"


@dataclass(slots=True)
class _Statement:
    """One statement of a body: ``sql`` (a DML statement), ``set`` (assignments to NEW's
    columns), ``if`` (branches: a condition, None for ELSE, and their statements) or
    ``block`` (BEGIN ... END: one branch)."""

    kind: str
    offset: int  #: where it starts in the script
    sql: str = ""
    assignments: list[tuple[str, str, int]] = field(default_factory=list)
    branches: list[tuple[str | None, list[_Statement]]] = field(default_factory=list)


def translate_trigger(
    text: str, start: int, ctx: Context, seen: set[tuple[str, str, str]] | None = None
) -> list[str]:
    """The target's statements for the MySQL ``CREATE TRIGGER`` ``text`` (one unit, at
    offset ``start`` of the script); raises :class:`UntranslatableError` (positioned in
    ``ctx.original``) when its body holds what the module docstring does not list. ``seen``:
    the (table, timing, event) of the script's triggers before it: a second trigger for the
    same ones is refused (``trigger-order``), as the engines run them in different orders."""
    header = _HEADER.match(text)
    if header is None:
        raise _refusal(ctx, start, text, "trigger-body", "the trigger's header is not read")
    if header.group("order"):
        raise _refusal(
            ctx,
            start + header.start("order"),
            text[header.start("order") :],
            "trigger-order",
            f"{header.group('order').upper()} sets the order of MySQL's triggers; "
            f"{ctx.target} orders them {'by name' if ctx.target == 'postgres' else 'by creation'}",
            "drop FOLLOWS/PRECEDES, or merge the triggers into one",
        )
    name, table = _unquoted(header.group("name")), _unquoted(header.group("table"))
    if "." in name or "." in table:
        raise _refusal(ctx, start, text, "trigger-body", "a trigger of another database's table")
    timing, event = header.group("timing").upper(), header.group("event").upper()
    if seen is not None:
        if (table.lower(), timing, event) in seen:
            raise _refusal(
                ctx, start, text, "trigger-order",
                f"a second {timing} {event} trigger on {table}: MySQL runs them in the order "
                f"they were created, {ctx.target} "
                f"{'by name' if ctx.target == 'postgres' else 'in an order it does not promise'}",
                "merge the triggers into one",
            )  # fmt: skip
        seen.add((table.lower(), timing, event))
    body_start = header.end()
    parser = _Parser(text, body_start, start, ctx)
    statements = parser.body()
    schema = _with_new_and_old(ctx.schema, table)
    translate = _Translator(ctx, schema, text, start)
    quoted_table = _quote(table, ctx.target)
    if ctx.target == "postgres":
        return _plpgsql(name, timing, event, quoted_table, statements, translate)
    return _sqlite(name, timing, event, quoted_table, statements, translate, ctx, start)


# ------------------------------------------------------------------------------ reading


class _Parser:
    """The body's statements, from MySQL's tokens (offsets kept, for errors and slices)."""

    def __init__(self, text: str, body_start: int, start: int, ctx: Context) -> None:
        self.text, self.start, self.ctx = text, start, ctx
        self.base = body_start
        try:
            self.tokens: list[Token] = Dialect.get_or_raise("mysql").tokenize(text[body_start:])
        except Exception as error:  # (sqlglot's TokenError)
            raise _refusal(ctx, start + body_start, text[body_start:], "trigger-body",
                           f"its body is not read: {error}") from None  # fmt: skip
        self.i = 0

    def body(self) -> list[_Statement]:
        found = self.block(frozenset())
        if self.i < len(self.tokens):
            raise self.refuse("this is not read as part of the trigger's body")
        return found

    def word(self, ahead: int = 0) -> str:
        """The keyword at the cursor (upper case; "" for a string or quoted name, or past
        the end)."""
        k = self.i + ahead
        if k >= len(self.tokens):
            return ""
        token = self.tokens[k]
        if token.token_type in (TokenType.STRING, TokenType.IDENTIFIER):
            return ""
        return ";" if token.token_type == TokenType.SEMICOLON else token.text.upper()

    def offset(self, k: int | None = None) -> int:
        """The offset in ``text`` of token ``k`` (the cursor's; the text's end past them)."""
        k = self.i if k is None else k
        return self.base + self.tokens[k].start if k < len(self.tokens) else len(self.text)

    def refuse(self, reason: str) -> UntranslatableError:
        at = self.offset()
        return _refusal(self.ctx, self.start + at, self.text[at:], "trigger-body", reason)

    def block(self, stops: frozenset[str]) -> list[_Statement]:
        found: list[_Statement] = []
        while self.i < len(self.tokens):
            word = self.word()
            if word in stops:
                return found
            if word == ";":
                self.i += 1
                continue
            found.append(self.statement())
        if stops:
            raise self.refuse(f"the body ends before {' or '.join(sorted(stops))}")
        return found

    def statement(self) -> _Statement:
        word = self.word()
        if word == "BEGIN":
            at = self.offset()
            self.i += 1
            inner = self.block(frozenset({"END"}))
            self.expect("END")
            return _Statement("block", self.start + at, branches=[(None, inner)])
        if word == "IF":  # (a statement: the IF() function cannot start one)
            return self.condition()
        if word == "SET" and self.word(1) == "NEW":
            return self.assignments()
        if word in _DML:
            at = self.offset()
            end = self.until(frozenset({";"}))
            return _Statement("sql", self.start + at, sql=self.text[at:end])
        what = word or "this"
        raise self.refuse(
            f"{what} in a trigger's body: only INSERT, UPDATE, DELETE, REPLACE, SET NEW.col and "
            "IF are translated"
        )

    def condition(self) -> _Statement:
        at = self.offset()
        branches: list[tuple[str | None, list[_Statement]]] = []
        keyword = "IF"
        while keyword in ("IF", "ELSEIF"):
            self.i += 1
            begin = self.offset()
            cond = self.text[begin : self.until(frozenset({"THEN"}))]
            self.expect("THEN")
            branches.append((cond, self.block(frozenset({"ELSEIF", "ELSE", "END"}))))
            keyword = self.word()
        if keyword == "ELSE":
            self.i += 1
            branches.append((None, self.block(frozenset({"END"}))))
        self.expect("END")
        self.expect("IF")
        return _Statement("if", self.start + at, branches=branches)

    def assignments(self) -> _Statement:
        at = self.offset()
        self.i += 1
        found: list[tuple[str, str, int]] = []
        while True:
            if self.word() != "NEW" or self.word(1) != "." or self.i + 2 >= len(self.tokens):
                raise self.refuse("only NEW's columns are assigned in a trigger translated")
            column = self.tokens[self.i + 2].text
            self.i += 3
            if self.word() not in ("=", ":="):
                raise self.refuse("expected = after the column")
            self.i += 1
            begin = self.offset()
            end = self.until(frozenset({",", ";"}))
            found.append((column, self.text[begin:end], self.start + begin))
            if self.word() != ",":
                return _Statement("set", self.start + at, assignments=found)
            self.i += 1

    def until(self, stops: frozenset[str]) -> int:
        """Move to the first of ``stops`` outside parentheses and CASE ... END; return the
        offset where the text before it ends."""
        depth = 0
        end = self.offset()
        while self.i < len(self.tokens):
            word = self.word()
            if depth == 0 and word in stops:
                return end
            if word in ("(", "CASE"):
                depth += 1
            elif word in (")", "END") and depth > 0:
                depth -= 1
            elif depth == 0 and word in ("END", "ELSEIF", "ELSE") and ";" in stops:
                return end  # (the last statement of a block may omit its `;`)
            token = self.tokens[self.i]
            end = self.base + token.end + 1
            self.i += 1
        return end

    def expect(self, word: str) -> None:
        if self.word() != word:
            raise self.refuse(f"expected {word}")
        self.i += 1


# ------------------------------------------------------------------------------ writing


@dataclass(slots=True)
class _Translator:
    """Statements and expressions of the body, by the translator (strict)."""

    ctx: Context
    schema: Schema
    text: str
    start: int

    def run(self, sql: str, offset: int, construct: str | None = None) -> list[str]:
        """``sql`` translated; a refusal names ``construct`` (default: ``sql``) at
        ``offset``."""
        from sqlshift.translator.api import translation  # (api imports this module)

        shown = sql if construct is None else construct
        try:
            result = translation(
                sql, self.ctx.target, "mysql", schema=self.schema, options=self.ctx.options
            )
        except UntranslatableError as error:
            raise _refusal(self.ctx, offset, shown, error.code, error.reason, error.hint) from None
        except (ParseError, SqlshiftError) as error:
            reason = str(error).splitlines()[0]
            raise _refusal(self.ctx, offset, shown, "trigger-body", reason) from None
        self.ctx.assumptions.extend(result.assumptions)
        return list(result.statements)

    def expression(self, sql: str, offset: int, shape: str, pattern: str) -> str:
        """``sql`` as an expression, translated inside ``shape`` and read back out."""
        [statement] = self.run(shape.format(sql), offset, sql)
        found = re.fullmatch(pattern, statement, re.DOTALL)
        if found is None:
            raise _refusal(
                self.ctx, offset, sql, "trigger-body", "its translation is not one expression"
            )
        return found.group(1)

    def condition(self, sql: str, offset: int) -> str:
        shape, pattern = f"SELECT 1 AS {_VALUE} WHERE {{}}", rf"SELECT 1 AS {_VALUE} WHERE (.*)"
        return self.expression(sql, offset, shape, pattern)

    def value(self, sql: str, offset: int) -> str:
        return self.expression(sql, offset, f"SELECT {{}} AS {_VALUE}", rf"SELECT (.*) AS {_VALUE}")


def _plpgsql(
    name: str,
    timing: str,
    event: str,
    table: str,
    statements: list[_Statement],
    translate: _Translator,
) -> list[str]:
    from sqlshift.translator.rules.triggers import plpgsql_trigger_text

    lines = ["BEGIN", *_plpgsql_lines(statements, translate, "  ")]
    returned = "NULL" if timing == "AFTER" else ("OLD" if event == "DELETE" else "NEW")
    lines += [f"  RETURN {returned};", "END"]
    function = _quote(name, "postgres")
    when = f"{timing} {event} ON {table} FOR EACH ROW"
    return plpgsql_trigger_text(function, "\n".join(lines), when)


def _plpgsql_lines(statements: list[_Statement], translate: _Translator, indent: str) -> list[str]:
    lines: list[str] = []
    for statement in statements:
        if statement.kind == "sql":
            lines += [f"{indent}{s};" for s in translate.run(statement.sql, statement.offset)]
        elif statement.kind == "set":
            for column, value, offset in statement.assignments:
                assigned = translate.value(value, offset)
                lines.append(f"{indent}NEW.{_quote(column, 'postgres')} := {assigned};")
        elif statement.kind == "block":
            lines += _plpgsql_lines(statement.branches[0][1], translate, indent)
        else:
            for number, (cond, inner) in enumerate(statement.branches):
                if cond is None:
                    lines.append(f"{indent}ELSE")
                else:
                    keyword = "IF" if number == 0 else "ELSIF"
                    lines.append(
                        f"{indent}{keyword} {translate.condition(cond, statement.offset)} THEN"
                    )
                lines += _plpgsql_lines(inner, translate, indent + "  ")
            lines.append(f"{indent}END IF;")
    return lines


def _sqlite(
    name: str,
    timing: str,
    event: str,
    table: str,
    statements: list[_Statement],
    translate: _Translator,
    ctx: Context,
    start: int,
) -> list[str]:
    when = ""
    flat = _flattened(statements)
    if len(flat) == 1 and flat[0].kind == "if" and len(flat[0].branches) == 1:
        cond, inner = flat[0].branches[0]
        assert cond is not None
        when = f" WHEN {translate.condition(cond, flat[0].offset)}"
        flat = _flattened(inner)
    lines: list[str] = []
    for statement in flat:
        if statement.kind == "set":
            raise _refusal(
                ctx, statement.offset, translate.text[statement.offset - start :], "trigger-set-new",
                "a SQLite trigger cannot change the row being written (SET NEW.col)",
                "give the column a DEFAULT, or set the value in the INSERT/UPDATE itself",
            )  # fmt: skip
        if statement.kind == "if":
            raise _refusal(
                ctx, statement.offset, translate.text[statement.offset - start :], "trigger-body",
                "SQLite triggers have no IF: only a body that is one IF without ELSE is "
                "translated (as WHEN)",
                "split the trigger into one trigger per condition",
            )  # fmt: skip
        lines += [f"  {s};" for s in translate.run(statement.sql, statement.offset)]
    if not lines:
        lines = ["  SELECT 1;"]  # (SQLite needs one statement)
    head = f"CREATE TRIGGER {_quote(name, 'sqlite')} {timing} {event} ON {table} FOR EACH ROW"
    return [f"{head}{when}\nBEGIN\n" + "\n".join(lines) + "\nEND"]


def _flattened(statements: list[_Statement]) -> list[_Statement]:
    """The statements with BEGIN ... END blocks opened."""
    out: list[_Statement] = []
    for statement in statements:
        if statement.kind == "block":
            out += _flattened(statement.branches[0][1])
        else:
            out.append(statement)
    return out


# ------------------------------------------------------------------------------ helpers


def _with_new_and_old(schema: Schema | None, table: str) -> Schema:
    """``schema`` with tables ``new`` and ``old``: the trigger's table's columns."""
    columns = schema.columns(table) if schema is not None else ()
    rows = Schema((("new", columns), ("old", columns)))
    return rows if schema is None else schema.merged(rows)


def _unquoted(name: str) -> str:
    parts = [p.strip() for p in re.split(r"\.(?=(?:[^`]*`[^`]*`)*[^`]*$)", name)]
    return ".".join(p[1:-1] if p[:1] in '`"' else p for p in parts)


def _quote(name: str, dialect: str) -> str:
    """A name as the target writes it: as is when that keeps its spelling there."""
    plain = re.fullmatch(r"[a-z_][a-z0-9_]*", name) is not None
    return name if plain else exp.to_identifier(name, quoted=True).sql(dialect)


def _refusal(
    ctx: Context, at: int, construct: str, code: str, reason: str, hint: str = ""
) -> UntranslatableError:
    line, col = line_col(ctx.original, at)
    first = " ".join(construct.split())
    return UntranslatableError(
        code,
        construct=first if len(first) <= 80 else first[:77] + "...",
        reason=reason,
        hint=hint or "write this trigger for the target by hand",
        line=line,
        col=col,
        source=ctx.source,
        target=ctx.target,
    )
