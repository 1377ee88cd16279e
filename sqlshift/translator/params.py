"""Placeholder styles: find them in source text, render them for the target, map arguments.

Placeholders are found by a lexer that knows each dialect's string, identifier and comment
syntax, so placeholder-like text inside literals and comments is never touched. Each one is
replaced by ``:__pN`` (which sqlglot parses as a named placeholder in every dialect) before
parsing, and rendered in the target style after generation.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from sqlshift.dialects import ParamStyle
from sqlshift.errors import ParameterError, ParseError

__all__ = ["ParamMap", "ScannedText", "render_placeholders", "scan_placeholders"]

#: the name prefix of the placeholders sqlshift substitutes before parsing
INTERNAL_PREFIX = "__p"
#: wraps a placeholder index in generated SQL until it is rendered in the target style
_MARK = "\x00"

_PLACEHOLDER = (
    r"\?(?P<qnum>[1-9]\d*)"
    r"|(?P<qmark>\?)"
    r"|%\((?P<pyformat>[A-Za-z_]\w*)\)s"
    r"|(?P<format>%s)"
    r"|(?P<pct>%%)"
    r"|\$(?P<numeric>[1-9]\d*)"
    r"|(?<![:\w\]])[:](?P<named>[A-Za-z_]\w*)"
)
_COMMENTS = r"--[^\n]*|/\*.*?\*/"
_SQ_STD = r"'(?:[^']|'')*'"
_SQ_BACKSLASH = r"'(?:[^'\\]|\\.|'')*'"
_DQ_IDENT = r'"(?:[^"]|"")*"'
_BACKTICK = r"`(?:[^`]|``)*`"

_LEXERS: dict[str, re.Pattern[str]] = {
    "mysql": re.compile(
        rf"(?P<skip>{_COMMENTS}|#[^\n]*|{_SQ_BACKSLASH}|\"(?:[^\"\\]|\\.|\"\")*\"|{_BACKTICK})|{_PLACEHOLDER}",
        re.S,
    ),
    "postgres": re.compile(
        rf"(?P<skip>{_COMMENTS}|[eE]{_SQ_BACKSLASH}|{_SQ_STD}|{_DQ_IDENT}"
        r"|\$(?P<tag>[A-Za-z_]\w*|)\$.*?\$(?P=tag)\$|::)"
        rf"|{_PLACEHOLDER}",
        re.S,
    ),
    "sqlite": re.compile(
        rf"(?P<skip>{_COMMENTS}|{_SQ_STD}|{_DQ_IDENT}|{_BACKTICK}|\[[^\]]*\])|{_PLACEHOLDER}",
        re.S,
    ),
}
_MAYBE_PLACEHOLDER = re.compile(r"[?%$:]")

Ref = int | str
"""A caller argument: a 0-based position or a name."""

ArgKinds = tuple[tuple[Ref, str], ...]
"""The kind (see :func:`value_kind`) of each of the caller's arguments, by position or name."""


def value_kind(value: object) -> str:
    """What a rule may know of an argument: its SQL-relevant type, never its value.

    ``int`` (32 bits), ``bigint``, ``float``, ``decimal``, ``text``, ``bool``, ``bytes``, ``timestamp`` (a naive
    datetime), ``timestamptz`` (an aware one), ``date``, ``time``, ``interval``, ``null``,
    or ``other``."""
    kind = _KINDS.get(type(value))
    if kind is None:
        kind = next((name for base, name in _KIND_BASES if isinstance(value, base)), "other")
    if kind == "timestamp" and isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return "timestamptz"
    if kind == "int" and not -(2**31) <= value < 2**31:  # type: ignore[operator]
        return "bigint"  # (an INTEGER parameter would not hold it)
    return kind


def argument_kinds(arguments: Sequence[Any] | Mapping[str, Any] | None) -> ArgKinds:
    """The kinds of the caller's arguments: by position for a sequence, by name for a
    mapping."""
    if arguments is None:
        return ()
    if isinstance(arguments, Mapping):
        return tuple((str(name), value_kind(v)) for name, v in arguments.items())
    if isinstance(arguments, str | bytes):
        raise ParameterError("arguments must be a sequence or a mapping, not a string")
    return tuple((i, value_kind(v)) for i, v in enumerate(arguments))


