"""cityai_cli/__main__.py: the console script ends the process itself (os._exit after flushing),
so nothing may be lost on the way out: output, exit status, atexit functions."""

import subprocess
import sys

import pytest

from cityai_cli.__main__ import exit_status
from conftest import MINI, run_process

M = str(MINI)


@pytest.mark.parametrize(
    "code, status, said", [(None, 0, ""), (0, 0, ""), (2, 2, ""), (True, 1, ""), ("Aborted!", 1, "Aborted!\n")]
)
def test_exit_status_is_what_sys_exit_would_make_of_it(capsys, code, status, said):
    assert exit_status(code) == status
    assert capsys.readouterr().err == said


@pytest.mark.bundled
@pytest.mark.parametrize(
    "args",
    [
        ("list", "--level", "all", "-f", "json"),
        ("policies", "-f", "csv"),
        ("show", "深圳", "-f", "markdown"),
        ("rank", "--by", "产业规模", "--all", "-f", "table", "--width", "100"),
    ],
)
def test_a_process_writes_everything_the_command_line_does_in_process(cli, args):
    expected = cli(*args)
    result = run_process(*args)
    assert (result.returncode, result.stderr) == (0, b"")
    # Click's test runner reads "\r\n" (CSV line ends) as "\n"
    assert result.stdout.decode("utf-8").replace("\r\n", "\n") == expected.stdout
    assert len(result.stdout) > 1000


@pytest.mark.parametrize(
    "args, code, message",
    [
        (("rank", "--by", "nonsense", "--data", M), 2, b"Error: unknown metric 'nonsense'"),
        (("list", "--data", "/nonexistent/base.toml"), 1, b"Error: /nonexistent/base.toml"),
    ],
)
def test_a_process_keeps_the_exit_status_and_the_message(args, code, message):
    result = run_process(*args)
    assert result.returncode == code
    assert result.stderr.startswith(message)
    assert result.stdout == b""


def test_atexit_functions_still_run():
    program = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('registered function ran\\n'))\n"
        "sys.argv = ['cityai', '--version']\n"
        "from cityai_cli.__main__ import run\n"
        "run()\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, b"cityai 0.1.0\n", b"registered function ran\n")


def test_ctrl_c_while_starting_is_status_130_without_a_traceback():
    # SIGINT 30-80 ms after start landed in an import (lzma, enum …) and printed its traceback
    program = (
        "import sys\n"
        "import cityai_cli.cli as cli\n"
        "def interrupted():\n"
        "    raise KeyboardInterrupt\n"
        "cli.run_command_line = interrupted\n"
        "from cityai_cli.__main__ import run\n"
        "run()\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (130, b"", b"")


def test_the_console_script_is_the_fast_entry():
    from importlib import metadata

    found = metadata.entry_points()
    scripts = found.select(group="console_scripts") if hasattr(found, "select") else found["console_scripts"]
    assert [entry.value for entry in scripts if entry.name == "cityai"] == ["cityai_cli.__main__:run"]


def test_a_file_error_no_command_anticipated_names_the_file_not_the_output(monkeypatch, capsys):
    import errno
    import os

    import cityai_cli.core.cache.store
    from cityai_cli.cli.run import run_command_line

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), "/kb/places.toml")

    monkeypatch.setattr(cityai_cli.core.cache.store, "open_base", refuse)
    monkeypatch.setattr(sys, "argv", ["cityai", "list", "-f", "csv", "--data", M])
    assert run_command_line() == 1
    assert capsys.readouterr() == ("", f"Error: /kb/places.toml: {os.strerror(errno.EACCES)}\n")


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["rank", "--by", "x"], "rank"),
        (["--data", "a.toml", "list"], "list"),
        (["--with=b", "show", "深圳"], "show"),
        (["--version"], None),
        (["--data", "a.toml"], None),
        ([], None),
        (["-h", "rank"], None),
    ],
)
def test_the_command_a_command_line_names(argv, name):
    from cityai_cli.cli.run import command_name

    assert command_name(argv) == name
