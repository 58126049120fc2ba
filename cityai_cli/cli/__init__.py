"""The `cityai` command: parse arguments, call the core, pick a view and a renderer, map errors.

- `shell`: the app, the options every command shares, loading the base, emitting the output;
- `queries`: list, show, compare, rank, subsidies, funds, targets, conflicts, policies;
- `knowledge_base`: sources, metrics, types, cite, extract, schema, validate, export;
- `run`: the command line in this process, with its exit status;
- `context`: the Environment a command receives (streams, options, the bases it opened);
- `params`: the app, group and command classes (parameters converted without pydantic on every
  Typer, Click's errors shown escaped on the Environment's stderr).

No module here has `from __future__ import annotations`: Typer before 0.24, the newest on
Python 3.9, reads `Annotated` option metadata only from evaluated annotations.

The two command modules register their commands on `app` when imported, in the order `--help`
lists them.
"""

# The order of registration is the order of --help: kept as written.
# isort: off
from . import queries  # noqa: F401 - registers list, show, compare … policies
from . import knowledge_base  # noqa: F401 - registers sources, metrics … export

# isort: on
from .run import main, run_command_line
from .shell import app

__all__ = ["app", "main", "run_command_line"]
