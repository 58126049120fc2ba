"""Reading a knowledge-base file: its text (safely, UTF-8), the TOML parsed with a map from each
field back to its line, the characters a base may hold, and `Loaded`, the validated base with
what is needed to point back into its files. load.py, lint.py and layers.py build on this.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Optional, Protocol, Tuple

from ..errors import DataError, Problem
from ..files import ReadError, _position, decode_utf8, safe_read, utf8_without_bom
from ..text import CONTROL_IN_KEY, CONTROL_IN_VALUE
from .paths import MAX_BYTES, bundled_path, plain_seed_name, seed_folder

# tomli >= 2.1 ships wheels compiled with mypyc: twice as fast as the standard library's tomllib
# (the same parser, pure Python), which was half of a cold run (3,000 places: 6.7 s -> 3.3 s).
try:
    import tomli as tomllib
except ImportError:  # pragma: no cover - an install without tomli (it is a dependency)
    import tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]

if TYPE_CHECKING:  # pydantic only on a cold run
    from ..facts import Base
    from .schema import KnowledgeBase

MAX_SEED_BYTES = 4 * 1024 * 1024  # a source document (the largest bundled one is ~21 KB)


@dataclass
class Loaded:
    """A validated knowledge base with what is needed to point back into its file."""

    kb: KnowledgeBase
    path: Path
    lines: "Lines"
    base: Base = field(default=None, repr=False)  # type: ignore[assignment]  # the compiled form, set after validation
    problems: List[Problem] = field(default_factory=list, repr=False)  # with keep_going
    layers: Tuple[Path, ...] = ()  # bases added with --with: their seeds/ are searched too

    @property
    def display_path(self) -> str:
        return display(self.path)

    def file_of(self, location: Tuple) -> str:
        """The file that defines a location (a directory base has many)."""
        return self.lines.file_of(location) if hasattr(self.lines, "file_of") else self.display_path

    def problem_at(self, location: Tuple, message: str, file_location: Optional[Tuple] = None) -> Problem:
        """A problem at `location`: its file (that of `file_location`, when given), line and path."""
        return Problem(
            self.file_of(file_location or location), message, self.lines.line_of(location), None, format_path(location)
        )

    def seed_path(self, filename: str, origin: str = "") -> Optional[Path]:
        """Where a source's file is: in the seeds of the base or layer that declares the source
        (`origin`, its knowledge-base file; paths.seed_folders), else the bundled seeds. Never in
        another layer's: two layers may each hold a doc.txt.

        ReadError when the name could reach outside a seeds directory: an absolute path, a `..`
        part, a link that resolves outside it, or a seeds directory beside a base that is itself a
        link (`seeds -> /`: everything would resolve inside it). The bundled seeds are cityai's own.
        """
        if not plain_seed_name(filename):
            raise ReadError("must be a plain file name inside seeds/ (no absolute path, no ..)")
        found = seed_folder(filename, (self.path, *self.layers), origin)
        if found is None:
            return None
        folder, candidate = found
        if folder != bundled_path("seeds") and folder.is_symlink():
            raise ReadError(f"is in {display(folder)}, a symbolic link; seeds/ must be a directory of the base")
        try:
            inside = candidate.resolve().is_relative_to(folder.resolve())
        except (OSError, RuntimeError):  # a link loop
            inside = False
        if not inside:
            raise ReadError(f"leaves the seeds directory {display(folder)} (a link?)")
        return candidate

    def read_seed(self, filename: str, origin: str = "") -> str:
        """The text of a source document; ReadError (not found, outside seeds/, not a regular
        file, too large, not UTF-8) otherwise."""
        path = self.seed_path(filename, origin)
        if path is None:
            raise ReadError("not found in seeds/")
        return decode_utf8(safe_read(path, MAX_SEED_BYTES, "a source document"))

    def seed_text(self, source_id: str) -> Optional[str]:
        """The text of a source's document, or None when it cannot be found or read."""
        source = self.base.sources.get(source_id)
        if source is None:
            return None
        try:
            return self.read_seed(source.file, source.origin)
        except ReadError:
            return None


