"""Rules: string functions (length, concatenation, padding, trimming, slicing) across engines."""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import func, rule
from sqlshift.translator.rules.collation import is_byte_wise, mark_bin_collation
from sqlshift.translator.types import Kind, declared_type, infer, is_repeatable, is_simple


def _octets(node: exp.Expr, target: str) -> exp.Expr:
    if target == "sqlite":
        return exp.Length(this=exp.Cast(this=node, to=exp.DataType.build("BLOB")))
    return func("OCTET_LENGTH", node)


@rule(exp.Length, source={"mysql"}, target={"postgres", "sqlite"})
def byte_length(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL LENGTH() counts bytes (LENGTH('é') = 2); PostgreSQL and SQLite LENGTH() count
    characters. Becomes OCTET_LENGTH() / LENGTH(CAST(x AS BLOB)). CHAR_LENGTH is unchanged.
    Corpus: strings.toml `my-length-*`."""
    if not node.args.get("binary"):
        return None
    return _octets(node.this, ctx.target)


@rule(exp.Anonymous, source={"postgres", "mysql"})
def octet_length(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """OCTET_LENGTH() counts bytes in MySQL and PostgreSQL; SQLite before 3.43 has no
    OCTET_LENGTH, so it becomes LENGTH(CAST(x AS BLOB)).
    Corpus: strings.toml `pg-octet-length`, `str-my-octet-length`."""
    if node.name.lower() != "octet_length" or len(node.expressions) != 1:
        return None
    return _octets(node.expressions[0], ctx.target)


@rule(exp.Concat, source={"postgres"}, target={"mysql", "sqlite"})
def postgres_concat_of_booleans(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL CONCAT() writes a boolean as 't' / 'f' (CONCAT(TRUE) = 't'); MySQL and
    SQLite hold it as 1 / 0 and write '1'. A boolean column or predicate becomes CASE WHEN b
    THEN 't' WHEN NOT b THEN 'f' END (which repeats it: columns, literals and arithmetic,
    else refused). Runs before concat_for_sqlite, which makes CONCAT `||`.
    Corpus: strings.toml `str-pg-concat-boolean`."""
    for part in list(node.expressions):
        if not _postgres_boolean_as_text(part, ctx, "t", "f", "CONCAT()"):
            return None
    return None


def _postgres_boolean_as_text(
    value: exp.Expr, ctx: Context, true: str, false: str, where: str
) -> bool:
    """Replace ``value``, when it is a boolean (a BOOLEAN column or a predicate), by CASE WHEN
    value THEN ``true`` WHEN NOT value THEN ``false`` END, the text PostgreSQL writes for it
    in ``where``. False when it had to be refused (the CASE repeats it)."""
    declared = declared_type(value, ctx)
    boolean = declared is not None and declared.this == exp.DataType.Type.BOOLEAN
    if not (boolean or infer(value, ctx).kind is Kind.BOOL):
        return True
    if not is_repeatable(value):
        ctx.refuse(
            value,
            "concat-boolean",
            f"PostgreSQL writes a boolean as {true}/{false} in {where}; the emulation repeats it",
            f"CASE WHEN p THEN '{true}' ELSE '{false}' END",
        )
        return False
    text = _case(
        (value.copy(), exp.Literal.string(true)),
        (exp.Not(this=value.copy()), exp.Literal.string(false)),
    )
    value.replace(text)
    return True


@rule(exp.Concat, source={"postgres", "mysql"}, target={"sqlite"})
def concat_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite before 3.44 has no CONCAT(): PostgreSQL's CONCAT skips NULLs (becomes `||` over
    COALESCE(x, '')); MySQL's is NULL if any argument is (becomes plain `||`). A single
    argument is still made text, and decimal literals keep their digits.
    Corpus: strings.toml `*-concat-null`, `str-my-concat-one`."""
    concat_number_format(node, ctx)  # runs first: this rule changes the node's kind
    parts: list[exp.Expr] = [_decimal_text(p) for p in node.expressions]
    if node.args.get("coalesce"):
        parts = [exp.Coalesce(this=p, expressions=[exp.Literal.string("")]) for p in parts]
    if len(parts) == 1:  # still text (CONCAT(7) is '7'): `x || ''`
        parts.append(exp.Literal.string(""))
    return _dpipe(parts)


def _decimal_text(part: exp.Expr) -> exp.Expr:
    """A decimal literal as the text MySQL and PostgreSQL write for it (CONCAT(1.50) is
    '1.50'; SQLite reads 1.50 as the REAL 1.5)."""
    text = part.name if isinstance(part, exp.Literal) and not part.is_string else ""
    if "." in text and text.replace(".", "", 1).isdigit():
        return exp.Literal.string(text)
    return part


def _dpipe(parts: Sequence[exp.Expr]) -> exp.Expr:
    result = parts[0]
    for part in parts[1:]:
        result = exp.DPipe(this=result, expression=part, safe=True)
    return result


@rule(exp.ConcatWs, source={"postgres", "mysql"}, target={"sqlite"})
def concat_ws_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite before 3.44 has no CONCAT_WS(). Emulated as SUBSTR of the NULL-skipping
    concatenation of `sep || x` pieces; NULL when the separator is NULL, like the original.
    Corpus: strings.toml `*-concat-ws`."""
    separator, *items = node.expressions
    if not is_simple(separator):
        ctx.refuse(
            node,
            "concat-ws",
            "CONCAT_WS with a computed separator cannot be emulated in SQLite",
            "use a literal separator",
        )
        return None
    pieces = [
        exp.Coalesce(
            this=exp.DPipe(this=separator.copy(), expression=item, safe=True),
            expressions=[exp.Literal.string("")],
        )
        for item in items
    ]
    start = exp.Add(this=exp.Length(this=separator.copy()), expression=exp.Literal.number(1))
    joined = exp.Substring(this=_dpipe(pieces), start=start)
    if isinstance(separator, exp.Literal):
        return joined
    return exp.If(
        this=exp.Is(this=separator.copy(), expression=exp.Null()), true=exp.Null(), false=joined
    )


