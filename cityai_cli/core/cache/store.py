"""The warm-run cache: where the compiled knowledge base (compiled.py) is kept, when it is
written, and when it is trusted; and `cityai export --sqlite`.

A base is validated once and compiled to SQLite, so that a warm run reads one file with sqlite3
only. The cache decides what cityai prints, so a cache that is stale, damaged or writable by
others is never trusted: it is rebuilt, or nothing is cached. The rules (key, file name, atomic
writes, the build lock, trust): docs/design.md, "The compiled cache (core/cache/store.py)".
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from ... import __version__
from .. import records
from ..base.paths import data_files, seed_signatures
from ..errors import DataError, Problem, bounded
from ..facts import AbstractBase, Base
from ..files import (
    ReadError,
    WriteError,
    existing_regular,
    locked,
    private_directory,
    remove_stale,
    safe_read,
    write_atomically,
)
from ..packed import join_fields, split_fields
from ..text import one_line
from .compiled import FORMAT, write
from .fingerprint import RACY_NS, cache_key, sha256
from .reader import UNREADABLE, CachedBase

CACHE_ENV = "CITYAI_CACHE_DIR"
MAX_SEED_BYTES = 4 * 1024 * 1024  # reading.MAX_SEED_BYTES (reading imports a TOML parser, which a warm run does not)

# ---- the cache location ----------------------------------------------------------------------


def cache_dir() -> Path:
    """The cache directory chosen (CITYAI_CACHE_DIR, else the user's cache directory); whether it
    is used is for `usable_cache_dir` to say."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    return Path(_xdg_cache_dir() or _platform_cache_dir())


def _xdg_cache_dir() -> Optional[str]:
    """platformdirs' user cache directory on Linux, read as it reads it ($XDG_CACHE_HOME when
    absolute, else ~/.cache with an absolute $HOME), without importing it: platformdirs imports
    tempfile and random, ~2 ms of every warm run. None for anything else (another system,
    Android, a relative or missing home), which platformdirs itself answers."""
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel"):
        return None
    if os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT") == "/system":
        return None  # platformdirs looks for an Android app
    configured, home = os.environ.get("XDG_CACHE_HOME", ""), os.environ.get("HOME", "")
    if configured.startswith("/"):
        return os.path.join(configured, "cityai")
    if not configured and home.startswith("/"):
        return os.path.join(os.path.expanduser("~/.cache"), "cityai")
    return None


def _platform_cache_dir() -> str:
    # lazy: see _xdg_cache_dir
    from platformdirs import user_cache_dir

    return user_cache_dir("cityai", appauthor=False)


def trusted(status: os.stat_result, uid: Optional[int]) -> bool:
    """Whether a cache directory or file with `status` may be believed by user `uid`: it belongs
    to that user and neither group nor others may write it. `uid` None: a system without user ids
    (Windows), where the check does not apply."""
    return uid is None or (status.st_uid == uid and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _uid() -> Optional[int]:
    getuid = getattr(os, "geteuid", None)
    return getuid() if getuid is not None else None


def usable_cache_dir() -> Optional[Path]:
    """The directory the cache is read from and written to, or None (nothing is cached): the chosen
    one when it is trusted, else a private directory made in it (one line on stderr when it is
    made, or when even that cannot be trusted). A folder that cannot be made only costs speed."""
    chosen = cache_dir()
    status = _directory(chosen)
    if status is None:
        return None
    if trusted(status, _uid()):
        return chosen
    why = "belongs to another user" if status.st_uid != _uid() else "may be written by others"
    private = chosen / f"cityai-{_uid()}"
    made = not os.path.lexists(private)
    status = _directory(private)
    if status is not None and trusted(status, _uid()):
        if made:
            warn(f"the cache directory {chosen} {why}; using {private}, made private")
        return private
    warn(f"the cache directory {chosen} {why}, and {private} is not private to you; nothing is cached")
    return None


def _directory(folder: Path) -> Optional[os.stat_result]:
    """The status of `folder`, made (0700) if missing; None when it is not a directory or cannot be made."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = os.stat(folder)
    except (OSError, RuntimeError, ValueError):
        return None
    return status if stat.S_ISDIR(status.st_mode) else None


def _trusted_file(path: Path) -> bool:
    """Whether the cache may read `path` (absent: nothing to distrust). One that is a link, not a
    regular file, or not trusted is removed (the directory is ours), with one line on stderr."""
    try:
        status = os.lstat(path)
    except OSError:
        return True
    if stat.S_ISREG(status.st_mode) and trusted(status, _uid()):
        return True
    warn(f"{path} is not a private file of this user; it is not read, and is replaced")
    _discard(path)
    return False


def warn(message: str) -> None:
    """One line on stderr, escaped and cut as every message is."""

    try:
        sys.stderr.write(f"Warning: {bounded(one_line(message))}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # no stderr (closed, or pythonw)
        pass


def cache_file(folder: Path, which: str, key: str) -> Path:
    """<which base>-<which install>-<which content>.sqlite3: one file per base (with its --with
    layers, so that runs with and without them do not replace each other's) and per install of
    cityai (two installs sharing a cache directory deleted each other's: each run cold),
    replaced when the base or the install changes. `which`: `_which` of the base."""
    return folder / f"{which}-{_install()}-{key[:32]}.sqlite3"


def _install() -> str:
    """Which install of cityai this is: where its code is (a release upgraded in place replaces
    its own files; a checkout and a release, or two environments, keep theirs)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return sha256(0, here.encode("utf-8", "surrogateescape")).hexdigest()[:8]


def memo_file(folder: Path, which: str) -> Path:
    """Where the digests of the base's files are remembered (fingerprint.py)."""
    return folder / f"{which}.digests"


def _which(path: Path, layers: Tuple[Path, ...] = ()) -> str:
    names = "\0".join(str(each.resolve()) for each in (path, *layers))
    return sha256(0, names.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _whole(path: Path) -> bool:
    """Whether the file is as long as its SQLite header says (a truncated copy is not)."""
    with open(path, "rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\0"):
        return False
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    return pages > 0 and os.path.getsize(path) == page_size * pages


class Opened:
    """What a query command needs of a loaded base: the base and where it came from."""

    def __init__(self, base: AbstractBase, path: Path, layers: Tuple[Path, ...] = (), cache: Optional[Path] = None):
        self.base = base
        self.path = path
        self.layers = layers
        self.cache = cache  # the compiled file the base is read from (None: loaded in full)

    def seed_text(self, source_id: str) -> Optional[str]:
        """A source document's text (cite): read as a full load would, with the same containment."""
        # lazy: TOML and pydantic only on a cold run
        from ..base.reading import Loaded

        return Loaded(None, self.path, None, self.base, layers=self.layers).seed_text(source_id)  # type: ignore[arg-type]


def _full_load(path: Path, layers: Tuple[Path, ...] = ()):
    """The base validated in full, as `validate` does, before any command prints from it (and
    before it is compiled): every source document read, every quote found in it, every number in
    its quote. A base that fails is refused with validate's messages: no number is printed that
    its own document does not back."""
    # lazy: TOML and pydantic only on a cold run
    from ..base.lint import check_provenance
    from ..base.load import load

    loaded = load(path, layers=layers)
    problems = check_provenance(loaded)
    if problems:
        raise DataError(problems)
    # The pydantic models have served (the compiled base is what commands read): freed before the
    # cache is written, which would otherwise add to a cold run's peak memory.
    loaded.kb = None  # type: ignore[assignment]
    return loaded


def open_base(path: Path, layers: Tuple[Path, ...] = ()) -> Opened:
    """The base at `path` (with `layers` added, `--with`): from the cache when it is current, else
    loaded in full and cached. The key covers every file of every layer, and which layer it is in."""
    folder = usable_cache_dir()
    try:
        files, layout = _files(path, layers)
        which = _which(path, layers)  # once: it resolves every path and hashes them
        memo = memo_file(folder, which) if folder is not None else None
        key = cache_key(files, FORMAT, memo if memo is not None and _trusted_file(memo) else None, layout)
    except (OSError, RuntimeError):  # RuntimeError: Path.resolve() in a link loop, before Python 3.13
        return _full_load(path, layers)  # kb.load turns the failure into a clear DataError
    if folder is None:
        return _full_load(path, layers)
    target = cache_file(folder, which, key)
    cached = _cached(target, key, path, layers)
    if cached is not None:
        return cached
    with contextlib.ExitStack() as stack:
        _build_lock(stack, folder / f"{which}.lock")
        cached = _cached(target, key, path, layers)  # compiled by another process meanwhile
        if cached is not None:
            return cached
        return _build(target, key, files, layout, memo, path, layers)


BUILD_WAIT = 120.0  # seconds a cold run waits for another one compiling the same base (3,000 places: ~12 s)


def _build_lock(stack: contextlib.ExitStack, lock: Path) -> None:
    """Hold the base's build lock until `stack` ends, or wait (at most BUILD_WAIT) for the process
    that holds it to end its build: eight cold starts at once compiled the base eight times. A
    waiter does not keep the lock (when the build it waited for wrote no cache, the waiters each
    load the base at once, not one after the other). A lock that cannot be taken at all only
    means compiling without it."""
    try:
        if not stack.enter_context(locked(lock, 0)):
            with locked(lock, BUILD_WAIT):
                pass
    except OSError:
        pass


def _cached(target: Path, key: str, path: Path, layers: Tuple[Path, ...]) -> Optional[Opened]:
    """The base read from the cache file `target` when it is there, trusted and current."""
    try:
        if target.is_file() and _trusted_file(target):
            base = _open_cached(target, key, path, layers)
            if base is not None:
                return Opened(base, path, layers, target)
    except (OSError, *UNREADABLE):
        pass
    return None


def _build(
    target: Path, key: str, files: List[Path], layout: str, memo: Optional[Path], path: Path, layers: Tuple[Path, ...]
) -> Opened:
    """The base loaded in full, and compiled into `target` (a cold run)."""
    remove_stale(target.parent)  # what killed builds left is cleaned
    loaded = _full_load(path, layers)
    # Cached only if the files are still those the key describes: a file saved (by an editor)
    # while it was loaded must not be stored under the key of what it held before.
    try:
        unchanged = _files(path, layers) == (files, layout) and cache_key(files, FORMAT, memo, layout) == key
    except (OSError, RuntimeError):
        unchanged = False
    if unchanged:
        save(loaded.base, target, key, files, (path, *layers))
    return loaded


def _files(path: Path, layers: Tuple[Path, ...]) -> Tuple[List[Path], str]:
    """Every knowledge-base file of the base and its layers, and how many each holds: the merge
    rules differ between the files of one layer and those of two, so the split joins the key."""
    groups = [data_files(path)] + [data_files(layer) for layer in layers]
    if any(not group for group in groups[1:]):
        raise OSError("a layer without knowledge-base files")
    return [file for group in groups for file in group], ",".join(str(len(group)) for group in groups)


def _documents(base: AbstractBase, roots: Tuple[Path, ...]) -> List[list]:
    """The signature of every source's document (paths.seed_signatures): the quotes were checked
    against these files before the base was compiled, so a warm run serves it only while each is
    the same file, unchanged, found at the same place."""
    return seed_signatures([(source.file, source.origin) for source in base.sources.values()], roots)


_BY_CONTENT = "sha256"  # [file, origin, path, "sha256", digest]: a document signed by its content


def _by_content(documents: List[list], now: int) -> Tuple[Optional[List[list]], List[str]]:
    """`documents` with each dated in the future (a clock set wrong, a copy from a machine whose
    clock is ahead) signed by its content instead, and their paths; None when one was
    modified within the timestamp tick (fingerprint's racily-clean rule: it could change again
    unseen), which is cached once it is older. A document dated in the future stays so: before,
    the base was never cached, every run cold without a word. Its status is taken after the base
    was checked, so a change made meanwhile (dated now, not in the future) is seen as racy."""
    signed: List[list] = []
    future: Dict[str, None] = {}  # in order, once each (two sources may share a document)
    for entry in documents:
        if len(entry) == 7 and entry[4] > now:  # [file, origin, path, size, mtime_ns, …]
            future[entry[2]] = None
            entry = [*entry[:3], _BY_CONTENT, _digest(entry[2])]
        elif len(entry) == 7 and now - entry[4] < RACY_NS:
            return None, list(future)
        signed.append(entry)
    return signed, list(future)


def _digest(document: str) -> Optional[str]:

    try:
        data = safe_read(Path(document), MAX_SEED_BYTES, "a source document")
    except ReadError:
        return None
    return sha256(len(data), data).hexdigest()


def _same_document(recorded: list, current: list) -> bool:
    if len(recorded) == 5 and recorded[3] == _BY_CONTENT:
        return len(current) == 7 and current[:3] == recorded[:3] and _digest(current[2]) == recorded[4]
    return recorded == current


def _documents_unchanged(connection: sqlite3.Connection, roots: Tuple[Path, ...]) -> bool:
    found = connection.execute("SELECT value FROM meta WHERE key = 'documents'").fetchone()
    if not found:
        return False
    try:
        recorded = split_fields(found[0])
        sources = [(name, origin) for name, origin, *_ in recorded if isinstance(name, str) and isinstance(origin, str)]
        if len(sources) != len(recorded):
            return False
        current = seed_signatures(sources, roots)
        return len(current) == len(recorded) and all(map(_same_document, recorded, current))
    except (ValueError, TypeError, IndexError, KeyError):  # an edited file
        return False


def _open_cached(target: Path, key: str, path: Path, layers: Tuple[Path, ...] = ()) -> Optional[CachedBase]:
    if not _whole(target):
        return None
    connection = sqlite3.connect(str(target), check_same_thread=False)
    try:
        connection.execute("PRAGMA query_only = ON")
        found = connection.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()
        if not found or found[0] != key or not _documents_unchanged(connection, (path, *layers)):
            connection.close()
            return None

        def fallback() -> Base:
            connection.close()
            _discard(target)
            return _full_load(path, layers).base  # the same base: its --with layers too

        return CachedBase(connection, fallback)
    except Exception:
        connection.close()
        raise


def discard_cache(opened: Any, error: BaseException) -> bool:
    """Whether `error`, raised by a command that read `opened`, may come from a compiled file that
    decodes but holds what no validated base can (a level or a dimension no rule knows, NaN, a
    missing metric): an error of the kinds a damaged file raises, from a base read from the cache.
    Then the file is discarded (if the read had not already done so), and the caller runs the
    command again: from the knowledge-base files, which compiles the cache afresh."""
    if not isinstance(opened, Opened) or opened.cache is None or not isinstance(error, UNREADABLE):
        return False
    _discard(opened.cache)
    return True


def _discard(target: Path) -> None:
    try:
        target.unlink()
    except OSError:
        pass


def save(base: AbstractBase, target: Path, key: str, files: List[Path], roots: Tuple[Path, ...]) -> None:
    """Write the cache file `target` atomically; any failure only means the next run is cold too."""

    documents, future = _by_content(_documents(base, roots), time.time_ns())
    if future:
        some = f"{future[0]} is" if len(future) == 1 else f"{len(future)} source documents ({future[0]}, …) are"
        warn(f"{some} dated in the future (a clock set wrong?); the cache checks content instead of times")
    if documents is None:
        return
    try:
        with private_directory(target.parent) as building:
            built = building / "base.sqlite3"
            write(base, built, {**_meta(key, files), "documents": join_fields(documents)})
            os.chmod(built, 0o600)
            os.replace(built, target)
        which, install, _ = target.name.split("-")
        for old in target.parent.glob(f"{which}-*.sqlite3"):  # earlier versions of the same base, this install's
            if old != target and (old.name.startswith(f"{which}-{install}-") or old.name.count("-") == 1):
                _discard(old)  # (one "-": named before installs were told apart)
    except (OSError, sqlite3.Error):
        pass


def _meta(key: str, files: List[Path]) -> Dict[str, str]:
    """What a compiled base or an export says of itself (the files as JSON, for other tools)."""
    # lazy: only a cold run or an export writes this; a warm run reads no JSON
    import json

    return {
        "key": key,
        "format": FORMAT,
        "schema_version": str(records.SCHEMA_VERSION),
        "cityai_version": __version__,
        "files": json.dumps([str(f) for f in files], ensure_ascii=False),
    }


def export(base: AbstractBase, target: Path, files: List[Path], force: bool = False) -> None:
    """`cityai export --sqlite FILE`: the typed schema (export.py) as a standalone file, and
    Datasette's metadata beside it (FILE.metadata.json)."""
    # lazy: only `export` needs it
    from . import export as typed

    metadata = typed.metadata_path(target)
    for path in (target, metadata):
        try:  # only a regular file is ever replaced: never a device, a pipe or a link
            exists = existing_regular(path)
        except WriteError as error:
            raise DataError([Problem(str(path), str(error))]) from None
        if exists and not force:
            raise DataError([Problem(str(path), "already exists", code="export.exists")])
    try:
        with private_directory(target.parent) as building:  # built by name where no one else can reach
            built = building / "export.sqlite3"
            typed.write(base, built, _meta(cache_key(files, FORMAT), files))
            os.replace(built, target)
        write_atomically(metadata, typed.metadata_text(target, base.title).encode("utf-8"))
    except (OSError, WriteError, sqlite3.Error) as error:
        raise DataError([Problem(str(target), f"cannot write: {getattr(error, 'strerror', None) or error}")]) from None
