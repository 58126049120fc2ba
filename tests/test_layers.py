"""core/base/layers.py: --with layers over the chosen base, and a base split over a directory
(issue 13), on the mini fixture."""

import csv
import errno
import io
import os

import pytest

from conftest import MINI, assert_clean_failure

M = str(MINI)
LAYER = """[sources.mine]
file = "mine.txt"
publisher = "我"
title = "我的资料"
published = "2025-06"

[places."甲"]

[[places."甲".facts]]
metric = "ai_enterprises"
scope = "ai"
kind = "actual"
value = "3000家"
date = "2024-12-31"
date_basis = "stated"
citations = [{ source = "mine", quote = "甲市人工智能企业3000家" }]
"""


@pytest.fixture
def layer(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "mine.txt").write_text("据统计,甲市人工智能企业3000家。\n", encoding="utf-8")
    os.utime(tmp_path / "seeds" / "mine.txt", ns=(10**18, 10**18))  # older than the timestamp tick: cached
    (tmp_path / "my.toml").write_text(LAYER, encoding="utf-8")
    return tmp_path


def rows(result):
    assert result.code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_a_layer_adds_facts_and_sources_to_the_base(cli, layer):
    assert cli("validate", "--data", M, "--with", "my.toml").code == 0
    sources = rows(cli("sources", "--data", M, "--with", "my.toml"))
    assert [(r["source"], r["origin"]) for r in sources] == [
        ("mini", str(MINI)),
        ("mini-late", str(MINI)),
        ("mine", str(layer / "my.toml")),
    ]


def test_a_differing_fact_of_the_layer_is_a_variant_like_any_other(cli, layer):
    # 3000家 can hold with 超2800家 and 2600余家: no contradiction, two variants of it under --all
    assert rows(cli("conflicts", "甲", "--data", M, "--with", "my.toml")) == []
    found = rows(cli("conflicts", "甲", "--all", "--data", M, "--with", "my.toml"))
    assert [(r["a_text"], r["b_text"], r["relation"]) for r in found] == [
        ("3000家", "超2800家", "consistent"),
        ("3000家", "2600余家", "consistent"),
    ]


def test_the_environment_names_layers_too(cli, layer):
    via_env = cli("conflicts", "甲", "--all", "--data", M, env={"CITYAI_WITH": "my.toml"})
    via_option = cli("conflicts", "甲", "--all", "--data", M, "--with", "my.toml")
    assert via_env.stdout == via_option.stdout and len(rows(via_env)) == 2


def test_cite_finds_the_layers_seed(cli, layer):
    cited = rows(cli("cite", "甲", "企业数", "--data", M, "--with", "my.toml"))
    assert [r["paragraph"] for r in cited if r["source"] == "mine"] == ["据统计,[[甲市人工智能企业3000家]]。"]


def test_a_layer_may_not_redefine_what_the_base_defines(cli, layer):
    (layer / "bad.toml").write_text(
        LAYER.replace('[places."甲"]', '[places."甲"]\nlevel = "district"') + '\n[metrics.ai_enterprises]\nzh = "x"\n',
        encoding="utf-8",
    )
    result = cli("validate", "--data", M, "--with", "bad.toml")
    assert result.code == 1
    assert result.stdout.splitlines()[:2] == [
        "bad.toml:8: places.甲.level: level = 'district' differs from 'city', as the base defines 甲; leave it out to keep it",
        f"bad.toml:19: metrics.ai_enterprises: also defined in {MINI}; define it in one file only",
    ]


def test_problems_in_a_layer_name_the_layers_file_and_line(cli, layer):
    (layer / "my.toml").write_text(LAYER.replace('value = "3000家"', 'value = "x家"'), encoding="utf-8")
    result = cli("validate", "--data", M, "--with", "my.toml")
    assert result.code == 1
    assert result.stdout.splitlines()[0].startswith("my.toml:13: places.甲.facts[5].value: ")


def test_a_stray_top_level_key_of_a_layer_is_blamed_on_the_layer(cli, layer):
    (layer / "my.toml").write_text("bogus = 1\n" + LAYER, encoding="utf-8")
    result = cli("validate", "--data", M, "--with", "my.toml")
    assert result.code == 1
    assert result.stdout.splitlines()[0].startswith("my.toml:1: bogus: unknown field")


