"""Rules: ordering."""

from __future__ import annotations
