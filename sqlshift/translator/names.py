"""Result column names: an unaliased select item keeps the name the source engine gives it.

Applications read columns by name (``row["total"]``, ``row["COUNT(*)"]``), and the engines
name an unaliased expression differently: MySQL and SQLite use the text as written (MySQL a
string literal's content, SQLite the literal with its quotes), PostgreSQL a column's or
function's name (``count``), a cast's type (``int4``), a few keywords (``case``, ``coalesce``)
and otherwise ``?column?`` (its FigureColname rules). Before the rules run, the source's name of
each unaliased item of the statement's result is taken; after them, an item the target would
name otherwise gets that name as an alias. PostgreSQL cuts names at 63 bytes, so a longer one
is refused (``column-name``), as is a name MySQL cannot hold. Corpus: every case (tests/corpus compares names).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp
from sqlglot.tokenizer_core import Token, TokenType

from sqlshift.errors import UntranslatableError
from sqlshift.translator.context import Context, line_col
from sqlshift.translator.targets import DIALECTS
from sqlshift.translator.types import column_tables

__all__ = ["OutputName", "keep_output_names", "output_names", "values_statement"]

#: PostgreSQL keeps at most NAMEDATALEN - 1 bytes of a name
PG_NAME_BYTES = 63
#: MariaDB names a result column with at most this many bytes of the item's text (measured;
#: MySQL 8 documents 256 characters), and takes no longer alias
MYSQL_NAME_BYTES = 255

#: PostgreSQL's internal names of the types a cast names its column after
_PG_TYPES = {
    exp.DType.INT: "int4",
    exp.DType.BIGINT: "int8",
    exp.DType.SMALLINT: "int2",
    exp.DType.TINYINT: "int2",
    exp.DType.DECIMAL: "numeric",
    exp.DType.DOUBLE: "float8",
    exp.DType.FLOAT: "float4",
    exp.DType.BOOLEAN: "bool",
    exp.DType.CHAR: "bpchar",
    exp.DType.VARCHAR: "varchar",
    exp.DType.TEXT: "text",
    exp.DType.DATE: "date",
    exp.DType.TIMESTAMP: "timestamp",
    exp.DType.TIMESTAMPTZ: "timestamptz",
    exp.DType.TIME: "time",
    exp.DType.INTERVAL: "interval",
    exp.DType.JSON: "json",
    exp.DType.JSONB: "jsonb",
    exp.DType.VARBINARY: "bytea",
    exp.DType.BLOB: "bytea",
    exp.DType.UUID: "uuid",
}
_PG_KEYWORDS: dict[type[exp.Expr], str] = {
    exp.Coalesce: "coalesce",
    exp.Nullif: "nullif",
    exp.Greatest: "greatest",
    exp.Least: "least",
    exp.Exists: "exists",
    exp.Array: "array",
    exp.CurrentDate: "current_date",
    exp.CurrentTimestamp: "current_timestamp",
    exp.CurrentTime: "current_time",
}


def _result(tree: exp.Expr) -> exp.Select | exp.Returning | None:
    """The list whose items name the statement's result columns, if it has one: a write's
    RETURNING list, the first SELECT of a set operation, and the inner query's of ``SELECT *
    FROM (query) AS x ORDER BY ...`` (a rule's wrapper: rules/grouping.py)."""
    if isinstance(tree, exp.Insert | exp.Update | exp.Delete):
        returning = tree.args.get("returning")
        return returning if isinstance(returning, exp.Returning) else None
    while True:
        while isinstance(tree, exp.SetOperation):
            tree = tree.this
        if not isinstance(tree, exp.Select):
            return None
        inner = _starred_from(tree)
        if inner is None:
            return tree
        tree = inner


def _starred_from(select: exp.Select) -> exp.Expr | None:
    """The query ``select`` only passes on (``SELECT * FROM (query) AS x``, ordered or
    limited), or None."""
    if len(select.expressions) != 1 or not isinstance(select.expressions[0], exp.Star):
        return None
    source = select.args.get("from_") or select.args.get("from")
    if not isinstance(source, exp.From) or not isinstance(source.this, exp.Subquery):
        return None
    if any(select.args.get(a) for a in ("joins", "where", "group", "having", "distinct")):
        return None
    inner = source.this.this
    return inner if isinstance(inner, exp.Expr) else None


def _unaliased(item: exp.Expr) -> bool:
    return not isinstance(item, exp.Alias | exp.Star) and not (
        isinstance(item, exp.Column) and isinstance(item.this, exp.Star)
    )


_LIST_ENDS = frozenset(
    {
        TokenType.FROM,
        TokenType.WHERE,
        TokenType.GROUP_BY,
        TokenType.HAVING,
        TokenType.ORDER_BY,
        TokenType.LIMIT,
        TokenType.UNION,
        TokenType.INTERSECT,
        TokenType.EXCEPT,
        TokenType.INTO,
        TokenType.WINDOW,
        TokenType.FETCH,
        TokenType.OFFSET,
        TokenType.SEMICOLON,
        TokenType.FOR,
        TokenType.LOCK,
    }
)
_LIST_STARTS = frozenset({TokenType.DISTINCT, TokenType.ALL})


def _statement_tokens(tree: exp.Expr, ctx: Context) -> list[Token] | None:
    """The tokens of ``tree``'s own statement (a script holds several)."""
    starts = [int(n._meta["start"]) for n in tree.walk() if n._meta and "start" in n._meta]
    if not starts:
        return None
    try:
        tokens = ctx.tokens()
    except Exception:  # the statement parsed, so this is not expected
        return None
    first = min(starts)
    begin = 0
    for index, token in enumerate(tokens):
        if token.start > first:
            break
        if token.token_type == TokenType.SEMICOLON:
            begin = index + 1
    end = next(
        (i for i in range(begin, len(tokens)) if tokens[i].token_type == TokenType.SEMICOLON),
        len(tokens),
    )
    return tokens[begin:end]


def _item_texts(tree: exp.Expr, ctx: Context) -> list[tuple[str, list[Token]]] | None:
    """The caller's text and tokens of each item of the statement's outermost select list
    (or RETURNING list), found in the token stream (the shallowest SELECT, or RETURNING;
    items split at its commas)."""
    tokens = _statement_tokens(tree, ctx)
    if tokens is None:
        return None
    head = TokenType.RETURNING if isinstance(_result(tree), exp.Returning) else TokenType.SELECT
    depth, best, at = 0, None, -1
    for index, token in enumerate(tokens):
        if token.token_type == head and (best is None or depth < best):
            best, at = depth, index
        depth += _STEP.get(token.token_type, 0)
    if at < 0:
        return None
    items: list[list[Token]] = [[]]
    depth = 0
    index = at + 1
    while index < len(tokens) and tokens[index].token_type in _LIST_STARTS:
        index += 1
    previous: Token | None = None
    for token in tokens[index:]:
        kind = token.token_type
        distinct_from = (
            kind == TokenType.FROM
            and previous is not None
            and (previous.token_type == TokenType.DISTINCT)
        )
        if depth == 0 and not distinct_from and (kind in _LIST_ENDS or kind == TokenType.R_PAREN):
            break
        previous = token
        depth += _STEP.get(kind, 0)
        if depth == 0 and kind == TokenType.COMMA:
            items.append([])
        else:
            items[-1].append(token)
    texts = []
    for item in items:
        if not item:
            return None
        start = ctx.scanned.original_offset(item[0].start)
        end = ctx.scanned.original_offset(item[-1].end + 1)
        texts.append((ctx.original[start:end], item))
    return texts


_STEP = {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}


@dataclass(frozen=True, slots=True)
class OutputName:
    """The source engine's name of one result column, and where its item is written."""

    name: str
    text: str  # the item as the caller wrote it
    offset: int  # its offset in the caller's text
    aliased: bool  # the caller named it (AS name)


def output_names(tree: exp.Expr, ctx: Context) -> list[OutputName | None] | None:
    """The source engine's name of each item of the result (None: ``*``)."""
    select = _result(tree)
    if select is None or ctx.options.column_names != "source":
        return None
    texts = _item_texts(tree, ctx)
    if texts is None or len(texts) != len(select.expressions):
        return None
    names: list[OutputName | None] = []
    for item, (text, tokens) in zip(select.expressions, texts, strict=True):
        offset = ctx.scanned.original_offset(tokens[0].start)
        if isinstance(item, exp.Alias):
            names.append(OutputName(_alias_name(item, ctx.source), text, offset, True))
        elif not _unaliased(item):
            names.append(None)
        elif ctx.source == "postgres":
            names.append(OutputName(_pg_name(item, ctx, tokens=tokens)[0], text, offset, False))
        else:
            names.append(OutputName(_written_name(item, text, ctx), text, offset, False))
    return names


def _alias_name(item: exp.Alias, dialect: str) -> str:
    """An alias as the engine reports it: PostgreSQL folds an unquoted one to lower case."""
    identifier = item.args.get("alias")
    quoted = isinstance(identifier, exp.Identifier) and identifier.quoted
    return item.alias.lower() if dialect == "postgres" and not quoted else item.alias


def _written_name(item: exp.Expr, text: str, ctx: Context) -> str:
    """MySQL and SQLite: a column's name, else the item's text as the caller wrote it. MySQL
    shows a string literal's content (after an introducer or N, unless hexadecimal), and its
    names hold no character beyond the Basic Multilingual Plane (each becomes '?')."""
    inner = item
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, exp.Column):
        return _view_spelling(inner, ctx) or inner.name  # both name (t.active) the column
    if ctx.source == "sqlite":
        return text
    literal = item.expression if isinstance(item, exp.Introducer) else item
    if isinstance(literal, exp.National):
        literal = exp.Literal.string(literal.name)
    if isinstance(literal, exp.Literal) and literal.is_string:
        text = literal.name
    text = "".join("?" if ord(ch) > 0xFFFF else ch for ch in text.lstrip())
    # MariaDB drops the leading spaces and keeps 255 bytes of UTF-8 (a whole character)
    return text.encode(errors="surrogateescape")[:MYSQL_NAME_BYTES].decode(errors="ignore")


