"""Synchronous test adapters for the three real engines, each loaded with the corpus fixture.

Every adapter has the same small interface (see `Engine`): run a script, run a query and get
plain tuples back, and undo whatever a writing statement did (`isolated`). Each test session gets
its own database (MariaDB) or schema (PostgreSQL) named ``sqlshift_corpus_<pid>`` so that two
test runs against the same servers do not trample each other; leftovers of runs that died are
dropped when their session lock is free.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import sqlite3
import threading
import time
from collections.abc import Coroutine, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar
from urllib.parse import unquote, urlsplit

import pytest
from sqlglot import Dialect, TokenType
from sqlglot.errors import SqlglotError

# What the executor does to each driver's values, so the corpus compares what a user gets.
from sqlshift.executor.backends.mysql import convert_rows as mysql_rows
from sqlshift.executor.backends.postgres import convert_rows as postgres_rows
from sqlshift.executor.backends.postgres import init_connection as postgres_init
from sqlshift.executor.backends.sqlite import register_converters
from sqlshift.translator.compound import split_script

Row = tuple[Any, ...]


class Result(list[Row]):
    """A query's rows, and the names of its columns as the driver reports them."""

    def __init__(self, rows: list[Row], names: Sequence[str] = ()) -> None:
        super().__init__(rows)
        self.names: tuple[str, ...] = tuple(names)


DialectName = Literal["mysql", "postgres", "sqlite"]
DIALECTS: tuple[DialectName, ...] = ("mysql", "postgres", "sqlite")

#: How much a piece of SQL may change, from least to most; decides how `Engine.isolated` undoes it.
#: "dml": INSERT/UPDATE/DELETE only; "ddl": schema changes; "other": anything that may escape a
#: transaction (transaction control, SET, PRAGMA, statements sqlglot could not parse).
WriteKind = Literal["dml", "ddl", "other"]

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "corpus" / "fixture"
DUMPS_DIR = Path(__file__).resolve().parent.parent / "corpus" / "dumps"
FIXTURE_TABLES = ("cities", "people", "products", "orders", "events")

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_MYSQL_URL = "mysql://root@127.0.0.1:3306/test"
#: The sql_mode MariaDB 10.11 starts with; set explicitly so a server configured otherwise
#: still gives the semantics the corpus was written against.
MARIADB_DEFAULT_SQL_MODE = (
    "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION"
)
#: A translation that loops (say, a broken recursive CTE) must not hang the test run.
STATEMENT_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 5.0
SCRATCH_PREFIX = "sqlshift_corpus_"

T = TypeVar("T")


class EngineUnavailable(Exception):
    """The engine's server cannot be reached or set up; the message says why."""


def _has_token(text: str) -> bool:
    try:
        return bool(Dialect.get_or_raise("mysql").tokenize(text))
    except SqlglotError:
        return True


class Engine(Protocol):
    """What the corpus runner needs from an engine."""

    name: DialectName

    def execute_script(self, sql: str) -> None:
        """Run one or more `;`-separated statements, discarding any rows."""
        ...

    def query(self, sql: str) -> list[Row]:
        """Run one statement and return its rows as plain tuples ([] if it returns none)."""
        ...

    def reset_fixture(self) -> None:
        """Recreate the fixture from scratch (drops anything a test created)."""
        ...

    def isolated(self, kind: WriteKind) -> contextlib.AbstractContextManager[None]:
        """Undo, on exit, every change made inside the block by statements of `kind` or less."""
        ...

    def table_columns(self, table: str) -> list[str]:
        """Column names of a fixture table, in declaration order."""
        ...

    def close(self) -> None: ...


def fixture_sql(dialect: DialectName) -> str:
    return (FIXTURE_DIR / f"{dialect}.sql").read_text(encoding="utf-8")


