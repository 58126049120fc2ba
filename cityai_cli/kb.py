"""Load a knowledge base: find it, read it safely, parse the TOML, validate the schema.

Every failure becomes a `Problem` with the file, the line (and column, where TOML gives one)
and the field path, e.g. `data/cities.toml:212: places.深圳.figures[3].value: cannot parse …`.
The loader refuses files above `MAX_BYTES` before reading them, so a hostile `--data` cannot
exhaust memory, and treats RecursionError from absurd nesting as a data error.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from .errors import DataError, Problem
from .paths import ENV_VAR, MAX_BYTES, PACKAGE_DIR, bundled_path, data_files, default_data_path  # noqa: F401 - re-exported

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python < 3.11
    import tomli as tomllib


@dataclass
class Loaded:
    """A validated knowledge base with what is needed to point back into its file."""

    kb: "KnowledgeBase"  # noqa: F821 - imported lazily
    path: Path
    lines: "LineMap"
    base: "Base" = field(default=None, repr=False)  # type: ignore[assignment]  # noqa: F821 - the compiled form
    problems: List[Problem] = field(default_factory=list, repr=False)  # with keep_going

    @property
    def display_path(self) -> str:
        return display(self.path)

    def file_of(self, location: Tuple) -> str:
        """The file that defines a location (a directory base has many)."""
        return self.lines.file_of(location) if hasattr(self.lines, "file_of") else self.display_path

    def seed_path(self, filename: str) -> Optional[Path]:
        """Where a source's file is: beside the base (seeds/ or ../seeds/; in a directory base, its
        seeds/), else the bundled seeds."""
        inside = [self.path / "seeds"] if self.path.is_dir() else []
        for folder in (*inside, self.path.parent / "seeds", self.path.parent.parent / "seeds", bundled_path("seeds")):
            candidate = folder / filename
            if candidate.is_file():
                return candidate
        return None


def display(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when inside it."""
    cwd = Path.cwd().resolve()
    try:
        return str(path.resolve().relative_to(cwd)) if cwd != Path(cwd.anchor) else str(path)
    except ValueError:
        return str(path)


