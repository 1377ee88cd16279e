"""The faithfulness check: refuse what would pass through to the target without a meaning."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.params import INTERNAL_PREFIX, internal_index
from sqlshift.translator.rules import GENERATED
from sqlshift.translator.targets import DIALECTS

__all__ = ["check_faithful"]

#: functions sqlglot does not model but that exist with the same meaning on every engine
_PORTABLE_FUNCTIONS = frozenset({"nullif", "coalesce", "abs", "lower", "upper"})


SUSPECTS = (exp.Placeholder, exp.Command, exp.Anonymous, exp.SessionParameter, exp.Parameter)
"""Node types the check looks at; the translator collects them in its single walk."""


def _classes(names: str) -> frozenset[type[exp.Expr]]:
    # (by name, so that a class a future sqlglot renames or drops is simply not checked)
    found = (getattr(exp, name, None) for name in names.split())
    return frozenset(c for c in found if isinstance(c, type) and issubclass(c, exp.Expr))


_STATISTICS = "Corr CovarPop CovarSamp RegrAvgx RegrAvgy RegrCount RegrIntercept RegrR2 "
_STATISTICS += "RegrSlope RegrSxx RegrSxy RegrSyy "
_POSTGRES_ONLY = "CurrentSchemas Host JSONStripNulls JustifyDays JustifyHours JustifyInterval "
_POSTGRES_ONLY += "Overlay SplitPart "

#: functions sqlglot models (so no rule and no unknown-function check sees them) that the
#: target engine does not have, by sqlglot class name: sqlglot writes them through and the
#: engine fails. Found by calling every function each source parser knows on the real engines.
MISSING_FUNCTION_NAMES: dict[str, str] = {
    "sqlite": (
        "AddMonths ArrayAgg BitLength BitwiseCount Cbrt Collation Compress "
        "ConvertTimezone Cot CurrentDatabase CurrentRole CurrentUser Dayname Decode Elt Encode "
        "Factorial FromBase64 Initcap JSONArrayAppend JSONArrayInsert JSONBObjectAgg JSONKeys "
        "JSONValue "
        "MakeInterval MD5 Normalize NumberToStr RegexpCount RegexpInstr RegexpReplace "
        "RegexpSubstr SessionUser SHA SHA2 SHA2Digest Soundex Space StartsWith Stddev StddevPop "
        "StddevSamp StringToArray Stuff TimeFromParts Timestamp ToBase64 Unhex Uuid Variance "
        "VariancePop Week WeekOfYear WeightString " + _STATISTICS + _POSTGRES_ONLY
    ),
    "postgres": (
        "AddMonths BitwiseCount Collation Compress CurrentRole Dayname Decode Elt Encode "
        "FromBase64 Hex JSONArrayAppend JSONArrayInsert JSONKeys JSONRemove JSONSet JSONType "
        "JSONValue "
        "NumberToStr SHA SHA2 Soundex Stuff Time Timestamp ToBase64 Typeof Unhex UtcTime "
        "WeightString"
    ),
    "mysql": (
        "Acosh ArrayAgg Asinh Atanh Cbrt Cosh CurrentDatabase Factorial Initcap JSONBObjectAgg "
        "Normalize RegexpCount SHA2Digest Sinh Soundex StartsWith StringToArray Tanh Typeof "
        "MakeInterval " + _STATISTICS + _POSTGRES_ONLY
    ),
}
MISSING_FUNCTIONS = {target: _classes(names) for target, names in MISSING_FUNCTION_NAMES.items()}


_INTERNAL = re.compile(rf":{INTERNAL_PREFIX}\d+")


def check_placeholders_stay_placeholders(tree: exp.Expr, ctx: Context) -> None:
    """A rule that rewrites a construct through its text could carry a placeholder into a
    string literal or a comment (`INTERVAL %s DAY` -> `INTERVAL '%s DAY'`): the driver would
    then never bind it, and an interpolating driver would write the argument into the SQL
    text. Refused in every mode (`placeholder-in-literal`)."""
    for node in tree.walk():
        texts = [node.this] if isinstance(node, exp.Literal) and node.is_string else []
        texts.extend(node.comments or [])
        # sqlglot writes INTERVAL <amount> DAY as INTERVAL '<amount> DAY' for PostgreSQL
        quoted_interval = (
            ctx.target == "postgres"
            and isinstance(node, exp.Interval)
            and isinstance(node.this, exp.Expr)
            and node.this.find(exp.Placeholder) is not None
        )
        if quoted_interval or any(isinstance(t, str) and _INTERNAL.search(t) for t in texts):
            error = ctx.error(
                node,
                "placeholder-in-literal",
                "the translation would put a parameter inside a string literal or comment, "
                "where the driver does not bind it",
                "compute the value in the application, or write the construct with a "
                "literal instead of a parameter",
            )
            raise error


def check_faithful(tree: exp.Expr, suspects: Sequence[exp.Expr], ctx: Context) -> None:
    """Refuse constructs sqlglot only passed through: unknown statements, functions, variables.

    ``suspects`` are the nodes of types :data:`SUSPECTS` found before the rules ran; those a
    rule removed are skipped (rules never introduce such nodes except their own marked calls).
    """
    for node in suspects:
        if not _attached(node, tree):
            continue
        if isinstance(node, exp.Placeholder):
            if internal_index(node) is None:
                ctx.refuse(
                    node,
                    "placeholder",
                    "this placeholder form is not one sqlshift maps",
                    "use ?, %s, %(name)s, $1 or :name placeholders",
                )
            continue
        if ctx.source == ctx.target:
            continue
        if isinstance(node, exp.Command):
            if node.meta.get(GENERATED):
                continue  # a statement a rule wrote as text (rules/on_update.py)
            ctx.refuse(
                node,
                "unsupported-statement",
                f"the {ctx.source} statement `{node.name}` is not understood by the parser, "
                "so its meaning on the target cannot be checked",
                "run it natively on each engine instead",
            )
        elif (
            isinstance(node, exp.Anonymous)
            and node.name.lower() not in _PORTABLE_FUNCTIONS
            and not node.meta.get(GENERATED)
        ):
            owner = _owner(node.name, ctx.source)
            if owner is not None:
                ctx.refuse(
                    node,
                    "unknown-function",
                    f"{node.name}() is a {_ENGINE[owner]} function, not a {_ENGINE[ctx.source]} "
                    f"one, and this statement is read as {ctx.source}",
                    f"pass source={owner!r} if the statement is written for {_ENGINE[owner]}",
                )
                continue
            known = _KNOWN_DIFFERENCES.get((ctx.source, node.name.lower()))
            if known is not None:
                ctx.refuse(node, "unknown-function", known[0], known[1])
                continue
            ctx.refuse(
                node,
                "unknown-function",
                f"{node.name}() is not among the {_ENGINE[ctx.source]} functions sqlshift "
                f"translates, so its meaning in {ctx.target} cannot be checked",
                "rewrite it with portable SQL, or pass strict=False if the function exists "
                "on the target with the same meaning (e.g. one you defined)",
            )
        elif type(node) in MISSING_FUNCTIONS[ctx.target]:
            name = node.sql_name() if isinstance(node, exp.Func) else type(node).__name__
            ctx.refuse(
                node,
                "unknown-function",
                f"{ctx.source} {name}() has no equivalent in {ctx.target}",
                "compute it in the application, or pass strict=False if the function exists "
                "on the target with the same meaning (e.g. one you defined)",
            )
        elif isinstance(node, exp.SessionParameter):
            ctx.refuse(
                node,
                "session-variable",
                f"{ctx.source} session variables do not exist in {ctx.target}",
                "pass the value as a parameter instead",
            )
        elif isinstance(node, exp.Parameter):
            ctx.refuse(
                node,
                "user-variable",
                f"{ctx.source} user variables (@name) do not exist in {ctx.target}",
                "pass the value as a parameter instead",
            )


_ENGINE = {"mysql": "MySQL", "postgres": "PostgreSQL", "sqlite": "SQLite"}

#: source functions whose difference on every target is known: (reason, hint)
_KNOWN_DIFFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("mysql", "json_contains"): (
        "MySQL's JSON_CONTAINS finds a value inside nested arrays (JSON_CONTAINS('[[1, 2]]', "
        "'1') is 1, measured on MariaDB), where PostgreSQL's @> compares arrays level by level "
        "and SQLite has no containment test",
        "compare the member you mean: JSON_EXTRACT(doc, '$.key') = value, or "
        "JSON_LENGTH / JSON_EXTRACT for array elements",
    ),
    ("mysql", "json_search"): (
        "MySQL's JSON_SEARCH matches strings under the document's collation and looks into "
        "every nested value; neither PostgreSQL nor SQLite has a search with that meaning",
        "compare the member you mean: JSON_UNQUOTE(JSON_EXTRACT(doc, '$.key')) = 'text'",
    ),
}
#: name prefixes of each engine's own functions (system functions sqlglot does not model)
_PREFIXES = {"postgres": ("pg_", "to_", "jsonb_"), "sqlite": ("sqlite_",), "mysql": ()}


def _owner(name: str, source: str) -> str | None:
    """The other engine whose built-in ``name`` is (``pg_sleep``: PostgreSQL), if one is."""
    upper, lower = name.upper(), name.lower()
    for dialect, prefixes in _PREFIXES.items():
        if dialect != source and lower.startswith(prefixes):
            return dialect
    for dialect, instance in DIALECTS.items():
        known = type(instance).parser_class.FUNCTIONS
        if dialect != source and upper in known:
            return dialect
    return None


def _attached(node: exp.Expr, root: exp.Expr) -> bool:
    current: exp.Expr | None = node
    while current is not None:
        if current is root:
            return True
        current = current.parent
    return False
