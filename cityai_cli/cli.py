"""The `cityai` command: parse arguments, call a query, hand its Report to a renderer.

(No `from __future__ import annotations` here: Typer before 0.24, the newest on Python 3.9,
reads `Annotated` option metadata only from evaluated annotations.)

Errors never escape as tracebacks: `UsageError` exits 2, `DataError` exits 1, each printed as
"Error: …" on stderr. Only what a command uses is imported (pydantic when a base is loaded,
Rich when a terminal table is drawn), because the tool is called from shells and loops.
"""

import contextlib
import functools
import os
import shutil
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Callable, List, Optional

import typer


from . import __version__
from .errors import EXIT_DATA, EXIT_USAGE, DataError, Problem, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from .kb import Loaded
    from .report import Report

app = typer.Typer(name="cityai", help="Compare Chinese cities' AI-industry figures, targets and subsidies. "
                  "Every number is traced to a quote in its source document.",
                  rich_markup_mode=None, pretty_exceptions_enable=False, no_args_is_help=True,
                  add_completion=False, context_settings={"help_option_names": ["-h", "--help"]})


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


class Level(str, Enum):
    city = "city"
    district = "district"
    county = "county"
    zone = "zone"
    province = "province"
    region = "region"
    country = "country"
    all = "all"


FormatOption = Annotated[Optional[Format], typer.Option(
    "--format", "-f", case_sensitive=False,
    help="Output format. Default: table on a terminal, csv when piped.")]
DataOption = Annotated[Optional[Path], typer.Option(
    "--data", envvar="CITYAI_DATA", show_envvar=True, dir_okay=True,
    help="Knowledge base to use instead of the bundled one.")]


def handle_errors(command: Callable) -> Callable:
    """Turn the two error kinds into a message on stderr and the documented exit code."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except UsageError as error:
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
        except DataError as error:
            for problem in error.problems:
                typer.echo(f"Error: {problem}", err=True)
            raise typer.Exit(EXIT_DATA) from None
    return wrapper


def load(data: Optional[Path]) -> "Loaded":
    from .kb import default_data_path, load as load_base
    return load_base(default_data_path(str(data) if data else None))


def emit(report: "Report", fmt: Optional[Format], chart: bool = False) -> None:
    """Render for the chosen (or implied) format and write it in one piece."""
    from .render import Options, render
    is_tty = sys.stdout.isatty()
    if chart and fmt not in (None, Format.table):
        raise UsageError(f"--chart draws bars in the terminal table; it cannot be combined with --format {fmt.value}")
    chosen = fmt.value if fmt else ("table" if is_tty or chart else "csv")
    color = is_tty and not os.environ.get("NO_COLOR") and chosen == "table"  # no-color.org: non-empty disables
    width = shutil.get_terminal_size((100, 24)).columns
    write(render(report, chosen, Options(width=width, color=color, chart=chart)))


def write(text: str) -> None:
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        raise DataError([Problem("output", f"cannot print Chinese text in the {encoding} encoding; "
                                 "set PYTHONIOENCODING=utf-8 or use a UTF-8 locale such as LANG=C.UTF-8")]) from None
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (e.g. `head -1`) has gone: stop quietly, and keep Python's own final
        # flush of stdout from raising again at exit.
        _discard_stdout()
        raise typer.Exit(0) from None
    except OSError as error:   # a full disk (> /dev/full), an I/O error
        _discard_stdout()
        raise DataError([Problem("output", f"cannot write: {error.strerror or error}")]) from None


def _discard_stdout() -> None:
    """Point stdout at the null device, so that what is still buffered cannot fail again at exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # no real file descriptor (tests)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cityai {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                       help="Show the version and exit.")] = False) -> None:
    """Compare Chinese cities' AI-industry figures, targets and subsidies."""


