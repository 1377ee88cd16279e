"""Source-dialect detection from unambiguous markers (backticks, ``$1``, ``::``, ...).

Each marker narrows the set of dialects that accept the text. The caller decides what to do
when more than one remains (sqlshift translates from each and accepts only identical results).
"""

from __future__ import annotations

import re

__all__ = ["candidates"]

_ALL = frozenset({"mysql", "postgres", "sqlite"})
_MY = frozenset({"mysql"})
_PG = frozenset({"postgres"})
_LITE = frozenset({"sqlite"})
_MY_LITE = frozenset({"mysql", "sqlite"})
_PG_LITE = frozenset({"postgres", "sqlite"})

# Markers that are visible only in the raw text (they are literals or comments themselves).
_RAW_MARKERS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"(?<![\w'])[eE]'"), _PG),
    (re.compile(r"\$(?:[A-Za-z_]\w*)?\$"), _PG),
    (re.compile(r"(?:^|\s)#"), _MY),
    (re.compile(r"`"), _MY_LITE),
)

# Markers looked for outside string literals and comments.
_MARKERS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = tuple(
    (re.compile(pattern, re.I), dialects)
    for pattern, dialects in (
        (r"\$\d+", _PG),
        (r"::", _PG),
        (r"\bILIKE\b", _PG),
        (r"~\*|!~", _PG),
        (r"\bSERIAL\b|\bBIGSERIAL\b|\bBYTEA\b|\bJSONB\b", _PG),
        (r"\bDISTINCT\s+ON\b", _PG),
        (r"\bSTRING_AGG\s*\(|\bTO_CHAR\s*\(|\bDATE_TRUNC\s*\(", _PG),
        (r"\bFETCH\s+(?:FIRST|NEXT)\b", _PG),
        (r"\bAUTOINCREMENT\b", _LITE),
        (r"\bINSERT\s+OR\s+(?:REPLACE|IGNORE|ABORT|ROLLBACK|FAIL)\b", _LITE),
        (r"\bPRAGMA\b|\bGLOB\b|\bIIF\s*\(|\bSTRFTIME\s*\(|\bWITHOUT\s+ROWID\b", _LITE),
        (r"\bAUTO_INCREMENT\b|\bUNSIGNED\b|\bENGINE\s*=", _MY),
        (r"\bDIV\b|\bINSERT\s+IGNORE\b|\bON\s+DUPLICATE\s+KEY\b", _MY),
        (r"\bIF\s*\(|\bDATE_FORMAT\s*\(|\bSTR_TO_DATE\s*\(|\bSEPARATOR\b", _MY),
        (r"<=>|\bREGEXP\b|\bRLIKE\b|\bSQL_CALC_FOUND_ROWS\b", _MY),
        (r"\bON\s+CONFLICT\b|\bRETURNING\b", _PG_LITE),
        (r"\bIFNULL\s*\(|\bGROUP_CONCAT\s*\(", _MY_LITE),
        (r"\bLIMIT\s+[\w?%$:]+\s*,", _MY_LITE),
        (r"%s|%\(\w+\)s", frozenset({"mysql", "postgres"})),
    )
)

_STRIP = re.compile(
    r"--[^\n]*|/\*.*?\*/|#[^\n]*|'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"|`(?:[^`]|``)*`"
    r"|\$(?P<tag>[A-Za-z_]\w*|)\$.*?\$(?P=tag)\$",
    re.S,
)


def candidates(sql: str) -> tuple[frozenset[str], list[str]]:
    """Dialects that accept every marker in ``sql``, and the markers that decided it."""
    remaining = _ALL
    seen: list[str] = []
    for pattern, dialects in _RAW_MARKERS:
        match = pattern.search(sql)
        if match:
            remaining = remaining & dialects
            seen.append(match.group(0).strip())
    code = _STRIP.sub(" ", sql)
    for pattern, dialects in _MARKERS:
        match = pattern.search(code)
        if match:
            remaining = remaining & dialects
            seen.append(match.group(0))
    return remaining, seen
