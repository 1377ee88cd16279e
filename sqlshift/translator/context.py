"""What a rewrite rule knows while it runs: direction, schema, strictness, and how to refuse."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.tokenizer_core import Token, TokenType

from sqlshift.errors import UntranslatableError
from sqlshift.translator.assumptions import Assumption
from sqlshift.translator.options import DEFAULT_OPTIONS, Options
from sqlshift.translator.params import INTERNAL_PREFIX, Ref, ScannedText, internal_index
from sqlshift.translator.schema import Schema
from sqlshift.translator.targets import DIALECTS


@dataclass(slots=True)
class Context:
    """Per-translation state shared by the rules. ``warnings`` collects lenient-mode notes."""

    source: str
    target: str
    strict: bool
    scanned: ScannedText
    original: str
    schema: Schema | None = None
    options: Options = DEFAULT_OPTIONS
    warnings: list[str] = field(default_factory=list)
    problems: list[UntranslatableError] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)
    _tokens: list[Token] | None = None
    #: the kinds of the caller's arguments, when given (see params.value_kind)
    arg_kinds: dict[Ref, str] = field(default_factory=dict)
    #: the arguments whose kind a rule asked for: the translation depends on them
    typed_refs: set[Ref] = field(default_factory=set)
    #: the arguments converted as they are bound: caller's argument -> conversion name
    #: (translator/binds.py)
    binds: dict[Ref, str] = field(default_factory=dict)

    def arg_kind(self, node: exp.Expr | None) -> str | None:
        """The kind of the caller's argument behind placeholder ``node`` (None: not a
        placeholder, or no arguments given). Asking records that the translation depends
        on it (``Translation.typed_args``), so the executor translates per argument kinds."""
        if not isinstance(node, exp.Placeholder):
            return None
        index = internal_index(node)
        if index is None or index >= len(self.scanned.refs):
            return None
        ref = self.scanned.refs[index]
        self.typed_refs.add(ref)
        return self.arg_kinds.get(ref)

    def bind(self, node: exp.Expr | None, conversion: str) -> bool:
        """Convert the caller's argument behind placeholder ``node`` as it is bound (the
        first conversion asked for an argument used in several places wins); False when
        ``node`` is not a placeholder."""
        if not isinstance(node, exp.Placeholder):
            return False
        index = internal_index(node)
        if index is None or index >= len(self.scanned.refs):
            return False
        self.binds.setdefault(self.scanned.refs[index], conversion)
        return True

    def tokens(self) -> list[Token]:
        """The tokens of the (placeholder-scanned) text, made once per translation: quotes
        and result names read them, a script's statements share them."""
        if self._tokens is None:
            self._tokens = DIALECTS[self.source].tokenize(self.scanned.text)
        return self._tokens

    def tolerate(self, error: UntranslatableError) -> None:
        """Lenient mode: keep ``error`` as a warning (its text) and a problem (structured)."""
        self.warnings.append(str(error))
        self.problems.append(error)

    def refuse(self, node: exp.Expr, code: str, reason: str, hint: str = "") -> None:
        """Refuse ``node``: raise in strict mode, record a warning in lenient mode."""
        error = self.error(node, code, reason, hint)
        if self.strict:
            raise error
        self.tolerate(error)

    def assume(self, node: exp.Expr, code: str, assumed: str, hint: str) -> None:
        """``node``'s meaning depends on a type the translator does not know: translate it as
        the target reads it and record the assumption (see translator/assumptions.py), or
        refuse it under ``Options(assumptions="refuse")``. One record per node and code."""
        if self.options.assumptions == "refuse":
            self.refuse(node, code, f"it would assume {assumed}", hint)
            return
        error = self.error(node, code, assumed, hint)
        assumption = Assumption(
            code, error.construct, assumed, hint, error.line, error.col, self.source, self.target
        )
        if assumption not in self.assumptions:
            self.assumptions.append(assumption)

    def error(self, node: exp.Expr, code: str, reason: str, hint: str = "") -> UntranslatableError:
        """Build the positioned error for ``node`` (positions refer to the caller's text)."""
        at, construct = self.quote(node)
        line, col = line_col(self.original, at) if at is not None else self.position(node)
        return UntranslatableError(
            code,
            construct=construct,
            reason=reason,
            hint=hint,
            line=line,
            col=col,
            source=self.source,
            target=self.target,
        )

    def quote(self, node: exp.Expr) -> tuple[int | None, str]:
        """The caller's own text of ``node``: placeholders as written, operands before any
        rewrite. It runs from the node's first positioned token to its last, widened over the
        tokens its rendering has before and after them (``GROUP BY``, ``CAST(``, a closing
        parenthesis, a trailing placeholder) where the caller's text has the same ones. A node
        a rule made, with no token of the caller's, is rendered instead (offset None).
        Returns the quote's offset in the caller's text, and the quote."""
        spans = [
            (int(sub._meta["start"]), int(sub._meta["end"]))
            for sub in node.walk()
            if sub._meta and "start" in sub._meta and self._positioned_here(sub)
        ]
        rendered = _rendered(node, self.source)
        if not spans:
            return None, _unmarked(rendered)
        start = min(s for s, _ in spans)
        end = max(e for _, e in spans)
        dialect = DIALECTS[self.source]
        try:
            text = self.tokens()
            shape = [t.text.upper() for t in dialect.tokenize(rendered)]
        except Exception:  # the text parsed; a rendering that does not tokenize keeps the span
            text, shape = [], []
        inside = [i for i, t in enumerate(text) if start <= t.start <= end]
        if inside and shape:
            first, last = inside[0], inside[-1]
            before = _index(shape, text[first].text.upper())
            if before is not None and _same(text[first - before : first], shape[:before]):
                start = text[first - before].start
                first -= before
            elif _called_as(node, text, first) and not _names_a_call(text, first):
                # a call spelt otherwise: `substr(` for SUBSTRING (the quote starts at its
                # first argument; not when it starts at the call's own name, `char_length(`)
                start = text[first - 2].start
                first -= 2
            after = _index(shape[::-1], text[last].text.upper())
            if _is_dcolon(text, last + 1) and isinstance(node, exp.Cast):  # x::numeric(10, 2)
                while _is_dcolon(text, last + 1) and isinstance(node, exp.Cast):
                    last, node = _type_end(text, last + 2), node.this
                end = text[last].end
            elif after is not None and _same(text[last + 1 : last + 1 + after], shape[-after:]):
                end = text[last + after].end
            else:  # the rendering differs: at least close the parentheses the quote opens
                depth = sum(_PAREN.get(t.token_type, 0) for t in text[first : last + 1])
                for token in text[last + 1 :]:
                    if depth <= 0:
                        break
                    depth += _PAREN.get(token.token_type, 0)
                    end = token.end
        first_char = self.scanned.original_offset(start)
        last_char = self.scanned.original_offset(end + 1)
        quoted = self.original[first_char:last_char]
        return (first_char, quoted) if quoted.strip() else (None, _unmarked(rendered))

    def _positioned_here(self, node: exp.Expr) -> bool:
        """Does ``node``'s position point at its own text in the caller's statement? A value
        a rule parsed from its own text keeps that text's positions (the 65 of
        `DataType.build("DECIMAL(65, 30)")` says offset 8: a refusal quoted `.id, AVG(t.id)`
        for `AVG(t.id)`), so a literal or name whose text is not there is not the caller's."""
        if not isinstance(node, exp.Literal | exp.Identifier) or (
            isinstance(node, exp.Literal) and node.is_string  # (quotes may be escaped)
        ):
            return True
        start, end = int(node.meta["start"]), int(node.meta["end"])
        written = self.scanned.text[start : end + 1].strip("`\"'[]").lower()
        return written == node.name.lower() or not written or not node.name

    def position(self, node: exp.Expr) -> tuple[int | None, int | None]:
        """1-based (line, col) in the caller's text of the first token under ``node`` (or under
        its nearest ancestor with a token, for a node the parser made without one)."""
        at: exp.Expr | None = node
        while at is not None:
            best: int | None = None
            for sub in at.walk():
                meta = sub._meta
                if meta and "start" in meta and self._positioned_here(sub):
                    start = int(meta["start"])
                    best = start if best is None else min(best, start)
            if best is not None:
                return line_col(self.original, self.scanned.original_offset(best))
            at = at.parent
        return None, None


