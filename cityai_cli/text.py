"""What text from a knowledge base (or a command line) may contain, and how it is shown safely.

One definition for the loader, which refuses these characters in every string and key, and for
every output, which escapes them so that text can never drive the terminal or disguise itself:
C0/C1 controls (ESC starts ANSI sequences, CR overwrites a line), DEL, bidi overrides and
isolates (U+202A-202E, U+2066-2069), and zero-width characters (U+200B-200D, U+2060, U+FEFF).
"""

from __future__ import annotations

import re
from typing import Any, Optional

# Zero-width and bidi controls, line/paragraph separators (U+2028/2029 break lines like \n), the
# soft hyphen and Mongolian vowel separator, invisible operators, deprecated format controls,
# interlinear annotations and tag characters: invisible, or able to reorder or break a line.
_INVISIBLE = (
    "\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
)


class _Pattern:
    """A regular expression compiled on first use. These character classes cost ~1.5 ms to
    compile, on every start, and most runs never need them (text that is all printable takes
    the fast paths below)."""

    def __init__(self, source: str):
        self.source = source
        self.compiled: "Optional[re.Pattern[str]]" = None

    def __getattr__(self, name: str) -> Any:  # search, sub, fullmatch …
        if self.compiled is None:
            self.compiled = re.compile(self.source)
        return getattr(self.compiled, name)


# Refused in keys (and in every message, where a line break would forge a line).
CONTROL_IN_KEY = _Pattern(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
# Refused in string values: the same, except newline and tab, which multi-line text may hold.
CONTROL_IN_VALUE = _Pattern(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")


def _escape(match: "re.Match") -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """Control, bidi and zero-width characters as visible escapes (\\x1b, \\u202e); newline and
    tab are kept (cells may span lines)."""
    if text.isprintable():  # fast path: every character escaped here is non-printable (Cc, Cf)
        return text
    return CONTROL_IN_VALUE.sub(_escape, text)


def one_line(text: str) -> str:
    """`printable`, and newline and tab escaped too: for messages, one problem per line."""
    if text.isprintable():
        return text
    return CONTROL_IN_KEY.sub(_escape, text)


_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f"}
_TOML_SPECIAL = _Pattern(f'[\\\\"\x00-\x1f\x7f-\x9f{_INVISIBLE}]')
_BARE_KEY = _Pattern(r"[A-Za-z0-9_-]+")


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
