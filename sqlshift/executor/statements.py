"""Prepared statements: a statement translated (or passed through) and analysed once, memoised.

Shared by :class:`~sqlshift.executor.Database` and the drop-in wrappers, so both decide
caching, invalidation and retries from the same analysis and map arguments the same way.
"""

from __future__ import annotations

import dataclasses
import logging
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlshift.errors import AssumptionWarning, ParameterError, TranslationError
from sqlshift.executor.cache import freeze_args
from sqlshift.translator.analysis import StatementInfo
from sqlshift.translator.api import translation
from sqlshift.translator.assumptions import Assumption
from sqlshift.translator.options import (
    DEFAULT_OPTIONS,
    EXECUTOR_MAX_STATEMENT_BYTES,
    MYSQL_SERVERS,
    Options,
    check_statement_size,
)
from sqlshift.translator.params import ArgKinds, ParamMap, Ref, argument_kinds, value_kind
from sqlshift.translator.schema import Schema, as_schema

__all__ = ["LOGGER", "MEMO_SIZE", "Prepared", "Statements", "key_args"]

#: what a translation assumed about types it did not know, once per statement prepared (the
#: record's ``assumption`` attribute holds the :class:`~sqlshift.Assumption`)
LOGGER = logging.getLogger("sqlshift.translate")

#: prepared statements memoised per Database or wrapper; the oldest is dropped first
MEMO_SIZE = 2048


@dataclass(frozen=True, slots=True)
class Prepared:
    """A statement ready to send: its text, its analysis and how to map its arguments."""

    sql: str  # what is sent (the original text when passing through)
    statements: tuple[str, ...]
    info: StatementInfo | None  # None: not understood (treated as a write to unknown tables)
    params: ParamMap | None  # None: the caller's arguments go to the driver unchanged
    #: one map per statement of a script, each applied to the caller's whole argument list
    statement_params: tuple[ParamMap, ...] | None
    read_only: bool
    written: frozenset[str] | None  # None: unknown tables
    #: read-only and deterministic: may be cached, and retried once after a lost connection
    pure: bool
    tables_read: frozenset[str]
    #: CREATE / ALTER / DROP: the database's schema changes when it runs
    ddl: bool = False
    #: the caller's arguments whose kinds change the translation (see Statements.typed)
    typed: tuple[Ref, ...] = ()
    #: what the translation assumed (logged once, by Statements; see ``_log``)
    assumptions: tuple[Assumption, ...] = ()

    @property
    def is_script(self) -> bool:
        return self.statement_params is not None


def _prepared(
    sql: str,
    statements: tuple[str, ...],
    info: StatementInfo | None,
    params: ParamMap | None,
    statement_params: tuple[ParamMap, ...] | None,
    typed: tuple[Ref, ...] = (),
    assumptions: tuple[Assumption, ...] = (),
) -> Prepared:
    return Prepared(
        sql,
        statements,
        info,
        params,
        statement_params,
        info is not None and info.read_only,
        None if info is None else info.tables_written,
        info is not None and info.cacheable,
        frozenset() if info is None else info.tables_read,
        info is not None and not _DDL.isdisjoint(info.kinds),
        typed,
        assumptions,
    )


