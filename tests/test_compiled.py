"""compiled.Stored: a record's table, row and read-back all come from its declaration."""

from __future__ import annotations

import dataclasses
import sqlite3
from decimal import Decimal
from typing import Optional, Tuple

import pytest

from cityai_cli.core.cache.compiled import Stored
from cityai_cli.core.figures.dates import PartialDate
from cityai_cli.core.figures.quantity import Quantity, parse_figure
from cityai_cli.core.records import Citation
from cityai_cli.core.slots import COMPILE_AFTER, Record


class Thing(Record):
    name: str
    size: Quantity
    when: Optional[PartialDate]
    tags: Tuple[str, ...]
    flag: bool
    parts: Tuple[Citation, ...]
    note: str = ""


THINGS = Stored("things", Thing, ("id INTEGER PRIMARY KEY",), keys={"name": "UNIQUE"})


def test_the_table_follows_the_declaration():
    assert THINGS.ddl == (
        "CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, size_text TEXT NOT NULL, "
        "size TEXT NOT NULL, size_unit TEXT NOT NULL, size_dimension TEXT NOT NULL, size_qualifier TEXT NOT NULL, "
        "size_upper TEXT, size_literal TEXT NOT NULL, when TEXT, tags TEXT NOT NULL, flag INTEGER NOT NULL, "
        "note TEXT NOT NULL);"
    )
    assert THINGS.held == ("parts",) and THINGS.width == 13


def test_a_record_comes_back_equal():
    parts = (Citation("s", "3-5个", "3-5个"),)
    thing = Thing("甲", parse_figure("3-5个"), PartialDate("2024-12"), ("a", "乙"), True, parts)
    db = sqlite3.connect(":memory:")
    db.execute(THINGS.ddl.replace("when", '"when"'))
    db.execute(f"INSERT INTO things VALUES ({','.join('?' * THINGS.width)})", THINGS.row(thing, (7,)))
    row = db.execute(f"SELECT id, {THINGS.select().replace('when', chr(34) + 'when' + chr(34))} FROM things").fetchone()
    back = THINGS.read(row, 1, parts=parts)
    assert back == thing and back.size.value == Decimal(3) and back.size.upper == Decimal(5)
    assert row[:3] == (7, "甲", "3-5个") and row[-4:] == ("2024-12", "\x1e\x1fa\x1f乙", 1, "")


def test_a_type_without_a_column_is_refused():
    class Odd(Record):
        amount: float

    with pytest.raises(TypeError, match="Odd: no column type for float; add it to compiled.CODECS"):
        Stored("odd", Odd)


def test_the_written_reader_reads_as_the_loop_does():

    stored = Stored("things", Thing, ("id INTEGER PRIMARY KEY",))
    things = [
        Thing(f"t{i}", parse_figure(f"{i}个"), None if i % 2 else PartialDate("2024"), ("x",) * (i % 3), i % 2 == 0, ())
        for i in range(COMPILE_AFTER * 2)
    ]
    rows = [stored.row(thing, (i,)) for i, thing in enumerate(things)]
    assert [stored.read(row, 1, parts=()) for row in rows] == things
    assert stored._reader is not None  # the later rows were read by the written reader


def test_a_reader_for_many_rows_is_the_written_one_and_for_a_few_read_itself():
    things = [Thing(f"t{i}", parse_figure(f"{i}个"), None, (), True, ()) for i in range(3)]
    few, many = Stored("things", Thing), Stored("things", Thing)
    rows = [few.row(thing) for thing in things]
    assert [few.reader(False)(row, 0, {"parts": ()}) for row in rows] == things
    assert few._reader is None  # three rows: no reader written
    read = many.reader(True)
    assert read is many._reader and [read(row, 0, {"parts": ()}) for row in rows] == things


def test_a_row_without_its_given_fields_reads_as_the_whole_row_does():
    # read_given: the columns a query fixes (select(given=...)) come from held, in the loop of
    # the first rows and in the reader written after them
    stored = Stored("things", Thing)
    assert stored.select("t", ("name", "note")) == ", ".join(
        f"t.{column}" for column in stored.columns if column not in ("name", "note")
    )
    things = [
        Thing("甲", parse_figure(f"{i}个"), PartialDate("2024"), ("a",), i % 2 == 0, (), "说明")
        for i in range(COMPILE_AFTER + 10)
    ]
    kept = [i for i, column in enumerate(stored.columns) if column not in ("name", "note")]
    rows = [tuple(stored.row(thing)[i] for i in kept) for thing in things]
    held = {"name": "甲", "note": "说明", "parts": ()}
    assert [stored.read_given(row, 0, held, ("name", "note")) for row in rows] == things
    assert ("name", "note") in stored._given_readers  # written after the first rows
    assert stored.read_given(stored.row(things[0]), 0, {"parts": ()}, ()) == things[0]