def split_statements(sql: str, dialect: DialectName) -> list[str]:
    """Split a script on its top-level semicolons using sqlglot's tokenizer for `dialect`.

    Semicolons inside strings, quoted identifiers and comments do not split. Segments that hold
    no token (only whitespace or comments) are dropped. If the text does not tokenize, it is
    returned whole and the engine reports the problem. MySQL scripts are read as the mysql
    client reads them (DELIMITER; a compound statement's BEGIN ... END body whole).
    """
    if dialect == "mysql":
        units = split_script(sql)
        return [
            text.strip()
            for u in units
            if not u.client and (text := sql[u.start : u.end]).strip() and _has_token(text)
        ]
    try:
        tokens = Dialect.get_or_raise(dialect).tokenize(sql)
    except SqlglotError:
        return [sql.strip()] if sql.strip() else []
    statements: list[str] = []
    start = 0
    seen_token = False
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            if seen_token:
                statements.append(sql[start : token.start].strip())
            start = token.end + 1
            seen_token = False
        else:
            seen_token = True
    if seen_token:
        statements.append(sql[start:].strip())
    return statements


# --------------------------------------------------------------------------------------- SQLite


class SQLiteEngine:
    """In-memory SQLite; a pristine copy of the fixture is kept and copied back on reset."""

    name: DialectName = "sqlite"

    def __init__(self) -> None:
        register_converters()  # values as the executor gives them (Decimal, bool, date, ...)
        self._pristine = sqlite3.connect(":memory:", isolation_level=None)
        self._pristine.executescript(fixture_sql("sqlite"))
        self._conn = self._fresh()
        self._deadline = 0.0

    def _fresh(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            ":memory:", isolation_level=None, detect_types=sqlite3.PARSE_DECLTYPES
        )
        self._pristine.backup(conn)
        conn.set_progress_handler(self._over_time, 10_000)
        return conn

    def _over_time(self) -> int:
        return 1 if time.monotonic() > self._deadline else 0

    def execute_script(self, sql: str) -> None:
        self._deadline = time.monotonic() + STATEMENT_TIMEOUT_S
        self._conn.executescript(sql)

    def query(self, sql: str) -> Result:
        self._deadline = time.monotonic() + STATEMENT_TIMEOUT_S
        cursor = self._conn.execute(sql)
        try:
            rows = [tuple(row) for row in cursor.fetchall()]
            return Result(rows, [d[0] for d in cursor.description or ()])
        finally:
            cursor.close()

    def reset_fixture(self) -> None:
        self._conn.close()
        self._conn = self._fresh()

    @contextlib.contextmanager
    def isolated(self, kind: WriteKind) -> Iterator[None]:
        try:
            yield
        finally:
            self.reset_fixture()

    def table_columns(self, table: str) -> list[str]:
        return [str(row[1]) for row in self.query(f"PRAGMA table_info({table})")]

    def close(self) -> None:
        self._conn.close()
        self._pristine.close()


# -------------------------------------------------------------------------------------- MariaDB


