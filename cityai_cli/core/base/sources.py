"""`sources add`: copy a new document into a base's seeds directory and record it, hash included.

The seed is what quotes are checked against, so it is stored as cityai reads it (HTML with its
tags stripped, as text) and its SHA-256 is recorded in the source entry; `validate` recomputes
it, so a silently edited source is caught. Nothing is written into the bundled base.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from pathlib import Path
from typing import Iterator, Optional

from ..errors import DataError, Problem, UsageError
from ..extract.document import read_document
from ..figures.dates import PartialDate
from ..files import WriteError, create_exclusively, existing_regular, locked, write_atomically
from ..text import CONTROL_IN_KEY, one_line, toml_key, toml_string
from .paths import MAX_BYTES, PACKAGE_DIR, bundled_path
from .reading import parse_toml, read_text

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SCHEMA_LINE = "#:schema ./cities.schema.json\n"  # TOML editors complete and check entries with it


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_source_id(source_id: str, field: str = "id") -> None:
    """A source id is also a TOML key and a file name in seeds/: a small safe alphabet. `field`
    is the parameter that gave it (the view names its option)."""
    if not _ID.match(source_id) or len(source_id) > 100:
        raise UsageError(
            f"{field} '{one_line(source_id)}' is not a source id",
            code="source.bad_id",
            params={"field": field, "id": source_id},
        )


def add_source(
    base_file: Path,
    document: Path,
    source_id: str,
    title: str,
    publisher: str,
    published: str,
    url: Optional[str] = None,
    comment: str = "",
) -> str:
    """Copy `document` into `base_file`'s seeds/ and append its `[sources.ID]`; return the entry.

    Nothing is written through a link, over a device, or outside the base's directory and its
    seeds/; the base is rewritten whole (write_atomically, keeping its mode), so a full disk
    leaves it as it was; the new text is parsed before it is written, so the base stays valid
    TOML; and one writer at a time reads and rewrites it (`writing`). A new base starts with the
    schema line and `comment` (the view's words on how to use it)."""
    check_source_id(source_id)
    _check_fields(title, publisher, url)
    try:
        PartialDate.parse(published)
    except ValueError as error:
        raise UsageError(f"published: {error}", code="source.bad_date", params={"reason": str(error)}) from None
    resolved = base_file.resolve()
    if resolved == bundled_path("data", "cities.toml").resolve() or PACKAGE_DIR in resolved.parents:
        raise UsageError("the bundled knowledge base is read-only", code="source.bundled")
    with writing(base_file):
        return _append_source(base_file, document, source_id, title, publisher, published, url, comment)


def _check_fields(title: str, publisher: str, url: Optional[str]) -> None:
    """Title and publisher given; every field UTF-8 text without control or invisible characters."""
    for field, value in (("title", title), ("publisher", publisher), ("url", url or "")):
        if field != "url" and not value.strip():
            raise UsageError(f"{field} is empty", code="source.empty", params={"field": field})
        try:  # a shell can pass bytes that are not UTF-8 (they arrive as lone surrogates)
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(
                f"{field} is not valid UTF-8 text", code="source.not_utf8", params={"field": field}
            ) from None
        found = CONTROL_IN_KEY.search(value)
        if found:
            codepoint = ord(found.group(0))
            raise UsageError(
                f"{field} contains the control or invisible character U+{codepoint:04X}",
                code="source.control",
                params={"field": field, "codepoint": codepoint},
            )


WAIT_FOR_WRITER = 60.0  # seconds one writer of a base waits for another


@contextlib.contextmanager
def writing(base_file: Path) -> Iterator[None]:
    """Be the only writer of `base_file` while the block runs: the read-modify-write of a base by
    two processes at once kept only one's entry (8 concurrent `sources add`: 2 of 8 entries). The
    lock is a hidden file beside the base (the base itself is replaced, so it cannot be locked)."""
    lock = base_file.with_name(f".{base_file.name}.lock")  # beside the name given: a linked base is refused
    with contextlib.ExitStack() as stack:
        with _failing_as_data_error(base_file):  # the lock file cannot be made: the base cannot be written either
            held = stack.enter_context(locked(lock, WAIT_FOR_WRITER))
        if not held:
            waited = f"another cityai has been writing it for {WAIT_FOR_WRITER:.0f} s; try again"
            raise DataError([Problem(str(base_file), waited)])
        yield


def _append_source(
    base_file: Path,
    document: Path,
    source_id: str,
    title: str,
    publisher: str,
    published: str,
    url: Optional[str],
    comment: str,
) -> str:
    """add_source's read-modify-write of the base, done by the one writer of the base."""
    text = _base_text(base_file, comment)
    _check_new_id(text, base_file, source_id)
    content = read_document(document).encode("utf-8")
    entry = (
        f"\n[sources.{toml_key(source_id)}]\nfile = {toml_string(source_id + '.txt')}\n"
        f"publisher = {toml_string(publisher)}\ntitle = {toml_string(title)}\n"
        f'published = {toml_string(published)}\nsha256 = "{sha256_of(content)}"\n'
        + (f"url = {toml_string(url)}\n" if url else "")
    )
    updated = text + ("" if text.endswith("\n") else "\n") + entry
    # The entry must land as [sources.ID] of this base, and the base stay loadable: checked before
    # anything is written (an inline `sources = {…}` or a [[sources]] array would take it elsewhere).
    _check_it_lands(updated, base_file, source_id)
    encoded = updated.encode("utf-8")
    if len(encoded) > MAX_BYTES:
        raise DataError(
            [
                Problem(
                    str(base_file),
                    f"would be {len(encoded):,} bytes; a knowledge base may be at most {MAX_BYTES:,} bytes",
                    code="source.base_full",
                    params={"size": len(encoded), "limit": MAX_BYTES},
                )
            ]
        )
    _write_seed(base_file.parent / "seeds", source_id, content)
    with _failing_as_data_error(base_file):
        write_atomically(base_file, encoded)
    return entry


def _base_text(base_file: Path, comment: str) -> str:
    """The base's text; for a new file, a new base of your own (used with --with, or --data alone),
    and so for an empty one (`touch my.toml` first), which a reader refuses as no base at all."""
    with _failing_as_data_error(base_file):
        exists = existing_regular(base_file)
    return (read_text(base_file, blank_ok=True) if exists else "") or _SCHEMA_LINE + comment


def _check_new_id(text: str, base_file: Path, source_id: str) -> None:
    """The id names no source of this base nor of the bundled one (both are loaded together)."""
    known = parse_toml(text, str(base_file)).get("sources", {})
    if not isinstance(known, dict):
        raise DataError([Problem(str(base_file), "sources: expected a table of [sources.ID] entries")])
    bundled = parse_toml(read_text(bundled_path("data", "cities.toml")), "cities.toml").get("sources", {})
    if source_id in known or source_id in bundled:
        where = str(base_file) if source_id in known else ""
        raise UsageError(
            f"source {source_id!r} already exists in {where or 'the bundled base'}",
            code="source.exists",
            params={"id": source_id, "base": where},
        )


def _write_seed(seeds: Path, source_id: str, content: bytes) -> None:
    """The document into seeds/ (made if missing, never through a link); an identical copy already
    there is kept, a different one refused."""
    target = seeds / f"{source_id}.txt"
    with _failing_as_data_error(seeds):
        if seeds.is_symlink():
            raise WriteError("is a symbolic link; seeds/ must be a directory of the base")
        seeds.mkdir(exist_ok=True)
    with _failing_as_data_error(target):
        if not existing_regular(target):
            create_exclusively(target, content)
        elif target.read_bytes() != content:
            raise UsageError(
                f"{target} exists with other content", code="source.seed_differs", params={"seed": str(target)}
            )


@contextlib.contextmanager
def _failing_as_data_error(path: Path) -> Iterator[None]:
    """A failed write as a Problem naming the file it concerns."""
    try:
        yield
    except WriteError as error:
        raise DataError([Problem(str(path), str(error))]) from None
    except OSError as error:
        raise DataError([Problem(str(path), f"cannot write: {error.strerror or error}")]) from None


def _check_it_lands(text: str, base_file: Path, source_id: str) -> None:
    """The base as it would be written parses and holds the new entry as its [sources.ID] (the
    entry itself is always valid TOML: a failure is how the base defines its sources)."""
    try:
        sources = parse_toml(text, str(base_file)).get("sources")
    except DataError:
        sources = None
    entry = sources.get(source_id) if isinstance(sources, dict) else None
    if not isinstance(entry, dict) or entry.get("file") != source_id + ".txt":
        raise DataError(
            [Problem(str(base_file), f"cannot add [sources.{source_id}]: the base defines sources otherwise")]
        )
