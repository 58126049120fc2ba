"""Lists that the compiled cache and its digest memo keep as text, without the json module (~1 ms
of a warm start to import it and compile its patterns): word lists, citations, signatures.

- `join_texts` / `split_texts`: rows of validated text (words, the parts of citations), which
  never holds a C0 control character (core/text.py refuses them in a base): each row led by
  U+001E, each item by U+001F; `str.split` reads them back.
- `join_fields` / `split_fields`: rows of paths, whole numbers and None (a path may hold any
  character but NUL): a line per row, a field per word, each tagged: `s` and the text's UTF-8
  in hex (surrogate escapes kept), `i` and a number, `n` for None.

Each reader raises ValueError for text its writer never writes.
"""

from __future__ import annotations

from typing import Iterable, List, Optional, Sequence, Union

ROW, ITEM = "\x1e", "\x1f"

Field = Union[str, int, None]


def join_texts(rows: Iterable[Sequence[str]]) -> str:
    """Rows of text as one text; ValueError for an item holding either separator."""
    rows = rows if isinstance(rows, list) else list(rows)
    text = "".join([ROW + ITEM + ITEM.join(row) if row else ROW for row in rows])
    # An item holding a separator would read back as other items: counted, not searched item by
    # item (a cold run writes ~1,000,000 items).
    if text.count(ROW) != len(rows) or text.count(ITEM) != sum(map(len, rows)):
        raise ValueError(f"text holding U+001E or U+001F cannot be kept: {text[:80]!r}")
    return text


def split_texts(text: str, width: Optional[int] = None) -> List[List[str]]:
    """`join_texts`'s rows back (each of `width` items, when given)."""
    if text and text[0] != ROW:
        raise ValueError(f"not rows of text: {text[:80]!r}")
    rows = [row.split(ITEM) for row in text.split(ROW)[1:]]
    for row in rows:
        if row[0] or (width is not None and len(row) != width + 1):
            raise ValueError(f"not rows of {width or 'any number of'} items: {text[:80]!r}")
        del row[0]
    return rows


def join_fields(rows: Iterable[Sequence[Field]]) -> str:
    """Rows of paths, whole numbers and None as lines of tagged fields."""
    return "\n".join(" ".join(map(_field, row)) for row in rows)


def _field(value: Field) -> str:
    if value is None:
        return "n"
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"a kept field is a text, a whole number or None, not {type(value).__name__}")
    if isinstance(value, int):
        return f"i{value}"
    return "s" + value.encode("utf-8", "surrogateescape").hex()


def split_fields(text: str) -> List[List[Field]]:
    """`join_fields`'s rows back."""
    return [[_read_field(field) for field in line.split(" ")] for line in text.split("\n")] if text else []


def _read_field(field: str) -> Field:
    tag, body = field[:1], field[1:]
    if tag == "n" and not body:
        return None
    if tag == "i" and body.lstrip("-").isdigit() and body.isascii():
        return int(body)
    if tag == "s":
        return bytes.fromhex(body).decode("utf-8", "surrogateescape")
    raise ValueError(f"not a kept field: {field[:80]!r}")
