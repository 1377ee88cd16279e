"""Rules: SUBSTRING / SUBSTR / MID start positions and lengths outside 1.. and 0.. .

The three engines agree on ``SUBSTRING(s, p, n)`` only when ``p >= 1`` and ``n >= 0`` (or no
``n``). Elsewhere (``SUBSTRING('hello', p, n)``):

=============  ===============================  =============================  ===================
case           MySQL                            PostgreSQL                     SQLite
=============  ===============================  =============================  ===================
p = 0          '' (p, 2: '')                    positions before the string:   as PostgreSQL
                                                (0, 2): 'h'; (0): 'hello'
p < 0          from the end: (-3): 'llo';       positions before the string:   from the end, but
               '' when -p > LENGTH(s)           (-3): 'hello'; (-1, 3): 'h'    before the string
                                                                               as PostgreSQL:
                                                                               (-6, 2): 'h'
n < 0          ''                               an error                       the -n characters
                                                                               before p: (5, -2):
                                                                               'll'
=============  ===============================  =============================  ===================

Each rule below rewrites its source's meaning into the common form (start >= 1, length >= 0),
computing it when the arguments are integer literals and otherwise with a CASE over arguments
that may be evaluated more than once (``is_repeatable``: columns, literals, parameters and
arithmetic over them). A computed start that is not known to be at least 1 and cannot be
repeated is refused. Corpus: strings.toml ``str-*-substr-bounds*``.
"""

from __future__ import annotations

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import rule
from sqlshift.translator.rules.strings import (
    _case,
    _int_literal,
    _num,
    _substr,
)
from sqlshift.translator.types import is_repeatable


def _one() -> exp.Expr:
    return exp.Literal.number(1)


def _length(s: exp.Expr) -> exp.Expr:
    """The length of ``s`` in characters on every target (CHAR_LENGTH on MySQL)."""
    return exp.Length(this=s.copy())


def _plus(value: exp.Expr, amount: int) -> exp.Expr:
    if amount == 0:
        return value
    if amount > 0:
        return exp.Add(this=value, expression=_num(amount))
    return exp.Sub(this=value, expression=_num(-amount))


def _empty(s: exp.Expr, *nullable: exp.Expr | None) -> exp.Expr:
    """'' for a non-NULL ``s``; NULL when ``s`` or any of ``nullable`` is NULL (as the source
    would be): SUBSTRING(s, 1, 0 * n)."""
    length: exp.Expr = exp.Literal.number(0)
    for value in nullable:
        if value is not None and _int_literal(value) is None:
            length = exp.Mul(this=length, expression=exp.Paren(this=value.copy()))
    return _substr(s, _one(), length)


def _non_negative(node: exp.Expr | None) -> bool:
    """Known to be NULL or at least 0: an integer literal >= 0, a LENGTH or a position found
    by LOCATE/INSTR/POSITION/STRPOS (0 when absent), or a sum of such values."""
    if node is None:
        return False
    if isinstance(node, exp.Paren):
        return _non_negative(node.this)
    value = _int_literal(node)
    if value is not None:
        return value >= 0
    if isinstance(node, exp.Length | exp.StrPosition):
        return True
    if isinstance(node, exp.Add):
        return _non_negative(node.this) and _non_negative(node.expression)
    return False


def _at_least_one(node: exp.Expr | None) -> bool:
    """Known to be NULL or at least 1: an integer literal >= 1, or a non-negative value plus
    one (``LOCATE(',', s) + 1``)."""
    if node is None:
        return False
    if isinstance(node, exp.Paren):
        return _at_least_one(node.this)
    value = _int_literal(node)
    if value is not None:
        return value >= 1
    if isinstance(node, exp.Add):
        left, right = node.this, node.expression
        return (_at_least_one(left) and _non_negative(right)) or (
            _non_negative(left) and _at_least_one(right)
        )
    return False


