"""Bulk INSERT rows written without a tree per row (translator/bulk.py) are the full
translator's output, byte for byte, and the bulk path is taken where it can be."""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterator

import pytest
from engines import dump_generator

from sqlshift import translation
from sqlshift.translator import api
from sqlshift.translator.api import clear_cache
from sqlshift.translator.bulk import prepare_bulk

TRICKY = [
    "plain",
    "it\\'s",
    "two '' quotes",
    "back\\\\slash",
    "new\\nline\\ttab\\rreturn",
    'dq \\" here',
    "ünïcödé 😀 中文",
    "",
    " trailing ",
    "x\\0y",  # NUL: a BLOB takes it, text does not (the full translator refuses it)
    "50\\%",  # a rare escape: left to the full translator
    "1962/2/18",
    "zoom,AUDIO",
]
DDL = """CREATE TABLE `bulk_t` (
  `id` int NOT NULL, `Name` varchar(40), flag tinyint(1), price decimal(8,2), born date,
  at datetime, data blob, f set('zoom','audio'), e enum('a','b'), big bigint unsigned,
  PRIMARY KEY (`id`));
"""


NUL = "x\\0y"
#: what the bulk path takes (a NUL in text and rare escapes are the full translator's)
CLEAN = [t for t in TRICKY if t not in ("x\\0y", "50\\%")]


def _dump(rows: int, seed: int, with_columns: bool) -> str:
    """A dump with its DDL; odd seeds' rows hold what only the full translator takes."""
    rng = random.Random(seed)
    texts = TRICKY if seed % 2 else CLEAN
    blobs = [*texts, NUL]  # a BLOB takes a NUL
    values = []
    for i in range(rows):
        text = rng.choice(texts)
        values.append(
            f"({i},'{text}',{rng.choice(['0', '1', 'NULL', '2'])},"
            f"{rng.choice(['1.005', '-2.675', '7', 'NULL', '0.1'])},"
            f"'{rng.choice(['1962/2/18', '19620218', '2024-01-05'])}',"
            f"{rng.choice(['NULL', repr('2024-1-5 3:04:05')])},"
            f"'{rng.choice(blobs)}','{rng.choice(['zoom,AUDIO', '', 'audio'])}',"
            f"'{rng.choice('ab')}',{rng.choice(['18446744073709551615', '0'])})"
        )
    columns = "(`id`, `Name`, flag, price, born, at, data, f, e, big) " if with_columns else ""
    return DDL + f"INSERT INTO `bulk_t` {columns}VALUES {','.join(values)};\n"


@pytest.fixture
def both_ways() -> Iterator[None]:
    yield
    api.BULK_ENABLED = True
    clear_cache()


def _statements(sql: str, target: str, bulk: bool) -> tuple[str, ...]:
    api.BULK_ENABLED = bulk
    clear_cache()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return translation(sql, target, "mysql", strict=False).statements


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
@pytest.mark.parametrize("seed", range(6))
def test_bulk_rows_are_the_translators(target: str, seed: int, both_ways: None) -> None:
    dump = _dump(60, seed, with_columns=seed % 4 < 2)
    assert _statements(dump, target, True) == _statements(dump, target, False)
    # even seeds' rows are all the bulk path's to write (odd ones go the full way)
    assert bool(prepare_bulk(dump, None, target)[1].rows) == (seed % 2 == 0)


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
@pytest.mark.parametrize("make", ["make_dump", "make_app_dump"])
def test_generated_dumps_are_the_same(target: str, make: str, both_ways: None) -> None:
    module = dump_generator(make)
    dump = module.make_dump(400) if make == "make_dump" else module.make_dump(300)
    assert _statements(dump, target, True) == _statements(dump, target, False)


def test_the_bulk_path_is_taken(both_ways: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlshift.translator import bulk

    taken: list[int] = []
    splice = bulk.splice

    def counting(statement: str, found: bulk.Bulk) -> str:
        taken.append(len(found.rows))
        return splice(statement, found)

    monkeypatch.setattr(api, "splice", counting)
    clean = (
        DDL
        + "INSERT INTO `bulk_t` VALUES "
        + ",".join(
            f"({i},'n{i}',1,1.50,'2024-01-05','2024-01-05 10:00:00','b','zoom','a',{i})"
            for i in range(100)
        )
    )
    _statements(clean, "postgres", True)
    assert max(taken) == 1


PLAIN_DDL = (
    "CREATE TABLE `p` (`id` int NOT NULL, `s` varchar(60), `at` datetime, `d` date, "
    "`price` decimal(8,2), `flag` tinyint(1), PRIMARY KEY (`id`));\n"
)


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
@pytest.mark.parametrize("gap", [",", ",\n", ", ", ",\r\n  "])
@pytest.mark.parametrize("flagged", [False, True])
def test_rows_read_whole_or_a_row_at_a_time_are_the_translators(
    target: str, gap: str, flagged: bool, both_ways: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The two fast readers (every value written unchanged: one regular expression for the
    statement; some converted: one per row) give the full translator's rows, whatever
    separates the rows (mysqldump: nothing; Sakila's dump: a line break)."""
    from sqlshift.translator import bulk

    readers: list[str] = []
    for name in ("_plain_rows", "_rows_by_row"):
        real = getattr(bulk, name)

        def counted(*args: object, _real: object = real, _name: str = name) -> object:
            found = _real(*args)  # type: ignore[operator]
            readers.append(_name if found is not None else "")
            return found

        monkeypatch.setattr(bulk, name, counted)
    rng = random.Random(gap + target)
    texts = [t for t in CLEAN if t not in ("1962/2/18", "zoom,AUDIO")] + ["a),(b", "),\n("]
    prices = ["1.5", "-2.25", "7", "NULL", "'0.10'"]
    rows = gap.join(
        f"({i},'{rng.choice(texts)}','2024-0{1 + i % 9}-1{i % 9} 0{i % 9}:30:00',"
        f"'1999-12-3{i % 2}',{rng.choice(prices)},"
        f"{rng.choice(['0', '1', 'NULL']) if flagged else 'NULL'})"
        for i in range(80)
    )
    dump = PLAIN_DDL + f"INSERT INTO `p` VALUES {rows};\n"
    assert _statements(dump, target, True) == _statements(dump, target, False)
    # a flag is written TRUE/FALSE on PostgreSQL (converted): the row-at-a-time reader
    expected = "_rows_by_row" if flagged and target == "postgres" else "_plain_rows"
    assert expected in readers
