"""core/base/schema.py: what the schema refuses as a whole base, and the checked-in JSON Schema."""

import json

import pytest

from conftest import PROJECT_DATA, ROOT, assert_clean_failure

NO_METRIC = (
    "metrics: a knowledge base declares at least one metric ([metrics.KEY] with zh, en, dimension, unit and scopes)"
)


@pytest.mark.parametrize("text", ["# nothing here\n", "schema_version = 2\n"])
def test_a_base_without_metrics_is_refused(cli, here, text):
    (here / "c.toml").write_text(text, encoding="utf-8")
    assert_clean_failure(cli("list", "--data", "c.toml"), 1, f"Error: c.toml: {NO_METRIC}\n")
    result = cli("validate", "c.toml")
    assert (result.code, result.stdout, result.stderr) == (1, f"c.toml: {NO_METRIC}\nc.toml: 1 problem\n", "")


def test_a_schema_1_base_is_refused(cli, here):
    (here / "old.toml").write_text("schema_version = 1\n", encoding="utf-8")
    assert_clean_failure(
        cli("list", "--data", "old.toml"), 1, "Error: old.toml:1: schema_version: Input should be 2 (got 1)\n"
    )


@pytest.mark.bundled
def test_checked_in_schema_is_the_generated_one(cli):
    assert json.loads(cli("schema").stdout) == json.loads(
        (ROOT / "data" / "cities.schema.json").read_text(encoding="utf-8")
    )
    assert PROJECT_DATA.read_text(encoding="utf-8").startswith("#:schema ./cities.schema.json\n")


def test_a_figure_written_twice_is_parsed_once_and_a_bad_one_refused_each_time():
    from cityai_cli.core.base.schema import _PARSED, _quantity
    from cityai_cli.core.figures.quantity import parse_figure

    first = _quantity("超1234.5家")
    assert first == parse_figure("超1234.5家") and _quantity("超1234.5家") is first
    assert _PARSED["超1234.5家"] is first
    for _ in range(2):
        with pytest.raises(ValueError, match="not a bare number"):
            _quantity(12)
        with pytest.raises(ValueError):
            _quantity("no figure at all")
    assert "no figure at all" not in _PARSED


def test_a_date_written_twice_is_parsed_once_and_a_bad_one_refused_each_time():
    from cityai_cli.core.base.schema import _SPANS, _span_date
    from cityai_cli.core.figures.dates import PartialDate

    first = _span_date("2021/2023")
    assert first == PartialDate.parse_span("2021/2023") and _span_date("2021/2023") is first
    assert _SPANS["2021/2023"] is first and _span_date(2024) == PartialDate("2024")
    for _ in range(2):
        with pytest.raises(ValueError, match="must end after it starts"):
            _span_date("2024/2020")
    assert "2024/2020" not in _SPANS
