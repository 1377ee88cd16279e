"""The ``sqlshift`` command line: translate files, check them for untranslatable SQL, run the demo."""

from __future__ import annotations

import argparse
import asyncio
import bisect
import dataclasses
import json
import os
import re
import sys
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn, TextIO

import sqlglot
from sqlglot.errors import TokenError
from sqlglot.tokenizer_core import TokenType

from sqlshift import (
    DialectError,
    ParseError,
    SqlshiftError,
    TranslationWarning,
    UntranslatableError,
    translation,
)
from sqlshift.dialects import resolve_dialect
from sqlshift.translator.api import PROGRESS
from sqlshift.translator.assumptions import Assumption
from sqlshift.translator.compound import split_script
from sqlshift.translator.options import (
    ASSUMPTIONS,
    COLLATIONS,
    IDENTIFIER_CASES,
    MYSQL_PADDINGS,
    MYSQL_SERVERS,
    Options,
)
from sqlshift.translator.schema import Schema, as_schema

if TYPE_CHECKING:
    from sqlshift.move.outbox import Outbox
    from sqlshift.translator.dump import Reduced

__all__ = ["main"]

EXIT_OK = 0
EXIT_TRANSLATION = 1
EXIT_USAGE = 2

STDIN_NAME = "<stdin>"
_PROG = "sqlshift"
# Set to see the traceback of an unexpected error instead of a one-line message.
_DEBUG_ENV = "SQLSHIFT_DEBUG"


class _UsageError(Exception):
    """Bad command line or unreadable input: reported on one line, exit status 2."""


class _ArgumentParser(argparse.ArgumentParser):
    # argparse prints the whole usage block and calls sys.exit; we want one line and a return code.
    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{message} (see '{self.prog} --help')")


# --- splitting a script into statements -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of a script and where it starts (1-based line and column)."""

    text: str
    line: int
    col: int


class _Positions:
    """Offset -> (line, col) for one text, 1-based like the translator's errors."""

    def __init__(self, text: str) -> None:
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_left(self._newlines, offset)
        line_start = self._newlines[index - 1] + 1 if index else 0
        return index + 1, offset - line_start + 1


_DELIMITER = re.compile(r"^[ \t]*delimiter[ \t]+\S", re.IGNORECASE | re.MULTILINE)

# Statements whose bodies hold their own `;`-terminated statements between BEGIN and END.
_BLOCK_OWNERS = {TokenType.TRIGGER, TokenType.FUNCTION, TokenType.PROCEDURE}


