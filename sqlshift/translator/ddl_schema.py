"""The tables, column types and unique keys that DDL statements define (for ``Schema``)."""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

from sqlshift.dialects import resolve_dialect
from sqlshift.errors import ParseError
from sqlshift.translator.schema import COLLATION
from sqlshift.translator.targets import DIALECTS

__all__ = [
    "COLLATED",
    "add_view",
    "column_type",
    "create_columns",
    "create_keys",
    "table_collation",
    "tables_from_ddl",
]

Columns = tuple[tuple[str, exp.DataType], ...]
COLLATED = frozenset(
    exp.DataType.TEXT_TYPES | {exp.DType.ENUM, exp.DType.TINYTEXT, exp.DType.MEDIUMTEXT}
)
"""Column types a table's default collation applies to."""
Keys = tuple[tuple[str, ...], ...]


def create_columns(create: exp.Create) -> Columns:
    """The columns of a ``CREATE TABLE`` with the types type-aware rules see (a MySQL
    ``TINYINT(1)`` is a BOOLEAN)."""
    from sqlshift.translator.rules.ddl import logical_type

    schema = create.this
    if not isinstance(schema, exp.Schema):
        return ()
    default = table_collation(create)
    return tuple(
        (c.name.lower(), column_type(c, logical_type(c), default))
        for c in schema.expressions
        if isinstance(c, exp.ColumnDef) and isinstance(c.kind, exp.DataType)
    )


def table_collation(create: exp.Create | None) -> str | None:
    """A MySQL table's default collation (``CREATE TABLE ... COLLATE=utf8mb4_bin``): its text
    columns declared without one compare by it (a `_bin` table's columns byte-wise)."""
    properties = create.args.get("properties") if create is not None else None
    if not isinstance(properties, exp.Properties):
        return None
    for prop in properties.expressions:
        if isinstance(prop, exp.CollateProperty) and prop.this is not None:
            return str(prop.this.name).lower()
    return None


def column_type(
    column: exp.ColumnDef, dtype: exp.DataType, default: str | None = None
) -> exp.DataType:
    """``dtype`` with the column's own collation (``COLLATE x``) recorded, when it has one,
    else the table's ``default`` one for text types."""
    if default is not None and dtype.this in COLLATED:
        dtype = dtype.copy()
        dtype.meta[COLLATION] = default
    for constraint in column.constraints:
        kind = constraint.args.get("kind")
        if isinstance(kind, exp.BinaryColumnConstraint) and dtype.this in COLLATED:
            dtype = dtype.copy()  # MySQL's `VARCHAR(n) BINARY`: the _bin collation
            dtype.meta[COLLATION] = "utf8mb4_bin"
        if isinstance(kind, exp.CollateColumnConstraint) and kind.this is not None:
            dtype = dtype.copy()
            dtype.meta[COLLATION] = kind.this.name.lower()
    return dtype


def _names(node: exp.Expr) -> tuple[str, ...]:
    holder = node.this if isinstance(node.this, exp.Schema) else node
    return tuple(e.name.lower() for e in holder.expressions if e.name)


def create_keys(create: exp.Create) -> Keys:
    """The unique keys of a ``CREATE TABLE``, the primary key first: column constraints
    (``id INT PRIMARY KEY``, ``UNIQUE``), table constraints (``PRIMARY KEY (a, b)``, MySQL
    ``UNIQUE KEY k (a)``, ``CONSTRAINT c UNIQUE (a)``)."""
    schema = create.this
    if not isinstance(schema, exp.Schema):
        return ()
    primary: list[tuple[str, ...]] = []
    unique: list[tuple[str, ...]] = []
    for item in schema.expressions:
        if isinstance(item, exp.ColumnDef):
            for constraint in item.constraints:
                kind = constraint.args.get("kind")
                if isinstance(kind, exp.PrimaryKeyColumnConstraint):
                    primary.append((item.name.lower(),))
                elif isinstance(kind, exp.UniqueColumnConstraint):
                    unique.append((item.name.lower(),))
            continue
        parts = item.expressions if isinstance(item, exp.Constraint) else [item]
        for part in parts:
            if isinstance(part, exp.PrimaryKey):
                primary.append(_names(part))
            elif isinstance(part, exp.UniqueColumnConstraint) and isinstance(part.this, exp.Schema):
                unique.append(_names(part.this))
    keys: list[tuple[str, ...]] = []
    for key in primary + unique:
        if key and key not in keys:
            keys.append(key)
    return tuple(keys)


Catalogue = tuple[dict[str, Columns], dict[str, Keys], dict[str, tuple[str, ...]]]


