"""Differential execution of generated queries, with per-direction counters.

One outcome per (query, target): `passed`, `refused` (an `UntranslatableError`, which is fine),
`discarded` (the query fails natively on its source engine: the generator's fault, kept rare),
or a failure (`Mismatch`): the translation fails to parse, fails on the target, or returns other
rows. Engines come from the shared `EnginePool` (one connection per engine per session).
"""

from __future__ import annotations

import os
import subprocess
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from corpus_harness import NO_BOOLEAN_EXPRESSIONS, compare, format_rows, load_schema
from engines import DIALECTS, DialectName, Engine, Row

import sqlshift

SCHEMA = load_schema()
#: the fixture's schema as each source engine declares it (see load_schema)
SCHEMAS = {source: load_schema(source=source) for source in ("mysql", "postgres", "sqlite")}
DIRECTIONS = [(s, t) for s in DIALECTS for t in DIALECTS if s != t]

#: Generated queries per source dialect (each is checked in its two directions and identity).
EXAMPLES = int(os.environ.get("SQLSHIFT_PROPERTY_EXAMPLES", "2000"))


def _commit_seed() -> int:
    """A seed from the commit under test: the same run for the same commit, other queries
    for the next commit (so CI looks somewhere new each time, and a failure reproduces)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return 0
    return int(head[:8], 16) if head else 0


#: the generated queries' seed: $SQLSHIFT_PROPERTY_SEED, else derived from the commit
SEED = int(os.environ.get("SQLSHIFT_PROPERTY_SEED") or _commit_seed())


@dataclass
class Stats:
    """Counters per direction ("mysql->postgres"), plus refusal codes and discard reasons."""

    outcomes: dict[str, Counter[str]] = field(default_factory=dict)
    codes: Counter[str] = field(default_factory=Counter)
    discards: Counter[str] = field(default_factory=Counter)

    def add(self, label: str, outcome: str) -> None:
        self.outcomes.setdefault(label, Counter())[outcome] += 1

    def table(self) -> list[str]:
        lines = [
            f"{'check / direction':<34}{'generated':>10}{'passed':>8}{'refused':>8}{'discarded':>10}"
        ]
        for label in sorted(self.outcomes):
            c = self.outcomes[label]
            total = sum(c.values())
            known = sum(v for k, v in c.items() if k.startswith("known bug"))
            # bad-input checks count their own outcomes (translated / rejected / internal error)
            extra = {
                k: v
                for k, v in c.items()
                if k
                in (
                    "translated",
                    "rejected",
                    "internal error",
                    "numeric type differs",
                    "assumed",
                    "fails on target",
                )
            }
            lines.append(
                f"{label:<34}{total:>10}{c['passed']:>8}{c['refused']:>8}{c['discarded']:>10}"
                + (f"  known bug (not compared) {known}" if known else "")
                + "".join(f"  {k}={v}" for k, v in extra.items())
                + (f"  FAILED {c['failed']}" if c["failed"] else "")
            )
        if self.codes:
            lines.append(
                "refusal codes: " + ", ".join(f"{k}={v}" for k, v in self.codes.most_common())
            )
        if self.discards:
            lines.append("discard reasons (source engine errors):")
            lines.extend(f"  {v:>5}  {k}" for k, v in self.discards.most_common(8))
        return lines


STATS = Stats()


class Mismatch(AssertionError):
    """A translation that is silently wrong, or fails where the source query ran."""


class Discard(Exception):
    """The generated query does not run on its source engine."""


def translate(sql: str, source: str, target: str) -> str:
    return sqlshift.translate(sql, target, source=source, schema=SCHEMAS[source], strict=True)


def run_source(engine: Engine, sql: str, check: str, targets: list[DialectName]) -> list[Row]:
    """The native rows, or `Discard` (counted against every direction of this check)."""
    try:
        return engine.query(sql)
    except Exception as error:
        for target in targets:
            STATS.add(f"{check} {engine.name}->{target}", "discarded")
        STATS.discards[_reason(error)] += 1
        raise Discard(str(error)) from error


def _reason(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text[:90]}"


def check_translation(
    check: str,
    sql: str,
    source: DialectName,
    target: DialectName,
    target_engine: Engine,
    expected: list[Row],
    ordered: bool,
) -> str | None:
    """Translate and run on the target; count the outcome; raise `Mismatch` for a bug.

    Returns the translated SQL, or None when it was refused."""
    label = f"{check} {source}->{target}"
    names = True
    try:
        translated = translate(sql, source, target)
    except sqlshift.UntranslatableError as error:
        if error.code != "column-name":
            STATS.add(label, "refused")
            STATS.codes[error.code] += 1
            return None
        # A result name the target cannot spell (63 bytes in PostgreSQL): the values are
        # still worth comparing, under the target's names.
        STATS.codes["column-name (values compared)"] += 1
        translated = sqlshift.translate(
            sql,
            target,
            source=source,
            schema=SCHEMAS[source],
            options=sqlshift.Options(column_names="target"),
        )
        names = False
    except sqlshift.SqlshiftError as error:
        STATS.add(label, "failed")
        raise Mismatch(
            f"{label}: the source query runs, but translate raised {type(error).__name__}: "
            f"{error}\nsource SQL:\n  {sql}"
        ) from error
    compare_rows(
        label, sql, translated, target_engine, expected, ordered, source=source, names=names
    )
    return translated


NUMERIC_TYPES = "the same values in other numeric types"


def _zero_one(rows: list[Row]) -> list[Row]:
    """``rows`` with booleans as the 0/1 an engine without a boolean type stores."""
    return [type(row)(int(v) if isinstance(v, bool) else v for v in row) for row in rows]


def _difference(
    expected: list[Row], actual: list[Row], ordered: bool, source: str, judge: str
) -> str | None:
    """How the rows differ (None: they do not); NUMERIC_TYPES for the same values in another
    numeric type where SQLite is one side: SQLite types each value, not each column (a
    DECIMAL column holds 7 as an INTEGER and 7.5 as a REAL), which no other engine's column
    type reproduces (counted, not failed)."""
    difference = compare(expected, actual, ordered, source, judge)
    if (
        difference is not None
        and "sqlite" in (source, judge)
        and compare(expected, actual, ordered, source, judge, exact=False) is None
    ):
        return NUMERIC_TYPES
    return difference


def check_without_schema(
    sql: str,
    source: DialectName,
    target: DialectName,
    target_engine: Engine,
    expected: list[Row],
    ordered: bool,
) -> None:
    """The same query translated without ``schema=``, as a user without one gets it. Refused,
    or failing on the target, is fine (the user sees it); other rows with an assumption
    reported are counted (not silent); other rows without one is a silent mismatch: a bug."""
    label = f"diff-noschema {source}->{target}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sqlshift.AssumptionWarning)
            result = sqlshift.translation(sql, target, source=source, strict=True)
    except sqlshift.UntranslatableError as error:
        STATS.add(label, "refused")
        STATS.codes[f"{error.code} (no schema)"] += 1
        return
    try:
        actual = target_engine.query(result.sql)
    except Exception:
        STATS.add(label, "fails on target")
        return
    difference = _difference(expected, actual, ordered, source, target)
    if difference is NUMERIC_TYPES:
        STATS.add(label, "numeric type differs")
        return
    if difference is None:
        STATS.add(label, "passed")
        return
    if result.assumptions:
        STATS.add(label, "assumed")
        return
    STATS.add(label, "failed")
    raise Mismatch(
        f"{label}: silently wrong without a schema ({'ordered' if ordered else 'as multisets'}):"
        f" {difference}\nsource SQL:\n  {sql}\ntranslated SQL:\n  {result.sql}\n"
        f"expected ({len(expected)} rows):\n{format_rows(expected, 12)}\n"
        f"actual ({len(actual)} rows):\n{format_rows(actual, 12)}"
    )


def compare_rows(
    label: str,
    sql: str,
    translated: str,
    engine: Engine,
    expected: list[Row],
    ordered: bool,
    note: str = "",
    *,
    source: str,
    judged_as: str | None = None,
    names: bool = True,
) -> None:
    """Run `translated` on `engine` and compare with `expected` (from `source`) as the corpus
    does; `judged_as` names the engine whose limits apply (default: `engine`'s), and an
    `engine` without boolean expressions may read a boolean as 0/1 whoever judges (a round
    trip back into MySQL: a UNION of TINYINT(1) columns is no longer one); `note` is added to
    a failure."""
    try:
        actual = engine.query(translated)
    except Exception as error:
        STATS.add(label, "failed")
        raise Mismatch(
            f"{label}: the translation fails on {engine.name}: {type(error).__name__}: {error}\n"
            f"source SQL:\n  {sql}\ntranslated SQL:\n  {translated}{note}"
        ) from error
    judge = judged_as or engine.name
    if not names:
        expected, actual = list(expected), list(actual)
        if judge != engine.name and engine.name in NO_BOOLEAN_EXPRESSIONS:
            expected, actual = _zero_one(expected), _zero_one(actual)
    difference = _difference(expected, actual, ordered, source, judge)
    if difference is NUMERIC_TYPES:
        STATS.add(label, "numeric type differs")
        return
    if difference is not None:
        STATS.add(label, "failed")
        raise Mismatch(
            f"{label}: results differ ({'ordered' if ordered else 'as multisets'}): {difference}\n"
            f"source SQL:\n  {sql}\ntranslated SQL:\n  {translated}{note}\n"
            f"expected ({len(expected)} rows):\n{format_rows(expected, 12)}\n"
            f"actual ({len(actual)} rows):\n{format_rows(actual, 12)}"
        )
    STATS.add(label, "passed")


def tlp_partitions(base: str, pred: str) -> list[str]:
    """Ternary-logic partitioning of `base` (a query without WHERE) by `pred`."""
    return [
        f"{base} WHERE {pred}",
        f"{base} WHERE NOT ({pred})",
        f"{base} WHERE ({pred}) IS NULL",
    ]


def check_tlp(
    source_engine: Engine,
    target_engine: Engine,
    source: DialectName,
    target: DialectName,
    base: str,
    pred: str,
) -> None:
    """On the target, T(base) must equal the multiset union of the translated partitions."""
    label = f"tlp {source}->{target}"
    parts = tlp_partitions(base, pred)
    run_source(source_engine, parts[0], "tlp", [target])
    try:
        whole = translate(base, source, target)
        translated = [translate(part, source, target) for part in parts]
    except sqlshift.UntranslatableError as error:
        STATS.add(label, "refused")
        STATS.codes[error.code] += 1
        return
    try:
        expected = target_engine.query(whole)
        union = [row for part in translated for row in target_engine.query(part)]
    except Exception as error:
        STATS.add(label, "failed")
        raise Mismatch(
            f"{label}: a translated partition fails on {target}: {type(error).__name__}: {error}\n"
            f"base:\n  {base}\npredicate:\n  {pred}\ntranslated:\n  " + "\n  ".join(translated)
        ) from error
    difference = compare(expected, union, False, target, target)
    if difference is not None:
        STATS.add(label, "failed")
        raise Mismatch(
            f"{label}: T(Q) differs from the union of T(Q WHERE p), T(Q WHERE NOT p), "
            f"T(Q WHERE p IS NULL): {difference}\nbase:\n  {base}\npredicate:\n  {pred}\n"
            f"translated:\n  {whole}\n  " + "\n  ".join(translated)
        )
    STATS.add(label, "passed")
