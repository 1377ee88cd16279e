"""A mysqldump-shaped dump (corpus/dumps/sample.sql) loads on PostgreSQL and SQLite, translated
by sqlshift, with every row identical to MariaDB's native load; and translating a dump scales
linearly (loosely checked; the figures are in benchmarks/bench_dump.py)."""

from __future__ import annotations

import datetime
import io
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from engines import DialectName, EnginePool, dump_generator

from sqlshift import translate, translation
from sqlshift.translator.api import clear_cache

DUMPS = Path(__file__).resolve().parent.parent / "corpus" / "dumps"
sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))
from corpus_harness import compare  # noqa: E402 - lives next to the corpus runner

GEN = dump_generator("make_dump")
SAMPLE = (DUMPS / "sample.sql").read_text(encoding="utf-8")


def test_sample_is_what_the_generator_makes() -> None:
    assert GEN.make_dump(40) == SAMPLE


def _load_and_read(engines: EnginePool, name: DialectName, sql: str) -> dict[str, list[Any]]:
    engine = engines.get(name)
    with engine.isolated("other"):
        engine.execute_script(sql)
        return {
            table: engine.query(f"SELECT * FROM {table} ORDER BY {key}")
            for table, key in GEN.KEYS.items()
        }


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
def test_dump_loads_with_identical_rows(engines: EnginePool, target: DialectName) -> None:
    expected = _load_and_read(engines, "mysql", SAMPLE)
    translated = translate(SAMPLE, target, "mysql")
    actual = _load_and_read(engines, target, translated)
    for table in GEN.KEYS:
        assert len(expected[table]) > 10
        difference = compare(expected[table], actual[table], True, "mysql", target)
        assert difference is None, f"{table} on {target}: {difference}"


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
def test_dump_generated_keys_continue_like_mysql(engines: EnginePool, target: DialectName) -> None:
    more = "INSERT INTO `dump_products` (`sku`, `title`, `price`) VALUES ('NEW1', 't', 1.00)"
    query = "SELECT MAX(id) FROM dump_products"
    results = {}
    for name in ("mysql", target):
        engine = engines.get(name)
        sql = SAMPLE if name == "mysql" else translate(SAMPLE, name, "mysql")
        with engine.isolated("other"):
            engine.execute_script(sql)
            engine.execute_script(more if name == "mysql" else translate(more, name, "mysql"))
            results[name] = engine.query(
                query if name == "mysql" else translate(query, name, "mysql")
            )
    assert compare(results["mysql"], results[target], True, "mysql", target) is None


def test_dump_statements_are_split_and_load_only_ones_dropped() -> None:
    t = translation(SAMPLE, "sqlite", "mysql")
    text = t.sql.upper()
    for gone in ("LOCK TABLES", "SET NAMES", "FOREIGN_KEY_CHECKS", "DISABLE KEYS", "@OLD_"):
        assert gone not in text
    assert "ALTER TABLE" not in text  # SQLite: the foreign keys moved into CREATE TABLE
    assert text.count("FOREIGN KEY") == 3
    pg = translate(SAMPLE, "postgres", "mysql")
    assert pg.count("ADD CONSTRAINT") == 3 and "SET TIME ZONE 'UTC'" in pg


def _seconds(sql: str) -> float:
    best = float("inf")
    for _ in range(2):
        clear_cache()
        start = time.perf_counter()
        translate(sql, "postgres", "mysql")
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.slow
def test_translation_time_grows_linearly() -> None:
    small, large = GEN.make_dump(100), GEN.make_dump(400)
    ratio = _seconds(large) / _seconds(small)
    size_ratio = len(large) / len(small)
    assert ratio < 2.5 * size_ratio, f"{size_ratio:.1f}x input took {ratio:.1f}x time"


