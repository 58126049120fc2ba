"""What every command shares: the app, its options, loading the base, and writing the output.

(No `from __future__ import annotations`: see cli/__init__.py.)

Errors never escape as tracebacks: `UsageError` exits 2, `DataError` exits 1, each printed as
"Error: …" on stderr (`handle_errors`). Only what a command uses is imported, because the tool is
called from shells and loops.
"""

import contextlib
import functools
import os
import shutil
import sys
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, Callable, List, Optional

import typer

from .. import __version__
from ..errors import EXIT_DATA, EXIT_USAGE, DataError, Problem, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from ..kb import Loaded
    from ..query.common import Result


# Typer >= 0.29 prints an argument's Python type in help ("PLACE... <list[str]>"); the metavar
# and the help text say what to type, so the type is left out (older Typer never printed it).
if hasattr(typer.core, "TyperArgument"):
    typer.core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[attr-defined]

app = typer.Typer(
    name="cityai",
    help="Compare Chinese cities' AI-industry figures, targets and subsidies. "
    "Every number is traced to a quote in its source document.\n\n"
    "Example: cityai compare 深圳 上海 --lang en",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


class State:
    data: Optional[Path] = None  # --data given before the command name
    layers: List[Path] = []  # --with given before the command name
    opened: list = []  # the bases the running command has loaded (see handle_errors)


class EmptyPath(typer.BadParameter):
    """An empty path (`--data ''`), which would mean the working directory: refused while the
    command line is parsed, in the one-line form of cityai's other usage errors (exit 2)."""

    def show(self, file: Optional[IO[Any]] = None) -> None:
        typer.echo(f"Error: {self.message}", file=file, err=True)


def path_of(name: str) -> Callable[[str], Path]:
    """The parser of the path parameter `name` (every one cityai takes): any path but the empty
    one. An empty CITYAI_DATA is no value at all (the bundled base), as Click reads it."""

    def parse(text: str) -> Path:
        if text == "":
            raise EmptyPath(f"{name} needs a value, got an empty one")
        return Path(text)

    return parse


def completion(kind: str):
    """Shell completion for place names, metric keys and subsidy types, in the script typed
    (pinyin or English names for Latin letters: `names.completions`), from the base the command
    line names (--data and --with, before or after the command name; else CITYAI_DATA or the
    bundled base)."""

    def complete(ctx: typer.Context, incomplete: str) -> List[str]:
        given = [ctx.params, ctx.parent.params if ctx.parent is not None else {}]
        data = next((Path(params["data"]) for params in given if params.get("data")), None)
        layers = next(([Path(p) for p in params["with_"]] for params in given if params.get("with_")), None)
        try:
            base = load(data, layers).base
        except Exception:  # a base that does not load offers nothing: completion never fails
            return []
        from ..names import completions, metric_forms, place_forms, subsidy_type_forms

        if kind == "place":
            forms = {name: place_forms(place) for name, place in base.places.items()}
        elif kind == "metric":
            forms = {key: metric_forms(metric) for key, metric in base.metrics.items()}
        else:
            forms = {key: subsidy_type_forms(entry) for key, entry in base.subsidy_types.items()}
        return completions(forms, incomplete)

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
AsOfOption = Annotated[
    Optional[str],
    typer.Option(
        "--as-of", metavar="YEAR|YYYY-MM", help="Use, for each fact, the latest figure dated at or before this point."
    ),
]


MIN_WIDTH = 40  # the narrowest table layout (tests sweep 40-140 columns)
# The widest: --width above it is refused, a larger COLUMNS is taken as it. Rich lays out and
# records every column of the width it is given (--width 10**20 --svg: OverflowError; 10**9: a hang).
MAX_WIDTH = 1000


class Output:
    """The picture and spreadsheet options of the command being run (set by `output_options`)."""

    bom: bool = False
    svg: Optional[Path] = None
    html: Optional[Path] = None
    width: Optional[int] = None


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
}
_OUTPUT_PARAMETERS: list = []  # the inspect.Parameters of _OUTPUT_EXTRA, built once for every command


def output_options(command: Callable) -> Callable:
    """Give a table command --bom, --svg, --html and --width, once for all of them."""
    import inspect

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
        for name in extra:
            setattr(Output, name, kwargs.pop(name, extra[name][2]))
        return command(*args, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=[*signature.parameters.values(), *added])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**command.__annotations__, **{p.name: p.annotation for p in added}}
    return wrapper


