"""core/base/load.py: the fast paths of loading give what the located, whole passes give, and loading
any text fails only with a DataError (property tests)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityai_cli.core.base import load as kb
from cityai_cli.core.base.load import _validate, _validate_freeing
from cityai_cli.core.base.reading import LineMap, _all_clean, check_characters, parse_toml
from cityai_cli.core.errors import DataError
from conftest import MINI


def _parsed() -> dict:
    return parse_toml(MINI.read_text(encoding="utf-8"), "mini.toml")


@pytest.mark.parametrize(
    "bad",
    [
        {"places": {"甲\u200b": {}}},  # a key, nested
        {"places": {"甲": {"facts": [{"quote": "a\x1bb"}]}}},  # a value in a list
        {"title": "\u202eabc"},  # a top-level value
        {"a\nb": 1},  # a newline: refused in a key
    ],
)
def test_the_first_pass_finds_a_refused_character_anywhere(bad):
    assert not _all_clean(bad)


def test_the_first_pass_passes_what_the_located_pass_passes():
    data = {"title": "多行\n文本\t带制表符", "places": {"甲": {"facts": [{"quote": "正常"}], "n": 3}}}
    assert _all_clean(data) and check_characters(data, "x.toml", None) == []  # type: ignore[arg-type]
    assert _all_clean(_parsed())


@pytest.mark.parametrize(
    "text",
    [
        'a = "\\u0007"\n',  # escaped: only the parsed string holds BEL
        '"a\tb" = 1\n',  # a tab in a quoted key (allowed in a value, refused in a key)
        'a = "x\u202ey"\n',  # as written
        'a = "x"\r\nb = 1\r\n',  # CR line endings: refused in the text, not in the parsed tree
    ],
)
def test_the_text_proves_clean_only_what_it_can(text):
    from cityai_cli.core.base.reading import _text_clean

    assert not _text_clean(text)


def test_the_text_proof_agrees_with_the_tree():
    from cityai_cli.core.base.reading import _text_clean

    text = MINI.read_text(encoding="utf-8")
    assert _text_clean(text) and _all_clean(parse_toml(text, "mini.toml"))
    assert _text_clean('title = "多行"\nnote = """\n文本\n"""\n')
    escaped = 'a = "\\u0007"\n'
    problems = check_characters(parse_toml(escaped, "x.toml"), "x.toml", LineMap(escaped), escaped)
    assert [p.message for p in problems] == [
        "text contains the control or invisible character U+0007 at position 1; remove it"
    ]


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
    from cityai_cli.core.base.layers import read_directory
    from cityai_cli.core.base.load import import_models

    (tmp_path / "a.toml").write_text('[places."甲"]\nlevel = "city"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('[places."乙"]\nlevel = "planet"\n', encoding="utf-8")
    Place = import_models().Place
    data, _, _, problems = read_directory(tmp_path, "base", Place.model_validate)
    assert problems == [] and isinstance(data["places"]["甲"], Place)
    assert data["places"]["乙"] == {"level": "planet"}
    plain, _, _, _ = read_directory(tmp_path, "base")
    assert plain["places"]["甲"] == {"level": "city"}


def test_a_directory_with_a_failing_place_reports_as_the_whole_validation_does(tmp_path):
    from cityai_cli.core.base.load import load
    from cityai_cli.core.errors import DataError

    (tmp_path / "a.toml").write_text('[places."甲"]\nlevel = "city"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('[places."乙"]\nlevel = "planet"\n', encoding="utf-8")
    with pytest.raises(DataError) as failed:
        load(tmp_path)
    assert [str(problem) for problem in failed.value.problems] == [
        f"{tmp_path}/b.toml:2: places.乙.level: Input should be 'city', 'district', 'county', 'zone', "
        "'province', 'region', 'country' or 'world' (got 'planet')"
    ]


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


SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _load_text(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("kb") / "kb.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        loaded = kb.load(path)
    except DataError as error:
        assert error.problems and all(str(problem) for problem in error.problems)
        return None
    return loaded


toml_ish = st.one_of(st.text(max_size=200), st.text(alphabet="[]{}=\"'.,#\n abc123-_万", max_size=200))


keys = st.one_of(
    st.sampled_from(
        [
            "metrics",
            "sources",
            "places",
            "facts",
            "citations",
            "policies",
            "programmes",
            "subsidy_types",
            "value",
            "quote",
            "source",
            "level",
            "甲",
            "schema_version",
            "zh",
            "en",
            "dimension",
            "unit",
            "scopes",
            "scope",
            "kind",
            "date",
            "date_basis",
            "set_on",
            "file",
            "published",
            "title",
            "city",
            "rate",
            "cap",
            "pool",
            "category",
        ]
    ),
    st.text(min_size=1, max_size=8),
)


scalars = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(
        [
            "超2800家",
            "city",
            "count",
            "2024",
            "mini",
            "actual",
            "target",
            "forecast",
            "stated",
            "published",
            "ai",
            "50%",
            "2025-03-01",
            2,
        ]
    ),
    st.floats(allow_nan=False, allow_infinity=False),
)


trees = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)),
    max_leaves=30,
)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, list):
        return "[" + ", ".join(map(_toml_value, value)) + "]"
    return "{" + ", ".join(f"{_toml_value(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"


def _toml_document(tree: dict) -> str:
    """Top-level scalars as key = value, tables as [headers] (TOML-ish: not always valid)."""
    lines: list = []
    tables: list = []
    for key, value in tree.items():
        (tables if isinstance(value, dict) else lines).append((key, value))
    text = "".join(f"{_toml_value(k)} = {_toml_value(v)}\n" for k, v in lines)
    for key, table in tables:
        text += f"[{_toml_value(key)}]\n" + "".join(f"{_toml_value(k)} = {_toml_value(v)}\n" for k, v in table.items())
    return text


# Read beside this test file, not beside the package: CI installs the package into site-packages.
MINI_TEXT = (Path(__file__).resolve().parent / "fixtures" / "mini.toml").read_text(encoding="utf-8")


def _assert_invariants(loaded):
    from cityai_cli.core.facts import Base
    from cityai_cli.core.query.compare import compare
    from cityai_cli.core.query.conflicts import list_conflicts
    from cityai_cli.core.query.listings import list_places, list_sources, show_place
    from cityai_cli.core.query.rank import rank
    from cityai_cli.core.query.subsidies import list_programmes
    from cityai_cli.core.query.targets import list_targets

    base = loaded.base
    assert isinstance(base, Base)
    assert len(base.facts) == sum(len(p.facts) for p in loaded.kb.places.values())
    assert len(base.programmes) == sum(len(p.programmes) for p in loaded.kb.places.values())
    for fact in base.facts:
        assert fact.citations and all(c.source in base.sources for c in fact.citations)
        assert fact.scope in {s.key for s in base.metrics[fact.metric].scopes}
        assert fact.kind in ("actual", "target", "forecast")
        assert (fact.date is None) == (fact.date_basis is None)
        assert fact.refers_to is not None
    for place in base.places.values():
        assert not place.city or place.city in base.places
    for metric in base.metrics:
        for kind in ("actual", "target", "forecast"):
            rank(base, metric, None, kind=kind)
    names = list(base.places)
    if len(names) >= 2:
        compare(base, names[:2])
    for name in names:
        show_place(base, name)
    list_targets(base), list_conflicts(base), list_places(base), list_sources(base)
    list_programmes(base, spend=Decimal(3000000), flags=["startup"]), list_programmes(base, funds=True)


@SETTINGS
@given(toml_ish)
def test_load_arbitrary_text(tmp_path_factory, text):
    _load_text(tmp_path_factory, text)


@SETTINGS
@given(st.dictionaries(keys, trees, max_size=6))
def test_load_arbitrary_nested_dicts(tmp_path_factory, tree):
    _load_text(tmp_path_factory, _toml_document(tree))


@SETTINGS
@given(st.integers(min_value=0, max_value=len(MINI_TEXT)), st.integers(min_value=0, max_value=40), st.text(max_size=20))
def test_load_mutated_mini(tmp_path_factory, start, length, replacement):
    """mini.toml with a slice replaced by junk: loads, or fails with a DataError. What loads keeps
    the invariants every query relies on, and every query answers without an exception."""
    loaded = _load_text(tmp_path_factory, MINI_TEXT[:start] + replacement + MINI_TEXT[start + length :])
    if loaded is None:
        return
    _assert_invariants(loaded)


def test_mini_keeps_the_invariants(mini):
    _assert_invariants(mini)
