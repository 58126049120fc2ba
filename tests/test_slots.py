"""slots.Record: a declaration gives slots, defaults and an __init__ (a loop, then a written one)."""

from __future__ import annotations

from typing import Optional

import pytest

from cityai_cli.core.slots import COMPILE_AFTER, Record


class Pair(Record):
    left: str
    right: Optional[int]
    note: str = ""


def test_declaration():
    assert Pair.__slots__ == ("left", "right", "note") and Pair._defaults == {"note": ""}
    assert Pair._types == {"left": "str", "right": "Optional[int]", "note": "str"}


@pytest.mark.parametrize("made", [1, COMPILE_AFTER + 5])  # the loop, then the written __init__
def test_init_before_and_after_it_is_written(made):
    for _ in range(made):
        pair = Pair("a", 1)
    assert pair == Pair(left="a", right=1, note="") == Pair("a", right=1)
    assert repr(pair) == "Pair(left='a', right=1, note='')" and hash(pair) == hash(Pair("a", 1, ""))
    with pytest.raises(TypeError, match="right"):
        Pair("a")
    with pytest.raises(TypeError, match="nope"):
        Pair("a", 1, nope=2)
    with pytest.raises(AttributeError, match="cannot assign to field 'left' of an immutable Pair"):
        pair.left = "b"  # type: ignore[misc]
