"""Load a knowledge base: read it (reading.py), validate the schema, check it (lint.py) and
compile it (facts.compile_base).

Every failure becomes a `Problem` with the file, the line (and column, where TOML gives one)
and the field path, e.g. `data/cities.toml:212: places.深圳.figures[3].value: cannot parse …`.
The loader refuses files above `MAX_BYTES` before reading them, so a hostile `--data` cannot
exhaust memory, and treats RecursionError from absurd nesting as a data error.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Optional, Tuple

from ..errors import DataError, Problem
from ..facts import compile_base
from .layers import read_directory, read_files
from .paths import data_files
from .reading import LineMap, Lines, Loaded, _problem_from_pydantic, check_characters, display, parse_toml, read_text

if TYPE_CHECKING:
    from .schema import KnowledgeBase


def load(path: Path, keep_going: bool = False, layers: Tuple[Path, ...] = ()) -> Loaded:
    """Read, parse, validate and compile; raise DataError listing every problem found.

    With `keep_going` (validate), entries that fail the schema are reported and left out and the
    rest is still checked, so that one run shows every problem of every stage; the problems are
    returned in `loaded.problems` instead of raised. `layers` (`--with`) are added to the base.
    """
    # lazy: pydantic only on a cold run
    from . import lint  # deferred: pydantic is imported only when a base is actually loaded

    name = display(path)
    data, lines, origins, merging = _read(path, name, keep_going, layers)
    kb = _validate_freeing(data)
    if kb is None:  # a problem: validated again, whole, from the files, for the same messages
        data, lines, origins, merging = _read(path, name, keep_going, layers)
        kb, problems = _validate(data, name, lines, keep_going)
    else:
        problems = []
    del data
    loaded = Loaded(kb, path, lines, layers=tuple(layers))
    problems = merging + problems + lint.check_structure(loaded)
    if problems and not keep_going:
        raise DataError(problems)
    loaded.problems = problems

    # where each source is declared, as an absolute path: the compiled base must not depend on the
    # directory cityai was run from (it is cached and read from anywhere)
    loaded.base = compile_base(kb, {key: os.path.abspath(origins.get(key, path)) for key in kb.sources})
    return loaded


def _read(path: Path, name: str, keep_going: bool, layers: Tuple[Path, ...]) -> tuple:
    """(parsed data, line lookup, source key -> file, problems of the merge) of a base: a file, a
    directory of files, or either with layers (core/base/layers.py)."""
    merging: List[Problem] = []
    lines: Lines
    origins: Dict[str, str]
    if layers:  # the base and the user's own bases over it (core/base/layers.py)
        files = [(file, 0) for file in _layer_files(path)] + [
            (file, number) for number, layer in enumerate(layers, start=1) for file in _layer_files(layer)
        ]
        data, lines, origins, merging = read_files(files, name)
        if merging and not keep_going:
            raise DataError(merging)
    elif path.is_dir():  # many files, one base (core/base/layers.py)
        # each place validated as its file is read: one file's parsed text held at a time
        data, lines, origins, merging = read_directory(path, name, import_models().Place.model_validate)
        if merging and not keep_going:
            raise DataError(merging)
    else:
        text = read_text(path)
        data = parse_toml(text, name)
        lines, origins = LineMap(text), {}
        problems = check_characters(data, name, lines, text)
        if problems:
            raise DataError(problems)
    return data, lines, origins, merging


def _validate_freeing(data: dict) -> Optional[KnowledgeBase]:
    """The base validated place by place, each place's parsed text let go once validated, so that
    the parsed tree and the models are never both held whole (a place validated as its file was
    read is taken as it is). None at the first problem (the tree is then incomplete: the caller
    reads it again)."""
    models = import_models()
    places = data.get("places", {})
    if not isinstance(places, dict):
        return None
    try:
        head = models.KnowledgeBase.model_validate({key: value for key, value in data.items() if key != "places"})
        validated = {}
        while places:
            key = next(iter(places))
            validated[key] = models.Place.model_validate(places.pop(key))
    except Exception:  # pydantic.ValidationError (imported lazily), RecursionError
        return None
    return head.model_copy(update={"places": validated})


def _layer_files(layer: Path) -> List[Path]:
    files = data_files(layer)
    if not files:
        raise DataError([Problem(display(layer), "is a directory without *.toml knowledge-base files")])
    return files


_TABLES = ("places", "sources", "metrics", "subsidy_types")
_ENTRIES = ("facts", "policies", "programmes")


def _without(data: dict, failing: List[tuple]) -> dict:
    """The parsed base less what failed the schema: the one fact, policy or programme where the
    problem is inside one (so the place and what refers to it stay), else the whole entry."""

    data = copy.deepcopy(data)
    items: Dict[tuple, set] = {}
    for loc in failing:
        table, key = loc[0], loc[1]
        entry = data.get(table, {}).get(key) if isinstance(data.get(table), dict) else None
        if (
            table == "places"
            and len(loc) >= 4
            and loc[2] in _ENTRIES
            and isinstance(loc[3], int)
            and isinstance(entry, dict)
            and isinstance(entry.get(loc[2]), list)
        ):
            items.setdefault((key, loc[2]), set()).add(loc[3])
        elif isinstance(data.get(table), dict):
            data[table].pop(key, None)
    for (key, kind), indexes in items.items():
        if key in data["places"]:
            data["places"][key][kind] = [e for i, e in enumerate(data["places"][key][kind]) if i not in indexes]
    return data


def import_models():
    """The pydantic schema module, imported from a working directory that exists.

    CPython 3.13.0 cannot import pydantic_core's compiled extension while the working directory
    is deleted (SystemError). Then the import is made from the root, and the process returns to
    its deleted directory through a descriptor, so relative paths still mean what they meant."""
    try:
        os.getcwd()
    except FileNotFoundError:
        here = os.open(".", os.O_RDONLY)
        try:
            os.chdir("/")
            # lazy: pydantic only on a cold run
            from . import schema as models
        finally:
            os.fchdir(here)
            os.close(here)
        return models
    # lazy: pydantic only on a cold run
    from . import schema as models

    return models


def _validate(data: dict, name: str, lines: "Lines", keep_going: bool) -> tuple:
    """(KnowledgeBase, problems). With keep_going, a second pass leaves out the failing entries."""
    KnowledgeBase = import_models().KnowledgeBase
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
        if not keep_going or attempt or any(len(item["loc"]) < 2 or item["loc"][0] not in _TABLES for item in items):
            raise DataError(problems)
        data = _without(data, [tuple(item["loc"]) for item in items])
    raise DataError(problems)  # pragma: no cover - the loop returns or raises
