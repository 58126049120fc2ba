"""fingerprint.py: the cache key, and when a remembered digest may stand in for hashing a file.

A forged digest in the memo shows whether it was used: the key then differs from the true one."""

import os
import sys
import threading
import time
from pathlib import Path

import pytest

import cityai_cli
from cityai_cli.core.cache import fingerprint
from cityai_cli.core.cache.fingerprint import RACY_NS, cache_key
from cityai_cli.core.packed import join_fields, split_fields

FORMAT = "test"
T0 = 1_700_000_000 * 10**9  # a fixed modification time (ns)


@pytest.fixture
def base(tmp_path):
    path = tmp_path / "base.toml"
    path.write_text('title = "t"\n', encoding="utf-8")
    os.utime(path, ns=(T0, T0))
    return path


def hashed_at(monkeypatch, when):
    monkeypatch.setattr(fingerprint.time, "time_ns", lambda: when)


def forge(memo, path):
    rows = split_fields(memo.read_text())
    for row in rows:
        if row[0] == str(path.resolve()):
            row[6] = "0" * 64
    memo.write_text(join_fields(rows))


def test_the_key_is_the_same_with_and_without_a_memo(base, tmp_path):
    true_key = cache_key([base], FORMAT)
    assert cache_key([base], FORMAT, tmp_path / "memo") == true_key
    assert cache_key([base], FORMAT, tmp_path / "memo") == true_key  # now read from the memo
    assert len(true_key) == 64


@pytest.mark.parametrize("age, reused", [(RACY_NS + 1, True), (RACY_NS, False), (0, False)])
def test_a_digest_is_reused_only_for_a_file_that_was_not_racily_clean(base, tmp_path, monkeypatch, age, reused):
    memo = tmp_path / "memo"
    true_key = cache_key([base], FORMAT)
    hashed_at(monkeypatch, T0 + age)
    cache_key([base], FORMAT, memo)
    forge(memo, base)
    assert (cache_key([base], FORMAT, memo) != true_key) is reused


@pytest.mark.parametrize("change", ["content", "mtime", "replaced"])
def test_a_changed_file_is_hashed_again(base, tmp_path, monkeypatch, change):
    memo = tmp_path / "memo"
    hashed_at(monkeypatch, T0 + 10 * RACY_NS)
    cache_key([base], FORMAT, memo)
    forge(memo, base)
    if change == "content":
        before = base.stat().st_ctime_ns
        base.write_text('title = "u"\n', encoding="utf-8")  # the same size
        os.utime(base, ns=(T0, T0))  # and the same mtime: ctime differs
        while base.stat().st_ctime_ns == before:  # (once the clock has ticked)
            time.sleep(0.005)
            os.utime(base, ns=(T0, T0))
    elif change == "mtime":
        os.utime(base, ns=(T0 + 1, T0 + 1))
    else:  # another file renamed over it
        other = base.with_name("other.toml")
        other.write_text('title = "t"\n', encoding="utf-8")
        os.utime(other, ns=(T0, T0))
        os.replace(other, base)
    assert cache_key([base], FORMAT, memo) == cache_key([base], FORMAT)


@pytest.mark.parametrize(
    "memo_text",
    [
        "",
        "not fields",
        "n",
        '{"version": 1, "files": {}}',  # a memo written by an earlier release
        join_fields([["cityai digests", 1]]),
        join_fields([["cityai digests", 2], ["x", 1, 2]]),
        join_fields([["cityai digests", 2], ["x", 1, 2, 3, 4, "5", "sha"]]),
        join_fields([["cityai digests", 2], [None, 1, 2, 3, 4, 5, "sha"]]),
        join_fields([["cityai digests", 2]]) + "\ns12 i1",
        "sZZ",
        "s" + "ff" * 4,
    ],
)
def test_a_damaged_or_foreign_memo_is_ignored_and_replaced(base, tmp_path, memo_text):
    memo = tmp_path / "memo"
    memo.write_text(memo_text)
    assert cache_key([base], FORMAT, memo) == cache_key([base], FORMAT)
    assert [row[0] for row in split_fields(memo.read_text())] == ["cityai digests", str(base.resolve())]


def test_an_unchanged_memo_is_not_written_again(base, tmp_path, monkeypatch):
    memo = tmp_path / "memo"
    hashed_at(monkeypatch, T0 + 10 * RACY_NS)
    cache_key([base], FORMAT, memo)
    first = memo.stat()
    cache_key([base], FORMAT, memo)
    assert (memo.stat().st_ino, memo.stat().st_mtime_ns) == (first.st_ino, first.st_mtime_ns)