@app.command("list")
@handle_errors
def list_command(
    level: Annotated[Optional[Level], typer.Option(help="Only places of this level.")] = None,
    region: Annotated[Optional[str], typer.Option(help="Only places in this region, e.g. 长三角.")] = None,
    province: Annotated[Optional[str], typer.Option(help="Only places in this province, e.g. 广东.")] = None,
    format: FormatOption = None, data: DataOption = None,
) -> None:
    """Every place with its level, province, regions and headline figures."""
    from .names import group_index
    from .query.places import list_places
    loaded = load(data)
    region_name = group_index(loaded.kb, "regions", "region").resolve(region) if region else None
    province_name = group_index(loaded.kb, "province", "province").resolve(province) if province else None
    chosen = None if level in (None, Level.all) else level.value
    emit(list_places(loaded.kb, chosen, region_name, province_name), format)


@app.command("show")
@handle_errors
def show_command(
    place: Annotated[str, typer.Argument(help="A place: 深圳, 廣州, shenzhen, Shenzhen, 深圳市 …")],
    sources: Annotated[bool, typer.Option("--sources", help="Print each figure's verbatim quote.")] = False,
    format: FormatOption = None, data: DataOption = None,
) -> None:
    """One place's profile: figures, policy documents and subsidy programmes, with sources."""
    from .names import place_index
    from .query.places import show_place
    loaded = load(data)
    emit(show_place(loaded.kb, place_index(loaded.kb).resolve(place), with_quotes=sources), format)


@handle_errors
def compare_command(
    places: Annotated[List[str], typer.Argument(help="Two or more places, e.g. 深圳 上海.")],
    metrics: Annotated[Optional[str], typer.Option(help="Comma-separated metrics to show (key, 中文 or English).")] = None,
    format: FormatOption = None, data: DataOption = None,
) -> None:
    """Places side by side: one row per metric, the leader marked, incomparable rows flagged."""
    from .names import metric_index, place_index
    from .query.compare import compare
    loaded = load(data)
    index = place_index(loaded.kb)
    names = [index.resolve(place) for place in places]
    if len(names) < 2:
        raise UsageError("compare needs at least two places, e.g. cityai compare 深圳 上海")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise UsageError(f"{', '.join(repeated)} given more than once")
    chosen = None
    if metrics is not None:
        chosen = [metric_index(loaded.kb).resolve(part) for part in metrics.split(",") if part.strip()]
        if not chosen:
            raise UsageError("--metrics needs at least one metric")
    emit(compare(loaded.kb, names, chosen), format)


app.command("compare")(compare_command)
app.command("diff", help="Same as compare.")(compare_command)


@app.command("rank")
@handle_errors
def rank_command(
    by: Annotated[str, typer.Option("--by", help="Metric: key, 中文 or English, e.g. 产业规模 or industry_scale.")],
    top: Annotated[Optional[int], typer.Option(min=1, help="Show only the first N rows.")] = None,
    level: Annotated[Level, typer.Option(help="Rank places of this level ('all' mixes levels).")] = Level.city,
    targets: Annotated[bool, typer.Option("--targets", help="Rank targets instead of actual figures.")] = False,
    chart: Annotated[bool, typer.Option("--chart", help="Draw horizontal bars (terminal table).")] = False,
    format: FormatOption = None, data: DataOption = None,
) -> None:
    """Places ordered by a metric; places without the figure are listed last."""
    from .names import metric_index
    from .query.rank import rank
    loaded = load(data)
    metric = metric_index(loaded.kb).resolve(by)
    if chart and not loaded.kb.metrics[metric].higher_is_better:
        # A longer bar for a worse figure (第2 twice 第1) would read backwards.
        raise UsageError(f"--chart draws bars where larger is better; {loaded.kb.metrics[metric].zh} ranks "
                         "smaller first")
    chosen = None if level == Level.all else level.value
    emit(rank(loaded.kb, metric, chosen, top, "target" if targets else "actual"), format, chart)


