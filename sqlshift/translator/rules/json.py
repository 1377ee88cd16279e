"""Rules: extracting values from JSON documents (MySQL/MariaDB, PostgreSQL jsonb, SQLite JSON1).

What each engine returns for one path:

| form | a string | a number | true | JSON null | missing |
|---|---|---|---|---|---|
| MySQL `JSON_EXTRACT`, SQLite `->`, PostgreSQL `->`/`#>` | `"x"` (JSON text) | `1.50` | `true` | `null` | NULL |
| MySQL `JSON_UNQUOTE(JSON_EXTRACT())` | `x` | `1.50` | `true` | `null` (text) | NULL |
| PostgreSQL `->>`/`#>>` | `x` | `1.50` | `true` | NULL | NULL |
| SQLite `json_extract`, `->>` | `x` (TEXT) | 1.5 (REAL) | 1 (INTEGER) | NULL | NULL |

JSON text of objects and arrays is formatted by each engine (PostgreSQL jsonb adds spaces and
orders keys, SQLite minifies, MariaDB keeps the document's text): equal as JSON, not as text.
MariaDB has no `->`/`->>` operators, so MySQL output always uses the functions.
"""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import func, rule
from sqlshift.translator.rules.collation import (
    TEXT_FUNCTIONS,
    is_byte_wise,
    mark_bin_collation,
    text_arguments,
)
from sqlshift.translator.schema import collation_of
from sqlshift.translator.targets import DIALECTS
from sqlshift.translator.types import TYPED, Kind, Typed, declared_type, infer, is_repeatable

Step = str | int  # an object key or an array index
#: a path: its keys and indexes, or MySQL's placeholder of a path bound as an argument (converted
#: to the target's path as it is bound: translator/binds.py)
Path = list[Step] | exp.Placeholder


def _refuse_path(node: exp.Expr, ctx: Context, why: str) -> None:
    ctx.refuse(
        node,
        "json-path",
        f"this JSON path cannot be expressed on {ctx.target}: {why}",
        "use a path of plain keys and non-negative array indexes",
    )


def _steps(path: exp.Expr | None, pg_text_array: bool = False) -> list[Step] | None:
    """The keys and indexes of a simple JSON path, or None if it has anything else."""
    if pg_text_array:  # PostgreSQL '{a,b}' (#> / #>>)
        if not isinstance(path, exp.Literal) or not path.is_string:
            return None
        text = path.name.strip()
        if not (text.startswith("{") and text.endswith("}")):
            return None
        items = [i.strip() for i in text[1:-1].split(",")] if text[1:-1].strip() else []
        # An element that looks like a number is an index on arrays and a key on objects.
        if any(not i or i.lstrip("-").isdigit() or '"' in i or "\\" in i for i in items):
            return None
        return list(items)
    if not isinstance(path, exp.JSONPath):
        return None
    steps: list[Step] = []
    for part in path.expressions:
        if isinstance(part, exp.JSONPathRoot):
            continue
        if isinstance(part, exp.JSONPathKey) and isinstance(part.this, str):
            steps.append(part.this)
        elif isinstance(part, exp.JSONPathSubscript) and isinstance(part.this, int):
            if part.this < 0:
                return None
            steps.append(part.this)
        else:
            return None
    return steps


def _path_text(steps: list[Step]) -> str:
    out = "$"
    for step in steps:
        if isinstance(step, int):
            out += f"[{step}]"
        elif step.isidentifier():
            out += f".{step}"
        else:
            out += '."' + step.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return out


def _path_value(path: Path) -> exp.Expr:
    """The path as SQLite's and MySQL's functions take it: text, or the bound argument."""
    if isinstance(path, exp.Placeholder):
        return path.copy()
    return exp.Literal.string(_path_text(path))


def _mysql_path(path: exp.Expr | None, ctx: Context) -> Path | None:
    """A MySQL path's keys and indexes; a path bound as an argument (`JSON_EXTRACT(meta,
    %s)`, as SQLAlchemy binds '$."source"') is converted to the target's form as it is bound
    (PostgreSQL: the text array `#>` takes; SQLite: its path text), a path that has other
    steps then failing with a ParameterError. None: a path of other steps (refused)."""
    if (
        isinstance(path, exp.Placeholder)
        and ctx.source == "mysql"
        and ctx.bind(path, f"mysql-json-path@{ctx.target}")
    ):
        return path
    return _steps(path)


def _document(doc: exp.Expr, ctx: Context) -> exp.Expr:
    """The JSON document as the target takes it: PostgreSQL needs jsonb, the others text."""
    if ctx.target == "postgres":
        return exp.Cast(this=doc, to=exp.DataType.build("JSONB"))
    if isinstance(doc, exp.Cast) and doc.to.this in (
        exp.DataType.Type.JSON,
        exp.DataType.Type.JSONB,
    ):
        inner: exp.Expr = doc.this  # MariaDB has no JSON cast; the text is the document
        return inner
    return doc


def _json(doc: exp.Expr, steps: Path, ctx: Context) -> exp.Expr:
    """The JSON value at ``steps`` (JSON text / jsonb; NULL when missing)."""
    if ctx.target == "mysql":
        return func("JSON_EXTRACT", doc, _path_value(steps))
    if ctx.target == "sqlite":
        return exp.JSONExtract(this=doc, expression=_path_value(steps), only_json_types=False)
    return _pg_arrows(doc, steps, text=False)


