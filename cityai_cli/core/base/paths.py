"""Where the knowledge base is: the bundled one, `--data`, or `CITYAI_DATA` (a file or a directory).

Kept apart from core/base/load.py, which imports tomllib, so that a warm run (served from the compiled
cache, store.py) can find its base without importing a TOML parser.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, List, Optional, Tuple

from ..errors import DataError, Problem

ENV_VAR = "CITYAI_DATA"
WITH_VAR = "CITYAI_WITH"  # bases added over the chosen one, separated like PATH
MAX_BYTES = 4 * 1024 * 1024  # per file; the bundled base is ~100 KB; 4 MiB leaves room to grow 40-fold
PACKAGE_DIR = Path(__file__).resolve().parents[2]  # this file is cityai_cli/core/base/paths.py


def bundled_path(*parts: str) -> Path:
    """A bundled file: inside the installed package, or at the root of a source checkout."""
    installed = PACKAGE_DIR.joinpath(*parts)
    return installed if installed.exists() else PACKAGE_DIR.parent.joinpath(*parts)


def default_data_path(explicit: Optional[str] = None) -> Path:
    chosen = explicit or os.environ.get(ENV_VAR)
    return Path(chosen) if chosen else bundled_path("data", "cities.toml")


def data_files(path: Path) -> List[Path]:
    """The knowledge-base files of `path`: itself, or a directory's *.toml entries in sorted order
    (not recursive: seeds/ and anything else below it are not part of the base).

    Every *.toml entry is part of the base, whatever it is: one that is not a regular file after
    following links (a directory, a device, a link loop or a dangling link) is reported by the
    read, as it would be given alone as --data, never skipped without a word. Hidden entries
    (".#x.toml", an editor's lock while a file is edited; "._x.toml", macOS metadata on a copied
    drive) are not part of the base. A directory that cannot be listed is a DataError."""
    if path.is_dir():
        try:
            entries = list(path.iterdir())
        except OSError as error:
            raise DataError([Problem(str(path), f"cannot list: {error.strerror or error}")]) from None
        return sorted(p for p in entries if p.suffix == ".toml" and not p.name.startswith("."))
    return [path]


def seed_folders(root: Path) -> List[Path]:
    """Where the documents of a base (`--data` or a `--with` layer: a file or a directory) are:
    its own seeds/ (a directory base), then seeds/ beside it and one level up (a checkout's
    data/cities.toml and seeds/; `..` also for a relative path). The bundled seeds come after
    every base's own."""
    own = [root / "seeds"] if root.is_dir() else []
    return own + [root.parent / "seeds", Path(os.path.normpath(root.parent / ".." / "seeds"))]


# Characters that may make a name more than a bare file name (a folder, a root, a drive): such
# names take pathlib's reading below.
_SPECIAL = frozenset("/\\\0:")


def plain_seed_name(filename: str) -> bool:
    """A source's file is named inside its seeds folder: no absolute path, no `..`."""
    if filename and ".." not in filename and not _SPECIAL.intersection(filename):
        return True  # a bare name ("报告.txt"): what the checks below pass, without a Path (~3 µs)
    relative = Path(filename)
    return not (
        not filename
        or relative.is_absolute()
        or relative.anchor
        or ".." in relative.parts
        or "\\" in filename
        or "\0" in filename
    )


def seed_folder(filename: str, roots: Tuple[Path, ...], origin: str = "") -> Optional[Tuple[Path, Path]]:
    """(folder, path) of a source's document: the first of the seeds of the base or layer that
    declares the source (`origin`), then the bundled seeds, where the name exists (as anything:
    what it is, a link, outside, not a file, is for the reader to judge)."""
    return _holding(filename, _document_folders(roots, origin)) if plain_seed_name(filename) else None


def _holding(filename: str, folders: List[Path]) -> Optional[Tuple[Path, Path]]:
    names = names_on_disk(filename)
    for folder in folders:
        for name in names:
            if os.path.lexists(folder / name):
                return folder, folder / name
    return None


def _holding_path(filename: str, folders: List[Path]) -> Optional[Tuple[Path, str, Any]]:
    """`_holding` for seed_signatures, the path as text: joined as text, not as Paths (a warm run
    checks every document; at 300 documents pathlib was a third of the check). Cold and warm
    runs both sign with it, so their signatures compare. Its status comes with it: os.stat's
    result, or the OSError of a name that exists only as a dangling link (`lexists`), so that a
    document found is asked once, not twice."""
    names = names_on_disk(filename)
    for folder in folders:
        for name in names:
            path = os.path.join(folder, name)
            try:
                return folder, path, os.stat(path)
            except OSError as error:
                if os.path.lexists(path):
                    return folder, path, error
            except ValueError:  # a name the file system's encoding cannot hold (LC_ALL=C): not here
                continue
    return None


def names_on_disk(filename: str) -> List[str]:
    """The names a document's file may have on disk: as the file system encoding gives it, then
    the name's UTF-8 bytes (how seeds are written). They differ under an ASCII locale (LC_ALL=C
    without UTF-8 mode), where "报告.txt" cannot be encoded at all and was never found."""
    utf8 = os.fsdecode(filename.encode("utf-8", "surrogateescape"))
    return [filename] if utf8 == filename else [filename, utf8]


def _document_folders(roots: Tuple[Path, ...], origin: str) -> List[Path]:
    return _documents_of(declaring_root(roots, origin) if origin else roots[0])


def _documents_of(root: Path) -> List[Path]:
    """Where the documents of a base or layer declared at `root` are looked for, in order."""
    return [*seed_folders(root), bundled_path("seeds")]


def seed_signatures(sources: List[Tuple[str, str]], roots: Tuple[Path, ...]) -> List[list]:
    """What a compiled base's check of its sources' documents depended on, per (file name,
    origin): which path each document is read from (seed_folder) and that file's status (size,
    modification and change times, inode, following links). A warm run compares them (store.py):
    a document edited, replaced, repointed or shadowed by one found earlier changes them, and the
    base is loaded and checked again. The folders are worked out once per declaring file."""
    folders: dict = {}  # origin -> where its documents are; the same list for one declaring root
    by_root: dict = {}
    signatures: List[list] = []
    for filename, origin in sources:
        found = None
        if plain_seed_name(filename):
            if origin not in folders:
                root = declaring_root(roots, origin) if origin else roots[0]
                if root not in by_root:
                    by_root[root] = _documents_of(root)
                folders[origin] = by_root[root]
            found = _holding_path(filename, folders[origin])
        if found is None:
            signatures.append([filename, origin, None])
            continue
        _, candidate, status = found
        if isinstance(status, OSError):
            signatures.append([filename, origin, candidate, status.errno])
            continue
        signatures.append(
            [filename, origin, candidate, status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
        )
    return signatures


def declaring_root(roots: Tuple[Path, ...], origin: str) -> Path:
    """Which of `roots` (the base, then its layers) holds the knowledge-base file `origin` (an
    absolute path, as a source records where it is declared); the base when none does."""
    for root in reversed(roots):
        whole = os.path.abspath(root)
        if origin == whole or (os.path.dirname(origin) == whole and os.path.isdir(root)):
            return root
    return roots[0]


def layer_paths(given: Optional[List[Path]] = None) -> List[Path]:
    """The bases added with --with, else those in CITYAI_WITH (separated by os.pathsep)."""
    if given:
        return list(given)
    return [Path(part) for part in os.environ.get(WITH_VAR, "").split(os.pathsep) if part.strip()]