def tables_from_ddl(text: str, dialect: str, start: Catalogue | None = None) -> Catalogue:
    """Run the DDL of ``text`` (in ``dialect``) over ``start`` (default: an empty catalogue):
    tables created, columns added or dropped, tables dropped or renamed; everything else is
    skipped."""
    from sqlshift.translator.params import scan_placeholders
    from sqlshift.translator.rules.scripts import unwrap_conditional_comments

    name = resolve_dialect(dialect, role="dialect")
    if name == "mysql":
        text = unwrap_conditional_comments(text)
    scanned = scan_placeholders(text, name)
    try:
        statements = DIALECTS[name].parse(scanned.text, error_level=ErrorLevel.IGNORE)
    except sqlglot.errors.SqlglotError as error:
        raise ParseError(f"the DDL does not parse as {name}: {error}") from None
    tables: dict[str, Columns] = dict(start[0]) if start else {}
    keys: dict[str, Keys] = dict(start[1]) if start else {}
    views: dict[str, tuple[str, ...]] = dict(start[2]) if start else {}
    for statement in statements:
        kind = str(statement.args.get("kind") or "").upper() if statement else ""
        if isinstance(statement, exp.Create) and kind == "TABLE":
            schema = statement.this
            if isinstance(schema, exp.Schema) and isinstance(schema.this, exp.Table):
                table = schema.this.name.lower()
                tables[table] = create_columns(statement)
                keys[table] = create_keys(statement)
        elif isinstance(statement, exp.Create) and kind == "VIEW":
            add_view(statement, tables, views)
        elif isinstance(statement, exp.Drop) and kind in ("TABLE", "VIEW"):
            for dropped in [statement.this, *(statement.args.get("tables") or [])]:
                if isinstance(dropped, exp.Table):
                    tables.pop(dropped.name.lower(), None)
                    keys.pop(dropped.name.lower(), None)
                    views.pop(dropped.name.lower(), None)
        elif isinstance(statement, exp.Alter) and isinstance(statement.this, exp.Table):
            _alter(statement, tables, keys)
    return tables, keys, views


def add_view(
    statement: exp.Create, tables: dict[str, Columns], views: dict[str, tuple[str, ...]]
) -> None:
    """A view: its columns' spelling (the column list, else each item's alias or column
    name), and the types of those that are columns of one known table of its FROM."""
    target = statement.this
    listed = target.expressions if isinstance(target, exp.Schema) else []
    view = target.this if isinstance(target, exp.Schema) else target
    query = statement.expression
    if not isinstance(view, exp.Table) or not isinstance(query, exp.Select):
        return
    items = query.expressions
    if any(isinstance(item, exp.Star) or item.is_star for item in items):
        return  # `*`: the spelling is the tables', which the catalogue keeps in lower case
    names = [c.name for c in listed] or [item.alias_or_name for item in items]
    if len(names) != len(items) or not all(names):
        return
    sources = [t.name.lower() for t in query.find_all(exp.Table) if t.name.lower() in tables]
    aliases = {t.alias_or_name.lower(): t.name.lower() for t in query.find_all(exp.Table)}
    typed: list[tuple[str, exp.DataType]] = []
    for name, item in zip(names, items, strict=True):
        column = item.unalias()
        if isinstance(column, exp.Column):
            owners = [aliases.get(column.table.lower(), "")] if column.table else sources
            found = [t for c, t in _columns_of(tables, owners) if c == column.name.lower()]
            if len(found) == 1:
                typed.append((name.lower(), found[0]))
    views[view.name.lower()] = tuple(names)
    tables[view.name.lower()] = tuple(typed)


def _columns_of(tables: dict[str, Columns], owners: list[str]) -> Columns:
    return tuple(column for owner in owners for column in tables.get(owner, ()))


def _alter(statement: exp.Alter, tables: dict[str, Columns], keys: dict[str, Keys]) -> None:
    from sqlshift.translator.rules.ddl import logical_type

    table = statement.this.name.lower()
    if table not in tables:
        return
    for action in statement.args.get("actions") or []:
        if isinstance(action, exp.ColumnDef) and isinstance(action.kind, exp.DataType):
            column = (action.name.lower(), column_type(action, logical_type(action)))
            tables[table] = (*(c for c in tables[table] if c[0] != column[0]), column)
        elif isinstance(action, exp.Drop) and str(action.args.get("kind")).upper() == "COLUMN":
            named = [action.this, *(action.args.get("tables") or [])]
            gone = {n.name.lower() for n in named if isinstance(n, exp.Expr)}
            tables[table] = tuple(c for c in tables[table] if c[0] not in gone)
            keys[table] = tuple(k for k in keys.get(table, ()) if not gone.intersection(k))
        elif isinstance(action, exp.AlterRename) and isinstance(action.this, exp.Table):
            new = action.this.name.lower()
            tables[new] = tables.pop(table)
            keys[new] = keys.pop(table, ())
            table = new
        elif isinstance(action, exp.AddConstraint):
            for part in action.expressions:
                found = create_keys(
                    exp.Create(this=exp.Schema(this=statement.this.copy(), expressions=[part]))
                )
                keys[table] = keys.get(table, ()) + found