def _autowrapped(origin: exp.Expr, steps: Path, ctx: Context) -> tuple[exp.Expr, Path]:
    """The target's document (:func:`_document` of the source's ``origin``) and a path whose
    plain lookups mean what the source's path means at an array index 0.

    `[0]` of a value that is not an array differs by engine (measured): MySQL reads it as
    the value itself (`JSON_EXTRACT('{"a": 1}', '$[0]')` is the object; MySQL documents it
    as auto-wrapping), PostgreSQL's jsonb as the value when it is a scalar and missing for an
    object (`'1'::jsonb -> 0` is 1), its json and SQLite as missing. Where source and target
    differ, each `[0]` step becomes a lookup guarded by the value's type, the rest of the
    path read from it. A path bound as an argument cannot be seen, and is converted as it
    is (a documented limit). Corpus: json.toml `json-*-index-zero-*`."""
    doc = _document(origin, ctx)
    if isinstance(steps, exp.Placeholder):
        return doc, steps
    return _index_zero(origin, doc, steps, ctx)


def _index_zero(
    origin: exp.Expr, doc: exp.Expr, steps: list[Step], ctx: Context
) -> tuple[exp.Expr, list[Step]]:
    """:func:`_autowrapped` of a path of keys and indexes (``doc``: the target's document)."""
    if not any(type(s) is int and s == 0 for s in steps):
        return doc, steps
    itself = _wrapped_kinds(ctx.source, origin, ctx)
    if itself == _wrapped_kinds(ctx.target, None, ctx):
        return doc, steps
    array, obj = ("ARRAY", "OBJECT") if ctx.target == "mysql" else ("array", "object")
    name = {"postgres": "jsonb_typeof", "sqlite": "json_type"}.get(ctx.target, "JSON_TYPE")
    rest = list(steps)
    while True:
        at = next((n for n, s in enumerate(rest) if type(s) is int and s == 0), None)
        if at is None:
            return doc, rest
        before = _json(doc, rest[:at], ctx) if at else doc
        kind = func(name, before.copy())
        ifs = [
            exp.If(
                this=exp.EQ(this=kind.copy(), expression=exp.Literal.string(array)),
                true=_json(before.copy(), [0], ctx),
            )
        ]
        if itself == {"scalar"}:  # PostgreSQL's jsonb: an object has no [0]
            ifs.append(
                exp.If(this=exp.EQ(this=kind, expression=exp.Literal.string(obj)), true=exp.Null())
            )
        otherwise = before if itself else None
        doc = exp.Paren(this=exp.Case(ifs=ifs, default=otherwise))
        rest = rest[at + 1 :]


def _wrapped_kinds(engine: str, origin: exp.Expr | None, ctx: Context) -> frozenset[str]:
    """The values that are not arrays whose `[0]` is the value itself on ``engine``: objects
    and scalars in MySQL, scalars in PostgreSQL's jsonb (a target's documents are jsonb: see
    :func:`_document`), none in its json and in SQLite. A PostgreSQL source's document is
    json or jsonb by its cast or its column's type (assumed jsonb when unknown)."""
    if engine == "mysql":
        return frozenset({"object", "scalar"})
    if engine == "sqlite":
        return frozenset()
    if origin is None:
        return frozenset({"scalar"})
    typed = origin.find(exp.Cast, exp.Column)
    dtype = declared_type(typed, ctx) if isinstance(typed, exp.Column) else None
    if isinstance(typed, exp.Cast) and typed.to.this in _JSON_TYPES:
        jsonb = typed.to.this == exp.DataType.Type.JSONB
    elif dtype is not None:
        jsonb = dtype.this == exp.DataType.Type.JSONB
    else:
        ctx.assume(
            origin,
            "json-type-unknown",
            "that the document is jsonb, whose [0] of a scalar is the scalar (json's is NULL)",
            "pass schema= with the column's type, or cast it: doc::jsonb",
        )
        jsonb = True
    return frozenset({"scalar"}) if jsonb else frozenset()


def _pg_arrows(doc: exp.Expr, steps: Path, text: bool) -> exp.Expr:
    """`doc -> 'a' -> 0` (`->>` last when ``text``): a key or an index, never ambiguous; a
    bound path `doc #> $1` (`#>>`), its elements keys of objects and indexes of arrays."""
    if isinstance(steps, exp.Placeholder):
        if text:
            return exp.JSONBExtractScalar(this=doc, expression=steps.copy())
        return exp.JSONBExtract(this=doc, expression=steps.copy())
    if not steps and text:  # the value itself as text (a path ending in a guarded [0])
        return exp.JSONBExtractScalar(this=doc, expression=exp.Literal.string("{}"))
    current = doc
    for i, step in enumerate(steps):
        part = (
            exp.JSONPathSubscript(this=step)
            if isinstance(step, int)
            else exp.JSONPathKey(this=step)
        )
        path = exp.JSONPath(expressions=[exp.JSONPathRoot(), part])
        kind = exp.JSONExtractScalar if text and i == len(steps) - 1 else exp.JSONExtract
        current = kind(this=current, expression=path, only_json_types=True)
    return current


