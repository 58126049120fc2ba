"""records.py: a fact's citations stored as JSON text and decoded on first use (the warm read)."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from cityai_cli.core.figures.dates import PartialDate
from cityai_cli.core.figures.quantity import Quantity
from cityai_cli.core.records import Citation, Fact, citations_text, cite_later, read_citations

CITED = (Citation("s", "企业超2800家", "超2800家"), Citation("t", '引号"和\\反斜杠', "", "注"))


def fact(citations=CITED) -> Fact:
    value = Quantity("超2800家", Decimal(2800), "家", "count", "超", None, "")
    return Fact("甲", "ai_enterprises", "ai", "actual", value, PartialDate.parse("2024"), "stated", None, "", citations)


def test_citations_are_stored_as_rows_of_text_and_read_back_equal():
    text = citations_text(CITED)
    assert text == '\x1e\x1fs\x1f企业超2800家\x1f超2800家\x1f\x1e\x1ft\x1f引号"和\\反斜杠\x1f\x1f注'
    assert read_citations(text) == CITED
    assert read_citations(citations_text(())) == () and citations_text(()) == ""
    tricky = (Citation("s", '行\n制\t表\x1b\u2028"引"\\', "超2800家", "\x00"), Citation("", "", "", ""))
    assert read_citations(citations_text(tricky)) == tricky


@pytest.mark.parametrize(
    "text", ["s", "\x1e\x1fs\x1fquote\x1ftext", "\x1e\x1fs\x1fq\x1ft\x1fn\x1fmore", "\x1es\x1fq\x1ft\x1fn", "\x1e"]
)
def test_text_that_citations_text_never_writes_is_refused(text):
    with pytest.raises(ValueError):
        read_citations(text)


def test_a_fact_citing_later_is_the_fact_in_every_way():
    whole = fact()
    later = cite_later(fact(citations=()), citations_text(CITED))
    assert "citations" not in later.__dict__  # nothing decoded yet
    assert later == whole and hash(later) == hash(whole) and repr(later) == repr(whole)
    assert later.sources == ("s", "t")
    assert later.citations is later.citations  # decoded once, then kept
    assert "_stored_citations" not in later.__dict__
    assert cite_later(fact(()), citations_text(CITED)).replace(note="n") == whole.replace(note="n")
    assert copy.copy(cite_later(fact(()), citations_text(CITED))) == whole


def test_a_fact_citing_later_still_has_no_other_unknown_attribute():
    later = cite_later(fact(citations=()), citations_text(CITED))
    with pytest.raises(AttributeError, match="no attribute 'sauces'"):
        later.sauces  # noqa: B018
    with pytest.raises(ValueError):
        cite_later(fact(citations=()), "[[").citations  # noqa: B018
