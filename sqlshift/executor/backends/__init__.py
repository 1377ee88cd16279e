"""Backends: one module per driver, imported only when a URL of that engine is opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlshift.errors import ConfigurationError

if TYPE_CHECKING:
    from sqlshift.executor.backends.base import Backend
    from sqlshift.executor.url import DatabaseURL

__all__ = ["create_backend"]

_EXTRAS = {
    "postgres": ("asyncpg", "postgres"),
    "mysql": ("aiomysql", "mysql"),
    "sqlite": ("aiosqlite", "sqlite"),
}


def create_backend(url: DatabaseURL) -> Backend:
    """The backend for ``url``; its driver package is imported here, not at ``import sqlshift``."""
    try:
        if url.dialect == "postgres":
            from sqlshift.executor.backends.postgres import PostgresBackend

            return PostgresBackend(url)
        if url.dialect == "mysql":
            from sqlshift.executor.backends.mysql import MySQLBackend

            return MySQLBackend(url)
        from sqlshift.executor.backends.sqlite import SQLiteBackend

        return SQLiteBackend(url)
    except ImportError as error:
        package, extra = _EXTRAS[url.dialect]
        raise ConfigurationError(
            f"url scheme {url.scheme}:// needs the {package} package: "
            f"pip install 'sqlshift[{extra}]' ({error})"
        ) from error
