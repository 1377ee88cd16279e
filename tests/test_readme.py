"""Every Python example in README.md runs, and shows what the README says it shows.

Blocks written as doctests (``>>>``) run as doctests. A block that is a program (it calls
``asyncio.run``) runs in a subprocess, once per engine its URL can point at, and must print
exactly the ``text`` block that follows it. Any other Python block fails: the README keeps no
example that the suite does not run.
"""

from __future__ import annotations

import doctest
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import sqlshift

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
_BLOCK = re.compile(r"^( *)```(\w*)\n(.*?)^\1```$", re.M | re.S)
PG_URL = os.environ.get("SQLSHIFT_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
MYSQL_URL = os.environ.get("SQLSHIFT_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
README_PG_URL = "postgresql://postgres@127.0.0.1/test"


def _blocks() -> list[tuple[int, str, str]]:
    """(line, language, body) of every fenced block, indentation removed."""
    found = []
    for match in _BLOCK.finditer(README):
        indent = len(match.group(1))
        body = "".join(line[indent:] for line in match.group(3).splitlines(keepends=True))
        found.append((README.count("\n", 0, match.start()) + 1, match.group(2), body))
    return found


BLOCKS = _blocks()
PYTHON = [(line, body) for line, lang, body in BLOCKS if lang == "python"]
DOCTESTS = [(line, body) for line, body in PYTHON if body.lstrip().startswith(">>>")]
PROGRAMS = [
    (line, body, BLOCKS[i + 1][2])
    for i, (line, lang, body) in enumerate(BLOCKS)
    if lang == "python"
    and "asyncio.run(" in body
    and i + 1 < len(BLOCKS)
    and BLOCKS[i + 1][1] == "text"
]


def test_every_python_block_is_run() -> None:
    run = {line for line, _ in DOCTESTS} | {line for line, _, _ in PROGRAMS}
    assert [line for line, _ in PYTHON if line not in run] == []
    assert len(DOCTESTS) >= 4 and len(PROGRAMS) >= 3


@pytest.mark.parametrize(("line", "body"), DOCTESTS, ids=[f"line{n}" for n, _ in DOCTESTS])
def test_doctest_block(line: int, body: str) -> None:
    parser = doctest.DocTestParser()
    # the names the README's first block imports, for the blocks after it
    names = {name: getattr(sqlshift, name) for name in sqlshift.__all__}
    test = parser.get_doctest(body, names, f"README.md:{line}", "README.md", line)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    out: list[str] = []
    result = runner.run(test, out=out.append)
    assert result.failed == 0, "".join(out)


def _reachable(url: str) -> str | None:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), 3).close()
    except OSError as error:
        return f"{url.split('@')[-1]} unreachable: {error}"
    return None


def _targets(program: str, tmp: Path) -> list[tuple[str, str | None]]:
    """The URLs to run a program against: each engine when it names a server URL."""
    if README_PG_URL not in program:
        return [("as written", None)]
    urls = [("postgres", PG_URL), ("mysql", MYSQL_URL)]
    if "asyncpg" not in program:
        urls.append(("sqlite", f"sqlite:///{tmp / 'app.db'}"))
    else:
        urls = urls[:1]
    return urls


@pytest.mark.parametrize(
    ("line", "program", "expected"), PROGRAMS, ids=[f"line{n}" for n, _, _ in PROGRAMS]
)
def test_program_block(line: int, program: str, expected: str, tmp_path: Path) -> None:
    for engine, url in _targets(program, tmp_path):
        text = program.replace("readme_people", f"readme_people_{os.getpid()}")
        if url is not None:
            problem = _reachable(url) if not url.startswith("sqlite") else None
            if problem is not None:
                if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
                    pytest.fail(f"{problem} (CI=true: not skipping)")
                pytest.skip(problem)
            text = text.replace(README_PG_URL, url)
        script = tmp_path / f"readme_{line}.py"
        script.write_text(text, encoding="utf-8")
        result = subprocess.run(
            [sys.executable, str(script)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )
        assert result.returncode == 0, f"{engine}: {result.stderr}"
        assert result.stdout == expected, f"README.md:{line} on {engine}"
        assert result.stderr == "", f"{engine}: {result.stderr}"