class MariaDBEngine:
    """MariaDB/MySQL through PyMySQL, autocommit, in a database of its own."""

    name: DialectName = "mysql"

    def __init__(self, url: str) -> None:
        import pymysql

        parts = urlsplit(url)
        if parts.scheme.split("+")[0] not in ("mysql", "mariadb"):
            raise EngineUnavailable(
                f"SQLSHIFT_MYSQL_URL must be a mysql:// URL, got {parts.scheme}://"
            )
        self._database = f"{SCRATCH_PREFIX}{os.getpid()}"
        try:
            self._conn = pymysql.connect(
                host=parts.hostname or "127.0.0.1",
                port=parts.port or 3306,
                user=unquote(parts.username or "root"),
                password=unquote(parts.password or ""),
                charset="utf8mb4",
                autocommit=True,
                connect_timeout=int(CONNECT_TIMEOUT_S),
            )
        except pymysql.MySQLError as error:
            raise EngineUnavailable(
                f"MariaDB/MySQL at {redact_url(url)} is unreachable: {error}"
            ) from error
        try:
            self._session_setup()
            self._drop_stale()
            # Held for the whole session: tells other runs this database is alive.
            self.query(f"SELECT GET_LOCK('{self._database}', 0)")
            self.reset_fixture()
        except Exception:
            self._conn.close()
            raise

    def _session_setup(self) -> None:
        self.execute_script(
            "SET NAMES utf8mb4;"
            f"SET SESSION sql_mode = '{MARIADB_DEFAULT_SQL_MODE}';"
            "SET SESSION time_zone = '+00:00';"
            f"SET SESSION max_statement_time = {STATEMENT_TIMEOUT_S}"
        )

    def _drop_stale(self) -> None:
        for (name,) in self.query(
            f"SELECT schema_name FROM information_schema.schemata "
            f"WHERE schema_name LIKE '{SCRATCH_PREFIX}%'"
        ):
            if name == self._database:
                continue
            (got,) = self.query(f"SELECT GET_LOCK('{name}', 0)")[0]
            if got == 1:
                self.execute_script(f"DROP DATABASE IF EXISTS `{name}`")
                self.query(f"SELECT RELEASE_LOCK('{name}')")

    def execute_script(self, sql: str) -> None:
        # as the mysql client reads a script: DELIMITER, and compound statements whole
        with self._conn.cursor() as cursor:
            for statement in split_statements(sql, "mysql"):
                cursor.execute(statement)

    def query(self, sql: str) -> Result:
        with self._conn.cursor() as cursor:
            cursor.execute(sql)
            if cursor.description is None:
                return Result([])
            rows = mysql_rows(cursor.description, cursor.fetchall())
            return Result([tuple(row) for row in rows], [d[0] for d in cursor.description])

    def reset_fixture(self) -> None:
        db = self._database
        self.execute_script(
            f"DROP DATABASE IF EXISTS `{db}`;"
            f"CREATE DATABASE `{db}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;"
            f"USE `{db}`"
        )
        self.execute_script(fixture_sql("mysql"))
        self._auto_increments = self._read_auto_increments()

    def _read_auto_increments(self) -> dict[str, int]:
        return {
            str(table): int(value)
            for table, value in self.query(
                "SELECT table_name, auto_increment FROM information_schema.tables "
                "WHERE table_schema = DATABASE() AND auto_increment IS NOT NULL"
            )
        }

    @contextlib.contextmanager
    def isolated(self, kind: WriteKind) -> Iterator[None]:
        if kind != "dml":
            # DDL commits implicitly in MySQL, so only a rebuild undoes it.
            try:
                yield
            finally:
                self.reset_fixture()
            return
        self.execute_script("START TRANSACTION")
        try:
            yield
        finally:
            self._conn.rollback()
            # InnoDB does not roll back AUTO_INCREMENT counters.
            for table, value in self._read_auto_increments().items():
                if value != self._auto_increments.get(table, value):
                    self.execute_script(
                        f"ALTER TABLE `{table}` AUTO_INCREMENT = {self._auto_increments[table]}"
                    )

    def table_columns(self, table: str) -> list[str]:
        return [
            str(row[0])
            for row in self.query(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                f"DATABASE() AND table_name = '{table}' ORDER BY ordinal_position"
            )
        ]

    def close(self) -> None:
        try:
            self.execute_script(f"DROP DATABASE IF EXISTS `{self._database}`")
        finally:
            self._conn.close()


# ----------------------------------------------------------------------------------- PostgreSQL