def _view_spelling(column: exp.Column, ctx: Context) -> str | None:
    """MySQL names a view's column as the view's definition spells it, however the query
    writes it (`SELECT trackid FROM LongTracks` gives `TrackId`); a table's column is named
    as written. Known from the schema's views (``Schema.from_ddl`` of the CREATE VIEW).
    Corpus: identifiers.toml `ident-my-view-and-index`."""
    schema = ctx.schema
    if ctx.source != "mysql" or schema is None or not schema.views:
        return None
    for table in column_tables(column):
        for declared in schema.view_columns(table) or ():
            if declared.lower() == column.name.lower():
                return declared
    return None


def _function_name(node: exp.Func, tokens: list[Token] | None) -> str:
    """The name a call is made by: as the caller wrote it (``tokens``: the item's own, when
    the call is the whole item), or as generated for PostgreSQL."""
    if tokens and len(tokens) > 1 and tokens[1].token_type == TokenType.L_PAREN:
        word = tokens[0]
        return word.text if word.token_type == TokenType.IDENTIFIER else word.text.lower()
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    rendered = node.sql("postgres")
    return rendered.split("(", 1)[0].strip().strip('"').lower()


def _pg_name(node: exp.Expr, ctx: Context, *, tokens: list[Token] | None = None) -> tuple[str, int]:
    """PostgreSQL's name for a result column (FigureColname), and how strong it is: 2 from a
    column or function, 1 from a type, 0 for ``?column?``. ``tokens``: the caller's tokens of
    ``node``, when it is a whole select item of the caller's."""
    if isinstance(node, exp.Alias):
        return node.alias, 2
    if isinstance(node, exp.Column):
        name = node.this
        quoted = isinstance(name, exp.Identifier) and name.quoted
        return (node.name if quoted else node.name.lower()), 2
    if isinstance(node, exp.Paren):
        return _pg_name(node.this, ctx)
    if isinstance(node, exp.Filter):
        return _pg_name(node.this, ctx)
    if isinstance(node, exp.Cast):
        named = _pg_name(node.this, ctx)
        if named[1] > 1:
            return named
        to = node.to
        return _PG_TYPES.get(to.this, to.this.value.lower()), 1
    if isinstance(node, exp.National):
        return "bpchar", 1  # N'...' is a cast to character
    if isinstance(node, exp.Case):  # the ELSE result's name when that is a strong one
        default = node.args.get("default")
        named = _pg_name(default, ctx) if isinstance(default, exp.Expr) else ("", 0)
        return named if named[1] > 1 else ("case", 1)
    for kind, name in _PG_KEYWORDS.items():
        if isinstance(node, kind):
            return name, 2
    if isinstance(node, exp.Subquery):
        query = _result(node.this)
        if query is not None and query.expressions:
            return _pg_name(query.expressions[0], ctx)
        return "?column?", 0
    if isinstance(node, exp.Window):
        return _pg_name(node.this, ctx)
    if isinstance(node, exp.Trim):
        side = str(node.args.get("position") or "").upper()
        return {"LEADING": "ltrim", "TRAILING": "rtrim"}.get(side, "btrim"), 2
    if tokens is not None:  # the caller's item: a call only if written as one (not 2 ^ 10)
        if _is_call(tokens):
            word = tokens[0]
            name = word.text if word.token_type == TokenType.IDENTIFIER else word.text.lower()
            return name, 2
        return "?column?", 0
    if isinstance(node, exp.Func) and not isinstance(node, exp.Connector | exp.Binary):
        return _function_name(node, _written_tokens(node, ctx)), 2
    return "?column?", 0


