"""Reading files safely: regular files only, a size limit, UTF-8 with the position of a bad byte.

Kept apart from core/base/load.py (which imports a TOML parser) so that the compiled cache can hash the
knowledge-base files with the same guarantees on a warm run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import time
from pathlib import Path
from typing import Iterator, Optional


class ReadError(ValueError):
    """Why a file cannot be used, worded to follow its name: "x.toml: is not a regular file"."""


def safe_read(path: Path, limit: int, what: str = "a knowledge base") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; ReadError saying why not otherwise.

    Only regular files are read (after following links): devices, pipes and sockets are refused
    before they are opened, and the file is opened non-blocking and checked again (fstat) in
    case it was swapped meanwhile, so a FIFO without a writer never blocks. At most limit + 1
    bytes are read, whatever the size the file claims (/proc files claim 0).
    """
    try:
        status = os.stat(path)
        check_regular(status, limit, what)
        descriptor = os.open(
            path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
        )
        try:
            check_regular(os.fstat(descriptor), limit, what)
            chunks, remaining = [], limit + 1
            while remaining > 0:
                chunk = os.read(descriptor, min(remaining, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                remaining -= len(chunk)
        finally:
            os.close(descriptor)
    except FileNotFoundError:
        raise ReadError("no such file") from None
    except PermissionError:
        raise ReadError("permission denied") from None
    except OSError as error:
        raise ReadError(f"cannot read: {error.strerror or error}") from None
    except ValueError as error:  # a NUL in the name; Python raises ValueError, not OSError
        if isinstance(error, ReadError):
            raise
        raise ReadError(f"cannot read: {error}") from None
    raw = b"".join(chunks)
    if len(raw) > limit:
        raise ReadError(f"is more than {limit:,} bytes; {what} may be at most {limit:,} bytes")
    return raw


def check_regular(status: os.stat_result, limit: int, what: str) -> None:
    """ReadError unless `status` is a regular file of at most `limit` bytes."""
    if stat.S_ISDIR(status.st_mode):
        raise ReadError("is a directory, not a knowledge-base file" if what == "a knowledge base" else "is a directory")
    if not stat.S_ISREG(status.st_mode):
        raise ReadError("is not a regular file")
    if status.st_size > limit:
        raise ReadError(f"is {status.st_size:,} bytes; {what} may be at most {limit:,} bytes")


def utf8_without_bom(raw: bytes) -> str:
    """UTF-8 text, a leading BOM dropped. The "utf-8" codec is built in; "utf-8-sig" is imported
    on first use, and that import fails when the working directory has been deleted (Python
    3.13.0: SystemError from the codec search)."""
    text = raw.decode("utf-8")
    return text[1:] if text.startswith("\ufeff") else text


def decode_utf8(raw: bytes) -> str:
    """UTF-8 text (a BOM is dropped); ReadError naming the line and column of the first bad byte."""
    try:
        return utf8_without_bom(raw)
    except UnicodeDecodeError as error:
        line, column = _position(raw, error.start)
        found = f"byte 0x{raw[error.start]:02x} at line {line}, column {column}"
        raise ReadError(f"is not UTF-8 ({found}){_other_encoding(raw)}") from None


def _other_encoding(raw: bytes) -> str:
    """What a document that is not UTF-8 most likely is: Chinese government sites often serve
    GB18030 (GBK), Windows tools save UTF-16 with a byte-order mark. Said only when the bytes read
    as Chinese text in that encoding, so a stray byte is not called GBK."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "; it is UTF-16: save it as UTF-8"
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return ""
    wide = [c for c in text if not c.isascii()]
    chinese = sum(
        1 for c in wide if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
    )
    # a few characters prove nothing: é followed by a letter is one GBK character too
    looks_chinese = len(wide) >= 4 and chinese >= 0.9 * len(wide)
    return "; it reads as GB18030 (GBK) Chinese text: save it as UTF-8" if looks_chinese else ""


def _position(text, offset: int) -> tuple:
    """(line, column), both from 1, of an offset into text or bytes."""
    newline = "\n" if isinstance(text, str) else b"\n"
    return text.count(newline, 0, offset) + 1, offset - (text.rfind(newline, 0, offset) + 1) + 1


class WriteError(ValueError):
    """Why a file cannot be written, worded to follow its name: "out.svg: is not a regular file"."""


def existing_regular(path: Path) -> bool:
    """Whether `path` is an existing regular file (False: nothing is there). Anything else is a
    WriteError: a directory, and also a device, pipe, socket or symbolic link, which a write would
    block on, write through, or destroy (replacing /dev/null with a file)."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return False
    except (OSError, ValueError) as error:
        raise _cannot_write(error) from None
    if stat.S_ISDIR(status.st_mode):
        raise WriteError("is a directory")
    if stat.S_ISLNK(status.st_mode):
        raise WriteError("is a symbolic link; give the file it points to")
    if not stat.S_ISREG(status.st_mode):
        raise WriteError("is not a regular file")
    return True


def write_atomically(path: Path, data: bytes, mode: Optional[int] = None) -> None:
    """Write `data` to `path` (absent, or a regular file) through a new file beside it that is
    renamed over it: a full disk or a crash leaves the old file whole, never a torn one. The new
    file has `mode`, else the mode of the file it replaces (a 0600 base stays 0600), else the
    usual one (0666 less the umask). It is created under a random name (a leftover of a killed run
    or a PID used again cannot collide) and written through the descriptor that created it."""
    exists = existing_regular(path)
    if mode is None and exists:
        with contextlib.suppress(OSError):
            mode = stat.S_IMODE(os.stat(path).st_mode)
    temporary = path.with_name(f".cityai-{os.urandom(6).hex()}.tmp")  # short: the target name may be at the limit
    create_exclusively(temporary, data, mode)
    try:
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise _cannot_write(error) from None


def create_exclusively(path: Path, data: bytes, mode: Optional[int] = None) -> None:
    """Create `path` with `data` (and `mode`, else 0666 less the umask); never through a link,
    never over an existing file, and removed again if the write fails (no empty file left to
    block a retry)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags, 0o600 if mode is not None else 0o666)
    except FileExistsError:
        raise WriteError("already exists") from None
    except (OSError, ValueError) as error:
        raise _cannot_write(error) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise _cannot_write(error) from None


@contextlib.contextmanager
def private_directory(parent: Path) -> Iterator[Path]:
    """A new directory in `parent` that only this user may enter (0700, a random name), removed
    with what it holds afterwards. A file that must be written by name (SQLite opens its database
    by name) is built in one: no one else can plant a link where it is written. Its lock file is
    held while it is used, so that a directory left by a killed process is known to be stale
    (`remove_stale`)."""
    # lazy: tempfile and shutil cost start-up, used only when writing
    import shutil
    import tempfile

    made = Path(tempfile.mkdtemp(prefix=BUILDING, dir=str(parent)))
    try:
        with locked(made / _IN_USE, 0):
            yield made
    finally:
        shutil.rmtree(made, ignore_errors=True)


BUILDING = ".cityai-build-"  # the prefix of private_directory's names
_IN_USE = "in-use.lock"
_YOUNG = 10.0  # seconds: a directory this new may not hold its lock yet (made, not yet locked)


def remove_stale(parent: Path) -> None:
    """Remove what killed runs left in `parent`: private directories whose lock no process holds
    (SIGKILL or SIGTERM during a cold build left one, ~20 MB, for good), and the temporary files
    of earlier versions (.tmp-*.sqlite3, .cityai-*.tmp) once an hour old. Failures are ignored."""
    # lazy: tempfile and shutil cost start-up, used only when writing
    import shutil

    now = time.time()
    with contextlib.suppress(OSError):
        for entry in os.scandir(parent):
            name = entry.name
            try:
                if name.startswith(BUILDING) and entry.is_dir(follow_symlinks=False):
                    if now - entry.stat(follow_symlinks=False).st_mtime > _YOUNG:
                        with locked(Path(entry.path) / _IN_USE, 0) as unused:
                            pass
                        if unused:  # no process holds it: no process can take it again (a random name)
                            shutil.rmtree(entry.path, ignore_errors=True)
                elif name.startswith((".tmp-", ".cityai-")) and name.endswith((".sqlite3", ".tmp")):
                    if entry.is_file(follow_symlinks=False) and now - entry.stat(follow_symlinks=False).st_mtime > 3600:
                        os.unlink(entry.path)
            except OSError:
                continue


@contextlib.contextmanager
def locked(path: Path, wait: float) -> Iterator[bool]:
    """Hold the exclusive lock of the lock file `path` (made, 0600, when missing; never through a
    link) while the block runs; wait for it at most `wait` seconds. Yields whether it is held:
    the caller says what to do without it. The operating system drops the lock of a process that
    ends, however it ends, so no lock is ever left behind. OSError when the file cannot be opened."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(path, flags | getattr(os, "O_BINARY", 0), 0o600)
    held = False
    try:
        deadline = time.monotonic() + wait
        held = _lock(descriptor)
        while not held and time.monotonic() < deadline:
            time.sleep(0.05)
            held = _lock(descriptor)
        yield held
    finally:
        if held:
            _unlock(descriptor)
        os.close(descriptor)


def _lock(descriptor: int) -> bool:
    """Take the exclusive lock of an open file without waiting; whether it was taken. The one
    place that knows how each system locks (fcntl.flock on POSIX, msvcrt.locking on Windows)."""
    if sys.platform == "win32":
        # lazy: one of the two exists, by platform
        import msvcrt

        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    # lazy: one of the two exists, by platform
    import fcntl

    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
            return False
        raise
    return True


def _unlock(descriptor: int) -> None:
    if sys.platform == "win32":
        # lazy: one of the two exists, by platform
        import msvcrt

        with contextlib.suppress(OSError):
            os.lseek(descriptor, 0, os.SEEK_SET)
            msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
    # POSIX: closing the descriptor drops the lock


def _cannot_write(error: Exception) -> WriteError:
    return WriteError(f"cannot write: {getattr(error, 'strerror', None) or error}")
