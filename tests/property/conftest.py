"""Generated-query property tests: shared setup and the per-direction summary."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# corpus_harness lives next to the corpus tests; reuse it rather than copy it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "corpus"))

from runner import EXAMPLES, SEED, STATS


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [f"sqlshift property tests: SQLSHIFT_PROPERTY_SEED={SEED} (from the commit)"]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not STATS.outcomes:
        return
    terminalreporter.section(
        f"sqlshift property tests (SQLSHIFT_PROPERTY_EXAMPLES={EXAMPLES}, "
        f"SQLSHIFT_PROPERTY_SEED={SEED}: set both to rerun exactly this)"
    )
    for line in STATS.table():
        terminalreporter.write_line(line)