def display(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when inside it.

    Lexical only (links are not followed, so a link loop cannot raise), and the path as given
    when the working directory is gone or is the root.
    """
    try:
        cwd = Path(os.getcwd())
        absolute = Path(os.path.abspath(path))
    except (OSError, ValueError):  # the working directory was deleted; a NUL in the name
        return str(path)
    try:
        return str(absolute.relative_to(cwd)) if cwd != Path(cwd.anchor) else str(path)
    except ValueError:
        return str(path)


def read_text(path: Path, blank_ok: bool = False) -> str:
    """Read a UTF-8 knowledge base, turning every way it can fail into one clear Problem.
    blank_ok: an empty (or blank) file reads as "" instead of failing, for a writer to start it."""
    name = str(path)
    try:
        raw = safe_read(path, MAX_BYTES)
    except ReadError as error:
        raise DataError([Problem(name, str(error))]) from None
    if not raw.strip():
        if blank_ok:
            return ""
        raise DataError([Problem(name, "is empty; expected a TOML knowledge base")])
    try:
        return utf8_without_bom(raw)
    except UnicodeDecodeError as error:
        line, column = _position(raw, error.start)
        raise DataError([Problem(name, f"is not UTF-8 (byte 0x{raw[error.start]:02x})", line, column)]) from None


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


# tomllib's time and memory grow with the square of the length of a dotted key (`a.a.a… = 1`,
# `[a.a.a…]`, `{a.a.a… = 1}`): a 200 KB key exhausts gigabytes. No real key has more than a few
# parts; `_scan` refuses longer ones wherever they are, before tomllib sees them.
MAX_KEY_PARTS = 100

_MAX_DIGITS = 4300
_LONG_NUMBER = re.compile(rf"[0-9](?:_?[0-9]){{{_MAX_DIGITS},}}")


def parse_toml(text: str, name: str) -> dict:
    try:
        # The scanner counts a line's dots outside strings: a line with fewer dots in all cannot
        # hold a key that long, so only such lines (none in a real base) need the full scan.
        if max(map(str.count, text.split("\n"), repeat("."))) >= MAX_KEY_PARTS:
            for _ in _scan(text, strict=True):
                pass
    except ValueError as error:
        raise DataError(
            [Problem(name, f"invalid TOML: a dotted key of more than {MAX_KEY_PARTS} parts", error.args[0])]
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_POSITION.search(message)
        line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
        message = _TOML_POSITION.sub("", message) if found else message
        raise DataError([Problem(name, f"invalid TOML: {message}", line, column)]) from None
    except RecursionError:
        raise DataError([Problem(name, "invalid TOML: nested too deeply")]) from None
    except ValueError as error:
        # int() refuses more than 4300 digits (Python >= 3.11, and 3.9.14+/3.10.7+); its message
        # differs between versions and names no position, so say it in our words, with the place.
        long_number = _LONG_NUMBER.search(text)
        if not long_number:
            raise DataError([Problem(name, f"invalid TOML: {error}")]) from None
        line, column = _position(text, long_number.start())
        message = f"invalid TOML: an integer of more than {_MAX_DIGITS} digits"
        raise DataError([Problem(name, message, line, column)]) from None


def check_characters(data: dict, name: str, lines: "Lines", text: Optional[str] = None) -> List[Problem]:
    """Every key and string of a parsed base, whatever the schema: no control characters (newline
    and tab allowed in values) and no default-ignorable code points (bidi controls, zero-width
    characters, variation selectors, Hangul fillers …: the one rule, `text.CONTROL_IN_KEY/VALUE`).

    Such text can drive a terminal (ESC, CR), forge lines in messages (a newline in a key),
    disguise a name (RLO) or make two names look the same (U+200B, 深\ufe00圳).

    `text`, the TOML `data` was parsed from, if given, may prove it clean at once (`_text_clean`).
    """
    if (text is not None and _text_clean(text)) or _all_clean(data):
        return []
    problems: List[Problem] = []
    stack: list = [((), data)]
    while stack:
        location, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                found = CONTROL_IN_KEY.search(key)
                if found:
                    problems.append(_character_problem(name, lines, location, "key", found, key))
                stack.append((location + (key,), item))
        elif isinstance(value, list):
            stack.extend((location + (index,), item) for index, item in enumerate(value))
        elif isinstance(value, str):
            found = CONTROL_IN_VALUE.search(value)
            if found:
                problems.append(_character_problem(name, lines, location, "text", found, value))
    return sorted(problems, key=lambda problem: (problem.line or 0, problem.path))


def _text_clean(text: str) -> bool:
    """Whether the TOML text proves every key and string parsed from it clean, ~2x faster than
    walking the parsed tree: without a backslash nothing is escaped, so every key and string is
    a piece of the text as written; a key holds no newline (TOML allows none there), and with no
    tab in the text none holds a tab either. False says nothing: the tree is walked then."""
    return "\\" not in text and "\t" not in text and CONTROL_IN_VALUE.search(text) is None


def _all_clean(data: dict) -> bool:
    """Whether no key and no string holds a refused character: the first pass, ~5x faster than
    locating every node (the located pass runs only when something is found)."""
    keys: List[str] = []
    texts: List[str] = []
    stack: list = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            keys.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            texts.append(value)
    # One character is refused on its own: joining cannot make or hide one.
    return CONTROL_IN_KEY.search("".join(keys)) is None and CONTROL_IN_VALUE.search("".join(texts)) is None


def _character_problem(name: str, lines: "Lines", location: Tuple, what: str, found, text: str) -> Problem:
    """The field is named with the character escaped (Problem.__str__ escapes everything)."""
    where = location + ((text,) if what == "key" else ())
    character = f"U+{ord(found.group(0)):04X}"
    return Problem(
        name,
        f"{what} contains the control or invisible character {character} at position {found.start() + 1}; remove it",
        lines.line_of(where),
        None,
        format_path(where),
    )


def format_path(location: Tuple) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_SCALAR = (str, int, float, bool)


def _problem_from_pydantic(name: str, lines: "Lines", item: dict) -> Problem:
    location = tuple(part for part in item["loc"] if part not in ("function-after", "function-before"))
    message = item["msg"].removeprefix("Value error, ")
    kind = item["type"]
    if kind == "extra_forbidden":
        message = "unknown field (a typo? see the README for the fields each table takes)"
    elif kind == "missing":
        message = "required field is missing"
    elif kind not in ("value_error", "assertion_error") and isinstance(item.get("input"), _SCALAR):
        try:
            message += f" (got {item['input']!r})"
        except ValueError:  # an integer too long for repr() (Pythons with the 4300-digit limit)
            message += " (got an integer too long to show)"
    file = lines.file_of(location) if hasattr(lines, "file_of") else name
    return Problem(file, message, lines.line_of(location), None, format_path(location))


class Lines(Protocol):
    """Where a field path is defined: one file's LineMap, or multi.FileLines over a directory."""

    def line_of(self, location: Tuple) -> Optional[int]: ...


class LineMap:
    """Maps a field path back to the line of the TOML file that defines it (best effort).

    Built in one linear pass (`_scan`): every table header and every key line is indexed once,
    so finding the line of each of thousands of problems costs a dictionary look-up. Lines inside
    multi-line strings and multi-line arrays are never mistaken for headers or keys. The pass is
    made on the first look-up: a base without problems (every cold run that succeeds) never pays
    for it.
    """

    def __init__(self, text: str):
        self._text: Optional[str] = text
        self._headers: Dict[Tuple, int] = {}
        self._keys: Dict[Tuple, int] = {}

    def _index(self) -> None:
        text, self._text = self._text, None
        if text is None:
            return
        tables: dict = {}
        table: Tuple = ()
        for number, kind, parts in _scan(text):
            if kind == "key":
                self._keys.setdefault(table + parts, number)
                continue
            table = _resolve(tables, parts, kind == "[[")
            self._headers.setdefault(table, number)

    @property
    def headers(self) -> Dict[Tuple, int]:
        self._index()
        return self._headers

    @property
    def keys(self) -> Dict[Tuple, int]:
        self._index()
        return self._keys

    def line_of(self, location: Tuple) -> Optional[int]:
        self._index()
        for cut in range(len(location), 0, -1):
            prefix = tuple(location[:cut])
            found = self._keys.get(prefix) or self._headers.get(prefix)
            if found is not None:
                return found
        return None


def _resolve(tables: dict, parts: Tuple[str, ...], is_array: bool) -> Tuple:
    """A header's path with the current index of each enclosing array of tables filled in.

    `tables` is a trie of the headers seen: part -> [index (None unless an array), children].
    """
    resolved: list = []
    level = tables
    for position, part in enumerate(parts):
        node = level.setdefault(part, [None, {}])
        if is_array and position == len(parts) - 1:
            node[0] = -1 if node[0] is None else node[0]
            node[0] += 1
            node[1] = {}  # a new element: the tables nested in the previous element start again
        resolved.append(part)
        if node[0] is not None:
            resolved.append(node[0])
        level = node[1]
    return tuple(resolved)


# One scanner for what must see TOML's structure besides tomllib: the header and key lines of
# LineMap, and the limit on dotted keys. Every pattern is a plain alternation of disjoint
# branches or a single character class, so matching never backtracks: the pass is linear.
_NORMAL = re.compile(r'"""' + r"|'''|[\"'#\[\]{}=,.]")
_IN_BASIC = re.compile(r'\\.|"')
_IN_ML_BASIC = re.compile(r'\\.|"""')
_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BASIC_KEY = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_LITERAL_KEY = re.compile(r"'([^'\n]*)'")
_SPACE = re.compile(r"[ \t]*")


def _skip_space(line: str, position: int = 0) -> int:
    """The position after the blanks at `position` (_SPACE matches everywhere, even nothing)."""
    return _SPACE.match(line, position).end()  # type: ignore[union-attr]


_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b", '"': '"', "\\": "\\"}


def _unescape(match: "re.Match") -> str:
    """One escape of a quoted key, decoded as tomllib does (so keys match the parsed data)."""
    code = match.group(1)
    if code[0] in "uU" and len(code) > 1:
        try:
            return chr(int(code[1:], 16))
        except ValueError:  # beyond U+10FFFF: tomllib refused the file already
            return match.group(0)
    return _ESCAPES.get(code, match.group(0))


def _scan(text: str, strict: bool = False):
    """Yield (line number, kind, key parts) for each table header ("[" or "[[") and key line ("key").

    With `strict`, raise ValueError(line number) at a dotted key of more than MAX_KEY_PARTS parts
    anywhere outside strings: a line's key, a table header or a key in an inline table.
    """
    state, depth = "", 0  # state: "" in code, '"""' or "'''" inside a multi-line string
    for number, line in enumerate(text.split("\n"), start=1):
        if not state and depth == 0:
            parsed = _header_or_key(line)
            if parsed is not None:
                yield (number, *parsed)
        state, depth = _scan_line(line, state, depth, number if strict else 0)


def _scan_line(line: str, state: str, depth: int, strict_line: int) -> Tuple[str, int]:
    """The string state and bracket depth after a line, given those before it."""
    position, dots = 0, 0
    while True:
        if state == '"""':
            found = _IN_ML_BASIC.search(line, position)
            while found and found.group(0) != '"""':
                found = _IN_ML_BASIC.search(line, found.end())
            if not found:
                return state, depth
            state, position = "", found.end()
            continue
        if state == "'''":
            end = line.find("'''", position)
            if end < 0:
                return state, depth
            state, position = "", end + 3
            continue
        found = _NORMAL.search(line, position)
        if not found:
            return state, depth
        token, position = found.group(0), found.end()
        if token in ('"""', "'''"):
            state = token
        elif token == '"':
            closing = _IN_BASIC.search(line, position)
            while closing and closing.group(0) != '"':
                closing = _IN_BASIC.search(line, closing.end())
            if not closing:
                return state, depth
            position = closing.end()
        elif token == "'":
            end = line.find("'", position)
            if end < 0:
                return state, depth
            position = end + 1
        elif token == "#":
            return state, depth
        elif token == ".":
            dots += 1
            if strict_line and dots >= MAX_KEY_PARTS:
                raise ValueError(strict_line)
        else:
            dots = 0
            if token in "[{":
                depth += 1
            elif token in "]}":
                depth = max(depth - 1, 0)


def _header_or_key(line: str) -> Optional[Tuple[str, Tuple[str, ...]]]:
    """("[" or "[[", parts) for a table header, ("key", parts) for `key = …`, else None."""
    position = _skip_space(line)
    if line.startswith("[", position):
        kind = "[[" if line.startswith("[[", position) else "["
        parsed = _key(line, position + len(kind))
        if parsed is None:
            return None
        parts, position = parsed
        close = "]]" if kind == "[[" else "]"
        rest = line[position + len(close) :].strip() if line.startswith(close, position) else "x"
        return (kind, parts) if not rest or rest.startswith("#") else None
    parsed = _key(line, position)
    if parsed is None or not line.startswith("=", parsed[1]):
        return None
    return "key", parsed[0]


def _key(line: str, position: int) -> Optional[Tuple[Tuple[str, ...], int]]:
    """The dotted key at `position`: (its parts, the position after it and its blanks)."""
    parts: list = []
    while len(parts) < MAX_KEY_PARTS:
        position = _skip_space(line, position)
        for pattern in (_BARE, _BASIC_KEY, _LITERAL_KEY):
            found = pattern.match(line, position)
            if found:
                part = found.group(found.lastindex or 0)
                parts.append(_ESCAPE.sub(_unescape, part) if pattern is _BASIC_KEY and "\\" in part else part)
                position = _skip_space(line, found.end())
                break
        else:
            return None
        if not line.startswith(".", position):
            return tuple(parts), position
        position += 1
    return None
