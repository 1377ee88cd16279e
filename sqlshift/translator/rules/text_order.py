"""Rules: text that the source orders byte by byte keeps that order on PostgreSQL.

SQLite compares text by its bytes (BINARY, its default collation: UTF-8 byte order is code
point order), and so does MySQL under a `_bin` collation. PostgreSQL orders text by the
column's collation, which is the database's unless the column names one; most installations
create their databases with a locale such as en_US.UTF-8, where `'a' < 'B'` (SQLite: `'B' <
'a'`), `'a-c' < 'ab'` and the like. A translation that relies on the database's order
returns other rows on such a server while passing every test on a `C` one. Equality is not
affected (a deterministic collation finds two strings equal only when their bytes are), so
only orderings get `COLLATE "C"`: `<`, `<=`, `>`, `>=`, BETWEEN, ORDER BY keys, MIN and MAX
of text. A column whose collation already orders by bytes (`C`, `POSIX`, `C.UTF-8`: the
executor reads each column's, or the database's default, from the catalog) is left alone, so
its index still serves the ORDER BY; with a schema that does not say (one read from the
source's DDL), the COLLATE is written: right on every server, and on a `C` database it keeps
an index from serving the sort. Corpus: tests/executor/test_executor_text_order.py (a
column under an ICU locale collation, which a `C` test database otherwise hides).
"""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import rule
from sqlshift.translator.rules.collation import is_byte_wise, is_text, sort_key
from sqlshift.translator.schema import collation_of
from sqlshift.translator.types import Kind, declared_type, infer

#: PostgreSQL collations (lower case) that order text by its bytes (UTF-8: code points)
BYTE_ORDER = frozenset({"c", "posix", "ucs_basic", "c.utf8", "c.utf-8", "pg_c_utf8"})

_ORDERING = (exp.GT, exp.GTE, exp.LT, exp.LTE)

#: meta flag: text a PostgreSQL source ordered COLLATE "C" (the clause itself is dropped)
_BYTE_ORDERED = "sqlshift_byte_ordered"


def _by_bytes(node: exp.Expr | None, ctx: Context) -> bool:
    """``node`` is text the source orders by bytes, and PostgreSQL might not: SQLite's known
    text, MySQL's `_bin` text; not a column whose PostgreSQL collation orders by bytes."""
    while isinstance(node, exp.Paren):
        node = node.this
    if node is None or isinstance(node, exp.Collate):
        return False
    if ctx.source == "sqlite":
        text = is_text(node, ctx)
    else:
        text = is_byte_wise(node) and not (
            isinstance(node, exp.Cast) and not node.to.is_type(*exp.DataType.TEXT_TYPES)
        )
    if not text:
        return False
    collation = collation_of(declared_type(node, ctx)) if isinstance(node, exp.Column) else None
    return collation not in BYTE_ORDER


def _in_c(node: exp.Expr) -> exp.Expr:
    return exp.Collate(this=node, expression=exp.to_identifier("C", quoted=True))