def test_the_written_writer_makes_the_rows_the_loop_makes():
    stored = Stored("things", Thing, ("id INTEGER PRIMARY KEY",), ("extra TEXT",))
    things = [
        Thing("甲", parse_figure("3-5个"), PartialDate("2024-12"), ("a", "乙"), True, ()),
        Thing("乙", parse_figure("超1.7万亿元"), None, (), False, (), "说明"),
    ]
    rows = [stored.row(thing, (i,), ("x",)) for i, thing in enumerate(things)]
    assert rows == [stored.row_by_fields(thing, (i,), ("x",)) for i, thing in enumerate(things)]
    assert rows[0] == (0, "甲", "3-5个", "3", "个", "count", "", "5", "3", "2024-12", "\x1e\x1fa\x1f乙", 1, "", "x")
    assert rows[1][3:9] == ("1700000000000", "CNY", "money", "超", None, "1.7万亿") and rows[1][-3:] == (0, "说明", "x")


@dataclasses.dataclass(frozen=True)
class Kept:
    name: str
    size: Quantity
    when: Optional[PartialDate]
    parts: Tuple[Citation, ...]
    note: str = ""


@dataclasses.dataclass(frozen=True)
class Checked:
    name: str
    size: Quantity
    when: Optional[PartialDate]
    parts: Tuple[Citation, ...]
    note: str = ""

    def __post_init__(self):
        object.__setattr__(self, "note", self.note.strip())


def test_the_written_reader_fills_a_plain_dataclass_as_its_init_does():
    from cityai_cli.core.cache.compiled import _plain_dataclass

    stored = Stored("kept", Kept, ("id INTEGER PRIMARY KEY",))
    kept = [
        Kept(f"k{i}", parse_figure(f"{i}个"), None if i % 2 else PartialDate("2024"), (), " n" * (i % 2))
        for i in range(COMPILE_AFTER * 2)
    ]
    back = [stored.read(stored.row(item, (i,)), 1, parts=()) for i, item in enumerate(kept)]
    assert stored._reader is not None and back == kept
    assert [vars(b) for b in back] == [vars(k) for k in kept]  # the same fields, in the same order
    assert hash(back[-1]) == hash(kept[-1]) and repr(back[-1]) == repr(kept[-1])
    with pytest.raises(dataclasses.FrozenInstanceError):
        back[-1].name = "x"  # type: ignore[misc]
    # __init__ does more than set fields: the written reader calls it
    assert (_plain_dataclass(Kept), _plain_dataclass(Checked), _plain_dataclass(Thing)) == (True, False, False)
    checked = Stored("checked", Checked, ("id INTEGER PRIMARY KEY",))
    rows = [checked.row(Kept(f"c{i}", parse_figure("1个"), None, (), " n "), (i,)) for i in range(COMPILE_AFTER * 2)]
    assert checked._reader is None
    assert {checked.read(row, 1, parts=()).note for row in rows} == {"n"} and checked._reader is not None


@pytest.mark.bundled
@pytest.mark.parametrize(
    "command",
    [
        ("compare", "深圳", "上海", "--long", "-f", "csv"),
        ("list", "--long", "-f", "json"),
        ("rank", "--by", "企业数", "--citations", "-f", "csv"),
        ("cite", "深圳", "ai_enterprises", "-f", "json"),
        ("subsidies", "--spend", "300万", "-f", "markdown"),
        ("show", "上海", "-f", "json", "--lang", "en"),
    ],
)
def test_the_cache_reads_back_what_was_compiled(tmp_path, command):
    """Cold (compiled from the TOML, then written) and warm (read from the cache) print the same."""
    from conftest import PROJECT_DATA, run_process

    env = {"CITYAI_CACHE_DIR": str(tmp_path / "cache"), "PYTHONIOENCODING": "utf-8"}
    cold = run_process("--data", str(PROJECT_DATA), *command, env=env)
    warm = run_process("--data", str(PROJECT_DATA), *command, env=env)
    assert list((tmp_path / "cache").glob("*.sqlite3")), "the cold run wrote the cache"
    assert (cold.returncode, cold.stderr) == (0, b"") and cold.stdout
    assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)
