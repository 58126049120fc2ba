"""dates.span: what the export and tidy CSV write beside each date."""
from __future__ import annotations

import pytest

from cityai_cli.dates import span


@pytest.mark.parametrize("date, expected", [
    ("2024", ("year", "2024-01-01", "2024-12-31")),
    ("2024-02", ("month", "2024-02-01", "2024-02-29")),
    ("2023-02", ("month", "2023-02-01", "2023-02-28")),
    ("2024-12", ("month", "2024-12-01", "2024-12-31")),
    ("2025-03-17", ("day", "2025-03-17", "2025-03-17")),
    ("2020/2024", ("period", "2020-01-01", "2024-12-31")),
    ("2024-03/2024-09-15", ("period", "2024-03-01", "2024-09-15")),
])
def test_span(date, expected):
    assert span(date) == expected


def test_bounds_are_dates_and_a_period_runs_from_its_start_to_its_end():
    import datetime as dt

    from cityai_cli.dates import bounds
    assert bounds("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert bounds("2020/2024-06") == (dt.date(2020, 1, 1), dt.date(2024, 6, 30))