@rule(*_ORDERING, exp.Between, source={"sqlite", "mysql"}, target={"postgres"})
def text_compared_by_bytes(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`name < 'b'` of SQLite text (or MySQL `_bin` text) is `name COLLATE "C" < 'b'` on
    PostgreSQL: one operand's explicit collation decides the comparison."""
    keys = ("this", "low", "high") if isinstance(node, exp.Between) else ("this", "expression")
    for key in keys:
        operand = node.args.get(key)
        if _by_bytes(operand, ctx):
            assert operand is not None
            node.set(key, _in_c(operand))
            return None
    return None


@rule(exp.Ordered, source={"sqlite", "mysql"}, target={"postgres"})
def text_sorted_by_bytes(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`ORDER BY name` of SQLite text sorts by bytes; on PostgreSQL `ORDER BY name COLLATE
    "C"` (a position or an output name is left as it is: PostgreSQL takes no COLLATE on
    those)."""
    key = node.this
    if isinstance(key, exp.Literal) or _output_name(key, node):
        return None
    if _by_bytes(key, ctx):
        node.set("this", _in_c(key))
    return None


def _output_name(key: exp.Expr, ordered: exp.Expr) -> bool:
    """``key`` is an unqualified name that an item of the query's select list is aliased to."""
    if not isinstance(key, exp.Column) or key.table:
        return False
    query = ordered.parent.parent if ordered.parent is not None else None
    if not isinstance(query, exp.Select):
        return False
    name = key.name.lower()
    return any(
        isinstance(item, exp.Alias) and item.alias.lower() == name for item in query.expressions
    )


@rule(exp.Min, exp.Max, source={"sqlite", "mysql"}, target={"postgres"})
def text_extreme_by_bytes(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MIN / MAX of SQLite text is the least / greatest by bytes: `MIN(name COLLATE "C")`."""
    if _by_bytes(node.this, ctx):
        node.set("this", _in_c(node.this))
    return None


@rule(exp.Collate, source={"postgres"}, target={"sqlite", "mysql"})
def postgres_collate(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL `x COLLATE "C"` (or POSIX, ucs_basic, "default") orders by bytes, as SQLite
    does by default and as the MySQL translation compares PostgreSQL's text (byte-wise): the
    clause is dropped (it was written through, and SQLite had no collation named C: found by
    the generated round trips). Any other collation names a locale no other engine has:
    refused (`collation-postgres`). Corpus: collation.toml `coll-pg-collate-*`."""
    name = node.expression.name.lower() if isinstance(node.expression, exp.Expr) else ""
    if name in BYTE_ORDER or name == "default":
        inner: exp.Expr = node.this
        if name != "default":
            inner.meta[_BYTE_ORDERED] = True  # (for postgres_text_order, above it)
        return inner
    ctx.refuse(
        node,
        "collation-postgres",
        f"PostgreSQL's collation {name!r} orders text by a locale {ctx.target} has no "
        "equivalent of",
        'use COLLATE "C" (byte order), or sort on the application side',
    )
    return None


# ------------------------------------------------------------------ PostgreSQL as the source


def _postgres_order(node: exp.Expr | None, ctx: Context) -> str:
    """How a PostgreSQL source orders ``node``: "none" (not text), "bytes" (a C collation:
    the column's, an explicit COLLATE "C", or the database's as the live schema gives it),
    "locale" (another collation the schema names) or "unknown" (text, or of unknown type,
    under the database's default collation, which the translator does not know)."""
    while isinstance(node, exp.Paren):
        node = node.this
    if node is None:
        return "none"
    if node.meta.get(_BYTE_ORDERED):
        return "bytes"
    kind = infer(node, ctx).kind
    if kind is not Kind.TEXT and kind is not Kind.UNKNOWN:
        return "none"
    if isinstance(node, exp.Column):
        collation = collation_of(declared_type(node, ctx))
        if collation in BYTE_ORDER:
            return "bytes"
        if collation is not None and collation not in ("binary", "nocase", "rtrim"):
            return "locale"  # (SQLite's names describe a SQLite schema, not the source)
    if kind is Kind.UNKNOWN and not isinstance(node, exp.Column | exp.Placeholder):
        return "none"  # a computed value of unknown type: the other rules' concern
    return "unknown"


@rule(exp.Ordered, *_ORDERING, exp.Between, exp.Min, exp.Max, source={"postgres"},
      target={"sqlite"})  # fmt: skip
def postgres_text_order(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL orders text by its collation, the database's unless the column or the
    expression names one; SQLite by bytes. On a `C` database they agree; on a locale one
    (en_US.UTF-8, most servers) `ORDER BY name`, `name < 'b'`, MIN / MAX put 'a' before 'B'
    where SQLite puts it after. The translator cannot see the source database's collation:
    unless the schema says the text orders by bytes (a `C` column collation, or the live
    database's, `Schema.from_database`), the order is assumed to be by bytes and reported
    (`postgres-collation`); a locale collation the schema names is refused
    (`collation-postgres`). Tests: tests/test_assumptions.py."""
    if isinstance(node, exp.Ordered):
        statuses = [_postgres_order(sort_key(node.this, node), ctx)]
    elif isinstance(node, exp.Between):
        statuses = [_postgres_order(node.args.get(k), ctx) for k in ("this", "low", "high")]
    elif isinstance(node, exp.Min | exp.Max):
        statuses = [_postgres_order(node.this, ctx)]
    else:
        statuses = [_postgres_order(node.args.get(k), ctx) for k in ("this", "expression")]
    if "none" in statuses and not isinstance(node, exp.Ordered | exp.Min | exp.Max):
        return None  # compared with something that is not text: no collation applies
    if "bytes" in statuses or statuses == ["none"]:
        return None
    if "locale" in statuses:
        ctx.refuse(
            node,
            "collation-postgres",
            "the schema gives this PostgreSQL text a locale collation, which orders it in a way "
            f"{ctx.target} has no equivalent of",
            'sort by `x COLLATE "C"` in the source, or on the application side',
        )
        return None
    ctx.assume(
        node,
        "postgres-collation",
        'that the PostgreSQL database orders this text by bytes (a "C" collation; a locale '
        "such as en_US.UTF-8 puts 'a' before 'B')",
        "pass the database's schema (Schema.from_database(url), --schema URL), or write "
        'COLLATE "C" in the source',
    )
    return None
