"""What every command shares: the app, its options, loading the base, and writing the output.

(No `from __future__ import annotations`: see cli/__init__.py.)

Errors never escape as tracebacks: `UsageError` exits 2, `DataError` exits 1, each printed as
"Error: …" on stderr (`handle_errors`). Only what a command uses is imported, because the tool is
called from shells and loops.
"""

import codecs
import contextlib
import functools
import inspect
import os
import shutil
from enum import Enum
from itertools import chain
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, Callable, Iterable, List, Optional, Union

import typer

from .. import __version__
from ..core.errors import DataError, Problem, UsageError
from .context import Environment, OutputOptions, environment
from .params import App

if TYPE_CHECKING:  # pragma: no cover
    from ..core.base.reading import Loaded
    from ..core.query.common import Result
    from ..core.report import Report


SETTINGS = dict(
    name="cityai",
    help="Compare Chinese cities' AI-industry figures, targets and subsidies. "
    "Every number is traced to a quote in its source document.\n\n"
    "Example: cityai compare 深圳 上海 --lang en",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app = App(**SETTINGS)


def app_for(name: Optional[str]) -> App:
    """The app with only the command `name` registered (the same definitions: the same parsing,
    help and errors), for a command line that names one: Typer builds the parameters of every
    registered command on each call. The whole app for anything else (--help, an unknown name)."""
    commands = [info for info in app.registered_commands if info.name == name]
    groups = [info for info in app.registered_groups if info.name == name]
    if name is None or len(commands) + len(groups) != 1:
        return app
    chosen = App(**SETTINGS)
    chosen.registered_callback = app.registered_callback
    chosen.registered_commands, chosen.registered_groups = commands, groups
    return chosen


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class Level(str, Enum):
    """Every level a place may have (models.Level), and all: `rank` hints name these values."""

    city = "city"
    district = "district"
    county = "county"
    zone = "zone"
    province = "province"
    region = "region"
    country = "country"
    world = "world"
    all = "all"


class EmptyPath(typer.BadParameter):
    """An empty path (`--data ''`), which would mean the working directory: refused while the
    command line is parsed, in the one-line form of cityai's other usage errors (exit 2)."""

    def show(self, file: Optional[IO[Any]] = None) -> None:
        typer.echo(f"Error: {self.message}", file=file, err=True)


def path_of(name: str) -> Callable[[str], Path]:
    """The parser of the path parameter `name` (every one cityai takes): any path but the empty
    one and "-". An empty CITYAI_DATA is no value at all (the bundled base), as Click reads it."""

    def parse(text: str) -> Path:
        if text == "":
            raise EmptyPath(f"{name} needs a value, got an empty one")
        if text == "-":
            # `export --sqlite -` wrote a file named "-" where standard output was meant
            raise EmptyPath(f"{name}: cityai reads and writes files, not standard input or output; give a file name")
        return Path(text)

    return parse


class _Offered(str):
    """A completion Typer must keep: it drops every item that does not start with the text typed,
    case and tone marks included, so `shen<TAB>` lost Shenzhen and `Guǎng<TAB>` Guangzhou, which
    `completions` matches as the resolver does. The shell then replaces the word with the item."""

    def startswith(self, *args: Any, **kwargs: Any) -> bool:
        return True


def completion(kind: str):
    """Shell completion for place names, metric keys and subsidy types, in the script typed
    (pinyin or English names for Latin letters: `name_index.completions`), from the base the command
    line names (--data and --with, before or after the command name; else CITYAI_DATA or the
    bundled base)."""

    def complete(ctx: typer.Context, incomplete: str) -> List[str]:
        given = [ctx.params, ctx.parent.params if ctx.parent is not None else {}]
        data = next((Path(params["data"]) for params in given if params.get("data")), None)
        layers = next(([Path(p) for p in params["with_"]] for params in given if params.get("with_")), None)
        try:
            base = load(environment(ctx), data, layers).base
        except Exception:  # a base that does not load offers nothing: completion never fails
            return []
        # lazy: only the command that runs imports what it uses (start-up)
        from ..core.name_index import completions, metric_forms, place_forms, subsidy_type_forms

        if kind == "place":
            forms = {name: place_forms(place) for name, place in base.places.items()}
        elif kind == "metric":
            forms = {key: metric_forms(metric) for key, metric in base.metrics.items()}
        else:
            forms = {key: subsidy_type_forms(entry) for key, entry in base.subsidy_types.items()}
        return [_Offered(offered) for offered in completions(forms, incomplete)]

    return complete


def format_flag(help: str) -> Any:
    """The --format/-f option, its help saying what the command's default is."""
    return typer.Option("--format", "-f", case_sensitive=False, metavar="FORMAT", help=help)


FormatOption = Annotated[
    Optional[Format], format_flag("table, csv, json or markdown. Default: table on a terminal, csv when piped.")
]
LangOption = Annotated[
    Lang,
    typer.Option(
        "--lang",
        envvar="CITYAI_LANG",
        case_sensitive=False,
        metavar="LANG",
        help="Language of headers, names and figures: zh or en. CSV/JSON keys never change.",
    ),
]
# The environment variable is read once, by the option before the command name, so that
# `cityai --data X cmd` and `cityai cmd --data X` both beat CITYAI_DATA.
DataOption = Annotated[
    Optional[Path],
    typer.Option(
        "--data",
        metavar="FILE",
        parser=path_of("--data"),
        help="Knowledge base to use instead of the bundled one (also CITYAI_DATA).",
    ),
]
WithOption = Annotated[
    Optional[List[Path]],
    typer.Option(
        "--with",
        metavar="BASE",
        parser=path_of("--with"),
        help="Add your own base (a file or a directory) to the one used (repeatable; also CITYAI_WITH).",
    ),
]
GlobalDataOption = Annotated[
    Optional[Path],
    typer.Option(
        "--data",
        envvar="CITYAI_DATA",
        show_envvar=True,
        metavar="FILE",
        parser=path_of("--data"),
        help="Knowledge base to use instead of the bundled one.",
    ),
]
PlacesArgument = Annotated[
    Optional[List[str]],
    typer.Argument(metavar="[PLACE]...", help="Only these places (default: all).", autocompletion=completion("place")),
]
RegionOption = Annotated[Optional[str], typer.Option(metavar="REGION", help="Only places in this region, e.g. 长三角.")]
TopOption = Annotated[Optional[int], typer.Option(min=1, metavar="N", help="Show only the first N rows.")]
# The comparison window (rules.WINDOW_MONTHS): a literal here, so that --help needs no import of rules.
WindowOption = Annotated[
    int,
    typer.Option(
        "--window",
        min=0,
        max=1200,
        metavar="MONTHS",
        help="Compare figures dated at most this many months apart (0: the same date or year only).",
    ),
]
AsOfOption = Annotated[
    Optional[str],
    typer.Option(
        "--as-of", metavar="YEAR|YYYY-MM", help="Use, for each fact, the latest figure dated at or before this point."
    ),
]


def table_flag(names: List[str]) -> Any:
    """The --table option of a command of several tables (`names`, the first the one CSV writes
    by default): only that table, in every format."""
    choices = f"{', '.join(names[:-1])} or {names[-1]}"

    def complete(incomplete: str) -> List[str]:
        return [name for name in names if name.startswith(incomplete.lower())]

    return typer.Option(
        "--table",
        metavar="NAME",
        help=f"Only this table, in every format ({choices}); CSV holds one table, by default {names[0]}.",
        autocompletion=complete,
    )


MIN_WIDTH = 40  # the narrowest table layout (tests sweep 40-140 columns)
# The widest: --width above it is refused, a larger COLUMNS is taken as it. Rich lays out and
# records every column of the width it is given (--width 10**20 --svg: OverflowError; 10**9: a hang).
MAX_WIDTH = 1000


_OUTPUT_EXTRA = {
    "bom": (bool, typer.Option("--bom", help="Start CSV with a UTF-8 byte-order mark (Excel on Windows)."), False),
    "svg": (
        Optional[Path],
        typer.Option(
            "--svg",
            metavar="FILE",
            parser=path_of("--svg"),
            help="Also save the table as it shows in a terminal, as SVG.",
        ),
        None,
    ),
    "html": (
        Optional[Path],
        typer.Option("--html", metavar="FILE", parser=path_of("--html"), help="Also save the table as HTML."),
        None,
    ),
    "force": (bool, typer.Option("--force", help="Overwrite the --svg or --html FILE if it exists."), False),
    "width": (
        Optional[int],
        typer.Option(
            "--width",
            min=MIN_WIDTH,
            max=MAX_WIDTH,
            metavar="COLUMNS",
            help="Width of the table, --svg and --html (default: the terminal's).",
        ),
        None,
    ),
    "long": (
        bool,
        typer.Option("--long", help="One row per place and metric (compare, list); other tables are already."),
        False,
    ),
    "citations": (bool, typer.Option("--citations", help="CSV: one row per citation."), False),
}
_OUTPUT_PARAMETERS: list = []  # the inspect.Parameters of _OUTPUT_EXTRA, built once for every command


def output_options(command: Callable) -> Callable:
    """Give a table command --bom, --svg, --html, --width, --long and --citations, once for all of
    them: their values go to the command's Environment (`command` is one wrapped by `handle_errors`)."""
    extra = _OUTPUT_EXTRA
    if not _OUTPUT_PARAMETERS:
        _OUTPUT_PARAMETERS.extend(
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=Annotated[kind, info])
            for name, (kind, info, default) in extra.items()
        )
    signature = inspect.signature(command)
    added = _OUTPUT_PARAMETERS

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        given = {name: kwargs.pop(name, extra[name][2]) for name in extra}
        environment(kwargs["ctx"]).output = OutputOptions(**given)
        return command(*args, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=[*signature.parameters.values(), *added])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**command.__annotations__, **{p.name: p.annotation for p in added}}
    return wrapper


