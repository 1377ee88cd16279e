"""Rules: text comparison (case, trailing spaces, ordering) and LIKE / GLOB patterns.

MySQL's default collations (utf8mb4_general_ci in MariaDB, utf8mb4_0900_ai_ci in MySQL 8)
compare case- and accent-insensitively: `'bob' = 'Bob'`, `'Bob' LIKE 'b%'`,
`LOCATE('B', 'abc') = 2`, and they sort `Bob` next to `bob`. PostgreSQL (with the "C"
collation the corpus uses) and SQLite (BINARY) compare code points; SQLite's LIKE alone
folds ASCII letters (and only those: `'É' LIKE 'é'` is false).

Policy (``Options.collation``):

* ``"emulate"`` (default). Where the comparison is known to be between text -- one side is a
  string literal containing letters, or ``schema=`` says a column is text -- the source's
  comparison is reproduced on the target:

  - from MySQL: `a = b`, `<>`, `<=>`, `IN (...)`, `LIKE` and `LOCATE`/`INSTR` compare
    case- and accent-insensitively (`'émile' = 'EMILE'`, `'Zoë' LIKE '%e%'`). On PostgreSQL
    both sides are folded with `TRANSLATE(LOWER(x), <accented letters>, <base letters>)`
    (a string literal is folded here, in Python). On SQLite, which can neither fold
    non-ASCII case nor accents, a comparison with a literal becomes `GLOB` with a character
    class per letter (`[eEèéêë...]`); a comparison of two computed texts, a computed LIKE
    pattern or a LOCATE of letters is refused (`collation-unicode`). Text ordering cannot
    be reproduced (MySQL sorts `É` with `E`), so `<`, `BETWEEN`, `ORDER BY`, `GROUP BY`,
    `DISTINCT`, `MIN`/`MAX` of known text are refused (`collation-order`,
    `collation-group`); `COLLATE utf8mb4_bin` in the source is honoured (byte comparison is
    what the targets do anyway).

    The folding table (`_CLASSES`) holds the letters MariaDB's utf8mb4_general_ci and the
    UCA collations (MySQL 8's utf8mb4_0900_ai_ci, MariaDB's uca1400_ai_ci) both treat as
    equal (Latin, Greek, Cyrillic, measured on the server). Where the two families disagree
    (`ß`, dotless `i`, `Ø`, `Ł`, `Đ`, Greek accents, ...) no translation can be right for both: a
    literal holding such a letter is refused (`collation-accent`), and data holding one is
    compared as utf8mb4_general_ci would, letter by letter (a documented limit).
  - into MySQL: the comparison is made byte-wise with `CAST(x AS BINARY)` (`=`, `<`, `IN`,
    `ORDER BY`; no trailing-space padding either) or `COLLATE utf8mb4_bin` (`LIKE`, `LOCATE`,
    character-wise); `ILIKE` is `LOWER(x) LIKE LOWER(p)` under the binary collation.
    `GROUP BY`/`DISTINCT`/`MIN`/`MAX` of known text are refused (`collation-group`,
    `collation-order`).

  Indexes: on PostgreSQL `=`, IN and prefix LIKE compare one key per column
  (``comparison_key``), which translated DDL indexes, and a prefix LIKE is a byte range of
  it; into MySQL the collation's own comparison, implied by the byte-wise one, is added
  beside it for the column's index (``indexable_byte_comparisons``).

  Where the types are unknown (`WHERE name = ?` or `a.name = b.name` without ``schema=``),
  the comparison is left as it is, i.e. it follows the target's collation. Refusing every
  such comparison would refuse `WHERE id = ?` too; pass ``schema=`` to get the emulation.

* ``"target"``: no collation rule runs; every comparison follows the target's collation
  (what sqlglot does).

Trailing spaces: MariaDB, MySQL 5.7 and MySQL 8's general_ci/unicode_ci/_bin collations
ignore them in `=` and IN (PAD SPACE: `'Berlin ' = 'Berlin'`), MySQL 8's utf8mb4_0900_*
collations do not; ``Options.mysql_padding`` says which the source server does (default
PAD SPACE: both sides RTRIM'd on the targets; the generated tests found `label = 'Berlin'`
missing 'Berlin '). Corpus: collation.toml `coll-my-eq-pad-space*`.

Known limits of the emulation: the
letters the MySQL collation families disagree on (above) follow utf8mb4_general_ci;
comparisons whose operands are not known to be text (no ``schema=``) follow the target.
SQLite's LOWER() and LIKE fold ASCII letters only: a non-ASCII literal whose case matters
is refused there (`collation-unicode`), and so is UPPER()/LOWER() of text that may hold
non-ASCII letters (strings.py, `case-mapping`).
"""

from __future__ import annotations

import unicodedata

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.rules import func, rule
from sqlshift.translator.schema import collation_of
from sqlshift.translator.types import Kind, declared_type, infer, is_repeatable, is_simple

_BINARY = "sqlshift_binary"
"""Meta flag: the source asked for a byte-wise comparison of this operand (COLLATE x_bin)."""
_BIN_COLLATION = "sqlshift_bin_collation"
"""Meta flag: that byte-wise comparison is a text collation's (x_bin), which pads in `=`."""
_INDEXABLE = "sqlshift_indexable"
"""Meta flag: a byte-wise comparison into MySQL that the collation's own comparison, true
whenever it is, can lead to an index (``indexable_byte_comparisons``)."""

_EQUALITY = (exp.EQ, exp.NEQ, exp.NullSafeEQ, exp.NullSafeNEQ)
_ORDERING = (exp.GT, exp.GTE, exp.LT, exp.LTE)
_OTHERS = frozenset({"postgres", "sqlite"})


def _emulate(ctx: Context) -> bool:
    return ctx.options.collation == "emulate"


def _literal(node: exp.Expr | None) -> str | None:
    if isinstance(node, exp.Paren):
        return _literal(node.this)
    if isinstance(node, exp.Literal) and node.is_string:
        return node.name
    return None


def _has_case(text: str) -> bool:
    return any(c.lower() != c or c.upper() != c for c in text)


def _non_ascii_case(text: str) -> bool:
    return any(ord(c) > 127 and (c.lower() != c or c.upper() != c) for c in text)


def _ascii_letters(text: str) -> bool:
    return any(c.isascii() and c.isalpha() for c in text)


def _no_letters(node: exp.Expr) -> bool:
    """A literal pattern without letters: every collation matches it the same way."""
    text = _literal(node)
    return text is not None and not any(c.isalpha() for c in text)


def _assignment(node: exp.Expr) -> bool:
    """`SET col = value` in UPDATE / ON DUPLICATE KEY UPDATE / ON CONFLICT is an EQ node."""
    return node.arg_key == "expressions" and isinstance(
        node.parent, exp.Update | exp.OnConflict | exp.Insert
    )


_BINARY_TYPES = frozenset(
    {exp.DataType.Type.BINARY, exp.DataType.Type.VARBINARY, exp.DataType.Type.BLOB}
)


def _binary(node: exp.Expr | None) -> bool:
    """A byte-wise operand: `x COLLATE utf8mb4_bin` in the source, CAST(x AS BINARY), a `_bin`
    column, or a string function of one (MySQL's result keeps its argument's collation:
    `SUBSTR(label, 1) LIKE 'b%'` is case-sensitive on a `_bin` label; a literal beside it
    yields, another text does not; found by the generated differential tests)."""
    if isinstance(node, exp.Cast) and node.to.this in _BINARY_TYPES:
        return True
    if not isinstance(node, exp.Expr):
        return False
    if node.meta.get(_BINARY):
        return True
    if isinstance(node, _TEXT_FUNCTIONS):
        texts = _text_arguments(node)
        return any(_binary(t) for t in texts) and all(
            _binary(t) or _literal(t) is not None for t in texts
        )
    return False


def _text_arguments(node: exp.Expr) -> list[exp.Expr]:
    """The text a string function's result is made of (whose collation it takes)."""
    if isinstance(node, exp.Concat | exp.ConcatWs):
        return list(node.expressions)
    if isinstance(node, exp.DPipe):
        return [node.this, node.expression]
    return [node.this] if isinstance(node.this, exp.Expr) else []


_TEXT_FUNCTIONS = (
    exp.Translate,
    exp.Upper,
    exp.Lower,
    exp.Trim,
    exp.Substring,
    exp.Left,
    exp.Right,
    exp.Reverse,
    exp.Replace,
    exp.Pad,
    exp.Repeat,
    exp.Concat,
    exp.ConcatWs,
    exp.DPipe,
    exp.SubstringIndex,
    exp.SplitPart,
    exp.Initcap,
)
"""Functions whose result is text whatever their arguments (the collation applies to it)."""


def _text_column(node: exp.Expr | None, ctx: Context) -> bool:
    """True when ``node`` is not a literal and is known (schema, CAST, a string function
    such as TRIM(name) or CONCAT(a, b), a CASE/COALESCE of text) to be text."""
    if node is None or _literal(node) is not None or _binary(node):
        return False
    if isinstance(node, _TEXT_FUNCTIONS):
        return True
    if isinstance(node, exp.Paren):
        return _text_column(node.this, ctx)
    if isinstance(node, exp.Coalesce | exp.Case | exp.If | exp.Nullif):
        branches = (
            [node.this, *node.expressions]
            if isinstance(node, exp.Coalesce)
            else [node.this]
            if isinstance(node, exp.Nullif)
            else [b.args.get("true") for b in node.args.get("ifs") or []]
            + [node.args.get("default")]
            if isinstance(node, exp.Case)
            else [node.args.get("true"), node.args.get("false")]
        )
        if any(_text_column(b, ctx) for b in branches if isinstance(b, exp.Expr)):
            return True
    return infer(node, ctx).kind is Kind.TEXT


