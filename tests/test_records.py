"""records.py: a fact's citations stored as JSON text and decoded on first use (the warm read)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from cityai_cli.core.figures.dates import PartialDate
from cityai_cli.core.figures.quantity import Quantity
from cityai_cli.core.records import Citation, Fact, citations_json, cite_later, read_citations

CITED = (Citation("s", "企业超2800家", "超2800家"), Citation("t", '引号"和\\反斜杠', "", "注"))


def fact(citations=CITED) -> Fact:
    value = Quantity("超2800家", Decimal(2800), "家", "count", "超", None, "")
    return Fact("甲", "ai_enterprises", "ai", "actual", value, PartialDate.parse("2024"), "stated", None, "", citations)


def test_citations_are_stored_as_one_json_list_and_read_back_equal():
    text = citations_json(CITED)
    assert text == '[["s","企业超2800家","超2800家",""],["t","引号\\"和\\\\反斜杠","","注"]]'
    assert read_citations(text) == CITED
    assert read_citations(citations_json(())) == ()


def test_the_stored_text_is_what_json_dumps_writes():
    tricky = (Citation("s", '行\n制\t表\x1b\u2028"引"\\', "超2800家", "\x00"), Citation("", "", "", ""))
    expected = json.dumps(
        [[c.source, c.quote, c.text, c.note] for c in tricky], ensure_ascii=False, separators=(",", ":")
    )
    assert citations_json(tricky) == expected
    assert read_citations(expected) == tricky


@pytest.mark.parametrize(
    "text", ['{"s": 1}', '[["s", "quote", "text"]]', '[["s", "quote", "text", 1]]', '["s"]', "[[", "null"]
)
def test_text_that_citations_json_never_writes_is_refused(text):
    with pytest.raises(ValueError):
        read_citations(text)


def test_a_fact_citing_later_is_the_fact_in_every_way():
    whole = fact()
    later = cite_later(fact(citations=()), citations_json(CITED))
    assert "citations" not in later.__dict__  # nothing decoded yet
    assert later == whole and hash(later) == hash(whole) and repr(later) == repr(whole)
    assert later.sources == ("s", "t")
    assert later.citations is later.citations  # decoded once, then kept
    assert "_stored_citations" not in later.__dict__
    assert cite_later(fact(()), citations_json(CITED)).replace(note="n") == whole.replace(note="n")
    assert copy.copy(cite_later(fact(()), citations_json(CITED))) == whole


def test_a_fact_citing_later_still_has_no_other_unknown_attribute():
    later = cite_later(fact(citations=()), citations_json(CITED))
    with pytest.raises(AttributeError, match="no attribute 'sauces'"):
        later.sauces  # noqa: B018
    with pytest.raises(ValueError):
        cite_later(fact(citations=()), "[[").citations  # noqa: B018
