"""slots.Record: a declaration gives slots, defaults and an __init__ (a loop, then a written one)."""

from __future__ import annotations

from typing import ClassVar, Optional

import pytest

from cityai_cli.core.slots import COMPILE_AFTER, DictRecord, Record


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


class Kept(DictRecord):
    name: str
    size: Optional[int]
    limit: ClassVar[int] = 3  # not a field


def test_a_dict_record_is_declared_once_and_kept_in_its_dict():
    assert Kept._fields == ("name", "size") and Kept._types == {"name": "str", "size": "Optional[int]"}
    kept = Kept("a", size=1)
    assert vars(kept) == {"name": "a", "size": 1} and list(vars(Kept(size=1, name="a"))) == ["name", "size"]
    assert kept == Kept("a", 1) != Kept("a", 2) and kept != ("a", 1)
    assert hash(kept) == hash(("a", 1)) and repr(kept) == "Kept(name='a', size=1)"
    assert kept.replace(size=2) == Kept("a", 2) and kept == Kept("a", 1)  # a copy, the record unchanged


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("a", 1, 2), {}, r"Kept\(\) takes 2 fields but 3 were given"),
        (("a",), {}, r"Kept\(\) missing the field 'size'"),
        (("a", 1), {"name": "b"}, r"Kept\(\) got an unexpected or repeated field 'name'"),
        (("a", 1), {"colour": "b"}, r"Kept\(\) got an unexpected or repeated field 'colour'"),
    ],
)
def test_a_dict_record_refuses_what_a_dataclass_would(args, kwargs, message):
    with pytest.raises(TypeError, match=message):
        Kept(*args, **kwargs)
    with pytest.raises(TypeError, match="unexpected or repeated field 'colour'"):
        Kept("a", 1).replace(colour="b")


def test_a_dict_record_is_immutable():
    kept = Kept("a", 1)
    with pytest.raises(AttributeError, match="cannot assign to field 'name' of an immutable Kept"):
        kept.name = "b"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="cannot delete field 'size' of an immutable Kept"):
        del kept.size  # type: ignore[misc]