def _matters(operands: list[exp.Expr], ctx: Context, *, into_mysql: bool) -> bool:
    """Does the collation decide this comparison? A literal with letters (or, into MySQL,
    non-ASCII characters or trailing spaces) or a column known to be text says so."""
    if any(_binary(o) for o in operands):
        return False
    for operand in operands:
        text = _literal(operand)
        if text is None:
            continue
        if _has_case(text) or text != text.rstrip(" ") or (into_mysql and not text.isascii()):
            return True
    return any(_text_column(o, ctx) for o in operands)


def _assume_target_collation(
    node: exp.Expr, operands: list[exp.Expr | None], ctx: Context, verb: str = "compares"
) -> None:
    """Text of unknown type: where an operand's type is unknown (a column without
    ``schema=``, an argument) and none is known not to be text (a number, a date, a string
    literal, whose letters or their absence decided already), the construct is left to the
    target's collation, which differs from the source's for text: an assumption, reported
    (``collation-unknown-type``) or refused under ``Options(assumptions="refuse")``. Corpus:
    collation.toml `coll-my-unknown-type-*`."""
    present = [o for o in operands if o is not None]
    if not any(_unknown_type(o, ctx) for o in present):
        return
    if any(_binary(o) or not _unknown_type(o, ctx) for o in present):
        return
    how = (
        "MySQL's collation ignores case, accents and (in `=`) trailing spaces"
        if "mysql" in (ctx.source, ctx.target)
        else "the collations differ"
    )
    ctx.assume(
        node,
        "collation-unknown-type",
        f"that it is not text (if it is, {ctx.target} {verb} it by its own collation: {how})",
        "pass schema= with the columns' types (text is then compared as the source does), or "
        "options=Options(collation='target') to accept the target's collation",
    )


#: values that are never text: literals (judged by their own rules) and arithmetic
_NOT_TEXT = (
    exp.Literal, exp.Null, exp.Boolean, exp.Add, exp.Sub, exp.Mul, exp.Div, exp.IntDiv, exp.Mod,
    exp.Neg, exp.Predicate,
)  # fmt: skip


_CAST_TEXT = frozenset({exp.DataType.Type.VARCHAR, exp.DataType.Type.CHAR, exp.DataType.Type.TEXT})


def _unknown_type(node: exp.Expr, ctx: Context) -> bool:
    """A value the translator cannot type: no literal, no known column, no typed function."""
    if isinstance(node, _NOT_TEXT) or _literal(node) is not None:
        return False  # a literal, or arithmetic: a number whatever its operands hold
    if declared_type(node, ctx) is not None:
        return False
    if isinstance(node, exp.Cast) and node.to.this not in _CAST_TEXT:
        return False  # a number, a date, ...: typed by the cast
    kind = ctx.arg_kind(node)
    if kind is not None:
        return kind in ("text", "null", "other")  # an argument of another kind is no text
    return infer(node, ctx).kind is Kind.UNKNOWN and not isinstance(node, _TEXT_FUNCTIONS)


def _refuse_unicode(node: exp.Expr, operands: list[exp.Expr], ctx: Context) -> bool:
    """SQLite folds ASCII letters only: a literal whose non-ASCII letters have another case."""
    for operand in operands:
        text = _literal(operand)
        if text is not None and _non_ascii_case(text):
            ctx.refuse(
                node,
                "collation-unicode",
                f"{ctx.source} compares {text!r} case-insensitively, but SQLite folds only "
                "ASCII letters",
                "spell the literal in the case stored in the data and pass "
                "options=Options(collation='target')",
            )
            return True
    return False


def _refuse_computed(node: exp.Expr, ctx: Context) -> bool:
    """SQLite's LIKE folds ASCII letters only, the other engines' ILIKE / LOWER() every
    letter: with a computed pattern the data decides, so it is refused."""
    if _literal(node.expression) is not None:
        return False
    ctx.refuse(
        node,
        "collation-unicode",
        "SQLite's LIKE folds ASCII letters only and the other engines fold every letter; "
        "with a computed pattern the two differ on non-ASCII text",
        "use a literal pattern, or pass options=Options(collation='target')",
    )
    return True


def _like(
    kind: type[exp.Like | exp.ILike], this: exp.Expr, pattern: exp.Expr, like: exp.Expr
) -> exp.Expr:
    """A LIKE / ILIKE keeping ``like``'s NOT."""
    return kind(this=this, expression=pattern, negate=like.args.get("negate"))


def _refuse_accent(node: exp.Expr, operands: list[exp.Expr], ctx: Context) -> bool:
    """A literal holding a letter the MySQL collation families disagree on (`ß`, `Ø`, Greek
    accents) or one outside the folding table whose equivalences are unknown."""
    for operand in operands:
        text = _literal(operand)
        if text is None:
            continue
        for c in text:
            if c.isascii() or c in _FOLD:
                continue
            if c in _AMBIGUOUS or _has_case(c) or unicodedata.decomposition(c):
                ctx.refuse(
                    node,
                    "collation-accent",
                    f"MySQL compares {text!r} accent-insensitively, and its collations "
                    f"disagree on (or sqlshift has no table for) {c!r}",
                    "compare under a _bin collation in the source, or pass "
                    "options=Options(collation='target')",
                )
                return True
    return False


