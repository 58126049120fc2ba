"""cityai_cli/cli/shell.py: errors become messages and exit codes in one place (`report`), and a
command line that names a command builds only that command (`app_for`)."""

from __future__ import annotations

import io

import pytest
import typer

from cityai_cli.cli import app
from cityai_cli.cli.context import Environment
from cityai_cli.cli.shell import app_for, report, write_pieces
from cityai_cli.core.errors import EXIT_DATA, EXIT_USAGE, DataError, Problem, UsageError


def test_report_words_each_error_and_returns_its_exit_code():
    err = io.StringIO()
    env = Environment(stdout=io.StringIO(), stderr=err)
    assert report(env, UsageError("unknown place '火星'", ["深圳"])) == EXIT_USAGE == 2
    assert report(env, DataError([Problem("a.toml", "bad", 3), Problem("b.toml", "\x1b[31mred")])) == EXIT_DATA == 1
    assert err.getvalue() == (
        "Error: unknown place '火星' (did you mean: 深圳?)\nError: a.toml:3: bad\nError: b.toml: \\x1b[31mred\n"
    )


def test_app_for_a_command_holds_that_command_alone_and_leaves_the_app_whole():
    before = [info.name for info in app.registered_commands]
    rank = app_for("rank")
    assert [info.name for info in rank.registered_commands] == ["rank"] and rank.registered_groups == []
    assert [info.name for info in app_for("sources").registered_groups] == ["sources"]
    assert app_for(None) is app and app_for("火星") is app
    assert [info.name for info in app.registered_commands] == before


def test_write_pieces_writes_each_piece_as_it_is_made():
    out = io.StringIO()
    env = Environment(stdout=out, stderr=io.StringIO())
    seen = []

    def pieces():
        for n in range(3):
            seen.append(out.getvalue())
            yield f"{n}\n"

    write_pieces(env, pieces())
    assert (seen, out.getvalue(), env.written) == (["", "0\n", "0\n1\n"], "0\n1\n2\n", True)


def test_write_pieces_checks_a_narrow_encoding_on_the_whole_output_before_writing():
    raw = io.BytesIO()
    env = Environment(stdout=io.TextIOWrapper(raw, encoding="ascii"), stderr=io.StringIO())
    with pytest.raises(DataError) as raised:
        write_pieces(env, iter(["place\n", "a\n" * 100_000, "深圳\n"]))
    assert (raw.getvalue(), env.written) == (b"", False)
    assert raised.value.lines() == [
        "output: cannot print Chinese text in the ascii encoding; "
        "set PYTHONIOENCODING=utf-8 or use a UTF-8 locale such as LANG=C.UTF-8"
    ]


def test_write_pieces_stops_quietly_when_the_reader_has_gone():
    class Closing(io.StringIO):
        def write(self, text):
            if self.tell():
                raise BrokenPipeError
            return super().write(text)

    env = Environment(stdout=Closing(), stderr=io.StringIO())
    with pytest.raises(typer.Exit) as raised:
        write_pieces(env, iter(["first\n", "second\n"]))
    assert (raised.value.exit_code, env.stdout.getvalue()) == (0, "first\n")


def test_rows_are_made_as_they_are_written_for_csv_and_json_without_a_picture():
    from pathlib import Path

    from cityai_cli.cli.context import OutputOptions
    from cityai_cli.cli.shell import Format, streamed

    env = Environment(stdout=io.StringIO(), stderr=io.StringIO())  # not a terminal: CSV is implied
    formats = (None, Format.csv, Format.json, Format.table, Format.markdown)
    assert [streamed(env, fmt) for fmt in formats] == [True, True, True, False, False]
    for picture in ({"svg": Path("x.svg")}, {"html": Path("x.html")}):
        env.output = OutputOptions(**picture)
        assert streamed(env, Format.csv) is streamed(env, Format.json) is False