def handle_errors(command: Callable) -> Callable:
    """Run a command with its Environment (its first parameter, in place of Typer's context) and
    turn the two error kinds into messages on stderr and their exit codes (`report`).

    A compiled cache can decode and still hold what no validated base does (a damaged or edited
    file): a command that fails on one is run once more, from the knowledge-base files, after the
    cache it read is discarded (`store.discard_cache`). A failure of the second run is a failure,
    and so is one after part of the output was written (a second run would write it again)."""
    signature = inspect.signature(command)
    own = list(signature.parameters.values())[1:]  # the Environment is passed, never parsed
    wants_context = "ctx" in signature.parameters

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        ctx = kwargs["ctx"] if wants_context else kwargs.pop("ctx")
        env = environment(ctx)
        env.command = ctx.info_name or "cityai"
        env.opened = []
        env.written = False
        try:
            try:
                return command(env, *args, **kwargs)
            except Exception as error:
                if not _discard_caches(env, error):
                    raise
                if env.written:  # output is written as it is rendered: a second run would repeat it
                    raise DataError([Problem("output", _CUT_SHORT)]) from None
            return command(env, *args, **kwargs)
        except (UsageError, DataError) as error:
            raise typer.Exit(report(env, error, kwargs.get("lang"))) from None

    if not wants_context:
        own.append(inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context))
    wrapper.__signature__ = signature.replace(parameters=own)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**{k: v for k, v in command.__annotations__.items() if k != "env"}, "ctx": typer.Context}
    return wrapper


