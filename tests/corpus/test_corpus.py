"""Differential corpus run: every case on its source engine natively, and its translation on every
target engine (the source itself included), with normalised results compared.

See corpus/README.md for the case format and the normalisation rules.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from corpus_harness import (
    Case,
    RawCase,
    Translator,
    compare,
    format_rows,
    get_translator,
    indent,
    is_ordered,
    load_raw_cases,
    load_schema,
    run_on,
    script_kind,
    widest,
)
from engines import DIALECTS, DialectName, EnginePool, Row

RAW_CASES = load_raw_cases()
KNOWN = tomllib.loads((Path(__file__).with_name("known_differences.toml")).read_text())
#: "case-id:target" -> why the strict comparison still fails there (see the file)
KNOWN_DIFFERENCES = {
    entry: f"known difference ({kind}): {group['why']}"
    for kind, group in KNOWN.items()
    for entry in group["cases"]
}


def _params() -> list[Any]:
    params = []
    for raw in RAW_CASES:
        skips = raw.data.get("skip_targets", [])
        source = raw.data.get("source", "?")
        for target in DIALECTS:
            if target == source:
                continue  # same dialect returns the caller's text: test_same_dialect_is_identity
            known = KNOWN_DIFFERENCES.get(f"{raw.data.get('id')}:{target}")
            if isinstance(skips, list) and target in skips:
                # a documented difference (the case's `why`): run and reported like the others
                known = f"skip_targets: {raw.data.get('why')}"
            marks = [pytest.mark.xfail(strict=True, reason=known)] if known else []
            params.append(
                pytest.param(raw, target, id=f"{raw.label}:{source}->{target}", marks=marks)
            )
    return params


def test_known_differences_name_real_cases() -> None:
    ids = {str(raw.data.get("id")) for raw in RAW_CASES}
    for entry in KNOWN_DIFFERENCES:
        case, _, target = entry.partition(":")
        assert case in ids and target in DIALECTS, f"known_differences.toml: {entry}"


SINGLE = [r for r in RAW_CASES if ";" not in str(r.data.get("sql", "")).strip().rstrip(";")]


@pytest.mark.parametrize("raw", SINGLE[:: max(1, len(SINGLE) // 25)], ids=lambda r: r.label)
def test_same_dialect_is_identity(raw: RawCase, translator: Translator) -> None:
    """Translating into the source's own dialect sends the caller's own text (placeholders
    aside): nothing to prove by running it twice, so the corpus runs other targets only."""
    source = raw.data["source"]
    sql = raw.data["sql"]
    if translator.name != "sqlshift":
        pytest.skip("the identity is sqlshift's promise")
    assert translator.translate(sql, source, source, None, None).strip().rstrip(";") == (
        sql.strip().rstrip(";")
    )


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    rows: list[Row] | None
    error: str | None


@pytest.fixture(scope="session")
def translator() -> Translator:
    return get_translator()


@pytest.fixture(scope="session")
def fixture_schema() -> dict[str, dict[str, dict[str, str]]]:
    """The fixture's schema as each source engine declares it."""
    return {source: load_schema(source=source) for source in ("mysql", "postgres", "sqlite")}


@pytest.fixture(scope="session")
def source_outcomes() -> dict[str, SourceOutcome]:
    """Native results per case (by file#index), computed once per session for all targets."""
    return {}


@pytest.mark.parametrize(("raw", "target"), _params())
def test_case(
    raw: RawCase,
    target: DialectName,
    engines: EnginePool,
    translator: Translator,
    fixture_schema: dict[str, dict[str, dict[str, str]]],
    source_outcomes: dict[str, SourceOutcome],
) -> None:
    case = Case.from_raw(raw)
    schema = fixture_schema[case.source] if case.schema else None
    header = f"case {case.id} ({case.file}) {case.source} -> {target} [{translator.name}]"

    if target in case.refuse:
        _check_refusal(case, target, schema, translator, header)
        return

    source_engine = engines.get(case.source)
    outcome = source_outcomes.get(key := f"{case.file}#{raw.index}")
    if outcome is None:
        kind = script_kind(case.sql, case.source)
        try:
            outcome = SourceOutcome(run_on(source_engine, case.sql, case.verify, kind), None)
        except Exception as error:
            outcome = SourceOutcome(None, f"{type(error).__name__}: {error}")
        source_outcomes[key] = outcome
    if outcome.rows is None:
        pytest.fail(
            f"{header}\nthe case fails natively on its source engine: {outcome.error}\n"
            f"source SQL:\n{indent(case.sql)}",
            pytrace=False,
        )

    refusal: str | None = None
    try:
        translated = translator.translate(case.sql, target, case.source, schema, None)
        translated_verify = (
            translator.translate(case.verify, target, case.source, schema, case.sql)
            if case.verify is not None
            else None
        )
    except translator.untranslatable as error:
        refusal = f"[{getattr(error, 'code', '?')}]: {error}"
    if refusal is not None:
        pytest.fail(
            f"{header}\nunexpected refusal {refusal}\nsource SQL:\n{indent(case.sql)}",
            pytrace=False,
        )

    shown = f"translated SQL:\n{indent(translated)}"
    if translated_verify is not None:
        shown += f"\ntranslated verify:\n{indent(translated_verify)}"

    target_engine = engines.get(target)
    # What the translation may change decides how it is undone; a write never goes unnoticed.
    kind = widest(script_kind(case.sql, case.source), script_kind(translated, target))
    failure: str | None = None
    try:
        actual = run_on(target_engine, translated, translated_verify, kind)
    except Exception as error:
        failure = f"{type(error).__name__}: {error}"
    if failure is not None:
        pytest.fail(
            f"{header}\nthe translation fails on {target}: {failure}\n"
            f"source SQL:\n{indent(case.sql)}\n{shown}",
            pytrace=False,
        )

    ordered = is_ordered(case)
    difference = compare(outcome.rows, actual, ordered, case.source, target)
    if difference is not None:
        pytest.fail(
            f"{header}\nresults differ ({'ordered' if ordered else 'as multisets'}): "
            f"{difference}\nsource SQL:\n{indent(case.sql)}\n{shown}\n"
            f"expected ({len(outcome.rows)} rows, from {case.source}):\n"
            f"{format_rows(outcome.rows)}\n"
            f"actual ({len(actual)} rows, from {target}):\n{format_rows(actual)}",
            pytrace=False,
        )


def _check_refusal(
    case: Case,
    target: DialectName,
    schema: dict[str, dict[str, str]] | None,
    translator: Translator,
    header: str,
) -> None:
    expected_code = case.refuse[target]
    try:
        translated = translator.translate(case.sql, target, case.source, schema, None)
    except translator.untranslatable as error:
        code = getattr(error, "code", None)
        assert code == expected_code, (
            f"{header}\nrefused with code {code!r}, expected {expected_code!r}: {error}"
        )
        return
    pytest.fail(
        f"{header}\nexpected UntranslatableError [{expected_code}], but it translated to:\n"
        f"{indent(translated)}",
        pytrace=False,
    )
