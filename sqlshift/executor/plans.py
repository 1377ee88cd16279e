"""Query plans: the EXPLAIN statement per engine, and findings read from a captured plan.

Plans are captured without ANALYZE (which would run the statement) unless the caller asks
for it, and never for a write unless ``analyze_writes`` is set.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlglot import exp

from sqlshift.executor.profiler import Finding
from sqlshift.translator.params import scan_placeholders
from sqlshift.translator.targets import DIALECTS

__all__ = ["explain_statement", "parse_plan", "plan_findings", "scanned_tables"]


def explain_statement(dialect: str, sql: str, *, analyze: bool = False) -> str:
    """The statement that asks ``dialect`` for the plan of ``sql``."""
    if dialect == "postgres":
        return f"EXPLAIN (FORMAT JSON{', ANALYZE' if analyze else ''}) {sql}"
    if dialect == "mysql":
        return f"{'ANALYZE' if analyze else 'EXPLAIN'} FORMAT=JSON {sql}"
    return f"EXPLAIN QUERY PLAN {sql}"


def parse_plan(dialect: str, rows: Sequence[Sequence[Any]]) -> Any:
    """The plan from the rows EXPLAIN returned: JSON for PostgreSQL and MySQL (one row, one
    column), the rows themselves for SQLite's EXPLAIN QUERY PLAN."""
    if dialect in ("postgres", "mysql"):
        if not rows or not rows[0]:
            return None
        value = rows[0][0]
        return json.loads(value) if isinstance(value, str | bytes) else value
    return [tuple(row) for row in rows]


def scanned_tables(dialect: str, plan: Any) -> list[tuple[str, float | None, bool]]:
    """Tables the plan reads in full: (table, estimated rows or None, has a filter)."""
    if dialect == "postgres":
        return [
            (node.get("Relation Name", "?"), node.get("Plan Rows"), "Filter" in node)
            for node in _pg_nodes(plan)
            if node.get("Node Type") == "Seq Scan"
        ]
    if dialect == "mysql":
        return [
            (table.get("table_name", "?"), table.get("rows"), "attached_condition" in table)
            for table in _mysql_tables(plan)
            if table.get("access_type") == "ALL"
        ]
    found: list[tuple[str, float | None, bool]] = []
    for row in plan or ():
        detail = str(row[-1])
        words = detail.split()
        if len(words) >= 2 and words[0] == "SCAN" and "INDEX" not in detail.upper():
            found.append((words[1], None, True))
    return found


def plan_findings(
    dialect: str, plan: Any, sql: str, source_dialect: str, *, large_table_rows: int = 1000
) -> list[Finding]:
    """Full scans in ``plan`` and an index suggestion from the statement's WHERE/JOIN columns."""
    findings: list[Finding] = []
    filtered = _filter_columns(sql, source_dialect)
    for table, rows, has_filter in scanned_tables(dialect, plan):
        size = f" (~{rows:.0f} rows)" if isinstance(rows, int | float) else ""
        if rows is not None and rows < large_table_rows and not has_filter:
            continue
        findings.append(Finding("full-scan", f"full scan of {table}{size}"))
        columns = filtered.get(table.lower())
        if has_filter and columns:
            findings.append(Finding("missing-index", _index_advice(table, columns)))
    return findings


def _pg_nodes(plan: Any) -> Iterator[dict[str, Any]]:
    stack = [item.get("Plan", {}) for item in plan] if isinstance(plan, list) else [plan]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(node.get("Plans", []))


def _mysql_tables(plan: Any) -> Iterator[dict[str, Any]]:
    stack = [plan]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            table = node.get("table")
            if isinstance(table, dict):
                yield table
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _filter_columns(sql: str, dialect: str) -> dict[str, list[str]]:
    """Index keys of the columns compared in WHERE and JOIN ... ON, per table (aliases
    resolved): a column's name, or the expression that wraps it (`(LOWER(name))`: an index
    on the bare column is of no use to such a predicate). ``sql`` is the statement the
    engine ran (a translation may wrap a column the caller's text compares bare)."""
    try:
        tree = DIALECTS[dialect].parse(scan_placeholders(sql, dialect).text)[0]
    except Exception:
        return {}
    if tree is None:
        return {}
    aliases = {t.alias_or_name.lower(): t.name.lower() for t in tree.find_all(exp.Table)}
    tables = list(dict.fromkeys(aliases.values()))
    result: dict[str, list[str]] = {}
    conditions = [w.this for w in tree.find_all(exp.Where)]
    conditions += [j.args["on"] for j in tree.find_all(exp.Join) if j.args.get("on")]
    for condition in conditions:
        for column in condition.find_all(exp.Column):
            table = aliases.get(column.table.lower()) if column.table else None
            if table is None and len(tables) == 1:
                table = tables[0]
            if table is not None:
                names = result.setdefault(table, [])
                key = _index_key(column, dialect)
                if key not in names:
                    names.append(key)
    return result


def _index_key(column: exp.Column, dialect: str) -> str:
    """``column``'s name, or ``(f(g(column)))``: the outermost call that wraps it in the
    predicate (what an expression index would have to be)."""
    wrapper: exp.Expr | None = None
    parent = column.parent
    while parent is not None and (isinstance(parent, exp.Paren) or _is_call(parent)):
        if _is_call(parent):
            wrapper = parent
        parent = parent.parent
    if wrapper is None:
        return column.name.lower()
    bare = wrapper.copy()
    for part in bare.find_all(exp.Column):
        part.set("table", None)
    return f"({DIALECTS[dialect].generate(bare)})"


def _is_call(node: exp.Expr | None) -> bool:
    return isinstance(node, exp.Func) and not isinstance(node, exp.Connector | exp.Binary)


def _index_advice(table: str, keys: list[str]) -> str:
    """The missing-index message: the plain columns to index; a column reached only through
    a function (a translation's LOWER() for a case-insensitive comparison) is named with
    that function, which an index on the bare column does not serve."""
    plain = [k for k in keys if not k.startswith("(")]
    wrapped = [k for k in keys if k.startswith("(")]
    parts = [f"consider CREATE INDEX ON {table} ({', '.join(plain)})"] if plain else []
    for key in wrapped:
        shown = key if len(key) <= 60 else key[:56] + "...)"
        parts.append(
            f"the predicate compares {shown}: an index on the bare column is not used for it; "
            "index that expression, or compare the column as it is stored"
        )
    return "; ".join(parts)