_PAREN = {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}
_TYPE_WORDS = frozenset({"PRECISION", "WITH", "WITHOUT", "TIME", "ZONE", "VARYING"})


def _names_a_call(text: list[Token], at: int) -> bool:
    """Is token ``at`` a name followed by an opening parenthesis?"""
    return (
        at + 1 < len(text)
        and text[at + 1].token_type == TokenType.L_PAREN
        and text[at].token_type not in _NOT_NAMES
    )


def _is_dcolon(text: list[Token], at: int) -> bool:
    return at + 1 < len(text) and text[at].token_type == TokenType.DCOLON


def _type_end(text: list[Token], at: int) -> int:
    """The last token of the type name that starts at token ``at`` (`double precision`,
    `numeric(10, 2)`, `timestamp with time zone`)."""
    end, depth = at, 0
    for index in range(at + 1, len(text)):
        token = text[index]
        if depth or (token.token_type == TokenType.L_PAREN and index == end + 1):
            depth += _PAREN.get(token.token_type, 0)
        elif token.text.upper() not in _TYPE_WORDS:
            break
        end = index
    return end


def _called_as(node: exp.Expr, text: list[Token], first: int) -> bool:
    """Is ``node`` a call whose name and parenthesis come just before token ``first``?"""
    return (
        isinstance(node, exp.Func)
        and not isinstance(node, exp.Connector | exp.Binary)
        and first >= 2
        and text[first - 1].token_type == TokenType.L_PAREN
        and text[first - 2].token_type not in _NOT_NAMES
    )


_NOT_NAMES = frozenset(
    {TokenType.L_PAREN, TokenType.R_PAREN, TokenType.COMMA, TokenType.STRING, TokenType.NUMBER}
)


def _index(shape: list[str], text: str) -> int | None:
    """Position of the first token ``text`` in ``shape``, if any."""
    try:
        return shape.index(text)
    except ValueError:
        return None


def _same(tokens: list[Token], shape: list[str]) -> bool:
    """Do the caller's ``tokens`` spell ``shape`` (case-insensitively)?"""
    return len(tokens) == len(shape) and all(
        t.text.upper() == s for t, s in zip(tokens, shape, strict=True)
    )


def _rendered(node: exp.Expr, dialect: str) -> str:
    try:
        return node.sql(dialect)
    except Exception:  # a half-rewritten node may not render; the code still identifies it
        return type(node).__name__


def _unmarked(text: str) -> str:
    """A rendering with the internal placeholder names shown as ``?``."""
    return re.sub(rf":{INTERNAL_PREFIX}\d+\b", "?", text)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def caret(text: str, line: int, col: int) -> str:
    """The ``line`` of ``text`` with a caret under column ``col`` (both 1-based)."""
    lines = text.splitlines() or [""]
    shown = lines[min(line, len(lines)) - 1]
    return f"  {shown}\n  {' ' * (col - 1)}^"
