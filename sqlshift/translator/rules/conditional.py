"""Rules: conditional."""

from __future__ import annotations
