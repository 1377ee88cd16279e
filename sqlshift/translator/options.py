"""Options: translation policies a caller may choose (each field documents its default)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlshift.errors import ConfigurationError

__all__ = ["COLLATIONS", "COLUMN_NAMES", "IDENTIFIER_CASES", "Options"]

IDENTIFIER_CASES = ("lower", "preserve")
COLLATIONS = ("emulate", "target")
COLUMN_NAMES = ("source", "target")


@dataclass(frozen=True, slots=True)
class Options:
    """Policies for :func:`sqlshift.translate` (``options=``); hashable, part of the memo key.

    Every field's default is the faithful choice; a field exists only where a caller may
    reasonably want something else (and says what it gives up).

    ``identifier_case``: ``"lower"`` (default) folds every name to lower case on PostgreSQL
    and MySQL targets, so that a schema created from translated DDL is reachable whatever
    spelling and quoting each query uses (PostgreSQL folds unquoted names, MySQL table names
    are case-sensitive); ``"preserve"`` keeps each name's spelling and quoting, so that names
    created with upper-case letters must then be spelt exactly alike everywhere.
    See :mod:`sqlshift.translator.identifiers`.

    ``collation``: ``"emulate"`` (default) reproduces the source's text comparison on the
    target where the operands are known to be text (from ``schema=`` or a string literal):
    MySQL's case-insensitive ``=``, ``LIKE``, ``LOCATE`` elsewhere, byte-wise comparison on
    MySQL, and refuses text ordering and grouping it cannot reproduce; ``"target"`` leaves
    every comparison to the target's own collation (sqlglot's behaviour: results may differ
    in case and order). See :mod:`sqlshift.translator.rules.collation`.

    ``column_names``: ``"source"`` (default) gives each unaliased result column the name the
    source engine gives it (``COUNT(*)`` from MySQL, ``count`` from PostgreSQL), adding an
    alias where the target would name it otherwise, so that rows read by column name work
    after the move; ``"target"`` adds no alias (a cleaner text, for applications that read
    columns by position). See :mod:`sqlshift.translator.names`.
    """

    identifier_case: str = "lower"
    collation: str = "emulate"
    column_names: str = "source"

    def __post_init__(self) -> None:
        if self.identifier_case not in IDENTIFIER_CASES:
            raise ConfigurationError(
                f"identifier_case must be one of {', '.join(IDENTIFIER_CASES)}, "
                f"got {self.identifier_case!r}"
            )
        if self.column_names not in COLUMN_NAMES:
            raise ConfigurationError(
                f"column_names must be one of {', '.join(COLUMN_NAMES)}, got {self.column_names!r}"
            )
        if self.collation not in COLLATIONS:
            raise ConfigurationError(
                f"collation must be one of {', '.join(COLLATIONS)}, got {self.collation!r}"
            )


DEFAULT_OPTIONS = Options()
