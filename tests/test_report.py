"""cityai_cli/core/report.py: choosing one table of a report (--table) and what one rectangular
table (CSV) leaves out."""

from __future__ import annotations

import pytest

from cityai_cli.core.errors import UsageError
from cityai_cli.core.query.common import Rows
from cityai_cli.core.report import Column, Report, Table, row_count


def _report() -> Report:
    column = [Column("a", "a")]
    tables = [
        Table("place", "", column, [{"a": 1}]),
        Table("facts", "", column, [{"a": 1}, {"a": 2}]),
        Table("policies", "", column, []),
        Table("subsidies", "", column, Rows(lambda: iter([{"a": 1}, {"a": 2}, {"a": 3}]))),  # type: ignore[arg-type]
    ]
    return Report(tables, primary=1)


def test_left_out_names_the_other_tables_that_have_rows_with_their_counts():
    assert _report().left_out() == [("place", 1), ("subsidies", 3)]


def test_a_report_of_one_table_leaves_nothing_out():
    report = _report().only("facts")
    assert (report.primary, [t.name for t in report.tables], report.left_out()) == (0, ["facts"], [])


def test_only_keeps_the_json_shape_of_a_report_of_several_tables():
    report = _report()
    assert report.single is False and report.only("POLICIES").single is False
    assert Report([report.tables[0]]).only("place").single is True


def test_only_an_unknown_name_is_a_usage_error_carrying_the_names():
    with pytest.raises(UsageError) as raised:
        _report().only("fact")
    assert raised.value.exit_code == 2 and raised.value.code == "table.unknown"
    assert raised.value.params == {"text": "fact", "names": ["place", "facts", "policies", "subsidies"]}
    assert str(raised.value) == "no table 'fact'; the tables are place, facts, policies, subsidies"


def test_row_count_counts_a_list_and_rows_made_as_iterated():
    assert row_count([{}, {}]) == 2
    assert row_count(Rows(lambda: iter([{}, {}, {}]))) == 3
