"""A document as the matcher sees it, with a map back to the original characters.

Matching runs on a *normalised* copy of the document: traditional characters converted to
simplified (OpenCC t2s), inserted pinyin such as 發(fā) dropped, full-width punctuation folded
(NFKC, one character for one), and horizontal whitespace removed except between two Latin
letters ("约2400 家" -> "约2400家", "No need" stays). Every normalised character remembers the
index of the original character it came from, so a match can be sliced out of the ORIGINAL
text: quotes are always verbatim, never converted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Pinyin that one source inserts after characters: 發(fā), 業(yè). Same pattern as cityai_cli.lint.
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
_HSPACE = " \t\u3000\u00a0\r"


@lru_cache(maxsize=1)
def _converter():
    import opencc  # imported here only: start-up time of the CLI matters

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """OpenCC's traditional -> simplified conversion (phrase-aware)."""
    return _converter().convert(text) if text else text


@dataclass(frozen=True)
class Normalised:
    original: str
    text: str  # the normalised text
    offsets: list[int]  # offsets[i] = index in `original` of normalised character i

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) covering normalised [start, end)."""
        return self.offsets[start], self.offsets[end - 1] + 1

    def slice(self, start: int, end: int) -> str:
        a, b = self.original_span(start, end)
        return self.original[a:b]

    def length(self, start: int, end: int) -> int:
        """len(self.slice(start, end)) without building the slice: a quote is measured many times."""
        return max(0, self.offsets[end - 1] + 1 - self.offsets[start])


def normalise(original: str) -> Normalised:
    chars: list[str] = []
    offsets: list[int] = []
    pinyin_spans = {m.start(): m.end() for m in PINYIN.finditer(original)}
    index, length = 0, len(original)
    while index < length:
        if index in pinyin_spans:
            index = pinyin_spans[index]
            continue
        char = original[index]
        if char in _HSPACE:
            before = chars[-1] if chars else ""
            after = original[index + 1 : index + 2]
            if not (_latin(before) and _latin(after)):
                index += 1
                continue
            char = " "
        folded = unicodedata.normalize("NFKC", char)
        chars.append(folded if len(folded) == 1 else char)
        offsets.append(index)
        index += 1
    folded_text = "".join(chars)
    return Normalised(original, _convert_keeping_length(folded_text), offsets)


def _latin(char: str) -> bool:
    return bool(char) and char.isascii() and char.isalpha()


def _convert_keeping_length(text: str) -> str:
    """t2s line by line; a line whose conversion changes length is converted char by char."""
    out = []
    for line in text.split("\n"):
        converted = to_simplified(line)
        if len(converted) != len(line):
            converted = "".join(c if len(c) == 1 else o for o, c in ((ch, to_simplified(ch)) for ch in line))
        out.append(converted)
    return "\n".join(out)
