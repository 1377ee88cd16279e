"""Caches of one database in one process invalidate together.

Two executors of the same database (two ``wrap()``s, a ``wrap()`` and a ``connect()``, two
``connect()``s) each keep their own cache; a write through one must drop the results the others
hold of the tables it wrote, or their next reads are stale. A database is known by its address
(engine, host, port, database name; a SQLite file by its absolute path), not by the Python object
that reaches it. Caches are held weakly: a closed executor's cache leaves the registry with it.
"""

from __future__ import annotations

import re
import weakref

from sqlshift.executor.cache import Cache

__all__ = ["database_key", "invalidate", "join", "key_of_identity"]

_PEERS: dict[str, weakref.WeakSet[Cache]] = {}
_USER = re.compile(r"(?<=//)[^@/]*@")


def database_key(dialect: str, host: object, port: object, name: object) -> str:
    """The name a database goes by here: ``postgres://127.0.0.1:5432/test``."""
    where = str(host or "").lower()
    return f"{dialect}://{where}:{port or ''}/{name or ''}"


def key_of_identity(identity: str) -> str:
    """A backend's identity (``mysql://root@127.0.0.1:3306/test``) without its user: two
    users of one database see each other's writes."""
    return _USER.sub("", identity).lower()


def join(database: str, cache: Cache) -> None:
    """``cache`` holds results read from ``database``."""
    _PEERS.setdefault(database, weakref.WeakSet()).add(cache)


def invalidate(database: str | None, own: Cache | None, tables: frozenset[str] | None) -> None:
    """A write to ``tables`` of ``database`` (None: unknown tables): drop them from ``own``
    and from every other cache of that database in this process."""
    if own is not None:
        own.invalidate_written(tables)
    if database is None:
        return
    for peer in list(_PEERS.get(database, ())):
        if peer is not own:
            peer.invalidate_written(tables)