_CUT_SHORT = "stopped part-way: the compiled cache could not be read and has been discarded; run the command again"


def report(env: Environment, error: Union[UsageError, DataError], lang: Any = None) -> int:
    """The one place where a failure becomes what the user sees and the exit status: each error
    carries its exit code (DataError 1, UsageError 2); an error or problem that carries a code is
    worded in the command's language (view/messages.py)."""
    lines = [usage_message(error, lang)] if isinstance(error, UsageError) else problem_lines(error, lang)
    for line in lines:
        env.say(f"Error: {line}")
    return error.exit_code


def usage_message(error: UsageError, lang: Any) -> str:
    """The message in the command's language (a command without --lang: zh's wording)."""
    if not error.code:
        return str(error)
    # lazy: only the command that runs imports what it uses (start-up)
    from ..view.messages import usage_message as worded

    return worded(error, getattr(lang, "value", None) or "zh")


def problem_lines(error: DataError, lang: Any) -> List[str]:
    """A data error's lines, those with a code in the command's language."""
    if not any(problem.code for problem in error.problems):
        return error.lines()
    # lazy: only the command that runs imports what it uses (start-up)
    from ..view.messages import problem_lines as worded

    return worded(error, getattr(lang, "value", None) or "zh")


def _discard_caches(env: Environment, error: Exception) -> bool:
    """Whether the running command read a compiled cache that may have caused `error`; if so, it
    is discarded and the command forgets what it loaded."""
    if not env.opened:
        return False  # nothing loaded: store (and sqlite3) need not be imported
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.cache.store import discard_cache

    discarded = [discard_cache(opened, error) for opened in env.opened]
    env.opened = []
    return any(discarded)


