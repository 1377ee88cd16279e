"""sqlshift: keep your SQL while you move between MySQL, PostgreSQL and SQLite."""

from __future__ import annotations

from sqlshift.dialects import ParamStyle
from sqlshift.errors import (
    AssumptionWarning,
    ConfigurationError,
    DialectError,
    ExecutionError,
    InputTypeError,
    ParameterError,
    ParseError,
    SqlshiftError,
    TranslationError,
    TranslationWarning,
    UntranslatableError,
)
from sqlshift.executor import Cache, Database, Row, connect, wrap
from sqlshift.move.dual import DualDatabase, DualWriteError, Flags, dual
from sqlshift.move.migrate import MigrationReport, TableReport, migrate
from sqlshift.move.verify import TableCheck, verify
from sqlshift.translator.analysis import StatementInfo
from sqlshift.translator.api import Translation, translate, translation
from sqlshift.translator.assumptions import Assumption
from sqlshift.translator.options import Options
from sqlshift.translator.params import ParamMap
from sqlshift.translator.schema import Schema

__version__ = "0.1.0"

__all__ = [
    "Assumption",
    "AssumptionWarning",
    "Cache",
    "ConfigurationError",
    "Database",
    "DialectError",
    "DualDatabase",
    "DualWriteError",
    "ExecutionError",
    "Flags",
    "InputTypeError",
    "MigrationReport",
    "Options",
    "ParamMap",
    "ParamStyle",
    "ParameterError",
    "ParseError",
    "Row",
    "Schema",
    "SqlshiftError",
    "StatementInfo",
    "TableCheck",
    "TableReport",
    "Translation",
    "TranslationError",
    "TranslationWarning",
    "UntranslatableError",
    "__version__",
    "connect",
    "dual",
    "migrate",
    "translate",
    "translation",
    "verify",
    "wrap",
]
