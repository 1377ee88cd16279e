"""Arbitrary text, and corpus SQL with random token edits, given to `translate` raise only
sqlshift errors (`SqlshiftError` subclasses), in every direction and with detection.

An "internal error" `TranslationError` (a foreign exception caught by the safety net in
`api.py`) is allowed here but counted in the summary: each one is a bug to report.
"""

from __future__ import annotations

import re

import pytest
from corpus_harness import load_raw_cases
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from runner import EXAMPLES, SCHEMA, SEED, STATS

import sqlshift

SETTINGS = settings(
    max_examples=max(EXAMPLES // 4, 10),
    derandomize=False,  # seeded from the commit (runner.SEED) instead
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TARGETS = ("mysql", "postgres", "sqlite")
SOURCES = (None, "mysql", "postgres", "sqlite")
CORPUS = sorted({(str(r.data["sql"]), str(r.data["source"])) for r in load_raw_cases()})
TOKEN = re.compile(r"\w+|[^\w\s]|\s+")
#: Fragments spliced into corpus SQL: quotes, placeholders, comments, escapes, odd characters.
NOISE = [
    *[
        "(",
        ")",
        "'",
        '"',
        "`",
        "$1",
        "?",
        "%s",
        ":x",
        "::",
        "||",
        "\\",
        "--",
        "/*",
        ";",
        ",",
        "NULL",
        "SELECT",
        "E'",
        "$$",
        "N'",
        "x'",
        "0x",
        "@a",
        "@@b",
    ],
    *("\x00", "\u00e9", "\U0001f389"),
]


def _translate_only_own_errors(sql: str, label: str) -> None:
    for target in TARGETS:
        for source in SOURCES:
            for schema in (SCHEMA,) if source else (None,):
                try:
                    sqlshift.translate(sql, target, source=source, schema=schema)
                except sqlshift.SqlshiftError as error:
                    outcome = "internal error" if "internal error" in str(error) else "rejected"
                    STATS.add(label, outcome)
                    continue
                except BaseException as error:  # the property under test
                    raise AssertionError(
                        f"translate({sql!r}, {target!r}, source={source!r}) raised "
                        f"{type(error).__name__}, not a SqlshiftError: {error}"
                    ) from error
                STATS.add(label, "translated")


@SETTINGS
@seed(SEED)
@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_sqlshift_errors(text: str) -> None:
    _translate_only_own_errors(text, "bad input: arbitrary text")


@st.composite
def mutated_corpus_sql(draw: st.DrawFn) -> str:
    sql, _ = draw(st.sampled_from(CORPUS))
    tokens = TOKEN.findall(sql) or [sql]
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(tokens) - 1))
        edit = draw(st.sampled_from(["delete", "duplicate", "replace", "swap"]))
        if edit == "delete" and len(tokens) > 1:
            del tokens[at]
        elif edit == "duplicate":
            tokens.insert(at, draw(st.sampled_from(tokens)))
        elif edit == "swap":
            other = draw(st.integers(0, len(tokens) - 1))
            tokens[at], tokens[other] = tokens[other], tokens[at]
        else:
            tokens[at] = draw(st.sampled_from(NOISE))
    return "".join(tokens)


@pytest.mark.slow
@SETTINGS
@seed(SEED)
@given(mutated_corpus_sql())
def test_mutated_corpus_sql_raises_only_sqlshift_errors(sql: str) -> None:
    _translate_only_own_errors(sql, "bad input: mutated corpus")