def test_an_unwritable_memo_only_costs_speed(base, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert cache_key([base], FORMAT, blocker / "memo") == cache_key([base], FORMAT)


@pytest.mark.parametrize("what", ["missing", "directory", "too big"])
def test_a_file_that_cannot_be_a_base_raises_oserror(base, tmp_path, monkeypatch, what):
    if what == "missing":
        target = tmp_path / "missing.toml"
    elif what == "directory":
        target = tmp_path
    else:
        target = base
        monkeypatch.setattr(fingerprint, "_size_limit", lambda: 4)
    with pytest.raises(OSError):
        cache_key([target], FORMAT, tmp_path / "memo")


def test_no_files_is_an_error():
    with pytest.raises(OSError, match="no knowledge-base file"):
        cache_key([], FORMAT)


@pytest.mark.parametrize("kind", ["fifo", "directory", "too big", "long"])
def test_a_memo_that_is_no_small_regular_file_is_ignored_without_blocking(base, tmp_path, monkeypatch, kind):
    memo = tmp_path / "memo"
    monkeypatch.setattr(fingerprint, "_MEMO_LIMIT", 1000)
    if kind == "long":
        memo.write_text("s" + "0" * 999_000)  # a long field, one row
        monkeypatch.setattr(fingerprint, "_MEMO_LIMIT", 1 << 20)
    elif kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(memo)  # opening it for reading would wait for a writer forever
    elif kind == "directory":
        memo.mkdir()
    else:
        memo.write_text(join_fields([["cityai digests", 2]]) + " " * 1000)
    found = []
    worker = threading.Thread(target=lambda: found.append(cache_key([base], FORMAT, memo)), daemon=True)
    worker.start()
    worker.join(20)  # a blocked open fails the test instead of hanging the suite
    assert found == [cache_key([base], FORMAT)]


def test_a_memo_too_big_to_be_read_back_is_not_written(base, tmp_path, monkeypatch):
    memo = tmp_path / "memo"
    monkeypatch.setattr(fingerprint, "_MEMO_LIMIT", 100)
    cache_key([base], FORMAT, memo)
    assert not memo.exists()


def test_the_layout_and_the_path_as_given_are_part_of_the_key(base, tmp_path):
    link = tmp_path / "link.toml"
    link.symlink_to(base)
    assert len({cache_key([base], FORMAT), cache_key([base], FORMAT, layout="1"), cache_key([link], FORMAT)}) == 3


def test_the_code_stamp_names_every_module_that_compiles_a_base(tmp_path):
    # A compiled base is only as current as the code that built it: every cityai module a cold
    # load imports must join the key (errors.py only words messages; __init__ is the version).
    import subprocess
    import sys

    from conftest import MINI

    script = (
        "import sys; from pathlib import Path; from cityai_cli.core.cache import store; "
        f"store.open_base(Path({str(MINI)!r})); "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('cityai_cli.'))))"
    )
    env = {**os.environ, "CITYAI_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert list(tmp_path.glob("*.sqlite3")), "the run was cold: it compiled and wrote the base"
    package = Path(cityai_cli.__file__).parent
    loaded = {name.split(".", 1)[1].replace(".", "/") + ".py" for name in done.stdout.split()}
    modules = {name for name in loaded if (package / name).is_file()}  # packages (their __init__) aside
    assert loaded - modules == {"core.py", "core/base.py", "core/cache.py", "core/figures.py"}
    assert all((package / name).is_file() for name in fingerprint._COMPILERS)
    assert modules - {"core/errors.py"} <= set(fingerprint._COMPILERS)


def _stored_value_modules():
    """The modules whose functions compute what the cache stores beyond the records' fields:
    each fact's citations as text, its headline and conflict marks, the tables' rows."""
    import inspect

    from cityai_cli.core.cache import compiled
    from cityai_cli.core.figures import rules
    from cityai_cli.core.packed import join_texts
    from cityai_cli.core.records import citations_text

    package = Path(cityai_cli.__file__).parent
    functions = [citations_text, join_texts, rules.headline, rules.contradicted, compiled.write]
    return sorted({Path(inspect.getfile(f)).relative_to(package).as_posix() for f in functions})


@pytest.mark.parametrize("module", sorted({*_stored_value_modules(), *fingerprint._COMPILERS}))
@pytest.mark.parametrize("change", ["size", "mtime"])
def test_editing_a_module_that_computes_a_stored_value_changes_the_key(base, monkeypatch, module, change):
    # The stamp reads each compiling module's size and modification time: an edit to any of
    # them (an editable install) makes a new key, so a cache written by the old code is never read.
    before = cache_key([base], FORMAT)
    target = Path(cityai_cli.__file__).resolve().parent / module
    real_stat = os.stat

    class Edited:
        def __init__(self, status):
            self.st_size = status.st_size + (change == "size")
            self.st_mtime_ns = status.st_mtime_ns + (change == "mtime")

    def stat(path, *args, **kwargs):
        status = real_stat(path, *args, **kwargs)
        return Edited(status) if Path(path) == target else status

    monkeypatch.setattr(fingerprint.os, "stat", stat)
    assert module in fingerprint._COMPILERS
    assert cache_key([base], FORMAT) != before


def test_a_missing_builtin_sha256_is_looked_up_once_not_for_every_file(monkeypatch):
    # Python 3.11 has no _sha2: a failed import is not remembered, so it was retried per file
    # (3.5 s of an 11 s cold run over 20,000 files).
    import builtins
    import hashlib

    real_import = builtins.__import__
    tried = []

    def failing(name, *args, **kwargs):
        if name in ("_sha2", "_sha256"):
            tried.append(name)
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(fingerprint, "_BUILTIN", [], raising=False)
    monkeypatch.setattr(builtins, "__import__", failing)
    digests = [fingerprint.sha256(3, b"abc").hexdigest() for _ in range(5)]
    assert digests == [hashlib.sha256(b"abc").hexdigest()] * 5
    assert tried == ["_sha2" if sys.version_info >= (3, 12) else "_sha256"]  # the name this Python has, once