# The letters MariaDB's utf8mb4_general_ci and the UCA collations (uca1400_ai_ci, MySQL 8's
# 0900_ai_ci) both compare as equal, one class per line entry, its representative first;
# measured with WEIGHT_STRING on MariaDB 10.11 over Latin, Greek and Cyrillic letters.
_CLASS_TABLE = (
    "aAÀÁÂÃÄÅàáâãäåĀāĂăĄąǍǎǞǟǠǡǺǻȀȁȂȃȦȧḀḁẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặ bBḂḃḄḅḆḇ cCÇçĆćĈĉĊċČčḈḉ "
    "dDĎďḊḋḌḍḎḏḐḑḒḓ eEÈÉÊËèéêëĒēĔĕĖėĘęĚěȄȅȆȇȨȩḔḕḖḗḘḙḚḛḜḝẸẹẺẻẼẽẾếỀềỂểỄễỆệ fFḞḟ "
    "gGĜĝĞğĠġĢģǦǧǴǵḠḡ hHĤĥȞȟḢḣḤḥḦḧḨḩḪḫẖ iIÌÍÎÏìíîïĨĩĪīĬĭĮįİǏǐȈȉȊȋḬḭḮḯỈỉỊị jJĴĵǰ "
    "kKĶķǨǩḰḱḲḳḴḵ lLĹĺĻļĽľḶḷḸḹḺḻḼḽ mMḾḿṀṁṂṃ nNÑñŃńŅņŇňǸǹṄṅṆṇṈṉṊṋ "
    "oOÒÓÔÕÖòóôõöŌōŎŏŐőƠơǑǒǪǫǬǭȌȍȎȏȪȫȬȭȮȯȰȱṌṍṎṏṐṑṒṓỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợ pPṔṕṖṗ qQ "
    "rRŔŕŖŗŘřȐȑȒȓṘṙṚṛṜṝṞṟ sSŚśŜŝŞşŠšſȘșṠṡṢṣṤṥṦṧṨṩẛ tTŢţŤťȚțṪṫṬṭṮṯṰṱẗ "  # noqa: RUF001
    "uUÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲųƯưǓǔǕǖǗǘǙǚǛǜȔȕȖȗṲṳṴṵṶṷṸṹṺṻỤụỦủỨứỪừỬửỮữỰự vVṼṽṾṿ "
    "wWŴŵẀẁẂẃẄẅẆẇẈẉẘ xXẊẋẌẍ yYÝýÿŶŷŸȲȳẎẏẙỲỳỴỵỶỷỸỹ zZŹźŻżŽžẐẑẒẓẔẕ µΜμ æÆǢǣǼǽ ðÐ øØǾǿ þÞ đĐ "
    "ħĦ ĳĲ ŀĿ łŁ ŋŊ œŒ ŧŦ ƃƂ ƅƄ ƈƇ ƌƋ ƒƑ ƕǶ ƙƘ ƣƢ ƥƤ ƨƧ ƭƬ ƴƳ ƶƵ ƹƸ ƽƼ ƿǷ ǆǄǅ ǉǇǈ ǌǊǋ ǝƎ "  # noqa: RUF001
    "ǥǤ ǯƷǮ ǳǱǲ ȝȜ ȣȢ ȥȤ ΐΊΙΪίιϊἰἱἲἳἴἵἶἷἸἹἺἻἼἽἾἿὶιῐῑῒῖῗῘῙῚ "  # noqa: RUF001
    "άΆΑαἀἁἂἃἄἅἆἇἈἉἊἋἌἍἎἏὰᾀᾁᾂᾃᾄᾅᾆᾇᾈᾉᾊᾋᾌᾍᾎᾏᾰᾱᾲᾳᾴᾶᾷᾸᾹᾺᾼ έΈΕεἐἑἒἓἔἕἘἙἚἛἜἝὲῈ "
    "ήΉΗηἠἡἢἣἤἥἦἧἨἩἪἫἬἭἮἯὴᾐᾑᾒᾓᾔᾕᾖᾗᾘᾙᾚᾛᾜᾝᾞᾟῂῃῄῆῇῊῌ ΰΎΥΫυϋύὐὑὒὓὔὕὖὗὙὛὝὟὺῠῡῢῦῧῨῩῪ βΒϐ γΓ δΔ "
    "ζΖ θΘϑ κΚϰ λΛ νΝ ξΞ οΌΟόὀὁὂὃὄὅὈὉὊὋὌὍὸῸ πΠϖ ρΡϱῤῥῬ ςΣσϲ τΤ φΦϕ χΧ ψΨ "  # noqa: RUF001
    "ωΏΩώὠὡὢὣὤὥὦὧὨὩὪὫὬὭὮὯὼᾠᾡᾢᾣᾤᾥᾦᾧᾨᾩᾪᾫᾬᾭᾮᾯῲῳῴῶῷῺῼ ϒϓϔ ϛϚ ϝϜ ϟϞ ϡϠ ϣϢ ϥϤ ϧϦ ϩϨ ϫϪ ϭϬ ϯϮ "
    "аАӐӑӒӓ бБ вВ гЃГѓ дД еЀЁЕѐёӖӗ жЖӁӂӜӝ зЗӞӟ иЍИѝӢӣӤӥ йЙ кЌКќ лЛ мМ нН оОӦӧ пП рР сС тТ "  # noqa: RUF001
    "уЎУўӮӯӰӱӲӳ фФ хХ цЦ чЧӴӵ шШ щЩ ъЪ ыЫӸӹ ьЬ эЭӬӭ юЮ яЯ ђЂ єЄ ѕЅ іІЇї јЈ љЉ њЊ ћЋ џЏ ѡѠ "  # noqa: RUF001
    "ѣѢ ѥѤ ѧѦ ѩѨ ѫѪ ѭѬ ѯѮ ѱѰ ѳѲ ѵѴѶѷ ѹѸ ѻѺ ѽѼ ѿѾ ҁҀ ҍҌ ҏҎ ґҐ ғҒ ҕҔ җҖ ҙҘ қҚ ҝҜ ҟҞ ҡҠ ңҢ "
    "ҥҤ ҧҦ ҩҨ ҫҪ ҭҬ үҮ ұҰ ҳҲ ҵҴ ҷҶ ҹҸ һҺ ҽҼ ҿҾ ӄӃ ӈӇ ӌӋ ӕӔ әӘӚӛ ӡӠ өӨӪӫ άΆ έΈ ήΉ ίΊ όΌ ύΎ "  # noqa: RUF001
    "ώΏ "
)
_CLASSES: tuple[str, ...] = tuple(_CLASS_TABLE.split())
_AMBIGUOUS = frozenset(
    "ªºÐØßðøĐđĦħıĿŀŁłƀƚƞǄǅǆǱǲǳǾǿȠȻȼȽɁɂɃɆɇɈɉɊɋɌɍɎɏͰͱͲͳͶͷͺͻͼͽͿΆΈΉΊΌΎΏΐΑΕΗΘΙΟΣΥΩΪΫάέήίΰα"
    "εηθιοςσυωϊϋόύώϏϑϒϓϔϗϘϙϲϳϴϵϷϸϹϺϻϽϾϿЃГгѓҊҋҐґӀӅӆӉӊӍӎӏӶӷӺӻӼӽӾӿԀԁԂԃԄԅԆԇԈԉԊԋԌԍԎԏԐԑԒԓԔԕ"
    "ԖԗԘԙԚԛԜԝԞԟԠԡԢԣԤԥԦԧԨԩԪԫԬԭԮԯẞỺỻỼỽỾỿἀἁἂἃἄἅἆἇἈἉἊἋἌἍἎἏἐἑἒἓἔἕἘἙἚἛἜἝἠἡἢἣἤἥἦἧἨἩἪἫἬἭἮἯἰἱἲ"
    "ἳἴἵἶἷἸἹἺἻἼἽἾἿὀὁὂὃὄὅὈὉὊὋὌὍὐὑὒὓὔὕὖὗὙὛὝὟὠὡὢὣὤὥὦὧὨὩὪὫὬὭὮὯὰάὲέὴήὶίὸόὺύὼώᾀᾁᾂᾃᾄᾅᾆᾇᾈᾉᾊᾋᾌ"
    "ᾍᾎᾏᾐᾑᾒᾓᾔᾕᾖᾗᾘᾙᾚᾛᾜᾝᾞᾟᾠᾡᾢᾣᾤᾥᾦᾧᾨᾩᾪᾫᾬᾭᾮᾯᾰᾱᾲᾳᾴᾶᾷᾸᾹᾺΆᾼιῂῃῄῆῇῈΈῊΉῌῐῑῒΐῖῗῘῙῚΊῠῡῢΰῦῧῨῩῪΎῲῳ"
    "ῴῶῷῸΌῺΏῼ"
)
_FOLD: dict[str, str] = {c: cls[0] for cls in _CLASSES for c in cls}
_GLOB_CLASS: dict[str, str] = {c: f"[{cls}]" for cls in _CLASSES for c in cls}
# TRANSLATE runs after LOWER(): only the letters LOWER() may leave are listed.
_TRANSLATE_FROM = "".join(
    c for cls in _CLASSES for c in cls[1:] if c == c.lower() or c.lower() not in cls
)
_TRANSLATE_TO = "".join(_FOLD[c] for c in _TRANSLATE_FROM)


def _fold_text(text: str) -> str:
    """A literal folded the way `_fold` folds a column on PostgreSQL."""
    return "".join(_FOLD.get(c) or _FOLD.get(c.lower(), c.lower()) for c in text)


def _fold(node: exp.Expr, ctx: Context, *, padded: bool = False) -> exp.Expr:
    """MySQL's case- and accent-insensitive comparison key on PostgreSQL: the literal
    folded here, anything else TRANSLATE(LOWER(x), accented letters, base letters);
    ``padded`` (`=` and IN under PAD SPACE) drops trailing spaces first.

    ASCII text has no accents, so it is only lowered: `CASE WHEN OCTET_LENGTH(x) =
    CHAR_LENGTH(x) THEN LOWER(x) ELSE TRANSLATE(...) END`. PostgreSQL's TRANSLATE looks up
    each character in the 400-letter list, 20 us for an e-mail address: building the
    companion index of 24,000 of them took 1.1 s, and the key was 28x the cost of LOWER in
    a scan (same keys; benchmarks/bench_migrate.py)."""
    text = _literal(node)
    if text is not None:
        return exp.Literal.string(_fold_text(text.rstrip(" ") if padded else text))
    if padded:
        node = _rtrim(node)
    octets = func("OCTET_LENGTH", node.copy())
    octets.meta[_BINARY] = True  # (two counts, compared exactly: no collation rule applies)
    ascii_only = exp.EQ(this=octets, expression=exp.Length(this=node.copy()))
    accents = func(
        "TRANSLATE",
        exp.Lower(this=node),
        exp.Literal.string(_TRANSLATE_FROM),
        exp.Literal.string(_TRANSLATE_TO),
    )
    return exp.Case(
        ifs=[exp.If(this=ascii_only, true=exp.Lower(this=node.copy()))], default=accents
    )


def comparison_key(column: exp.Expr, ctx: Context, *, binary: bool = False) -> exp.Expr | None:
    """What MySQL-source `=`, IN and prefix LIKE compare a text column by on PostgreSQL
    (``_fold``, without trailing spaces under PAD SPACE); for a ``binary`` (`_bin`) column,
    what `=` and IN compare it by (RTRIM under PAD SPACE, the column itself otherwise: None).
    The translated DDL indexes this expression (rules/ddl.py), so that those comparisons can
    use an index."""
    if binary:
        return _rtrim(column) if _padded(ctx) else None
    return _fold(column, ctx, padded=_padded(ctx))


def _prefix_pattern(pattern: str | None, escape: str) -> bool:
    """True for a LIKE pattern that ends with `%` after a letter or digit (`'bo%'`,
    `'%b_b%'`): `x LIKE p` and `RTRIM(x) LIKE p` then agree (the letter ends the match of the
    part before the `%`, and trailing spaces can only fall to that `%`), so the LIKE can
    compare the same key as `=` does under PAD SPACE, and use the same index."""
    if pattern is None or not pattern.endswith("%") or (escape and escape.isalnum()):
        return False
    body = pattern.rstrip("%")
    return bool(body) and body[-1].isalnum()