def handle_errors(command: Callable) -> Callable:
    """Turn the two error kinds into a message on stderr and the documented exit code.

    A compiled cache can decode and still hold what no validated base does (a damaged or edited
    file): a command that fails on one is run once more, from the knowledge-base files, after the
    cache it read is discarded (`store.discard_cache`). A failure of the second run is a failure."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        State.opened = []
        try:
            try:
                return command(*args, **kwargs)
            except Exception as error:
                if not _discard_caches(error):
                    raise
            return command(*args, **kwargs)
        except UsageError as error:
            typer.echo(f"Error: {usage_message(error, kwargs.get('lang'))}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
        except DataError as error:
            for problem in error.problems:
                typer.echo(f"Error: {problem}", err=True)
            raise typer.Exit(EXIT_DATA) from None

    return wrapper


def usage_message(error: UsageError, lang: Any) -> str:
    """The message in the command's language (a command without --lang: zh's wording)."""
    if not error.code:
        return str(error)
    from ..view.messages import usage_message as worded

    return worded(error, getattr(lang, "value", None) or "zh")


def _discard_caches(error: Exception) -> bool:
    """Whether the running command read a compiled cache that may have caused `error`; if so, it
    is discarded and the command forgets what it loaded."""
    if not State.opened:
        return False  # nothing loaded: store (and sqlite3) need not be imported
    from ..store import discard_cache

    discarded = [discard_cache(opened, error) for opened in State.opened]
    State.opened = []
    return any(discarded)


def load(data: Optional[Path], layers: Optional[List[Path]] = None) -> "Loaded":
    """The base for a query command: from the compiled cache when current (no TOML, no pydantic),
    else validated in full and cached (store.py). `validate` never comes here: it always loads in full."""
    from ..paths import default_data_path, layer_paths
    from ..store import open_base

    chosen = data or State.data
    added = tuple(layer_paths(layers or State.layers))
    opened = open_base(default_data_path(str(chosen) if chosen else None), added)
    State.opened.append(opened)
    return opened  # type: ignore[return-value]


def parse_date(text: Optional[str], option: str = "--as-of"):
    if text is None:
        return None
    from ..dates import PartialDate

    try:
        return PartialDate.parse(text)
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None


def nonempty(option: str, values: Optional[List[str]]) -> List[str]:
    values = list(values or [])
    if any(not value.strip() for value in values):
        raise UsageError(f"{option} needs a value, got an empty one")
    return values


def resolve_places(loaded: "Loaded", given: List[str]) -> List[str]:
    """Resolve place names; a region (长三角) or province stands for its member places."""
    from ..names import group_index, place_index

    base, index = loaded.base, place_index(loaded.base)
    regions = None  # the group index reads every place: built only for a name that is not one
    names: List[str] = []
    for text in given:
        try:
            name = index.resolve(text)
        except UsageError as not_a_place:
            regions = regions or group_index(base, "regions", "region")
            try:
                region = regions.resolve(text)
            except UsageError:
                raise not_a_place from None  # the place message: suggestions, ambiguity
            members = [n for n, p in base.places.items() if region in p.regions]
            names += [m for m in members if m not in names]
            continue
        if base.places[name].level == "region":
            members = [n for n, p in base.places.items() if name in p.regions]
            names += [m for m in members if m not in names] or [name]
        elif name not in names:
            names.append(name)
    return names


def resolve_region(loaded: "Loaded", region: Optional[str]) -> Optional[str]:
    from ..names import group_index

    return group_index(loaded.base, "regions", "region").resolve(region) if region else None


def emit(
    loaded: "Loaded",
    result: "Result",
    fmt: Optional[Format],
    lang: Lang,
    chart: bool = False,
    primary: int = 0,
    all_rows: bool = False,
) -> None:
    """View in the chosen language, render in the chosen (or implied) format, write in one piece.
    all_rows: the terminal table lists records without data as rows (machine formats always do)."""
    from ..render import Options, render
    from ..view import view

    is_tty = sys.stdout.isatty()
    if chart and fmt is not None and fmt is not Format.table:
        raise UsageError(f"--chart draws bars in the terminal table; it cannot be combined with --format {fmt.value}")
    chosen = fmt.value if fmt else ("table" if is_tty or chart else "csv")
    # no-color.org; and a terminal that says it is dumb gets no escapes (as ls and git do)
    color = is_tty and os.environ.get("NO_COLOR", "") == "" and os.environ.get("TERM") != "dumb" and chosen == "table"
    # A terminal narrower than MIN_WIDTH (or COLUMNS=5) gets the narrowest layout that keeps
    # every figure whole; the terminal wraps its lines. One wider than MAX_WIDTH gets MAX_WIDTH.
    width = Output.width or min(MAX_WIDTH, max(MIN_WIDTH, shutil.get_terminal_size((100, 24)).columns))
    report = view(loaded.base, result, lang.value)
    report.primary = primary
    for kind, path in (("svg", Output.svg), ("html", Output.html)):
        if path is not None:
            save(path, render(report, "table", Options(width=width, chart=chart, record=kind, all_rows=all_rows)))
    if Output.bom and chosen != "csv":
        raise UsageError("--bom marks CSV output for spreadsheets; add --format csv")
    text = render(report, chosen, Options(width=width, color=color, chart=chart, all_rows=all_rows))
    write(("\ufeff" if Output.bom else "") + text)


def save(path: Path, text: str) -> None:
    """Write a picture file, turning every way it can fail into a DataError. An existing regular
    file is replaced whole (never left torn by a full disk); a device, pipe or link never."""
    from ..files import WriteError, write_atomically

    try:
        write_atomically(path, text.encode("utf-8"))
    except WriteError as error:
        raise DataError([Problem(str(path), str(error))]) from None


def write(text: str) -> None:
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
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
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (e.g. `head -1`) has gone: stop quietly, and keep Python's own final
        # flush of stdout from raising again at exit.
        discard_stdout()
        raise typer.Exit(0) from None
    except OSError as error:  # a full disk (> /dev/full), an I/O error
        discard_stdout()
        raise DataError([Problem("output", f"cannot write: {error.strerror or error}")]) from None


def discard_stdout() -> None:
    """Point stdout at the null device, so that what is still buffered cannot fail again at exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # no real file descriptor (tests)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cityai {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
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
    State.data = data
    State.layers = list(with_ or [])