def _split_offsets(text: str, dialect: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each statement, split at top-level semicolons.

    Uses sqlglot's tokenizer for ``dialect`` so that `;` inside strings, quoted identifiers,
    comments and dollar-quoted bodies never splits. Raises ``TokenError`` on untokenizable text.
    """
    tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(text)
    spans: list[tuple[int, int]] = []
    start = 0
    first: int | None = None  # offset of the statement's first token
    parens = 0
    blocks = 0  # BEGIN/CASE ... END nesting inside a trigger or routine body
    owns_block = False
    for token in tokens:
        kind = token.token_type
        if kind is TokenType.SEMICOLON and parens == 0 and blocks == 0:
            if first is not None:
                spans.append((first, token.start))
            start, first, owns_block = token.end + 1, None, False
            continue
        if first is None:
            first = _statement_start(text, start, token.start)
        if kind is TokenType.L_PAREN:
            parens += 1
        elif kind is TokenType.R_PAREN:
            parens = max(0, parens - 1)
        elif kind in _BLOCK_OWNERS:
            owns_block = True
        elif owns_block and kind in (TokenType.BEGIN, TokenType.CASE):
            blocks += 1
        elif owns_block and kind is TokenType.END:
            blocks = max(0, blocks - 1)
    if first is not None:
        spans.append((first, len(text)))
    return spans


def _statement_start(text: str, after: int, first_token: int) -> int:
    """Keep comments that precede a statement (sqlglot attaches them) but not blank space."""
    offset = after
    while offset < first_token and text[offset].isspace():
        offset += 1
    return offset


def split_statements(text: str, dialect: str | None) -> list[Statement]:
    """Split a script into statements, each with its 1-based starting line and column.

    With ``dialect=None`` the first tokenizer (MySQL, PostgreSQL, SQLite) that accepts the text
    is used. Text that no tokenizer accepts is returned whole, so that translating it reports
    the parse error with its position.
    """
    candidates = [dialect] if dialect else ["mysql", "postgres", "sqlite"]
    for name in candidates:
        if name == "mysql" and (dialect == "mysql" or _DELIMITER.search(text)):
            # the mysql client's reading: DELIMITER lines, compound statements whole
            spans = [(u.start, u.end) for u in split_script(text) if not u.client]
            break
        try:
            spans = _split_offsets(text, name)
        except TokenError:
            continue
        break
    else:
        stripped = len(text) - len(text.lstrip())
        spans = [(stripped, len(text))] if text.strip() else []
    positions = _Positions(text)
    statements = []
    for begin, end in spans:
        body = text[begin:end].rstrip()
        if body:
            line, col = positions.at(begin)
            statements.append(Statement(body, line, col))
    return statements


# --- reading inputs ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    """One input script: its display name and its text (a dump's: with its bulk rows in
    ``reduced``'s spool, translator/dump.py)."""

    name: str
    text: str
    reduced: Reduced | None = None


def _decode(data: bytes) -> str:
    """A script's text. utf-8-sig: a byte-order mark must not shift the columns of line 1.
    Bytes that are not UTF-8 (raw BLOB values in a dump made without --hex-blob) are kept as
    lone surrogates (``surrogateescape``): the translator turns them back into the same
    bytes where they go into a binary column, and refuses them elsewhere (``not-utf8``)."""
    return data.decode("utf-8-sig", "surrogateescape")


def _read_text(path: Path) -> str:
    try:
        return _decode(path.read_bytes())
    except OSError as exc:
        raise _UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def _iter_sources(
    inputs: Sequence[str], stdin: TextIO, dump_to: str | None = None, schema: Schema | None = None
) -> Iterator[Source]:
    """The scripts named by ``inputs``; with ``dump_to`` (a target dialect; the source is
    MySQL), each read as a dump: its bulk rows written for that target into a spool as the
    file is read, not held in memory (translator/dump.py)."""
    for given in inputs:
        if given == "-":
            try:
                buffer = getattr(stdin, "buffer", None)
                if buffer is not None and dump_to is not None:
                    yield _dump_source(STDIN_NAME, buffer, dump_to, schema)
                    continue
                text = _decode(buffer.read()) if buffer is not None else stdin.read()
                yield Source(STDIN_NAME, text)
            except (OSError, UnicodeDecodeError) as exc:
                raise _UsageError(f"cannot read standard input: {exc}") from None
            continue
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.sql") if p.is_file())
            if not files:
                raise _UsageError(f"no *.sql files under {given}")
        elif path.exists():
            files = [path]
        else:
            raise _UsageError(f"cannot read {given}: no such file or directory")
        for file in files:
            name = str(file) if path.is_dir() else given
            if dump_to is None:
                yield Source(name, _read_text(file))
                continue
            try:
                with file.open("rb") as stream:
                    yield _dump_source(name, stream, dump_to, schema)
            except OSError as exc:
                raise _UsageError(f"cannot read {file}: {exc.strerror or exc}") from None


def _dump_source(name: str, stream: IO[bytes], target: str, schema: Schema | None) -> Source:
    from sqlshift.translator.dump import read_chunks, reduce_dump

    reduced = reduce_dump(read_chunks(stream), target, schema)
    return Source(name, reduced.text, reduced)


# --- translating ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """A statement that could not be translated, located in its script."""

    name: str
    line: int
    col: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.name}:{self.line}:{self.col}: [{self.code}] {self.message}"

    def as_warning(self) -> str:
        """The same line for a construct lenient mode translated on a best-effort basis."""
        return f"{self.name}:{self.line}:{self.col}: warning: [{self.code}] {self.message}"

    def as_assumption(self) -> str:
        """The same line for what a translation assumed about a type it did not know."""
        return f"{self.name}:{self.line}:{self.col}: assumption: [{self.code}] {self.message}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _shorten(text: str, limit: int = 60) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _locate(stmt: Statement, line: int | None, col: int | None) -> tuple[int, int]:
    """Turn a position inside ``stmt`` into a position in the whole script."""
    if line is None or line < 1:
        return stmt.line, stmt.col
    col = col if col is not None and col >= 1 else 1
    if line == 1:
        return stmt.line, stmt.col + col - 1
    return stmt.line + line - 1, col


def _problem(name: str, stmt: Statement, exc: SqlshiftError) -> Problem:
    if isinstance(exc, UntranslatableError):
        construct = _shorten(exc.construct)
        reason = _one_line(exc.reason)
        message = reason if not construct or construct in reason else f"`{construct}`: {reason}"
        if exc.hint:
            message += f" (hint: {_one_line(_cli_hint(exc.hint))})"
        line, col = _locate(stmt, exc.line, exc.col)
        return Problem(name, line, col, exc.code, message)
    if isinstance(exc, ParseError):
        # str(ParseError) carries a multi-line caret snippet; the reason alone fits one line.
        reason = getattr(exc, "reason", "") or str(exc).splitlines()[0]
        line, col = _locate(stmt, exc.line, exc.col)
        return Problem(name, line, col, "parse-error", _one_line(reason))
    code = "dialect-error" if isinstance(exc, DialectError) else "error"
    return Problem(name, stmt.line, stmt.col, code, _one_line(_cli_hint(str(exc))))


@dataclass(slots=True)
class _Outcome:
    sql: list[str]
    warnings: list[str]
    problems: list[Problem]
    assumptions: list[str]


def _assumption(name: str, stmt: Statement, assumption: Assumption) -> str:
    construct = _shorten(assumption.construct)
    message = f"`{construct}`: assumed {_one_line(assumption.assumed)}"
    if assumption.hint:
        message += f" (hint: {_one_line(_cli_hint(assumption.hint))})"
    line, col = _locate(stmt, assumption.line, assumption.col)
    return Problem(name, line, col, assumption.code, message).as_assumption()


_DDL_START = ("CREATE", "ALTER", "DROP")


def _translate_source(
    source: Source,
    *,
    target: str,
    dialect: str | None,
    strict: bool,
    schema: Schema | None = None,
    options: Options | None = None,
    progress: TextIO | None = None,
) -> _Outcome:
    """Translate a script: as a whole (its DDL types the statements after it; its session,
    transaction and foreign-key statements act on the ones after them, as in the source's
    client), or, when it cannot be read as one (a syntax error, a statement over
    --max-statement-bytes, dialects that disagree), statement by statement, each problem
    reported where it is."""
    whole = _translate_whole(
        source,
        target=target,
        dialect=dialect,
        strict=strict,
        schema=schema,
        options=options,
        progress=progress,
    )
    if whole is not None:
        return whole
    outcome = _Outcome([], [], [], [])
    known = schema
    statements = split_statements(source.text, dialect)
    bar = _Progress(progress, source.name, len(statements))
    for stmt in statements:
        bar.step()
        try:
            with warnings.catch_warnings():
                # Translation.warnings already carries them; do not print them twice.
                warnings.simplefilter("ignore", TranslationWarning)
                result = translation(
                    stmt.text, target, dialect, strict=strict, schema=known, options=options
                )
        except SqlshiftError as exc:
            outcome.problems.append(_problem(source.name, stmt, exc))
            continue
        except Exception as exc:
            if os.environ.get(_DEBUG_ENV):
                raise
            # A bug in sqlshift or sqlglot: report it like any other problem, keep going.
            outcome.problems.append(
                Problem(
                    source.name,
                    stmt.line,
                    stmt.col,
                    "internal-error",
                    _one_line(f"{type(exc).__name__}: {exc} (set {_DEBUG_ENV}=1 for a traceback)"),
                )
            )
            continue
        if stmt.text.lstrip().upper().startswith(_DDL_START):
            try:
                defined = Schema.from_ddl(stmt.text, result.source)
            except SqlshiftError:
                defined = None
            if defined is not None and defined.tables:
                known = defined if known is None else known.merged(defined)
        outcome.sql.append(result.sql)
        outcome.warnings.extend(
            _problem(source.name, stmt, problem).as_warning() for problem in result.problems
        )
        outcome.assumptions.extend(
            _assumption(source.name, stmt, assumption) for assumption in result.assumptions
        )
    bar.done()
    return outcome


def _translate_whole(
    source: Source,
    *,
    target: str,
    dialect: str | None,
    strict: bool,
    schema: Schema | None,
    options: Options | None,
    progress: TextIO | None = None,
) -> _Outcome | None:
    """``source`` translated in one call (leniently, so that every refusal is listed: in
    strict mode they are the problems, and no SQL is printed); None to fall back to one
    statement at a time."""
    options = options or Options()
    limit = options.max_statement_bytes
    if limit is not None and any(
        len(s.text.encode("utf-8", "surrogatepass")) > limit
        for s in split_statements(source.text, dialect)
    ):
        return None
    bar = _Progress(progress, source.name, 0)
    token = PROGRESS.set(bar.at)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TranslationWarning)
            result = translation(
                source.text,
                target,
                dialect,
                strict=False,
                schema=schema,
                options=dataclasses.replace(options, max_statement_bytes=None),
            )
    except SqlshiftError:
        return None
    except Exception:
        if os.environ.get(_DEBUG_ENV):
            raise
        return None
    finally:
        PROGRESS.reset(token)
        bar.done()
    whole = Statement(source.text, 1, 1)
    problems = [_problem(source.name, whole, problem) for problem in result.problems]
    return _Outcome(
        list(result.statements) if not strict or not problems else [],
        [] if strict else [problem.as_warning() for problem in problems],
        problems if strict else [],
        [_assumption(source.name, whole, a) for a in result.assumptions],
    )


