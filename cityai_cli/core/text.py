"""What text from a knowledge base (or a command line) may contain, and how it is shown safely.

One definition for the loader, which refuses these characters in every string and key, and for
every output, which escapes them so that text can never drive the terminal or disguise itself:
C0/C1 controls (ESC starts ANSI sequences, CR overwrites a line), DEL, and every default-ignorable
code point (bidi overrides and isolates, zero-width characters, variation selectors, Hangul
fillers …: characters that render as nothing, so that 深\ufe00圳 would look like 深圳).
"""

from __future__ import annotations

import re
from typing import Any, Optional

# Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt, Unicode 16.0; the
# list has not changed since 14.0). Python's unicodedata does not expose the property, so its
# ranges are written here, once. Every one renders as nothing where it is not supported: zero-width
# and bidi controls, the soft hyphen, variation selectors (U+FE00-FE0F, U+E0100-E01EF), Hangul
# fillers (U+115F, U+1160, U+3164, U+FFA0), the combining grapheme joiner (U+034F), tag characters.
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# Not default-ignorable, refused as well: the line and paragraph separators (U+2028/2029 break a
# line like \n) and the interlinear annotation controls (U+FFF9-FFFB), which hide text.
_ALSO_REFUSED = ((0x2028, 0x2029), (0xFFF9, 0xFFFB))


def holds_shell_bytes(text: str) -> bool:
    """Whether `text` holds a byte Python could not decode from the command line, kept as a lone
    surrogate U+DC80-U+DCFF (surrogateescape). Text without lone surrogates encodes as UTF-8: that
    is tried first (a pattern over them cost every start ~0.1 ms to compile)."""
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return any("\udc80" <= c <= "\udcff" for c in text)


def from_shell(text: str) -> str:
    """Text as the command line meant it. Under a C locale without UTF-8 mode (LC_ALL=C
    PYTHONUTF8=0) Python decodes argv as ASCII and keeps every other byte as a lone surrogate, so
    深圳 arrives as six of them (and OpenCC raised on them). They are the shell's UTF-8, decoded
    here; bytes that are no UTF-8 stay as they are."""
    if not holds_shell_bytes(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        return text


def _character_class(ranges) -> str:
    return "".join(chr(low) if low == high else f"{chr(low)}-{chr(high)}" for low, high in ranges)


_INVISIBLE = _character_class(DEFAULT_IGNORABLE + _ALSO_REFUSED)


# The default-ignorable characters str.isprintable() accepts (Unicode 15): the few that can hide
# in text the fast paths below let through (combining marks and letters). A test derives them
# again from DEFAULT_IGNORABLE (an older Python prints fewer: 3.9 does not know U+180F); listed
# here because deriving them reads ~4,500 code points (~0.3 ms a start).
PRINTABLE_IGNORABLE = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180D),
    (0x180F, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),
)


def is_default_ignorable(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in DEFAULT_IGNORABLE)


# Marks that NFKC leaves as they are, as it does ASCII and CJK unified ideographs (U+4E00-U+9FFF):
# none of them decomposes, or composes with another (a test checks each character and pair).
NFKC_KEEPS = "·—‘’“”、。〈〉《》「」『』【】"


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, without loading unicodedata (~0.3 ms) for text that
    NFKC surely leaves as it is: ASCII, CJK unified ideographs and NFKC_KEEPS only (every name,
    alias and label of the bundled base, and every date)."""
    if text.isascii() or all(c < "\x80" or "\u4e00" <= c <= "\u9fff" or c in NFKC_KEEPS for c in text):
        return text
    # lazy: see above
    import unicodedata

    return unicodedata.normalize("NFKC", text)


class LazyPattern:
    """A regular expression compiled on first use. A character class spanning the CJK block
    costs ~1 ms to compile (re fills a table entry by entry), on every start, and most runs never
    need these (text that is all printable takes the fast paths below; CSV draws no table)."""

    def __init__(self, source: str, flags: int = 0):
        self.source, self.flags = source, flags
        self.compiled: "Optional[re.Pattern[str]]" = None

    def __getattr__(self, name: str) -> Any:  # search, sub, fullmatch …
        if self.compiled is None:
            self.compiled = re.compile(self.source, self.flags)
        found = getattr(self.compiled, name)
        setattr(self, name, found)  # kept: the next lookup is the instance's, not a call through here
        return found


# The search for one of PRINTABLE_IGNORABLE. A compiled class scans Chinese text ~4x faster than
# a set does (a CSV of 3,000 programmes: ~4 µs a row); it compiles in ~0.2 ms, at the first
# non-ASCII text.
_PRINTABLE_IGNORABLE = LazyPattern(f"[{_character_class(PRINTABLE_IGNORABLE)}]")


# Refused in keys (and in every message, where a line break would forge a line).
CONTROL_IN_KEY = LazyPattern(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
# Refused in string values: the same, except newline and tab, which multi-line text may hold.
CONTROL_IN_VALUE = LazyPattern(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")


def _plainly_printable(text: str) -> bool:
    """The fast path: nothing to escape (str.isprintable refuses every Cc and Cf character, and
    the few printable invisible ones are searched for)."""
    return text.isprintable() and (text.isascii() or _PRINTABLE_IGNORABLE.search(text) is None)


def _escape(match: "re.Match") -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """Control, bidi and zero-width characters as visible escapes (\\x1b, \\u202e); newline and
    tab are kept (cells may span lines)."""
    if _plainly_printable(text):
        return text
    return CONTROL_IN_VALUE.sub(_escape, text)


def one_line(text: str) -> str:
    """`printable`, and newline and tab escaped too: for messages, one problem per line."""
    if _plainly_printable(text):
        return text
    return CONTROL_IN_KEY.sub(_escape, text)


_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f"}
_TOML_SPECIAL = LazyPattern(f'[\\\\"\x00-\x1f\x7f-\x9f{_INVISIBLE}]')
_BARE_KEY = LazyPattern(r"[A-Za-z0-9_-]+")


def _toml_escape(match: "re.Match") -> str:
    char = match.group(0)
    code = ord(char)
    return _TOML_ESCAPES.get(char) or (f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")


def toml_string(text: str) -> str:
    """`text` as a TOML basic string that is valid whatever it holds: quotes and backslashes
    escaped, and every control, bidi and zero-width character written as an escape, so that
    generated TOML never carries a raw control character (to a terminal, or into a base, whose
    loader would refuse it with a less helpful message)."""
    return '"' + _TOML_SPECIAL.sub(_toml_escape, text) + '"'


def toml_key(text: str) -> str:
    """A bare TOML key where the text allows one, else a quoted one: never a table injection."""
    return text if _BARE_KEY.fullmatch(text) else toml_string(text)