@rule(exp.ByteString, source={"postgres"})
def escape_string(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL E'a\\nb' is a text literal with backslash escapes, already decoded by the
    tokenizer (sqlglot calls it a byte string); elsewhere it is written as a plain literal,
    which the target generator escapes for itself. Corpus: strings.toml `pg-escape-string`."""
    return exp.Literal.string(node.name)


@rule(exp.RegexpLike, exp.RegexpILike, source={"mysql", "postgres"}, target={"sqlite"})
def regexp_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite parses `x REGEXP y` but has no regexp() function unless the application
    registers one (Python's sqlite3 does not), and its flavour would be Python's, not
    MySQL's or PostgreSQL's. Refused. Corpus: strings.toml `*-regexp`."""
    ctx.refuse(
        node,
        "regexp",
        "SQLite has no built-in REGEXP function",
        "register a regexp() function on the connection and pass strict=False, or use LIKE / GLOB",
    )
    return None


@rule(exp.RegexpLike, source={"mysql"}, target={"postgres"})
def case_insensitive_regexp(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL's default (_ci) collations make REGEXP case-insensitive; PostgreSQL `~` is
    case-sensitive, so it becomes `~*`. Corpus: strings.toml `my-regexp`."""
    return exp.RegexpILike(this=node.this, expression=node.expression)


@rule(exp.RegexpLike, source={"postgres"}, target={"mysql"})
def case_sensitive_regexp(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL `~` is case-sensitive; MySQL REGEXP follows the (case-insensitive) column
    collation, so the operand is compared under utf8mb4_bin. Corpus: strings.toml `pg-regexp`."""
    binary = exp.Collate(this=node.this, expression=exp.var("utf8mb4_bin"))
    return exp.RegexpLike(this=exp.Paren(this=binary), expression=node.expression)


@rule(exp.SplitPart, source={"postgres"}, target={"mysql"})
def split_part_into_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL `split_part(s, d, n)` is the n-th field of s split at d (from the end when n
    is negative), '' when s has fewer fields; MySQL has no such function. Its
    `SUBSTRING_INDEX(SUBSTRING_INDEX(s, d, n), d, -1)` gives the last field instead of '' when
    there are fewer, so a count of the delimiters guards it:
    `CASE WHEN (CHAR_LENGTH(s) - CHAR_LENGTH(REPLACE(s, d, ''))) DIV CHAR_LENGTH(d) >= |n| - 1
    THEN ... WHEN s IS NOT NULL THEN '' END` (REPLACE and SUBSTRING_INDEX match case-sensitively,
    as split_part does). A literal delimiter that is not empty and a literal n only, over a
    repeatable s; anything else stays refused (`unknown-function`).
    Corpus: strings.toml `str-pg-split-part`."""
    text, delimiter, index = node.this, node.args.get("delimiter"), node.args.get("part_index")
    if not (
        isinstance(delimiter, exp.Literal)
        and delimiter.is_string
        and delimiter.name
        and isinstance(index, exp.Literal | exp.Neg)
        and is_repeatable(text)
    ):
        return None
    try:
        n = int(index.sql(dialect="postgres"))
    except ValueError:
        return None
    if n == 0:
        return None  # an error in PostgreSQL ("field position must not be zero")
    field = func(
        "SUBSTRING_INDEX",
        func("SUBSTRING_INDEX", text.copy(), delimiter.copy(), exp.Literal.number(n)),
        delimiter.copy(),
        exp.Literal.number(-1 if n > 0 else 1),
    )
    removed = func("REPLACE", text.copy(), delimiter.copy(), exp.Literal.string(""))
    found: exp.Expr = exp.Sub(
        this=func("CHAR_LENGTH", text.copy()), expression=func("CHAR_LENGTH", removed)
    )
    if len(delimiter.name) > 1:
        found = exp.IntDiv(
            this=exp.Paren(this=found), expression=exp.Literal.number(len(delimiter.name))
        )
    enough = exp.GTE(this=found, expression=exp.Literal.number(abs(n) - 1))
    present = exp.Not(this=exp.Is(this=text.copy(), expression=exp.Null()))
    return exp.Case(
        ifs=[
            exp.If(this=enough, true=field),
            exp.If(this=present, true=exp.Literal.string("")),
        ]
    )


@rule(exp.RegexpILike, source={"postgres"}, target={"mysql"})
def case_insensitive_regexp_into_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL `x ~* p` (and `!~*`) matches ignoring case; MySQL has no such operator
    (sqlglot wrote REGEXP_I_LIKE, which neither MySQL nor MariaDB has). It becomes
    `(x COLLATE utf8mb4_bin) REGEXP '(?i)p'`: the inline flag of MariaDB's PCRE and MySQL 8's
    ICU, under a binary collation so the column's own collation adds no accent folding.
    Corpus: strings.toml `str-pg-regexp-case-insensitive`."""
    pattern = node.expression
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        flagged: exp.Expr = exp.Literal.string("(?i)" + pattern.name)
    else:
        flagged = func("CONCAT", exp.Literal.string("(?i)"), pattern)
    binary = exp.Collate(this=node.this, expression=exp.var("utf8mb4_bin"))
    return exp.RegexpLike(this=exp.Paren(this=binary), expression=flagged)


@rule(exp.RegexpSubstr, exp.RegexpInstr, exp.RegexpReplace, source={"postgres"}, target={"mysql"})
def case_sensitive_regexp_functions(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """The same for PostgreSQL's REGEXP_SUBSTR/REGEXP_INSTR/REGEXP_REPLACE: case-sensitive
    there, by the collation in MySQL (REGEXP_SUBSTR('Bob', 'b') is NULL in PostgreSQL, 'B' in
    MySQL). The subject is read under utf8mb4_bin; REGEXP_SUBSTR without a match is NULL
    (MariaDB returns '': NULLIF, which also turns an empty match into NULL).
    Corpus: strings.toml `str-pg-regexp-substr`."""
    if isinstance(node, exp.RegexpReplace) and not _replaces_every_match(node, ctx):
        return None
    binary = exp.Collate(this=node.this, expression=exp.var("utf8mb4_bin"))
    node.set("this", exp.Paren(this=binary))
    if isinstance(node, exp.RegexpSubstr):  # MariaDB gives '' where there is no match
        return exp.Nullif(this=node, expression=exp.Literal.string(""))
    return None


def _replaces_every_match(node: exp.Expr, ctx: Context) -> bool:
    """PostgreSQL's regexp_replace replaces the first match unless its flags say `g`; MySQL's
    and MariaDB's REGEXP_REPLACE replace every match and take no flags (MariaDB: no fourth
    argument at all). With exactly `'g'` the flag is dropped; without it (every match would
    be replaced: silently other text) or with other flags it is refused. Corpus:
    strings.toml `str-pg-regexp-replace-all`, `str-pg-regexp-replace-first`."""
    flags = node.args.get("modifiers")
    extra = [node.args.get(k) for k in ("position", "occurrence", "parameters")]
    if isinstance(flags, exp.Literal) and flags.is_string and flags.name == "g" and not any(extra):
        node.set("modifiers", None)
        node.set("single_replace", None)
        return True
    if flags is None and not any(extra):
        reason = "PostgreSQL's regexp_replace() without the 'g' flag replaces the first match "
        reason += "only; MySQL's REGEXP_REPLACE() replaces every match"
        hint = "add the 'g' flag in the source if every match is meant"
    else:
        reason = "MySQL's REGEXP_REPLACE() takes no flags (MariaDB: three arguments)"
        hint = "write the pattern without flags (and 'g'), e.g. (?i) inside it"
    ctx.refuse(node, "regexp-flags", reason, hint)
    return False


@rule(exp.Ascii, source={"postgres"}, target={"mysql", "sqlite"})
def code_point_of_first(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL ASCII(s) is the code point of the first character (ASCII('É') = 201, '' ->
    0); MySQL's is its first byte (195), and SQLite has UNICODE(), NULL for ''. Becomes
    ORD(CONVERT(s USING utf32)) on MySQL and COALESCE(UNICODE(s), LENGTH(s) * 0) on SQLite
    (which repeats s: columns, literals and arithmetic, else refused).
    Corpus: strings.toml `str-pg-ascii`."""
    if ctx.target == "mysql":
        utf32 = exp.Cast(
            this=node.this,
            to=exp.DataType(this=exp.DataType.Type.CHARACTER_SET, kind=exp.var("utf32")),
        )
        return func("ORD", utf32)
    if not is_repeatable(node.this):
        _refuse_ascii(node, ctx)
        return None
    return _sqlite_code_point(node.this)


def _sqlite_code_point(text: exp.Expr) -> exp.Expr:
    """SQLite: the first character's code point, 0 for '' (UNICODE('') is NULL) and NULL for
    NULL: COALESCE(UNICODE(s), LENGTH(s) * 0), which repeats s."""
    zero = exp.Mul(this=exp.Length(this=text.copy()), expression=_num(0))
    return exp.Coalesce(this=func("UNICODE", text.copy()), expressions=[zero])


def _refuse_ascii(node: exp.Expr, ctx: Context) -> None:
    ctx.refuse(
        node,
        "ascii-argument",
        "SQLite's UNICODE() is NULL for '' and it has no byte access to text; the emulation "
        "repeats the argument, which must be built from columns, literals and parameters",
        "compute the text in a subquery or CTE",
    )


@rule(exp.Ascii, source={"mysql"}, target={"postgres", "sqlite"})
def first_byte(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL ASCII(s) is the first byte of s (ASCII('É') = 195, '' -> 0); PostgreSQL's is the
    first character's code point (201) and SQLite has none. Becomes GET_BYTE(CONVERT_TO(s,
    'UTF8') || '\\x00', 0) on PostgreSQL; SQLite computes UTF-8's lead byte from UNICODE()
    (which repeats s: columns, literals and arithmetic, else refused).
    Corpus: strings.toml `str-my-ascii`."""
    if ctx.target == "postgres":
        encoded = func("CONVERT_TO", node.this, exp.Literal.string("UTF8"))
        zero = exp.Cast(this=exp.Literal.string("\\x00"), to=exp.DataType.build("BYTEA"))
        return func("GET_BYTE", exp.DPipe(this=encoded, expression=zero), exp.Literal.number(0))
    if not is_repeatable(node.this):
        _refuse_ascii(node, ctx)
        return None

    def point() -> exp.Expr:
        return _sqlite_code_point(node.this)

    def lead(bits: int, shift: int) -> exp.Expr:
        shifted = exp.BitwiseRightShift(this=point(), expression=_num(shift))
        return exp.BitwiseOr(this=_num(bits), expression=exp.Paren(this=shifted))

    return _case(
        (exp.LT(this=point(), expression=_num(128)), point()),
        (exp.LT(this=point(), expression=_num(2048)), lead(192, 6)),
        (exp.LT(this=point(), expression=_num(65536)), lead(224, 12)),
        default=lead(240, 18),
    )


@rule(exp.Hex, source={"postgres"}, target={"mysql", "sqlite"})
def postgres_to_hex(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL TO_HEX(n) writes an integer in lower-case hexadecimal (TO_HEX(45) = '2d');
    MySQL HEX(45) is '2D' and SQLite's HEX(45) the bytes of '45' ('3435'). Becomes
    LOWER(HEX(n)) on MySQL and printf('%x', n) on SQLite (under CASE WHEN n IS NOT NULL, which
    repeats n: columns, literals and arithmetic, else refused). PostgreSQL writes a negative
    INTEGER in 32 bits (TO_HEX(-1) = 'ffffffff'), so an int4 is masked with 0xFFFFFFFF; an
    operand of unknown width is refused. Corpus: strings.toml `str-pg-to-hex`."""
    value: exp.Expr = node.this
    bits = _postgres_int_bits(value, ctx)
    if bits is None:
        _refuse_hex(node, ctx, "the integer's width (INTEGER or BIGINT) is not known here")
        return None
    if bits == 32:  # a negative int4 is written as its 32-bit two's complement
        value = exp.Paren(this=exp.BitwiseAnd(this=value, expression=_num(0xFFFFFFFF)))
    if ctx.target == "mysql":
        return exp.Lower(this=exp.Hex(this=value))
    if not is_repeatable(value):
        _refuse_hex(node, ctx, "the emulation repeats the argument, which is not repeatable")
        return None
    printed = func("PRINTF", exp.Literal.string("%x"), value.copy())
    return _case((exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())), printed))


def _postgres_int_bits(node: exp.Expr, ctx: Context) -> int | None:
    """32 or 64: the width of a PostgreSQL integer expression (literals, columns the schema
    types, casts, arithmetic over them), or None when unknown."""
    if isinstance(node, exp.Paren | exp.Neg):
        return _postgres_int_bits(node.this, ctx)
    value = _int_literal(node)
    if value is not None:
        return 32 if -(2**31) <= value < 2**31 else 64
    if isinstance(node, exp.Add | exp.Sub | exp.Mul):
        sides = (_postgres_int_bits(node.this, ctx), _postgres_int_bits(node.expression, ctx))
        return None if None in sides else max(b for b in sides if b is not None)
    declared = node.to if isinstance(node, exp.Cast) else declared_type(node, ctx)
    if declared is None:
        return None
    kind = declared.this
    if kind in (exp.DataType.Type.INT, exp.DataType.Type.SMALLINT):
        return 32
    return 64 if kind == exp.DataType.Type.BIGINT else None


@rule(exp.Translate, source={"postgres"}, target={"mysql", "sqlite"})
def translate_function(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL TRANSLATE(s, from, to) replaces characters one for one in a single pass;
    MySQL and SQLite have no such function, and chained REPLACE() calls differ as soon as a
    replacement is itself replaced. Refused. Corpus: strings.toml `str-pg-translate`."""
    ctx.refuse(
        node,
        "translate",
        f"{ctx.target} has no TRANSLATE function",
        "use REPLACE() for each character where the replacements do not overlap",
    )
    return None


# ------------------------------------------------------------------ helpers for the rules below


def _int_literal(node: exp.Expr | None) -> int | None:
    """The value of an integer literal (``-1`` included), else None."""
    if isinstance(node, exp.Paren):
        return _int_literal(node.this)
    if isinstance(node, exp.Neg):
        inner = _int_literal(node.this)
        return None if inner is None else -inner
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return int(node.name)
        except ValueError:
            return None
    return None


def _str_literal(node: exp.Expr | None) -> str | None:
    if isinstance(node, exp.Literal) and node.is_string:
        return node.name
    return None


def _num(value: int) -> exp.Expr:
    literal = exp.Literal.number(abs(value))
    return exp.Neg(this=literal) if value < 0 else literal


def _case(*whens: tuple[exp.Expr, exp.Expr], default: exp.Expr | None = None) -> exp.Case:
    case = exp.Case()
    for condition, value in whens:
        case = case.when(condition, value, copy=False)
    if default is not None:
        case = case.else_(default, copy=False)
    return case


def _simple_or_refuse(ctx: Context, node: exp.Expr, code: str, *parts: exp.Expr | None) -> bool:
    """True when every part may be repeated in an emulation; refuses (and False) otherwise."""
    if all(p is None or is_simple(p) for p in parts):
        return True
    ctx.refuse(
        node,
        code,
        f"the emulation on {ctx.target} repeats an argument that is not a column or a literal",
        "compute the argument in a subquery or CTE and pass its column",
    )
    return False


def _substr(s: exp.Expr, start: exp.Expr, length: exp.Expr | None = None) -> exp.Expr:
    return exp.Substring(this=s.copy(), start=start, length=length)


def _zero(s: exp.Expr) -> exp.Expr:
    """'' for a non-NULL ``s``, NULL for NULL (SUBSTR(s, 1, 0))."""
    return _substr(s, exp.Literal.number(1), exp.Literal.number(0))


def _sqlite_repeat(s: exp.Expr, times: exp.Expr) -> exp.Expr:
    """SQLite has no REPEAT: REPLACE(HEX(ZEROBLOB(n)), '00', s) (n < 1 gives '')."""
    zeros = exp.Hex(this=func("ZEROBLOB", times))
    return exp.Replace(this=zeros, expression=exp.Literal.string("00"), replacement=s)


# ------------------------------------------------------------------------------ LPAD / RPAD


@rule(exp.Pad, source={"mysql"}, target={"postgres", "sqlite"})
def pad_from_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL LPAD/RPAD return NULL for a negative length (PostgreSQL: ''); with an empty pad
    string MariaDB returns NULL where padding is needed and MySQL 8 does not, so an empty or
    computed pad is refused. A negative length becomes NULL explicitly; PostgreSQL needs a
    text first argument (LPAD(id, 4, '0')); SQLite has no LPAD/RPAD and gets an emulation.
    Corpus: strings.toml `str-my-pad*`."""
    length, fill = node.expression, node.args.get("fill_pattern")
    pad = _str_literal(fill)
    if pad is None or pad == "":
        ctx.refuse(
            node,
            "pad-empty",
            "MySQL and MariaDB disagree on LPAD/RPAD with an empty pad string, and the pad "
            "here may be empty",
            "use a non-empty literal pad string",
        )
        return None
    value = _int_literal(length)
    if ctx.target == "postgres" and infer(node.this, ctx).kind is not Kind.TEXT:
        node.set("this", exp.Cast(this=node.this, to=exp.DataType.build("TEXT")))
    padded = _sqlite_pad(node, ctx) if ctx.target == "sqlite" else node
    if padded is None:
        return None
    if value is not None:
        return exp.Null() if value < 0 else padded
    if not _simple_or_refuse(ctx, node, "pad-length", length):
        return None
    negative = exp.LT(this=length.copy(), expression=exp.Literal.number(0))
    return _case((negative, exp.Null()), default=padded)


@rule(exp.Pad, source={"postgres"}, target={"mysql", "sqlite"})
def pad_from_postgres(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL LPAD/RPAD give '' for a negative length (MySQL: NULL) and, with an empty
    pad, return the string cut to the length (MySQL 8 and MariaDB differ there). For MySQL
    the length is clamped at 0 and an empty pad becomes LEFT(s, n); SQLite gets an
    emulation. Corpus: strings.toml `str-pg-pad*`."""
    if ctx.target == "sqlite":
        return _sqlite_pad(node, ctx)
    s, length = node.this, node.expression
    fill = node.args.get("fill_pattern") or exp.Literal.string(" ")
    node.set("fill_pattern", fill)
    value = _int_literal(length)
    if value is not None:
        if value < 0:
            node.set("expression", exp.Literal.number(0))
            length = node.expression
    elif _simple_or_refuse(ctx, node, "pad-length", length):
        negative = exp.LT(this=length.copy(), expression=exp.Literal.number(0))
        clamped = _case((negative, exp.Literal.number(0)), default=length.copy())
        node.set("expression", clamped)
        length = clamped
    else:
        return None
    pad = _str_literal(fill)
    if pad == "":
        return exp.Left(this=s, expression=length)
    if pad is not None:
        return None
    if not _simple_or_refuse(ctx, node, "pad-empty", fill):
        return None
    empty = exp.EQ(this=exp.Length(this=fill.copy()), expression=exp.Literal.number(0))
    return _case((empty, exp.Left(this=s.copy(), expression=length.copy())), default=node)


def _sqlite_pad(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL's LPAD/RPAD in SQLite: the string cut to n characters when it is at least
    that long, else padded with SUBSTR(REPLACE(HEX(ZEROBLOB(n)), '00', pad), 1, n - len)."""
    s, n = node.this, node.expression
    fill = node.args.get("fill_pattern") or exp.Literal.string(" ")
    if not _simple_or_refuse(ctx, node, "pad-arguments", s, n, fill):
        return None
    length = exp.Length(this=s.copy())
    missing = exp.Sub(this=n.copy(), expression=length.copy())
    filler = _substr(_sqlite_repeat(fill.copy(), n.copy()), exp.Literal.number(1), missing)
    if node.args.get("is_left"):
        padded: exp.Expr = exp.DPipe(this=filler, expression=s.copy(), safe=True)
    else:
        padded = exp.DPipe(this=s.copy(), expression=filler, safe=True)
    whens: list[tuple[exp.Expr, exp.Expr]] = []
    if _str_literal(fill) is None:
        whens.append((exp.Is(this=fill.copy(), expression=exp.Null()), exp.Null()))
    long_enough = exp.GTE(this=length, expression=n.copy())
    whens.append((long_enough, _substr(s, exp.Literal.number(1), n.copy())))
    return _case(*whens, default=padded)


# ------------------------------------------------------------------------- REPEAT, REVERSE


@rule(exp.Repeat, target={"sqlite"})
def repeat_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite has no REPEAT(): REPLACE(HEX(ZEROBLOB(n)), '00', s). A count that is not an
    integer is rounded first (as MySQL and PostgreSQL do); a NULL count stays NULL.
    Corpus: strings.toml `str-*-repeat*`."""
    s, times = node.this, node.args["times"]
    value = _int_literal(times)
    if value is not None:
        return _sqlite_repeat(s, exp.Literal.number(max(value, 0)))
    kind = infer(times, ctx).kind
    if kind is Kind.FLOAT:
        ctx.refuse(
            node,
            "repeat-count",
            "a DOUBLE repeat count is rounded differently by each engine",
            "CAST the count to an integer",
        )
        return None
    if not _simple_or_refuse(ctx, node, "repeat-count", times):
        return None
    count = times.copy() if kind is Kind.INT else exp.Round(this=times.copy())
    repeated = _sqlite_repeat(s, count)
    return _case((exp.Is(this=times.copy(), expression=exp.Null()), exp.Null()), default=repeated)


@rule(exp.Reverse, target={"sqlite"})
def reverse_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite has no REVERSE() and no way to write one in a single expression. Refused.
    Corpus: strings.toml `str-*-reverse`."""
    ctx.refuse(
        node,
        "reverse",
        "SQLite has no REVERSE function",
        "reverse the string in the application, or register a reverse() function",
    )
    return None


# ------------------------------------------------------------------------------ LEFT / RIGHT


@rule(exp.Left, exp.Right, source={"mysql", "postgres"}, target={"sqlite"})
def left_right_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite has no LEFT()/RIGHT(): SUBSTR(s, 1, n) / SUBSTR(s, -n). A length <= 0 gives ''
    in MySQL; in PostgreSQL a negative length counts from the other end (LEFT('abc', -1) =
    'ab'), and both are spelt out. Corpus: strings.toml `str-*-left-right*`."""
    s, n = node.this, node.expression
    left = isinstance(node, exp.Left)
    pg = ctx.source == "postgres"
    one = exp.Literal.number(1)
    value = _int_literal(n)
    if value is not None:
        if left and (value >= 0 or not pg):
            return _substr(s, one, _num(value))
        if left:  # PostgreSQL, negative
            return _substr(s, one, exp.Add(this=exp.Length(this=s.copy()), expression=_num(value)))
        if value > 0:
            return _substr(s, _num(-value))
        if value == 0 or not pg:
            return _zero(s)
        return _substr(s, _num(1 - value))
    if not _simple_or_refuse(ctx, node, "left-right", s, n):
        return None
    zero = exp.Literal.number(0)
    if left:
        if not pg:
            return _substr(s, one, n.copy())
        negative = exp.LT(this=n.copy(), expression=zero)
        shortened = _substr(s, one, exp.Add(this=exp.Length(this=s.copy()), expression=n.copy()))
        return _case((negative, shortened), default=_substr(s, one, n.copy()))
    positive = (exp.GT(this=n.copy(), expression=zero), _substr(s, exp.Neg(this=n.copy())))
    if not pg:
        return _case(positive, (exp.LTE(this=n.copy(), expression=zero), _zero(s)))
    return _case(
        positive,
        (exp.EQ(this=n.copy(), expression=zero), _zero(s)),
        (
            exp.LT(this=n.copy(), expression=zero),
            _substr(s, exp.Sub(this=one, expression=n.copy())),
        ),
    )


@rule(exp.Left, exp.Right, source={"mysql"}, target={"postgres"})
def left_right_negative_from_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL LEFT/RIGHT with a negative length give ''; PostgreSQL counts from the other end.
    The length is clamped at 0. Corpus: strings.toml `str-my-left-right*`."""
    n = node.expression
    value = _int_literal(n)
    if value is not None:
        if value < 0:
            node.set("expression", exp.Literal.number(0))
        return None
    if not _simple_or_refuse(ctx, node, "left-right", n):
        return None
    negative = exp.LT(this=n.copy(), expression=exp.Literal.number(0))
    node.set("expression", _case((negative, exp.Literal.number(0)), default=n.copy()))
    return None


@rule(exp.Left, exp.Right, source={"postgres"}, target={"mysql"})
def left_right_negative_from_postgres(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL LEFT/RIGHT with a negative length -n keep all but n characters; MySQL gives
    ''. The length becomes CHAR_LENGTH(s) - n. Corpus: strings.toml `str-pg-left-right-*`."""
    s, n = node.this, node.expression
    value = _int_literal(n)
    if value is not None and value >= 0:
        return None
    if not _simple_or_refuse(ctx, node, "left-right", s, n):
        return None
    shortened = exp.Add(this=exp.Length(this=s.copy()), expression=n.copy())
    if value is not None:
        node.set("expression", shortened)
        return None
    negative = exp.LT(this=n.copy(), expression=exp.Literal.number(0))
    node.set("expression", _case((negative, shortened), default=n.copy()))
    return None


# ------------------------------------------------------------------------------------- TRIM


@rule(exp.Trim, source={"mysql"}, target={"postgres", "sqlite"})
@rule(exp.Trim, source={"postgres", "sqlite"}, target={"mysql"})
def trim_characters(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL TRIM(BOTH 'xy' FROM s) removes the string 'xy' repeatedly; PostgreSQL and SQLite
    remove any of the characters x and y. The same only for a pad of at most one character;
    anything else is refused. Corpus: strings.toml `str-*-trim*`."""
    chars = node.args.get("expression")
    if chars is None:
        return None
    text = _str_literal(chars)
    if text is not None and len(text) <= 1:
        return None
    ctx.refuse(
        node,
        "trim-chars",
        "MySQL TRIM removes a whole string, PostgreSQL and SQLite a set of characters; they "
        "agree only for a single character",
        "trim one literal character at a time",
    )
    return None


# -------------------------------------------------------------------------- SUBSTRING_INDEX


@rule(exp.SubstringIndex, source={"mysql"}, target={"postgres", "sqlite"})
def substring_index(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL SUBSTRING_INDEX(s, d, n): everything before the n-th d (n < 0: after the n-th
    from the end; n = 0: ''). PostgreSQL gets SPLIT_PART(s, d, 1 / -1); SQLite gets SUBSTR
    with INSTR for n = 1, and for n = -1 with a one-character d the RTRIM idiom. Other counts
    and computed delimiters are refused. Corpus: strings.toml `str-my-substring-index*`."""
    s, delim, count = node.this, node.args["delimiter"], node.args["count"]
    d = _str_literal(delim)
    n = _int_literal(count)
    if d is None or d == "" or n is None or n not in (1, -1, 0):
        ctx.refuse(
            node,
            "substring-index",
            f"SUBSTRING_INDEX is emulated on {ctx.target} only with a non-empty literal "
            "delimiter and a count of 1, -1 or 0",
            "nest SUBSTRING_INDEX calls with counts of 1 and -1",
        )
        return None
    if n == 0:
        return _substr(s, exp.Literal.number(1), exp.Literal.number(0))
    if ctx.target == "postgres":
        return exp.SplitPart(this=s, delimiter=delim, part_index=_num(n))
    if not _simple_or_refuse(ctx, node, "substring-index", s):
        return None
    one = exp.Literal.number(1)
    if n == 1:
        found = exp.StrPosition(this=s.copy(), substr=delim.copy())
        before = _substr(s, one, exp.Sub(this=found.copy(), expression=exp.Literal.number(1)))
        return _case(
            (exp.GT(this=found, expression=exp.Literal.number(0)), before), default=s.copy()
        )
    if len(d) != 1:
        ctx.refuse(
            node,
            "substring-index",
            "SQLite finds the last delimiter only for a one-character delimiter",
            "use a one-character delimiter",
        )
        return None
    others = exp.Replace(this=s.copy(), expression=delim.copy(), replacement=exp.Literal.string(""))
    head = exp.Trim(this=s.copy(), expression=others, position="TRAILING")
    return _substr(s, exp.Add(this=exp.Length(this=head), expression=one))


# ---------------------------------------------------------------- concatenation of numbers


@rule(exp.DPipe, exp.Concat, source={"sqlite"})
@rule(exp.DPipe, exp.Concat, target={"sqlite"})
def concat_number_format(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite turns a REAL into text as '5200.0' / '100.0'; MySQL and PostgreSQL write a
    DECIMAL(10,2) as '5200.00' and a DOUBLE 100 as '100'. Concatenating a column known
    (from the schema) to be DECIMAL or DOUBLE is refused in and out of SQLite.
    Corpus: strings.toml `str-my-concat-decimal`, `str-lite-pipes-real`."""
    parts = [node.this, node.expression] if isinstance(node, exp.DPipe) else node.expressions
    for part in parts:
        if isinstance(part, exp.Column) and infer(part, ctx).kind in (Kind.EXACT, Kind.FLOAT):
            ctx.refuse(
                node,
                "concat-number-format",
                "SQLite and the other engines write non-integer numbers as text differently",
                "format the number explicitly (ROUND/printf/FORMAT) or CAST it to an integer",
            )
            return None
    return None


@rule(exp.DPipe, source={"postgres"}, target={"mysql", "sqlite"})
def postgres_pipes_of_booleans(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL `'x' || TRUE` writes the boolean as 'true' / 'false' (CONCAT() writes
    't' / 'f'); MySQL and SQLite hold it as 1 / 0. A boolean operand becomes CASE WHEN p THEN
    'true' WHEN NOT p THEN 'false' END (which repeats it: columns, literals, comparisons;
    else refused). Corpus: strings.toml `str-pg-pipes-boolean`."""
    for side in (node.this, node.expression):
        if side is not None and not _postgres_boolean_as_text(side, ctx, "true", "false", "||"):
            return None
    return None


@rule(exp.DPipe, source={"sqlite"}, target={"postgres"})
def pipes_of_truth_values(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite's truth values are the integers 1 and 0 (`'x' || (age > 30)` is 'x1');
    PostgreSQL's booleans are written 'true' / 'false'. A boolean operand (TRUE/FALSE or a
    predicate) is concatenated as CAST(CAST(p AS INT) AS TEXT). Runs before pipes_of_numbers.
    Corpus: strings.toml `str-lite-pipes-boolean`."""
    for key in ("this", "expression"):
        side = node.args.get(key)
        if side is not None and infer(side, ctx).kind is Kind.BOOL:
            as_int = exp.Cast(this=side.copy(), to=exp.DataType.build("INT"))
            node.set(key, exp.Cast(this=as_int, to=exp.DataType.build("TEXT")))
    return None


@rule(exp.DPipe, source={"sqlite"}, target={"postgres"})
def pipes_of_numbers(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite `id || age` concatenates the numbers' text; PostgreSQL's `||` needs one text
    operand. The left operand becomes CAST(x AS TEXT) unless a side is known text.
    Corpus: strings.toml `str-lite-pipes-numbers`."""
    sides = (node.this, node.expression)
    if any(infer(side, ctx).kind is Kind.TEXT for side in sides):
        return None
    node.set("this", exp.Cast(this=node.this, to=exp.DataType.build("TEXT")))
    return None


@rule(exp.Concat, source={"mysql"}, target={"postgres"})
def concat_of_numbers(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL CONCAT(city_id, manager_id) concatenates the numbers' text; PostgreSQL's `||`
    (what CONCAT without NULL-skipping becomes) needs one text operand, so the first operand
    is cast to TEXT unless one is known text. Corpus: strings.toml `str-my-concat-numbers`."""
    parts = node.expressions
    if parts and not any(infer(part, ctx).kind is Kind.TEXT for part in parts):
        cast = exp.Cast(this=parts[0].copy(), to=exp.DataType.build("TEXT"))
        if is_byte_wise(parts[0]):  # text of a JSON column stays byte-wise (json.toml
            mark_bin_collation(cast)  # `json-my-unquote-concat-of-two`)
        parts[0].replace(cast)
    return None


def _unicode_cased(text: str) -> bool:
    return any(not c.isascii() and c.upper() != c.lower() for c in text)


_ASCII_SAFE_FUNCTIONS = (
    exp.Paren,
    exp.Concat,
    exp.DPipe,
    exp.Trim,
    exp.Substring,
    exp.Replace,
    exp.Coalesce,
    exp.Upper,
    exp.Lower,
    exp.Left,
    exp.Right,
    exp.Pad,
    exp.Repeat,
    exp.Reverse,
)


def _case_safe(node: exp.Expr, ctx: Context) -> bool:
    """True when ``node`` cannot hold a non-ASCII letter with another case: a string literal
    without one, a number or truth value, or a string function of such operands only."""
    if isinstance(node, exp.Literal):
        return not (node.is_string and _unicode_cased(node.name))
    if isinstance(node, exp.Null):
        return True
    if infer(node, ctx).kind in (Kind.INT, Kind.EXACT, Kind.FLOAT, Kind.BOOL):
        return True
    if isinstance(node, _ASCII_SAFE_FUNCTIONS):
        children = [v for v in node.args.values() if isinstance(v, exp.Expr)]
        children += [e for e in node.expressions if isinstance(e, exp.Expr)]
        return all(_case_safe(child, ctx) for child in children)
    return False


@rule(exp.Upper, exp.Lower, source={"mysql", "postgres"}, target={"sqlite"})
def ascii_case_mapping(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite's UPPER()/LOWER() map ASCII letters only (UPPER('Café crème') = 'CAFé CRèME'),
    and SQLite has no other way to change the case of a non-ASCII letter. Refused unless
    the operand cannot hold one (an ASCII literal, a number, string functions of those);
    with options=Options(collation='target') SQLite's ASCII-only mapping is accepted.
    Corpus: literals.toml `lit-pg-multibyte`, generated.toml `gen-my-upper-sqlite`,
    `gen-pg-lower-sqlite`."""
    if _case_safe(node.this, ctx):
        return None
    if ctx.options.collation == "target" and _str_literal(node.this) is None:
        return None
    ctx.refuse(
        node,
        "case-mapping",
        "SQLite's UPPER() and LOWER() change ASCII letters only, and this text may hold "
        "others (é, ü, ß, Cyrillic, Greek ...)",
        "write the literal in the case you need; for columns known to hold ASCII only, pass "
        "options=Options(collation='target'); or register Unicode-aware upper()/lower() "
        "functions on the SQLite connection and translate with strict=False",
    )
    return None


_LOWER_ASCII = "abcdefghijklmnopqrstuvwxyz"
_UPPER_ASCII = _LOWER_ASCII.upper()


@rule(exp.Upper, exp.Lower, source={"sqlite"}, target={"mysql", "postgres"})
def sqlite_ascii_case_mapping(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite's UPPER()/LOWER() change ASCII letters only ('françois' -> 'FRANçOIS'); MySQL
    and PostgreSQL fold every letter. Emulated with TRANSLATE (PostgreSQL) or REPLACE of each
    ASCII letter (MySQL's REPLACE is case-sensitive); an ASCII-only literal keeps the function.
    Nested mappings collapse (only the outermost one counts for ASCII letters:
    UPPER(LOWER(x)) is UPPER(x)), so UPPER(UPPER(x)) is one chain of 26, not 52.
    Corpus: generated.toml `gen-lite-upper-non-ascii`, strings.toml `str-lite-upper-nested`."""
    operand = node.this
    if isinstance(operand, exp.Literal) and operand.name.isascii():
        return None
    mapped = operand.meta.get(_ASCII_MAPPED) if operand._meta else None
    if isinstance(mapped, exp.Expr):
        operand = mapped  # the inner mapping's own operand
    source, target = (
        (_LOWER_ASCII, _UPPER_ASCII)
        if isinstance(node, exp.Upper)
        else (_UPPER_ASCII, _LOWER_ASCII)
    )
    # sqlglot's own nodes (not opaque calls): the collation rules must still see text here,
    # e.g. UPPER(a) < b from SQLite compares bytes (gen-lite-upper-compare)
    result: exp.Expr
    if ctx.target == "postgres":
        result = exp.Translate(
            this=operand, from_=exp.Literal.string(source), to=exp.Literal.string(target)
        )
    else:
        result = operand
        for old, new in zip(source, target, strict=True):
            result = exp.Replace(
                this=result, expression=exp.Literal.string(old), replacement=exp.Literal.string(new)
            )
    result.meta[_ASCII_MAPPED] = operand
    return result


_ASCII_MAPPED = "sqlshift_ascii_mapped"
"""Meta: on the emulation of SQLite's UPPER()/LOWER(), the operand it maps."""


# --------------------------------------------------------------------------------------- HEX


def _refuse_hex(node: exp.Expr, ctx: Context, why: str) -> None:
    ctx.refuse(
        node,
        "hex-needs-types",
        f"{ctx.source} and {ctx.target} HEX() differ for numbers (the integer in hexadecimal, "
        f"or the bytes of its text) and for NULL; {why}",
        "HEX() a text value or an integer column the schema declares",
    )


def _hex_kind(value: exp.Expr, ctx: Context) -> Kind:
    """INT, or TEXT for text and bytes (whose bytes both engines write alike)."""
    return Kind.TEXT if isinstance(value, exp.HexString) else infer(value, ctx).kind


@rule(exp.Hex, source={"mysql"}, target={"sqlite"})
def mysql_hex_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL HEX() of a number writes the integer in hexadecimal (HEX(255) = 'FF', HEX(-1) =
    'FFFFFFFFFFFFFFFF') and NULL for NULL; SQLite's writes the bytes of the value's text
    ('323535') and '' for NULL. An integer becomes printf('%X', n), text stays HEX(); both
    under CASE WHEN x IS NOT NULL. Corpus: strings.toml `str-my-hex`."""
    value: exp.Expr = node.this
    if isinstance(value, exp.Null):
        return exp.Null()
    kind = _hex_kind(value, ctx)
    if kind not in (Kind.INT, Kind.TEXT):
        _refuse_hex(node, ctx, "the argument's type is not known to be integer or text")
        return None
    if not (is_repeatable(value) or isinstance(value, exp.HexString)):
        _refuse_hex(node, ctx, "the emulation repeats the argument, which is not repeatable")
        return None
    body = func("PRINTF", exp.Literal.string("%X"), value.copy()) if kind is Kind.INT else node
    present = exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))
    return _case((present, body))


@rule(exp.Hex, source={"sqlite"}, target={"mysql"})
def sqlite_hex_for_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite HEX() writes the bytes of the value's text (HEX(255) = '323535') and '' for
    NULL; MySQL writes a number's integer value in hexadecimal and NULL for NULL. Integers are
    cast to text first, and NULL becomes ''; REAL values (whose text differs) and unknown
    types are refused. Corpus: strings.toml `str-lite-hex`."""
    value: exp.Expr = node.this
    if isinstance(value, exp.Null):
        return exp.Literal.string("")
    kind = _hex_kind(value, ctx)
    if kind is Kind.INT:
        node.set("this", exp.Cast(this=value.copy(), to=exp.DataType.build("CHAR")))
    elif kind is not Kind.TEXT:
        _refuse_hex(node, ctx, "the argument's type is not known to be integer or text")
        return None
    return exp.Coalesce(this=node, expressions=[exp.Literal.string("")])


# ------------------------------------------------------------------------------------ FORMAT


@rule(exp.Format, source={"postgres"}, target={"mysql", "sqlite"})
@rule(exp.Format, source={"sqlite"}, target={"mysql", "postgres"})
def format_placeholders(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL format('Hello %s', x) fills %s with the text of each argument ('' for NULL);
    MySQL's FORMAT(x, d) is a different function (a number with thousands separators), and
    SQLite's format() is printf() (NULL for an empty format, REAL text for 2.50). A literal
    format of only %s and %% becomes the concatenation of its pieces and COALESCE(CAST(arg AS
    text), ''); other formats (%I, %L, positions, widths) are refused. SQLite's own format()
    (printf) goes to MySQL the same way, and stays format() on PostgreSQL (its empty format is
    NULL).
    Corpus: strings.toml `str-pg-format`, `str-lite-format`."""
    template = _str_literal(node.this)
    pieces = None if template is None else _format_pieces(template)
    args: list[exp.Expr] = list(node.expressions)
    if pieces is None or pieces.count(None) != len(args):
        ctx.refuse(
            node,
            "format-function",
            f"{ctx.source} format() has no {ctx.target} equivalent beyond a literal format of "
            "%s placeholders, one per argument",
            "build the text with CONCAT()",
        )
        return None
    if template == "" and ctx.source == "sqlite":
        return exp.Null()
    if ctx.target == "postgres":
        return None  # (from SQLite: %s and %% mean the same in PostgreSQL's format())
    text_type = "TEXT" if ctx.target == "sqlite" else "CHAR"
    values = iter(args)
    parts: list[exp.Expr] = [
        exp.Literal.string(piece)
        if piece is not None
        else exp.Coalesce(
            this=exp.Cast(
                this=_decimal_text(next(values)).copy(), to=exp.DataType.build(text_type)
            ),
            expressions=[exp.Literal.string("")],
        )
        for piece in pieces
    ] or [exp.Literal.string("")]
    if ctx.target == "sqlite":
        concat_number_format(exp.Concat(expressions=args), ctx)  # (REAL columns: refused)
        return _dpipe([*parts, exp.Literal.string("")] if len(parts) == 1 else parts)
    return exp.Concat(expressions=parts, safe=True)


def _format_pieces(template: str) -> list[str | None] | None:
    """``template`` split into literal text and None for each %s; None for any other %."""
    pieces: list[str | None] = []
    text, i = "", 0
    while i < len(template):
        char = template[i]
        if char != "%":
            text, i = text + char, i + 1
            continue
        follower = template[i + 1 : i + 2]
        if follower == "%":
            text, i = text + "%", i + 2
        elif follower == "s":
            pieces += [text, None] if text else [None]
            text, i = "", i + 2
        else:
            return None
    return [*pieces, text] if text else pieces


# -------------------------------------------------------------------------------- CHR / CHAR


@rule(exp.Chr, source={"postgres", "sqlite"}, target={"mysql"})
def code_points_for_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL CHR(n) and SQLite CHAR(n, ...) make text of Unicode code points (CHR(233) =
    'é'); MySQL CHAR(n) makes a binary string of bytes (CHAR(233) = b'\\xe9', returned as
    bytes). Becomes CAST(CHAR(n USING utf32) AS CHAR CHARACTER SET utf8mb4). NULL: SQLite
    reads it as code point 0 (COALESCE(n, 0)); PostgreSQL's CHR(NULL) is NULL where MySQL
    skips it, so the argument is repeated in CASE WHEN n IS NOT NULL (columns, literals
    and arithmetic, else refused). Corpus: strings.toml `str-pg-chr`, `str-lite-char`."""
    points: list[exp.Expr] = list(node.expressions)
    if ctx.source == "sqlite":
        points = [exp.Coalesce(this=p.copy(), expressions=[exp.Literal.number(0)]) for p in points]
    elif not (len(points) == 1 and is_repeatable(points[0])):
        ctx.refuse(
            node,
            "chr-argument",
            "MySQL CHAR() skips a NULL where PostgreSQL CHR() is NULL; the emulation repeats "
            "the argument, which must be built from columns, literals and parameters",
            "compute the code point in a subquery or CTE",
        )
        return None
    utf32 = exp.Chr(expressions=[p.copy() for p in points], charset=exp.var("utf32"))
    text_type = exp.DataType(this=exp.DataType.Type.CHARACTER_SET, kind=exp.var("utf8mb4"))
    text = exp.Cast(this=utf32, to=text_type)
    if ctx.source == "sqlite":
        return text
    present = exp.Not(this=exp.Is(this=points[0].copy(), expression=exp.Null()))
    return _case((present, text))


@rule(exp.Chr, source={"postgres"}, target={"sqlite"})
def chr_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL CHR(NULL) is NULL; SQLite char(NULL) is '\\x00' (NULL read as 0). The code
    point is repeated in CASE WHEN n IS NOT NULL THEN char(n) END (a column or literal; else
    refused). Corpus: strings.toml `str-pg-chr`."""
    point = node.expressions[0] if len(node.expressions) == 1 else None
    if point is None or not is_repeatable(point):
        ctx.refuse(
            node,
            "chr-argument",
            "SQLite char() reads NULL as 0 where PostgreSQL CHR() is NULL; the emulation "
            "repeats the argument, which must be built from columns, literals and parameters",
            "compute the code point in a subquery or CTE",
        )
        return None
    return _case((exp.Not(this=exp.Is(this=point.copy(), expression=exp.Null())), node))


@rule(exp.Chr, source={"sqlite"}, target={"postgres"})
def sqlite_char_for_postgres(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite char(a, b, ...) takes several code points; PostgreSQL CHR() one. Becomes
    CHR(a) || CHR(b) || ... (a NULL, which SQLite reads as '\\x00', is NULL there: PostgreSQL
    text cannot hold '\\x00'). Corpus: strings.toml `str-lite-char`."""
    points: list[exp.Expr] = list(node.expressions)
    if len(points) < 2:
        return None
    return exp.Paren(this=_dpipe([exp.Chr(expressions=[p.copy()]) for p in points]))


@rule(exp.Anonymous, source={"mysql"}, target={"postgres", "sqlite"})
def mysql_field(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL FIELD(x, a, b, ...) is the position of the first item equal to x, 0 for none
    or a NULL x; the targets have no such function (it was refused as unknown). It becomes
    `CASE WHEN x = a THEN 1 ... ELSE 0 END`, whose comparisons the rules then translate as
    any other (FIELD('Bob', 'bob') is 1 under MySQL's collation). Corpus: strings.toml
    `str-my-field`."""
    from sqlshift.translator.rules import apply_rules

    if node.name.upper() != "FIELD" or len(node.expressions) < 2:
        return None
    value, *items = node.expressions
    if not is_repeatable(value):
        return None  # evaluated once by MySQL: left to the unknown-function refusal
    case = exp.Case(
        ifs=[
            exp.If(this=exp.EQ(this=value.copy(), expression=item), true=exp.Literal.number(i))
            for i, item in enumerate(items, start=1)
            if not isinstance(item, exp.Null)  # equal to nothing, not even NULL
        ],
        default=exp.Literal.number(0),
    )
    if not case.args["ifs"]:
        return exp.Literal.number(0)  # FIELD(x, NULL): nothing is equal to NULL
    # the new comparisons get the rules their operands (already translated) did not see
    fresh = [case, *(n for i in case.args["ifs"] for n in (i, i.this))]
    return apply_rules(case, fresh, ctx)