def _repeatable_or_refuse(
    ctx: Context, node: exp.Expr, *parts: exp.Expr | None, code: str = "substr-start"
) -> bool:
    if all(part is None or is_repeatable(part) for part in parts):
        return True
    ctx.refuse(
        node,
        code,
        f"{ctx.source} and {ctx.target} disagree on SUBSTRING() outside start >= 1 and "
        "length >= 0, which this computed argument may be; the emulation evaluates it more "
        "than once, so it must be built from columns, literals and parameters",
        "compute the argument in a subquery or CTE and pass its column",
    )
    return False


@rule(exp.Substring, source={"mysql"}, target={"postgres", "sqlite"})
def substring_from_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL SUBSTRING(s, p, n) is '' for p = 0 or n < 0 and counts a negative p from the end
    ('' when that is before the string); PostgreSQL and SQLite count p <= 0 as positions before
    the string and SQLite returns the characters before p for n < 0 (see the module's table).
    Literal starts are rewritten, computed ones emulated with a CASE unless known to be >= 1;
    on SQLite a computed length becomes MAX(n, 0) (NULL stays NULL). A negative computed
    length stays an error on PostgreSQL. Corpus: strings.toml `str-my-substr-bounds*`."""
    s, p, n = node.this, node.args.get("start"), node.args.get("length")
    if p is None or isinstance(p, exp.Null) or isinstance(n, exp.Null):
        return None  # NULL on every engine
    start, count = _int_literal(p), _int_literal(n)
    if start == 0 or (count is not None and count < 0):
        return _empty(s, p, n)
    if n is not None and count is None and not _non_negative(n):
        n = _clamped_length(n, ctx.target, start)
        node.set("length", n)
    if (start is not None and start > 0) or (start is None and _at_least_one(p)):
        return None
    if start is not None:  # negative: from the end, unless that is before the string
        if not _repeatable_or_refuse(ctx, node, s):
            return None
        return _case(
            (
                exp.GTE(this=_length(s), expression=_num(-start)),
                _substr(s, _plus(_length(s), start + 1), n and n.copy()),
            ),
            default=_empty(s, p, n),
        )
    if not _repeatable_or_refuse(ctx, node, s, p):
        return None
    from_end = exp.Add(this=_plus(_length(s), 1), expression=p.copy())
    return _case(
        (exp.GT(this=p.copy(), expression=_num(0)), _substr(s, p.copy(), n and n.copy())),
        (
            exp.GTE(this=_length(s), expression=exp.Neg(this=exp.Paren(this=p.copy()))),
            _substr(s, from_end, n and n.copy()),
        ),
        (exp.Not(this=exp.Is(this=p.copy(), expression=exp.Null())), _empty(s, n)),
    )


def _clamped_length(n: exp.Expr, target: str, start: int | None) -> exp.Expr:
    """MySQL's computed length on ``target``, where a negative one must give '' too: SQLite
    MAX(n, 0) (NULL when n is; not needed from 1, where nothing comes before the start);
    PostgreSQL CASE WHEN n < 0 THEN 0 ELSE n END when n may be repeated (else it stays, and
    PostgreSQL rejects a negative length: an error, not a wrong answer)."""
    if target == "sqlite":
        return n if start == 1 else exp.Greatest(this=n.copy(), expressions=[_num(0)])
    if not is_repeatable(n):
        return n
    return _case((exp.LT(this=n.copy(), expression=_num(0)), _num(0)), default=n.copy())


@rule(exp.Substring, source={"postgres"}, target={"mysql", "sqlite"})
def substring_from_postgres(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL counts a start p <= 0 as positions before the string (SUBSTRING('hello'
    FROM 0 FOR 2) = 'h', FROM -3 = 'hello'); MySQL gives '' for p = 0 and counts a negative p
    from the end, as SQLite does. Such a start becomes 1 with the length shortened by 1 - p; a
    computed one gets a CASE unless known to be >= 1 (a negative length is an error in
    PostgreSQL and is left alone). Corpus: strings.toml `str-pg-substr-bounds*`."""
    s, p, n = node.this, node.args.get("start"), node.args.get("length")
    if isinstance(p, exp.Literal) and p.is_string:
        ctx.refuse(
            node,
            "substring-pattern",
            "PostgreSQL SUBSTRING(s FROM 'pattern') extracts a regular expression match",
            "use REGEXP_SUBSTR, or a numeric start position",
        )
        return None
    if p is None or _at_least_one(p) or isinstance(p, exp.Null) or isinstance(n, exp.Null):
        return None  # (a NULL argument: NULL on every engine)
    start = _int_literal(p)
    if start is not None:  # <= 0
        count = _int_literal(n)
        if count is not None:
            return _substr(s, _one(), _num(max(count + start - 1, 0)))
        return _substr(s, _one(), None if n is None else _plus(n.copy(), start - 1))
    if not _repeatable_or_refuse(ctx, node, p, n):
        return None
    before = exp.Paren(this=exp.Sub(this=p.copy(), expression=_one()))
    return _case(
        (exp.GTE(this=p.copy(), expression=_one()), _substr(s, p.copy(), n and n.copy())),
        (
            exp.LT(this=p.copy(), expression=_one()),
            _substr(s, _one(), None if n is None else exp.Add(this=n.copy(), expression=before)),
        ),
    )


@rule(exp.Substring, source={"sqlite"}, target={"postgres"})
def substring_from_sqlite_to_postgres(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite counts a negative start from the end (SUBSTR('hello', -3) = 'llo') and returns
    the -n characters before the start for a negative length (SUBSTR('hello', 5, -2) = 'll');
    PostgreSQL counts p < 0 as positions before the string and rejects n < 0. Both treat a
    start that lands before the string the same way, so a negative start becomes LENGTH(s) +
    p + 1 and a negative length moves the start back by -n (a CASE when they are computed).
    Corpus: strings.toml `str-lite-substr-negative`, `str-lite-substr-bounds*`."""
    s, p, n = node.this, node.args.get("start"), node.args.get("length")
    if p is None or isinstance(p, exp.Null) or isinstance(n, exp.Null):
        return None  # NULL on every engine
    start = _int_literal(p)
    if (start is not None and start >= 0) or (start is None and _non_negative(p)):
        return _sqlite_length_for_postgres(s, p.copy(), n)
    if not _repeatable_or_refuse(ctx, node, s, p):
        return None
    from_end = exp.Add(this=_plus(_length(s), 1), expression=p.copy())
    if start is not None:
        return _sqlite_length_for_postgres(s, from_end, n)
    return _case(
        (exp.LT(this=p.copy(), expression=_num(0)), _sqlite_length_for_postgres(s, from_end, n)),
        default=_sqlite_length_for_postgres(s, p.copy(), n),
    )


def _sqlite_length_for_postgres(s: exp.Expr, start: exp.Expr, n: exp.Expr | None) -> exp.Expr:
    """SUBSTRING(s FROM start FOR n) on PostgreSQL for SQLite's length ``n``: a negative one
    takes the -n characters before ``start``. A computed length that cannot be repeated stays
    as it is (PostgreSQL then rejects a negative one: an error, not a wrong answer)."""
    count = _int_literal(n)
    if n is None or _non_negative(n):
        return _substr(s, start, n and n.copy())
    if count is not None:  # negative
        return _substr(s, _plus(start, count), _num(-count))
    if not is_repeatable(n):
        return _substr(s, start, n.copy())
    before = _substr(
        s, exp.Add(this=start.copy(), expression=n.copy()), exp.Neg(this=exp.Paren(this=n.copy()))
    )
    return _case(
        (exp.LT(this=n.copy(), expression=_num(0)), before),
        default=_substr(s, start, n.copy()),
    )


@rule(exp.Substring, source={"sqlite"}, target={"mysql"})
def substring_from_sqlite_to_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite SUBSTR(s, p, n) treats p = 0 and a negative start reaching before the string as
    positions before it (SUBSTR('hello', 0, 2) = 'h', SUBSTR('hello', -6, 2) = 'h') and
    returns the -n characters before p for n < 0; MySQL returns '' for all of these. Integer
    literals are computed into a start >= 1 and a length >= 0; a negative start gets a CASE
    on LENGTH(s) (MySQL's own negative start when it is inside the string); computed starts
    and lengths that may be out of range are emulated (in general: the interval of positions
    SQLite reads, clipped to the string) when they can be repeated, else refused.
    Corpus: strings.toml `str-lite-substr-bounds*`."""
    s, p, n = node.this, node.args.get("start"), node.args.get("length")
    if p is None or isinstance(p, exp.Null) or isinstance(n, exp.Null):
        return None  # NULL on every engine
    start, count = _int_literal(p), _int_literal(n)
    if start == 0:  # positions 0 .. n-1: the first n - 1 characters
        return _substr(s, _one(), None if n is None else _plus(n.copy(), -1))
    if (start is not None and start > 0) or (start is None and _at_least_one(p)):
        if n is None or _non_negative(n) or start == 1:
            return None  # (SQLite: nothing comes before position 1)
        if count is not None and start is not None:  # negative: the -n characters before p
            low = max(start + count, 1)
            return _substr(s, _num(low), _num(start - low))
        if not _repeatable_or_refuse(ctx, node, p, n, code="substr-length"):
            return None
        low_expr = exp.Greatest(
            this=exp.Add(this=p.copy(), expression=n.copy()), expressions=[_one()]
        )
        return _case(
            (exp.GTE(this=n.copy(), expression=_num(0)), _substr(s, p.copy(), n.copy())),
            default=_substr(s, low_expr, exp.Sub(this=p.copy(), expression=low_expr.copy())),
        )
    if not _repeatable_or_refuse(ctx, node, s, p, n):
        return None
    negative_length = count < 0 if count is not None else not _non_negative(n)
    if n is not None and negative_length:
        return _sqlite_interval_for_mysql(s, p, n)
    # a negative start (literal, or computed and not 0): MySQL's own when it is inside s,
    # else the characters of positions 1 .. LENGTH(s) + p + n
    inside = exp.GTE(this=_length(s), expression=exp.Neg(this=exp.Paren(this=p.copy())))
    outside = _substr(
        s,
        _one(),
        None
        if n is None
        else exp.Add(this=exp.Add(this=_length(s), expression=p.copy()), expression=n.copy()),
    )
    if start is not None:
        return _case((inside, _substr(s, p.copy(), n and n.copy())), default=outside)
    zero = _substr(s, _one(), None if n is None else _plus(n.copy(), -1))
    return _case(
        (exp.EQ(this=p.copy(), expression=_num(0)), zero),
        (
            exp.Or(this=exp.GT(this=p.copy(), expression=_num(0)), expression=inside),
            _substr(s, p.copy(), n and n.copy()),
        ),
        (exp.LT(this=p.copy(), expression=_num(0)), outside),
    )


def _sqlite_interval_for_mysql(s: exp.Expr, p: exp.Expr, n: exp.Expr) -> exp.Expr:
    """SQLite's SUBSTR(s, p, n) in general, for MySQL: the start P (counted from the end when
    p < 0), the positions [P, P + n) or, for n < 0, [P + n, P), clipped to the string:
    SUBSTRING(s, GREATEST(low, 1), high - GREATEST(low, 1)) (MySQL gives '' for a length
    <= 0, and NULL when any part is NULL, as SQLite does)."""

    def start() -> exp.Expr:
        from_end = exp.Add(this=_plus(_length(s), 1), expression=p.copy())
        return _case((exp.LT(this=p.copy(), expression=_num(0)), from_end), default=p.copy())

    def shifted() -> exp.Expr:
        return exp.Add(this=start(), expression=n.copy())

    negative = exp.LT(this=n.copy(), expression=_num(0))
    low = _case((negative, shifted()), default=start())
    high = _case((negative.copy(), start()), default=shifted())
    first = exp.Greatest(this=low, expressions=[_one()])
    return _substr(s, first, exp.Sub(this=high, expression=first.copy()))


@rule(exp.Anonymous, source={"mysql"}, target={"postgres", "sqlite"})
def mid(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL MID(s, p, n) is SUBSTRING(s, p, n), which the other engines do not know by that
    name. Corpus: strings.toml `str-my-substr-bounds-mid`."""
    if node.name.upper() != "MID" or len(node.expressions) != 3:
        return None
    s, p, n = (e.copy() for e in node.expressions)
    substring = exp.Substring(this=s, start=p, length=n)
    return substring_from_mysql(substring, ctx) or substring
