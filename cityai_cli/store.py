"""The warm-run cache: where the compiled knowledge base (compiled.py) is kept, when it is
written, and when it is trusted; and `cityai export --sqlite`.

A knowledge base is validated once (TOML -> pydantic -> lint -> `facts.compile_base`), then
compiled to SQLite. A warm run opens that file (`open_base`) and reads it through
`cached_base.CachedBase` with the standard library's sqlite3 only.

Cache rules: the key is SHA-256 over every knowledge-base file's path and bytes, the schema
version (`facts.SCHEMA_VERSION`), the cache format (`FORMAT`) and `cityai_cli.__version__`
(fingerprint.py, which also says when a file's remembered digest is reused); the
file is named after the base's paths and the key, written to a temporary file and moved into
place (`os.replace`), so a reader never sees half a file. A cache whose key differs, or that is
truncated or not SQLite, is rebuilt, never trusted; a read failure in the middle of a command
falls back to the full load. A missing, read-only or unwritable cache directory only costs speed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from . import facts as _facts
from .cached_base import UNREADABLE, CachedBase
from .compiled import FORMAT, write
from .facts import AbstractBase, Base
from .fingerprint import RACY_NS, cache_key, sha256
from .paths import data_files, seed_signatures

CACHE_ENV = "CITYAI_CACHE_DIR"

# ---- the cache location ----------------------------------------------------------------------


def cache_dir() -> Path:
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("cityai", appauthor=False))


def cache_file(path: Path, key: str, layers: Tuple[Path, ...] = ()) -> Path:
    """<which base>-<which content>.sqlite3: one file per base (with its --with layers, so that
    runs with and without them do not replace each other's), replaced when the base changes."""
    return cache_dir() / f"{_which(path, layers)}-{key[:32]}.sqlite3"


def memo_file(path: Path, layers: Tuple[Path, ...] = ()) -> Path:
    """Where the digests of the base's files are remembered (fingerprint.py)."""
    return cache_dir() / f"{_which(path, layers)}.digests.json"


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
        from .kb import Loaded

        return Loaded(None, self.path, None, self.base, layers=self.layers).seed_text(source_id)  # type: ignore[arg-type]


def _full_load(path: Path, layers: Tuple[Path, ...] = ()):
    """The base validated in full, as `validate` does, before any command prints from it (and
    before it is compiled): every source document read, every quote found in it, every number in
    its quote. A base that fails is refused with validate's messages: no number is printed that
    its own document does not back."""
    from .errors import DataError
    from .kb import load
    from .lint import check_provenance

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
    try:
        files, layout = _files(path, layers)
        memo = memo_file(path, layers)
        key = cache_key(files, FORMAT, memo, layout)
    except (OSError, RuntimeError):  # RuntimeError: Path.resolve() in a link loop, before Python 3.13
        return _full_load(path, layers)  # kb.load turns the failure into a clear DataError
    try:
        target = cache_file(path, key, layers)
        if target.is_file():
            base = _open_cached(target, key, path, layers)
            if base is not None:
                return Opened(base, path, layers, target)
    except (OSError, *UNREADABLE):
        pass
    loaded = _full_load(path, layers)
    # Cached only if the files are still those the key describes: a file saved (by an editor)
    # while it was loaded must not be stored under the key of what it held before.
    try:
        unchanged = _files(path, layers) == (files, layout) and cache_key(files, FORMAT, memo, layout) == key
    except (OSError, RuntimeError):
        unchanged = False
    if unchanged:
        save(loaded.base, path, key, files, layers)
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


def _documents_unchanged(connection: sqlite3.Connection, roots: Tuple[Path, ...]) -> bool:
    found = connection.execute("SELECT value FROM meta WHERE key = 'documents'").fetchone()
    if not found:
        return False
    try:
        recorded = json.loads(found[0])
        return recorded == seed_signatures([(entry[0], entry[1]) for entry in recorded], roots)
    except (ValueError, TypeError, IndexError, KeyError, RecursionError):  # an edited file: [[[[…]]]]
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


def save(base: AbstractBase, path: Path, key: str, files: List[Path], layers: Tuple[Path, ...] = ()) -> None:
    """Write the cache for `path` atomically; any failure only means the next run is cold too."""
    import tempfile

    documents = _documents(base, (path, *layers))
    # A document changed within the timestamp tick could change again unseen (fingerprint's
    # racily-clean rule): such a base is not cached until its documents are older.
    now = time.time_ns()
    modified = [entry[4] for entry in documents if len(entry) == 7]  # [file, origin, path, size, mtime_ns, …]
    if any(now - mtime < RACY_NS for mtime in modified):
        return
    try:
        target = cache_file(path, key, layers)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".sqlite3", dir=str(target.parent))
        os.close(handle)
        os.unlink(temporary)
        try:
            write(base, Path(temporary), {**_meta(key, files), "documents": json.dumps(documents, ensure_ascii=False)})
            os.replace(temporary, target)
        finally:
            _discard(Path(temporary))
        prefix = target.name.split("-")[0] + "-"
        for old in target.parent.glob(prefix + "*.sqlite3"):  # earlier versions of the same base
            if old != target:
                _discard(old)
    except (OSError, sqlite3.Error):
        pass


def _meta(key: str, files: List[Path]) -> Dict[str, str]:
    from . import __version__

    return {
        "key": key,
        "format": FORMAT,
        "schema_version": str(_facts.SCHEMA_VERSION),
        "cityai_version": __version__,
        "files": json.dumps([str(f) for f in files], ensure_ascii=False),
    }


def export(base: AbstractBase, target: Path, files: List[Path], force: bool = False) -> None:
    """`cityai export --sqlite FILE`: the same schema as the cache, as a standalone file."""
    from .errors import DataError, Problem
    from .files import WriteError, existing_regular

    try:  # only a regular file is ever replaced: never a device, a pipe or a link
        exists = existing_regular(target)
    except WriteError as error:
        raise DataError([Problem(str(target), str(error))]) from None
    if exists and not force:
        raise DataError([Problem(str(target), "already exists; add --force to overwrite it")])
    try:
        temporary = target.with_name(f".cityai-{os.getpid()}.tmp")  # short: the target name may be at the limit
        _discard(temporary)
        write(base, temporary, _meta(cache_key(files, FORMAT), files))
        os.replace(temporary, target)
    except (OSError, sqlite3.Error) as error:
        _discard(temporary)
        raise DataError([Problem(str(target), f"cannot write: {getattr(error, 'strerror', None) or error}")]) from None