def load(env: Environment, data: Optional[Path], layers: Optional[List[Path]] = None) -> "Loaded":
    """The base for a query command: from the compiled cache when current (no TOML, no pydantic),
    else validated in full and cached (store.py). `validate` never comes here: it always loads in full."""
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.base.paths import default_data_path, layer_paths
    from ..core.cache.store import open_base

    chosen = data or env.data
    added = tuple(layer_paths(layers or env.layers))
    opened = open_base(default_data_path(str(chosen) if chosen else None), added)
    env.opened.append(opened)
    return opened  # type: ignore[return-value]


def parse_date(text: Optional[str], option: str = "--as-of"):
    if text is None:
        return None
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.figures.dates import PartialDate
    from ..core.text import from_shell

    try:
        return PartialDate.parse(from_shell(text))
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None


def nonempty(option: str, values: Optional[List[str]]) -> List[str]:
    values = list(values or [])
    if any(not value.strip() for value in values):
        raise UsageError(f"{option} needs a value, got an empty one")
    return values


def resolve_places(loaded: "Loaded", given: List[str]) -> List[str]:
    if not given:
        return []
    # lazy: only a command line naming places imports the name index (start-up)
    from ..core.name_index import resolve_places

    return resolve_places(loaded.base, given)


def resolve_region(loaded: "Loaded", region: Optional[str]) -> Optional[str]:
    return resolve_group(loaded, region, "regions", "region")


def resolve_group(loaded: "Loaded", text: Optional[str], field: str, level: str) -> Optional[str]:
    """The region (field regions) or province (field province) `text` names; None for none given."""
    if not text:
        return None
    # lazy: only a command line naming a region or province imports the name index (start-up)
    from ..core.name_index import group_index

    return group_index(loaded.base, field, level).resolve(text)


