"""MySQL scripts' database and transaction statements, read as a loader reads them.

A dump (``mysqldump --databases``, ``--no-autocommit``) and many hand-written scripts hold:

* ``CREATE DATABASE [IF NOT EXISTS] x`` / ``CREATE SCHEMA x`` and ``USE x``: the target
  database is the one the caller connected to, as with pgloader: the first ``USE`` and any
  ``CREATE DATABASE`` are dropped (they were passed through: PostgreSQL has no ``USE``, SQLite
  no ``CREATE DATABASE``). A ``USE`` of another database later in the script would merge two
  databases into one: refused (``database-statement``), as is ``DROP DATABASE`` of any
  other database than the script's own (on the target it would drop the whole database the
  caller named, or another one); the script's own, which it then creates or uses, is the
  caller's database, and dropping it is dropped.
* ``SET autocommit = 0`` (refused before, while the script's ``COMMIT`` was kept: SQLite
  failed on it with "no transaction is active"). From there on every statement runs in a
  transaction that ``COMMIT``/``ROLLBACK`` ends and the next statement opens: the
  translation opens it with ``BEGIN`` before the first statement after each end; a DDL
  statement commits it first (MySQL's implicit commit; the DDL runs outside it, as MySQL's
  does, so a later ROLLBACK cannot undo it on PostgreSQL either); a ``COMMIT`` with nothing
  open is dropped (a no-op in MySQL, an error in SQLite; before the script's first ``SET
  autocommit`` it is kept: it may end the caller's own transaction); ``SET autocommit = 1``
  commits what is open. A transaction left open at the end stays open, as in the MySQL session.

Corpus: dump.toml ``dump-autocommit*``, ``dump-use-database*``; tests/test_compound.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from sqlshift.translator.context import Context

__all__ = ["Session", "database_name"]

_DDL = (exp.Create, exp.Drop, exp.Alter, exp.TruncateTable)
_ENDS = (exp.Commit, exp.Rollback)


@dataclass(slots=True)
class Session:
    """What the statements before this one left the session in (one per script)."""

    #: the databases the script creates or uses: its own, dropped and made anew by it
    own: frozenset[str] = frozenset()
    database: str | None = None
    manual: bool = False  #: `SET autocommit = 0` is in effect
    seen: bool = False  #: the script sets autocommit (so it tells which transaction is open)
    open: bool = False  #: a transaction the script began (or `BEGIN`) is open

    def statements(self, tree: exp.Expr, ctx: Context) -> list[exp.Expr]:
        """What to emit for ``tree`` (MySQL source): itself, nothing, or with BEGIN/COMMIT
        around it."""
        if isinstance(tree, exp.Use):
            return self._use(tree, ctx)
        if isinstance(tree, exp.Create | exp.Drop) and _is_database(tree):
            if isinstance(tree, exp.Drop) and database_name(tree) not in self.own:
                ctx.refuse(
                    tree,
                    "database-statement",
                    f"DROP DATABASE would drop a whole {ctx.target} database: the one the "
                    "connection names, or another",
                    "drop the tables you mean, or the database yourself",
                )
            return []
        autocommit = _autocommit(tree)
        if autocommit is not None:
            ends: list[exp.Expr] = [exp.Commit()] if autocommit and self.open else []
            self.manual, self.seen = not autocommit, True
            self.open = False if autocommit else self.open
            return ends
        if isinstance(tree, exp.Transaction):
            self.open = True
            return [tree]
        if isinstance(tree, _ENDS):
            was_open, self.open = self.open, False
            return [tree] if was_open or not self.seen else []
        if not self.manual:
            return [tree]
        if isinstance(tree, _DDL):
            ends = [exp.Commit()] if self.open else []  # (MySQL commits before DDL)
            self.open = False
            return [*ends, tree]
        if self.open:
            return [tree]
        self.open = True
        return [exp.Transaction(), tree]

    def _use(self, tree: exp.Use, ctx: Context) -> list[exp.Expr]:
        name = tree.this.name if tree.this is not None else ""
        if self.database is None or self.database == name:
            self.database = name
            return []
        ctx.refuse(
            tree,
            "database-statement",
            f"this script uses a second database ({name}, after {self.database}); on "
            f"{ctx.target} its tables would land in the one database the connection names",
            "translate and load each database's part of the script into its own database",
        )
        return [tree]


def database_name(tree: exp.Expr) -> str | None:
    """The database a USE / CREATE DATABASE / DROP DATABASE names (lower case)."""
    if isinstance(tree, exp.Use):
        node = tree.this
    elif isinstance(tree, exp.Create | exp.Drop) and _is_database(tree):
        tables = tree.args.get("tables") or []
        node = tables[0] if isinstance(tree, exp.Drop) and tables else tree.this
    else:
        return None
    if isinstance(node, exp.Table):
        name = node.name or (node.args["db"].name if node.args.get("db") else "")
        return name.lower() or None
    return None


def _is_database(tree: exp.Create | exp.Drop) -> bool:
    return str(tree.args.get("kind") or "").upper() in ("DATABASE", "SCHEMA")


def _autocommit(tree: exp.Expr) -> bool | None:
    """The value of a lone ``SET autocommit = x`` (None for any other statement)."""
    if not isinstance(tree, exp.Set) or len(tree.expressions) != 1:
        return None
    item = tree.expressions[0]
    assignment = item.this if isinstance(item, exp.SetItem) else None
    if not isinstance(assignment, exp.EQ) or item.args.get("kind"):
        return None
    variable, value = assignment.this, assignment.expression
    if not isinstance(variable, exp.Column | exp.SessionParameter):
        return None
    if variable.name.lower() != "autocommit":
        return None
    text = value.name.upper() if isinstance(value, exp.Literal | exp.Column | exp.Var) else ""
    if isinstance(value, exp.Boolean):
        return bool(value.this)
    return {"0": False, "OFF": False, "1": True, "ON": True}.get(text)