class _Progress:
    """A one-line progress bar on ``stream`` when it is a terminal (silent when piped), for
    inputs long enough to need one."""

    WIDTH = 30
    MIN_STATEMENTS = 200

    def __init__(self, stream: TextIO | None, name: str, total: int) -> None:
        is_tty = stream is not None and getattr(stream, "isatty", lambda: False)()
        self.terminal = stream if is_tty else None
        self.stream = self.terminal if total >= self.MIN_STATEMENTS else None
        self.name, self.total, self.count, self.shown = name, total, 0, -1

    def at(self, count: int, total: int) -> None:
        """``count`` of ``total`` statements done (the total known only as they go)."""
        if total != self.total:
            self.total = total
            self.stream = self.terminal if total >= self.MIN_STATEMENTS else None
        self.count = count - 1
        self.step()

    def step(self) -> None:
        self.count += 1
        percent = self.count * 100 // max(self.total, 1)
        if self.stream is None or percent == self.shown:
            return
        self.shown = percent
        filled = self.WIDTH * self.count // max(self.total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r{self.name} [{bar}] {percent:3d}% {self.count}/{self.total}")
        self.stream.flush()

    def done(self) -> None:
        if self.stream is not None:
            self.stream.write("\r\033[K")  # clear the line: the output stays clean
            self.stream.flush()


