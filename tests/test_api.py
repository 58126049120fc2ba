"""cityai_cli.api: the same records as the CLI's JSON (and CSV), domain errors raised, not exits."""

from __future__ import annotations

import csv
import doctest
import io
import json

import pytest

from cityai_cli import api
from conftest import MINI, ROOT


@pytest.fixture(scope="module")
def kb():
    return api.load(MINI)


CASES = [
    (("rank", "--by", "ai_enterprises"), lambda kb: kb.rank("ai_enterprises")),
    (
        ("rank", "--by", "产业规模", "--level", "all", "--as-of", "2024"),
        lambda kb: kb.rank("产业规模", level="all", as_of="2024"),
    ),
    (("rank", "--by", "compute_capacity", "--targets"), lambda kb: kb.rank("compute_capacity", kind="target")),
    (("compare", "甲", "乙"), lambda kb: kb.compare("甲", "乙")),
    (
        ("compare", "甲", "乙", "--long", "--metric", "企业数"),
        lambda kb: kb.compare("甲", "乙", metrics=["企业数"], long=True),
    ),
    (("subsidies",), lambda kb: kb.subsidies()),
    (
        ("subsidies", "--spend", "300万", "--eligible", "startup"),
        lambda kb: kb.subsidies("300万", eligible=["startup"]),
    ),
    (("funds",), lambda kb: kb.subsidies(funds=True)),
    (("targets", "甲"), lambda kb: kb.targets(["甲"])),
    (("conflicts", "甲", "--all"), lambda kb: kb.conflicts(["甲"], everything=True)),
    (("conflicts", "--all"), lambda kb: kb.conflicts(everything=True)),
    (("rank", "--by", "ai_enterprises", "--window", "0"), lambda kb: kb.rank("ai_enterprises", window=0)),
    (("compare", "甲", "乙", "--window", "24"), lambda kb: kb.compare("甲", "乙", window=24)),
    (("cite", "甲", "ai_enterprises"), lambda kb: kb.cite("甲", "ai_enterprises")),
    (("cite", "甲市算力券"), lambda kb: kb.cite("甲市算力券")),
]


@pytest.mark.parametrize("args, call", CASES, ids=[" ".join(args) for args, _ in CASES])
def test_rows_are_the_cli_json(cli, kb, args, call):
    result = cli(*args, "--data", str(MINI), "-f", "json")
    assert result.code == 0, result.stderr
    table = call(kb)
    assert table.rows == json.loads(result.stdout) and len(table.rows) > 0


@pytest.mark.parametrize("args, call", CASES, ids=[" ".join(args) for args, _ in CASES])
def test_to_rows_are_the_cli_csv(cli, kb, args, call):
    text = cli(*args, "--data", str(MINI), "-f", "csv").stdout
    as_csv = list(csv.DictReader(io.StringIO(text)))
    flat = call(kb).to_rows()
    assert [list(row) for row in flat] == [list(row) for row in as_csv]
    shown = [
        {k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v) for k, v in row.items()}
        for row in flat
    ]
    assert [
        {k: v for k, v in row.items() if k != "rank" and "value" not in k and k not in ("progress", "difference")}
        for row in shown
    ] == [
        {k: v for k, v in row.items() if k != "rank" and "value" not in k and k not in ("progress", "difference")}
        for row in as_csv
    ]


def test_numbers_are_numbers_for_pandas(kb):
    rows = kb.rank("compute_capacity", kind="target").to_rows()
    assert [(r["place"], r["value"], r["unit"], r["date"], r["date_precision"]) for r in rows] == [
        ("甲", 100000, "PFLOPS", "2027-12-31", "year"),
        ("乙", 50000, "PFLOPS", "2026-12-31", "year"),
        ("丁", None, None, None, None),
    ]  # a forecast only: no target


