"""A knowledge base split over a directory of TOML files, loaded as one (files in sorted order).

Each file is read and parsed on its own (the size limit applies per file) and keeps its own
line map, so every problem names the file and line it is in. The four keyed tables (places,
sources, metrics, subsidy_types) are merged; a key defined in two files is an error naming both.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Tuple

from .errors import DataError, Problem

TABLES = ("places", "sources", "metrics", "subsidy_types")


class FileLines:
    """Line lookup over many files: a location's first two parts (table, key) name its file."""

    def __init__(self, default: str):
        self.default = default
        self.maps: List[Tuple[str, object]] = []          # (display name, kb.LineMap)
        self.owner: Dict[Tuple[str, str], int] = {}       # (table, key) -> index into maps

    def _index(self, location: tuple) -> Optional[int]:
        return self.owner.get(tuple(location[:2])) if len(location) >= 2 else None

    def line_of(self, location: tuple) -> Optional[int]:
        index = self._index(location)
        return self.maps[index][1].line_of(location) if index is not None else None  # type: ignore[attr-defined]

    def file_of(self, location: tuple) -> str:
        index = self._index(location)
        return self.maps[index][0] if index is not None else self.default


def read_directory(path: Path, name: str) -> Tuple[dict, FileLines, Dict[str, str], List[Problem]]:
    """(merged data, line lookup, source key -> file, problems of the merge)."""
    from .kb import LineMap, check_characters, display, parse_toml, read_text
    from .paths import data_files
    files = data_files(path)
    if not files:
        raise DataError([Problem(name, "is a directory without *.toml knowledge-base files")])
    merged: dict = {}
    lines = FileLines(name)
    origins: Dict[str, str] = {}
    problems: List[Problem] = []
    failed: List[Problem] = []
    for file in files:
        shown = display(file)
        try:
            text = read_text(file)
            data = parse_toml(text, shown)
            unsafe = check_characters(data, shown, LineMap(text))
            if unsafe:
                raise DataError(unsafe)
        except DataError as error:
            failed += error.problems      # go on: report every file that cannot be read at once
            continue
        index = len(lines.maps)
        lines.maps.append((shown, LineMap(text)))
        for key, value in data.items():
            if key in TABLES and isinstance(value, dict):
                table = merged.setdefault(key, {})
                if not isinstance(table, dict):
                    continue
                for entry, content in value.items():
                    if entry in table:
                        first = lines.maps[lines.owner[(key, entry)]][0]
                        problems.append(Problem(shown, f"also defined in {first}; define it in one file only",
                                                lines.maps[index][1].line_of((key, entry)), None, f"{key}.{entry}"))
                        continue
                    table[entry] = content
                    lines.owner[(key, entry)] = index
                    if key == "sources":
                        origins[entry] = str(file)
            elif key in merged and merged[key] != value:
                problems.append(Problem(shown, f"{key} = {value!r} differs from {merged[key]!r} in an earlier file",
                                        None, None, key))
            else:
                merged.setdefault(key, value)
    if failed:
        raise DataError(failed)
    return merged, lines, origins, problems
