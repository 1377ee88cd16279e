"""The corpus files are well-formed: keys, ids, dialects, and SQL that sqlglot parses."""

from __future__ import annotations

from collections import Counter

import pytest
from corpus_harness import (
    CASES_DIR,
    Case,
    CaseFormatError,
    RawCase,
    load_raw_cases,
    load_schema,
    parse_statements,
    script_kind,
    writes,
)
from engines import DIALECTS, FIXTURE_TABLES, split_statements
from sqlglot import exp
from sqlglot.errors import SqlglotError

from sqlshift.translator.compound import compound_kind

RAW_CASES = load_raw_cases()


def test_corpus_is_not_empty() -> None:
    assert RAW_CASES, f"no cases under {CASES_DIR}"


def test_ids_are_unique() -> None:
    counts = Counter(raw.data.get("id") for raw in RAW_CASES)
    duplicates = sorted(str(case_id) for case_id, n in counts.items() if n > 1)
    assert not duplicates, f"duplicate case ids: {duplicates}"


def test_every_source_dialect_is_used() -> None:
    sources = {raw.data.get("source") for raw in RAW_CASES}
    assert sources >= set(DIALECTS), f"no cases from {set(DIALECTS) - sources}"


@pytest.mark.parametrize("raw", RAW_CASES, ids=[raw.label for raw in RAW_CASES])
def test_case_is_well_formed(raw: RawCase) -> None:
    case = Case.from_raw(raw)  # keys, types, dialect names

    try:
        statements = parse_statements(case.sql, case.source)
    except SqlglotError as error:
        pytest.fail(f"{case.id}: sql does not parse as {case.source}: {error}", pytrace=False)
    assert statements, f"{case.id}: sql holds no statement"
    assert len(statements) == len(split_statements(case.sql, case.source)), (
        f"{case.id}: the runner's statement splitting disagrees with sqlglot's parser"
    )
    commands = [
        e.sql()
        for e in statements
        if isinstance(e, exp.Command) and compound_kind(e.expression.name) is None
    ]
    refused_everywhere = set(case.refuse) == set(DIALECTS) - {case.source}
    assert not commands or refused_everywhere, (
        f"{case.id}: sqlglot only parses these statements as opaque commands {commands}; "
        "such a case can only expect refusals on every other target"
    )

    kind = script_kind(case.sql, case.source)
    if case.verify is not None:
        try:
            verify = parse_statements(case.verify, case.source)
        except SqlglotError as error:
            pytest.fail(
                f"{case.id}: verify does not parse as {case.source}: {error}", pytrace=False
            )
        assert len(verify) == 1, f"{case.id}: verify must be a single query"
        assert not writes(script_kind(case.verify, case.source)), (
            f"{case.id}: verify must only read"
        )
    elif writes(kind):
        last = statements[-1]
        assert isinstance(last, exp.Query) or last.args.get("returning"), (
            f"{case.id}: a writing case needs a `verify` query (or must end with a query)"
        )


def test_unknown_keys_are_rejected() -> None:
    raw = RawCase("x.toml", 0, {"id": "x", "source": "mysql", "sql": "SELECT 1", "expect": 1})
    with pytest.raises(CaseFormatError, match="unknown key"):
        Case.from_raw(raw)


def test_missing_keys_are_rejected() -> None:
    with pytest.raises(CaseFormatError, match="missing required"):
        Case.from_raw(RawCase("x.toml", 0, {"id": "x", "source": "mysql"}))


def test_bad_values_are_rejected() -> None:
    bad: list[dict[str, object]] = [
        {"id": "Not_Kebab", "source": "mysql", "sql": "SELECT 1"},
        {"id": "x", "source": "oracle", "sql": "SELECT 1"},
        {"id": "x", "source": "mysql", "sql": "SELECT 1", "refuse": {"mysql": "X"}},
        {"id": "x", "source": "mysql", "sql": "SELECT 1", "skip_targets": ["sqlite"]},
        {"id": "x", "source": "mysql", "sql": "SELECT 1", "ordered": "yes"},
    ]
    for data in bad:
        with pytest.raises(CaseFormatError):
            Case.from_raw(RawCase("x.toml", 0, data))


def test_schema_file_names_the_fixture_tables() -> None:
    assert tuple(load_schema()) == FIXTURE_TABLES
