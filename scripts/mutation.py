"""Mutation testing of sqlshift's core modules: change one operator at a time and see whether
the module's tests notice (a mutant "killed") or not ("survived": a gap in the tests).

    scripts/mutation                      # every module in MODULES, a sample of each
    scripts/mutation params cache -n 80   # some modules, 80 mutants each
    scripts/mutation --all boolean        # every mutant of a module (slow)

Mutations (one per run, on the module's AST): comparison operators (== !=, < <=, > >=, in /
not in, is / is not), and/or, a dropped `not`, True/False, an integer constant + 1, + / -,
and `return <value>` -> `return None`. Each mutant runs the module's tests (pytest -x, with a
timeout); a mutant that makes them fail, error or time out is killed. Slow by design: a script
for a developer, not a CI gate. Prints a table per module and the survivors (file:line, what
changed) to read.
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: module -> (file, the tests that should catch a change in it)
MODULES: dict[str, tuple[str, list[str]]] = {
    "params": (
        "sqlshift/translator/params.py",
        ["tests/test_params.py", "tests/test_api.py"],
    ),
    "cache": (
        "sqlshift/executor/cache.py",
        ["tests/executor/test_executor_cache.py", "tests/executor/test_executor_stateful.py"],
    ),
    "paging": (
        "sqlshift/translator/rules/paging.py",
        [
            "tests/test_api.py",
            "tests/corpus/test_corpus.py",
            "-k",
            "pag or limit or offset or set_operation or fetch or union",
        ],
    ),
    "analysis": (
        "sqlshift/translator/analysis.py",
        ["tests/test_analysis.py", "tests/test_api.py", "tests/executor/test_executor_cache.py"],
    ),
    "boolean": (
        "sqlshift/translator/rules/boolean.py",
        [
            "tests/test_api.py",
            "tests/corpus/test_corpus.py",
            "-k",
            "bool or pred or gen or sel or truth",
        ],
    ),
}

_SWAP_CMP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}


@dataclass(frozen=True)
class Mutant:
    line: int
    what: str
    index: int  # the n-th mutable site in walk order, with its kind


def _sites(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    """Every (node, kind) this script knows how to change, in a stable order."""
    found: list[tuple[ast.AST, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and type(node.ops[0]) in _SWAP_CMP:
            found.append((node, "compare"))
        elif isinstance(node, ast.BoolOp):
            found.append((node, "boolop"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            found.append((node, "not"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            found.append((node, "bool"))
        elif (
            isinstance(node, ast.Constant)
            and type(node.value) is int
            and not isinstance(getattr(node, "parent", None), ast.Subscript)
        ):
            found.append((node, "int"))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            found.append((node, "arith"))
        elif (
            isinstance(node, ast.Return)
            and node.value is not None
            and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        ):
            found.append((node, "return"))
    return found


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                lines.update(range(value.lineno, (value.end_lineno or value.lineno) + 1))
    return lines


def _mutate(source: str, index: int) -> tuple[str, Mutant]:
    tree = ast.parse(source)
    node, _ = _sites(tree)[index]
    line = getattr(node, "lineno", 0)
    if isinstance(node, ast.Compare):
        old = type(node.ops[0])
        node.ops[0] = _SWAP_CMP[old]()
        what = f"{old.__name__} -> {type(node.ops[0]).__name__}"
    elif isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        what = f"boolop -> {type(node.op).__name__}"
    elif isinstance(node, ast.UnaryOp):
        node.op = ast.UAdd()  # `+x` keeps the value: the `not` is gone
        what = "not dropped"
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        what = f"{node.value} -> {not node.value}"
        node.value = not node.value
    elif isinstance(node, ast.Constant):
        what = f"{node.value} -> {node.value + 1}"
        node.value = node.value + 1
    elif isinstance(node, ast.BinOp):
        node.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
        what = f"arith -> {type(node.op).__name__}"
    else:
        assert isinstance(node, ast.Return)
        node.value = ast.Constant(value=None)
        what = "return None"
    return ast.unparse(tree), Mutant(line, what, index)


def _run_tests(tests: list[str], timeout: float) -> bool:
    """True when the tests pass (the mutant survived)."""
    env = {**os.environ, "SQLSHIFT_PROPERTY_EXAMPLES": "50"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


def mutate_module(
    name: str, sample: int | None, seed: int, timeout: float
) -> tuple[int, int, list[Mutant]]:
    path_text, tests = MODULES[name]
    path = ROOT / path_text
    original = path.read_text()
    tree = ast.parse(original)
    skip = _docstring_lines(tree)
    indices = [
        i for i, (node, _) in enumerate(_sites(tree)) if getattr(node, "lineno", 0) not in skip
    ]
    if sample is not None and sample < len(indices):
        indices = sorted(random.Random(seed).sample(indices, sample))
    if not _run_tests(tests, timeout * 3):
        raise SystemExit(f"{name}: the tests fail without any mutation; fix them first")
    survivors: list[Mutant] = []
    killed = 0
    try:
        for index in indices:
            mutated, mutant = _mutate(original, index)
            if mutated == ast.unparse(ast.parse(original)):
                continue
            path.write_text(mutated)
            if _run_tests(tests, timeout):
                survivors.append(mutant)
            else:
                killed += 1
    finally:
        path.write_text(original)
    return killed, killed + len(survivors), survivors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"some of: {', '.join(MODULES)} (default: all)")
    parser.add_argument("-n", "--sample", type=int, default=40, help="mutants per module")
    parser.add_argument("--all", action="store_true", help="every mutant (slow)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds per test run")
    args = parser.parse_args()
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    rows = []
    for name in args.modules or list(MODULES):
        started = time.monotonic()
        killed, total, survivors = mutate_module(
            name, None if args.all else args.sample, args.seed, args.timeout
        )
        rows.append((name, killed, total, time.monotonic() - started))
        for mutant in survivors:
            print(f"  survived: {MODULES[name][0]}:{mutant.line}: {mutant.what}", flush=True)
        print(f"{name}: {killed}/{total} killed", flush=True)
    print(f"\n{'module':<10}{'killed':>8}{'mutants':>9}{'score':>8}{'seconds':>9}")
    for name, killed, total, seconds in rows:
        score = f"{killed / total:.0%}" if total else "-"
        print(f"{name:<10}{killed:>8}{total:>9}{score:>8}{seconds:>9.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