class _LoopThread:
    """A private event loop on its own thread, so sync code can drive asyncpg from anywhere
    (including from inside another running loop, e.g. an async test)."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="sqlshift-tests-asyncpg", daemon=True
        )
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = STATEMENT_TIMEOUT_S + 5) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def close(self) -> None:
        self.run(self._loop.shutdown_asyncgens())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


class PostgresEngine:
    """PostgreSQL through asyncpg, autocommit, in a schema of its own (first on search_path)."""

    name: DialectName = "postgres"

    def __init__(self, url: str) -> None:
        import asyncpg

        self._schema = f"{SCRATCH_PREFIX}{os.getpid()}"
        self._loop = _LoopThread()
        try:
            self._conn: Any = self._loop.run(
                asyncpg.connect(
                    url,
                    timeout=CONNECT_TIMEOUT_S,
                    # DDL inside rolled-back transactions would invalidate cached plans.
                    statement_cache_size=0,
                    server_settings={
                        "search_path": self._schema,
                        "TimeZone": "UTC",
                        "statement_timeout": str(int(STATEMENT_TIMEOUT_S * 1000)),
                        "client_min_messages": "warning",
                    },
                )
            )
        except Exception as error:
            self._loop.close()
            raise EngineUnavailable(
                f"PostgreSQL at {redact_url(url)} is unreachable: {type(error).__name__}: {error}"
            ) from error
        try:
            self._loop.run(postgres_init(self._conn))
            self._drop_stale()
            # Held for the whole session: tells other runs this schema is alive.
            self.query(f"SELECT pg_advisory_lock(hashtext('{self._schema}'))")
            self.reset_fixture()
        except Exception:
            self.close()
            raise

    def _drop_stale(self) -> None:
        for (name,) in self.query(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE "
            f"'{SCRATCH_PREFIX}%' AND nspname <> '{self._schema}'"
        ):
            ((got,),) = self.query(f"SELECT pg_try_advisory_lock(hashtext('{name}'))")
            if got:
                self.execute_script(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
                self.query(f"SELECT pg_advisory_unlock(hashtext('{name}'))")

    def execute_script(self, sql: str) -> None:
        # No arguments: asyncpg uses the simple query protocol, which accepts several statements.
        self._loop.run(self._conn.execute(sql))

    def query(self, sql: str) -> Result:
        names, rows = self._loop.run(self._fetch(sql))
        return Result(rows, names)

    async def _fetch(self, sql: str) -> tuple[list[str], list[Row]]:
        statement = await self._conn.prepare(sql)
        records = await statement.fetch()
        names = [attribute.name for attribute in statement.get_attributes()]
        return names, [tuple(row) for row in postgres_rows(records)]

    def reset_fixture(self) -> None:
        schema = self._schema
        self.execute_script(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}";')
        self.execute_script(fixture_sql("postgres"))
        self._sequences = self.query(
            "SELECT format('%I.%I', schemaname, sequencename), last_value, start_value "
            "FROM pg_sequences WHERE schemaname = current_schema()"
        )

    @contextlib.contextmanager
    def isolated(self, kind: WriteKind) -> Iterator[None]:
        if kind == "other":
            try:
                yield
            finally:
                self.reset_fixture()
            return
        # DML and DDL are both transactional in PostgreSQL.
        self.execute_script("BEGIN")
        try:
            yield
        finally:
            self.execute_script("ROLLBACK")
            # Sequences are not transactional: put them back where the fixture left them.
            if self._sequences:
                self.execute_script(
                    "SELECT "
                    + ", ".join(
                        f"setval('{name}', {last}, true)"
                        if last is not None
                        else f"setval('{name}', {start}, false)"
                        for name, last, start in self._sequences
                    )
                )

    def table_columns(self, table: str) -> list[str]:
        return [
            str(row[0])
            for row in self.query(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                f"current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
            )
        ]

    def close(self) -> None:
        try:
            if getattr(self, "_conn", None) is not None:
                try:
                    self.execute_script(f'DROP SCHEMA IF EXISTS "{self._schema}" CASCADE')
                finally:
                    self._loop.run(self._conn.close())
        finally:
            self._loop.close()


# ------------------------------------------------------------------------------------- factory


def is_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()


def connect(name: DialectName) -> Engine:
    """Open the named engine with a freshly loaded fixture, or raise `EngineUnavailable`."""
    if name == "sqlite":
        return SQLiteEngine()
    if name == "mysql":
        return MariaDBEngine(os.environ.get("SQLSHIFT_MYSQL_URL", DEFAULT_MYSQL_URL))
    if name == "postgres":
        return PostgresEngine(os.environ.get("SQLSHIFT_PG_URL", DEFAULT_PG_URL))
    raise ValueError(f"unknown engine {name!r}")


class EnginePool:
    """Opens each engine on first use and remembers engines and failures for the session."""

    def __init__(self) -> None:
        self._engines: dict[str, Engine] = {}
        self._unavailable: dict[str, str] = {}

    def get(self, name: DialectName) -> Engine:
        """The engine, or skip (fail under CI) the calling test if its server is unreachable."""
        if name not in self._engines and name not in self._unavailable:
            try:
                self._engines[name] = connect(name)
            except EngineUnavailable as error:
                self._unavailable[name] = str(error)
        if name in self._unavailable:
            reason = f"{name} engine unavailable: {self._unavailable[name]}"
            if is_ci():
                pytest.fail(f"{reason} (CI=true: not skipping)", pytrace=False)
            pytest.skip(reason)
        return self._engines[name]

    def close(self) -> None:
        errors: list[BaseException] = []
        for engine in self._engines.values():
            try:
                engine.close()
            except Exception as error:  # close the others anyway
                errors.append(error)
        self._engines.clear()
        if errors:
            raise errors[0]


def dump_generator(name: str) -> Any:
    """``corpus/dumps/<name>.py`` loaded as a module (the dump generators are scripts)."""
    spec = importlib.util.spec_from_file_location(name, DUMPS_DIR / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