def emit(
    env: Environment,
    loaded: "Loaded",
    result: "Result",
    fmt: Optional[Format],
    lang: Lang,
    chart: bool = False,
    primary: int = 0,
    all_rows: bool = False,
    table: Optional[str] = None,
) -> None:
    """View in the chosen language, render in the chosen (or implied) format, write as it is rendered.
    all_rows: the terminal table lists records without data as rows (machine formats always do);
    table: only the table of that name (--table), else CSV writes the `primary` one and says on
    stderr which others it left out."""
    # lazy: only the command that runs imports what it uses (start-up)
    from ..render import Options, chunks, joined, render
    from ..view import view

    is_tty = env.stdout.isatty()
    output = env.output
    if chart and fmt is not None and fmt is not Format.table:
        raise UsageError(f"--chart draws bars in the terminal table; it cannot be combined with --format {fmt.value}")
    chosen = chosen_format(env, fmt, chart)
    # no-color.org; and a terminal that says it is dumb gets no escapes (as ls and git do)
    color = is_tty and os.environ.get("NO_COLOR", "") == "" and os.environ.get("TERM") != "dumb" and chosen == "table"
    # A terminal narrower than MIN_WIDTH (or COLUMNS=5) gets the narrowest layout that keeps
    # every figure whole; the terminal wraps its lines. One wider than MAX_WIDTH gets MAX_WIDTH.
    width = output.width or min(MAX_WIDTH, max(MIN_WIDTH, shutil.get_terminal_size((100, 24)).columns))
    if output.long:
        # lazy: only the command that runs imports what it uses (start-up)
        from ..core.query.long import long_form

        result = long_form(result)
    if output.citations and chosen != "csv":
        raise UsageError("--citations writes one row per citation in CSV; add --format csv")
    report = view(loaded.base, result, lang.value)
    report.primary = primary
    if table is not None:
        report = report.only(table)
    if output.bom and chosen != "csv":
        raise UsageError("--bom marks CSV output for spreadsheets; add --format csv")
    pictures = [(kind, path) for kind, path in (("svg", output.svg), ("html", output.html)) if path is not None]
    check_pictures(loaded, [path for _, path in pictures], output.force)
    options = Options(width=width, color=color, chart=chart, all_rows=all_rows, citations=output.citations)
    # The output is written piece by piece as it is rendered (100,000 rows are never one string);
    # the first piece (CSV: the header and the first rows) is made before anything is written, so
    # that what a renderer refuses stops the command with no output and no picture.
    pieces = joined(chunks(report, chosen, options))
    first = next(pieces, "")
    for kind, path in pictures:  # written once every option has been checked and the output begun
        save(path, render(report, "table", Options(width=width, chart=chart, record=kind, all_rows=all_rows)))
    write_pieces(env, chain([("\ufeff" if output.bom else "") + first], pieces))
    if chosen == "csv":
        say_left_out(env, report, lang)


def say_left_out(env: Environment, report: "Report", lang: Lang) -> None:
    """One line on stderr when CSV, one rectangular table, left out tables that have rows: the
    machine formats lose nothing the table shows without a word."""
    others = report.left_out()
    if not others:
        return
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.report import row_count
    from ..view.messages import csv_left_out

    written = report.tables[report.primary]
    env.say(csv_left_out(env.command, (written.name, row_count(written.rows)), others, lang.value))


def chosen_format(env: Environment, fmt: Optional[Format], chart: bool = False) -> str:
    """The format written: --format when given, else the table on a terminal (and for --chart),
    CSV when piped."""
    return fmt.value if fmt else ("table" if env.stdout.isatty() or chart else "csv")


def streamed(env: Environment, fmt: Optional[Format]) -> bool:
    """Whether a command may make its rows as they are written (`common.Rows`): CSV or JSON, and
    no --svg or --html (a picture is the terminal table, laid out over every row)."""
    output = env.output
    return chosen_format(env, fmt) in ("csv", "json") and output.svg is None and output.html is None


def check_pictures(loaded: "Loaded", paths: List[Path], force: bool) -> None:
    """Refuse, before anything is written, a picture file that exists (unless --force; as export
    does), that is not a regular file, that both --svg and --html name, or that is one of the
    knowledge-base files being read (`--with l2.toml list --svg l2.toml` replaced the base)."""
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.files import WriteError, existing_regular

    if len(paths) == 2 and os.path.abspath(paths[0]) == os.path.abspath(paths[1]):
        raise UsageError("--svg and --html name the same file; give each its own")
    refuse_base_files(loaded, paths, "picture")
    for path in paths:
        try:
            exists = existing_regular(path)
        except WriteError as error:
            raise DataError([Problem(str(path), str(error))]) from None
        if exists and not force:
            raise DataError([Problem(str(path), "already exists; add --force to overwrite it")])