@app.command("subsidies")
@handle_errors
def subsidies_command(
    type: Annotated[Optional[str], typer.Option("--type", help="算力券, 训力券, 模型券, 语料券 … or English/pinyin.")] = None,
    city: Annotated[Optional[List[str]], typer.Option("--city", help="Only this place (repeatable).")] = None,
    spend: Annotated[Optional[str], typer.Option(help="Contract size to estimate the payout for: 300万, 3,000,000, 0.03亿, 3e6.")] = None,
    startup: Annotated[bool, typer.Option("--startup", help="Apply startup (初创企业) special rates.")] = False,
    eligible: Annotated[Optional[List[str]], typer.Option("--eligible", help="Apply the special rates with this flag (repeatable).")] = None,
    format: FormatOption = None, data: DataOption = None,
) -> None:
    """Subsidy programmes by per-recipient cap; with --spend, what a contract would get back."""
    from .names import place_index, subsidy_type_index
    from .quantity import FigureError, parse_amount
    from .query.subsidies import list_subsidies
    flags = list(eligible or []) + (["startup"] if startup else [])
    if flags and spend is None:
        raise UsageError("--startup/--eligible change the --spend estimate; add --spend AMOUNT")
    try:
        amount = parse_amount(spend) if spend is not None else None
    except FigureError as error:
        raise UsageError(str(error)) from None
    loaded = load(data)
    kind = subsidy_type_index(loaded.kb).resolve(type) if type else None
    index = place_index(loaded.kb)
    places = [index.resolve(name) for name in city] if city else None
    emit(list_subsidies(loaded.kb, kind, places, amount, flags), format)


@app.command("targets")
@handle_errors
def targets_command(
    places: Annotated[Optional[List[str]], typer.Argument(help="Only these places (default: all).")] = None,
    metric: Annotated[Optional[str], typer.Option(help="Only this metric (key, 中文 or English).")] = None,
    format: FormatOption = None, data: DataOption = None,
) -> None:
    """Targets with their deadlines, and progress of the latest actual figure of the same scope."""
    from .names import metric_index, place_index
    from .query.targets import list_targets
    loaded = load(data)
    index = place_index(loaded.kb)
    names = [index.resolve(place) for place in places] if places else None
    chosen = metric_index(loaded.kb).resolve(metric) if metric else None
    emit(list_targets(loaded.kb, names, chosen), format)


@app.command("conflicts")
@handle_errors
def conflicts_command(
    places: Annotated[Optional[List[str]], typer.Argument(help="Only these places (default: all).")] = None,
    format: FormatOption = None, data: DataOption = None,
) -> None:
    """Where sources disagree: same place, metric and scope, different figures."""
    from .names import place_index
    from .query.conflicts import list_conflicts
    loaded = load(data)
    index = place_index(loaded.kb)
    emit(list_conflicts(loaded.kb, [index.resolve(p) for p in places] if places else None), format)


@app.command("sources")
@handle_errors
def sources_command(format: FormatOption = None, data: DataOption = None) -> None:
    """The source documents, with how many figures, policies and subsidies cite each."""
    from .query.places import list_sources
    emit(list_sources(load(data).kb), format)


@app.command("validate")
@handle_errors
def validate_command(
    path: Annotated[Optional[Path], typer.Argument(help="Knowledge base to check (default: --data or the bundled one).")] = None,
    format: FormatOption = None, data: DataOption = None,
) -> None:
    """Lint a knowledge base: schema, references, aliases, and every quote against its source."""
    from .validate import validate
    report, summary, ok = validate(path or data)
    if format is None or format == Format.table:
        for row in report.tables[0].rows:
            typer.echo(row["problem"])
    else:
        emit(report, format)
    typer.echo(summary, err=True)
    if not ok:
        raise typer.Exit(EXIT_DATA)


def main() -> None:
    """Console-script entry point. Failing to write (stdout closed, full or gone) is a message
    and exit 1 (exit 0 for a reader that left, as `head` does), never a traceback, also for
    --help and for what Python would otherwise flush at exit."""
    if sys.stdout is None:   # started with stdout closed (`cityai list >&-`)
        _say("Error: output: standard output is closed")
        sys.exit(EXIT_DATA)
    code: object = 0
    try:
        app(prog_name="cityai")
    except SystemExit as done:
        code = done.code
    except OSError as error:
        code = _output_failed(error)
    try:
        sys.stdout.flush()
    except (OSError, ValueError) as error:
        code = _output_failed(error) if code in (0, None) else code
    sys.exit(code)


def _output_failed(error: Exception) -> int:
    _discard_stdout()
    if isinstance(error, BrokenPipeError):
        return 0
    _say(f"Error: output: cannot write: {getattr(error, 'strerror', None) or error}")
    return EXIT_DATA


def _say(message: str) -> None:
    """A message on stderr if there is one that works."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
