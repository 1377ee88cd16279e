"""Rules: date parts for SQLite, which has only strftime()."""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import func, rule

_STRFTIME_PARTS = {"YEAR": "%Y", "MONTH": "%m", "DAY": "%d", "HOUR": "%H", "MINUTE": "%M"}
_PART_NODES: dict[type[exp.Expr], str] = {
    exp.Year: "YEAR",
    exp.Month: "MONTH",
    exp.Day: "DAY",
    exp.DayOfMonth: "DAY",
}


def _part(unit: str, value: exp.Expr) -> exp.Expr:
    text = func("STRFTIME", exp.Literal.string(_STRFTIME_PARTS[unit]), value)
    return exp.Cast(this=text, to=exp.DataType.build("INT"))


def _unwrap(value: exp.Expr) -> exp.Expr:
    # sqlglot wraps MySQL date arguments in TsOrDsToDate; strftime accepts both forms
    return value.this if isinstance(value, exp.TsOrDsToDate) else value


@rule(exp.Year, exp.Month, exp.Day, exp.DayOfMonth, source={"mysql", "postgres"}, target={"sqlite"})
def date_part_function(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """YEAR()/MONTH()/DAY() return integers in MySQL; SQLite has no such functions and
    sqlglot passes them through. They become CAST(strftime('%Y', x) AS INT).
    Corpus: grouping.toml `grp-my-by-year-month`."""
    return _part(_PART_NODES[type(node)], _unwrap(node.this))


@rule(exp.Extract, source={"mysql", "postgres"}, target={"sqlite"})
def extract_part(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """EXTRACT(MONTH FROM x) does not exist in SQLite; YEAR..MINUTE become strftime() parts,
    other units are refused. Corpus: grouping.toml `grp-pg-extract-month`."""
    unit = node.this.name.upper()
    if unit not in _STRFTIME_PARTS:
        ctx.refuse(
            node,
            "extract-unit",
            f"EXTRACT({unit} ...) has no SQLite equivalent here",
            "compute it with strftime() natively",
        )
        return None
    return _part(unit, _unwrap(node.expression))
