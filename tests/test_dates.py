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