def _unquoted_mysql_style(doc: exp.Expr, steps: Path, ctx: Context) -> exp.Expr:
    """MySQL's JSON_UNQUOTE(JSON_EXTRACT()): strings unquoted, anything else as JSON text."""
    if ctx.target == "postgres":
        return exp.Coalesce(
            this=_pg_arrows(doc.copy(), steps, text=True),
            expressions=[
                exp.Cast(
                    this=_pg_arrows(doc.copy(), steps, text=False), to=exp.DataType.build("TEXT")
                )
            ],
        )
    path = _path_value(steps)
    return exp.Case(
        ifs=[
            exp.If(
                this=exp.EQ(
                    this=func("json_type", doc.copy(), path.copy()),
                    expression=exp.Literal.string("text"),
                ),
                true=exp.JSONExtractScalar(this=doc.copy(), expression=path.copy()),
            )
        ],
        default=exp.JSONExtract(this=doc.copy(), expression=path.copy(), only_json_types=False),
    )


def _unquoted_pg_style(doc: exp.Expr, steps: list[Step], ctx: Context) -> exp.Expr:
    """PostgreSQL's `->>`: strings unquoted, JSON null as NULL, anything else as JSON text."""
    path = exp.Literal.string(_path_text(steps))
    if ctx.target == "mysql":
        extracted = func("JSON_EXTRACT", doc.copy(), path.copy())
        return exp.Case(
            ifs=[
                exp.If(
                    this=exp.EQ(
                        this=func("JSON_TYPE", extracted.copy()),
                        expression=exp.Literal.string("NULL"),
                    ),
                    true=exp.Null(),
                )
            ],
            default=func("JSON_UNQUOTE", extracted),
        )
    kind = func("json_type", doc.copy(), path.copy())
    return exp.Case(
        ifs=[
            exp.If(
                this=exp.EQ(this=kind.copy(), expression=exp.Literal.string("text")),
                true=exp.JSONExtractScalar(this=doc.copy(), expression=path.copy()),
            ),
            exp.If(this=exp.EQ(this=kind, expression=exp.Literal.string("null")), true=exp.Null()),
        ],
        default=exp.JSONExtract(this=doc.copy(), expression=path.copy(), only_json_types=False),
    )


