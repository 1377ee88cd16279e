"""Shared fixtures: the real engines, each opened once per session with the corpus fixture loaded.

A server that cannot be reached skips the tests that need it, with the reason; under `CI=true`
it fails them instead, because CI must never pass by skipping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from engines import (
    DEFAULT_MYSQL_URL,
    DEFAULT_PG_URL,
    DIALECTS,
    DialectName,
    Engine,
    EnginePool,
    is_ci,
    redact_url,
)


@pytest.fixture(scope="session")
def engines() -> Iterator[EnginePool]:
    pool = EnginePool()
    yield pool
    pool.close()


@pytest.fixture(scope="session", params=DIALECTS)
def engine(request: pytest.FixtureRequest, engines: EnginePool) -> Engine:
    """Each of the three engines in turn."""
    name: DialectName = request.param
    return engines.get(name)


def pytest_report_header(config: pytest.Config) -> list[str]:
    translator = os.environ.get("SQLSHIFT_CORPUS_TRANSLATOR", "auto")
    if translator == "auto":
        try:
            from sqlshift import translate  # noqa: F401
        except ImportError:
            translator = "sqlglot stand-in (sqlshift.translate not importable)"
        else:
            translator = "sqlshift"
    return [
        "sqlshift engines: PG {} | MySQL {}{}".format(
            redact_url(os.environ.get("SQLSHIFT_PG_URL", DEFAULT_PG_URL)),
            redact_url(os.environ.get("SQLSHIFT_MYSQL_URL", DEFAULT_MYSQL_URL)),
            " | CI=true: unreachable servers fail" if is_ci() else "",
        ),
        f"sqlshift corpus translator: {translator}",
    ]