def test_errors_are_raised_not_exits(kb):
    with pytest.raises(api.UsageError, match="unknown metric 'nonsense'"):
        kb.rank("nonsense")
    with pytest.raises(api.UsageError, match="at least two places are needed"):
        kb.compare("甲")
    with pytest.raises(api.UsageError, match="as_of: "):
        kb.rank("ai_enterprises", as_of="soon")
    with pytest.raises(api.UsageError, match="window: a number of months from 0 to 1200, got -1"):
        kb.rank("ai_enterprises", window=-1)
    with pytest.raises(api.UsageError, match="level must be one of"):
        kb.rank("ai_enterprises", level="planet")
    with pytest.raises(api.UsageError, match="a fund is an investment vehicle"):
        kb.subsidies("100万", funds=True)
    with pytest.raises(api.UsageError, match="unknown eligible flag 'nobody'; known flags: startup"):
        kb.subsidies("100万", eligible=["nobody"])
    with pytest.raises(api.DataError):
        api.load(ROOT / "tests" / "no-such-base.toml").rank("ai_enterprises")


def test_english_labels(cli):
    rows = api.load(MINI, lang="en").rank("ai_enterprises").rows
    assert rows == json.loads(
        cli("rank", "--by", "ai_enterprises", "--data", str(MINI), "-f", "json", "--lang", "en").stdout
    )


@pytest.mark.bundled
def test_the_documented_examples_run():
    import cityai_cli.api as module

    assert doctest.testmod(module).failed == 0
    notes = doctest.testfile(str(ROOT / "README.md"), module_relative=False)
    assert notes.failed == 0 and notes.attempted >= 5


def test_arguments_of_the_wrong_shape_are_usage_errors(kb):
    # a non-text name failed deep in the name index with a TypeError about normalize()
    with pytest.raises(api.UsageError) as raised:
        kb.rank(5)
    assert str(raised.value) == "metric: expected a name (str), got int 5"
    with pytest.raises(api.UsageError) as raised:
        kb.compare("甲", None)
    assert str(raised.value) == "place: expected a name (str), got NoneType None"
    with pytest.raises(api.UsageError) as raised:
        kb.targets(places=[3])
    assert str(raised.value) == "places: expected a name (str), got int 3"
    with pytest.raises(api.UsageError) as raised:
        kb.subsidies(types=7)
    assert str(raised.value) == "types: expected a list of names, got int 7"


@pytest.mark.parametrize("top", [-1, 0, "3", True, 2.0])
def test_top_is_a_count_from_one(kb, top):
    # top=-1 sliced off the last row (13 of 14 rows) where `--top -1` is refused
    with pytest.raises(api.UsageError) as raised:
        kb.rank("ai_enterprises", top=top)
    assert str(raised.value) == f"top: a number of rows from 1, got {top!r}"
    with pytest.raises(api.UsageError):
        kb.subsidies(top=top)


def test_one_name_alone_is_that_name_not_its_characters(kb):
    # metrics="企业数" was read as the metrics '企', '业', '数': "unknown metric '企'"
    assert kb.compare("甲", "乙", metrics="企业数").rows == kb.compare("甲", "乙", metrics=["企业数"]).rows
    assert kb.subsidies(types="算力券").rows == kb.subsidies(types=["算力券"]).rows
    assert kb.targets("甲").rows == kb.targets(["甲"]).rows
    assert kb.conflicts("甲", everything=True).rows == kb.conflicts(["甲"], everything=True).rows
    assert len(kb.targets("甲").rows) > 0


def test_one_layer_alone_is_that_path(tmp_path):
    # with_="my.toml" was read as the layers 'm', 'y', '.', …: "/: is a directory without *.toml …"
    empty_layer = tmp_path / "my.toml"
    empty_layer.write_text("# nothing yet\n", encoding="utf-8")
    alone = api.load(MINI, with_=str(empty_layer)).rank("ai_enterprises").rows
    listed = api.load(MINI, with_=[empty_layer]).rank("ai_enterprises").rows
    assert alone == listed == api.load(MINI).rank("ai_enterprises").rows
