"""Connection URLs: schemes, options, environment default, errors naming the setting, redaction."""

from __future__ import annotations

import pytest

from sqlshift.errors import ConfigurationError
from sqlshift.executor.url import DatabaseURL, parse_url


@pytest.mark.parametrize(
    ("url", "dialect", "port"),
    [
        ("postgresql://u@h/db", "postgres", 5432),
        ("postgres://u@h:6543/db", "postgres", 6543),
        ("mysql://u@h/db", "mysql", 3306),
        ("mariadb://u@h:3307/db", "mysql", 3307),
        ("postgresql+asyncpg://u@h/db", "postgres", 5432),
    ],
)
def test_server_schemes(url: str, dialect: str, port: int) -> None:
    parsed = parse_url(url)
    assert (parsed.dialect, parsed.port, parsed.host, parsed.user, parsed.database) == (
        dialect,
        port,
        "h",
        "u",
        "db",
    )


@pytest.mark.parametrize(
    ("url", "database", "memory"),
    [
        ("sqlite:///:memory:", ":memory:", True),
        ("sqlite://", ":memory:", True),
        ("sqlite:///app.db", "app.db", False),
        ("sqlite:////tmp/app.db", "/tmp/app.db", False),
    ],
)
def test_sqlite_paths(url: str, database: str, memory: bool) -> None:
    parsed = parse_url(url)
    assert (parsed.dialect, parsed.database, parsed.is_memory) == ("sqlite", database, memory)


def test_options_are_parsed_and_validated() -> None:
    parsed = parse_url(
        "postgresql://u@h/db?min_size=2&max_size=8&connect_timeout=1.5&command_timeout=3"
        "&acquire_timeout=0.5&sslmode=require"
    )
    o = parsed.options
    assert (o.min_size, o.max_size, o.connect_timeout, o.command_timeout, o.acquire_timeout) == (
        2,
        8,
        1.5,
        3.0,
        0.5,
    )
    assert o.ssl == "require"
    assert parse_url("mysql://u@h/db?ssl=true").options.ssl == "require"
    assert parse_url("mysql://u@h/db?ssl=0").options.ssl == "disable"


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("postgresql://u@h/db?pool=3", "'pool'"),
        ("postgresql://u@h/db?max_size=lots", "'max_size'"),
        ("postgresql://u@h/db?max_size=0", "'max_size'"),
        ("postgresql://u@h/db?min_size=-1", "'min_size'"),
        ("postgresql://u@h/db?min_size=5&max_size=2", "'min_size'"),
        ("postgresql://u@h/db?connect_timeout=-1", "'connect_timeout'"),
        ("postgresql://u@h/db?command_timeout=inf", "'command_timeout'"),
        ("postgresql://u@h/db?ssl=maybe", "'ssl'"),
        ("postgresql://u@h/db?ssl=require&sslmode=disable", "'ssl'"),
        ("postgresql://u@h/db?max_size=1&max_size=2", "'max_size'"),
        ("sqlite:///x.db?ssl=require", "'ssl'"),
        ("oracle://u@h/db", "'oracle'"),
        ("postgresql://u@h:99999/db", "port"),
        ("postgresql:///db", "host"),
        ("sqlite://host/x.db", "'host'"),
        ("no-scheme", "scheme"),
    ],
)
def test_bad_settings_are_named(url: str, names: str) -> None:
    with pytest.raises(ConfigurationError, match=names):
        parse_url(url)


def test_keyword_options_override_and_are_validated() -> None:
    parsed = parse_url("postgresql://u@h/db?max_size=4").with_options({"max_size": 9})
    assert parsed.options.max_size == 9
    with pytest.raises(ConfigurationError, match="'max_size'"):
        parse_url("postgresql://u@h/db").with_options({"max_size": "x"})
    with pytest.raises(ConfigurationError, match="'poolsize'"):
        parse_url("postgresql://u@h/db").with_options({"poolsize": 3})


def test_environment_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQLSHIFT_URL", "mysql://root@db/app")
    assert parse_url(None).dialect == "mysql"
    monkeypatch.delenv("SQLSHIFT_URL")
    with pytest.raises(ConfigurationError, match="SQLSHIFT_URL"):
        parse_url(None)


def test_password_never_shown() -> None:
    parsed = parse_url("postgresql://app:s3cr%40t@h:5432/db?max_size=3")
    assert parsed.password == "s3cr@t"
    for text in (str(parsed), repr(parsed), repr([parsed])):
        assert "s3cr" not in text
        assert "***" in text
    assert "s3cr%40t" in parsed.render(hide_password=False)
    with pytest.raises(ConfigurationError) as info:
        parse_url("postgresql://app:hunter2@h:notaport/db")
    assert "hunter2" not in str(info.value)


def test_parse_url_accepts_a_parsed_url() -> None:
    parsed = parse_url("sqlite:///:memory:")
    assert parse_url(parsed) is parsed
    assert isinstance(parsed, DatabaseURL)