@rule(exp.Anonymous, source={"mysql"}, target={"postgres", "sqlite"})
def mysql_json_unquote(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `JSON_UNQUOTE(JSON_EXTRACT(doc, path))` unquotes strings and leaves every other
    value as JSON text (JSON null is the text 'null'). PostgreSQL: `COALESCE(doc ->> k,
    CAST(doc -> k AS TEXT))`; SQLite: `->>` for strings and `->` otherwise (by `json_type`).
    JSON_UNQUOTE of anything else stays unknown (refused).
    Corpus: json.toml `json-my-unquote-*`."""
    if node.name.upper() != "JSON_UNQUOTE" or len(node.expressions) != 1:
        return None
    inner = node.expressions[0]
    if not isinstance(inner, exp.JSONExtract) or inner.expressions:
        return None
    steps = _mysql_path(inner.expression, ctx)
    if steps is None:
        _refuse_path(inner, ctx, "only keys and non-negative indexes are portable")
        return None
    return _document_text(inner.this, steps, ctx, node)


def _document_text(doc: exp.Expr, steps: Path, ctx: Context, where: exp.Expr) -> exp.Expr:
    """MySQL's unquoted value (``where`` stands in the statement) as text. Against a literal
    it compares under the document's collation: a JSON column's is byte-wise
    (`JSON_UNQUOTE(JSON_EXTRACT(payload, '$.tag')) LIKE 'b%'` does not match "B"), a
    literal's the connection's; against a column's text, that column's collation wins
    (`CONCAT(kind, 'bob') < JSON_UNQUOTE(...)` folds case and accents). Both found by the
    generated differential tests."""
    byte_wise = _against_literal(where, ctx) and _json_document(doc, ctx)
    text = exp.Cast(
        this=_unquoted_mysql_style(*_autowrapped(doc, steps, ctx), ctx),
        to=exp.DataType.build("TEXT"),
    )
    return mark_bin_collation(text) if byte_wise else text


def _against_literal(node: exp.Expr, ctx: Context) -> bool:
    """``node`` (or a string function of it, which keeps its collation) is compared or
    matched with LIKE with literals only (or with other text of a JSON column)."""
    while node.parent is not None and (
        isinstance(node.parent, exp.Paren) or _keeps_collation(node, ctx)
    ):
        node = node.parent
    parent = node.parent
    if isinstance(parent, exp.In) and parent.this is node:
        others = list(parent.expressions)
    elif isinstance(parent, (*_ORDERING, exp.Like)):
        others = [parent.expression if parent.this is node else parent.this]
    else:
        return False
    return bool(others) and all(
        isinstance(o.this if isinstance(o, exp.Neg) else o, exp.Literal | exp.Placeholder)
        or _json_column_text(o, ctx)
        for o in others
    )


def _keeps_collation(node: exp.Expr, ctx: Context) -> bool:
    """``node``'s parent is a string function whose result has ``node``'s collation: made of
    it, literals (`SUBSTR(x, 1)`, `CONCAT(x, 'bob')`: a literal yields its collation; found
    by the generated writes) and other text of a JSON column (`CONCAT(x, x)`: both
    utf8mb4_bin; found by a commit seed)."""
    parent = node.parent
    if not isinstance(parent, TEXT_FUNCTIONS):
        return False
    texts = text_arguments(parent)
    return any(t is node for t in texts) and all(
        t is node or isinstance(t, exp.Literal | exp.Placeholder) or _json_column_text(t, ctx)
        for t in texts
    )


def _json_column_text(node: exp.Expr, ctx: Context) -> bool:
    """MySQL text under a JSON column's utf8mb4_bin: unquoted from one and already marked
    byte-wise, or `JSON_UNQUOTE(JSON_EXTRACT(col, p))` / `col ->> p` not translated yet."""
    while isinstance(node, exp.Paren):
        node = node.this
    if is_byte_wise(node):
        return True
    if isinstance(node, exp.Anonymous) and node.name.upper() == "JSON_UNQUOTE":
        inner = node.expressions[0] if len(node.expressions) == 1 else None
        doc = inner.this if isinstance(inner, exp.JSONExtract) else None
    else:
        doc = node.this if isinstance(node, exp.JSONExtractScalar) else None
    return isinstance(doc, exp.Column) and _json_document(doc, ctx)


@rule(exp.Anonymous, source={"mysql"}, target={"postgres", "sqlite"})
def mysql_json_length(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `JSON_LENGTH(doc[, path])`: an array's elements, an object's keys, 1 for a scalar
    (JSON null too), NULL for a missing path (checked on MariaDB). It was refused as an
    unknown function. PostgreSQL: a `CASE` over `jsonb_typeof()` with `jsonb_array_length()`
    and a count of `jsonb_object_keys()`; SQLite: a count of `json_each()`, which yields one
    row for a scalar. Corpus: json.toml `json-my-length`."""
    if node.name.upper() != "JSON_LENGTH" or not 1 <= len(node.expressions) <= 2:
        return None
    doc, *rest = node.expressions
    path = rest[0] if rest else exp.Literal.string("$")
    steps = _steps(DIALECTS["mysql"].to_json_path(path)) if isinstance(path, exp.Literal) else None
    if steps is None:
        _refuse_path(node, ctx, "only a literal path of keys and non-negative indexes")
        return None
    if not is_repeatable(doc):
        return None
    doc, steps = _index_zero(doc, _document(doc, ctx), steps, ctx)
    if ctx.target == "sqlite":
        literal = exp.Literal.string(_path_text(steps))
        each = exp.Table(this=func("json_each", doc.copy(), literal.copy()))
        count = exp.Subquery(this=exp.Select(expressions=[exp.Count(this=exp.Star())]).from_(each))
        missing = exp.Is(this=func("json_type", doc.copy(), literal), expression=exp.Null())
        return exp.Case(ifs=[exp.If(this=missing, true=exp.Null())], default=count)
    value = _json(doc, steps, ctx)
    keys = exp.Table(this=func("jsonb_object_keys", value.copy()))
    branches = [
        ("array", func("jsonb_array_length", value.copy())),
        (
            "object",
            exp.Subquery(this=exp.Select(expressions=[exp.Count(this=exp.Star())]).from_(keys)),
        ),
    ] + [(kind, exp.Literal.number(1)) for kind in ("string", "number", "boolean", "null")]
    return exp.Case(
        this=func("jsonb_typeof", value),
        ifs=[exp.If(this=exp.Literal.string(k), true=v) for k, v in branches],
    )


@rule(exp.Anonymous, source={"mysql"}, target={"postgres", "sqlite"})
def mysql_json_contains_path(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `JSON_CONTAINS_PATH(doc, 'one' | 'all', path, ...)`: 1 when one (all) of the
    paths is in the document, a JSON null there too, else 0; NULL for a NULL document
    (checked on MariaDB). It was refused as an unknown function. Both targets: `CASE WHEN doc
    IS NULL THEN NULL WHEN <the value at each path> IS NOT NULL (OR / AND ...) THEN 1 ELSE 0
    END`, the value taken as JSON (PostgreSQL `->` and SQLite `->` give a JSON null as
    'null', not as NULL), `[0]` of a non-array as MySQL reads it. Literal paths of keys and
    indexes only. Corpus: json.toml `json-my-contains-path`."""
    if node.name.upper() != "JSON_CONTAINS_PATH" or len(node.expressions) < 3:
        return None
    doc, mode, *paths = node.expressions
    if not (isinstance(mode, exp.Literal) and mode.is_string):
        return None
    combine = {"one": exp.or_, "all": exp.and_}.get(mode.name.lower())
    if combine is None or not is_repeatable(doc):
        return None  # (a bad mode is an error in MySQL) left to the unknown-function refusal
    found: list[exp.Expr] = []
    for path in paths:
        literal = isinstance(path, exp.Literal) and path.is_string
        steps = _steps(DIALECTS["mysql"].to_json_path(path)) if literal else None
        if steps is None:
            _refuse_path(node, ctx, "only literal paths of keys and non-negative indexes")
            return None
        value = _json(*_index_zero(doc, _document(doc.copy(), ctx), steps, ctx), ctx)
        found.append(exp.Not(this=exp.Is(this=value, expression=exp.Null())))
    test = found[0] if len(found) == 1 else combine(*(exp.paren(f) for f in found))
    missing = exp.Is(this=doc.copy(), expression=exp.Null())
    return exp.Case(
        ifs=[exp.If(this=missing, true=exp.Null()), exp.If(this=test, true=exp.Literal.number(1))],
        default=exp.Literal.number(0),
    )


@rule(exp.JSONSet, source={"mysql"}, target={"sqlite"})
def mysql_json_set_at_an_index(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL's JSON_SET appends at an index past an array's end and wraps a value that is
    not an array (`JSON_SET('{"a": 1}', '$[1]', 5)` is `[{"a": 1}, 5]`, `'$[0]'` replaces
    the object, `JSON_SET('[1]', '$[3]', 5)` is `[1, 5]`); SQLite's json_set() leaves all
    three unchanged (checked on MariaDB 10.11 and SQLite 3.40). A path with an array index,
    or one not written as a literal, is refused (`json-path`); paths of keys translate as
    they are. Corpus: json.toml `json-my-set-index`."""
    for path in node.expressions[0::2]:
        if not (isinstance(path, exp.Literal) and path.is_string) or "[" in path.name:
            ctx.refuse(
                node,
                "json-path",
                "MySQL's JSON_SET appends past an array's end and wraps a value that is not "
                "an array at an index; SQLite's json_set() does neither",
                "write a path of keys (and a literal), or change arrays in the application",
            )
            return None
    return None


_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.IntDiv, exp.Mod, exp.Neg)
_ORDERING = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


def _held(node: exp.Expr) -> tuple[exp.Expr, exp.Expr | None]:
    """``node`` past its parentheses, and the expression that holds it."""
    while isinstance(node.parent, exp.Paren):
        node = node.parent
    return node, node.parent


def _scalar_context(node: exp.Expr, ctx: Context) -> Kind | None:
    """How the value at ``node`` is read: Kind.INT for a number (an arithmetic operand, SUM
    or AVG, a comparison with a number), Kind.TEXT for a comparison with text, Kind.UNKNOWN
    for a comparison with a value of unknown type (a column without ``schema=``); None when
    it stays JSON (selected, IN, compared with JSON or NULL, anything else)."""
    node, parent = _held(node)
    if isinstance(parent, (*_ARITHMETIC, exp.Sum, exp.Avg)):
        return Kind.INT
    if not isinstance(parent, _ORDERING):
        return None
    other = parent.expression if node is parent.this else parent.this
    if isinstance(other, exp.Null) or other.find(
        exp.JSONExtract, exp.JSONExtractScalar, exp.JSONBExtract
    ):
        return None
    kind = infer(other, ctx).kind
    if kind.numeric:
        return Kind.INT
    return kind if kind in (Kind.TEXT, Kind.UNKNOWN) else None


def _mariadb_number(doc: exp.Expr, steps: Path, ctx: Context) -> exp.Expr:
    """The DOUBLE MariaDB reads a JSON value as: a number as such, a string by its numeric
    prefix ('12abc' is 12, 'abc' 0), true 1, false / null / arrays / objects 0, a missing path
    NULL."""
    zero, one = exp.Literal.number("0.0"), exp.Literal.number("1.0")
    if ctx.target == "sqlite":
        path = _path_value(steps)
        kinds = {"true": one, "false": zero, "null": zero, "array": zero, "object": zero}
        scalar = exp.JSONExtractScalar(this=doc.copy(), expression=path.copy())
        return exp.Case(
            this=func("json_type", doc.copy(), path.copy()),
            ifs=[exp.If(this=exp.Literal.string(k), true=v.copy()) for k, v in kinds.items()],
            default=exp.Cast(this=scalar, to=exp.DataType.build("REAL")),
        )
    value = _pg_arrows(doc, steps, text=False)
    text = exp.JSONBExtractScalar(this=value.copy(), expression=exp.Literal.string("{}"))
    double = exp.DataType.build("DOUBLE PRECISION")
    prefix = exp.Substring(this=text.copy(), start=exp.Literal.string(_PG_NUMBER_PREFIX))
    branches = {
        "number": exp.Cast(this=text.copy(), to=double),
        "string": exp.Coalesce(this=exp.Cast(this=prefix, to=double.copy()), expressions=[zero]),
        "boolean": exp.If(
            this=exp.EQ(this=text, expression=exp.Literal.string("true")),
            true=one,
            false=zero.copy(),
        ),
        "null": zero.copy(),
        "array": zero.copy(),
        "object": zero.copy(),
    }
    return exp.Case(
        this=func("jsonb_typeof", value),
        ifs=[exp.If(this=exp.Literal.string(k), true=v) for k, v in branches.items()],
    )


def _json_document(doc: exp.Expr, ctx: Context) -> bool:
    """Whether text extracted from ``doc`` compares byte-wise in MySQL: a JSON column is
    utf8mb4_bin in MariaDB (and MySQL compares JSON strings byte-wise), any other text has
    its own collation (a literal the connection's: case-insensitive). A column of unknown
    type is assumed to be JSON (`json-collation-unknown`)."""
    if not isinstance(doc, exp.Column):
        return False
    dtype = declared_type(doc, ctx)
    if dtype is None:
        ctx.assume(
            doc,
            "json-collation-unknown",
            "that it is a JSON column, whose text compares byte-wise (a text column compares "
            "by its collation: case-insensitively by default)",
            "pass schema= with the column's type",
        )
        return True
    collation = collation_of(dtype) or ""
    return dtype.this in _JSON_TYPES or collation.endswith("_bin") or collation == "binary"


_JSON_TYPES = {exp.DataType.Type.JSON, exp.DataType.Type.JSONB}


def _sqlite_number(doc: exp.Expr, steps: list[Step], ctx: Context) -> exp.Expr:
    """The number SQLite reads the JSON text of `doc -> p` as: a JSON number's value, 0 for
    anything else (its text starts with a quote, a bracket or a letter), NULL for a missing
    path; on PostgreSQL and MySQL, by the value's JSON type."""
    zero = exp.Literal.number("0.0")
    if ctx.target == "postgres":
        value = _pg_arrows(doc, steps, text=False)
        number = exp.Cast(this=value.copy(), to=exp.DataType.build("DOUBLE PRECISION"))
        others = ("string", "boolean", "null", "array", "object")
        return exp.Case(
            this=func("jsonb_typeof", value),
            ifs=[exp.If(this=exp.Literal.string("number"), true=number)]
            + [exp.If(this=exp.Literal.string(k), true=zero.copy()) for k in others],
        )
    value = func("JSON_EXTRACT", doc, exp.Literal.string(_path_text(steps)))
    kinds = ("INTEGER", "UNSIGNED INTEGER", "DOUBLE", "DECIMAL")
    numeric = exp.In(
        this=func("JSON_TYPE", value.copy()),
        expressions=[exp.Literal.string(k) for k in kinds],
    )
    present = exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))
    return exp.Case(
        ifs=[
            exp.If(this=numeric, true=exp.Cast(this=value, to=exp.DataType.build("DOUBLE"))),
            exp.If(this=present, true=zero),
        ]
    )


