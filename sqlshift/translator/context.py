"""What a rewrite rule knows while it runs: direction, schema, strictness, and how to refuse."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from sqlshift.errors import UntranslatableError
from sqlshift.translator.options import DEFAULT_OPTIONS, Options
from sqlshift.translator.params import ScannedText
from sqlshift.translator.schema import Schema


@dataclass(slots=True)
class Context:
    """Per-translation state shared by the rules. ``warnings`` collects lenient-mode notes."""

    source: str
    target: str
    strict: bool
    scanned: ScannedText
    original: str
    schema: Schema | None = None
    options: Options = DEFAULT_OPTIONS
    warnings: list[str] = field(default_factory=list)

    def refuse(self, node: exp.Expr, code: str, reason: str, hint: str = "") -> None:
        """Refuse ``node``: raise in strict mode, record a warning in lenient mode."""
        error = self.error(node, code, reason, hint)
        if self.strict:
            raise error
        self.warnings.append(str(error))

    def error(self, node: exp.Expr, code: str, reason: str, hint: str = "") -> UntranslatableError:
        """Build the positioned error for ``node`` (positions refer to the caller's text)."""
        line, col = self.position(node)
        try:
            construct = node.sql(self.source)
        except Exception:  # a half-rewritten node may not render; the code still identifies it
            construct = type(node).__name__
        return UntranslatableError(
            code,
            construct=construct,
            reason=reason,
            hint=hint,
            line=line,
            col=col,
            source=self.source,
            target=self.target,
        )

    def position(self, node: exp.Expr) -> tuple[int | None, int | None]:
        """1-based (line, col) in the caller's text of the first token under ``node`` (or under
        its nearest ancestor with a token, for a node the parser made without one)."""
        at: exp.Expr | None = node
        while at is not None:
            best: int | None = None
            for sub in at.walk():
                meta = sub._meta
                if meta and "start" in meta:
                    start = int(meta["start"])
                    best = start if best is None else min(best, start)
            if best is not None:
                return line_col(self.original, self.scanned.original_offset(best))
            at = at.parent
        return None, None


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def caret(text: str, line: int, col: int) -> str:
    """The ``line`` of ``text`` with a caret under column ``col`` (both 1-based)."""
    lines = text.splitlines() or [""]
    shown = lines[min(line, len(lines)) - 1]
    return f"  {shown}\n  {' ' * (col - 1)}^"
