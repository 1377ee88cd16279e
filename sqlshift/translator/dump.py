"""A MySQL dump translated in memory that does not grow with it (``sqlshift translate --from
mysql`` reads its files this way).

The translator reads a script whole: its CREATE TABLEs type the INSERTs after them, its
foreign keys are added after the data, its session statements act on what follows. A dump is
mostly rows, and rows need none of that beyond their table's column types (``bulk.py``). So
a dump is translated in three steps:

1. :func:`reduce_dump` reads it in chunks and writes each bulk INSERT's rows for the target
   (``bulk.py``) into a temporary file, the *spool*; in the script, the statement becomes a
   one-line stub (``/* sqlshift-dump:N */ INSERT INTO t (...) VALUES (NULL, ...)``) followed
   by as many line breaks as the statement held, so every other statement keeps its line.
2. The reduced script (the dump's DDL, session statements, anything that is not a bulk
   INSERT, and the stubs) is translated whole, as the dump itself would be.
3. :meth:`Reduced.write` writes each translated statement; a stub's ``VALUES`` are its rows,
   read back from the spool.

Memory holds one chunk (a statement longer than a chunk: that statement), the reduced script
(about a hundred bytes per bulk INSERT, and mysqldump writes INSERTs of up to 1 MB) and the
translated DDL: not the rows. ``tests/test_dump.py`` checks that the output is the whole
translation's, statement for statement.
"""

from __future__ import annotations

import codecs
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, BinaryIO, TextIO

from sqlshift.translator.bulk import BulkReader
from sqlshift.translator.compound import Unit, split_script
from sqlshift.translator.rules.scripts import unwrap_conditional_comments
from sqlshift.translator.schema import Schema

__all__ = ["CHUNK", "Reduced", "read_chunks", "reduce_dump"]

CHUNK = 1 << 20
"""Characters read at a time."""
MARKER = "sqlshift-dump"
_STUB = re.compile(r"/\* sqlshift-dump:(\d+) \*/ ")
_DELIMITER = re.compile(r"[ \t]*delimiter[ \t]+(\S+)", re.IGNORECASE)


@dataclass(slots=True)
class Reduced:
    """A dump with its bulk rows in a spool (module docstring)."""

    text: str  #: the script, each bulk INSERT a stub
    spool: BinaryIO  #: the rows written for the target, one statement's after another
    spans: list[tuple[int, int]] = field(default_factory=list)  #: stub -> (offset, bytes)
    rows: int = 0  #: bulk statements spooled

    def write(self, statement: str, out: TextIO) -> None:
        """Write a translated statement; a stub's with its rows."""
        stub = _STUB.match(statement)
        if stub is None:
            out.write(statement)
            return
        offset, size = self.spans[int(stub.group(1))]
        self.spool.seek(offset)
        out.write(statement[stub.end() : statement.rindex(" VALUES ")])
        out.write(" VALUES ")
        out.write(self.spool.read(size).decode("utf-8"))

    def close(self) -> None:
        self.spool.close()


def read_chunks(stream: IO[bytes], size: int = CHUNK) -> Iterator[str]:
    """A byte stream's text in chunks (UTF-8, a byte-order mark dropped; bytes that are not
    UTF-8 kept as lone surrogates, as the command line reads a whole script)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")("surrogateescape")
    while data := stream.read(size):
        yield decoder.decode(data)
    yield decoder.decode(b"", final=True)


def reduce_dump(chunks: Iterable[str], target: str, schema: Schema | None = None) -> Reduced:
    """Step 1 (module docstring): the script with stubs, and the spool of rows."""
    reader = BulkReader(schema, target, marker=MARKER)
    reduced = Reduced("", tempfile.TemporaryFile())  # noqa: SIM115 (Reduced.close closes it)
    script: list[str] = []
    pending: list[str] = []  # (chunks not yet reduced, joined once they make a CHUNK)
    size, need = 0, CHUNK
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= need:
            buffer = "".join(pending)
            rest = buffer[_reduce(buffer, reader, reduced, script, final=False) :]
            pending, size = [rest], len(rest)
            need = CHUNK + 2 * size  # (a statement longer than a chunk: read on, not again)
    _reduce("".join(pending), reader, reduced, script, final=True)
    reduced.text = "".join(script)
    return reduced


def _reduce(
    text: str, reader: BulkReader, reduced: Reduced, script: list[str], *, final: bool
) -> int:
    """Reduce the statements of ``text`` that are surely whole (all, when ``final``) into
    ``script``; where the rest starts."""
    units = split_script(text)
    keep = len(units) if final else _whole(text, units)
    done = 0
    for unit in units[:keep]:
        if text.find("/*!", unit.start, unit.end) >= 0:  # (read as the translator reads it)
            unwrapped = unwrap_conditional_comments(text[unit.start : unit.end])
            reader.note(unwrapped, Unit(0, len(unwrapped)))
            continue
        found = reader.read(text, unit)
        if found is None:
            continue
        first, stub, rows = found
        data = rows.encode("utf-8")
        reduced.spans.append((reduced.spool.tell(), len(data)))
        reduced.spool.write(data)
        reduced.rows += 1
        script.extend((text[done:first], stub, "\n" * text.count("\n", first, unit.end)))
        done = unit.end
    cut = len(text) if final or keep == len(units) else units[keep].start
    script.append(text[done:cut])
    return cut


def _whole(text: str, units: list[Unit]) -> int:
    """How many of ``units`` are surely whole: all but the last (it may go on in the next
    chunk), and none from a DELIMITER line on whose delimiter is still in force (the rest is
    read again from a place where the delimiter is ``;``)."""
    delimiter, keep = ";", 0
    for index, unit in enumerate(units[:-1]):
        if delimiter == ";":
            keep = index
        if unit.client:
            match = _DELIMITER.match(text, unit.start)
            delimiter = match.group(1) if match is not None else delimiter
    if delimiter == ";" and units:
        keep = len(units) - 1
    return keep