@pytest.mark.parametrize("version, shown", [("99", "99"), ("1", "1"), ('"x"', "'x'")])
def test_a_layer_of_another_format_version_is_refused(cli, layer, version, shown):
    # a layer's schema_version was dropped for the base's 2 without a word
    (layer / "my.toml").write_text(f"schema_version = {version}\n" + LAYER, encoding="utf-8")
    result = cli("validate", "--data", M, "--with", "my.toml")
    assert result.code == 1
    assert result.stdout.splitlines()[:-1] == [
        f"my.toml: schema_version: schema_version = {shown} differs from 2 in an earlier file"
    ]
    (layer / "my.toml").write_text('schema_version = 2\ntitle = "mine"\n' + LAYER, encoding="utf-8")
    assert cli("validate", "--data", M, "--with", "my.toml").code == 0  # its own title gives way to the base's


def test_a_missing_layer_is_a_clear_error(cli, layer):
    result = cli("list", "--data", M, "--with", "nope.toml")
    assert (result.code, result.stderr) == (1, "Error: nope.toml: no such file\n")


def test_a_file_given_twice_is_one_clear_line(cli, layer):
    (layer / "link.toml").symlink_to(layer / "my.toml")
    twice = cli("list", "--data", M, "--with", "my.toml", "--with", "my.toml")
    assert (twice.code, twice.stderr) == (1, "Error: my.toml: is given twice; give each file once\n")
    linked = cli("list", "--data", M, "--with", "my.toml", "--with", "link.toml")
    assert (linked.code, linked.stderr) == (1, "Error: link.toml: is the same file as my.toml; give each file once\n")
    base_again = cli("validate", "--data", M, "--with", M)
    assert (base_again.code, base_again.stdout.splitlines()) == (
        1,
        [f"{M}: is given twice; give each file once", f"{M} + {M}: 1 problem"],
    )


def test_warm_and_cold_runs_with_a_layer_agree(cli, layer):
    def mine(*args):
        """The layer's own figures as `show 甲` reads them, warm or cold."""
        shown = rows(cli("show", "甲", "--data", M, "--with", "my.toml", *args))
        return [r["text"] for r in shown if r["sources"] == "mine"]

    # The document states both figures, so the layer's edit below needs no other change.
    (layer / "seeds" / "mine.txt").write_text(
        "据统计,甲市人工智能企业3000家,一说甲市人工智能企业3100家。\n", encoding="utf-8"
    )
    os.utime(layer / "seeds" / "mine.txt", ns=(10**18, 10**18))
    cold, warm = mine(), mine()
    assert cold == warm == ["3000家"]
    # The edit keeps the file's size: only its content and times tell the cache it changed.
    (layer / "my.toml").write_text(LAYER.replace("3000家", "3100家"), encoding="utf-8")
    assert mine() == mine() == ["3100家"]


def test_a_damaged_cache_falls_back_to_the_base_with_its_layers(cli, layer, tmp_path, monkeypatch):
    import sqlite3

    monkeypatch.setenv("CITYAI_CACHE_DIR", str(tmp_path / "cache"))
    warm = cli("show", "甲", "--data", M, "--with", "my.toml", "-f", "json").stdout
    assert "3000家" in warm
    (cached,) = (tmp_path / "cache").glob("*.sqlite3")
    with sqlite3.connect(cached) as db:  # the facts table gone: reading it fails after the key matched
        db.execute("ALTER TABLE facts RENAME TO facts_gone")
    assert cli("show", "甲", "--data", M, "--with", "my.toml", "-f", "json").stdout == warm


def test_each_layer_reads_its_sources_in_its_own_seeds(cli, tmp_path, monkeypatch):
    """Two layers may each hold a seeds/doc.txt: a source is read in the seeds of the layer that
    declares it, so one layer's document never vouches for, or against, another's quote."""
    monkeypatch.chdir(tmp_path)

    def layer(name: str, figure: str, document: str) -> str:
        (tmp_path / name / "seeds").mkdir(parents=True, exist_ok=True)
        (tmp_path / name / "seeds" / "doc.txt").write_text(document, encoding="utf-8")
        (tmp_path / name / f"{name}.toml").write_text(
            LAYER.replace("mine", f"{name}-doc").replace(f'"{name}-doc.txt"', '"doc.txt"').replace("3000家", figure),
            encoding="utf-8",
        )
        return f"{name}/{name}.toml"

    a, b = layer("a", "3000家", "甲市人工智能企业3000家。\n"), layer("b", "3100家", "甲市人工智能企业3100家。\n")
    for first, second in ((a, b), (b, a)):  # each quote is in its own layer's doc.txt: both pass
        result = cli("list", "--data", M, "--with", first, "--with", second, "-f", "csv")
        assert (result.code, result.stderr) == (0, ""), (first, second)
    # b's doc.txt no longer holds b's quote, a's holds both: b is refused, whichever comes first
    layer("a", "3000家", "甲市人工智能企业3000家。甲市人工智能企业3100家。\n")
    layer("b", "3100家", "无关内容。\n")
    for first, second in ((a, b), (b, a)):
        result = cli("list", "--data", M, "--with", first, "--with", second, "-f", "csv")
        assert (result.code, result.stdout) == (1, "")
        (line,) = result.stderr.splitlines()  # the fact's index in the merged base depends on the order
        assert line.startswith(f"Error: {b}:16: places.甲.facts[") and line.endswith(
            "].citations[0].quote: quote not found in doc.txt: '甲市人工智能企业3100家'"
        )


