"""`cityai` (the console script) and `python -m cityai_cli`: the command line, started and ended
without work that a short-lived process does not need.

Two measures, each worth milliseconds on every call (`benchmarks/bench.py` measures them):
- The cyclic garbage collector stays off for the run. Importing Typer alone allocates enough to
  trigger several full collections, and a command's own data (facts, rows) holds no reference
  cycles, so the collector would only scan; peak memory is unchanged (measured on a cold load of
  a 3,000-place base).
- Once the output is flushed, the process ends with `os._exit`: tearing the interpreter down
  (every module of Typer and what it imported) only frees memory that the system takes back
  anyway. Functions registered with `atexit` still run first.
`cityai_cli.cli.main` is the same command line for use inside a Python process.
"""

import gc
import os
import sys
from typing import Union


def run() -> None:
    gc.disable()
    try:
        # lazy: the garbage collector is set up before anything else is imported
        from .cli import run_command_line

        code = run_command_line()
    except KeyboardInterrupt:
        # Ctrl-C while Typer and the rest are imported ended in a traceback of some import; the
        # status is the shell's for SIGINT (128 + 2), as it is once the command runs
        code = 130
    finish(code)


def exit_status(code: Union[str, int, None]) -> int:
    """What `sys.exit(code)` would make of it: None is 0, a number is itself, anything else is
    printed on stderr and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    try:
        sys.stderr.write(f"{code}\n")
    except (OSError, ValueError, AttributeError):
        pass
    return 1


def finish(code: Union[str, int, None]) -> None:
    """Flush what is buffered, run the atexit functions, and end the process without teardown."""
    # lazy: the garbage collector is set up before anything else is imported
    import atexit

    status = exit_status(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass  # run_command_line has already reported a failed stdout
    atexit._run_exitfuncs()
    os._exit(status)


if __name__ == "__main__":
    run()
