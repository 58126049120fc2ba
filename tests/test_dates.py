"""dates.py: partial dates as curated and as typed."""
from cityai_cli.dates import PartialDate
from cityai_cli.rules import same_time


def test_full_width_digits_are_read_as_ascii():
    # an IME's ２０２４ was kept as typed: a string that prefixes, sorts and prints unlike 2024, so
    # "２０２４" and "2024-03" were not of the same time and deadlines sorted after every other
    date = PartialDate.parse("２０２４－０３")
    assert date == "2024-03" and date.isascii()
    assert same_time(PartialDate.parse("２０２４"), PartialDate.parse("2024-03-15"))