_KINDS: dict[type, str] = {
    bool: "bool",
    int: "int",
    float: "float",
    decimal.Decimal: "decimal",
    str: "text",
    bytes: "bytes",
    bytearray: "bytes",
    memoryview: "bytes",
    datetime.datetime: "timestamp",
    datetime.date: "date",
    datetime.time: "time",
    datetime.timedelta: "interval",
    type(None): "null",
}
#: subclasses (an IntEnum, a str subclass, pendulum's DateTime) by what they extend, most
#: specific first (bool before int, datetime before date)
_KIND_BASES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "bool"),
    (int, "int"),
    (float, "float"),
    (decimal.Decimal, "decimal"),
    (str, "text"),
    ((bytes, bytearray, memoryview), "bytes"),
    (datetime.datetime, "timestamp"),
    (datetime.date, "date"),
    (datetime.time, "time"),
    (datetime.timedelta, "interval"),
)


@dataclass(frozen=True, slots=True)
class ScannedText:
    """Source text with its placeholders replaced, and what each one referred to."""

    text: str
    refs: tuple[Ref, ...]  # refs[i] is the argument behind internal placeholder i
    style: ParamStyle | None  # the source's style, None without placeholders
    shifts: tuple[tuple[int, int], ...]  # (offset in text, offset in original) after each edit
    marked: str = ""  # the caller's text with render markers for placeholders (identity path)

    def original_offset(self, offset: int) -> int:
        """Map an offset in ``text`` back to the caller's text (for error positions)."""
        result = offset
        for new_at, old_at in self.shifts:
            if new_at > offset:
                break
            result = old_at + (offset - new_at)
        return result


def scan_placeholders(sql: str, dialect: str) -> ScannedText:
    """Replace the placeholders of ``sql`` (written for ``dialect``) by internal ones."""
    if not _MAYBE_PLACEHOLDER.search(sql):
        return ScannedText(sql, (), None, (), sql)
    if _MARK in sql:
        raise ParseError("SQL text contains a NUL character")
    lexer = _LEXERS[dialect]
    refs: list[Ref] = []
    styles: set[ParamStyle] = set()
    pieces: list[str] = []
    shifts: list[tuple[int, int]] = []
    pct_escapes: list[int] = []
    marked: list[str] = []
    last = 0
    out_len = 0
    for match in lexer.finditer(sql):
        kind = match.lastgroup
        if kind in ("skip", "tag"):
            continue
        if kind == "pct":
            pct_escapes.append(match.start())
            continue
        if kind == "qmark" and dialect == "postgres" and _jsonb_operator(sql, match.start()):
            continue
        style, ref = _classify(match, len(refs))
        styles.add(style)
        refs.append(ref)
        pieces.append(sql[last : match.start()])
        marked.extend((sql[last : match.start()], f"{_MARK}{len(refs) - 1}{_MARK}"))
        out_len += match.start() - last
        replacement = f":{INTERNAL_PREFIX}{len(refs) - 1}"
        if (
            sql[match.end() : match.end() + 1].isalnum()
            or sql[match.end() : match.end() + 1] == "_"
        ):
            replacement += " "  # keep the next word out of the placeholder's name
        pieces.append(replacement)
        out_len += len(replacement)
        last = match.end()
        shifts.append((out_len, last))
    if not refs:
        return ScannedText(sql, (), None, (), sql)
    if len(styles) > 1:
        names = ", ".join(sorted(s.value for s in styles))
        raise ParseError(f"placeholders of different styles in one statement ({names}); use one")
    pieces.append(sql[last:])
    marked.append(sql[last:])
    text, marked_text = "".join(pieces), "".join(marked)
    (style,) = styles
    if style in (ParamStyle.FORMAT, ParamStyle.PYFORMAT) and (pct_escapes or "%%" in text):
        # With %s placeholders the driver turns %% into %, so the statement means a single %.
        text, marked_text = text.replace("%%", "%"), marked_text.replace("%%", "%")
        shifts = []  # positions after this are approximate; the text is what the driver sends
    return ScannedText(text, tuple(refs), style, tuple(shifts), marked_text)


_WORD_BEFORE = re.compile(r"(\w+)\s*$")


