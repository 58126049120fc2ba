"""Running the command line in this process: only the command named built (`shell.app_for`), and
output that fails to write ending as a message and an exit status, never a traceback."""

import contextlib
import importlib
import os
import sys
from typing import IO, List, Optional, Union, cast

from ..core.errors import EXIT_DATA, EXIT_USAGE, bounded
from ..core.text import one_line
from .context import Environment, VisibleStream
from .shell import app, app_for, discard_stdout

# The commands each command module registers, in the order `--help` lists them: a command line
# that names a command imports only its module (defining the others' options cost ~2 ms of every
# start). tests/test_cli_run.py checks the table against what each module registers.
COMMAND_MODULES = {
    "queries.list_command": ("list",),
    "queries.show_command": ("show",),
    "queries.compare_command": ("compare", "diff"),
    "queries.rank_command": ("rank",),
    "queries.subsidies_command": ("subsidies", "funds"),
    "queries.targets_command": ("targets",),
    "queries.conflicts_command": ("conflicts",),
    "queries.policies_command": ("policies",),
    "knowledge_base": ("sources", "metrics", "types", "cite", "extract", "schema", "validate", "export"),
}
_ORDER = {command: i for i, command in enumerate(c for commands in COMMAND_MODULES.values() for c in commands)}


def register_commands(name: Optional[str]) -> None:
    """Register the command `name`, or every command when `name` is None or no command's
    (--help, --version, a typo: Typer lists or suggests them all), in the order of --help
    whatever this process registered before."""
    declaring = [module for module, commands in COMMAND_MODULES.items() if name in commands]
    for module in declaring or COMMAND_MODULES:
        importlib.import_module(f".{module}", __package__)
    if not declaring:
        app.registered_commands.sort(key=lambda info: _ORDER.get(info.name or "", len(_ORDER)))


def main() -> None:
    """Run the command line in this process and exit with its status (the `cityai` console
    script and `python -m cityai_cli` use `__main__.run`, which ends the process faster)."""
    sys.exit(run_command_line())


def run_command_line() -> Union[str, int, None]:
    """The command line's exit status, as `SystemExit.code` would carry it. Failing to write
    (stdout closed, full or gone) is a message and exit 1 (exit 0 for a reader that left, as
    `head` does), never a traceback, also for --help and for what Python would otherwise flush
    at exit."""
    if sys.stdout is None:  # started with stdout closed (`cityai list >&-`)
        _say("Error: output: standard output is closed")
        return EXIT_DATA
    code: Union[str, int, None] = 0
    try:
        guarded = cast(IO[str], VisibleStream(sys.stderr)) if sys.stderr is not None else None
        env = Environment(stderr=guarded) if guarded is not None else Environment()
        name = None if _completing() else command_name(sys.argv[1:])
        register_commands(name)
        app = app_for(name)
        app(prog_name="cityai", obj=env)
    except SystemExit as done:
        code = done.code
    except OSError as error:
        # A failed write to stdout names no file; a file that fails to open or list does (one no
        # command anticipated): say which, rather than blame the output.
        code = _output_failed(error) if error.filename is None else _file_failed(error)
    except Exception as error:
        if not _completing():
            raise
        # Typer reads the shell's request (COMP_WORDS, COMP_CWORD …) before any of cityai's code
        # runs, and a malformed one raises there; a shell never sends one, a person trying may.
        _say(f"Error: shell completion: malformed request ({type(error).__name__}: {error})")
        code = EXIT_USAGE
    try:
        sys.stdout.flush()
    except (OSError, ValueError) as error:
        code = _output_failed(error) if code in (0, None) else code
    return code


def command_name(argv: List[str]) -> Optional[str]:
    """The command a command line names, if it names one before any option of its own."""
    position = 0
    while position < len(argv):
        word = argv[position]
        if word in ("--data", "--with"):  # the global options taking a value
            position += 2
        elif word.startswith(("--data=", "--with=")):
            position += 1
        elif word.startswith("-"):
            return None
        else:
            return word
    return None


def _completing() -> bool:
    """Whether the shell asked for completions (Typer reads _CITYAI_COMPLETE) rather than a command."""
    return any(key.startswith("_CITYAI_COMPLETE") for key in os.environ)


def _file_failed(error: OSError) -> int:
    _say(f"Error: {error.filename}: {error.strerror or error}")
    return EXIT_DATA


def _output_failed(error: Exception) -> int:
    discard_stdout(sys.stdout)
    if isinstance(error, BrokenPipeError):
        return 0
    _say(f"Error: output: cannot write: {getattr(error, 'strerror', None) or error}")
    return EXIT_DATA


def _say(message: str) -> None:
    """A message on stderr if there is one that works: one line, escaped and cut as every message
    is (it may quote a file name or the shell's request)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(bounded(one_line(message)) + "\n")
        sys.stderr.flush()
