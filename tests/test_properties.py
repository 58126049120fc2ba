"""Property tests: the figure grammar and the loader fail only in the ways they document."""
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cityai_cli.core.base import load as kb
from cityai_cli.core.errors import DataError
from cityai_cli.core.figures.quantity import FigureError, Quantity, parse_amount, parse_figure

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

QUALIFIER_WORDS = ["约", "約", "超", "超过", "超過", "逾", "近", "突破", "最高", "最多", "不少于", "不低於", "不超过",
                   "不到", "达", "達到", "余", "餘", "多", "以上", "左右", "大约", "至少", "一半", "半数", "分之"]
FIGURE_ALPHABET = "0123456789万亿億萬千百十一二两三四五六七八九零〇成%％.,-/至第 家个元美元EPT"
figure_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=FIGURE_ALPHABET, max_size=20),
    st.lists(st.one_of(st.sampled_from(QUALIFIER_WORDS), st.text(alphabet=FIGURE_ALPHABET, min_size=1, max_size=6)),
             max_size=6).map("".join),
)


@SETTINGS
@given(figure_text)
def test_parse_figure_raises_only_figure_error(text):
    try:
        quantity = parse_figure(text)
    except FigureError as error:
        assert str(error)
        return
    assert isinstance(quantity, Quantity)
    assert isinstance(quantity.value, Decimal) and quantity.value.is_finite()
    assert quantity.upper is None or quantity.upper >= quantity.value


@SETTINGS
@given(figure_text, st.sampled_from([None, "元", "家", "%"]))
def test_parse_figure_with_default_unit_raises_only_figure_error(text, unit):
    try:
        parse_figure(text, default_unit=unit)
    except FigureError:
        pass


# --- generated valid figures round-trip through display() ------------------------------------------

numbers = st.one_of(
    st.integers(min_value=1, max_value=10 ** 6).map(str),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal(99999), places=2, allow_nan=False,
                allow_infinity=False).map(lambda d: format(d, "f")),
)
PREFIXES = ["", "约", "超", "最高"]
SUFFIXES = ["", "余", "以上"]


@st.composite
def figures(draw):
    kind = draw(st.sampled_from(["count", "money", "compute", "percent"]))
    number = draw(numbers)
    if kind == "count":
        unit = draw(st.sampled_from(["家", "个", "款", "台", "项", "人"]))
    elif kind == "money":
        unit = draw(st.sampled_from(["", "万", "亿", "万亿"])) + "元"
    elif kind == "compute":
        unit = draw(st.sampled_from(["PFLOPS", "EFLOPS", "P", "E"]))
    else:
        unit = "%"
    ranged = draw(st.booleans())
    if ranged:
        low = Decimal(number)
        high = low + draw(st.integers(min_value=0, max_value=1000))
        return f"{number}-{format(high, 'f')}{unit}"
    position = draw(st.sampled_from(["prefix", "suffix"]))
    if position == "prefix":
        return f"{draw(st.sampled_from(PREFIXES))}{number}{unit}"
    suffix = draw(st.sampled_from(SUFFIXES))
    if suffix == "余":
        head, tail = (number + unit[:-1], unit[-1]) if unit.endswith("元") else (number, unit)
        return f"{head}余{tail}" if unit != "%" else f"{number}%以上"
    return f"{number}{unit}{suffix}"


@SETTINGS
@given(figures())
def test_display_parses_back_to_the_same_figure(text):
    quantity = parse_figure(text)
    again = parse_figure(quantity.display())
    assert (again.value, again.unit, again.dimension, again.qualifier, again.upper) == (
        quantity.value, quantity.unit, quantity.dimension, quantity.qualifier, quantity.upper), quantity.display()
    assert again.display() == quantity.display()


@pytest.mark.parametrize("text, low, high", [
    ("1.5-2万元", Decimal(15000), Decimal(20000)),
    ("0.5-1.5亿元", Decimal(50000000), Decimal(150000000)),
])
def test_range_with_a_magnitude(text, low, high):
    quantity = parse_figure(text)
    assert (quantity.value, quantity.upper) == (low, high)
    again = parse_figure(quantity.display())
    assert (again.value, again.upper) == (low, high)


def test_range_display_crossing_a_magnitude():
    quantity = parse_figure("10-10010PFLOPS")
    assert parse_figure(quantity.display()).value == quantity.value