def refuse_base_files(loaded: "Loaded", paths: List[Path], what: str) -> None:
    """Refuse, even with --force, to write over a knowledge-base file this run reads or into the
    installed package (the bundled base, its seeds, the code): `export --sqlite` given the bundled
    cities.toml and --force replaced it with SQLite, and every later command failed."""
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.base.paths import PACKAGE_DIR, data_files

    bases = [file for root in (loaded.path, *loaded.layers) for file in data_files(root)]
    for path in paths:
        if any(_same_file(path, base) for base in bases):
            raise DataError([Problem(str(path), f"is a knowledge-base file of this run; save the {what} elsewhere")])
        folder = Path(os.path.realpath(os.path.dirname(os.path.abspath(path))))
        if folder == PACKAGE_DIR or PACKAGE_DIR in folder.parents:
            raise DataError([Problem(str(path), f"is inside the installed cityai package; save the {what} elsewhere")])


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except (OSError, ValueError):
        return False


def save(path: Path, text: str) -> None:
    """Write a picture file, turning every way it can fail into a DataError. An existing regular
    file is replaced whole (never left torn by a full disk); a device, pipe or link never."""
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.files import WriteError, write_atomically

    try:
        write_atomically(path, text.encode("utf-8"))
    except WriteError as error:
        raise DataError([Problem(str(path), str(error))]) from None


def write(env: Environment, text: str) -> None:
    write_pieces(env, [text])


def write_pieces(env: Environment, pieces: Iterable[str]) -> None:
    """Write the output piece by piece, each checked against stdout's encoding before it is
    written. An encoding that cannot print every character has the whole output checked before
    anything is written (one message, never half an output); a closed pipe ends the command quietly."""
    encoding = getattr(env.stdout, "encoding", None) or "utf-8"
    if not _prints_everything(encoding):
        pieces = ["".join(pieces)]
    try:
        for piece in pieces:
            _check_encoding(piece, encoding)
            env.written = True
            env.stdout.write(piece)
        env.stdout.flush()
    except BrokenPipeError:
        # The reader (e.g. `head -1`) has gone: stop quietly, and keep Python's own final
        # flush of stdout from raising again at exit.
        discard_stdout(env.stdout)
        raise typer.Exit(0) from None
    except OSError as error:  # a full disk (> /dev/full), an I/O error
        discard_stdout(env.stdout)
        raise DataError([Problem("output", f"cannot write: {error.strerror or error}")]) from None


def _prints_everything(encoding: str) -> bool:
    """Whether `encoding` is one of Unicode's own (or GB 18030, which maps all of it)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith("utf") or name == "gb18030"


def _check_encoding(text: str, encoding: str) -> None:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        raise DataError(
            [
                Problem(
                    "output",
                    f"cannot print Chinese text in the {encoding} encoding; "
                    "set PYTHONIOENCODING=utf-8 or use a UTF-8 locale such as LANG=C.UTF-8",
                )
            ]
        ) from None


def discard_stdout(stdout: IO[str]) -> None:
    """Point stdout at the null device, so that what is still buffered cannot fail again at exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # no real file descriptor (tests)
        os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cityai {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    data: GlobalDataOption = None,
    with_: Annotated[
        Optional[List[Path]],
        typer.Option(
            "--with",
            metavar="BASE",
            parser=path_of("--with"),
            help="Add your own base (a file or a directory) to the one used (repeatable).",
        ),
    ] = None,
) -> None:
    """Compare Chinese cities' AI-industry figures, targets and subsidies.

    Example: cityai compare 深圳 上海 --lang en
    """
    env = environment(ctx)
    env.data = data
    env.layers = list(with_ or [])