#: mysqldump without --hex-blob: a BLOB value as a string literal of raw bytes (not UTF-8),
#: with MySQL's escapes. MariaDB 10.11 stores FF FE 00 27 78 5C (read with the mysql client).
RAW_DUMP = (
    b"CREATE TABLE raw_blobs (id int PRIMARY KEY, data longblob, note varchar(4));\n"
    b"INSERT INTO raw_blobs VALUES (1,'\xff\xfe\\0\\'x\\\\','ok'),(2,'','\xc3\xa9');\n"
)


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
def test_dump_with_raw_bytes_loads_them_exactly(
    engines: EnginePool, target: DialectName, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlshift.cli import main

    dump = tmp_path / "raw.sql"
    dump.write_bytes(RAW_DUMP)
    assert main(["translate", "--from", "mysql", "--to", target, str(dump)]) == 0
    script = capsys.readouterr().out
    engine = engines.get(target)
    with engine.isolated("other"):
        engine.execute_script(script)
        rows = engine.query("SELECT id, data, note FROM raw_blobs ORDER BY id")
    assert rows == [(1, b"\xff\xfe\x00'x\\", "ok"), (2, b"", "é")]


APP = dump_generator("make_app_dump")
AFTER_LOAD = [
    "INSERT INTO app_accounts (name) VALUES ('new')",  # AUTO_INCREMENT=1000 still holds
    "INSERT INTO app_users (account_id, email) VALUES (3, 'Late@Example.com')",  # lowered
    "UPDATE app_users SET email = 'moved@example.com' WHERE id = 1",  # sets last_update
    "DELETE FROM app_accounts WHERE id = 2",  # cascades to its users, and SET NULL to owners
]
APP_READS = [
    "SELECT id, name, owner_id, notify, avatar, created, touched FROM app_accounts ORDER BY id",
    "SELECT id, account_id, email, last_update > '2025-01-01' FROM app_users ORDER BY id",
    "SELECT account, email FROM app_account_users ORDER BY account, email",
]


def _load_app(engines: EnginePool, name: DialectName) -> list[list[Any]]:
    """Load the application dump on ``name`` (MariaDB: natively, unit by unit as the mysql
    client sends them, into its scratch database), write to it, and read everything back."""
    from sqlshift.translator.compound import split_script

    engine = engines.get(name)
    with engine.isolated("other"):
        if name == "mysql":
            database = engine.query("SELECT DATABASE()")[0][0]
            dump = APP.make_dump(30, database)
            for unit in split_script(dump):
                if not unit.client:
                    engine.query(dump[unit.start : unit.end])
            engine.query("SET autocommit = 1")
            statements = list(AFTER_LOAD)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = translation(APP.make_dump(30), name, "mysql", strict=False)
            # the procedure; SQLite: also the trigger, which sets NEW.email
            refused = {"compound-statement"} | ({"trigger-set-new"} if name == "sqlite" else set())
            assert {p.code for p in result.problems} == refused
            # SQLite's ON UPDATE trigger also runs for a foreign key's SET NULL: said so
            codes = {a.code for a in result.assumptions}
            assert codes == ({"on-update-foreign-key"} if name == "sqlite" else set())
            statements = list(result.statements)
            statements += [s for w in AFTER_LOAD for s in translation(w, name, "mysql").statements]
        for statement in statements:
            if name == "sqlite":
                engine.query(statement)  # (executescript() would COMMIT first)
            else:
                engine.execute_script(statement)
        reads = APP_READS if name == "mysql" else [translate(r, name, "mysql") for r in APP_READS]
        return [[tuple(map(_naive_utc, row)) for row in engine.query(read)] for read in reads]


def _naive_utc(value: Any) -> Any:
    """MySQL's TIMESTAMP reads as a naive datetime, PostgreSQL's timestamptz as an aware one;
    both sessions run in UTC."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
def test_application_dump_loads_and_behaves_like_mysql(
    engines: EnginePool, target: DialectName
) -> None:
    expected = _load_app(engines, "mysql")
    assert len(expected[0]) == 30 and expected[0][-1][0] == 1000
    actual = _load_app(engines, target)
    for read, theirs, ours in zip(APP_READS, expected, actual, strict=True):
        if target == "sqlite" and "touched" in read:  # (the assumption above)
            theirs, ours = [r[:6] for r in theirs], [r[:6] for r in ours]
        if target == "sqlite" and "email" in read:  # (its trigger, refused there)
            ours = [tuple(v.lower() if isinstance(v, str) else v for v in r) for r in ours]
        difference = compare(theirs, ours, True, "mysql", target)
        if difference is not None and "created" in read:
            # the new row's own timestamps are the load's clock: compare the others exactly
            difference = compare(theirs[:-1], ours[:-1], True, "mysql", target)
        assert difference is None, f"{read} on {target}: {difference}"


def _chunked(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


TRICKY_ROWS = (
    "CREATE TABLE `t2` (`id` int NOT NULL, `flag` tinyint(1), `at` datetime, `d` date, "
    "`price` decimal(6,2), `data` blob, `f` set('a','b'), `s` varchar(40), PRIMARY KEY (`id`));\n"
    "INSERT INTO `t2` VALUES "
    + ",".join(
        f"({i},{i % 2},'2024-0{1 + i % 9}-1{i % 9} 0{i % 9}:00:0{i % 7}',"
        f"'{'2024-1-5' if i % 5 == 0 else '2023-12-31'}',{i}.{i % 1000:03d},"
        f"'b\\0{i}',{'NULL' if i % 3 else repr('b,a')},'it\\'s {i};\\n')"
        for i in range(400)
    )
    + ";\nINSERT INTO `t2` (`id`, `s`, `at`) VALUES "  # (a row a line, as Sakila's dump has it)
    + ",\n".join(
        f"({2000 + i},'line {i}),\t(x','2024-01-0{1 + i % 9} 10:00:00')" for i in range(30)
    )
    + ";\nINSERT INTO `t2` (`id`, `s`) VALUES (1000, CONCAT('a', 'b'));\n"
    + "INSERT INTO `t2` (id, s) VALUES (1001, 'spaced'), (1002, 'rows');\n"
)


#: a trigger whose body holds what reads as a bulk INSERT, between DELIMITER lines
TRIGGER_WITH_ROWS = (
    "CREATE TABLE `t3` (`id` int NOT NULL, `s` varchar(200), PRIMARY KEY (`id`));\n"
    "DELIMITER ;;\n"
    "CREATE TRIGGER `t2_log` AFTER INSERT ON `t2` FOR EACH ROW BEGIN\n"
    "  INSERT INTO `t3` VALUES "
    + ",".join(f"({i},'{'x' * 30}')" for i in range(12))
    + ";\n  INSERT INTO `t3` VALUES (99,'y');\nEND ;;\nDELIMITER ;\n"
)


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
def test_a_dump_read_in_chunks_is_translated_as_it_is_whole(
    target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """translator/dump.py: the bulk rows spooled as the dump is read in small pieces (every
    chunk boundary falls somewhere new: inside rows, strings, DELIMITER sections), the rest
    translated whole; the statements written are the whole translation's, one for one."""
    from sqlshift.translator import dump

    text = SAMPLE + TRICKY_ROWS + TRIGGER_WITH_ROWS + APP.make_dump(30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = translation(text, target, "mysql", strict=False).statements
    assert any("x" * 30 in s for s in whole)  # (the trigger's rows, inside its body)
    for size in range(1000, 9000, 250):
        monkeypatch.setattr(dump, "CHUNK", size)
        reduced = dump.reduce_dump(_chunked(text, 777), target)
        assert reduced.rows >= 10 and len(reduced.text) < len(text) / 3
        assert reduced.text.count("\n") == text.count("\n")  # (every statement keeps its line)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            statements = translation(reduced.text, target, "mysql", strict=False).statements
        written = []
        for statement in statements:
            out = io.StringIO()
            reduced.write(statement, out)
            written.append(out.getvalue())
        reduced.close()
        assert written == list(whole), f"read {size} characters at a time"


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
def test_the_command_line_reads_a_mysql_script_as_a_dump(
    target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`sqlshift translate --from mysql` spools a dump's rows (the same script comes out), and
    a refusal after a bulk INSERT is reported at its own line."""
    from sqlshift.cli import main

    path = tmp_path / "dump.sql"
    path.write_text(SAMPLE + TRICKY_ROWS, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = translation(SAMPLE + TRICKY_ROWS, target, "mysql").statements
    assert main(["translate", "--from", "mysql", "--to", target, str(path)]) == 0
    assert capsys.readouterr().out == "".join(f"{s};\n" for s in whole)
    bad = SAMPLE + TRICKY_ROWS + "SELECT 1;\nSELECT GET_LOCK('x', 1);\n"
    path.write_text(bad, encoding="utf-8")
    assert main(["translate", "--from", "mysql", "--to", target, str(path)]) != 0
    line = bad.count("\n")  # (the last statement's)
    assert f"dump.sql:{line}:" in capsys.readouterr().err
