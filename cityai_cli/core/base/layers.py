"""A knowledge base split over a directory of TOML files, loaded as one (files in sorted order).

Each file is read and parsed on its own (the size limit applies per file) and keeps its own
line map, so every problem names the file and line it is in. The four keyed tables (places,
sources, metrics, subsidy_types) are merged; a key defined in two files is an error naming both.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..errors import DataError, Problem
from .paths import data_files
from .reading import LineMap, check_characters, display, parse_toml, read_text

TABLES = ("places", "sources", "metrics", "subsidy_types")


ENTRIES = ("facts", "policies", "programmes")


class FileLines:
    """Line lookup over many files. A location's first two parts (table, key) name its file; the
    facts, policies and programmes a layer adds to a place are mapped to the layer's own file and
    its own index there."""

    def __init__(self, default: str):
        self.default = default
        self.maps: List[Tuple[str, object]] = []  # (display name, kb.LineMap)
        self.owner: Dict[Tuple[str, ...], int] = {}  # (table, key) -> index into maps
        self.items: Dict[Tuple[str, str], List[Tuple[int, int]]] = {}  # (place, kind) -> [(first index, map)]

    def _local(self, location: tuple) -> Tuple[Optional[int], tuple]:
        if len(location) >= 4 and location[0] == "places" and location[2] in ENTRIES and isinstance(location[3], int):
            ranges = self.items.get((location[1], location[2]), [])
            for first, index in reversed(ranges):
                if location[3] >= first:
                    return index, location[:3] + (location[3] - first,) + tuple(location[4:])
        return self.owner.get(tuple(location[:2])), location

    def line_of(self, location: tuple) -> Optional[int]:
        index, local = self._local(location)
        return self.maps[index][1].line_of(local) if index is not None else None  # type: ignore[attr-defined]

    def file_of(self, location: tuple) -> str:
        index, _ = self._local(location)
        return self.maps[index][0] if index is not None else self.default


def read_directory(
    path: Path, name: str, early: Optional[Callable[[dict], Any]] = None
) -> Tuple[dict, FileLines, Dict[str, str], List[Problem]]:
    """(merged data, line lookup, source key -> file, problems of the merge); `early` as read_files."""

    files = data_files(path)
    if not files:
        raise DataError([Problem(name, "is a directory without *.toml knowledge-base files")])
    return read_files([(file, 0) for file in files], name, early)


def read_files(
    files: List[Tuple[Path, int]], name: str, early: Optional[Callable[[dict], Any]] = None
) -> Tuple[dict, FileLines, Dict[str, str], List[Problem]]:
    """Files as one base. Each file comes with its layer: 0 is the base (`--data`, a file or a
    directory), 1, 2 … the bases added with `--with`. A layer may add facts, policies and
    programmes to a place an earlier layer defines; any other key defined twice is an error
    naming both files.

    `early` (one layer only: no later file can extend a place) validates each place as its file
    is read, so that a file's parsed text is let go before the next is read; a place that fails
    stays as read, to be validated (and reported) with the whole base."""
    merge = _Merge(name, early)
    failed: List[Problem] = []
    given: Dict[Tuple[int, int], str] = {}  # (device, inode) -> the file as first shown
    for file, layer in files:
        shown = display(file)
        first = _same_file(file, shown, given)
        if first is not None:
            # one line, not one "also defined in" per key of a file read twice
            what = "is given twice" if first == shown else f"is the same file as {first}"
            failed.append(Problem(shown, f"{what}; give each file once"))
            continue
        try:
            data, line_map = _read_one(file, shown)
        except DataError as error:
            failed += error.problems  # go on: report every file that cannot be read at once
            continue
        merge.add(file, layer, shown, data, line_map)
    if failed:
        raise DataError(failed)
    return merge.merged, merge.lines, merge.origins, merge.problems


def _read_one(file: Path, shown: str) -> Tuple[dict, LineMap]:
    text = read_text(file)
    data = parse_toml(text, shown)
    line_map = LineMap(text)  # indexed only if a problem needs a line number
    unsafe = check_characters(data, shown, line_map, text)
    if unsafe:
        raise DataError(unsafe)
    return data, line_map


class _Merge:
    """Files merged one at a time into one base, remembering which file and layer defined each key."""

    def __init__(self, name: str, early: Optional[Callable[[dict], Any]]):
        self.merged: dict = {}
        self.lines = FileLines(name)
        self.origins: Dict[str, str] = {}  # source key -> file
        self.layer_of: Dict[Tuple[str, str], int] = {}
        self.problems: List[Problem] = []
        self.early = early

    def add(self, file: Path, layer: int, shown: str, data: dict, line_map: LineMap) -> None:
        index = len(self.lines.maps)
        self.lines.maps.append((shown, line_map))
        for key, value in data.items():
            if key in TABLES and isinstance(value, dict):
                table = self.merged.setdefault(key, {})
                if isinstance(table, dict):
                    for entry, content in value.items():
                        self._add_entry(file, layer, shown, index, key, table, entry, content)
            elif key in self.merged and self.merged[key] != value and (layer == 0 or key == "schema_version"):
                # a layer's own title gives way to the base's; its format version may not (a layer
                # written as schema_version = 99, or "x", was read as the base's 2 without a word)
                self.problems.append(
                    Problem(
                        shown,
                        f"{key} = {value!r} differs from {self.merged[key]!r} in an earlier file",
                        None,
                        None,
                        key,
                    )
                )
            else:
                self.merged.setdefault(key, value)
                self.lines.owner.setdefault((key,), index)  # a stray top-level key: blame its own file

    def _add_entry(
        self, file: Path, layer: int, shown: str, index: int, key: str, table: dict, entry: str, content: Any
    ) -> None:
        if entry in table:
            self._add_again(layer, shown, index, key, table, entry, content)
            return
        table[entry] = content
        self.lines.owner[(key, entry)] = index
        self.layer_of[(key, entry)] = layer
        if key == "places" and isinstance(content, dict):
            for kind in ENTRIES:
                if isinstance(content.get(kind), list):
                    self.lines.items[(entry, kind)] = [(0, index)]
        if key == "sources":
            self.origins[entry] = str(file)
        if key == "places" and self.early is not None:
            with contextlib.suppress(Exception):  # pydantic.ValidationError, RecursionError
                table[entry] = self.early(content)

    def _add_again(self, layer: int, shown: str, index: int, key: str, table: dict, entry: str, content: Any) -> None:
        """A key an earlier file defined: a later layer may extend a place; anything else is an
        error naming both files."""
        if (
            key == "places"
            and layer > self.layer_of[(key, entry)]
            and isinstance(content, dict)
            and isinstance(table[entry], dict)
        ):
            self.problems += _extend_place(table[entry], content, entry, shown, index, self.lines)
            return
        first = self.lines.maps[self.lines.owner[(key, entry)]][0]
        self.problems.append(
            Problem(
                shown,
                f"also defined in {first}; define it in one file only",
                self.lines.maps[index][1].line_of((key, entry)),  # type: ignore[attr-defined]
                None,
                f"{key}.{entry}",
            )
        )


def _same_file(file: Path, shown: str, given: Dict[Tuple[int, int], str]) -> Optional[str]:
    """How an earlier argument named this same file (as --data and --with, twice with --with, or
    through a link), else None; records the file. A file that cannot be read is left to the read."""
    try:
        status = file.stat()
    except OSError:
        return None
    identity = (status.st_dev, status.st_ino)
    if identity in given:
        return given[identity]
    given[identity] = shown
    return None


def _extend_place(existing: dict, added: dict, name: str, shown: str, index: int, lines: FileLines) -> List[Problem]:
    """A layer's entry for a place the base has: its lists are appended; what it restates must agree."""
    problems = []
    for field, value in added.items():
        if field in ENTRIES and isinstance(value, list):
            current = existing.setdefault(field, [])
            if isinstance(current, list):
                lines.items.setdefault((name, field), [(0, lines.owner[("places", name)])]).append(
                    (len(current), index)
                )
                current.extend(value)
                continue
        if field in existing and existing[field] != value:
            problems.append(
                Problem(
                    shown,
                    f"{field} = {value!r} differs from {existing[field]!r}, as the base defines "
                    f"{name}; leave it out to keep it",
                    lines.maps[index][1].line_of(("places", name, field)),  # type: ignore[attr-defined]
                    None,
                    f"places.{name}.{field}",
                )
            )
        else:
            existing.setdefault(field, value)
    return problems