def test_a_layer_naming_a_place_with_a_variation_selector_is_refused(cli, layer):
    # 深\ufe00圳 looks like 深圳 on a terminal: refused at load, the selector escaped in the message
    (layer / "look.toml").write_text(LAYER.replace('"甲"', '"深\\uFE00圳"'), encoding="utf-8")
    result = cli("rank", "--by", "企业数", "--data", M, "--with", "look.toml")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: look.toml:7: places.深\\ufe00圳: key contains the control or invisible character U+FE00 at position 2;"
        " remove it\n"
    )


def test_a_layer_naming_a_place_that_is_another_after_nfkc_is_refused(cli, layer):
    # U+2F04 KANGXI RADICAL SECOND looks like 乙 and is 乙 after NFKC: a second 乙 is refused
    text = LAYER.replace('[places."甲"]', '[places."\u2f04"]\nlevel = "city"\nprovince = "测省"')
    (layer / "look.toml").write_text(text.replace('"甲"', '"\u2f04"'), encoding="utf-8")
    result = cli("validate", "--data", M, "--with", "look.toml")
    assert result.code == 1
    assert "look.toml:7: places.\u2f04: name or alias '乙' also names '乙'" in result.stdout.splitlines()


def test_a_directory_base_reports_every_toml_entry_it_cannot_read(cli, here):
    """A *.toml entry of a directory is part of the base whatever it is: one that is not a regular
    file after following links is named with the reason it would have given alone as --data."""
    (here / "kb").mkdir()
    (here / "kb" / "a.toml").write_bytes(MINI.read_bytes())
    os.symlink("y.toml", here / "kb" / "x.toml")
    os.symlink("x.toml", here / "kb" / "y.toml")
    os.symlink(os.devnull, here / "kb" / "z.toml")
    os.symlink("nowhere.toml", here / "kb" / "w.toml")
    (here / "kb" / "d.toml").mkdir()
    os.symlink("user@host.1234", here / "kb" / ".#a.toml")  # hidden, not part of the base: an editor's lock
    (here / "kb" / "._a.toml").write_bytes(b"\x00\x05\x16\x07")  # and macOS metadata on a copied drive
    loop = os.strerror(errno.ELOOP)
    problems = [
        "kb/d.toml: is a directory, not a knowledge-base file",
        "kb/w.toml: no such file",
        f"kb/x.toml: cannot read: {loop}",
        f"kb/y.toml: cannot read: {loop}",
        "kb/z.toml: is not a regular file",
    ]
    expected = "".join(f"Error: {problem}\n" for problem in problems)
    assert_clean_failure(cli("list", "--data", "kb"), 1, expected)
    assert_clean_failure(cli("list", "--data", M, "--with", "kb"), 1, expected)
    result = cli("validate", "kb")
    assert (result.code, result.stdout) == (1, "".join(f"{problem}\n" for problem in problems) + "kb: 5 problems\n")


def test_a_directory_that_cannot_be_listed_is_a_data_error(here, monkeypatch):
    # as root no mode makes a directory unlistable: the refusal is simulated
    from pathlib import Path

    from cityai_cli.core.base.paths import data_files
    from cityai_cli.core.errors import DataError

    def refuse(self):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    (here / "kb").mkdir()
    monkeypatch.setattr(Path, "iterdir", refuse)
    with pytest.raises(DataError) as raised:
        data_files(Path("kb"))
    assert str(raised.value) == f"kb: cannot list: {os.strerror(errno.EACCES)}"
