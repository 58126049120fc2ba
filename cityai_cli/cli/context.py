"""What a command takes from outside, in one object passed down (as httpie's `Environment`): the
streams it writes to, the options given before the command name, the output options, and the
bases it has opened. Tests give their own (`app(obj=Environment(stdout=…))`); nothing is set on
classes or modules."""

import sys
from pathlib import Path
from typing import IO, Any, List, Optional

import typer

from ..core.errors import bounded
from ..core.slots import Record
from ..core.text import printable


class VisibleStream:
    """A text stream that writes what it is given with control, bidi and zero-width characters
    as visible escapes (`text.printable`; newlines and tabs kept), each line cut as a message is,
    and is the stream otherwise. cityai's own messages are escaped already; Click's usage errors
    echo what was typed ("No such option: --\u202eabc") escaping C0 and C1 only."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if isinstance(text, str):
            text = "\n".join(bounded(printable(line)) for line in text.split("\n"))
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":  # Click writes bytes to it when the text stream's encoding is ASCII
            raise AttributeError(name)
        return getattr(self._stream, name)


class OutputOptions(Record):
    """The picture and spreadsheet options of a table command (--bom, --svg, --html, --force, --width;
    --long: compare and list one row per place and metric; --citations: CSV one row per citation)."""

    bom: bool = False
    svg: Optional[Path] = None
    html: Optional[Path] = None
    force: bool = False  # --svg/--html may replace an existing file
    width: Optional[int] = None
    long: bool = False
    citations: bool = False


class Environment:
    """A plain class, not a dataclass: what a dataclass writes and compiles when its module is
    imported (~0.3 ms) is paid by every command."""

    def __init__(
        self,
        stdout: Optional[IO[str]] = None,
        stderr: Optional[IO[str]] = None,
        data: Optional[Path] = None,  # --data given before the command name
        layers: Optional[List[Path]] = None,  # --with given before the command name
        output: Optional[OutputOptions] = None,
    ) -> None:
        self.stdout: IO[str] = sys.stdout if stdout is None else stdout
        self.stderr: IO[str] = sys.stderr if stderr is None else stderr
        self.data = data
        self.layers: List[Path] = [] if layers is None else layers
        self.output = OutputOptions() if output is None else output
        self.opened: List[Any] = []  # the bases the running command has loaded
        self.written = False  # the running command has begun writing its output to stdout
        self.command = "cityai"  # the running command's name, as typed (show, extract …), for its messages

    def say(self, message: str) -> None:
        """A line on stderr (a message, or a summary that must not mix with machine output). A
        stderr that cannot take it (closed, or the pipe of a reader that has gone, as `2>&1 |
        head -1` leaves it) drops it: there is nowhere else to say it, and the exit status stays
        the command's (Click would make a broken pipe exit 1)."""
        try:
            typer.echo(message, file=self.stderr)
        except (OSError, ValueError):  # ValueError: a closed file
            pass


def environment(ctx: typer.Context) -> Environment:
    """The command line's Environment: the one it was started with, else one on sys's streams."""
    return ctx.find_root().ensure_object(Environment)
