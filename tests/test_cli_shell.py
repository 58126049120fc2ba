"""cityai_cli/cli/shell.py: errors become messages and exit codes in one place (`report`), and a
command line that names a command builds only that command (`app_for`)."""
from __future__ import annotations

import io

from cityai_cli.cli import app
from cityai_cli.cli.context import Environment
from cityai_cli.cli.shell import app_for, report
from cityai_cli.core.errors import EXIT_DATA, EXIT_USAGE, DataError, Problem, UsageError


def test_report_words_each_error_and_returns_its_exit_code():
    err = io.StringIO()
    env = Environment(stdout=io.StringIO(), stderr=err)
    assert report(env, UsageError("unknown place '火星'", ["深圳"])) == EXIT_USAGE == 2
    assert report(env, DataError([Problem("a.toml", "bad", 3), Problem("b.toml", "\x1b[31mred")])) == EXIT_DATA == 1
    assert err.getvalue() == (
        "Error: unknown place '火星' (did you mean: 深圳?)\n"
        "Error: a.toml:3: bad\n"
        "Error: b.toml: \\x1b[31mred\n"
    )


def test_app_for_a_command_holds_that_command_alone_and_leaves_the_app_whole():
    before = [info.name for info in app.registered_commands]
    rank = app_for("rank")
    assert [info.name for info in rank.registered_commands] == ["rank"] and rank.registered_groups == []
    assert [info.name for info in app_for("sources").registered_groups] == ["sources"]
    assert app_for(None) is app and app_for("火星") is app
    assert [info.name for info in app.registered_commands] == before
