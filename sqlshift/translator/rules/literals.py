"""Rules: literals that could lose data on the way (national, introduced, hex, bit, NUL).

A literal must arrive byte-for-byte: the same characters for text, the same bytes for binary
strings. sqlglot keeps most literal forms as they were written, and some of them mean another
type on the target (PostgreSQL reads `X'41'` as a bit string and `N'a  '` as a blank-padded
`bpchar`, MySQL reads `N'...'` as utf8mb3, which cannot hold emoji), so each is rewritten to
a plain text literal or a byte string the target reads as such.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.flow import ARITHMETIC as _ARITHMETIC
from sqlshift.translator.rules import func, rule

_TEXT_CHARSETS = frozenset({"_utf8mb4", "_utf8", "_utf8mb3"})


def byte_literal(data: bytes, target: str) -> exp.Expr:
    """A literal of the binary string ``data`` as ``target`` spells one."""
    if target == "postgres":
        return func("DECODE", exp.Literal.string(data.hex()), exp.Literal.string("hex"))
    return exp.HexString(this=data.hex())


_BINARY_COLUMNS = frozenset(
    {
        exp.DType.BLOB,
        exp.DType.TINYBLOB,
        exp.DType.MEDIUMBLOB,
        exp.DType.LONGBLOB,
        exp.DType.VARBINARY,
        exp.DType.BINARY,
    }
)


def _undecodable(text: str) -> bool:
    """Text read from bytes that are not UTF-8 (the CLI keeps such bytes as lone surrogates,
    Python's ``surrogateescape``)."""
    return any("\udc80" <= c <= "\udcff" for c in text)


def bytes_into_binary_columns(
    insert: exp.Insert, types: list[exp.DataType | None], ctx: Context
) -> None:
    """A string literal inserted into a MySQL BLOB/BINARY column stores its bytes (mysqldump
    writes every BLOB that way unless given --hex-blob, raw bytes and `\\0` included).
    PostgreSQL would read the text as bytea's escape format (`'ab\\c'` is an error there),
    SQLite would store text, not a blob, and both refused a NUL in text: the literal becomes
    the byte string of its bytes (the UTF-8 of its text, or the very bytes a dump held that
    are not UTF-8). ``types`` are the VALUES columns' declared types. Called by scripts.py
    before the rules run (the literal rules would refuse the NUL or the bytes first).
    Corpus: literals.toml ``lit-my-text-into-blob``; tests/test_dump.py (raw bytes)."""
    values = insert.expression
    if not isinstance(values, exp.Values):
        return
    binary = [t is not None and t.this in _BINARY_COLUMNS for t in types]
    if not any(binary):
        return
    for row in values.expressions:
        items = list(row.expressions) if isinstance(row, exp.Tuple) else []
        for item, is_binary in zip(items, binary, strict=False):
            if is_binary and isinstance(item, exp.Literal) and item.is_string:
                data = item.name.encode("utf-8", "surrogateescape")
                item.replace(byte_literal(data, ctx.target))


@rule(exp.Literal)
def undecodable_text(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A string literal holding bytes that are not UTF-8 (a dump in another character set,
    raw bytes outside a BLOB column) has no text value the targets could store: refused
    (``not-utf8``). Those inserted into a binary column are bytes already
    (``bytes_into_binary_columns``). Corpus: tests/test_cli.py (a Latin-1 file)."""
    if not node.is_string or not _undecodable(node.name):
        return None
    ctx.refuse(
        node,
        "not-utf8",
        "this string holds bytes that are not UTF-8 text, and it is not stored into a binary "
        "column sqlshift knows of",
        "dump the database with --hex-blob (binary values) and --default-character-set=utf8mb4, "
        "or give the table's DDL or schema= so that its BLOB columns are known",
    )
    return None


@rule(exp.National)
def national_string(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`N'ab  '` is a PostgreSQL `bpchar` (trailing spaces dropped when used as text) and a
    utf8mb3 string in MySQL (emoji become '?'); a plain literal keeps every character.
    In PostgreSQL source the literal itself is a `bpchar`, whose trailing spaces vanish in
    comparisons and concatenation but not in output: with trailing spaces it is refused.
    Corpus: literals.toml `lit-*-national*`."""
    if ctx.source == "postgres" and node.name != node.name.rstrip(" "):
        ctx.refuse(
            node,
            "national-string",
            "a PostgreSQL N'' literal is a bpchar: its trailing spaces count in some uses only",
            "write a plain '...' literal (or rtrim it) to say which you mean",
        )
        return None
    return exp.Literal.string(node.name)


@rule(exp.Introducer, source={"mysql"})
def charset_introducer(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `_utf8mb4'abc'` names the literal's character set; the other engines have no
    introducers. Unicode introducers become the plain literal, `_binary` a byte string; any
    other character set (`_latin1`, ...) is refused, as its bytes would be reinterpreted.
    Corpus: literals.toml `lit-my-introducer*`."""
    charset = node.name.lower()
    value = node.expression
    if charset == "_binary":
        if isinstance(value, exp.Literal) and value.is_string:
            return byte_literal(value.name.encode(), ctx.target)
        if isinstance(value, exp.HexString):
            return byte_literal(bytes.fromhex(_even(value.name)), ctx.target)
    if charset in _TEXT_CHARSETS:
        if isinstance(value, exp.Literal) and value.is_string:
            return exp.Literal.string(value.name)
        if isinstance(value, exp.HexString):
            try:
                return exp.Literal.string(bytes.fromhex(_even(value.name)).decode("utf-8"))
            except UnicodeDecodeError:
                pass
    ctx.refuse(
        node,
        "charset-introducer",
        f"the character set introducer {node.name} has no equivalent on {ctx.target}",
        "write the literal as plain UTF-8 text (or X'..' for bytes)",
    )
    return None


def _even(digits: str) -> str:
    return digits if len(digits) % 2 == 0 else "0" + digits


@rule(exp.HexString, source={"mysql", "sqlite"})
def hex_string(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `X'4142'` / `0x4142` and SQLite `X'4142'` are byte strings; PostgreSQL reads
    `X'..'` as a bit string, so it becomes DECODE('4142', 'hex') (a bytea). MySQL uses a hex
    literal as a number in arithmetic (`0x41 + 0` = 65): that use is refused.
    Corpus: literals.toml `lit-*-hex*`."""
    if isinstance(node.parent, _ARITHMETIC) or node.args.get("is_integer"):
        ctx.refuse(
            node,
            "hex-number",
            "MySQL uses a hex literal in arithmetic as a number; elsewhere it is a byte string",
            "write the number in decimal",
        )
        return None
    if isinstance(node.parent, exp.Introducer):
        return None  # the introducer rule decides
    if ctx.target != "postgres":
        return None
    return byte_literal(bytes.fromhex(_even(node.name)), ctx.target)


@rule(exp.BitString)
def bit_string(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `b'1000001'` is the byte string 'A' (bits padded on the left to whole bytes);
    sqlglot makes it the integer 65 for SQLite and a bit string for PostgreSQL. It becomes a
    byte string. PostgreSQL's `B'101'` is a BIT VARYING value, which neither MySQL nor SQLite
    has: refused. Corpus: literals.toml `lit-my-bit-string`, `lit-pg-bit-string`."""
    if ctx.source != "mysql":
        ctx.refuse(
            node,
            "bit-string",
            "PostgreSQL bit strings (BIT VARYING) have no equivalent type on " + ctx.target,
            "use an integer or a bytea value instead",
        )
        return None
    if isinstance(node.parent, _ARITHMETIC):
        ctx.refuse(
            node,
            "hex-number",
            "MySQL uses a bit literal in arithmetic as a number; elsewhere it is a byte string",
            "write the number in decimal",
        )
        return None
    bits = node.name
    width = (len(bits) + 7) // 8
    data = int(bits, 2).to_bytes(width, "big") if bits else b""
    return byte_literal(data, ctx.target)


@rule(exp.HexString, source={"postgres"})
def pg_bit_hex(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL `X'41'` is a bit string (BIT VARYING), not bytes: refused.
    Corpus: literals.toml `lit-pg-bit-string`."""
    return bit_string(node, ctx)


_UNICODE_ESCAPE = r"(?:\+([0-9A-Fa-f]{6})|([0-9A-Fa-f]{4}))"


@rule(exp.UnicodeString, source={"postgres"})
def unicode_string(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL `U&'\\00e9'` spells characters by code point; sqlglot passes the escapes
    through, which MySQL reads as other characters. Decoded into a plain literal.
    Corpus: literals.toml `lit-pg-unicode-escape`."""
    escape = node.args.get("escape")
    mark = escape.name if isinstance(escape, exp.Literal) else "\\"
    if len(mark) != 1:
        return None
    pattern = re.compile(re.escape(mark) + "(?:" + re.escape(mark) + "|" + _UNICODE_ESCAPE + ")")

    def decode(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else mark

    text = pattern.sub(decode, node.name)
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        ctx.refuse(
            node,
            "unicode-escape",
            "UTF-16 surrogate pairs in U&'' strings are not decoded",
            "write the character itself or its \\+XXXXXX escape",
        )
        return None
    return exp.Literal.string(text)


@rule(exp.Literal, source={"mysql"}, target={"postgres", "sqlite"})
def nul_character(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `'a\\0b'` holds a NUL character; PostgreSQL text cannot store one and SQLite
    (through its C API) cuts the text there. Refused. Corpus: literals.toml `lit-my-nul`."""
    if isinstance(node, exp.Literal) and node.is_string and "\x00" in node.name:
        ctx.refuse(
            node,
            "string-nul",
            f"the literal holds a NUL character, which {ctx.target} text cannot hold",
            "store it as bytes (X'..') instead",
        )
    return None


def _exact_constant(node: exp.Expr) -> tuple[Decimal, bool] | None:
    """The value of an exact numeric literal (`0.1`, `-2.50`, `3`), and whether it has a
    decimal point (or is a folded one); None for floats in exponent form and anything else."""
    while isinstance(node, exp.Paren):
        node = node.this
    negative = isinstance(node, exp.Neg)
    inner = node.this if negative else node
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if not isinstance(inner, exp.Literal) or inner.is_string or "e" in inner.name.lower():
        return None
    try:
        value = Decimal(inner.name)
    except InvalidOperation:
        return None
    exact = "." in inner.name or bool(inner._meta and inner.meta.get(_FOLDED))
    return (-value if negative else value), exact


_FOLDED = "sqlshift_folded_constant"


@rule(exp.Add, exp.Sub, exp.Mul, source={"mysql", "postgres"}, target={"sqlite"})
def exact_constant_arithmetic(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL and PostgreSQL compute `0.1 * -3` exactly (-0.3); SQLite in REAL arithmetic
    (-0.30000000000000004), so a comparison with it can flip (`0.5e0 - 0.8 = 0.1 * -3` is
    true only in SQLite). Sums, differences and products of exact literals are computed
    here, exactly, and written as one literal. Corpus: numbers.toml `num-my-exact-constants`
    (found by the generator)."""
    left_constant, right_constant = _exact_constant(node.this), _exact_constant(node.expression)
    if left_constant is None or right_constant is None:
        return None
    (left, left_exact), (right, right_exact) = left_constant, right_constant
    if not (left_exact or right_exact):
        return None  # integers: 64-bit on every engine (SQLite would turn an overflow REAL)
    if isinstance(node, exp.Add):
        value = left + right
    elif isinstance(node, exp.Sub):
        value = left - right
    else:
        value = left * right
    text = format(abs(value), "f")
    literal = exp.Literal.number(text)
    literal.meta[_FOLDED] = True
    return exp.Paren(this=exp.Neg(this=literal)) if value < 0 else literal
