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

# Pinyin that one source inserts after characters: 發(fā), 業(yè). Same pattern as cityai_cli.core.base.lint.
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
_HSPACE = " \t\u3000\u00a0\r"
_HSPACE_CHAR = re.compile(f"[{_HSPACE}]")


@lru_cache(maxsize=1)
def _converter():
    # lazy: OpenCC only for a name not found as typed
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
    # Every character is folded alone (NFKC, kept when it folds to more than one) through a table
    # of the document's distinct characters; only inserted pinyin and horizontal whitespace are
    # dropped, so the text is copied in stretches between them rather than a character at a time.
    folded = original.translate(_one_char_folds(original))
    dropped = [(m.start(), m.end()) for m in PINYIN.finditer(original)]
    dropped += [(m.start(), m.end()) for m in _HSPACE_CHAR.finditer(original)]
    dropped.sort()
    chars: list[str] = []
    offsets: list[int] = []
    kept_up_to, last_kept = 0, ""
    for start, end in dropped:
        if start > kept_up_to:
            chars.append(folded[kept_up_to:start])
            offsets.extend(range(kept_up_to, start))
            last_kept = folded[start - 1]
        kept_up_to = end
        if original[start] in _HSPACE and _latin(last_kept) and _latin(original[end : end + 1]):
            chars.append(" ")  # between two Latin letters: "No need"
            offsets.append(start)
            last_kept = " "
    chars.append(folded[kept_up_to:])
    offsets.extend(range(kept_up_to, len(original)))
    return Normalised(original, _convert_keeping_length("".join(chars)), offsets)


def _one_char_folds(text: str) -> dict[int, str]:
    """str.translate table: each distinct character of `text` whose NFKC form is one other character."""
    table = {}
    for char in set(text):
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) == 1 and folded != char:
            table[ord(char)] = folded
    return table


def _latin(char: str) -> bool:
    return bool(char) and char.isascii() and char.isalpha()


def _convert_keeping_length(text: str) -> str:
    """t2s line by line; a line whose conversion changes length is converted char by char."""
    out = []
    for line in text.split("\n"):
        converted = to_simplified(line)
        if len(converted) != len(line):
            # each distinct character converted once: a long line is not one call per character
            single = {char: to_simplified(char) for char in set(line)}
            converted = "".join(single[char] if len(single[char]) == 1 else char for char in line)
        out.append(converted)
    return "\n".join(out)