#: API wording in hints, and what a command-line user does instead (longest first)
_CLI_WORDS = (
    ("options=Options(max_statement_bytes=...)", "--max-statement-bytes N"),
    ("pass options=Options(mysql_server='mariadb')", "pass --mysql-server mariadb"),
    ("pass options=Options(collation='target')", "pass --collation target"),
    ("options=Options(collation='target')", "--collation target"),
    ("pass strict=False", "use --lenient"),
    ("strict=False", "--lenient"),
    ("pass schema=", "pass --schema FILE"),
    ("schema=", "--schema FILE"),
    ("pass source=", "pass --from "),
    ("source=", "--from "),
)
_CLI_ENDINGS = (("pass --from ", "pass --from DIALECT"),)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def _cli_hint(hint: str) -> str:
    """A hint in the command line's terms (``--schema FILE``, not ``schema=``)."""
    for api, cli in _CLI_WORDS:
        hint = hint.replace(api, cli)
    for bare, named in _CLI_ENDINGS:  # "pass source=" at the end names no value
        if hint.endswith(bare):
            hint = hint[: -len(bare)] + named
    return hint


def _load_schema(given: str | None, dialect: str | None) -> Schema | None:
    """``--schema``: a database URL (its schema is read from its catalog), a JSON mapping
    ``{table: {column: type}}`` or a DDL script."""
    if given is None:
        return None
    if "://" in given:
        try:
            schema: Schema | None = asyncio.run(Schema.from_database(given))
        except SqlshiftError as exc:
            raise _UsageError(f"--schema: {_one_line(str(exc))}") from None
        if schema is None or not schema.tables:
            raise _UsageError("--schema: the database has no tables")
        return schema
    text = _read_text(Path(given))
    if given.endswith(".json"):
        try:
            mapping = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _UsageError(
                f"--schema {given}: not JSON ({exc.msg} at line {exc.lineno})"
            ) from None
        try:
            schema = as_schema(mapping)
        except SqlshiftError as exc:
            raise _UsageError(f"--schema {given}: {_one_line(str(exc))}") from None
    else:
        try:
            schema = Schema.from_ddl(text, dialect or "mysql")
        except SqlshiftError as exc:
            raise _UsageError(f"--schema {given}: {_one_line(str(exc))}") from None
    if schema is None or not schema.tables:
        raise _UsageError(f"--schema {given}: defines no table (give CREATE TABLE statements)")
    return schema