def _written_tokens(node: exp.Expr, ctx: Context) -> list[Token] | None:
    """The caller's tokens of a call inside an item, from its name on: found as the two
    tokens before its first argument (`substr` `(` before `name`)."""
    if ctx.source != "postgres":
        return None
    first = node.this if isinstance(node.this, exp.Expr) else None
    if first is None and node.expressions:
        first = node.expressions[0]
    if first is None:
        return None
    offset, _ = ctx.quote(first)
    if offset is None:
        return None
    tokens = ctx.tokens()
    for index, token in enumerate(tokens):
        if ctx.scanned.original_offset(token.start) >= offset:
            if index >= 2 and tokens[index - 1].token_type == TokenType.L_PAREN:
                return tokens[index - 2 :]
            return None
    return None


def _is_call(tokens: list[Token]) -> bool:
    """Are these tokens one call, ``name(...)``, and nothing else?"""
    if len(tokens) < 3 or tokens[1].token_type != TokenType.L_PAREN:
        return False
    if tokens[-1].token_type != TokenType.R_PAREN:
        return False
    depth = 0
    for token in tokens[1:-1]:
        depth += _STEP.get(token.token_type, 0)
        if depth == 0:
            return False  # the first parenthesis closed before the end
    return True


def _target_name(item: exp.Expr, ctx: Context) -> str:
    """The name the target engine will give the translated item."""
    if ctx.target == "postgres":
        return _pg_name(item, ctx)[0]
    if isinstance(item, exp.Column):
        return item.name
    if ctx.target == "mysql" and isinstance(item, exp.Literal) and item.is_string:
        return item.name
    text = DIALECTS[ctx.target].generate(item, copy=True)
    if ctx.target == "mysql":  # MariaDB keeps the first 255 bytes of the text (a whole character)
        return (
            text.lstrip()
            .encode(errors="surrogateescape")[:MYSQL_NAME_BYTES]
            .decode(errors="ignore")
        )
    return text


