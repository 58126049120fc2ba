"""The compiled cache's key: SHA-256 over every knowledge-base file's path and digest, the schema
version, the cache format, cityai's version and the code that compiles a base.

Hashing every byte on each warm run costs ~1 ms per MB (a 28 MiB base: ~25 ms of every command),
so each file's digest is remembered in a small JSON file beside the cache, with the file's
status (size, modification and change times, inode), and reused while that status is unchanged:
the rule git uses for its index. A file modified within RACY_NS before it was hashed could be
modified again within the same timestamp tick without its status changing ("racily clean"), so
its digest is reused only once it has been hashed when it was older than that. A missing,
damaged or foreign memo only means hashing again.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import cityai_cli

from .. import records
from ..base.paths import MAX_BYTES
from ..files import ReadError, WriteError, check_regular, safe_read, write_atomically
from ..packed import join_fields, split_fields

RACY_NS = 2_000_000_000  # the coarsest common timestamp tick (FAT: 2 s)
_MEMO_VERSION = 2  # 2: packed.join_fields (1: JSON)
_MEMO = "cityai digests"  # the memo's first line: what it is, and its version
_MEMO_LIMIT = 64 << 20  # ~200,000 files

# The modules whose code decides what a compiled base holds. Their size and modification time
# join the key, so that an edited checkout (an editable install) never reads a cache written by
# other code; an installed release changes only with its version.
_COMPILERS = (
    "core/slots.py",
    "core/records.py",
    "core/packed.py",
    "core/text.py",
    "core/name_index.py",
    "core/files.py",
    "core/base/paths.py",
    "core/facts.py",
    "core/cache/fingerprint.py",
    "core/cache/store.py",
    "core/cache/compiled.py",
    "core/cache/reader.py",
    "core/base/load.py",
    "core/base/reading.py",
    "core/base/schema.py",
    "core/base/layers.py",
    "core/base/lint.py",
    "core/figures/quantity.py",
    "core/figures/rules.py",
    "core/figures/dates.py",
)


def cache_key(files: List[Path], cache_format: str, memo: Optional[Path] = None, layout: str = "") -> str:
    """The key of a base made of `files` (`layout`: how they split into layers). Each file joins
    it by the path given (a source's `origin` shows it), the path resolved and its digest. With
    `memo`, digests of unchanged files are read from it and the memo is brought up to date (any
    failure to write it is ignored).

    Raises OSError for a file that is missing, not a regular file or too big, so that it is never
    read here: the full load reports it."""
    if not files:
        raise OSError("no knowledge-base file")
    remembered = _read_memo(memo) if memo is not None else {}
    hashed_at = time.time_ns()
    current: Dict[str, list] = {}
    digest = sha256(0)
    for part in (
        f"schema={records.SCHEMA_VERSION}",  # read at each call, as a new release would change them
        f"format={cache_format}",
        f"cityai={cityai_cli.__version__}",
        _code_stamp(),
        f"layout={layout}",
    ):
        digest.update(part.encode() + b"\0")
    for path in files:
        status = os.stat(path)  # first: a missing file or a link loop is an OSError, not resolve()'s RuntimeError
        name = str(path.resolve())
        entry = _entry(path, status, remembered.get(name), hashed_at)
        current[name] = entry
        given = os.path.abspath(path)
        digest.update(f"{given}\0{name}\0{entry[-1]}\0".encode("utf-8", "surrogateescape"))
    if memo is not None and current != remembered:
        _write_memo(memo, current)
    return digest.hexdigest()


def _entry(path: Path, status: os.stat_result, known: Optional[list], hashed_at: int) -> list:
    """[size, mtime_ns, ctime_ns, inode, hashed_at_ns, sha256]: `known` when the file's status is
    unchanged and it was not racily clean when hashed, else the file hashed now. `hashed_at` is
    taken before the file's status, so a change after it always falls within RACY_NS."""

    try:
        check_regular(status, _size_limit(), "a knowledge base")
    except ReadError as error:
        raise OSError(str(error)) from None
    signature = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
    if known is not None and known[:4] == signature and known[4] - signature[1] > RACY_NS:
        # Still opened: a file that cannot be read now is reported by the full load, as on a cold run.
        os.close(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)))
        return known
    try:  # regular files within the limit only: a device or a FIFO is left to the full load to refuse
        data = safe_read(path, _size_limit())
    except ReadError as error:
        raise OSError(str(error)) from None
    return [*signature, hashed_at, sha256(len(data), data).hexdigest()]


def _read_memo(memo: Path) -> Dict[str, list]:

    try:  # a regular file only (a FIFO put there would block a plain open), and a small one
        rows = split_fields(safe_read(memo, _MEMO_LIMIT, "a digest memo").decode())
        if not rows or rows[0] != [_MEMO, _MEMO_VERSION]:
            return {}
        return {
            row[0]: row[1:]
            for row in rows[1:]
            if len(row) == 7
            and isinstance(row[0], str)
            and all(isinstance(number, int) for number in row[1:6])
            and isinstance(row[6], str)
        }
    except (ReadError, ValueError):
        return {}


def _write_memo(memo: Path, entries: Dict[str, list]) -> None:

    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        rows = [[_MEMO, _MEMO_VERSION], *([name, *entry] for name, entry in entries.items())]
        data = join_fields(rows).encode()
        if len(data) <= _MEMO_LIMIT:  # one that could not be read back would be rewritten on every run
            write_atomically(memo, data, 0o600)
    except (OSError, WriteError):
        pass


def _size_limit() -> int:
    """reading.MAX_BYTES (tests lower it) when reading is loaded, else the same constant from paths."""
    return getattr(sys.modules.get("cityai_cli.core.base.reading"), "MAX_BYTES", MAX_BYTES)


def _code_stamp() -> str:
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))  # cityai_cli/
    parts = []
    for name in _COMPILERS:  # os.stat on text: pathlib's objects cost each stat as much again
        try:
            status = os.stat(os.path.join(here, name))
            parts.append(f"{name}:{status.st_size}:{status.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:-")
    return "code=" + ";".join(parts)


def sha256(size: int, data: bytes = b""):
    """A SHA-256 object (fed `data`). For less than 1 MB, the interpreter's built-in implementation
    (loads in ~0.3 ms); hashlib's OpenSSL one costs ~2.5 ms to import (libcrypto) but hashes 5x
    faster, so it is used from 1 MB on. The digest is the same."""
    if size < 1 << 20:
        builtin = _builtin_sha256()
        if builtin is not None:
            return builtin(data)
    # lazy: hashlib's OpenSSL costs ~2.5 ms to import, used only from 1 MB on
    import hashlib

    return hashlib.sha256(data)


_BUILTIN: list = []  # [the built-in constructor, or None]: looked up once per process


def _builtin_sha256():
    """The interpreter's own SHA-256 constructor, or None. Looked up once: a failing import is
    not remembered by Python (on 3.11, `from _sha2 import` failed again for every file hashed)."""
    if not _BUILTIN:
        # lazy: the name of the built-in module differs by Python version (only the one this
        # Python has is tried: a failed import searches every folder of sys.path)
        try:
            if sys.version_info >= (3, 12):
                from _sha2 import sha256 as builtin  # type: ignore[import-not-found,unused-ignore]  # lazy
            else:
                from _sha256 import sha256 as builtin  # type: ignore[no-redef,import-not-found,unused-ignore]  # lazy
        except ImportError:
            builtin = None  # type: ignore[assignment]
        _BUILTIN.append(builtin)
    return _BUILTIN[0]
