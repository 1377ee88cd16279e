"""Rules: boolean."""

from __future__ import annotations
