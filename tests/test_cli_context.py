"""cityai_cli/cli/context.py: a command writes to the streams of the Environment it is given, and
takes the options before the command name from it; nothing is kept on classes between calls."""

from __future__ import annotations

import io

from typer.testing import CliRunner

from cityai_cli.cli import app
from cityai_cli.cli.context import Environment, OutputOptions
from conftest import MINI


def _invoke(env: Environment, *args: str):
    try:  # click < 8.2 (installed on Python 3.9) mixes stderr into stdout unless told not to
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg,unused-ignore]
    except TypeError:
        runner = CliRunner()
    return runner.invoke(app, list(args), obj=env, catch_exceptions=False)


def test_a_command_writes_to_the_environments_streams():
    out, err = io.StringIO(), io.StringIO()
    result = _invoke(Environment(stdout=out, stderr=err), "--data", str(MINI), "rank", "--by", "企业数", "-f", "csv")
    assert result.exit_code == 0 and result.stdout == ""
    assert out.getvalue().splitlines()[0].startswith("rank,place,")
    assert err.getvalue() == ""


def test_an_error_goes_to_the_environments_stderr_with_its_exit_code():
    out, err = io.StringIO(), io.StringIO()
    result = _invoke(Environment(stdout=out, stderr=err), "--data", str(MINI), "show", "火星")
    assert (result.exit_code, out.getvalue()) == (2, "")
    assert err.getvalue().startswith("Error: ") and err.getvalue().count("\n") == 1


def test_the_options_before_the_command_name_are_the_environments():
    env = Environment(stdout=io.StringIO(), stderr=io.StringIO())
    assert _invoke(env, "--data", str(MINI), "list", "-f", "csv").exit_code == 0
    assert (env.data, env.layers) == (MINI, [])
    assert len(env.opened) == 1  # the base the command loaded


def test_output_options_are_the_running_commands_only():
    env = Environment(stdout=io.StringIO(), stderr=io.StringIO())
    _invoke(env, "--data", str(MINI), "list", "-f", "csv", "--width", "60")
    assert env.output == OutputOptions(width=60)
    again = Environment(stdout=io.StringIO(), stderr=io.StringIO())
    _invoke(again, "--data", str(MINI), "list", "-f", "csv")
    assert again.output == OutputOptions()


def test_clicks_own_usage_errors_go_to_the_environments_stderr_escaped():
    out, err = io.StringIO(), io.StringIO()
    result = _invoke(Environment(stdout=out, stderr=err), "rank", "--\u202eabc")
    assert (result.exit_code, result.stdout, result.stderr, out.getvalue()) == (2, "", "", "")
    assert err.getvalue().splitlines()[-1].startswith("Error: No such option: --\u202eabc")  # as given: the
    # Environment's stream is the caller's; the command line's own is VisibleStream (below)


def test_the_visible_stream_escapes_bidi_and_control_characters_but_keeps_lines():
    from cityai_cli.cli.context import VisibleStream

    sink = io.StringIO()
    VisibleStream(sink).write("Error: No such option: --\u202eabc\x1b[2J\n\tnext")
    assert sink.getvalue() == "Error: No such option: --\\u202eabc\\x1b[2J\n\tnext"
