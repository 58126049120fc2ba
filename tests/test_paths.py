"""core/base/paths.py: which base a command reads (--data, CITYAI_DATA, bundled) and where its seeds
are: a seed may not leave the seeds directory, through a path or a link."""

import os
import subprocess
import sys

import pytest

from cityai_cli.core.base import reading as kb
from conftest import HANG_TIMEOUT, MINI, assert_clean, assert_clean_failure, run_process

MINI_TEXT = MINI.read_text(encoding="utf-8")


@pytest.fixture
def seeded(here):
    """base.toml beside seeds/mini.txt; write(file=…) replaces the first source's file name."""
    (here / "seeds").mkdir()
    (here / "seeds" / "mini.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())

    def write(filename):
        text = MINI_TEXT.replace('file = "mini.txt"', f"file = {filename!r}".replace("'", '"'), 1)
        (here / "base.toml").write_text(text, encoding="utf-8")
        return here

    return write


def validate_problems(cli, cwd):
    result = cli("validate", "base.toml")
    assert result.code == 1 and "Traceback" not in result.stderr
    return result.stdout.splitlines()


OUTSIDE = "must be a plain file name inside seeds/ (no absolute path, no ..)"


@pytest.mark.parametrize("filename", ["../../../../../../etc/passwd", "/etc/passwd", "sub/../../mini.txt"])
def test_seed_path_may_not_leave_the_seeds_directory(cli, seeded, filename):
    seeded(filename)
    quoted = repr(filename)
    assert validate_problems(cli, None)[0] == f"base.toml:49: sources.mini.file: source document {quoted} {OUTSIDE}"


def test_seed_link_leaving_the_seeds_directory(cli, seeded, here):
    seeded("link.txt")
    (here / "secret.txt").write_text("甲市现有人工智能企业超2800家", encoding="utf-8")
    os.symlink(here / "secret.txt", here / "seeds" / "link.txt")
    assert validate_problems(cli, here)[0] == (
        "base.toml:49: sources.mini.file: source document 'link.txt' leaves the seeds directory seeds (a link?)"
    )


def test_a_seeds_directory_that_is_a_link_is_refused(cli, here):
    """`seeds -> /` would hold every file of the machine inside it: the link itself is refused,
    by validate's quote check and by every command, which checks the quotes as validate does."""
    (here / "elsewhere").mkdir()
    (here / "elsewhere" / "mini.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())
    (here / "a").mkdir()
    (here / "a" / "base.toml").write_text(MINI_TEXT, encoding="utf-8")
    os.symlink(here / "elsewhere", here / "a" / "seeds")
    result = cli("validate", "a/base.toml")
    assert result.code == 1 and result.stdout.splitlines()[0] == (
        "a/base.toml:49: sources.mini.file: source document 'mini.txt' is in a/seeds, a symbolic link; "
        "seeds/ must be a directory of the base"
    )
    result = cli("cite", "乙", "企业数", "--data", "a/base.toml", "-f", "json")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr.splitlines()[0] == (
        "Error: a/base.toml:49: sources.mini.file: source document 'mini.txt' is in a/seeds, a symbolic link; "
        "seeds/ must be a directory of the base"
    )


def test_seed_not_utf8_or_not_regular_or_too_big(cli, seeded, here, monkeypatch):
    seeded("latin.txt")
    (here / "seeds" / "latin.txt").write_bytes("甲市".encode("utf-8") + b"\n\xff")
    assert validate_problems(cli, here)[0] == (
        "base.toml:49: sources.mini.file: source document 'latin.txt' is not UTF-8 (byte 0xff at line 2, column 1)"
    )
    seeded("adir")
    (here / "seeds" / "adir").mkdir()
    assert validate_problems(cli, here)[0] == "base.toml:49: sources.mini.file: source document 'adir' is a directory"
    if hasattr(os, "mkfifo"):
        seeded("fifo.txt")
        os.mkfifo(here / "seeds" / "fifo.txt")
        assert validate_problems(cli, here)[0] == (
            "base.toml:49: sources.mini.file: source document 'fifo.txt' is not a regular file"
        )
    seeded("mini.txt")
    monkeypatch.setattr(kb, "MAX_SEED_BYTES", 10)
    size = (here / "seeds" / "mini.txt").stat().st_size
    assert validate_problems(cli, here)[0] == (
        f"base.toml:49: sources.mini.file: source document 'mini.txt' is {size:,} bytes; "
        "a source document may be at most 10 bytes"
    )


def test_seeds_one_level_up_are_found_from_a_relative_path_too(here):
    # the checkout's layout, data/cities.toml and seeds/, run from inside data/: `..` is one level up
    from conftest import run_process

    (here / "data").mkdir()
    (here / "data" / "base.toml").write_text(MINI_TEXT, encoding="utf-8")
    (here / "seeds").mkdir()
    (here / "seeds" / "mini.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())
    for cwd, path in ((here / "data", "base.toml"), (here, "data/base.toml"), (here, str(here / "data" / "base.toml"))):
        result = run_process("validate", path, cwd=cwd)
        assert (result.returncode, result.stderr) == (0, b""), (cwd, path, result.stdout)


def test_a_seed_with_a_chinese_name_is_found_under_an_ascii_locale(here):
    # LC_ALL=C without UTF-8 mode: the file system encoding is ASCII, "报告.txt" cannot be
    # encoded, and the document was "not found in seeds/" although seeds/ holds it (UTF-8 bytes).
    (here / "seeds").mkdir()
    (here / "seeds" / "报告.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())
    os.utime(here / "seeds" / "报告.txt", (1e9, 1e9))  # not racily new: the base is cached
    (here / "base.toml").write_text(MINI_TEXT.replace('file = "mini.txt"', 'file = "报告.txt"'), encoding="utf-8")
    env = {
        **os.environ,
        "LC_ALL": "C",
        "PYTHONUTF8": "0",
        "PYTHONIOENCODING": "utf-8",
        "CITYAI_CACHE_DIR": str(here / "cache"),
    }

    def ascii_run(*args):  # the arguments are ASCII too: the locale decodes them
        return subprocess.run(
            [sys.executable, "-m", "cityai_cli", *args], capture_output=True, env=env, cwd=here, timeout=HANG_TIMEOUT
        )

    for _ in range(2):  # cold, then from the cache
        done = ascii_run("--data", "base.toml", "cite", "Jia", "industry_scale", "-f", "csv")
        assert_clean(done, 0)
        assert "[[产业规模3600亿元]]" in done.stdout.decode("utf-8")
    assert list((here / "cache").glob("*.sqlite3"))
    assert_clean(ascii_run("validate", "base.toml"), 0)


M = str(MINI)


def test_environment_variable_selects_the_base(cli, here):
    expected = cli("list", "--data", M, "-f", "csv").stdout
    assert [line.split(",")[0] for line in expected.splitlines()] == ["place", "测区", "甲", "乙", "丙", "丁"]
    by_env = cli("list", "-f", "csv", env={"CITYAI_DATA": M})
    assert (by_env.code, by_env.stdout, by_env.stderr) == (0, expected, "")
    assert_clean_failure(cli("list", env={"CITYAI_DATA": "gone.toml"}), 1, "Error: gone.toml: no such file\n")
    # --data wins over the environment.
    assert cli("list", "-f", "csv", "--data", M, env={"CITYAI_DATA": "gone.toml"}).stdout == expected


def test_data_before_the_command_wins_over_the_environment(cli, here):
    """`cityai --data FILE list` names the base as explicitly as `cityai list --data FILE`."""
    expected = cli("list", "--data", M, "-f", "csv").stdout
    result = cli("--data", M, "list", "-f", "csv", env={"CITYAI_DATA": "gone.toml"})
    assert (result.code, result.stdout, result.stderr) == (0, expected, "")


def test_environment_variable_in_a_subprocess(here):
    result = run_process("sources", "-f", "csv", env={"CITYAI_DATA": M}, cwd=here)
    assert result.returncode == 0
    assert result.stdout.decode("utf-8").splitlines()[1:] == [
        f"mini,三城数据,测试,2025-03-01,day,mini.txt,,,{M},6,1,3",
        f"mini-late,三城数据(再版),测试,2025-04-01,day,mini.txt,,,{M},8,1,1",
    ]


def test_empty_environment_variables_mean_the_bundled_base(cli, here):
    bundled = cli("list", "-f", "csv")
    assert bundled.code == 0
    for name in ("CITYAI_DATA", "CITYAI_WITH"):
        result = cli("list", "-f", "csv", env={name: ""})
        assert (result.code, result.stdout, result.stderr) == (0, bundled.stdout, "")


@pytest.mark.parametrize(
    "args, name",
    [
        (["--data", "", "list"], "--data"),
        (["list", "--data", ""], "--data"),
        (["list", "--data="], "--data"),
        (["--with", "", "list"], "--with"),
        (["list", "--data", M, "--with", M, "--with", ""], "--with"),
        (["cite", "甲", "企业数", "--data", ""], "--data"),
        (["validate", "--data", ""], "--data"),
        (["export", "--sqlite", "", "--force", "--data", M], "--sqlite"),
        (["rank", "--by", "企业数", "-f", "table", "--svg", "", "--data", M], "--svg"),
        (["rank", "--by", "企业数", "-f", "table", "--html", "", "--data", M], "--html"),
        (["extract", "", "--data", M], "FILE"),
        (["validate", ""], "FILE"),
        (
            [
                "sources",
                "add",
                "",
                "--id",
                "x",
                "--title",
                "t",
                "--publisher",
                "p",
                "--published",
                "2025",
                "--data",
                "my.toml",
            ],
            "FILE",
        ),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_an_empty_path_is_a_usage_error(cli, here, args, name):
    """An empty path would mean the working directory (`--data ''` read ./pyproject.toml)."""
    assert_clean_failure(cli(*args), 2, f"Error: {name} needs a value, got an empty one\n")
    assert list(here.iterdir()) == []


@pytest.mark.parametrize(
    "args, name",
    [
        (["export", "--sqlite", "-", "--force", "--data", M], "--sqlite"),
        (["rank", "--by", "企业数", "--svg", "-", "--data", M], "--svg"),
        (["list", "--html", "-", "--data", M], "--html"),
        (["extract", "-", "--data", M], "FILE"),
        (["--data", "-", "list"], "--data"),
        (["list", "--with", "-"], "--with"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_a_dash_is_no_standard_stream(cli, here, args, name):
    # `export --sqlite -` wrote a file named "-" (and -.metadata.json) where stdout was meant
    message = f"Error: {name}: cityai reads and writes files, not standard input or output; give a file name\n"
    assert_clean_failure(cli(*args), 2, message)
    assert list(here.iterdir()) == []


def test_chinese_arguments_under_an_ascii_locale_are_read_as_utf8(here):
    # LC_ALL=C without UTF-8 mode decodes argv as ASCII: 企业数 and 甲 were surrogates, and a name
    # not found as typed went to OpenCC, which raised (a traceback); --as-of ２０２５ was refused
    env = {
        **os.environ,
        "LC_ALL": "C",
        "PYTHONUTF8": "0",
        "PYTHONIOENCODING": "utf-8",
        "CITYAI_CACHE_DIR": str(here / "cache"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "cityai_cli", "--data", str(MINI), "cite", "甲", "企业数", "-f", "csv"],
        capture_output=True,
        env=env,
        timeout=HANG_TIMEOUT,
    )
    assert_clean(done, 0)
    assert done.stdout.decode("utf-8").splitlines()[1].startswith("甲,甲,ai_enterprises,")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cityai_cli",
            "--data",
            str(MINI),
            "rank",
            "--by",
            "企业数",
            "--as-of",
            "２０２５",
            "-f",
            "csv",
        ],
        capture_output=True,
        env=env,
        timeout=HANG_TIMEOUT,
    )
    assert_clean(done, 0)
    not_utf8 = subprocess.run(
        [sys.executable, "-m", "cityai_cli", "--data", str(MINI), "show", b"\xff\xfe"],
        capture_output=True,
        env=env,
        timeout=HANG_TIMEOUT,
    )
    assert (not_utf8.returncode, not_utf8.stderr) == (
        2,
        b"Error: unknown place '\\udcff\\udcfe'; see cityai list --level all\n",
    )


def test_seed_signatures_name_the_file_found_first_and_its_status(tmp_path):
    # seed_signatures: the first folder holding the name wins, even as a dangling link (whose
    # status is its error); a bare name and a name with a folder are looked up alike; a name
    # that leaves the seeds folder is never looked up.
    import errno

    from cityai_cli.core.base.paths import plain_seed_name, seed_signatures

    kb = tmp_path / "kb"
    (kb / "seeds" / "sub").mkdir(parents=True)
    (tmp_path / "seeds").mkdir()
    (kb / "seeds" / "a.txt").write_text("甲", encoding="utf-8")
    (kb / "seeds" / "sub" / "b.txt").write_text("乙乙", encoding="utf-8")
    (tmp_path / "seeds" / "c.txt").write_text("丙丙丙", encoding="utf-8")
    os.symlink("missing.txt", kb / "seeds" / "c.txt")  # shadows ../seeds/c.txt
    origin = str(kb)
    signatures = seed_signatures(
        [("a.txt", origin), ("sub/b.txt", origin), ("c.txt", origin), ("../x.txt", origin)], (kb,)
    )
    a, b = (os.stat(kb / "seeds" / name) for name in ("a.txt", "sub/b.txt"))
    assert signatures == [
        ["a.txt", origin, os.path.join(kb / "seeds", "a.txt"), 3, a.st_mtime_ns, a.st_ctime_ns, a.st_ino],
        ["sub/b.txt", origin, os.path.join(kb / "seeds", "sub/b.txt"), 6, b.st_mtime_ns, b.st_ctime_ns, b.st_ino],
        ["c.txt", origin, os.path.join(kb / "seeds", "c.txt"), errno.ENOENT],
        ["../x.txt", origin, None],
    ]
    assert [plain_seed_name(n) for n in ("a.txt", "报告.txt", "sub/b.txt", "a..b.txt")] == [True, True, True, True]
    assert [plain_seed_name(n) for n in ("", "..", "../a", "/etc/passwd", "a\\b", "a\0b", "sub/../../a")] == [False] * 7
