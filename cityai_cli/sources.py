"""`sources add`: copy a new document into a base's seeds directory and record it, hash included.

The seed is what quotes are checked against, so it is stored as cityai reads it (HTML with its
tags stripped, as text) and its SHA-256 is recorded in the source entry; `validate` recomputes
it, so a silently edited source is caught. Nothing is written into the bundled base.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Optional

from .dates import PartialDate
from .errors import DataError, Problem, UsageError
from .kb import PACKAGE_DIR, bundled_path, read_text

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_NEW_BASE = (
    "#:schema ./cities.schema.json\n"
    "# Your own cityai knowledge base, used with `--with FILE` over the bundled one.\n"
    "# Check it with `cityai validate --with FILE`; `cityai schema > cities.schema.json` lets\n"
    "# TOML editors complete and check entries.\n"
)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def add_source(
    base_file: Path,
    document: Path,
    source_id: str,
    title: str,
    publisher: str,
    published: str,
    url: Optional[str] = None,
) -> str:
    """Copy `document` into `base_file`'s seeds/ and append its `[sources.ID]`; return the entry."""
    from .query.extract import read_document

    if not _ID.match(source_id):
        raise UsageError(f"--id {source_id!r}: use lower-case letters, digits, - and _, e.g. xinhua-2025-06")
    for option, value in (("--title", title), ("--publisher", publisher)):
        if not value.strip():
            raise UsageError(f"{option} needs a value")
    try:
        PartialDate.parse(published)
    except ValueError as error:
        raise UsageError(f"--published: {error}") from None
    resolved = base_file.resolve()
    if resolved == bundled_path("data", "cities.toml").resolve() or PACKAGE_DIR in resolved.parents:
        raise UsageError(
            "sources add writes into your own knowledge base: give --data FILE (the bundled one is read-only)"
        )
    # A new file is a new base of your own (used with --with, or --data alone).
    text = read_text(base_file) if base_file.exists() else _NEW_BASE
    if re.search(rf"^\[sources\.{re.escape(source_id)}\]", text, re.M) or re.search(
        rf'^\[sources\."{re.escape(source_id)}"\]', text, re.M
    ):
        raise UsageError(f"source {source_id!r} already exists in {base_file}")
    content = read_document(document).encode("utf-8")
    seeds = base_file.parent / "seeds"
    target = seeds / f"{source_id}.txt"
    try:
        seeds.mkdir(exist_ok=True)
        if target.exists() and target.read_bytes() != content:
            raise UsageError(f"{target} exists with other content; choose another --id")
        target.write_bytes(content)
        entry = (
            f"\n[sources.{source_id}]\nfile = {_string(target.name)}\npublisher = {_string(publisher)}\n"
            f'title = {_string(title)}\npublished = {_string(published)}\nsha256 = "{sha256_of(content)}"\n'
            + (f"url = {_string(url)}\n" if url else "")
        )
        with base_file.open("a", encoding="utf-8") as out:
            if not base_file.stat().st_size:
                out.write(text)
            out.write(("" if text.endswith("\n") else "\n") + entry)
    except OSError as error:
        raise DataError(
            [Problem(str(error.filename or base_file), f"cannot write: {error.strerror or error}")]
        ) from None
    return entry
