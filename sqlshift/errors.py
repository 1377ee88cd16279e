"""The one exception hierarchy of sqlshift, and its warning category.

::

    SqlshiftError
    ├── InputTypeError (also TypeError)        translate() was given something that is not text
    ├── TranslationError (also ValueError)
    │   ├── DialectError                         unknown or ambiguous dialect
    │   ├── ParseError                           the SQL does not parse in the source dialect
    │   └── UntranslatableError                  no faithful translation exists (strict mode)
    ├── ParameterError (also ValueError)         arguments do not match the statement's placeholders
    ├── ConfigurationError (also ValueError)     a bad setting (URL, option, environment variable)
    └── ExecutionError                           a driver error, with the original as __cause__

    TranslationWarning (UserWarning)             lenient mode: a best-effort translation
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ConfigurationError",
    "DialectError",
    "ExecutionError",
    "InputTypeError",
    "ParameterError",
    "ParseError",
    "SqlshiftError",
    "TranslationError",
    "TranslationWarning",
    "UntranslatableError",
]


class SqlshiftError(Exception):
    """Root of every error sqlshift raises on purpose."""


class InputTypeError(SqlshiftError, TypeError):
    """An argument has the wrong Python type (e.g. SQL given as bytes)."""


class TranslationError(SqlshiftError, ValueError):
    """The SQL could not be translated."""


class DialectError(TranslationError):
    """A dialect name is unknown, or the source dialect cannot be told apart."""

    def __init__(self, message: str, *, candidates: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.candidates: tuple[str, ...] = tuple(candidates)


def _location(line: int | None, col: int | None) -> str:
    if line is None:
        return ""
    return f"line {line}, col {col}" if col is not None else f"line {line}"


class ParseError(TranslationError):
    """The SQL is not valid in the source dialect.

    ``line`` and ``col`` are 1-based; ``snippet`` shows the offending line with a caret.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        col: int | None = None,
        snippet: str = "",
    ) -> None:
        self.reason = message
        self.line = line
        self.col = col
        self.snippet = snippet
        where = _location(line, col)
        text = f"{message} ({where})" if where else message
        if snippet:
            text = f"{text}\n{snippet}"
        super().__init__(text)


class UntranslatableError(TranslationError):
    """A construct has no faithful translation to the target dialect.

    ``code`` is stable (tests and tools may match on it); ``construct`` is the SQL fragment;
    ``hint`` says what the caller can do instead.
    """

    def __init__(
        self,
        code: str,
        *,
        construct: str,
        reason: str,
        hint: str = "",
        line: int | None = None,
        col: int | None = None,
        source: str = "",
        target: str = "",
    ) -> None:
        self.code = code
        self.construct = construct
        self.reason = reason
        self.hint = hint
        self.line = line
        self.col = col
        self.source = source
        self.target = target
        super().__init__(self._render())

    def _render(self) -> str:
        where = _location(self.line, self.col)
        head = f"[{self.code}] `{_shorten(self.construct)}`"
        if where:
            head += f" at {where}"
        direction = f" ({self.source} -> {self.target})" if self.source and self.target else ""
        text = f"{head}{direction}: {self.reason}"
        if self.hint:
            text += f"\nHint: {self.hint}"
        return text


class ParameterError(SqlshiftError, ValueError):
    """The arguments given do not match the statement's placeholders."""


class ConfigurationError(SqlshiftError, ValueError):
    """A setting is invalid; the message names the setting."""


class ExecutionError(SqlshiftError):
    """A database driver raised; ``__cause__`` is the driver's exception.

    ``backend`` names the engine and ``statement`` the SQL that failed (parameters are never
    included).
    """

    def __init__(self, message: str, *, backend: str = "", statement: str = "") -> None:
        self.backend = backend
        self.statement = statement
        super().__init__(message)


class TranslationWarning(UserWarning):
    """Lenient mode translated a construct on a best-effort basis; the message says what."""


class AssumptionWarning(TranslationWarning):
    """A translation assumed something about a value whose type it did not know (a column
    without ``schema=``, an argument): the message says what, where, and what would make the
    assumption unnecessary. ``Options(assumptions="refuse")`` refuses instead."""


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
