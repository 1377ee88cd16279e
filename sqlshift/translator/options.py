"""Options: translation policies a caller may choose (each field documents its default)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlshift.errors import ConfigurationError, TranslationError

__all__ = [
    "COLLATIONS",
    "COLUMN_NAMES",
    "EXECUTOR_MAX_STATEMENT_BYTES",
    "IDENTIFIER_CASES",
    "Options",
    "check_statement_size",
]

IDENTIFIER_CASES = ("lower", "preserve")
ASSUMPTIONS = ("report", "refuse")
COLLATIONS = ("emulate", "target")
MYSQL_PADDINGS = ("pad-space", "no-pad")
MYSQL_SERVERS = ("any", "mariadb")
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

    ``assumptions``: ``"report"`` (default) translates a construct whose meaning depends on a
    type the translator does not know (a column without ``schema=``, an argument) the way the
    target reads it, and reports it in ``Translation.assumptions`` and as an
    :class:`~sqlshift.AssumptionWarning`; ``"refuse"`` refuses it instead
    (``UntranslatableError``, for CI). With a schema that covers the statement there are none.

    ``mysql_padding``: how the MySQL source server's text `=` treats trailing spaces.
    ``"pad-space"`` (default): MariaDB, MySQL 5.7, and MySQL 8 under its general_ci,
    unicode_ci and _bin collations take `'Berlin ' = 'Berlin'` for true, so emulated
    comparisons ignore trailing spaces (RTRIM on the targets); ``"no-pad"``: MySQL 8's
    default utf8mb4_0900_* collations do not, so trailing spaces count.

    ``mysql_server``: which server a MySQL target is. ``"any"`` (default): statements that
    both MySQL 8 and MariaDB run; ``"mariadb"`` (10.5 and later): also its ``INSERT`` /
    ``DELETE ... RETURNING``, which MySQL 8 lacks. The executor sets it when the server it
    reaches is MariaDB (unless ``options=`` says otherwise).

    ``max_statement_bytes``: the longest SQL text (UTF-8 bytes) translated; a longer one is
    refused at once with a :class:`~sqlshift.TranslationError` that says so. ``None``
    (default) sets no bound for :func:`sqlshift.translate`; the executor (``connect()``,
    ``wrap()``), which translates on the event loop (about 2.5 s a megabyte), bounds it at
    :data:`EXECUTOR_MAX_STATEMENT_BYTES` unless this says otherwise.
    """

    identifier_case: str = "lower"
    collation: str = "emulate"
    column_names: str = "source"
    max_statement_bytes: int | None = None
    assumptions: str = "report"
    mysql_padding: str = "pad-space"
    mysql_server: str = "any"

    def __post_init__(self) -> None:
        limit = self.max_statement_bytes
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 1
        ):
            raise ConfigurationError(f"max_statement_bytes must be an int >= 1, got {limit!r}")
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
        if self.mysql_padding not in MYSQL_PADDINGS:
            raise ConfigurationError(
                f"mysql_padding must be one of {', '.join(MYSQL_PADDINGS)}, "
                f"got {self.mysql_padding!r}"
            )
        if self.mysql_server not in MYSQL_SERVERS:
            raise ConfigurationError(
                f"mysql_server must be one of {', '.join(MYSQL_SERVERS)}, got {self.mysql_server!r}"
            )
        if self.assumptions not in ASSUMPTIONS:
            raise ConfigurationError(
                f"assumptions must be one of {', '.join(ASSUMPTIONS)}, got {self.assumptions!r}"
            )


DEFAULT_OPTIONS = Options()

#: The executor's bound on one statement's text: some 0.6 s of translation on the event loop
EXECUTOR_MAX_STATEMENT_BYTES = 256 * 1024


def check_statement_size(sql: str, limit: int | None) -> None:
    """Refuse ``sql`` when its UTF-8 text is longer than ``limit`` bytes (None: no bound)."""
    if limit is None or len(sql) <= limit // 4:
        return  # no character takes more than 4 bytes
    size = len(sql.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise TranslationError(
            f"the statement is {size:,} bytes long, over the bound of {limit:,} bytes "
            "(max_statement_bytes, which keeps one statement from holding the translator for "
            "seconds); split it (a bulk INSERT into several, or parameters instead of "
            "literals), or raise the bound with options=Options(max_statement_bytes=...)"
        )
