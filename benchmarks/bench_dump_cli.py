"""`sqlshift translate --from mysql` on a generated dump of ``--mb`` megabytes, to PostgreSQL
and SQLite, in one run: seconds, MB/s, rows/s and the peak RSS of the command (a process of
its own), as a user runs it:

    python benchmarks/bench_dump_cli.py [--mb 100] [--insert-bytes 1000000] [--json out.json]

The dump is corpus/dumps/make_dump.py's, its INSERTs packed to ``--insert-bytes`` as
mysqldump packs them (``--net-buffer-length``, 1 MB by default); ``--insert-bytes 0`` keeps
the generator's 50 rows per INSERT (2-3 kB statements: the translator's cost per statement
shows). The output goes to /dev/null.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _generate(path: Path, mb: float, insert_bytes: int | None) -> None:
    """Write the dump (in a process of its own: the commands measured are forked from this
    one, and a child's peak RSS counts what it was forked with)."""
    spec = importlib.util.spec_from_file_location(
        "make_dump", ROOT / "corpus" / "dumps" / "make_dump.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.make_dump(int(mb * 1250), insert_bytes=insert_bytes)  # (1250 kB: ~1 MB)
    path.write_text(text, encoding="utf-8")


def _run(argv: list[str]) -> tuple[float, int, int]:
    """Seconds, exit status and peak RSS (kB) of a command."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        child = subprocess.Popen(argv, stdout=sink, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status:
        assert child.stderr is not None
        print(child.stderr.read().decode()[-2000:], file=sys.stderr)
    return seconds, os.waitstatus_to_exitcode(status), usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=100.0)
    parser.add_argument("--insert-bytes", type=int, default=1_000_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dump.sql"
        process = multiprocessing.get_context("spawn").Process(
            target=_generate, args=(path, args.mb, args.insert_bytes or None)
        )
        process.start()
        process.join()
        size, rows, statements = path.stat().st_size, 0, 0
        with path.open(encoding="utf-8") as dump:
            for line in dump:
                if line.startswith("INSERT INTO"):
                    rows += line.count("),(") + 1
                    statements += 1
        print(f"dump: {size / 1e6:.1f} MB, {rows} rows in {statements} INSERTs")
        print(f"{'target':9} {'seconds':>8} {'MB/s':>6} {'rows/s':>9} {'peak RSS MB':>12}")
        results = []
        for target in ("postgres", "sqlite"):
            argv = [sys.executable, "-m", "sqlshift", "translate", "--from", "mysql",
                    "--to", target, str(path)]  # fmt: skip
            seconds, code, rss = _run(argv)
            assert code == 0, f"exit status {code}"
            mb = size / 1e6
            print(f"{target:9} {seconds:8.2f} {mb / seconds:6.1f} {rows / seconds:9.0f} "
                  f"{rss / 1024:12.0f}")  # fmt: skip
            results.append({"target": target, "bytes": size, "rows": rows, "seconds": seconds,
                            "mb_per_s": mb / seconds, "peak_rss_kb": rss})  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