def _prefix_range(like: exp.Expr, escape: str) -> exp.Expr | None:
    """`key LIKE 'abc%'` (the folded key and pattern of a MySQL prefix LIKE) as the byte range
    `key ~>=~ 'abc' AND key ~<~ 'abd'`: the same rows (UTF-8 byte order is code point order,
    and the strings that start with 'abc' are those from 'abc' up to 'abd'), found in the
    companion index alone. PostgreSQL would look up the same range there but then re-run the
    LIKE, and so the 400-letter TRANSLATE, on every row it finds (a 2.6x slower lookup than
    a native one in benchmarks/bench_collation_index.py). Corpus: collation.toml
    `coll-my-like-prefix-*`."""
    pattern = _literal(like.expression)
    if pattern is None:
        return None
    body = pattern.rstrip("%")
    wildcards = {"%", "_", *escape}
    if not body or any(c in wildcards for c in body):
        return None
    last = ord(body[-1]) + 1
    if 0xD800 <= last <= 0xDFFF or last > 0x10FFFF:
        return None
    key = like.this

    def compare(operator: str, bound: str, key: exp.Expr) -> exp.Expr:
        return exp.Operator(
            this=key, operator=f"pg_catalog.{operator}", expression=exp.Literal.string(bound)
        )

    low = compare("~>=~", body, key)
    high = compare("~<~", body[:-1] + chr(last), key.copy())
    result: exp.Expr = exp.Paren(this=exp.And(this=low, expression=high))
    if like.args.get("negate"):
        result = exp.Not(this=result)
    return result


def _has_class(text: str) -> bool:
    return any(c in _GLOB_CLASS for c in text)


def _glob_literal(text: str) -> str:
    """A GLOB pattern matching ``text`` case- and accent-insensitively (MySQL's `=`)."""
    return "".join(_GLOB_CLASS.get(c) or _glob_char(c) for c in text)


def _glob_char(c: str) -> str:
    return f"[{c}]" if c in "*?[" else c


def _like_to_ci_glob(pattern: str, escape: str) -> str | None:
    """A MySQL LIKE pattern as a GLOB pattern with a character class per letter."""
    out: list[str] = []
    chars = iter(pattern)
    for ch in chars:
        if escape and ch == escape:
            ch = next(chars, "")
            if not ch:
                return None
            out.append(_GLOB_CLASS.get(ch) or _glob_char(ch))
        elif ch == "%":
            out.append("*")
        elif ch == "_":
            out.append("?")
        else:
            out.append(_GLOB_CLASS.get(ch) or _glob_char(ch))
    return "".join(out)


def _sqlite_equal(node: exp.Expr, a: exp.Expr, b: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL's `a = b` on SQLite: GLOB against the literal side (both sides without trailing
    spaces under PAD SPACE); None after a refusal."""
    left, right = _literal(a), _literal(b)
    if _padded(ctx):
        a = exp.Literal.string(left.rstrip(" ")) if left is not None else _rtrim(a)
        b = exp.Literal.string(right.rstrip(" ")) if right is not None else _rtrim(b)
        left, right = _literal(a), _literal(b)
    if left is not None and right is not None:
        return exp.EQ(
            this=exp.Literal.string(_fold_text(left)),
            expression=exp.Literal.string(_fold_text(right)),
        )
    if right is None:
        a, b, left, right = b, a, right, left
    if right is None:
        ctx.refuse(
            node,
            "collation-unicode",
            "MySQL compares these two texts case- and accent-insensitively ('É' = 'e'); "
            "SQLite can fold neither non-ASCII case nor accents",
            "compare with a literal, compare under a _bin collation in the source, or pass "
            "options=Options(collation='target')",
        )
        return None
    if not _has_class(right):
        return exp.EQ(this=a, expression=b)
    return exp.Glob(this=a, expression=exp.Literal.string(_glob_literal(right)))


def _lower(node: exp.Expr) -> exp.Expr:
    return exp.Lower(this=node)


def _padded(ctx: Context) -> bool:
    """MySQL's `=` ignores trailing spaces (PAD SPACE; see ``Options.mysql_padding``)."""
    return ctx.options.mysql_padding == "pad-space"


def _rtrim(node: exp.Expr) -> exp.Expr:
    """``node`` without trailing spaces (only spaces: PAD SPACE pads with them)."""
    return func("RTRIM", node)


def _as_binary(node: exp.Expr) -> exp.Expr:
    return exp.Cast(this=node, to=exp.DataType.build("BINARY", dialect="mysql"))


def _bin_collate(node: exp.Expr) -> exp.Expr:
    return exp.Collate(this=node, expression=exp.var("utf8mb4_bin"))


# --------------------------------------------------------------------------- from MySQL


@rule(exp.Collate, source={"mysql"}, target=_OTHERS)
def mysql_collate(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`x COLLATE utf8mb4_bin` asks for a byte-wise comparison, which PostgreSQL's and
    SQLite's default already is: the clause is dropped (and the operand is not lowered by the
    rules below). A case-insensitive collation cannot be named on the targets: refused.
    Corpus: collation.toml `coll-my-collate-bin`."""
    name = node.expression.name.lower()
    if name.endswith("_bin"):
        inner: exp.Expr = node.this
        inner.meta[_BINARY] = True
        inner.meta[_BIN_COLLATION] = True
        return inner
    ctx.refuse(
        node,
        "collation-name",
        f"the MySQL collation {node.expression.name} has no equivalent on {ctx.target}",
        "drop the COLLATE clause, or use a _bin collation",
    )
    return None


@rule(exp.Column, source={"mysql"}, target=_OTHERS)
def binary_collation_column(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A MySQL column declared with a binary collation (`label VARCHAR(20) COLLATE
    utf8mb4_bin` in the script's DDL, ``schema=`` or the live database) compares and sorts
    byte-wise, as `x COLLATE utf8mb4_bin` does: it is marked so, and the case-insensitive
    emulation (folding on PostgreSQL, GLOB on SQLite, the ORDER BY refusal) leaves it alone
    (it folded `label = 'bob'` into matching 'Bob'). Corpus: collation.toml
    `coll-my-bin-column`."""
    collation = collation_of(declared_type(node, ctx))
    if collation is not None and (collation.endswith("_bin") or collation == "binary"):
        node.meta[_BINARY] = True
        node.meta[_BIN_COLLATION] = collation != "binary"  # (a binary string never pads)
    return None


#: string functions whose result takes their (first) argument's collation
TEXT_FUNCTIONS = _TEXT_FUNCTIONS
text_arguments = _text_arguments
is_text = _text_column
is_byte_wise = _binary
is_assignment = _assignment


def mark_bin_collation(node: exp.Expr) -> exp.Expr:
    """Mark ``node`` as text under a MySQL `_bin` collation (byte-wise, padded as the server
    pads), as :func:`binary_collation_column` marks such a column; returns it."""
    node.meta[_BINARY] = True
    node.meta[_BIN_COLLATION] = True
    return node


