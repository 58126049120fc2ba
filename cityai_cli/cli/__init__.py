"""The `cityai` command: parse arguments, call the core, pick a view and a renderer, map errors.

Its modules are listed in docs/architecture.md. None has `from __future__ import annotations`:
Typer before 0.24, the newest on Python 3.9, reads `Annotated` option metadata only from
evaluated annotations. The two command modules register their commands on `app` when imported,
in the order `--help` lists them.
"""

# The order of registration is the order of --help: kept as written.
# isort: off
from . import queries  # noqa: F401 - registers list, show, compare … policies
from . import knowledge_base  # noqa: F401 - registers sources, metrics … export

# isort: on
from .run import main, run_command_line
from .shell import app

__all__ = ["app", "main", "run_command_line"]
