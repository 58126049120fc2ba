"""cityai_cli/kb.py: the fast paths of loading give what the located, whole passes give."""
from __future__ import annotations

import pytest
from conftest import MINI

from cityai_cli.kb import _all_clean, _validate, _validate_freeing, check_characters, parse_toml


def _parsed() -> dict:
    return parse_toml(MINI.read_text(encoding="utf-8"), "mini.toml")


@pytest.mark.parametrize("bad", [
    {"places": {"甲\u200b": {}}},                          # a key, nested
    {"places": {"甲": {"facts": [{"quote": "a\x1bb"}]}}},  # a value in a list
    {"title": "\u202eabc"},                                # a top-level value
    {"a\nb": 1},                                           # a newline: refused in a key
])
def test_the_first_pass_finds_a_refused_character_anywhere(bad):
    assert not _all_clean(bad)


def test_the_first_pass_passes_what_the_located_pass_passes():
    data = {"title": "多行\n文本\t带制表符", "places": {"甲": {"facts": [{"quote": "正常"}], "n": 3}}}
    assert _all_clean(data) and check_characters(data, "x.toml", None) == []  # type: ignore[arg-type]
    assert _all_clean(_parsed())


def test_validating_place_by_place_gives_the_whole_validation():
    whole, problems = _validate(_parsed(), "mini.toml", None, False)  # type: ignore[arg-type]
    data = _parsed()
    freed = _validate_freeing(data)
    assert problems == [] and freed == whole
    assert data["places"] == {}  # each place's parsed text let go


def test_a_problem_stops_validating_place_by_place():
    data = _parsed()
    first = next(iter(data["places"]))
    data["places"][first]["level"] = "planet"
    assert _validate_freeing(data) is None