@rule(*_EQUALITY, *_ORDERING, exp.Between, exp.In, source={"mysql"}, target=_OTHERS)
def binary_cast_comparison(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `CAST(x AS BINARY) = y` compares bytes, which PostgreSQL's and SQLite's text
    comparison already does (UTF-8 byte order is code point order), while their bytea /
    BLOB would not compare with text at all: the cast is dropped and the operand is marked
    byte-wise for the rules below. Corpus: collation.toml `coll-my-binary-cast`."""
    for key in ("this", "expression", "low", "high"):
        operand = node.args.get(key)
        if isinstance(operand, exp.Cast) and _binary(operand):
            inner: exp.Expr = operand.this
            inner.meta[_BINARY] = True
            node.set(key, inner)
    return None


@rule(*_EQUALITY, source={"mysql"}, target=_OTHERS)
def case_insensitive_equality(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `'Bob' = 'bob'` and `'ÉMILE' = 'emile'` are true; PostgreSQL and SQLite compare
    code points. Where one side is text, PostgreSQL compares `_fold()` of both sides and
    SQLite GLOBs the literal side's character classes (two computed texts are refused
    there). Corpus: collation.toml `coll-my-eq-*`."""
    operands = [node.this, node.expression]
    if _assignment(node) or not _emulate(ctx):
        return None
    if not _matters(operands, ctx, into_mysql=False):
        _assume_target_collation(node, operands, ctx)
        return None
    if _refuse_accent(node, operands, ctx):
        return None
    if ctx.target == "postgres":
        node.set("this", _fold(node.this, ctx, padded=_padded(ctx)))
        node.set("expression", _fold(node.expression, ctx, padded=_padded(ctx)))
        return None
    equal = _sqlite_equal(node, node.this, node.expression, ctx)
    if equal is None:
        return None
    if isinstance(node, exp.NullSafeEQ | exp.NullSafeNEQ):
        equal = exp.Coalesce(this=equal, expressions=[exp.Literal.number(0)])
    if isinstance(node, exp.NEQ | exp.NullSafeNEQ):
        return exp.Not(this=exp.Paren(this=equal))
    return exp.Paren(this=equal)


@rule(exp.In, source={"mysql"}, target=_OTHERS)
def case_insensitive_in(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL `name IN ('BOB', 'eve')` matches case- and accent-insensitively: `_fold()` of
    both sides on PostgreSQL, one GLOB per literal item on SQLite (OR-ed, which keeps IN's
    NULL logic); against a subquery of text it is refused. Corpus: collation.toml
    `coll-my-in*`, `coll-my-not-in`."""
    items: list[exp.Expr] = list(node.expressions)
    operands = [node.this, *items]
    if not _emulate(ctx):
        return None
    if not _matters(operands, ctx, into_mysql=False):
        if node.args.get("query") is None:
            _assume_target_collation(node, operands, ctx)
        return None
    if node.args.get("query") is not None:
        ctx.refuse(
            node,
            "collation-order",
            "MySQL compares text IN (subquery) case-insensitively",
            "compare LOWER() of both sides in the source",
        )
        return None
    if _refuse_accent(node, operands, ctx):
        return None
    if ctx.target == "postgres":
        node.set("this", _fold(node.this, ctx, padded=_padded(ctx)))
        node.set("expressions", [_fold(item, ctx, padded=_padded(ctx)) for item in items])
        return None
    if len(items) > 1 and not is_simple(node.this):
        ctx.refuse(
            node,
            "collation-unicode",
            "MySQL's IN compares text case- and accent-insensitively; SQLite needs one GLOB "
            "per item, which would repeat a computed operand",
            "compute the operand in a subquery, or pass options=Options(collation='target')",
        )
        return None
    tests: list[exp.Expr] = []
    for item in items:
        equal = _sqlite_equal(node, node.this.copy(), item, ctx)
        if equal is None:
            return None
        tests.append(equal)
    result: exp.Expr = tests[0]
    for test in tests[1:]:
        result = exp.Or(this=result, expression=test)
    return exp.Paren(this=result)


@rule(*_EQUALITY, exp.In, source={"mysql"}, target=_OTHERS)
def padded_binary_equality(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A `_bin` collation compares bytes but still pads (`label = 'bob '` is true for 'bob'
    in MariaDB and MySQL 8 alike): under ``Options.mysql_padding="pad-space"`` both sides
    are compared without trailing spaces (a binary string, CAST(x AS BINARY), never pads).
    Corpus: collation.toml `coll-my-bin-column-pad-space`."""
    operands = [node.this, node.expression, *(node.expressions if isinstance(node, exp.In) else [])]
    present = [o for o in operands if isinstance(o, exp.Expr)]
    if not _padded(ctx) or not any(o._meta and o.meta.get(_BIN_COLLATION) for o in present):
        return None

    def unpadded(value: exp.Expr) -> exp.Expr:
        text = _literal(value)
        return exp.Literal.string(text.rstrip(" ")) if text is not None else _rtrim(value)

    for key in ("this", "expression"):
        value = node.args.get(key)
        if isinstance(value, exp.Expr):
            node.set(key, unpadded(value))
    if isinstance(node, exp.In) and node.args.get("query") is None:
        node.set("expressions", [unpadded(item) for item in node.expressions])
    return None


@rule(*_ORDERING, exp.Between, source={"mysql"}, target=_OTHERS)
def text_range_from_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL orders text by its collation's weights (case- and accent-insensitive: `É` sorts
    with `E`), which neither LOWER() nor the targets' code-point order reproduce. A range
    comparison of text is refused. Corpus: collation.toml `coll-my-range`."""
    operands = [node.this, node.expression] if not isinstance(node, exp.Between) else []
    if isinstance(node, exp.Between):
        operands = [node.this, node.args["low"], node.args["high"]]
    if not _emulate(ctx):
        return None
    if not _matters(operands, ctx, into_mysql=False):
        _assume_target_collation(node, operands, ctx, "orders")
        return None
    ctx.refuse(
        node,
        "collation-order",
        "MySQL orders text case- and accent-insensitively; the target orders code points",
        "compare with a _bin collation in the source, or pass "
        "options=Options(collation='target') to accept the target's order",
    )
    return None


@rule(exp.Like, source={"mysql"}, target=_OTHERS)
def case_insensitive_like(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL LIKE is case- and accent-insensitive (`'Zoë' LIKE '%e%'`). PostgreSQL: `_fold()`
    of the string LIKE the folded pattern; SQLite: a literal pattern becomes GLOB with a
    character class per letter, a computed one is refused. On a `_bin` operand it is
    case-sensitive: as is into PostgreSQL, a GLOB of the very letters into SQLite (whose
    LIKE folds ASCII: `label LIKE 'b%'` matched 'Bob'). Corpus: collation.toml
    `coll-my-like*`, `coll-my-bin-column-like`."""
    if not _emulate(ctx):
        return None
    if _binary(node.this):  # byte-wise: PostgreSQL's LIKE is, SQLite's folds ASCII letters
        if ctx.target == "sqlite":
            return _case_sensitive_like_for_sqlite(node, ctx)
        return None
    if _no_letters(node.expression) and _literal(node.this) is None:
        return None
    if _refuse_accent(node, [node.this, node.expression], ctx):
        return None
    parent = node.parent
    escape = "\\"
    if isinstance(parent, exp.Escape):
        escape = _literal(parent.expression) or ""
    if ctx.target == "postgres":
        unpadded = _padded(ctx) and _prefix_pattern(_literal(node.expression), escape)
        node.set("this", _fold(node.this, ctx, padded=unpadded))
        node.set("expression", _fold(node.expression, ctx))
        prefix = _prefix_range(node, escape) if unpadded or not _padded(ctx) else None
        if prefix is None:
            return None
        if isinstance(parent, exp.Escape):
            parent.replace(prefix)
            return None
        return prefix
    pattern = _literal(node.expression)
    glob = _like_to_ci_glob(pattern, escape) if pattern is not None else None
    if glob is None or len(escape) > 1:
        ctx.refuse(
            node,
            "collation-unicode",
            "MySQL LIKE is case- and accent-insensitive; SQLite can reproduce it only for a "
            "literal pattern (as GLOB)",
            "use a literal pattern, or pass options=Options(collation='target')",
        )
        return None
    result: exp.Expr = exp.Glob(this=node.this, expression=exp.Literal.string(glob))
    if node.args.get("negate"):
        result = exp.Not(this=exp.Paren(this=result))
    if isinstance(parent, exp.Escape):
        parent.replace(result)
        return None
    return result


@rule(exp.StrPosition, source={"mysql"}, target=_OTHERS)
def case_insensitive_locate(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL LOCATE/INSTR/POSITION search case-insensitively (`LOCATE('B', 'abc')` = 2) but,
    in MariaDB, accent-sensitively (`LOCATE('e', 'É')` = 0, where `'É' = 'e'` is true):
    LOWER() of both strings. A needle with accented letters is refused (MySQL 8's
    0900_ai_ci ignores the accents there); on SQLite, whose LOWER() folds ASCII only, so is
    a needle that is not an ASCII literal. Corpus: collation.toml `coll-my-locate*`."""
    haystack, needle = node.this, node.args["substr"]
    if not _emulate(ctx) or _binary(haystack) or _binary(needle):
        return None
    for operand in (haystack, needle):
        text = _literal(operand)
        if text is not None and any(
            not c.isascii() and c.isalpha() and unicodedata.decomposition(c) for c in text
        ):
            ctx.refuse(
                node,
                "collation-accent",
                f"MariaDB's LOCATE tells accents in {text!r} apart, MySQL 8's does not",
                "search under a _bin collation in the source, or pass "
                "options=Options(collation='target')",
            )
            return None
    if ctx.target == "sqlite":
        text = _literal(needle)
        if text is None or _non_ascii_case(text):
            ctx.refuse(
                node,
                "collation-unicode",
                "MySQL's LOCATE/INSTR ignore the case of every letter; SQLite's LOWER() "
                "folds ASCII letters only",
                "search for a literal, or pass options=Options(collation='target')",
            )
            return None
    node.set("this", _lower(haystack))
    node.set("substr", _lower(needle))
    return None


@rule(exp.Ordered, source={"mysql"}, target=_OTHERS)
def text_order_from_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL sorts text by collation weights (`alice, Bob, bob, ÉMILE, Eve`), the targets by
    code point (`Bob, Eve, alice, bob, ÉMILE`). Known text as a sort key is refused, also
    when the key names a select item (`ORDER BY 2`, `ORDER BY alias`).
    Corpus: collation.toml `coll-my-order-by`, `coll-my-order-by-ordinal-and-alias`."""
    if not _emulate(ctx):
        return None
    key = sort_key(node.this, node)
    if _text_column(key, ctx):
        _refuse_grouping(node, ctx, "collation-order", "sorts")
    else:
        _assume_target_collation(node, [key], ctx, "sorts")
    return None


@rule(exp.Group, source={"mysql"}, target=_OTHERS)
@rule(exp.Group, source={"postgres", "sqlite"}, target={"mysql"})
def text_group(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL groups `Bob` and `bob` together; the other engines keep them apart. GROUP BY
    known text is refused in both directions, also by position (`GROUP BY 1`). Corpus:
    collation.toml `coll-*-group-by`, `coll-my-group-by-ordinal`."""
    if _emulate(ctx):
        _grouped_by([sort_key(e, node) for e in _group_keys(node)], node, ctx, "groups")
    return None


@rule(exp.Window, source={"mysql"}, target=_OTHERS)
@rule(exp.Window, source={"postgres", "sqlite"}, target={"mysql"})
def text_partition(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PARTITION BY groups rows as GROUP BY does: MySQL puts `Berlin`, `Berlin ` and
    `berlin` in one partition, the other engines in three (`ROW_NUMBER() OVER (PARTITION BY
    label ...)` numbered them 1, 2, 3 on MariaDB and 1, 1, 1 on PostgreSQL; found when the
    generated queries first wrote window functions). Known text is refused in both
    directions, unknown types assumed. Corpus: windows.toml `win-*-partition-by-text`."""
    if _emulate(ctx):
        keys = [k for k in node.args.get("partition_by") or [] if isinstance(k, exp.Expr)]
        _grouped_by(keys, node, ctx, "partitions")
    return None


def _grouped_by(keys: list[exp.Expr], node: exp.Expr, ctx: Context, verb: str) -> None:
    """Rows grouped (or partitioned) by ``keys``: refused when one is known text, each
    unknown one an assumption that the target's collation groups as the source's does."""
    if any(_text_column(k, ctx) for k in keys):
        _refuse_grouping(node, ctx, "collation-group", verb)
        return
    for key in keys:
        _assume_target_collation(node, [key], ctx, verb)


def _group_keys(node: exp.Expr) -> list[exp.Expr]:
    """The keys of a GROUP BY, those inside ROLLUP / CUBE / GROUPING SETS included (a text
    key in ROLLUP (name) from PostgreSQL escaped the refusal: the generated differential
    tests)."""
    keys: list[exp.Expr] = []
    for element in node.expressions:
        if isinstance(element, exp.Rollup | exp.Cube | exp.GroupingSets):
            for member in element.expressions:
                inner = member.this if isinstance(member, exp.Paren) else member
                keys.extend(inner.expressions if isinstance(inner, exp.Tuple) else [inner])
        else:
            keys.append(element)
    return keys


@rule(exp.Union, exp.Intersect, exp.Except, source={"mysql"}, target=_OTHERS)
@rule(exp.Union, exp.Intersect, exp.Except, source={"postgres", "sqlite"}, target={"mysql"})
def text_set_operation(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """UNION, INTERSECT and EXCEPT (without ALL) remove duplicates, and tell rows apart by
    the collation as DISTINCT does: MySQL takes `Bob` and `bob` for one row, the others for
    two. Known text in a branch's columns is refused, as DISTINCT of it is. Corpus:
    collation.toml `coll-my-union`, `coll-pg-union`, `coll-lite-intersect`."""
    if not _emulate(ctx) or not node.args.get("distinct"):
        return None
    for branch in (node.this, node.expression):
        for select in leaf_selects(branch):
            items = [e.this if isinstance(e, exp.Alias) else e for e in select.expressions]
            if any(_text_column(item, ctx) for item in items):
                _refuse_grouping(node, ctx, "collation-group", "removes duplicates among")
                return None
    if _literals_collide(node):
        _refuse_grouping(node, ctx, "collation-group", "removes duplicates among")
        return None
    # every branch's values are told apart among themselves ('bob' and 'Bob' of one column
    # of one branch), whatever the other branches hold (found without a schema: a literal ''
    # in the first branch hid t.name in the second)
    for select in leaf_selects(node):
        for item in select.expressions:
            _assume_target_collation(node, [item.unalias()], ctx, "removes duplicates among")
    return None


def _literals_collide(node: exp.Expr) -> bool:
    """A result column of a set operation where string literals decide: MySQL takes 'bob'
    and 'Bob' (or 'a' and 'a ', 'e' and 'é') for one row, the others for two (found by the
    generated set operations). True when two of a column's literals differ but fold alike,
    or a literal with letters meets a value of unknown type. Corpus: collation.toml
    `coll-pg-union-literals`."""
    selects = leaf_selects(node)
    if not selects or any(len(s.expressions) != len(selects[0].expressions) for s in selects):
        return False
    for column in zip(*(s.expressions for s in selects), strict=True):
        values = [item.unalias() for item in column]
        texts = [t for t in (_literal(v) for v in values) if t is not None]
        if not texts:
            continue
        if len(texts) < len(values) and any(_has_case(t) or not t.isascii() for t in texts):
            return True
        folded = {_fold_text(t.rstrip(" ")) for t in set(texts)}  # (and PAD SPACE)
        if len(folded) < len(set(texts)):
            return True
    return False


def leaf_selects(node: exp.Expr) -> list[exp.Select]:
    """The SELECTs whose rows a set operation's branch combines."""
    while isinstance(node, exp.Subquery):
        node = node.this
    if isinstance(node, exp.Select):
        return [node]
    if isinstance(node, exp.SetOperation):
        return leaf_selects(node.this) + leaf_selects(node.expression)
    return []


def sort_key(term: exp.Expr, clause: exp.Expr) -> exp.Expr:
    """What an ORDER BY / GROUP BY term sorts by: the select item a position (`ORDER BY 2`)
    or, in ORDER BY, an output name (`ORDER BY total` of `SUM(x) AS total`) names; else the
    term itself."""
    holder = clause.parent if isinstance(clause, exp.Ordered) else clause
    query = holder.parent if holder is not None else None
    if not isinstance(query, exp.Select):
        return term
    items = query.expressions
    if isinstance(term, exp.Literal) and not term.is_string and term.name.isdigit():
        index = int(term.name) - 1
        if 0 <= index < len(items) and not items[index].is_star:
            chosen: exp.Expr = items[index]
            return chosen.unalias() if isinstance(chosen, exp.Alias) else chosen
        return term
    if isinstance(clause, exp.Ordered) and isinstance(term, exp.Column) and not term.table:
        for item in items:
            if isinstance(item, exp.Alias) and item.alias.lower() == term.name.lower():
                named: exp.Expr = item.unalias()
                return named
    return term


@rule(exp.Select, source={"mysql"}, target=_OTHERS)
@rule(exp.Select, source={"postgres", "sqlite"}, target={"mysql"})
def text_distinct(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SELECT DISTINCT of known text: MySQL folds case, the others do not. Refused.
    Corpus: collation.toml `coll-*-distinct`."""
    if not _emulate(ctx) or not node.args.get("distinct"):
        return None
    columns = [e.this if isinstance(e, exp.Alias) else e for e in node.expressions]
    if any(_text_column(c, ctx) for c in columns):
        _refuse_grouping(node, ctx, "collation-group", "removes duplicates among")
        return None
    for column in columns:
        _assume_target_collation(node, [column], ctx, "removes duplicates among")
    return None


@rule(exp.Min, exp.Max, source={"mysql"}, target=_OTHERS)
@rule(exp.Min, exp.Max, source={"postgres", "sqlite"}, target={"mysql"})
def text_min_max(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MIN/MAX of known text follow the collation's order. Refused.
    Corpus: collation.toml `coll-*-min-max`."""
    if not _emulate(ctx):
        return None
    if _text_column(node.this, ctx):
        _refuse_grouping(node, ctx, "collation-order", "orders")
    else:
        _assume_target_collation(node, [node.this], ctx, "orders")
    return None


@rule(exp.Greatest, exp.Least, source={"mysql"}, target=_OTHERS)
@rule(exp.Greatest, exp.Least, source={"postgres", "sqlite"}, target={"mysql"})
def text_greatest_least(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """GREATEST/LEAST of known text follow the collation's order too (MySQL:
    GREATEST('Bob', 'a') = 'Bob'; PostgreSQL: 'a'). Refused.
    Corpus: collation.toml `coll-my-greatest-text`."""
    operands = [node.this, *node.expressions]
    if _emulate(ctx) and any(_text_column(o, ctx) for o in operands):
        _refuse_grouping(node, ctx, "collation-order", "orders")
    return None


def _refuse_grouping(node: exp.Expr, ctx: Context, code: str, verb: str) -> None:
    ctx.refuse(
        node,
        code,
        f"{ctx.source} {verb} text by its collation (MySQL: case- and accent-insensitive), "
        f"{ctx.target} differently",
        "use a _bin collation / LOWER() explicitly in the source, or pass "
        "options=Options(collation='target') to accept the target's behaviour",
    )


# ---------------------------------------------------------------------------- into MySQL


@rule(*_EQUALITY, *_ORDERING, source={"postgres", "sqlite"}, target={"mysql"})
def binary_comparison(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL and SQLite compare text by code point (`'Bob' <> 'bob'`, `'a ' <> 'a'`,
    `'B' < 'a'`); MySQL's collation folds case and pads. The non-literal side becomes
    CAST(x AS BINARY), which MySQL compares byte by byte (UTF-8 byte order is code point
    order). Corpus: collation.toml `coll-pg-eq-*`, `coll-lite-eq-*`, `coll-pg-range`."""
    operands = [node.this, node.expression]
    if _assignment(node) or not _emulate(ctx):
        return None
    if not _matters(operands, ctx, into_mysql=True):
        _assume_target_collation(node, operands, ctx)
        return None
    if isinstance(node, exp.EQ) and is_simple(node.this) and is_simple(node.expression):
        node.meta[_INDEXABLE] = True
    literal_left = _literal(node.this) is not None and _literal(node.expression) is None
    key = "expression" if literal_left else "this"
    node.set(key, _as_binary(node.args[key]))
    return None


@rule(exp.Between, source={"postgres", "sqlite"}, target={"mysql"})
def binary_between(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """BETWEEN of text into MySQL: byte-wise, like `binary_comparison`.
    Corpus: collation.toml `coll-pg-between`."""
    operands = [node.this, node.args["low"], node.args["high"]]
    if _emulate(ctx) and _matters(operands, ctx, into_mysql=True):
        node.set("this", _as_binary(node.this))
    return None


@rule(exp.In, source={"postgres", "sqlite"}, target={"mysql"})
def binary_in(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`name IN ('bob')` into MySQL would also match 'Bob': CAST(name AS BINARY) IN (...).
    Corpus: collation.toml `coll-pg-in`."""
    operands = [node.this, *node.expressions]
    if not _emulate(ctx):
        return None
    if _matters(operands, ctx, into_mysql=True):
        node.set("this", _as_binary(node.this))
        if all(is_simple(o) for o in operands) and not node.args.get("query"):
            node.meta[_INDEXABLE] = True
    elif node.args.get("query") is None:
        _assume_target_collation(node, operands, ctx)
    return None


@rule(exp.StrPosition, source={"postgres", "sqlite"}, target={"mysql"})
def binary_locate(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """STRPOS / INSTR are case-sensitive; MySQL LOCATE follows the collation: the string is
    searched under utf8mb4_bin (positions stay in characters). Corpus: collation.toml
    `coll-pg-strpos`, `coll-lite-instr`."""
    if _emulate(ctx):
        node.set("this", _bin_collate(node.this))
    return None


@rule(exp.Ordered, source={"postgres", "sqlite"}, target={"mysql"})
def binary_order(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """ORDER BY known text into MySQL: CAST(x AS BINARY) sorts by code point like
    PostgreSQL's C collation and SQLite's BINARY. Corpus: collation.toml `coll-pg-order-by`."""
    if not _emulate(ctx):
        return None
    key = sort_key(node.this, node)
    if not _text_column(key, ctx):
        _assume_target_collation(node, [key], ctx, "sorts")
        return None
    if key is not node.this and not is_repeatable(key):
        ctx.refuse(
            node,
            "collation-order",
            f"{ctx.source} sorts text by code point; MySQL needs the sort key cast to BINARY, "
            "which cannot be written around a position or an output name of a computed item",
            "sort by the expression itself (or a column), or pass "
            "options=Options(collation='target')",
        )
        return None
    node.set("this", _as_binary(key.copy() if key is not node.this else key))
    return None


# ------------------------------------------------------------------------ LIKE and GLOB


@rule(exp.Like, source={"postgres"}, target={"mysql"})
def case_sensitive_like_into_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL LIKE is case-sensitive: into MySQL the string is matched under
    utf8mb4_bin. Corpus: collation.toml `coll-pg-like`."""
    if _emulate(ctx) and not _no_letters(node.expression):
        node.set("this", _bin_collate(node.this))
        if is_simple(node.this.this) and _literal(node.expression) is not None:
            node.meta[_INDEXABLE] = True
    return None


@rule(exp.Where, exp.Join, source={"postgres", "sqlite"}, target={"mysql"})
def indexable_byte_comparisons(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """The byte-wise comparisons above (`CAST(name AS BINARY) = 'Bob'`, `name COLLATE
    utf8mb4_bin LIKE 'Bo%'`) are exact but keep MySQL from using an index on the column, which
    is ordered by the column's own collation. Bytes that compare equal are equal under every
    collation too, so the collation's comparison is implied: in WHERE and JOIN ... ON it is
    added before the exact one (`name = 'Bob' AND CAST(name AS BINARY) = 'Bob'`), for the
    optimizer to look the rows up by the index and the byte test to keep the right ones. Same
    rows; benchmarks/bench_collation_index.py measures the index use. Corpus: collation.toml
    `coll-pg-eq-indexable`."""
    condition = node.args.get("this" if isinstance(node, exp.Where) else "on")
    if not isinstance(condition, exp.Expr):
        return None
    for comparison in list(condition.find_all(exp.EQ, exp.In, exp.Like)):
        if not comparison.meta.pop(_INDEXABLE, False) or comparison.args.get("negate"):
            continue  # (`x NOT LIKE p` byte-wise does not imply it under the collation)
        if isinstance(comparison.parent, exp.Escape):
            continue
        loose = comparison.copy()
        byte_wise = loose.this
        if not isinstance(byte_wise, exp.Cast | exp.Collate) and isinstance(loose, exp.EQ):
            byte_wise = loose.expression
        if not isinstance(byte_wise, exp.Cast | exp.Collate):
            continue
        byte_wise.replace(byte_wise.this)
        both = exp.Paren(this=exp.And(this=loose, expression=comparison.copy()))
        comparison.replace(both)
    return None


@rule(exp.ILike, source={"postgres"}, target={"mysql"})
def ilike_into_mysql(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL ILIKE folds case (not accents): LOWER(x) LIKE LOWER(p) under utf8mb4_bin
    in MySQL (whose own LIKE would also ignore accents). Corpus: collation.toml `coll-pg-ilike`."""
    return _like(exp.Like, _bin_collate(_lower(node.this)), _lower(node.expression), node)


@rule(exp.ILike, source={"postgres"}, target={"sqlite"})
def ilike_into_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite LIKE folds ASCII letters like ILIKE does; a pattern with non-ASCII letters
    whose case matters, or a computed pattern (the data may hold such letters), is refused.
    Corpus: collation.toml `coll-pg-ilike`, `coll-pg-ilike-column-pattern`."""
    if _refuse_unicode(node, [node.expression], ctx) or _refuse_computed(node, ctx):
        return None
    return _like(exp.Like, node.this, node.expression, node)


@rule(exp.Like, source={"sqlite"}, target={"mysql", "postgres"})
def no_escape_from_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite LIKE has no escape character unless ESCAPE names one; MySQL and PostgreSQL
    treat `\\` as one. Backslashes in the pattern are doubled. Corpus: strings.toml
    `str-lite-like-backslash`."""
    if isinstance(node.parent, exp.Escape):
        return None
    pattern = node.expression
    text = _literal(pattern)
    if text is not None:
        if "\\" in text:
            node.set("expression", exp.Literal.string(text.replace("\\", "\\\\")))
        return None
    backslash = exp.Literal.string("\\")
    node.set(
        "expression",
        exp.Replace(this=pattern, expression=backslash, replacement=exp.Literal.string("\\\\")),
    )
    return None


@rule(exp.Like, source={"sqlite"}, target={"mysql", "postgres"})
def ascii_case_like(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite LIKE folds ASCII letters only. PostgreSQL gets ILIKE, MySQL LOWER() of both
    sides under utf8mb4_bin; exact for literal patterns without non-ASCII letters (others
    are refused). Corpus: collation.toml `coll-lite-like*`."""
    if _no_letters(node.expression) or _refuse_unicode(node, [node.expression], ctx):
        return None
    if _refuse_computed(node, ctx):
        return None
    if ctx.target == "postgres":
        return _like(exp.ILike, node.this, node.expression, node)
    return _like(exp.Like, _bin_collate(_lower(node.this)), _lower(node.expression), node)


@rule(exp.Like, source={"postgres"}, target={"sqlite"})
def case_sensitive_like_into_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL LIKE is case-sensitive, SQLite's folds ASCII letters. A literal pattern
    with ASCII letters becomes the equivalent GLOB pattern; another pattern is refused.
    Corpus: collation.toml `coll-pg-like`."""
    return _case_sensitive_like_for_sqlite(node, ctx)


def _case_sensitive_like_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A case-sensitive LIKE (PostgreSQL's; MySQL's on a `_bin` operand) as SQLite's GLOB."""
    pattern = _literal(node.expression)
    if pattern is not None and not _ascii_letters(pattern):
        return None
    escape = "\\"
    parent = node.parent
    if isinstance(parent, exp.Escape):
        escape = _literal(parent.expression) or ""
    glob = _like_to_glob(pattern, escape) if pattern is not None and len(escape) == 1 else None
    if glob is None:
        ctx.refuse(
            node,
            "like-case",
            f"this {ctx.source} LIKE is case-sensitive and SQLite's is not; only a literal "
            "pattern can be rewritten as GLOB",
            "use a literal pattern, or GLOB in SQLite",
        )
        return None
    result: exp.Expr = exp.Glob(this=node.this, expression=exp.Literal.string(glob))
    if node.args.get("negate"):
        result = exp.Not(this=result)
    if isinstance(parent, exp.Escape):
        parent.replace(result)
        return None
    return result


def _like_to_glob(pattern: str, escape: str) -> str | None:
    out: list[str] = []
    chars = iter(pattern)
    for ch in chars:
        if ch == escape:
            ch = next(chars, "")
            if not ch:
                return None
            out.append(f"[{ch}]" if ch in "*?[" else ch)
        elif ch == "%":
            out.append("*")
        elif ch == "_":
            out.append("?")
        else:
            out.append(f"[{ch}]" if ch in "*?[" else ch)
    return "".join(out)


@rule(exp.Like, source={"mysql", "postgres"}, target={"sqlite"})
def default_escape_for_sqlite(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """MySQL and PostgreSQL LIKE treat `\\` as the escape character by default; SQLite has
    no default escape. `ESCAPE '\\'` is added. Corpus: strings.toml `str-*-like-escape*`."""
    if isinstance(node.parent, exp.Escape):
        return None
    pattern = _literal(node.expression)
    if pattern is not None and "\\" not in pattern:
        return None
    return exp.Escape(this=node, expression=exp.Literal.string("\\"))


@rule(exp.Glob, source={"sqlite"}, target={"mysql", "postgres"})
def glob(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite GLOB is a case-sensitive match with `*` and `?`: a literal pattern becomes
    LIKE (escaping `%`, `_` and `\\`), under utf8mb4_bin in MySQL; character classes and
    computed patterns are refused. Corpus: strings.toml `str-lite-glob*`."""
    pattern = _literal(node.expression)
    if pattern is None or "[" in pattern:
        ctx.refuse(
            node,
            "glob",
            "only a literal GLOB pattern without [...] classes can be rewritten as LIKE",
            "use LIKE, or a literal pattern",
        )
        return None
    out = []
    for ch in pattern:
        if ch in "%_\\":
            out.append("\\" + ch)
        elif ch == "*":
            out.append("%")
        elif ch == "?":
            out.append("_")
        else:
            out.append(ch)
    subject = node.this if ctx.target == "postgres" else _bin_collate(node.this)
    like = exp.Like(this=subject, expression=exp.Literal.string("".join(out)))
    if ctx.target != "postgres":
        return like
    # A new node: the rules for a truth value used as a value do not see it; apply it here
    # (SELECT 'a' GLOB 'a' is 1 in SQLite). Corpus: strings.toml `str-lite-glob-special`.
    from sqlshift.translator.rules.boolean import truth_value_as_integer

    node.replace(like)
    return truth_value_as_integer(like, ctx) or like


@rule(exp.Distinct, source={"mysql"}, target=_OTHERS)
@rule(exp.Distinct, source={"postgres", "sqlite"}, target={"mysql"})
def text_distinct_aggregate(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """COUNT(DISTINCT name) / SUM(DISTINCT ...) over known text: MySQL counts 'Bob' and 'bob'
    once, the others twice. Refused. Corpus: generated.toml `gen-my-distinct-text-sqlite`."""
    if not _emulate(ctx) or not isinstance(node.parent, exp.AggFunc):
        return None
    if any(_text_column(e, ctx) for e in node.expressions):
        _refuse_grouping(node, ctx, "collation-group", "removes duplicates among")
        return None
    for value in node.expressions:
        _assume_target_collation(node, [value], ctx, "removes duplicates among")
    return None


# ------------------------------------------------------------- SQLite's named collations

_ASCII_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@rule(exp.Collate, source={"sqlite"}, target={"postgres", "mysql"})
def sqlite_collate(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """SQLite's built-in collations have no namesake elsewhere (`COLLATE NOCASE` was written
    through and failed on both targets). `BINARY`, SQLite's own comparison, is PostgreSQL's
    `COLLATE "C"` and MySQL's byte comparison (the rules above), so it is dropped there.
    `NOCASE` folds ASCII letters only: into PostgreSQL every operand of the comparison (or the
    sort key) is folded with `TRANSLATE(x, 'A..Z', 'a..z')`, which is exactly that; MySQL's
    case-insensitive collations also fold other letters and accents, so it is refused there,
    as are `RTRIM` and NOCASE anywhere but a comparison or a sort (`collation-sqlite`).
    Corpus: collation.toml `coll-lite-collate-*`."""
    name = node.expression.name.upper() if isinstance(node.expression, exp.Expr) else ""
    value: exp.Expr = node.this
    if name == "BINARY":
        if ctx.target == "postgres":
            return exp.Collate(this=value, expression=exp.to_identifier("C", quoted=True))
        return value
    parent = node.parent
    compared = isinstance(parent, (*_EQUALITY, *_ORDERING, exp.In, exp.Between, exp.Ordered))
    if name != "NOCASE" or ctx.target != "postgres" or not compared:
        ctx.refuse(
            node,
            "collation-sqlite",
            f"SQLite's {name or 'named'} collation has no equivalent here"
            + (
                " (MySQL's case-insensitive collations fold more than ASCII)"
                if name == "NOCASE"
                else ""
            ),
            "compare LOWER() of ASCII text explicitly, or drop the COLLATE",
        )
        return None
    assert parent is not None
    for key in ("this", "expression", "low", "high"):
        operand = parent.args.get(key)
        if isinstance(operand, exp.Expr) and operand is not node:
            parent.set(key, _fold_ascii(operand))
    if isinstance(parent, exp.In):
        parent.set("expressions", [_fold_ascii(item) for item in parent.expressions])
    return _fold_ascii(value)


_LITE_OUT = {"postgres", "mysql"}


@rule(*_EQUALITY, *_ORDERING, exp.In, exp.Between, source={"sqlite"}, target=_LITE_OUT, first=True)
def sqlite_nocase_column(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """A comparison that SQLite makes under a column's declared collation (known from
    ``schema=`` or the database): the left operand's when it is a column, else the right's,
    unless an operand says `COLLATE` itself. `NOCASE` compared `label = 'bob'` true for
    'Bob' in SQLite and false on the targets: into PostgreSQL every operand is folded as
    `COLLATE NOCASE` is (`sqlite_collate`); into MySQL, whose collations fold more, refused
    (`collation-sqlite`). Tests: test_collation.py `test_sqlite_nocase_column_*`."""
    operands = [node.args.get(k) for k in ("this", "expression", "low", "high")]
    present = [o for o in operands if isinstance(o, exp.Expr)]
    if isinstance(node, exp.In):
        present += node.expressions
    if any(isinstance(o, exp.Collate) for o in present):
        return None
    deciding = next((o for o in present[:2] if isinstance(o, exp.Column)), None)
    collation = _sqlite_collation(deciding, ctx)
    if collation is None or deciding is None or not _foldable(deciding, collation, ctx):
        return None
    for key in ("this", "expression", "low", "high"):
        operand = node.args.get(key)
        if isinstance(operand, exp.Expr):
            node.set(key, _fold_ascii(operand))
    if isinstance(node, exp.In):
        node.set("expressions", [_fold_ascii(item) for item in node.expressions])
    return None


@rule(exp.Ordered, source={"sqlite"}, target=_LITE_OUT)
def sqlite_nocase_sort(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """`ORDER BY label` of a column declared COLLATE NOCASE sorts 'bob' with 'Bob' in
    SQLite: into PostgreSQL the sort key is folded as `sqlite_nocase_column` folds a
    comparison; into MySQL refused. Tests: test_collation.py `test_sqlite_nocase_column_*`."""
    key = node.this
    collation = _sqlite_collation(key, ctx)
    if collation is not None and _foldable(key, collation, ctx):
        node.set("this", _fold_ascii(key))
    return None


@rule(exp.Group, exp.Distinct, exp.Min, exp.Max, source={"sqlite"}, target=_LITE_OUT)
def sqlite_nocase_grouping(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """GROUP BY / DISTINCT / MIN / MAX of a column declared COLLATE NOCASE: SQLite takes
    'Bob' and 'bob' for one value and returns either spelling; refused (`collation-sqlite`).
    Tests: test_collation.py `test_sqlite_nocase_column_*`."""
    values = node.expressions if node.expressions else [node.this]
    if isinstance(node, exp.Distinct) and isinstance(node.parent, exp.Select):
        values = [item.unalias() for item in node.parent.expressions]  # SELECT DISTINCT
    for value in values:
        collation = _sqlite_collation(value, ctx)
        if collation is not None:
            ctx.refuse(
                value,
                "collation-sqlite",
                f"the column is declared COLLATE {collation.upper()}: SQLite takes values "
                "that differ in case for one, and keeps either spelling",
                "group by LOWER() of the column explicitly",
            )
            return None
    return None


def _sqlite_collation(node: exp.Expr | None, ctx: Context) -> str | None:
    """NOCASE or RTRIM: the collation a SQLite column was declared with, when the schema
    knows it and it is not SQLite's default."""
    if not isinstance(node, exp.Column):
        return None
    collation = collation_of(declared_type(node, ctx))
    return collation if collation in ("nocase", "rtrim") else None


def _foldable(node: exp.Expr, collation: str, ctx: Context) -> bool:
    """NOCASE into PostgreSQL is an ASCII fold; anything else is refused here."""
    if collation == "nocase" and ctx.target == "postgres":
        return True
    ctx.refuse(
        node,
        "collation-sqlite",
        f"the column is declared COLLATE {collation.upper()}, which no {ctx.target} "
        "collation reproduces",
        "compare LOWER() of ASCII text explicitly",
    )
    return False


def _fold_ascii(value: exp.Expr) -> exp.Expr:
    """ASCII letters to lower case and nothing else: SQLite's NOCASE."""
    return func(
        "TRANSLATE",
        value,
        exp.Literal.string(_ASCII_UPPER),
        exp.Literal.string(_ASCII_UPPER.lower()),
    )


_PATTERN_OPERATORS = {"~<~": exp.LT, "~<=~": exp.LTE, "~>=~": exp.GTE, "~>~": exp.GT}


@rule(exp.Operator, source={"postgres"}, target={"mysql", "sqlite"})
def postgres_operator(node: exp.Expr, ctx: Context) -> exp.Expr | None:
    """PostgreSQL's `a OPERATOR(pg_catalog.~>=~) b` (the text_pattern_ops comparisons, which
    sqlshift itself writes for a prefix LIKE) compares bytes: into MySQL both sides are
    CAST to BINARY, into SQLite it is a plain comparison (BINARY collation). Any other
    `OPERATOR(...)` is refused (``operator``): it passed through before. Corpus:
    collation.toml `coll-pg-pattern-operator`; tests/property round trips."""
    name = str(node.args.get("operator") or "").removeprefix("pg_catalog.")
    kind = _PATTERN_OPERATORS.get(name)
    if kind is None:
        ctx.refuse(
            node,
            "operator",
            f"the PostgreSQL operator {name or '?'} has no {ctx.target} equivalent sqlshift knows",
            "write the comparison with a standard operator or function",
        )
        return None
    left, right = node.this, node.expression
    if ctx.target == "mysql":
        left, right = _as_binary(left), _as_binary(right)
    return kind(this=left, expression=right)