def _jsonb_operator(sql: str, at: int) -> bool:
    """Is the `?` at ``at`` PostgreSQL's jsonb key operator (`data ? 'a'`, `?|`, `?&`) rather
    than a placeholder? An operator follows an operand (a name that is not a keyword, a
    number, a closing parenthesis, bracket or quote, a `::type`); a placeholder follows an operator, a
    comma, a parenthesis or a keyword (`= ?`, `(?`, `SELECT ?`, `LIMIT ?`)."""
    if sql[at + 1 : at + 2] in ("|", "&"):
        return True
    before = sql[:at].rstrip()
    if not before:
        return False
    if before[-1] in ")]'\"":
        return True
    word = _WORD_BEFORE.search(before[-64:])
    if word is None:
        return False
    if before[: len(before) - len(word.group(0))].rstrip().endswith("::"):
        return True  # a cast's type (`'[...]'::jsonb ? 'a'`) ends an operand, keyword or not
    return word.group(1).upper() not in _KEYWORDS


def _sql_keywords() -> frozenset[str]:
    from sqlglot.tokens import Tokenizer

    return frozenset(k for k in Tokenizer.KEYWORDS if k.replace(" ", "").isalpha())


_KEYWORDS = _sql_keywords()


def _classify(match: re.Match[str], position: int) -> tuple[ParamStyle, Ref]:
    kind = match.lastgroup
    if kind == "qmark":
        return ParamStyle.QMARK, position
    if kind == "format":
        return ParamStyle.FORMAT, position
    if kind == "numeric":
        return ParamStyle.NUMERIC, int(match.group("numeric")) - 1
    if kind == "qnum":  # SQLite's ?NNN: numbered like $N
        return ParamStyle.NUMERIC, int(match.group("qnum")) - 1
    if kind == "pyformat":
        return ParamStyle.PYFORMAT, match.group("pyformat")
    return ParamStyle.NAMED, match.group("named")


def internal_index(node: exp.Placeholder) -> int | None:
    """The index of an internal placeholder, or None for any other placeholder."""
    name = node.name
    if name.startswith(INTERNAL_PREFIX) and name[len(INTERNAL_PREFIX) :].isdigit():
        return int(name[len(INTERNAL_PREFIX) :])
    return None


def count_markers(sql: str) -> int:
    """How many placeholder markers generated text holds."""
    return len(_MARKER.findall(sql))


def mark_placeholders(tree: exp.Expr) -> int:
    """Swap internal placeholders for markers the generator prints verbatim.

    Linear in the number of placeholders: sqlglot's ``replace`` re-parents every item of the
    list a node sits in, which made an IN list of n placeholders cost n^2 (8,000: 6 s)."""
    marked = 0
    for node in list(tree.find_all(exp.Placeholder)):
        index = internal_index(node)
        if index is not None:
            _swap(node, exp.var(f"{_MARK}{index}{_MARK}"))
            marked += 1
    return marked


def _swap(old: exp.Expr, new: exp.Expr) -> None:
    """Put ``new`` where ``old`` is, touching only that slot (and the cached hashes above)."""
    parent, key, position = old.parent, old.arg_key, old.index
    slot = parent.args.get(key) if parent is not None and key is not None else None
    if parent is None or key is None or not isinstance(slot, list) or position is None:
        old.replace(new)
        return
    slot[position] = new
    new.parent, new.arg_key, new.index = parent, key, position
    old.parent = None
    node: exp.Expr | None = parent
    while node is not None and node._hash is not None:
        node._hash = None
        node = node.parent


_MARKER = re.compile(f"{_MARK}(\\d+){_MARK}")


