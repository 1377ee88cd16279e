"""Rules: numeric."""

from __future__ import annotations
