"""Connection URLs and their options: parsing, validation, environment default, redaction.

Accepted forms::

    postgresql://user:password@host:5432/db?min_size=1&max_size=10&ssl=require
    postgres://...                        (same as postgresql://)
    mysql://user:password@host:3306/db?max_size=5&connect_timeout=3
    mariadb://...                         (same as mysql://)
    sqlite:///relative/or/absolute/path.db   sqlite:////abs/path.db   sqlite:///:memory:

Query options (all optional; each may also be given to ``connect()`` as a keyword, which wins):

``min_size`` / ``max_size``
    pool bounds (int; ``max_size >= 1``, ``min_size <= max_size``). SQLite ignores them: it uses
    a single connection, because SQLite serialises writers anyway.
``connect_timeout``
    seconds to wait for a new connection (float > 0).
``command_timeout``
    seconds a statement may run before the driver gives up (float > 0; PostgreSQL only).
``acquire_timeout``
    seconds to wait for a free pooled connection (float > 0).
``ssl``
    ``disable`` | ``prefer`` | ``require`` | ``verify-ca`` | ``verify-full``, or true/false
    (``sslmode`` is accepted as libpq's name for it). Not valid for SQLite.

Without a URL, ``SQLSHIFT_URL`` from the environment is used. ``str()`` and ``repr()`` of a
:class:`DatabaseURL` never show the password.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from sqlshift.errors import ConfigurationError

__all__ = ["ENV_VAR", "DatabaseURL", "Options", "parse_url"]

ENV_VAR = "SQLSHIFT_URL"

_SCHEMES: dict[str, str] = {
    "postgresql": "postgres",
    "postgres": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
}
_DEFAULT_PORTS = {"postgres": 5432, "mysql": 3306}
_SSL_MODES = ("disable", "prefer", "require", "verify-ca", "verify-full")
_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


@dataclass(frozen=True, slots=True)
class Options:
    """Validated pool and connection options (None: the driver's default)."""

    min_size: int | None = None
    max_size: int | None = None
    connect_timeout: float | None = None
    command_timeout: float | None = None
    acquire_timeout: float | None = None
    ssl: str | None = None  # one of _SSL_MODES


_INT_OPTIONS = ("min_size", "max_size")
_FLOAT_OPTIONS = ("connect_timeout", "command_timeout", "acquire_timeout")
OPTION_NAMES = frozenset((*_INT_OPTIONS, *_FLOAT_OPTIONS, "ssl", "sslmode"))


@dataclass(frozen=True, slots=True)
class DatabaseURL:
    """A parsed connection URL. ``dialect`` is canonical: postgres, mysql or sqlite."""

    dialect: str
    scheme: str
    host: str | None = None
    port: int | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    database: str = ""
    options: Options = Options()

    @property
    def is_memory(self) -> bool:
        return self.dialect == "sqlite" and self.database in ("", ":memory:")

    def with_options(self, overrides: Mapping[str, Any]) -> DatabaseURL:
        """Return a copy with ``overrides`` (keyword options) validated and applied."""
        if not overrides:
            return self
        merged = _options(
            {**_as_raw(self.options), **{k: v for k, v in overrides.items() if v is not None}},
            self.dialect,
            origin="keyword",
        )
        return replace(self, options=merged)

    def render(self, *, hide_password: bool = True) -> str:
        """The URL as text; the password is shown as ``***`` unless asked otherwise."""
        if self.dialect == "sqlite":
            base = f"{self.scheme}:///{self.database}"
        else:
            auth = ""
            if self.user is not None:
                auth = quote(self.user, safe="")
                if self.password is not None:
                    auth += ":" + ("***" if hide_password else quote(self.password, safe=""))
                auth += "@"
            host = self.host or ""
            if ":" in host:  # IPv6 literal
                host = f"[{host}]"
            port = f":{self.port}" if self.port is not None else ""
            base = f"{self.scheme}://{auth}{host}{port}/{quote(self.database)}"
        query = "&".join(f"{k}={v}" for k, v in _as_raw(self.options).items())
        return f"{base}?{query}" if query else base

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"DatabaseURL({self.render()!r})"


def parse_url(url: str | DatabaseURL | None) -> DatabaseURL:
    """Parse ``url``, or ``$SQLSHIFT_URL`` when it is None."""
    if isinstance(url, DatabaseURL):
        return url
    if url is None:
        url = os.environ.get(ENV_VAR)
        if not url:
            raise ConfigurationError(
                f"no database URL: pass url= to connect() or set {ENV_VAR} "
                "(e.g. postgresql://user@host/db, mysql://..., sqlite:///:memory:)"
            )
    if not isinstance(url, str):
        raise ConfigurationError(f"url must be a str, got {type(url).__name__}")
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ConfigurationError(f"url {_redact_text(url)!r} has no scheme (e.g. postgresql://)")
    driver = scheme.lower().split("+", 1)[0]
    dialect = _SCHEMES.get(driver)
    if dialect is None:
        known = ", ".join(f"{s}://" for s in _SCHEMES)
        raise ConfigurationError(f"url scheme {scheme!r} is not supported; use one of {known}")
    if dialect == "sqlite":
        return _parse_sqlite(driver, rest)
    return _parse_server(url, driver, dialect)


def _parse_sqlite(scheme: str, rest: str) -> DatabaseURL:
    path, _, query = rest.partition("?")
    # sqlite:///x.db -> rest "/x.db" -> path "x.db" (relative); sqlite:////abs -> "/abs".
    if path and not path.startswith("/"):
        raise ConfigurationError(
            f"sqlite url host part {path.split('/')[0]!r} is not allowed; "
            "use sqlite:///relative.db, sqlite:////absolute.db or sqlite:///:memory:"
        )
    database = unquote(path[1:]) if path else ":memory:"
    options = _options(_query(query), "sqlite", origin="url")
    return DatabaseURL("sqlite", scheme, database=database or ":memory:", options=options)


def _parse_server(url: str, scheme: str, dialect: str) -> DatabaseURL:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ConfigurationError(f"url {_redact_text(url)!r} is invalid: port: {error}") from None
    if not parts.hostname:
        raise ConfigurationError(f"url {_redact_text(url)!r} is invalid: host is missing")
    database = unquote(parts.path.lstrip("/"))
    if "/" in database:
        raise ConfigurationError(f"url database name {database!r} is invalid: contains '/'")
    return DatabaseURL(
        dialect,
        scheme,
        host=parts.hostname,
        port=port if port is not None else _DEFAULT_PORTS[dialect],
        user=unquote(parts.username) if parts.username is not None else None,
        password=unquote(parts.password) if parts.password is not None else None,
        database=database,
        options=_options(_query(parts.query), dialect, origin="url"),
    )


def _query(query: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError as error:
        raise ConfigurationError(f"url query string is invalid: {error}") from None
    result: dict[str, str] = {}
    for key, value in pairs:
        if key in result:
            raise ConfigurationError(f"url option {key!r} is given twice")
        result[key] = value
    return result


def _options(raw: Mapping[str, Any], dialect: str, *, origin: str) -> Options:
    where = "url option" if origin == "url" else "option"
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in OPTION_NAMES:
            known = ", ".join(sorted(OPTION_NAMES))
            raise ConfigurationError(f"unknown {where} {key!r}; known: {known}")
        name = "ssl" if key == "sslmode" else key
        if name in values:
            raise ConfigurationError(f"{where} 'ssl' is given twice (as ssl and sslmode)")
        if name in _INT_OPTIONS:
            values[name] = _int(name, value, where)
        elif name in _FLOAT_OPTIONS:
            values[name] = _positive_float(name, value, where)
        else:
            values[name] = _ssl(value, where, dialect)
    options = Options(**values)
    if options.max_size is not None and options.max_size < 1:
        raise ConfigurationError(f"{where} 'max_size' must be >= 1, got {options.max_size}")
    if (
        options.min_size is not None
        and options.max_size is not None
        and options.min_size > options.max_size
    ):
        raise ConfigurationError(
            f"{where} 'min_size' ({options.min_size}) must not exceed "
            f"'max_size' ({options.max_size})"
        )
    return options


def _int(name: str, value: object, where: str) -> int:
    if isinstance(value, bool):
        raise ConfigurationError(f"{where} {name!r} must be an integer, got {value!r}")
    try:
        number: int = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ConfigurationError(f"{where} {name!r} must be an integer, got {value!r}") from None
    if isinstance(value, float) and value != number:
        raise ConfigurationError(f"{where} {name!r} must be an integer, got {value!r}")
    if number < 0:
        raise ConfigurationError(f"{where} {name!r} must be >= 0, got {number}")
    return number


def _positive_float(name: str, value: object, where: str) -> float:
    if isinstance(value, bool):
        raise ConfigurationError(f"{where} {name!r} must be a number of seconds, got {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigurationError(
            f"{where} {name!r} must be a number of seconds, got {value!r}"
        ) from None
    if not number > 0 or number == float("inf"):
        raise ConfigurationError(f"{where} {name!r} must be > 0 and finite, got {value!r}")
    return number


def _ssl(value: object, where: str, dialect: str) -> str:
    if dialect == "sqlite":
        raise ConfigurationError(f"{where} 'ssl' does not apply to sqlite")
    if isinstance(value, bool):
        return "require" if value else "disable"
    text = str(value).strip().lower()
    if text in _TRUE:
        return "require"
    if text in _FALSE:
        return "disable"
    if text not in _SSL_MODES:
        raise ConfigurationError(
            f"{where} 'ssl' must be one of {', '.join(_SSL_MODES)} or true/false, got {value!r}"
        )
    return text


def _as_raw(options: Options) -> dict[str, Any]:
    return {
        name: getattr(options, name)
        for name in (*_INT_OPTIONS, *_FLOAT_OPTIONS, "ssl")
        if getattr(options, name) is not None
    }


def _redact_text(url: str) -> str:
    """Hide a password in URL text that did not parse (best effort, for error messages)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    netloc, slash, tail = rest.partition("/")
    auth, at, host = netloc.rpartition("@")
    if at and ":" in auth:
        auth = auth.split(":", 1)[0] + ":***"
    return f"{scheme}{sep}{auth}{at}{host}{slash}{tail}"
