"""The two kinds of failure cityai reports; each carries its exit code (the command line reports
both in one place, cli.shell.report).

`DataError` (exit 1): the knowledge base or the environment is at fault; it carries one
`Problem` per fault, each naming the file, line and field where possible.
`UsageError` (exit 2): the command line is at fault; it says what was expected and, for
names, the closest valid ones.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from .slots import Frozen, _set
from .text import one_line

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


# A message quotes what it was given (a quote of the base, an argument): one of 1 MB would fill
# the terminal, so a message longer than this keeps its start and end and says what it left out.
MESSAGE_LIMIT = 1000


def bounded(message: str) -> str:
    if len(message) <= MESSAGE_LIMIT:
        return message
    keep = MESSAGE_LIMIT // 2
    return f"{message[:keep]} … ({len(message) - 2 * keep} characters left out) … {message[-keep:]}"


class Problem(Frozen):
    """A fault at a place in a file. `code` and `params`, where given, let the view word it and
    add what to type (view/messages.py); `message` states the fault alone."""

    __slots__ = ("file", "message", "line", "column", "path", "code", "params")
    file: str
    message: str
    line: Optional[int]
    column: Optional[int]
    path: str
    code: str
    params: Dict[str, Any]

    def __init__(
        self,
        file: str,
        message: str,
        line: Optional[int] = None,
        column: Optional[int] = None,
        path: str = "",
        code: str = "",
        params: Optional[Dict[str, Any]] = None,
    ):
        _set(self, "file", file)
        _set(self, "message", message)
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "path", path)
        _set(self, "code", code)
        _set(self, "params", dict(params or {}))

    def __str__(self) -> str:
        return self.located(self.message)

    def located(self, message: str) -> str:
        """`message` after where the problem is, as one line."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        # Every part may quote the data or the command line: escaped, so a message is one line
        # that cannot drive the terminal.
        return bounded(one_line(f"{where}: {self.path + ': ' if self.path else ''}{message}"))


class DataError(Exception):
    exit_code = EXIT_DATA

    def __init__(self, problems: Sequence[Problem]):
        self.problems: List[Problem] = list(problems)
        super().__init__("\n".join(map(str, self.problems)))

    def lines(self) -> List[str]:
        """What the user is told: one line per problem."""
        return [str(problem) for problem in self.problems]


class UsageError(Exception):
    """`message` states the fault; `code` and `params`, where given, let the view word it in the
    command's language and say what to type (view/messages.py): the core names no command or flag."""

    exit_code = EXIT_USAGE

    def __init__(
        self, message: str, suggestions: Sequence[str] = (), code: str = "", params: Optional[Dict[str, Any]] = None
    ):
        self.message = message
        self.suggestions = list(suggestions)
        self.code = code
        self.params: Dict[str, Any] = dict(params or {})
        hint = f" (did you mean: {', '.join(self.suggestions)}?)" if self.suggestions else ""
        super().__init__(bounded(one_line(message + hint)))
