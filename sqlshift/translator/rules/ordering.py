"""Rules: NULL ordering (sqlglot's dialect settings do the rewriting; see the corpus)."""

from __future__ import annotations
