"""The `cityai` command: parse arguments, call the core, pick a view and a renderer, map errors.

Its modules are listed in docs/architecture.md. None has `from __future__ import annotations`:
Typer before 0.24, the newest on Python 3.9, reads `Annotated` option metadata only from
evaluated annotations. The command modules (queries/, one per query command, and knowledge_base)
register their commands on `app` when imported: a command line that names a command imports only
the module registering it (`run.register_commands`); `app` here has all, in the order of --help.
"""

from typing import Any

from .run import main, run_command_line

__all__ = ["app", "main", "run_command_line"]


def __getattr__(name: str) -> Any:
    """`app`, every command registered (imported on first use, PEP 562)."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from .run import register_commands  # lazy: registering every command costs start-up

    register_commands(None)
    from .shell import app  # lazy: after the registration above

    return app