@dataclass(frozen=True, slots=True)
class ParamMap:
    """How to turn the caller's arguments into the arguments of the translated statement.

    ``refs`` lists, for each argument the target statement takes (in order), the caller's
    argument: a 0-based position or a name. ``names`` gives the target's parameter names when
    its style is named. ``apply(args)`` does the mapping.
    """

    source_style: ParamStyle | None
    target_style: ParamStyle
    refs: tuple[Ref, ...]
    names: tuple[str, ...] = ()
    arity: int = 0  # positional arguments the caller passes (for the whole script)
    #: (caller's argument, conversion) for arguments converted as they are bound (see
    #: translator/binds.py): a value the target reads otherwise than the source
    conversions: tuple[tuple[Ref, Callable[[Any], Any]], ...] = ()

    @property
    def count(self) -> int:
        return len(self.refs)

    @property
    def is_identity(self) -> bool:
        """True when the caller's arguments can be passed through unchanged."""
        if self.target_style.is_named:
            return (
                self.source_style is not None
                and self.source_style.is_named
                and tuple(self.names) == tuple(str(r) for r in self.refs)
            )
        return all(ref == i for i, ref in enumerate(self.refs)) and (
            self.source_style is None or not self.source_style.is_named
        )

    def apply(
        self, args: Sequence[Any] | Mapping[str, Any] | None
    ) -> tuple[Any, ...] | dict[str, Any]:
        """Map ``args`` (a sequence for positional sources, a mapping for named ones): a tuple
        for a positional target style, a dict for a named one."""
        if not self.refs:
            if (
                args
                and self.arity == 0
                and not (self.source_style is not None and self.source_style.is_named)
            ):
                raise ParameterError(f"the statement takes no parameters, got {len(args)}")
            return () if not self.target_style.is_named else {}
        if args is None:
            raise ParameterError(f"the statement takes {self._wanted()}, got none")
        values = [self._lookup(args, ref) for ref in self.refs]
        if self.conversions:
            convert = dict(self.conversions)
            values = [
                convert[ref](value) if ref in convert else value
                for ref, value in zip(self.refs, values, strict=True)
            ]
        if self.target_style.is_named:
            return dict(zip(self.names, values, strict=True))
        return tuple(values)

    def _wanted(self) -> str:
        if self.source_style is not None and self.source_style.is_named:
            return "parameters " + ", ".join(sorted({str(r) for r in self.refs}))
        return f"{self.arity} parameter(s)"

    def _lookup(self, args: Sequence[Any] | Mapping[str, Any], ref: Ref) -> Any:
        if isinstance(ref, str):
            if not isinstance(args, Mapping):
                raise ParameterError(f"named parameters need a mapping, got {type(args).__name__}")
            try:
                return args[ref]
            except KeyError:
                raise ParameterError(f"missing parameter {ref!r}") from None
        if isinstance(args, Mapping | str | bytes):
            raise ParameterError(
                f"positional parameters need a sequence, got {type(args).__name__}"
            )
        wanted = self.arity
        if len(args) != wanted:
            raise ParameterError(f"the statement takes {wanted} parameter(s), got {len(args)}")
        return args[ref]


def render_placeholders(
    sql: str,
    refs: Sequence[Ref],
    source_style: ParamStyle | None,
    style: ParamStyle,
    conversions: Mapping[Ref, Callable[[Any], Any]] | None = None,
) -> tuple[str, ParamMap]:
    """Render the markers in generated ``sql`` in ``style``; return the SQL and its ParamMap
    (converting the arguments ``conversions`` names as they are bound)."""
    arity = max((r + 1 for r in refs if isinstance(r, int)), default=0)
    if not refs or _MARK not in sql:
        return sql, ParamMap(source_style, style, (), (), arity)
    if style in (ParamStyle.FORMAT, ParamStyle.PYFORMAT):
        sql = sql.replace("%", "%%")  # the driver interpolates: a literal % must be doubled
    order: list[Ref] = []
    numbers: dict[Ref, int] = {}
    names: list[str] = []

    def name_of(ref: Ref) -> str:
        return ref if isinstance(ref, str) else f"p{ref + 1}"

    def render(match: re.Match[str]) -> str:
        ref = refs[int(match.group(1))]
        if style is ParamStyle.NUMERIC:
            if ref not in numbers:
                numbers[ref] = len(numbers) + 1
                order.append(ref)
            return f"${numbers[ref]}"
        if style.is_named:
            if ref not in numbers:
                numbers[ref] = len(numbers)
                order.append(ref)
                names.append(name_of(ref))
            return f":{name_of(ref)}" if style is ParamStyle.NAMED else f"%({name_of(ref)})s"
        order.append(ref)
        return "?" if style is ParamStyle.QMARK else "%s"

    rendered = _MARKER.sub(render, sql)
    converted = tuple((r, c) for r, c in (conversions or {}).items() if r in order)
    return rendered, ParamMap(source_style, style, tuple(order), tuple(names), arity, converted)
