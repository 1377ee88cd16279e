"""The executor: async I/O over asyncpg, aiomysql and aiosqlite, with translation and a cache.

Driver packages are imported only when a database of their engine is created (or an object of
theirs is wrapped).
"""

from __future__ import annotations

from sqlshift.executor.cache import Cache, CacheStats
from sqlshift.executor.database import Database, Health, PoolMetrics, Transaction, connect
from sqlshift.executor.rows import Row
from sqlshift.executor.url import DatabaseURL, parse_url
from sqlshift.executor.wrap import wrap

__all__ = [
    "Cache",
    "CacheStats",
    "Database",
    "DatabaseURL",
    "Health",
    "PoolMetrics",
    "Row",
    "Transaction",
    "connect",
    "parse_url",
    "wrap",
]
