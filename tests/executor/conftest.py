"""Executor test fixtures: a Database on each real engine, skipped (failed under CI=true) when
its server is unreachable, with a scratch table name private to this test process."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from sqlshift.errors import ExecutionError
from sqlshift.executor import Cache, Database, connect

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_MYSQL_URL = "mysql://root@127.0.0.1:3306/test"
ENGINES = ("sqlite", "postgres", "mysql")


def is_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def engine_url(name: str) -> str:
    if name == "postgres":
        return os.environ.get("SQLSHIFT_PG_URL", DEFAULT_PG_URL)
    if name == "mysql":
        return os.environ.get("SQLSHIFT_MYSQL_URL", DEFAULT_MYSQL_URL)
    return "sqlite:///:memory:"


_unreachable: dict[str, str] = {}


async def open_database(
    name: str, *, cache: Cache | bool | None = None, source: str | None = None
) -> Database:
    """An open Database on engine ``name``, or skip (fail under CI) if it cannot be reached."""
    if name in _unreachable:
        _give_up(name, _unreachable[name])
    db = connect(engine_url(name), cache=cache, source=source, connect_timeout=5)
    try:
        await db.open()
    except ExecutionError as error:
        _unreachable[name] = str(error)
        _give_up(name, str(error))
    return db


def _give_up(name: str, reason: str) -> None:
    message = f"{name} engine unavailable: {reason}"
    if is_ci():
        pytest.fail(f"{message} (CI=true: not skipping)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def table() -> str:
    """A table name no other test process uses (tests drop it when done)."""
    return f"sqlshift_ex_{os.getpid()}"


@pytest.fixture
async def db(engine_name: str, table: str) -> AsyncIterator[Database]:
    database = await open_database(engine_name, cache=True)
    try:
        await database.execute(f"DROP TABLE IF EXISTS {table}")
        yield database
    finally:
        try:
            await database.execute(f"DROP TABLE IF EXISTS {table}")
        finally:
            await database.close()