class Statements:
    """Prepares statements for ``dialect``: translated from ``source`` when it is given
    (placeholders in the target driver's style), else passed through and only analysed."""

    def __init__(
        self,
        dialect: str,
        source: str | None,
        schema: Schema | Mapping[str, Any] | None = None,
        options: Options | None = None,
    ) -> None:
        self.dialect = dialect
        self.source = source
        #: the caller's ``schema=``: it wins over the database's own
        self.given = as_schema(schema)
        #: what translations use: the database's schema (once read) under the caller's, with
        #: the DDL prepared since then applied
        self.schema = self.given
        self.options = options
        #: the memo itself: read it directly on hot paths (``memo.get(sql)``)
        self.memo: dict[str, Prepared] = {}
        #: translations for the kinds of the arguments given (see ``typed``)
        self.typed_memo: dict[tuple[str, ArgKinds], Prepared] = {}
        #: statements run by executemany without one kind per argument (logged once)
        self.untyped_logged: set[str] = set()

    def _learn(self, ddl: str) -> None:
        """The tables a DDL statement (about to run) defines type the statements after it, as
        in a script: merged into the schema (the caller's ``schema=`` is the base), and every
        statement prepared before is prepared again."""
        assert self.source is not None
        try:
            self.schema = Schema.from_ddl(ddl, self.source, base=self.schema)
        except TranslationError:
            return
        self.memo.clear()
        self.typed_memo.clear()

    def use_mysql_server(self, server: str) -> None:
        """Translate for this MySQL server (``Options.mysql_server``) unless the caller's
        options name one; statements prepared before are prepared again."""
        options = self.options or DEFAULT_OPTIONS
        if options.mysql_server != "any" or server not in MYSQL_SERVERS:
            return
        self.options = dataclasses.replace(options, mysql_server=server)
        self.memo.clear()
        self.typed_memo.clear()

    def use_database_schema(self, live: Schema) -> None:
        """Translate with the schema read from the database (``live``) from now on, the
        caller's ``schema=`` over it; statements prepared before are prepared again."""
        self.schema = live.merged(self.given)
        self.memo.clear()
        self.typed_memo.clear()

    def prepare(self, sql: str) -> Prepared:
        if not isinstance(sql, str):
            raise ParameterError(f"sql must be a str, got {type(sql).__name__}")
        prepared = self.memo.get(sql)
        if prepared is not None:
            return prepared
        limit = self.options.max_statement_bytes if self.options is not None else None
        check_statement_size(sql, limit or EXECUTOR_MAX_STATEMENT_BYTES)
        dialect = self.dialect
        if self.source is None:
            try:
                info: StatementInfo | None = translation(sql, dialect, source=dialect).info
            except TranslationError:
                info = None  # still runs; the driver is the judge of its own dialect
            prepared = _prepared(sql, (sql,), info, None, None)
        else:
            prepared = self._translated(sql, ())
            if not prepared.typed:  # (else the translation for the arguments' kinds says)
                _log(prepared)
            if prepared.ddl:
                self._learn(sql)
        memo = self.memo
        if len(memo) >= MEMO_SIZE:
            del memo[next(iter(memo))]
        memo[sql] = prepared
        return prepared

    def _translated(self, sql: str, kinds: ArgKinds) -> Prepared:
        # The caller's own mistakes (parse errors, refusals) surface as translator errors
        # (and are not memoised here: the translator's memo does not keep them either).
        with warnings.catch_warnings():
            # logged below, once per statement, rather than warned on every call
            warnings.simplefilter("ignore", AssumptionWarning)
            result = translation(
                sql,
                self.dialect,
                source=self.source,
                schema=self.schema,
                options=self.options,
                kinds=kinds,
            )
        per = result.statement_params if len(result.statements) > 1 else None
        return _prepared(
            result.sql,
            result.statements,
            result.info,
            result.params,
            per,
            result.typed_args,
            result.assumptions,
        )

    def typed(
        self, prepared: Prepared, sql: str, args: Sequence[Any] | Mapping[str, Any] | None
    ) -> Prepared:
        """``sql`` translated for the kinds of the arguments it runs with (a placeholder
        PostgreSQL cannot type is cast to its argument's type), memoised per kinds; arguments
        that do not fit the statement get ``prepared`` (mapping them reports the mistake)."""
        kinds = _kinds_of(prepared.typed, args)
        if kinds is None:
            return prepared
        return self._for(sql, kinds)

    def _for(self, sql: str, kinds: ArgKinds) -> Prepared:
        """``sql`` translated for ``kinds``, memoised (its assumptions logged once)."""
        key = (sql, kinds)
        found = self.typed_memo.get(key)
        if found is None:
            found = self._translated(sql, kinds)
            _log(found)
            if len(self.typed_memo) >= MEMO_SIZE:
                del self.typed_memo[next(iter(self.typed_memo))]
            self.typed_memo[key] = found
        return found

    def for_kinds(self, sql: str, args: Sequence[Any] | Mapping[str, Any]) -> Prepared:
        """``sql`` translated for the kinds of all of ``args`` (a statement refused without
        them), memoised per kinds like :meth:`typed`; a refusal is raised again."""
        return self._for(sql, argument_kinds(args))

    def typed_many(self, prepared: Prepared, sql: str, args_seq: Sequence[Any]) -> Prepared:
        """:meth:`typed` for an executemany: the translation for the argument sets' kinds
        when they all have the same; else the one without them, its assumptions logged."""
        kinds = {_kinds_of(prepared.typed, args) for args in args_seq}
        if len(kinds) == 1 and None not in kinds:
            return self.typed(prepared, sql, args_seq[0])
        if sql not in self.untyped_logged:
            self.untyped_logged.add(sql)
            _log(prepared)
        return prepared


def _log(prepared: Prepared) -> None:
    """What a translation assumed, on ``sqlshift.translate`` (once per translation made)."""
    for assumption in prepared.assumptions:
        LOGGER.warning("%s", assumption, extra={"assumption": assumption})


def _kinds_of(refs: tuple[Ref, ...], args: Any) -> ArgKinds | None:
    """The kinds of the arguments ``refs`` name (None: ``args`` does not have them)."""
    try:
        if isinstance(args, Mapping):
            return tuple((ref, value_kind(args[str(ref)])) for ref in refs)
        if isinstance(args, Sequence) and not isinstance(args, str | bytes):
            return tuple((ref, value_kind(args[ref])) for ref in refs if isinstance(ref, int))
    except (KeyError, IndexError):
        pass
    return None


_DDL = frozenset({"create", "alter", "drop"})


def map_args(prepared: Prepared, args: Sequence[Any] | Mapping[str, Any] | None) -> Any:
    """The driver's arguments for ``prepared`` (one set per statement for a script).

    Passing through, a sequence becomes a tuple and a mapping a dict; translating, the
    statement's :class:`ParamMap` picks and orders them. A statement of a script without
    placeholders gets ``()``: call the driver without arguments then (PyMySQL %-formats the
    text whenever arguments are given, even empty ones).
    """
    params = prepared.params
    if params is None:
        if args is None:
            return ()
        if type(args) is tuple:
            return args
        if isinstance(args, Mapping):
            return dict(args)
        if isinstance(args, str | bytes):
            raise ParameterError("arguments must be a sequence or a mapping, not a string")
        return tuple(args)
    per = prepared.statement_params
    if per is None:
        return params.apply(args)
    params.apply(args)  # checks the script's arguments as a whole
    return tuple(p.apply(args) if p.refs else () for p in per)


def key_args(args: Any) -> Hashable:
    """A cache-key part for driver arguments; TypeError when they cannot be keyed."""
    if type(args) is tuple:
        for value in args:
            if type(value) not in _PLAIN:
                return freeze_args(args)
        return args
    return freeze_args(args)


_PLAIN = frozenset({int, str, bytes, type(None)})
