"""Settings that take ``True`` (defaults), ``False``/``None`` (off) or a configured object."""

from __future__ import annotations

from typing import TypeVar

from sqlshift.errors import ConfigurationError

__all__ = ["optional_setting"]

T = TypeVar("T")


def optional_setting(value: object, kind: type[T], name: str) -> T | None:
    """``True`` gives ``kind()`` with its defaults, ``False``/``None`` gives None, an instance
    of ``kind`` itself; anything else is a ConfigurationError naming the setting."""
    if value is True:
        return kind()
    if value is None or value is False:
        return None
    if not isinstance(value, kind):
        raise ConfigurationError(
            f"{name} must be True, False, None or a {kind.__name__}, got {type(value).__name__}"
        )
    return value