def values_statement(tree: exp.Expr, ctx: Context) -> exp.Expr:
    """A ``VALUES`` statement names its columns ``column1``, ``column2``, ... in PostgreSQL and
    SQLite, and after the first row's values in MariaDB: into MySQL it becomes a ``SELECT ...
    AS column1, ... UNION ALL SELECT ...`` (the same rows, the same names).
    Corpus: queries.toml ``qs-*-values-statement``."""
    if ctx.target != "mysql" or not isinstance(tree, exp.Values):
        return tree
    rows = [row.expressions if isinstance(row, exp.Tuple) else [row] for row in tree.expressions]
    if not rows or not rows[0]:
        return tree
    query: exp.Query = exp.select(
        *(exp.alias_(value, f"column{n}") for n, value in enumerate(rows[0], 1))
    )
    for row in rows[1:]:
        query = exp.union(query, exp.select(*row), distinct=False)
    return query


def keep_output_names(tree: exp.Expr, names: list[OutputName | None] | None, ctx: Context) -> None:
    """Name each result column as the source did (see the module): an unaliased item whose
    target name differs gets that name as an alias, and an alias the target would spell
    otherwise is quoted (with the ORDER BY references to it)."""
    select = _result(tree)
    if select is None or names is None or len(select.expressions) != len(names):
        return
    for position, (item, wanted) in enumerate(zip(select.expressions, names, strict=True)):
        if wanted is None:
            continue
        if isinstance(item, exp.Alias):
            renamed = wanted.aliased and _alias_name(item, ctx.target) != wanted.name
            if renamed and _nameable(wanted, ctx):
                _rename(select, item, wanted.name)
            continue
        if not _unaliased(item) or _target_name(item, ctx) == wanted.name:
            continue
        if not wanted.name:
            continue  # MySQL names SELECT '' with the empty string: no name to read it by
        if _nameable(wanted, ctx):
            alias = exp.to_identifier(wanted.name, quoted=True)
            select.expressions[position] = exp.alias_(item, alias)


