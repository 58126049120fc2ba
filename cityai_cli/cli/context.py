"""What a command takes from outside, in one object passed down (as httpie's `Environment`): the
streams it writes to, the options given before the command name, the output options, and the
bases it has opened. Tests give their own (`app(obj=Environment(stdout=…))`); nothing is set on
classes or modules."""

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, List, Optional

import typer


@dataclass
class OutputOptions:
    """The picture and spreadsheet options of a table command (--bom, --svg, --html, --width)."""

    bom: bool = False
    svg: Optional[Path] = None
    html: Optional[Path] = None
    width: Optional[int] = None


@dataclass
class Environment:
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    data: Optional[Path] = None  # --data given before the command name
    layers: List[Path] = field(default_factory=list)  # --with given before the command name
    output: OutputOptions = field(default_factory=OutputOptions)
    opened: List[Any] = field(default_factory=list)  # the bases the running command has loaded

    def say(self, message: str) -> None:
        """A line on stderr (a message, or a summary that must not mix with machine output)."""
        typer.echo(message, file=self.stderr)


def environment(ctx: typer.Context) -> Environment:
    """The command line's Environment: the one it was started with, else one on sys's streams."""
    return ctx.find_root().ensure_object(Environment)
