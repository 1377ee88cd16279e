"""Date format tokens as data: each dialect's tokens mapped to one canonical meaning, and back.

``parse_format(dialect, text)`` reads a MySQL ``DATE_FORMAT``, PostgreSQL ``TO_CHAR`` or SQLite
``strftime`` format into :class:`Lit` and :class:`Tok` segments; a token with no faithful
meaning raises :class:`FormatError`. ``native(target, tok)`` is the target's own spelling of a
canonical token, or None when the target has none (the datetime rules then emulate it, or
refuse). Names (months, weekdays) are English everywhere: MySQL's default ``lc_time_names``
(en_US) and PostgreSQL's non-``TM`` patterns are English; PostgreSQL ``TM`` patterns follow
``lc_time`` and are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FormatError",
    "Lit",
    "Tok",
    "native",
    "parse_format",
    "render_literal",
]


@dataclass(frozen=True, slots=True)
class Tok:
    """A canonical format token. ``case`` and ``pad`` only apply to names: ``case`` is
    ``title`` (Monday), ``upper`` or ``lower``; ``pad`` blank-pads to 9 characters
    (PostgreSQL's ``Month``/``Day`` without ``FM``)."""

    name: str
    case: str = "title"
    pad: bool = False


@dataclass(frozen=True, slots=True)
class Lit:
    """Literal text in a format."""

    text: str


Segment = Tok | Lit


class FormatError(ValueError):
    """A format token with no faithful meaning; ``token`` is the offending token."""

    def __init__(self, token: str, reason: str) -> None:
        super().__init__(f"format token {token!r}: {reason}")
        self.token = token
        self.reason = reason


# Canonical tokens (name: meaning)
#   YEAR4 2024 | YEAR2 24 | MONTH2 01-12 | MONTH1 1-12 | DAY2 01-31 | DAY1 1-31 | DOY3 001-366
#   HOUR24_2 00-23 | HOUR24_1 0-23 | HOUR12_2 01-12 | HOUR12_1 1-12 | MINUTE2 | SECOND2
#   MICRO6 000000-999999 | MILLI3 000-999 | AMPM AM/PM | QUARTER 1-4
#   MONTH_NAME January | MONTH_ABBR Jan | DAY_NAME Monday | DAY_ABBR Mon
#   DOW0 0=Sunday..6 | DOW1 1=Sunday..7 | ISODOW 1=Monday..7

_WEEKS = "week numbers depend on each engine's week-numbering mode"

MYSQL_TOKENS: dict[str, tuple[Segment, ...] | str] = {
    "%a": (Tok("DAY_ABBR"),),
    "%b": (Tok("MONTH_ABBR"),),
    "%c": (Tok("MONTH1"),),
    "%D": "English ordinal suffixes (1st, 2nd) have no equivalent outside MySQL/PostgreSQL",
    "%d": (Tok("DAY2"),),
    "%e": (Tok("DAY1"),),
    "%f": (Tok("MICRO6"),),
    "%H": (Tok("HOUR24_2"),),
    "%h": (Tok("HOUR12_2"),),
    "%I": (Tok("HOUR12_2"),),
    "%i": (Tok("MINUTE2"),),
    "%j": (Tok("DOY3"),),
    "%k": (Tok("HOUR24_1"),),
    "%l": (Tok("HOUR12_1"),),
    "%M": (Tok("MONTH_NAME"),),
    "%m": (Tok("MONTH2"),),
    "%p": (Tok("AMPM"),),
    "%r": (
        *(Tok("HOUR12_2"), Lit(":"), Tok("MINUTE2"), Lit(":"), Tok("SECOND2")),
        *(Lit(" "), Tok("AMPM")),
    ),
    "%S": (Tok("SECOND2"),),
    "%s": (Tok("SECOND2"),),
    "%T": (Tok("HOUR24_2"), Lit(":"), Tok("MINUTE2"), Lit(":"), Tok("SECOND2")),
    "%U": _WEEKS,
    "%u": _WEEKS,
    "%V": _WEEKS,
    "%v": _WEEKS,
    "%X": _WEEKS,
    "%x": _WEEKS,
    "%W": (Tok("DAY_NAME"),),
    "%w": (Tok("DOW0"),),
    "%Y": (Tok("YEAR4"),),
    "%y": (Tok("YEAR2"),),
    "%%": (Lit("%"),),
}

SQLITE_TOKENS: dict[str, tuple[Segment, ...] | str] = {
    "%d": (Tok("DAY2"),),
    "%f": (Tok("SECOND2"), Lit("."), Tok("MILLI3")),
    "%H": (Tok("HOUR24_2"),),
    "%j": (Tok("DOY3"),),
    "%J": "the Julian day number has no equivalent format token elsewhere",
    "%m": (Tok("MONTH2"),),
    "%M": (Tok("MINUTE2"),),
    "%s": "seconds since the epoch depend on the servers' time zone; use UNIX_TIMESTAMP",
    "%S": (Tok("SECOND2"),),
    "%w": (Tok("DOW0"),),
    "%W": _WEEKS,
    "%Y": (Tok("YEAR4"),),
    "%%": (Lit("%"),),
}

_PG_NAMES = {"MONTH": "MONTH_NAME", "MON": "MONTH_ABBR", "DAY": "DAY_NAME", "DY": "DAY_ABBR"}
_PG_NUMBERS: dict[str, tuple[str, str | None]] = {
    # pattern: (canonical, canonical with the FM prefix; None = FM changes nothing we model)
    "YYYY": ("YEAR4", "YEAR4"),
    "YY": ("YEAR2", None),
    "MM": ("MONTH2", "MONTH1"),
    "DDD": ("DOY3", None),
    "DD": ("DAY2", "DAY1"),
    "HH24": ("HOUR24_2", "HOUR24_1"),
    "HH12": ("HOUR12_2", "HOUR12_1"),
    "HH": ("HOUR12_2", "HOUR12_1"),
    "MI": ("MINUTE2", None),
    "SS": ("SECOND2", None),
    "MS": ("MILLI3", None),
    "US": ("MICRO6", None),
    "ID": ("ISODOW", "ISODOW"),
    "D": ("DOW1", "DOW1"),
    "Q": ("QUARTER", "QUARTER"),
}
_PG_REFUSED = {
    "TM": "TM patterns follow the server's lc_time locale",
    "TH": "ordinal suffixes (th) are not modelled",
    "IYYY": _WEEKS,
    "IYY": _WEEKS,
    "IW": _WEEKS,
    "WW": _WEEKS,
    "W": _WEEKS,
    "Y,YYY": "the grouped year pattern is not modelled",
    "YYY": "three-digit years are not modelled",
    "CC": "centuries are not modelled",
    "J": "the Julian day number has no equivalent format token elsewhere",
    "RM": "roman-numeral months are not modelled",
    "TZ": "time zone names depend on the server's time zone",
    "OF": "time zone offsets depend on the server's time zone",
    "SSSS": "seconds past midnight are not modelled",
    "SSSSS": "seconds past midnight are not modelled",
    "IDDD": _WEEKS,
    "FF": "fractional-second patterns FF1..FF6 are not modelled",
    "A.M.": "A.M./P.M. with periods is not modelled",
    "P.M.": "A.M./P.M. with periods is not modelled",
    "BC": "eras are not modelled",
    "AD": "eras are not modelled",
}


def parse_format(dialect: str, text: str) -> list[Segment]:
    """The segments of ``text``, a format of ``dialect``; raises :class:`FormatError`."""
    if dialect == "postgres":
        return _merge(_parse_postgres(text))
    table = MYSQL_TOKENS if dialect == "mysql" else SQLITE_TOKENS
    out: list[Segment] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char != "%":
            out.append(Lit(char))
            i += 1
            continue
        token = text[i : i + 2]
        meaning = table.get(token)
        if meaning is None:
            if dialect == "mysql" and len(token) == 2:
                out.append(Lit(token[1]))  # MySQL: %x for an unlisted x is the character x
                i += 2
                continue
            raise FormatError(token, f"not a {dialect} format token this library knows")
        if isinstance(meaning, str):
            raise FormatError(token, meaning)
        out.extend(meaning)
        i += 2
    return _merge(out)


def _parse_postgres(text: str) -> list[Segment]:
    out: list[Segment] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == '"':
            end = text.find('"', i + 1)
            if end < 0 or "\\" in text[i:end]:
                raise FormatError(text[i:], "unterminated or escaped quoted text")
            out.append(Lit(text[i + 1 : end]))
            i = end + 1
            continue
        if not char.isalpha():
            if char == "\\":
                raise FormatError(char, "backslash escapes in formats are not modelled")
            out.append(Lit(char))
            i += 1
            continue
        if text[i : i + 2].upper() == "TM":
            raise FormatError(text[i : i + 2], _PG_REFUSED["TM"])
        fm = text[i : i + 2].upper() == "FM"
        start = i + 2 if fm else i
        rest = text[start:]
        upper = rest.upper()
        segment, length = _pg_pattern(rest, upper, fm)
        refused = max((p for p in _PG_REFUSED if upper.startswith(p)), key=len, default="")
        if len(refused) > length:
            raise FormatError(text[i : start + len(refused)], _PG_REFUSED[refused])
        if segment is None:
            raise FormatError(
                text[i : start + 1],
                "letters outside a known pattern are ambiguous in TO_CHAR; double-quote literal text",
            )
        out.append(segment)
        i = start + length
        if text[i : i + 2].upper() == "TH":
            raise FormatError(text[i : i + 2], _PG_REFUSED["TH"])
    return out


def _pg_pattern(rest: str, upper: str, fm: bool) -> tuple[Tok | None, int]:
    for pattern in ("MONTH", "MON", "DAY", "DY"):  # longest first
        if upper.startswith(pattern):
            written = rest[: len(pattern)]
            if written == pattern:
                case = "upper"
            elif written == pattern.lower():
                case = "lower"
            elif written == pattern.capitalize():
                case = "title"
            else:
                return None, 0
            pad = not fm and pattern in ("MONTH", "DAY")
            return Tok(_PG_NAMES[pattern], case, pad), len(pattern)
    for pattern in ("AM", "PM"):
        if upper.startswith(pattern):
            if rest[:2] != pattern:
                return None, 0  # lower-case am/pm: not modelled
            return Tok("AMPM"), 2
    for pattern, (plain, with_fm) in sorted(_PG_NUMBERS.items(), key=lambda kv: -len(kv[0])):
        if upper.startswith(pattern):
            name = (with_fm or plain) if fm else plain
            return Tok(name), len(pattern)
    return None, 0


def _merge(segments: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for segment in segments:
        if isinstance(segment, Lit) and out and isinstance(out[-1], Lit):
            out[-1] = Lit(out[-1].text + segment.text)
        elif not (isinstance(segment, Lit) and not segment.text):
            out.append(segment)
    return out


# ------------------------------------------------------------------------- target spellings

_MYSQL_NATIVE = {
    "YEAR4": "%Y",
    "YEAR2": "%y",
    "MONTH2": "%m",
    "MONTH1": "%c",
    "DAY2": "%d",
    "DAY1": "%e",
    "DOY3": "%j",
    "HOUR24_2": "%H",
    "HOUR24_1": "%k",
    "HOUR12_2": "%h",
    "HOUR12_1": "%l",
    "MINUTE2": "%i",
    "SECOND2": "%S",
    "MICRO6": "%f",
    "AMPM": "%p",
    "MONTH_NAME": "%M",
    "MONTH_ABBR": "%b",
    "DAY_NAME": "%W",
    "DAY_ABBR": "%a",
    "DOW0": "%w",
}
_POSTGRES_NATIVE = {
    "YEAR4": "YYYY",
    "YEAR2": "YY",
    "MONTH2": "MM",
    "MONTH1": "FMMM",
    "DAY2": "DD",
    "DAY1": "FMDD",
    "DOY3": "DDD",
    "HOUR24_2": "HH24",
    "HOUR24_1": "FMHH24",
    "HOUR12_2": "HH12",
    "HOUR12_1": "FMHH12",
    "MINUTE2": "MI",
    "SECOND2": "SS",
    "MICRO6": "US",
    "MILLI3": "MS",
    "AMPM": "AM",
    "DOW1": "D",
    "ISODOW": "ID",
    "QUARTER": "Q",
}
_SQLITE_NATIVE = {
    "YEAR4": "%Y",
    "MONTH2": "%m",
    "DAY2": "%d",
    "DOY3": "%j",
    "HOUR24_2": "%H",
    "MINUTE2": "%M",
    "SECOND2": "%S",
    "DOW0": "%w",
}
_NATIVE = {"mysql": _MYSQL_NATIVE, "postgres": _POSTGRES_NATIVE, "sqlite": _SQLITE_NATIVE}
_PG_NAME_PATTERNS = {
    "MONTH_NAME": "Month",
    "MONTH_ABBR": "Mon",
    "DAY_NAME": "Day",
    "DAY_ABBR": "Dy",
}


def native(target: str, tok: Tok) -> str | None:
    """The target's format token for ``tok``, or None when it must be emulated."""
    if target == "postgres" and tok.name in _PG_NAME_PATTERNS:
        pattern = _PG_NAME_PATTERNS[tok.name]
        if tok.case == "upper":
            pattern = pattern.upper()
        elif tok.case == "lower":
            pattern = pattern.lower()
        padded = tok.name in ("MONTH_NAME", "DAY_NAME")
        return pattern if (tok.pad or not padded) else "FM" + pattern
    if tok.case != "title" or tok.pad:
        return None
    return _NATIVE[target].get(tok.name)


def render_literal(target: str, text: str) -> str:
    """Literal ``text`` written inside a target format."""
    if target == "postgres":
        return "".join(f'"{c}"' if c.isalpha() else '\\"' if c == '"' else c for c in text)
    return text.replace("%", "%%")