def read_text(path: Path) -> str:
    """Read a UTF-8 file, turning every way it can fail into one clear Problem."""
    name = str(path)
    try:
        if path.is_dir():
            raise DataError([Problem(name, "is a directory, not a knowledge-base file")])
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DataError([Problem(name, f"is {size:,} bytes; a knowledge base may be at most {MAX_BYTES:,} bytes")])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem(name, "no such file")]) from None
    except PermissionError:
        raise DataError([Problem(name, "permission denied")]) from None
    except OSError as error:
        raise DataError([Problem(name, f"cannot read: {error.strerror or error}")]) from None
    if not raw.strip():
        raise DataError([Problem(name, "is empty; expected a TOML knowledge base")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(raw, error.start)
        raise DataError([Problem(name, f"is not UTF-8 (byte 0x{raw[error.start]:02x})", line, column)]) from None


def _position(text, offset: int) -> tuple:
    """(line, column), both from 1, of an offset into text or bytes."""
    newline = "\n" if isinstance(text, str) else b"\n"
    return text.count(newline, 0, offset) + 1, offset - (text.rfind(newline, 0, offset) + 1) + 1


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


# tomllib's time and memory grow with the square of the length of a dotted key that starts a
# line (`a.a.a… = 1`): a 200 KB key exhausts gigabytes. No real key has more than a few parts.
MAX_KEY_PARTS = 100
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\n]*')"""
_LONG_KEY = re.compile(rf"^[ \t]*(?:{_KEY_PART}[ \t]*\.[ \t]*){{{MAX_KEY_PARTS}}}{_KEY_PART}", re.MULTILINE)

_MAX_DIGITS = 4300
_LONG_NUMBER = re.compile(rf"[0-9](?:_?[0-9]){{{_MAX_DIGITS},}}")


def parse_toml(text: str, name: str) -> dict:
    long_key = _LONG_KEY.search(text)
    if long_key:
        line, _ = _position(text, long_key.start())
        raise DataError([Problem(name, f"invalid TOML: a dotted key of more than {MAX_KEY_PARTS} parts", line)])
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


def load(path: Path, keep_going: bool = False) -> Loaded:
    """Read, parse, validate and compile; raise DataError listing every problem found.

    With `keep_going` (validate), entries that fail the schema are reported and left out and the
    rest is still checked, so that one run shows every problem of every stage; the problems are
    returned in `loaded.problems` instead of raised.
    """
    from . import lint  # deferred: pydantic is imported only when a base is actually loaded

    name = display(path)
    merging: List[Problem] = []
    if path.is_dir():   # many files, one base (multi.py)
        from .multi import read_directory
        data, lines, origins, merging = read_directory(path, name)
        if merging and not keep_going:
            raise DataError(merging)
    else:
        text = read_text(path)
        data = parse_toml(text, name)
        lines, origins = LineMap(text), {}
    kb, problems = _validate(data, name, lines, keep_going)
    loaded = Loaded(kb, path, lines)
    problems = merging + problems + lint.check_structure(loaded)
    if problems and not keep_going:
        raise DataError(problems)
    loaded.problems = problems
    from .facts import compile_base
    loaded.base = compile_base(kb, {key: origins.get(key, name) for key in kb.sources})
    return loaded


_TABLES = ("places", "sources", "metrics", "subsidy_types")


def _validate(data: dict, name: str, lines: "LineMap", keep_going: bool) -> tuple:
    """(KnowledgeBase, problems). With keep_going, a second pass leaves out the failing entries."""
    from .models import KnowledgeBase
    problems: List[Problem] = []
    for attempt in range(2):
        try:
            return KnowledgeBase.model_validate(data), problems
        except RecursionError:
            raise DataError([Problem(name, "nested too deeply to validate")]) from None
        except Exception as error:  # pydantic.ValidationError, imported lazily
            if not hasattr(error, "errors"):
                raise
            items = error.errors()
        problems += [_problem_from_pydantic(name, lines, item) for item in items]
        failing = {tuple(item["loc"][:2]) for item in items}
        if not keep_going or attempt or any(len(loc) < 2 or loc[0] not in _TABLES for loc in failing):
            raise DataError(problems)
        data = {key: ({k: v for k, v in value.items() if (key, k) not in failing} if key in _TABLES and isinstance(value, dict)
                      else value) for key, value in data.items()}
    raise DataError(problems)  # pragma: no cover - the loop returns or raises


def format_path(location: Tuple) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_SCALAR = (str, int, float, bool)


def _problem_from_pydantic(name: str, lines: "LineMap", item: dict) -> Problem:
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


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY_PART = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)\s*')


class LineMap:
    """Maps a field path back to the line of the TOML file that defines it (best effort)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers: Dict[Tuple, int] = {}
        counts: Dict[Tuple, int] = {}
        for number, line in enumerate(self.lines, start=1):
            match = _HEADER.match(line)
            key = _split_key(match.group(2)) if match else None
            if not key:
                continue
            if match.group(1) == "[[":
                index = counts.get(key, 0)
                counts[key] = index + 1
                key = key + (index,)
            self.headers.setdefault(key, number)

    def line_of(self, location: Tuple) -> Optional[int]:
        for cut in range(len(location), 0, -1):
            start = self.headers.get(tuple(location[:cut]))
            if start is None:
                continue
            rest = [part for part in location[cut:] if isinstance(part, str)]
            return self._find_key(start, rest[0]) if rest else start
        return None

    def _find_key(self, start: int, key: str) -> int:
        pattern = re.compile(rf'^\s*(?:{re.escape(key)}|"{re.escape(key)}")\s*=')
        for number in range(start + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if _HEADER.match(line):
                break
            if pattern.match(line):
                return number
        return start


def _split_key(text: str) -> Optional[Tuple[str, ...]]:
    parts, position = [], 0
    while position < len(text):
        match = _KEY_PART.match(text, position)
        if not match:
            return None
        token = match.group(1)
        parts.append(token[1:-1] if token[0] in "\"'" else token)
        position = match.end()
        if position < len(text):
            if text[position] != ".":
                return None
            position += 1
    return tuple(parts)
