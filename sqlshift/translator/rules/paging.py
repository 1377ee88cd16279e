"""Rules: paging."""

from __future__ import annotations