def _cmd_translate(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    target = resolve_dialect(args.to, role="target dialect")
    source = resolve_dialect(args.source, role="source dialect") if args.source else None
    if args.check and args.lenient:
        raise _UsageError(
            "--check reports what strict mode refuses; it cannot be combined with --lenient"
        )
    schema = _load_schema(args.schema, source)
    options = Options(
        collation=args.collation,
        identifier_case=args.identifier_case,
        max_statement_bytes=args.max_statement_bytes,
        assumptions=args.assumptions,
        mysql_padding=args.mysql_padding,
        mysql_server=args.mysql_server,
    )
    inputs = args.inputs or ["-"]
    if inputs.count("-") > 1:
        raise _UsageError("standard input ('-') can be given only once")
    # A MySQL script is read as a dump: its bulk rows are not held in memory (unless each
    # statement's size must be checked as it was written).
    dump_to = target if source == "mysql" and target != "mysql" else None
    if args.max_statement_bytes is not None:
        dump_to = None

    if args.check:
        failed = False
        for src in _iter_sources(inputs, stdin, dump_to, schema):
            outcome = _translate_source(
                src,
                target=target,
                dialect=source,
                strict=True,
                schema=schema,
                options=options,
                progress=stderr,
            )
            for problem in outcome.problems:
                print(problem, file=stdout)
                failed = True
            for line in outcome.assumptions:
                print(line, file=stdout)
            if src.reduced is not None:
                src.reduced.close()
        return EXIT_TRANSLATION if failed else EXIT_OK

    # Translate everything before printing, so a failed run never leaves half a script behind.
    outcomes = [
        (
            src,
            _translate_source(
                src,
                target=target,
                dialect=source,
                strict=not args.lenient,
                schema=schema,
                options=options,
                progress=stderr,
            ),
        )
        for src in _iter_sources(inputs, stdin, dump_to, schema)
    ]
    problems = [p for _, outcome in outcomes for p in outcome.problems]
    if problems:
        for problem in problems:
            print(problem, file=stderr)
        for src, _ in outcomes:
            if src.reduced is not None:
                src.reduced.close()
        return EXIT_TRANSLATION
    show_names = len(outcomes) > 1
    for src, outcome in outcomes:
        for line in outcome.warnings + outcome.assumptions:
            print(line, file=stderr)
        if show_names:
            print(f"-- {src.name}", file=stdout)
        for sql in outcome.sql:
            if src.reduced is None:
                print(f"{sql};", file=stdout)
            else:  # (a dump's bulk INSERT: its rows from the spool)
                src.reduced.write(sql, stdout)
                stdout.write(";\n")
        if src.reduced is not None:
            src.reduced.close()
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    from sqlshift.demo import run_demo

    report = run_demo(out=stdout)
    return EXIT_OK if report.ok else EXIT_TRANSLATION


def _cmd_report(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    from sqlshift.errors import ConfigurationError
    from sqlshift.executor.profiler import Profiler

    try:
        report = Profiler.load(args.snapshot).report(limit=args.limit)
    except ConfigurationError as exc:
        raise _UsageError(str(exc)) from None
    print(report.to_json() if args.json else str(report), file=stdout)
    return EXIT_OK


def _cmd_digest(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    from sqlshift.errors import ConfigurationError
    from sqlshift.executor.digest import digest

    try:
        report = digest(args.log, kind=args.kind)
    except OSError as exc:
        raise _UsageError(f"cannot read {args.log}: {exc.strerror or exc}") from None
    except ConfigurationError as exc:
        raise _UsageError(str(exc)) from None
    if args.limit:
        report = type(report)(
            report.rows[: args.limit], report.total_ms, report.calls, report.malformed
        )
    print(report.to_json() if args.json else str(report), file=stdout)
    return EXIT_OK


def _names(given: str | None) -> list[str] | None:
    return [n.strip() for n in given.split(",") if n.strip()] if given else None


def _cmd_migrate(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    from sqlshift.move.migrate import migrate

    bar = _TableProgress(stderr)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TranslationWarning)
            report = asyncio.run(
                migrate(
                    args.source,
                    args.target,
                    tables=_names(args.tables),
                    exclude=_names(args.exclude) or (),
                    batch_size=args.batch_size,
                    progress=bar.show,
                    verify=not args.no_verify,
                )
            )
    except SqlshiftError as exc:
        raise _UsageError(_one_line(str(exc))) from None
    finally:
        bar.done()
    if args.json:
        print(json.dumps(dataclasses.asdict(report), indent=1), file=stdout)
    else:
        print(report, file=stdout)
    verified = all(t.verified is not False for t in report.tables)
    return EXIT_OK if report.ok and verified else EXIT_TRANSLATION


def _cmd_verify(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    from sqlshift.move.verify import verify

    try:
        checks = asyncio.run(
            verify(args.source, args.target, tables=_names(args.tables), limit=args.limit)
        )
    except SqlshiftError as exc:
        raise _UsageError(_one_line(str(exc))) from None
    if args.json:
        print(json.dumps([dataclasses.asdict(c) for c in checks], indent=1), file=stdout)
    else:
        print(f"{'table':30} {'source':>9} {'target':>9}  {'equal':5}  compared by", file=stdout)
        for c in checks:
            theirs = "-" if c.target_rows is None else str(c.target_rows)
            equal = "yes" if c.equal else "NO"
            print(
                f"{c.name:30} {c.source_rows:9} {theirs:>9}  {equal:5}  {c.compared_by}",
                file=stdout,
            )
            for kind in ("missing", "extra", "changed"):
                for key in getattr(c, kind):
                    print(f"  {kind} {key}", file=stdout)
            listed = len(c.missing) + len(c.extra) + len(c.changed)
            if c.differences > listed:
                print(f"  ... {c.differences - listed} more differing rows", file=stdout)
            if c.error:
                print(f"  {c.error}", file=stdout)
    return EXIT_OK if all(c.equal for c in checks) else EXIT_TRANSLATION


def _outbox(path: str) -> Outbox:
    """The outbox file at ``path`` (a usage error when there is none: opening would make one)."""
    from sqlshift.move.outbox import Outbox

    if not os.path.exists(path):
        raise _UsageError(f"no outbox at {path}")
    return Outbox(path)


def _cmd_outbox_status(
    args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO
) -> int:
    outbox = _outbox(args.path)
    try:
        entries = outbox.pending(limit=10_000)
    finally:
        outbox.close()
    if args.json:
        shown = [
            {"id": e.id, "side": e.side, "txid": e.txid, "statements": len(e.statements),
             "created": e.created, "attempts": e.attempts, "error": e.error,
             "state": e.state}
            for e in entries
        ]  # fmt: skip
        print(json.dumps(shown, indent=1), file=stdout)
        return EXIT_OK
    print(f"{len(entries)} pending", file=stdout)
    for e in entries:
        first = " ".join(e.statements[0][0].split())[:70] if e.statements else ""
        error = f"  error after {e.attempts} attempts: {e.error}" if e.error else ""
        state = " (intent: its COMMIT on the primary unconfirmed)" if e.state == "intent" else ""
        print(
            f"#{e.id} for {e.side}{state}: {len(e.statements)} statements: {first}{error}",
            file=stdout,
        )
    return EXIT_OK


def _cmd_outbox_replay(
    args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO
) -> int:
    from sqlshift.move.outbox import replay

    outbox = _outbox(args.path)
    try:
        applied, skipped, discarded = asyncio.run(
            replay(outbox, args.to, side=args.side, primary=args.primary)
        )
    except SqlshiftError as exc:
        print(f"sqlshift: replay stopped: {_one_line(str(exc))}", file=stderr)
        return EXIT_TRANSLATION
    finally:
        outbox.close()
    print(
        f"{applied} applied, {skipped} applied before, {discarded} discarded "
        "(their transaction did not commit on the primary)",
        file=stdout,
    )
    return EXIT_OK


class _TableProgress:
    """``table: N rows`` on one line of a terminal while a table is copied."""

    def __init__(self, stream: TextIO) -> None:
        is_tty = getattr(stream, "isatty", lambda: False)()
        self.stream = stream if is_tty else None

    def show(self, table: str, rows: int) -> None:
        if self.stream is not None:
            self.stream.write(f"\r\033[K{table}: {rows} rows")
            self.stream.flush()

    def done(self) -> None:
        if self.stream is not None:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    def of(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "unknown"

    return f"{_PROG} {of('sqlshift')} (sqlglot {of('sqlglot')})"


def _parser() -> _ArgumentParser:
    parser = _ArgumentParser(
        prog=_PROG,
        description="Translate SQL between MySQL, PostgreSQL and SQLite without changing its meaning.",
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_ArgumentParser
    )
    commands.required = True

    tr = commands.add_parser(
        "translate",
        help="translate SQL files or standard input",
        description=(
            "Translate each statement of the input and print the result. Exit status: 0 on "
            "success, 1 if a statement cannot be translated, 2 on usage or input errors."
        ),
    )
    tr.add_argument(
        "--from",
        dest="source",
        metavar="DIALECT",
        help="source dialect: mysql, postgres or sqlite (default: detect)",
    )
    tr.add_argument("--to", required=True, metavar="DIALECT", help="target dialect")
    tr.add_argument(
        "--lenient",
        action="store_true",
        help="translate best-effort instead of refusing; warnings go to standard error",
    )
    tr.add_argument(
        "--schema",
        metavar="FILE_OR_URL",
        help="the tables' column types and keys: a database URL (postgresql://, mysql://, "
        "sqlite:///path; read from its catalog), a DDL script (in the --from dialect) or a "
        "JSON file {table: {column: type}}",
    )
    tr.add_argument(
        "--collation",
        choices=COLLATIONS,
        default="emulate",
        help="emulate the source's text comparison (default), or accept the target's",
    )
    tr.add_argument(
        "--mysql-padding",
        choices=MYSQL_PADDINGS,
        default="pad-space",
        help="whether the MySQL server's text = ignores trailing spaces: pad-space (default: "
        "MariaDB, MySQL 5.7, *_ci/_bin collations) or no-pad (MySQL 8's utf8mb4_0900_*)",
    )
    tr.add_argument(
        "--mysql-server",
        choices=MYSQL_SERVERS,
        default="any",
        help="the MySQL target: any (default: what MySQL 8 and MariaDB both run) or mariadb "
        "(10.5+: also INSERT / DELETE ... RETURNING)",
    )
    tr.add_argument(
        "--assumptions",
        choices=ASSUMPTIONS,
        default="report",
        help="report what was assumed about types the translator did not know (default: "
        "'path:line:col: assumption: ...' lines, on standard error, and with --check on "
        "standard output), or refuse such statements",
    )
    tr.add_argument(
        "--identifier-case",
        choices=IDENTIFIER_CASES,
        default="lower",
        help="fold names to lower case on PostgreSQL/MySQL targets (default), or preserve them",
    )
    tr.add_argument(
        "--max-statement-bytes",
        type=_positive_int,
        default=None,
        metavar="N",
        help="refuse a statement longer than N bytes (default: no bound; translation takes "
        "about 2.5 s a megabyte)",
    )
    tr.add_argument(
        "--check",
        action="store_true",
        help="print only 'path:line:col: [code] message' for every untranslatable statement",
    )
    tr.add_argument(
        "inputs",
        nargs="*",
        metavar="FILE|DIR|-",
        help="SQL file, directory (every *.sql below it) or '-' for standard input (default)",
    )
    tr.set_defaults(handler=_cmd_translate)

    demo = commands.add_parser(
        "demo",
        help="translate a MySQL workload to SQLite and run it in memory",
        description="Translate an embedded MySQL workload to SQLite and run it on an in-memory database.",
    )
    demo.set_defaults(handler=_cmd_demo)

    report = commands.add_parser(
        "report",
        help="render a saved profiler snapshot as a ranked report",
        description="Render a snapshot written by Profiler.save() (db.profiler.save(path)).",
    )
    report.add_argument("snapshot", metavar="SNAPSHOT.json")
    report.add_argument("--json", action="store_true", help="print JSON instead of a table")
    report.add_argument("--limit", type=int, default=None, help="show the top N fingerprints")
    report.set_defaults(handler=_cmd_report)

    dig = commands.add_parser(
        "digest",
        help="rank the statements of a PostgreSQL log or a MySQL/MariaDB slow query log",
        description=(
            "Read a PostgreSQL log written with log_min_duration_statement, or a MySQL/MariaDB "
            "slow query log, and print the same ranked report as the profiler."
        ),
    )
    dig.add_argument("log", metavar="FILE")
    dig.add_argument("--kind", choices=("postgres", "mysql"), help="log format (default: guess)")
    dig.add_argument("--json", action="store_true", help="print JSON instead of a table")
    dig.add_argument("--limit", type=int, default=None, help="show the top N fingerprints")
    dig.set_defaults(handler=_cmd_digest)

    mig = commands.add_parser(
        "migrate",
        help="copy a live database to another engine, then verify the copy",
        description=(
            "Read SOURCE's tables, create them on TARGET from their translated DDL, copy the "
            "rows in batches, add foreign keys after the data, and verify each table. Running "
            "it again resumes: tables already copied and verified are skipped. Exit status 1 "
            "when a table failed or did not verify."
        ),
    )
    mig.add_argument("source", metavar="SOURCE_URL")
    mig.add_argument("target", metavar="TARGET_URL")
    mig.add_argument("--tables", help="comma-separated tables to copy (default: all)")
    mig.add_argument("--exclude", help="comma-separated tables to leave out")
    mig.add_argument("--batch-size", type=_positive_int, default=1000, help="rows per batch")
    mig.add_argument("--json", action="store_true", help="print JSON instead of a table")
    mig.add_argument(
        "--no-verify",
        action="store_true",
        help="do not prove the copy (no digest of the rows read, no second read of the copy)",
    )
    mig.set_defaults(handler=_cmd_migrate)

    ver = commands.add_parser(
        "verify",
        help="compare every table of two databases and name the rows that differ",
        description=(
            "Compare each table of SOURCE with TARGET's, values normalised as the executor "
            "reads them on every engine. A table with a primary key is read on both sides in "
            "its byte order and merged: keys missing on the target, extra on the target, and "
            "changed are listed. A table without one is compared by grouped row hashes, and "
            "the rows one side has more often are listed. Exit status 1 when a table differs "
            "or is missing."
        ),
    )
    ver.add_argument("source", metavar="SOURCE_URL")
    ver.add_argument("target", metavar="TARGET_URL")
    ver.add_argument("--tables", help="comma-separated tables to compare (default: all)")
    ver.add_argument(
        "--limit", type=_positive_int, default=10, help="differing keys listed per table and kind"
    )
    ver.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ver.set_defaults(handler=_cmd_verify)

    box = commands.add_parser(
        "outbox",
        help="the outbox of a dual-database run: what waits, and applying it",
        description=(
            "The writes a dual-database run (sqlshift.dual) has yet to apply to the other "
            "database, in order. `status` lists them with their last error; `replay` applies "
            "them to TARGET_URL, each at most once (safe to run again, or beside the run). "
            "An entry left as an intent (the run stopped during its COMMIT) is checked on "
            "the primary given with --primary: applied if it committed there, else discarded."
        ),
    )
    actions = box.add_subparsers(dest="action", required=True)
    status = actions.add_parser("status", help="list the entries that wait")
    status.add_argument("path", metavar="PATH")
    status.add_argument("--json", action="store_true", help="print JSON instead of lines")
    status.set_defaults(handler=_cmd_outbox_status)
    replay = actions.add_parser("replay", help="apply the waiting entries to a database")
    replay.add_argument("path", metavar="PATH")
    replay.add_argument("--to", required=True, metavar="TARGET_URL")
    replay.add_argument("--side", choices=["old", "new"], help="only the entries for this side")
    replay.add_argument(
        "--primary",
        metavar="PRIMARY_URL",
        help="the database the entries' transactions ran on (decides intents)",
    )
    replay.set_defaults(handler=_cmd_outbox_replay)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of exiting."""
    stdin, stdout, stderr = sys.stdin, sys.stdout, sys.stderr
    # a script's undecodable bytes: written back as read into SQL, shown as \udcXX in messages
    for stream, errors in ((stdout, "surrogateescape"), (stderr, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors=errors)
    try:
        try:
            args = _parser().parse_args(argv)
        except SystemExit as exc:  # --help and --version
            return exc.code if isinstance(exc.code, int) else EXIT_OK
        status: int = args.handler(args, stdin, stdout, stderr)
        stdout.flush()
        return status
    except _UsageError as exc:
        print(f"{_PROG}: error: {exc}", file=stderr)
        return EXIT_USAGE
    except DialectError as exc:
        print(f"{_PROG}: error: {_one_line(str(exc))}", file=stderr)
        return EXIT_USAGE
    except SqlshiftError as exc:
        print(f"{_PROG}: error: {_one_line(str(exc))}", file=stderr)
        return EXIT_TRANSLATION
    except BrokenPipeError:
        # `sqlshift translate ... | head`: the reader left; not an error worth a message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print(f"{_PROG}: interrupted", file=stderr)
        return 130