#: MySQL's numeric prefix of a string, as a PostgreSQL regular expression
_PG_NUMBER_PREFIX = r"^\s*[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?"


@rule(
    exp.JSONExtract, source={"mysql", "sqlite"}, target={"postgres", "sqlite", "mysql"}, first=True
)
def json_value_as_scalar(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A JSON value used as a number or compared with text.

    MariaDB reads MySQL's `JSON_EXTRACT(doc, p)` there as its unquoted value: a DOUBLE in
    arithmetic, SUM/AVG and comparisons with numbers (strings by their numeric prefix, true
    1, null 0); its unquoted text in comparisons with text (`IN` does not unquote), under the
    document's collation (a JSON column's utf8mb4_bin: byte-wise; a literal's the
    connection's). Translated as-is, SQLite compared the JSON text with a number by type
    (every text above every number: `> 2` held for all rows) and with text quoted (`= 'a'`
    matched nothing); PostgreSQL failed.

    SQLite's `->` gives JSON text: cast to a number or in arithmetic it is a JSON number's
    value and 0 for anything else (null, true, "5", arrays); PostgreSQL failed its cast of a
    jsonb null, MariaDB read "5" as 5 and true as 1 (found by the generated differential
    tests). Compared with text it is that JSON text (`-> '$.n' < '1'` holds for -3 and 0, not
    for null: PostgreSQL's jsonb order put null first); objects and arrays are JSON text
    spelled by each engine (PostgreSQL adds spaces), a known limit. Compared with a number it
    is compared by type, something no other engine does: refused (`json-comparison`).
    Corpus: json.toml `json-my-value-*`, `json-lite-arrow-*`."""
    if node.expressions:
        return None
    context = _scalar_context(node, ctx)
    if context is Kind.UNKNOWN:
        how = (
            "SQLite compares its JSON text with a number by type"
            if ctx.source == "sqlite"
            else "MariaDB compares the JSON value with text unquoted, with a number as a DOUBLE"
        )
        ctx.assume(
            node,
            "json-compared-unknown-type",
            f"that the other side is text ({how})",
            "pass schema= with the columns' types, or CAST the other side",
        )
        context = Kind.TEXT
    if ctx.source == "sqlite":
        outer = _held(node)[1]
        if isinstance(outer, _ORDERING) and context is Kind.INT:
            ctx.refuse(
                node,
                "json-comparison",
                "SQLite compares the JSON text `->` gives with a number by type (every text "
                "above every number), whatever the value",
                "compare `->>` (an SQL value) or CAST(doc -> '$.x' AS REAL) instead",
            )
            return None
        numeric_cast = isinstance(outer, exp.Cast) and infer(outer, ctx).kind.numeric
        steps = _steps(node.expression)
        if (context is Kind.INT or numeric_cast) and steps and is_repeatable(node.this):
            doc, steps = _index_zero(node.this, _document(node.this, ctx), steps, ctx)
            number = _sqlite_number(doc, steps, ctx)
            number.meta[TYPED] = Typed(Kind.FLOAT)
            return number
        if context is Kind.TEXT and steps:  # compared as the JSON text it is in SQLite
            return exp.Cast(
                this=_json(*_autowrapped(node.this, steps, ctx), ctx),
                to=exp.DataType.build("TEXT"),
            )
        return None
    if context is None or ctx.target == "mysql":
        return None
    path = _mysql_path(node.expression, ctx)
    if path is None or not is_repeatable(node.this):
        return None
    if context is Kind.INT:
        number = _mariadb_number(*_autowrapped(node.this, path, ctx), ctx)
        number.meta[TYPED] = Typed(Kind.FLOAT)
        return number
    return _document_text(node.this, path, ctx, node)


@rule(exp.JSONExtract, source={"mysql", "postgres", "sqlite"})
def json_extract(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """The JSON value at a path, as JSON text: MySQL `JSON_EXTRACT(doc, '$.a[0]')`, SQLite
    `doc -> '$.a[0]'`, PostgreSQL `doc -> 'a' -> 0`. One path of plain keys and non-negative
    indexes; several paths, wildcards and negative indexes are refused (`json-path`). Inside
    MySQL's JSON_UNQUOTE it is left to `mysql_json_unquote`.
    Corpus: json.toml `json-*-extract-*`, `json-*-arrow-*`."""
    parent = node.parent
    if (
        ctx.source == "mysql"
        and isinstance(parent, exp.Anonymous)
        and parent.name.upper() == "JSON_UNQUOTE"
    ):
        return None
    if node.expressions:
        _refuse_path(node, ctx, "MySQL returns an array for several paths")
        return None
    steps = _mysql_path(node.expression, ctx)
    if steps is None:
        _refuse_path(node, ctx, "only keys and non-negative indexes are portable")
        return None
    return _json(*_autowrapped(node.this, steps, ctx), ctx)


@rule(exp.JSONBExtract, exp.JSONBExtractScalar, source={"postgres"}, target={"mysql", "sqlite"})
def jsonb_path_operator(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL `doc #> '{a,b}'` (JSON) and `doc #>> '{a,b}'` (text, JSON null as NULL).
    A path element that looks like a number is an array index or an object key depending on
    the value, which a static path cannot say: refused (`json-path`).
    Corpus: json.toml `json-pg-path-*`."""
    steps = _steps(node.expression, pg_text_array=True)
    if steps is None:
        _refuse_path(node, ctx, "numeric or quoted path elements are ambiguous")
        return None
    doc = _document(node.this, ctx)
    if isinstance(node, exp.JSONBExtractScalar):
        return _unquoted_pg_style(doc, steps, ctx)
    return _json(doc, steps, ctx)


@rule(exp.JSONExtractScalar, source={"mysql", "postgres", "sqlite"})
def json_extract_scalar(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`->>` and SQLite `json_extract()`. MySQL `->>` is JSON_UNQUOTE(JSON_EXTRACT()) (JSON
    null is 'null'); PostgreSQL `->>` gives NULL for JSON null; SQLite's `->>` and
    `json_extract()` return SQL values whose type changes per row (INTEGER, REAL, TEXT, 1/0 for
    booleans), which no typed target column can reproduce: refused (`json-sql-value`).
    Corpus: json.toml `json-pg-arrow-text-*`, `json-lite-extract-*`."""
    if ctx.source == "sqlite":
        ctx.refuse(
            node,
            "json-sql-value",
            "SQLite's json_extract() and ->> return SQL values whose type depends on the "
            "document (INTEGER, REAL, TEXT, 1/0 for booleans)",
            "use `->` (JSON text) and compare with JSON text, or convert on the application side",
        )
        return None
    steps = _mysql_path(node.expression, ctx)
    if steps is None:
        _refuse_path(node, ctx, "only keys and non-negative indexes are portable")
        return None
    if ctx.source == "mysql":
        return _document_text(node.this, steps, ctx, node)
    doc, steps = _autowrapped(node.this, steps, ctx)
    assert isinstance(steps, list)  # (bound paths are MySQL's)
    return _unquoted_pg_style(doc, steps, ctx)


_KEY_TESTS = (exp.JSONBContainsTopKey, exp.JSONBContainsAnyTopKeys, exp.JSONBContainsAllTopKeys)


@rule(*_KEY_TESTS, source={"postgres"}, target={"sqlite"})
def jsonb_key_exists_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL `doc ? 'k'` holds when `k` is a top-level key of an object, a string element
    of an array, or the string itself (not a key of a nested object, not "k" inside a nested
    array); `?|` any of several keys, `?&` all. SQLite, for literal keys and a column: a
    `CASE` over `json_type(doc)` with `json_type(doc, '$."k"')` for objects and `json_each()`
    for arrays, NULL for a NULL document. Corpus: json.toml `json-pg-key-exists*`. (MySQL
    stays refused: its JSON_CONTAINS and JSON_SEARCH look into nested values, and
    JSON_SEARCH folds case.)"""
    arg = node.expression
    keys = arg.expressions if isinstance(arg, exp.Array) else [arg]
    literal = all(isinstance(k, exp.Literal) and k.is_string and '"' not in k.name for k in keys)
    doc = _document(node.this, ctx)  # (a ::jsonb cast dropped: SQLite's would be NUMERIC)
    if not keys or not literal or not is_repeatable(doc):
        return None  # refused below
    tests = [_sqlite_key_test(doc, key.name) for key in keys]
    combine = exp.and_ if isinstance(node, exp.JSONBContainsAllTopKeys) else exp.or_
    combined = tests[0] if len(tests) == 1 else combine(*[exp.paren(t) for t in tests])
    missing = exp.Is(this=doc.copy(), expression=exp.Null())
    return exp.Case(ifs=[exp.If(this=missing, true=exp.Null())], default=combined)


def _sqlite_key_test(doc: exp.Expr, key: str) -> exp.Expr:
    """`doc ? key` in SQLite for a non-NULL document (see jsonb_key_exists_for_sqlite)."""
    kind = func("json_type", doc.copy())
    member = exp.Not(
        this=exp.Is(
            this=func("json_type", doc.copy(), exp.Literal.string(_path_text([key]))),
            expression=exp.Null(),
        )
    )
    alias = exp.TableAlias(this=exp.to_identifier("_element"))
    each = exp.Table(this=func("json_each", doc.copy()), alias=alias)
    element = exp.Exists(
        this=exp.Select(expressions=[exp.Literal.number(1)])
        .from_(each)
        .where(
            exp.and_(
                exp.EQ(this=exp.column("type", "_element"), expression=exp.Literal.string("text")),
                exp.EQ(this=exp.column("value", "_element"), expression=exp.Literal.string(key)),
            )
        )
    )
    itself = exp.EQ(
        this=func("json_extract", doc.copy(), exp.Literal.string("$")),
        expression=exp.Literal.string(key),
    )
    return exp.Case(
        this=kind,
        ifs=[
            exp.If(this=exp.Literal.string("object"), true=member),
            exp.If(this=exp.Literal.string("array"), true=element),
            exp.If(this=exp.Literal.string("text"), true=itself),
        ],
        default=exp.false(),
    )


@rule(
    exp.ArrayContainsAll,
    *_KEY_TESTS,
    source={"postgres"},
    target={"mysql", "sqlite"},
)
def jsonb_containment(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL `@>` (jsonb or array containment) and the key-existence operators `?`, `?|`,
    `?&` (which also match string elements of arrays) have no faithful MySQL form, nor a
    SQLite one beyond literal keys of a column (above): refused (`json-operator`).
    Corpus: json.toml `json-pg-contains`."""
    ctx.refuse(
        node,
        "json-operator",
        f"{ctx.target} has no operator with the meaning of PostgreSQL's containment / key tests",
        "test the extracted values instead (e.g. doc ->> 'k' = 'v', doc -> 'k' IS NOT NULL)",
    )
    return None


#: SQLite json_type() names -> MySQL/MariaDB JSON_TYPE() names
_JSON_TYPE_NAMES = {
    "object": "OBJECT",
    "array": "ARRAY",
    "integer": "INTEGER",
    "real": "DOUBLE",
    "text": "STRING",
    "true": "BOOLEAN",
    "false": "BOOLEAN",
    "null": "NULL",
}


@rule(exp.JSONType, source={"mysql"}, target={"sqlite"})
def mysql_json_type(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL JSON_TYPE() says OBJECT, ARRAY, INTEGER, DOUBLE, STRING, BOOLEAN or NULL; SQLite's
    json_type() says object, array, integer, real, text, true, false or null. Mapped by a CASE
    on SQLite's answer (MariaDB calls 1e2 an INTEGER, SQLite a real: not mapped).
    Corpus: json.toml `json-my-type`."""
    kind = func("json_type", node.this.copy())
    ifs = [
        exp.If(this=exp.Literal.string(name), true=exp.Literal.string(mysql))
        for name, mysql in _JSON_TYPE_NAMES.items()
    ]
    return exp.Case(this=kind, ifs=ifs)


@rule(exp.JSONType, source={"sqlite"}, target={"mysql"})
def sqlite_json_type(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """The other way: SQLite json_type() names (object, ..., true, false) from MySQL's
    JSON_TYPE(); BOOLEAN is told apart by the value's text, which repeats the argument (columns,
    literals and arithmetic; else refused). json_type(x, path) reads JSON_EXTRACT(x, path).
    Corpus: json.toml `json-lite-type`."""
    doc: exp.Expr = node.this
    path = node.args.get("expression")
    value = doc.copy() if path is None else func("JSON_EXTRACT", doc.copy(), path.copy())
    if not all(is_repeatable(part) for part in (doc, path) if part is not None):
        ctx.refuse(
            node,
            "json-type",
            "MySQL JSON_TYPE() says BOOLEAN for true and false alike; telling them apart "
            "repeats the argument, which must be built from columns, literals and parameters",
            "compute the JSON value in a subquery or CTE",
        )
        return None
    names = {mysql: name for name, mysql in _JSON_TYPE_NAMES.items() if mysql != "BOOLEAN"}
    names |= {"DOUBLE": "real", "DECIMAL": "real", "UNSIGNED INTEGER": "integer"}
    truth = exp.Case(
        ifs=[
            exp.If(
                this=exp.EQ(
                    this=exp.Trim(this=exp.Cast(this=value.copy(), to=exp.DataType.build("CHAR"))),
                    expression=exp.Literal.string("true"),
                ),
                true=exp.Literal.string("true"),
            )
        ],
        default=exp.Literal.string("false"),
    )
    ifs = [exp.If(this=exp.Literal.string(m), true=exp.Literal.string(n)) for m, n in names.items()]
    ifs.append(exp.If(this=exp.Literal.string("BOOLEAN"), true=truth))
    return exp.Case(this=func("JSON_TYPE", value), ifs=ifs)