@pytest.mark.parametrize("text, display", [
    ("超2800家", "超2800家"), ("2600余家", "2600余家"), ("约1.7万亿元", "约1.7万亿元"), ("100EFLOPS", "100EFLOPS"),
    ("10000P", "10EFLOPS"), ("最高5000万元", "最高5000万元"), ("50%以上", "50%以上"), ("3-5个", "3-5个"),
    ("300万余元", "300万余元"),
])
def test_display_examples(text, display):
    """Pins the generator's assumptions: the property above is only as good as these forms."""
    assert parse_figure(text).display() == display


@SETTINGS
@given(figure_text)
def test_parse_amount_is_positive_or_figure_error(text):
    try:
        amount = parse_amount(text)
    except FigureError as error:
        assert str(error).startswith(f"invalid amount {text!r}: ")
        return
    assert isinstance(amount, Decimal) and amount > 0


@SETTINGS
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10 ** 8), places=2),
       st.sampled_from(["", "元", "万", "万元", "亿", "亿元"]))
def test_parse_amount_accepts_amounts(number, unit):
    scale = {"": 1, "元": 1, "万": 10 ** 4, "万元": 10 ** 4, "亿": 10 ** 8, "亿元": 10 ** 8}[unit]
    assert parse_amount(f"{format(number, 'f')}{unit}") == number * scale


# --- the loader --------------------------------------------------------------------------------------

def _load_text(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("kb") / "kb.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        loaded = kb.load(path)
    except DataError as error:
        assert error.problems and all(str(problem) for problem in error.problems)
        return None
    return loaded


toml_ish = st.one_of(
    st.text(max_size=200),
    st.text(alphabet='[]{}="\'.,#\n abc123-_万', max_size=200),
)


@SETTINGS
@given(toml_ish)
def test_load_arbitrary_text(tmp_path_factory, text):
    _load_text(tmp_path_factory, text)


keys = st.one_of(st.sampled_from(["metrics", "sources", "places", "facts", "citations", "policies", "programmes",
                                  "subsidy_types", "value", "quote", "source", "level", "甲", "schema_version", "zh",
                                  "en", "dimension", "unit", "scopes", "scope", "kind", "date", "date_basis", "set_on",
                                  "file", "published", "title", "city", "rate", "cap", "pool", "category"]),
                 st.text(min_size=1, max_size=8))
scalars = st.one_of(st.integers(min_value=-10 ** 30, max_value=10 ** 30), st.booleans(), st.text(max_size=12),
                    st.sampled_from(["超2800家", "city", "count", "2024", "mini", "actual", "target", "forecast",
                                     "stated", "published", "ai", "50%", "2025-03-01", 2]),
                    st.floats(allow_nan=False, allow_infinity=False))
trees = st.recursive(scalars, lambda children: st.one_of(st.lists(children, max_size=4),
                                                           st.dictionaries(keys, children, max_size=4)),
                     max_leaves=30)


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
    lines, tables = [], []
    for key, value in tree.items():
        (tables if isinstance(value, dict) else lines).append((key, value))
    text = "".join(f"{_toml_value(k)} = {_toml_value(v)}\n" for k, v in lines)
    for key, table in tables:
        text += f"[{_toml_value(key)}]\n" + "".join(f"{_toml_value(k)} = {_toml_value(v)}\n" for k, v in table.items())
    return text


@SETTINGS
@given(st.dictionaries(keys, trees, max_size=6))
def test_load_arbitrary_nested_dicts(tmp_path_factory, tree):
    _load_text(tmp_path_factory, _toml_document(tree))


# Read beside this test file, not beside the package: CI installs the package into site-packages.
MINI_TEXT = (Path(__file__).resolve().parent / "fixtures" / "mini.toml").read_text(encoding="utf-8")


@SETTINGS
@given(st.integers(min_value=0, max_value=len(MINI_TEXT)), st.integers(min_value=0, max_value=40),
       st.text(max_size=20))
def test_load_mutated_mini(tmp_path_factory, start, length, replacement):
    """mini.toml with a slice replaced by junk: loads, or fails with a DataError. What loads keeps
    the invariants every query relies on, and every query answers without an exception."""
    loaded = _load_text(tmp_path_factory, MINI_TEXT[:start] + replacement + MINI_TEXT[start + length:])
    if loaded is None:
        return
    _assert_invariants(loaded)


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


def test_mini_keeps_the_invariants(mini):
    _assert_invariants(mini)
