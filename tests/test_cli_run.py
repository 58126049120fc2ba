"""cli/run.py: running a command line in this process: output that cannot be written (full disk,
closed pipe, ASCII locale), a deleted working directory, shell completion."""

import os
import subprocess
import sys

import pytest

from conftest import MINI, run_process

M = str(MINI)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["--help"],
        ["list", "--help"],
        ["show", "甲", "-f", "json"],
        ["rank", "--by", "产业规模", "-f", "markdown"],
        ["--version"],
    ],
)
def test_full_disk(args):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "cityai_cli",
                *args,
                *(["--data", M] if len(args) > 1 and not args[-1].startswith("--") else []),
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    assert (result.returncode, result.stderr) == (1, b"Error: output: cannot write: No space left on device\n")


def test_stdout_closed():
    result = subprocess.run(
        [sys.executable, "-m", "cityai_cli", "list", "--data", M],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )
    assert (result.returncode, result.stderr) == (1, b"Error: output: standard output is closed\n")


def test_deleted_working_directory(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    script = (
        f"import os, runpy, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); "
        f"sys.argv = ['cityai', 'list', '-f', 'csv', '--data', {M!r}]; runpy.run_module('cityai_cli', run_name='__main__')"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout.startswith(b"place,")


def test_closed_pipe_is_quiet():
    """The reader has gone before anything is written: no BrokenPipeError traceback, exit 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cityai_cli", "show", "甲", "--data", M, "-f", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    assert (process.wait(timeout=60), stderr) == (0, b"")


def test_a_note_on_stderr_to_a_reader_that_has_gone_is_dropped_quietly():
    """stdout and stderr one pipe (`2>&1 | head -1`), closed after the first line: show's note of
    the tables CSV left out cannot be written, and the command still ends as it did, exit 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cityai_cli", "show", "甲", "--data", M, "-f", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    first = process.stdout.readline()
    process.stdout.close()
    assert (process.wait(timeout=60), first.startswith(b"place,")) == (0, True)


def test_head_one():
    result = subprocess.run(
        ["sh", "-c", f'"{sys.executable}" -m cityai_cli list -f csv | head -1'], capture_output=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stderr == b""
    assert result.stdout.decode("utf-8") == (
        "place,place_label,level,level_label,province,city,regions,pinyin,english,"
        + ",".join(
            f"{m}_{k}"
            for m in ("ai_enterprises", "industry_scale", "compute_capacity")
            for k in ("value", "value_max", "unit", "bound", "text", "date", "date_precision", "scope", "shown")
        )
        + ",facts,policies,programmes\r\n"
    )
    assert result.stdout.count(b"\n") == 1


@pytest.mark.parametrize("fmt", ["csv", "table", "json", "markdown"])
def test_ascii_output_encoding(fmt):
    result = run_process("list", "-f", fmt, "--data", M, env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 1
    assert result.stdout == b""
    assert result.stderr == (
        b"Error: output: cannot print Chinese text in the ascii encoding; "
        b"set PYTHONIOENCODING=utf-8 or use a UTF-8 locale such as LANG=C.UTF-8\n"
    )


def test_c_locale_prints_chinese():
    expected = run_process("list", "-f", "csv", "--data", M, env={"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
    for env in ({"LANG": "C", "LC_ALL": "C"}, {"LANG": "C", "LC_ALL": "", "PYTHONIOENCODING": ""}):
        result = run_process("list", "-f", "csv", "--data", M, env=env)
        assert (result.returncode, result.stderr) == (0, b"")
        assert result.stdout == expected.stdout
        assert "\n甲,甲,city,市,测省," in result.stdout.decode("utf-8")


def test_a_file_error_from_the_system_is_escaped_and_cut():
    # ENAMETOOLONG comes from the system, not from cityai's checks: still one escaped, bounded line
    name = "/tmp/\x1b[31m\u202e" + "a" * 3000
    result = run_process("list", "--data", name)
    (line,) = result.stderr.decode("utf-8").splitlines()
    assert result.returncode == 1 and line.startswith("Error: /tmp/\\x1b[31m\\u202eaaa") and len(line) < 1100
    assert "characters left out" in line and "\x1b" not in line and "\u202e" not in line


def complete(words: str, shell: str = "zsh", data: str = M, cwd=None) -> str:
    env = {
        **os.environ,
        "_CITYAI_COMPLETE": f"complete_{shell}",
        "_TYPER_COMPLETE_ARGS": words,
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    env.pop("CITYAI_DATA", None)
    if data:
        env["CITYAI_DATA"] = data
    done = subprocess.run(
        [sys.executable, "-m", "cityai_cli"], capture_output=True, text=True, env=env, timeout=60, cwd=cwd
    )
    assert (done.returncode, done.stderr) == (0, "")
    return done.stdout


def test_completion_offers_places_metrics_types_and_commands():
    assert complete("cityai compare 甲", "bash").split() == ["甲"]
    assert '"industry_scale"' in complete("cityai rank --by ind")
    assert '"算力券"' in complete("cityai subsidies --type 算")
    assert '"compare"' in complete("cityai com")
    assert complete("cityai compare Al", "bash").split() == ["Alpha"]
    assert complete("cityai subsidies --type comp", "bash").splitlines() == ["compute voucher"]
    assert complete("cityai show 甲 --table p", "bash").split() == ["place", "policies"]
    assert complete("cityai extract doc.txt --table pro", "bash").split() == ["programmes"]


def test_completion_offers_the_names_of_the_base_the_command_line_names(tmp_path):
    # --data after or before the command name, and --with adding a place, as the command would load
    (tmp_path / "my.toml").write_text('[places."甲乙"]\nlevel = "city"\n', encoding="utf-8")
    assert complete(f"cityai compare --data {M} 甲", "bash", data="").split() == ["甲"]
    assert complete(f"cityai --data {M} compare 甲", "bash", data="").split() == ["甲"]
    assert complete(f"cityai --data={M} rank --by ind", "bash", data="").split() == ["industry_scale"]
    assert complete("cityai compare --with my.toml 甲", "bash", cwd=tmp_path).split() == ["甲", "甲乙"]
    assert complete("cityai --with my.toml compare 甲", "bash", cwd=tmp_path).split() == ["甲", "甲乙"]
    # a base that does not load offers nothing, and never a traceback
    assert complete("cityai compare --data /nonexistent 甲", "bash", data="").split() == []
    assert complete("cityai compare --with missing.toml 甲", "bash", cwd=tmp_path).split() == []


@pytest.mark.parametrize(
    ("request_", "why"),
    [
        (
            {"COMP_WORDS": "cityai compare 甲", "COMP_CWORD": "two"},
            "ValueError: invalid literal for int() with base 10: 'two'",
        ),
        ({"COMP_CWORD": "1"}, "KeyError: 'COMP_WORDS'"),
    ],
)
def test_a_malformed_completion_request_is_a_message_not_a_traceback(request_, why):
    # Typer parses these before cityai's code runs; a shell never sends them malformed
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMP_")}
    env.update({"_CITYAI_COMPLETE": "complete_bash", "CITYAI_DATA": M, **request_})
    done = subprocess.run([sys.executable, "-m", "cityai_cli"], capture_output=True, text=True, env=env, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        f"Error: shell completion: malformed request ({why})\n",
    )


def test_completion_offers_names_typed_in_lower_case_or_with_tone_marks():
    # Typer kept only items starting with the text typed: `al` and `jiā` offered nothing in the shell
    # although name_index.completions matched them as the resolver does
    assert complete("cityai compare al", "bash").split() == ["Alpha"]
    assert complete("cityai show jiā", "bash").split() == ["Jia"]
    assert complete("cityai subsidies --type COMP", "bash").splitlines() == ["compute voucher"]
    assert complete("cityai compare x", "bash").split() == []


def test_the_command_modules_table_names_what_each_module_registers():
    from cityai_cli.cli import app
    from cityai_cli.cli.run import COMMAND_MODULES

    registered: dict = {}
    for info in app.registered_commands:
        registered.setdefault(info.callback.__module__.removeprefix("cityai_cli.cli."), []).append(info.name)
    for group in app.registered_groups:
        module = group.typer_instance.registered_commands[0].callback.__module__
        registered.setdefault(module.removeprefix("cityai_cli.cli."), []).insert(0, group.name)
    assert {module: sorted(names) for module, names in registered.items()} == {
        module: sorted(names) for module, names in COMMAND_MODULES.items()
    }


ALL_COMMAND_MODULES = [
    *(
        f"queries.{name}_command"
        for name in ("list", "show", "compare", "rank", "subsidies", "targets", "conflicts", "policies")
    ),
    "knowledge_base",
]


@pytest.mark.parametrize(
    "args, imported",
    [
        (["rank", "--by", "产业规模", "-f", "csv"], ["queries.rank_command"]),
        (["--data", M, "compare", "甲", "乙", "-f", "csv"], ["queries.compare_command"]),
        (["--data", M, "diff", "甲", "乙", "-f", "csv"], ["queries.compare_command"]),
        (["funds", "-f", "csv"], ["queries.subsidies_command"]),
        (["metrics", "-f", "csv"], ["knowledge_base"]),
        (["--help"], ALL_COMMAND_MODULES),
        (["rnak"], ALL_COMMAND_MODULES),
    ],
)
def test_a_command_line_imports_only_the_module_of_its_command(args, imported):
    # Defining the other commands' options cost ~2 ms of every start; --help and a typo need all.
    probe = (
        "import sys, runpy; sys.argv = ['cityai'] + sys.argv[1:]\n"
        "from cityai_cli.cli import run_command_line\n"
        "import io, contextlib\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        "    run_command_line()\n"
        f"print([m for m in {ALL_COMMAND_MODULES!r} if 'cityai_cli.cli.' + m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, encoding="utf-8")
    assert done.stdout.strip().splitlines()[-1] == repr(imported), done.stderr


def test_help_lists_the_commands_in_one_order_whatever_this_process_ran_before():
    # Each command registers when its module is first imported: `policies` then `rank` register
    # first here, and --help still lists the commands as COMMAND_MODULES orders them.
    from cityai_cli.cli.run import COMMAND_MODULES

    probe = (
        "import sys, io, contextlib\n"
        "from cityai_cli.cli import run_command_line\n"
        "for argv in (['policies', '--help'], ['rank', '--help'], ['--help']):\n"
        "    sys.argv = ['cityai'] + argv\n"
        "    out = io.StringIO()\n"
        "    with contextlib.redirect_stdout(out):\n"
        "        run_command_line()\n"
        "print(out.getvalue())\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, encoding="utf-8")
    listed = done.stdout.split("Commands:\n", 1)[1].splitlines()
    names = [line.split()[0] for line in listed if line.startswith("  ") and line.split()]
    groups = ["sources"]  # Typer lists groups after the commands
    expected = [name for names in COMMAND_MODULES.values() for name in names if name not in groups]
    assert names == expected + groups, done.stderr
