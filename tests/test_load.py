"""cityai_cli/kb.py: the fast paths of loading give what the located, whole passes give."""
from __future__ import annotations

import pytest
from conftest import MINI

from cityai_cli.core.base.load import _validate, _validate_freeing
from cityai_cli.core.base.reading import _all_clean, check_characters, parse_toml


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



def test_a_directory_validates_each_place_as_its_file_is_read(tmp_path):
    """multi.read_files with `early`: a valid place is a model as soon as its file is read (its
    parsed text let go); a failing one stays as read, for the whole validation to report."""
    from cityai_cli.core.base.load import import_models
    from cityai_cli.core.base.layers import read_directory

    (tmp_path / "a.toml").write_text('[places."甲"]\nlevel = "city"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('[places."乙"]\nlevel = "planet"\n', encoding="utf-8")
    Place = import_models().Place
    data, _, _, problems = read_directory(tmp_path, "base", Place.model_validate)
    assert problems == [] and isinstance(data["places"]["甲"], Place)
    assert data["places"]["乙"] == {"level": "planet"}
    plain, _, _, _ = read_directory(tmp_path, "base")
    assert plain["places"]["甲"] == {"level": "city"}


def test_a_directory_with_a_failing_place_reports_as_the_whole_validation_does(tmp_path):
    from cityai_cli.core.errors import DataError
    from cityai_cli.core.base.load import load

    (tmp_path / "a.toml").write_text('[places."甲"]\nlevel = "city"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('[places."乙"]\nlevel = "planet"\n', encoding="utf-8")
    with pytest.raises(DataError) as failed:
        load(tmp_path)
    assert [str(problem) for problem in failed.value.problems] == [
        f"{tmp_path}/b.toml:2: places.乙.level: Input should be 'city', 'district', 'county', 'zone', "
        "'province', 'region', 'country' or 'world' (got 'planet')"]


def test_models_share_one_frozen_set_of_given_fields_per_distinct_set():
    """A large base holds ~120,000 models: each keeps which fields it was given (pydantic's
    model_fields_set) in one shared frozenset, not a set of its own (~1 KB a fact)."""
    from cityai_cli.core.base.schema import Citation

    first = Citation.model_validate({"source": "a", "quote": "甲"})
    second = Citation.model_validate({"source": "b", "quote": "乙"})
    noted = Citation.model_validate({"source": "c", "quote": "丙", "note": "n"})
    assert first.model_fields_set == {"source", "quote"}
    assert noted.model_fields_set == {"source", "quote", "note"}
    assert first.model_fields_set is second.model_fields_set
    assert isinstance(first.model_fields_set, frozenset)


def test_the_whole_base_keeps_a_set_of_its_own_for_model_copy():
    from cityai_cli.core.base.schema import KnowledgeBase

    head = KnowledgeBase.model_validate({"title": "t"})
    assert head.model_copy(update={"places": {}}).model_fields_set == {"title", "places"}
