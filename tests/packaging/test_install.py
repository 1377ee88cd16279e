"""What a user installs: tested dependency versions, typed package, metadata, both installs."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import venv
import zipfile
from importlib.metadata import metadata, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())

USER_SCRIPT = """
from sqlshift import Cache, Options, ParamMap, connect, translation, wrap


async def main() -> None:
    db = connect("sqlite:///:memory:", source="mysql", cache=Cache(maxsize=10),
                 options=Options(collation="target"))
    async with db:
        rows = await db.fetch_all("SELECT 1 AS one")
        first: object = rows[0]["one"]
        hits: int = db.cache.stats().hits
        print(first, hits)
    plain = await connect("sqlite:///:memory:")
    print(plain.cache is None)
    await plain.close()
    params: ParamMap = translation("SELECT %s", "postgres", "mysql").params
    reveal_type(params.apply((1,)))
    print(wrap)
"""


def _requirement(name: str) -> Requirement:
    for text in PYPROJECT["project"]["dependencies"]:
        requirement = Requirement(text)
        if requirement.name == name:
            return requirement
    raise AssertionError(f"{name} is not a dependency")


def test_installed_sqlglot_is_a_tested_release() -> None:
    installed = version("sqlglot")
    allowed = _requirement("sqlglot").specifier
    assert allowed.contains(installed), (
        f"sqlglot {installed} is installed, but sqlshift is tested with sqlglot{allowed} only: "
        "sqlshift subclasses sqlglot's parsers and generators, whose internals change between "
        "minor releases. Install from constraints.txt, or test the new release and widen the "
        "pin in pyproject.toml"
    )


def test_constraints_pin_what_is_installed() -> None:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            pins[name.lower().replace("_", "-")] = pinned
    for name in ("sqlglot", "cachetools", "mypy", "ruff", "pytest", "hypothesis", "asyncpg"):
        assert pins.get(name) == version(name), (
            f"{name}: pinned {pins.get(name)}, installed {version(name)}"
        )
    assert _requirement("sqlglot").specifier.contains(pins["sqlglot"])


def test_metadata_is_complete() -> None:
    meta = metadata("sqlshift")
    assert meta["License-Expression"] == "MIT"
    assert meta["Author"] or meta["Author-email"]
    assert any(c.startswith("Typing :: Typed") for c in meta.get_all("Classifier") or [])
    assert meta["Summary"]
    assert meta["Requires-Python"] == ">=3.11"


def _mypy(script: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *extra, str(script)],
        capture_output=True,
        text=True,
        cwd=script.parent,
        timeout=300,
    )


@pytest.mark.slow
def test_user_script_type_checks_with_the_editable_install(tmp_path: Path) -> None:
    script = tmp_path / "app.py"
    script.write_text(USER_SCRIPT)
    result = _mypy(script)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'Revealed type is "tuple[Any, ...] | dict[str, Any]"' in result.stdout


@pytest.mark.slow
def test_user_script_type_checks_with_a_regular_install(tmp_path: Path) -> None:
    """The wheel ships py.typed: mypy reads the package from an ordinary site-packages."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PIP_CONSTRAINT": str(ROOT / "constraints.txt")},
        timeout=300,
    )
    (wheel,) = wheels.glob("sqlshift-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "sqlshift/py.typed" in names
    assert "sqlshift/executor/database.py" in names
    user = tmp_path / "user-venv"
    venv.create(user, with_pip=False, system_site_packages=True)
    site = next(user.glob("lib/python*/site-packages"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    script = tmp_path / "app.py"
    script.write_text(USER_SCRIPT)
    result = _mypy(script, "--python-executable", str(user / "bin" / "python"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site / "sqlshift" / "py.typed").is_file()


def test_pip_show_names_the_license() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "pip", "show", "sqlshift"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "License-Expression: MIT" in shown
    assert "Author: The sqlshift developers" in shown


def test_sqlshift_imports_without_the_drivers_it_was_not_installed_with() -> None:
    """`pip install sqlshift[sqlite]` brings aiosqlite only: `import sqlshift` (and
    `wrap`, `connect` for SQLite) must not import asyncpg or aiomysql."""
    script = (
        "import sys\n"
        "sys.modules['asyncpg'] = None\n"
        "sys.modules['aiomysql'] = None\n"
        "import asyncio, sqlshift\n"
        "async def main():\n"
        "    async with sqlshift.connect('sqlite:///:memory:') as db:\n"
        "        print((await db.fetch_all('SELECT 1 AS one'))[0]['one'])\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"
