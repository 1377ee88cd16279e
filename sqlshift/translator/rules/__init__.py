"""The semantic rewrite passes: a registry of small rules, applied in one walk of the tree.

A rule is a function ``(node, ctx) -> replacement | None`` registered with :func:`rule` for
node types and a set of (source, target) directions. Rules run children-first, each node once;
a replacement's own subtree is not revisited, so a rule never sees its own output.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlglot import exp

from sqlshift.translator.context import Context
from sqlshift.translator.types import TYPED, infer, is_within

__all__ = ["ALL", "TEXT_CONSUMERS", "Rule", "apply_rules", "func", "rule"]

RuleFn = Callable[[exp.Expr, Context], exp.Expr | None]
ALL = frozenset({"mysql", "postgres", "sqlite"})


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    types: tuple[type[exp.Expr], ...]
    sources: frozenset[str]
    targets: frozenset[str]
    fn: RuleFn
    first: bool = False


_RULES: list[Rule] = []
_BY_DIRECTION: dict[tuple[str, str], dict[type[exp.Expr], tuple[Rule, ...]]] = {}


def rule(
    *types: type[exp.Expr],
    source: Iterable[str] = ALL,
    target: Iterable[str] = ALL,
    first: bool = False,
) -> Callable[[RuleFn], RuleFn]:
    """Register a rule for ``types`` when translating from ``source`` to ``target``.

    Same-dialect translation never runs rules. A ``first`` rule runs before the other rules
    of its node types: it is meant for a wrapper (a CAST around the node that gives the
    target's result the source's type), which the others then rewrite inside. Otherwise the
    rules of a node type run in the order of their modules' names, and within a module in
    the order it defines them (not in the order modules happen to be imported).
    """

    def register(fn: RuleFn) -> RuleFn:
        entry = Rule(fn.__name__, types, frozenset(source), frozenset(target), fn, first)
        _RULES.append(entry)
        _BY_DIRECTION.clear()
        return fn

    return register


def _table(source: str, target: str) -> dict[type[exp.Expr], tuple[Rule, ...]]:
    table = _BY_DIRECTION.get((source, target))
    if table is None:
        grouped: dict[type[exp.Expr], list[Rule]] = {}
        # The order does not depend on which module imported which first: `first` rules,
        # then by module name, then as each module defines them.
        for r in sorted(_RULES, key=lambda r: (not r.first, r.fn.__module__)):
            if source in r.sources and target in r.targets and source != target:
                for t in r.types:
                    grouped.setdefault(t, []).append(r)
        table = {t: tuple(rs) for t, rs in grouped.items()}
        _BY_DIRECTION[(source, target)] = table
    return table


def rules_for(source: str, target: str) -> list[str]:
    """Names of the rules that run in one direction (for docs and tests)."""
    return sorted({r.name for rs in _table(source, target).values() for r in rs})


def apply_rules(tree: exp.Expr, nodes: Iterable[exp.Expr], ctx: Context) -> exp.Expr:
    """Run every matching rule over ``tree`` (whose nodes in pre-order are ``nodes``),
    children first; return the (new) root."""
    table = _table(ctx.source, ctx.target)
    if not table:
        return tree
    matched = [node for node in nodes if type(node) in table]
    root = tree
    for node in reversed(matched):  # reversed pre-order visits children before parents
        current: exp.Expr = node
        # the source's type, taken before any rule rewrites the node (its children are
        # rewritten already, and carry theirs): what a rewrite stands for, for the rules above
        typed = infer(node, ctx)
        node.meta[TYPED] = typed
        for r in table[type(node)]:
            parent, key, index = current.parent, current.arg_key, current.index
            replacement = r.fn(current, ctx)
            if replacement is None or replacement is current:
                continue
            if not isinstance(node, _CONVERTED):
                replacement.meta.setdefault(TYPED, typed)
            # The replacement may wrap ``current``, so re-attach it where ``current`` was.
            if parent is None or key is None:
                root = replacement
            else:
                parent.set(key, replacement, index)
                if current.parent is parent:
                    current.parent = None  # detached: the faithfulness check must skip it
            if not isinstance(replacement, r.types):
                if is_within(current, replacement):
                    continue  # a wrapper (CAST(x = y AS INT)): the other rules still see x = y
                break  # the node changed kind: the remaining rules were for the old kind
            current = replacement
    return root


#: values a rule may convert to the type their context needs (text compared with a number
#: becomes a number): their replacement does not stand for the source's type
_CONVERTED = (exp.Literal, exp.Column, exp.Cast, exp.Null, exp.Placeholder, exp.Boolean)


GENERATED = "sqlshift_generated"
"""Meta flag on function calls a rule wrote on purpose (the faithfulness check trusts them)."""


#: nodes that read their operands as text (where a date's or timestamp's text form matters)
TEXT_CONSUMERS: tuple[type[exp.Expr], ...] = (
    exp.Length,
    exp.Substring,
    exp.Upper,
    exp.Lower,
    exp.Trim,
    exp.Replace,
    exp.StrPosition,
    exp.Left,
    exp.Right,
    exp.Pad,
    exp.Like,
    exp.ILike,
    exp.Concat,
    exp.ConcatWs,
    exp.DPipe,
    exp.GroupConcat,
    exp.Repeat,
    exp.Reverse,
)


def func(name: str, *args: exp.Expr) -> exp.Anonymous:
    """A call of the target's function ``name`` that sqlglot does not model."""
    call = exp.Anonymous(this=name, expressions=list(args))
    call.meta[GENERATED] = True
    return call


def load_all() -> None:
    """Import every rule module in this package so that its rules register themselves."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