def _nameable(wanted: OutputName, ctx: Context) -> bool:
    """Can the target spell this name? PostgreSQL keeps 63 bytes of it, MySQL no character
    beyond the Basic Multilingual Plane; otherwise refuse (lenient: keep the target's)."""
    problem = None
    if ctx.target == "postgres" and len(wanted.name.encode(errors="surrogatepass")) > PG_NAME_BYTES:
        problem = "longer than the 63 bytes PostgreSQL keeps of a name"
    elif ctx.target == "mysql" and any(ord(ch) > 0xFFFF for ch in wanted.name):
        problem = "with characters MySQL cannot hold in a name (beyond U+FFFF)"
    elif (
        ctx.target == "mysql" and len(wanted.name.encode(errors="surrogatepass")) > MYSQL_NAME_BYTES
    ):
        problem = "longer than the 255 bytes MariaDB takes in an alias"
    if problem is None:
        return True
    shown = wanted.name if len(wanted.name) <= 40 else wanted.name[:37] + "..."
    line, col = line_col(ctx.original, wanted.offset)
    error = UntranslatableError(
        "column-name",
        construct=wanted.text,
        reason=f"{ctx.source} names this result column `{shown}`, {problem}, so an "
        "application reading the column by name would not find it",
        hint="give the column a short alias (AS name)",
        line=line,
        col=col,
        source=ctx.source,
        target=ctx.target,
    )
    if ctx.strict:
        raise error
    ctx.tolerate(error)
    return False


def _rename(select: exp.Select | exp.Returning, item: exp.Alias, name: str) -> None:
    """Quote ``item``'s alias as ``name``, and ORDER BY's references to it (ORDER BY looks
    output names up first in every engine; GROUP BY and HAVING look at the input columns
    first, so their references are left as they are)."""
    old = item.alias.lower()
    new = exp.to_identifier(name, quoted=True)
    item.set("alias", new)
    order = select.args.get("order")
    if order is not None:
        for column in order.find_all(exp.Column):
            if not column.table and column.name.lower() == old:
                column.set("this", new.copy())
