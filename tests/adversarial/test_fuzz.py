"""Mutated corpus statements (tokens dropped, repeated, cut, or foreign tokens inserted):
every input ends in sqlshift's own errors, never an internal error ("please report") or a
foreign exception (issue 11, item 4). CI runs a few thousand per commit; `python
tests/adversarial/test_fuzz.py SEED COUNT` runs more (the figures are in issue 11's note)."""

from __future__ import annotations

import collections
import os
import random
import sys
import tomllib
from pathlib import Path

import sqlshift
from sqlshift.translator.targets import DIALECTS

CASES = Path(__file__).resolve().parents[2] / "corpus" / "cases"
FOREIGN_TOKENS = (
    "(", ")", ",", "SELECT", "FROM", "AS", "INTERVAL", "CAST", "::", "->", "?", "%s", "$1",
    "'x'", "NULL", "1.5", "DATE_ADD(", "CASE", "WHEN", "END", "OVER", "(PARTITION BY",
    "ORDER BY", "LIMIT", "é", "`a`", '"b"', "[c]", "+", "/", "||", "IN", "NOT", "AND",
    "EXTRACT(", "FROM t", "JOIN", "ON", "USING", "*", "GROUP BY", "HAVING", "UNION", "WITH",
    "RECURSIVE", "DISTINCT", "VALUES", "INSERT INTO", "UPDATE", "SET", "DELETE",
)  # fmt: skip


def _statements() -> list[tuple[str, str]]:
    found = []
    for path in sorted(CASES.glob("*.toml")):
        for case in tomllib.loads(path.read_text()).get("case", []):
            found.append((case["sql"], case["source"]))
    return found


def _mutated(rng: random.Random, sql: str, source: str) -> str:
    tokens = [t.text for t in DIALECTS[source].tokenize(sql)]
    for _ in range(rng.randint(1, 3)):
        choice, at = rng.random(), rng.randrange(len(tokens) + 1)
        if choice < 0.3 and tokens:
            del tokens[min(at, len(tokens) - 1)]
        elif choice < 0.6:
            tokens.insert(at, rng.choice(FOREIGN_TOKENS))
        elif choice < 0.8 and tokens:
            tokens.insert(at, tokens[rng.randrange(len(tokens))])
        else:
            tokens = tokens[:at]
    return " ".join(tokens)


def fuzz(seed: int, count: int) -> tuple[int, collections.Counter[str], dict[str, str]]:
    """Translate ``count`` mutated statements into both other dialects; return the number of
    translations tried and the internal errors found (by kind, with one example each)."""
    rng = random.Random(seed)
    statements = _statements()
    tried, bad, examples = 0, collections.Counter[str](), {}
    for _ in range(count):
        sql, source = rng.choice(statements)
        try:
            mutated = _mutated(rng, sql, source)
        except Exception:
            continue
        for target in ("mysql", "postgres", "sqlite"):
            if target == source:
                continue
            tried += 1
            try:
                sqlshift.translate(mutated, target, source=source)
            except sqlshift.SqlshiftError as error:
                if "please report" in str(error) or "internal error" in str(error):
                    kind = str(error)[:80]
                    bad[kind] += 1
                    examples.setdefault(kind, f"{source} -> {target}: {mutated}")
            except Exception as error:
                kind = f"foreign {type(error).__name__}"
                bad[kind] += 1
                examples.setdefault(kind, f"{source} -> {target}: {mutated}")
    return tried, bad, examples


def test_mutated_statements_raise_only_sqlshift_errors() -> None:
    seed = int(os.environ.get("SQLSHIFT_PROPERTY_SEED", "20261206"))
    tried, bad, examples = fuzz(seed, 2000)
    assert tried > 3000
    assert not bad, f"seed {seed}: " + "; ".join(f"{k} ({examples[k]})" for k in bad)


if __name__ == "__main__":
    total, found = 0, collections.Counter[str]()
    for run_seed in range(
        int(sys.argv[1]), int(sys.argv[1]) + int(sys.argv[3] if len(sys.argv) > 3 else 1)
    ):
        n, errors, shown = fuzz(run_seed, int(sys.argv[2]))
        total += n
        found.update(errors)
        for kind in errors:
            print(run_seed, kind, shown[kind])
    print(f"{total} translations of mutated statements, {sum(found.values())} internal errors")
