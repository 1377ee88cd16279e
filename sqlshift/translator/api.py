"""translate() and Translation: the translator's entry points, memoised."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, UnsupportedError
from sqlglot.tokenizer_core import Token

from sqlshift.dialects import ParamStyle, resolve_dialect, resolve_paramstyle
from sqlshift.errors import (
    AssumptionWarning,
    DialectError,
    InputTypeError,
    ParseError,
    SqlshiftError,
    TranslationError,
    TranslationWarning,
    UntranslatableError,
)
from sqlshift.translator import rules
from sqlshift.translator.analysis import StatementInfo, analyse
from sqlshift.translator.assumptions import Assumption
from sqlshift.translator.binds import CONVERSIONS
from sqlshift.translator.bulk import Bulk, prepare_bulk, splice
from sqlshift.translator.check import (
    MISSING_FUNCTIONS,
    SUSPECTS,
    check_faithful,
    check_placeholders_stay_placeholders,
)
from sqlshift.translator.compound import prepare_text
from sqlshift.translator.context import Context
from sqlshift.translator.detect import candidates
from sqlshift.translator.fingerprint import from_tokens
from sqlshift.translator.identifiers import normalise_identifiers
from sqlshift.translator.names import keep_output_names, output_names, values_statement
from sqlshift.translator.options import DEFAULT_OPTIONS, Options, check_statement_size
from sqlshift.translator.params import (
    ArgKinds,
    ParamMap,
    Ref,
    ScannedText,
    argument_kinds,
    count_markers,
    mark_placeholders,
    render_placeholders,
    scan_placeholders,
)
from sqlshift.translator.parse_errors import incomplete, parse_error, token_error
from sqlshift.translator.rules.arguments import type_placeholders
from sqlshift.translator.rules.scripts import prepare as prepare_script
from sqlshift.translator.rules.scripts import unwrap_conditional_comments
from sqlshift.translator.schema import Schema, as_schema
from sqlshift.translator.shape import check_shape
from sqlshift.translator.targets import DIALECTS as _DIALECTS
from sqlshift.translator.trigger_units import STUB_OUTPUT, translate_trigger

__all__ = ["Translation", "clear_cache", "translate", "translation"]

CACHE_SIZE = 4096
"""Translations memoised per process (LRU, keyed by text, dialects and options)."""


@dataclass(frozen=True, slots=True)
class Translation:
    """The result of translating one statement or script.

    ``sql`` is the target text (statements joined by ``";\\n"``), ``statements`` the same
    split per statement, ``params`` maps the caller's arguments to the target's placeholders
    (``statement_params[i]`` does it for ``statements[i]`` alone, from the same arguments),
    ``info`` describes what the statement does, and ``warnings`` lists what lenient mode
    translated on a best-effort basis (empty in strict mode); ``problems`` holds the same as
    ``UntranslatableError`` objects (code, construct, line, col, hint).
    """

    sql: str
    source: str
    target: str
    statements: tuple[str, ...]
    params: ParamMap
    info: StatementInfo
    warnings: tuple[str, ...] = ()
    statement_params: tuple[ParamMap, ...] = ()
    #: the lenient-mode refusals behind ``warnings``, with their code and position
    problems: tuple[UntranslatableError, ...] = ()
    #: what was taken for granted about types the translator did not know (see
    #: translator/assumptions.py); empty when a schema covers the statement
    assumptions: tuple[Assumption, ...] = ()
    #: the caller's arguments (positions or names) whose Python type the translation depends
    #: on (a placeholder PostgreSQL cannot type, a date compared with a datetime): give them
    #: as ``arguments=`` to translate for them (the executor does, per statement)
    typed_args: tuple[Ref, ...] = ()


BULK_ENABLED = True
"""Write bulk INSERT rows without the full translator (translator/bulk.py); tests turn it off
to compare the two."""

PROGRESS: contextvars.ContextVar[Callable[[int, int], None] | None] = contextvars.ContextVar(
    "sqlshift_translate_progress", default=None
)
"""Called with (statements translated, statements) as a script's statements are translated
(the CLI's progress bar); a memoised translation reports nothing."""


def translate(
    sql: str,
    target: str,
    source: str | None = None,
    *,
    schema: Schema | Mapping[str, Any] | None = None,
    strict: bool = True,
    paramstyle: ParamStyle | str | None = None,
    options: Options | None = None,
    arguments: Sequence[Any] | Mapping[str, Any] | None = None,
) -> str:
    """Translate ``sql`` from ``source`` (detected when None) to ``target``; return the text.

    Raises :class:`~sqlshift.UntranslatableError` (strict mode) for constructs that cannot be
    translated faithfully, :class:`~sqlshift.ParseError` for invalid SQL and
    :class:`~sqlshift.DialectError` for unknown or undecidable dialects. With
    ``strict=False`` such constructs are translated on a best-effort basis and a
    :class:`~sqlshift.TranslationWarning` is emitted.

    ``arguments`` (the values the statement will run with) let placeholders be typed by their
    Python types where the target needs it (PostgreSQL cannot type `SELECT $1`, and compares
    a date column with a datetime argument as dates); their values never enter the SQL.
    """
    kinds = argument_kinds(arguments)
    return _translation(sql, target, source, schema, strict, paramstyle, options, kinds).sql


def translation(
    sql: str,
    target: str,
    source: str | None = None,
    *,
    schema: Schema | Mapping[str, Any] | None = None,
    strict: bool = True,
    paramstyle: ParamStyle | str | None = None,
    options: Options | None = None,
    arguments: Sequence[Any] | Mapping[str, Any] | None = None,
    kinds: ArgKinds = (),
) -> Translation:
    """Like :func:`translate`, but return the whole :class:`Translation`. (``kinds``: the
    arguments' kinds already made by :func:`~sqlshift.translator.params.argument_kinds`.)"""
    if arguments is not None:
        kinds = argument_kinds(arguments)
    return _translation(sql, target, source, schema, strict, paramstyle, options, kinds)


_CALLS: dict[tuple[Any, ...], Translation] = {}
"""Results by the caller's own arguments (before dialect names are resolved): the warm path.
Bounded like the memo: cleared when it reaches CACHE_SIZE entries."""


def _translation(
    sql: object,
    target: object,
    source: object,
    schema: object,
    strict: object,
    paramstyle: object,
    options: object,
    kinds: ArgKinds = (),
) -> Translation:
    if schema is not None and type(schema) is not Schema:
        schema = as_schema(schema)  # a mapping: converted once per content (see as_schema)
    key = (sql, target, source, schema, strict, paramstyle, options, kinds)
    result = None
    if type(sql) is str and type(strict) is bool:  # (1 == True would share True's entry)
        with contextlib.suppress(TypeError):  # an unhashable argument: the checks say which
            result = _CALLS.get(key)
    if result is None:
        result = _resolve_and_translate(
            sql, target, source, schema, strict, paramstyle, options, kinds
        )
        with contextlib.suppress(TypeError):
            if len(_CALLS) >= CACHE_SIZE:
                _CALLS.clear()
            _CALLS[key] = result
    for message in result.warnings:
        warnings.warn(message, TranslationWarning, stacklevel=3)
    for assumption in result.assumptions:
        warnings.warn(str(assumption), AssumptionWarning, stacklevel=3)
    return result


def _resolve_and_translate(
    sql: object,
    target: object,
    source: object,
    schema: object,
    strict: object,
    paramstyle: object,
    options: object,
    kinds: ArgKinds = (),
) -> Translation:
    if not isinstance(sql, str):
        raise InputTypeError(f"sql must be str, got {type(sql).__name__}")
    if not isinstance(strict, bool):
        raise InputTypeError(f"strict must be a bool, got {type(strict).__name__}")
    target_name = resolve_dialect(target, role="target dialect")
    source_name = None if source is None else resolve_dialect(source, role="source dialect")
    style = resolve_paramstyle(paramstyle, target_name)  # type: ignore[arg-type]
    if options is None:
        options = DEFAULT_OPTIONS
    elif not isinstance(options, Options):
        raise InputTypeError(f"options must be an Options, got {type(options).__name__}")
    check_statement_size(sql, options.max_statement_bytes)
    return _memoised(
        sql, target_name, source_name, as_schema(schema), strict, style, options, kinds
    )


def clear_cache() -> None:
    """Forget every memoised translation (benchmarks use this to measure cold calls)."""
    _CALLS.clear()
    _memoised.cache_clear()


@functools.lru_cache(maxsize=CACHE_SIZE)
def _memoised(
    sql: str,
    target: str,
    source: str | None,
    schema: Schema | None,
    strict: bool,
    style: ParamStyle,
    options: Options,
    kinds: ArgKinds = (),
) -> Translation:
    try:
        if source is not None:
            return _translate_from(sql, source, target, schema, strict, style, options, kinds)
        return _detect_and_translate(sql, target, schema, strict, style, options, kinds)
    except SqlshiftError:
        raise
    except RecursionError:
        raise TranslationError(
            "the statement is nested too deeply to translate (its expressions, once "
            "rewritten, go deeper than Python's stack); split it into smaller statements"
        ) from None
    except Exception as error:  # a sqlglot bug must not escape as a foreign exception
        raise TranslationError(
            f"internal error while translating ({type(error).__name__}: {error}); "
            "please report it with the statement"
        ) from error


def _detect_and_translate(
    sql: str,
    target: str,
    schema: Schema | None,
    strict: bool,
    style: ParamStyle,
    options: Options,
    kinds: ArgKinds = (),
) -> Translation:
    found, markers = candidates(sql)
    if not found:
        raise DialectError(
            f"the statement mixes markers of different dialects ({', '.join(markers)}); "
            "pass source= explicitly",
            candidates=(),
        )
    if len(found) == 1:
        source = next(iter(found))
        return _translate_from(sql, source, target, schema, strict, style, options, kinds)
    # Several dialects accept the text: accept it only if it means the same in each of them,
    # i.e. every candidate source yields the same translation (or the same refusal).
    order = sorted(found, key=lambda d: (d != target, d))
    outcomes: list[Translation | TranslationError] = []
    for dialect in order:
        try:
            outcomes.append(
                _translate_from(sql, dialect, target, schema, strict, style, options, kinds, False)
            )
        except TranslationError as error:
            outcomes.append(error)
    first = outcomes[0]
    if isinstance(first, Translation):
        if all(isinstance(o, Translation) and o.sql == first.sql for o in outcomes):
            # every reading agrees; from the target itself, the caller's own text is best
            return _translate_from(sql, first.source, target, schema, strict, style, options, kinds)
    elif all(isinstance(o, UntranslatableError | ParseError) for o in outcomes):
        parsed = [o for o in outcomes if not isinstance(o, ParseError)]
        if not parsed:
            raise first
    names = " and ".join(order)
    raise DialectError(
        f"cannot tell the source dialect: the statement is valid in {names} but means "
        "different things in them (e.g. `/` between integers, string escapes); pass source=",
        candidates=order,
    )


def _translate_from(
    sql: str,
    source: str,
    target: str,
    schema: Schema | None,
    strict: bool,
    style: ParamStyle,
    options: Options,
    kinds: ArgKinds = (),
    keep_text: bool = True,
) -> Translation:
    text = unwrap_conditional_comments(sql) if source == "mysql" else sql
    units_refused: list[UntranslatableError] = []
    triggers: list[tuple[int, str]] = []  # (MySQL's, translated by trigger_units.py)
    if source != target and source != "postgres":  # DELIMITER; routines, triggers as units
        text, units_refused = prepare_text(
            text,
            strict=strict,
            source=source,
            target=target,
            triggers=triggers if source == "mysql" else None,
        )
        if units_refused and not text.strip():
            return _nothing_left(source, target, style, units_refused)
    bulk = Bulk({})
    if source == "mysql" and target != "mysql" and BULK_ENABLED:
        text, bulk = prepare_bulk(text, schema, target)  # a dump's rows without a tree each
    scanned = scan_placeholders(text, source)
    trees, tokens = _parse(scanned, sql, source)
    ctx = Context(source, target, strict, scanned, sql, schema, options, _tokens=tokens)
    ctx.arg_kinds = dict(kinds)
    for refused in units_refused:
        ctx.tolerate(refused)
    if source != target:
        for tree in trees:  # before any rule reads the trees (prepare_script does)
            check_shape(tree.walk(), ctx)
        trees = prepare_script(trees, ctx)  # load-only statements, inline indexes, ...
    walked = [(tree, list(tree.walk(bfs=False))) for tree in trees]  # the one walk per tree
    info = analyse(walked, from_tokens(tokens))
    # Same dialect, one statement: the caller's own text is sent (see below), not regenerated.
    own_text = source == target and len(walked) == 1 and keep_text
    statements: list[str] = []
    seen: set[tuple[str, str, str]] = set()  # (each trigger's table, timing and event)
    missing = MISSING_FUNCTIONS[target] if source != target else frozenset()
    report = PROGRESS.get()
    for done, (tree, nodes) in enumerate(walked, start=1):
        if report is not None:
            report(done, len(walked))
        if source == target:
            check_shape(nodes, ctx)  # (checked before prepare_script otherwise)
        suspects = [n for n in nodes if isinstance(n, SUSPECTS) or type(n) in missing]
        if source != target:
            names = output_names(tree, ctx)
            normalise_identifiers(nodes, ctx)
            tree = rules.apply_rules(tree, nodes, ctx)
            if scanned.refs and ctx.arg_kinds:
                type_placeholders(tree, ctx)
            keep_output_names(tree, names, ctx)
            tree = values_statement(tree, ctx)
            # A rule that copies a subtree hides the copy's suspects from the list above (a
            # ZEROBLOB() of the caller's went through to PostgreSQL that way): look again.
            known = {id(n) for n in suspects}
            suspects.extend(
                n
                for n in tree.walk()
                if (isinstance(n, SUSPECTS) or type(n) in missing) and id(n) not in known
            )
        check_faithful(tree, suspects, ctx)
        if scanned.refs and source != target:
            check_placeholders_stay_placeholders(tree, ctx)
        marked = mark_placeholders(tree) if scanned.refs else 0
        if not own_text:
            generated = _generate(tree, target, ctx)
            if count_markers(generated) != marked:
                # text that decodes to a marker (E'\0000\000'): it must not become a parameter
                raise ParseError(
                    "the statement holds a literal that sqlshift cannot tell apart from its own "
                    "parameter markers (NUL characters); pass such values as parameters"
                )
            if triggers and (stub := STUB_OUTPUT.search(generated)) is not None:
                statements.extend(_trigger(triggers[int(stub.group(1))], ctx, seen))
                continue
            statements.append(splice(generated, bulk))
    if own_text:
        # Same dialect: send the caller's own text (only placeholders restyled). Regenerating
        # it could change its meaning (sqlglot writes MySQL `INTERVAL 1.5 DAY` as '1.5').
        own = scanned if text is sql else scan_placeholders(sql, source)
        text, params = render_placeholders(
            _strip_terminator(own.marked), own.refs, own.style, style
        )
        return Translation(text, source, target, (text,), params, info, (), (params,))
    joined = ";\n".join(statements)
    conversions = {ref: CONVERSIONS[name] for ref, name in ctx.binds.items()}
    text, params = render_placeholders(joined, scanned.refs, scanned.style, style, conversions)
    if len(statements) > 1:
        rendered = [
            render_placeholders(s, scanned.refs, scanned.style, style, conversions)
            for s in statements
        ]
        parts = tuple(r[0] for r in rendered)
        per_statement = tuple(r[1] for r in rendered)
    else:
        parts, per_statement = (text,), (params,)
    return Translation(
        text,
        source,
        target,
        parts,
        params,
        info,
        tuple(ctx.warnings),
        per_statement,
        tuple(ctx.problems),
        tuple(ctx.assumptions),
        _ordered_refs(ctx.typed_refs, scanned.refs),
    )


def _trigger(unit: tuple[int, str], ctx: Context, seen: set[tuple[str, str, str]]) -> list[str]:
    """A MySQL trigger's statements on the target (trigger_units.py); in lenient mode, a
    trigger it refuses leaves none (and a warning)."""
    start, text = unit
    try:
        return translate_trigger(text, start, ctx, seen)
    except UntranslatableError as error:
        if ctx.strict:
            raise
        ctx.tolerate(error)
        return []


def _nothing_left(
    source: str, target: str, style: ParamStyle, refused: list[UntranslatableError]
) -> Translation:
    """Lenient mode, a script of refused units only (compound.py): nothing to run."""
    _, params = render_placeholders("", (), style, style)
    return Translation(
        "",
        source,
        target,
        (),
        params,
        analyse([]),
        tuple(str(error) for error in refused),
        (),
        tuple(refused),
    )


def _ordered_refs(refs: set[Ref], order: tuple[Ref, ...]) -> tuple[Ref, ...]:
    """``refs`` in the order the statement first uses them."""
    return tuple(dict.fromkeys(r for r in order if r in refs))


def _strip_terminator(sql: str) -> str:
    text = sql.strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


def _parse(scanned: ScannedText, original: str, source: str) -> tuple[list[exp.Expr], list[Token]]:
    """The statements of ``scanned``, and its tokens (kept: quotes and names read them)."""
    dialect = _DIALECTS[source]
    try:
        tokens = dialect.tokenize(scanned.text)
        parsed = dialect.parser().parse(tokens, scanned.text)
    except sqlglot.errors.ParseError as error:
        raise parse_error(error, scanned, original, source) from None
    except sqlglot.errors.TokenError:
        raise token_error(scanned, original, source) from None
    except RecursionError:
        raise ParseError(
            "the statement is nested too deeply to parse (parentheses, subqueries or "
            "operators inside each other); split it into smaller statements"
        ) from None
    except Exception as error:  # sqlglot's parser itself failed on this text
        raise ParseError(
            f"the parser failed on this statement ({type(error).__name__}: {error}); check "
            "its syntax, and report it with the statement if it is valid SQL"
        ) from error
    trees = [tree for tree in parsed if tree is not None]
    if not trees:
        raise ParseError("no SQL statement found")
    for tree in trees:
        lacking = incomplete(tree)
        if lacking is not None:
            raise ParseError(f"syntax error: the statement ends too early ({lacking})")
    return trees, tokens


def _generate(tree: exp.Expr, target: str, ctx: Context) -> str:
    try:
        # copy=False: the tree is ours, and copying it costs as much as the rules do
        return _DIALECTS[target].generate(tree, copy=False, unsupported_level=ErrorLevel.RAISE)
    except UnsupportedError as error:
        reason = str(error).strip() or "not supported by the target dialect"
        failure = UntranslatableError(
            "unsupported",
            construct=_first_line(tree.sql(ctx.source)),
            reason=reason,
            hint="rewrite the statement without this construct",
            source=ctx.source,
            target=target,
        )
        if ctx.strict:
            raise failure from None
        ctx.tolerate(failure)
        return _DIALECTS[target].generate(tree, copy=False)
    except ValueError as error:
        # sqlglot's generator has no spelling for this node in the target (e.g. the recursive
        # JSON path `$..a`): nothing to fall back to, even in lenient mode.
        if not str(error).startswith("Unsupported expression type"):
            raise
        kind = str(error).rsplit(" ", 1)[-1]
        node = next((n for n in tree.walk() if type(n).__name__ == kind), tree)
        line, col = ctx.position(node)
        raise UntranslatableError(
            "unsupported",
            construct=_first_line(ctx.original),
            reason=f"{target} has no spelling for this construct ({kind})",
            hint="rewrite the statement without this construct",
            line=line,
            col=col,
            source=ctx.source,
            target=target,
        ) from None


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else text


rules.load_all()
