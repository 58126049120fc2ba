"""The `cityai` command: parse arguments, call the core, pick a view and a renderer, map errors.

(No `from __future__ import annotations` here: Typer before 0.24, the newest on Python 3.9,
reads `Annotated` option metadata only from evaluated annotations.)

Errors never escape as tracebacks: `UsageError` exits 2, `DataError` exits 1, each printed as
"Error: …" on stderr. Only what a command uses is imported, because the tool is called from
shells and loops.
"""

import contextlib
import functools
import os
import shutil
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Callable, List, Optional, Union

import typer

from . import __version__
from .errors import EXIT_DATA, EXIT_USAGE, DataError, Problem, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from .kb import Loaded
    from .query.common import Result

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
    city = "city"
    district = "district"
    county = "county"
    zone = "zone"
    province = "province"
    region = "region"
    country = "country"
    all = "all"


class _State:
    data: Optional[Path] = None  # --data given before the command name
    layers: List[Path] = []  # --with given before the command name


def _complete(kind: str):
    """Shell completion for place names, metric keys and subsidy types (from the loaded base)."""

    def complete(incomplete: str) -> List[str]:
        try:
            base = load(None).base
        except DataError:
            return []
        words = {"place": list(base.places), "metric": list(base.metrics), "type": list(base.subsidy_types)}[kind]
        return [word for word in words if word.startswith(incomplete) or word.lower().startswith(incomplete.lower())]

    return complete


FormatOption = Annotated[
    Optional[Format],
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        metavar="FORMAT",
        help="table, csv, json or markdown. Default: table on a terminal, csv when piped.",
    ),
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
    typer.Option("--data", metavar="FILE", help="Knowledge base to use instead of the bundled one (also CITYAI_DATA)."),
]
WithOption = Annotated[
    Optional[List[Path]],
    typer.Option(
        "--with",
        metavar="BASE",
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
        help="Knowledge base to use instead of the bundled one.",
    ),
]
RegionOption = Annotated[Optional[str], typer.Option(metavar="REGION", help="Only places in this region, e.g. 长三角.")]
AsOfOption = Annotated[
    Optional[str],
    typer.Option(
        "--as-of", metavar="YEAR|YYYY-MM", help="Use, for each fact, the latest figure dated at or before this point."
    ),
]


MIN_WIDTH = 40  # the narrowest table layout (tests sweep 40-140 columns)


class _Output:
    """The picture and spreadsheet options of the command being run (set by `output_options`)."""

    bom: bool = False
    svg: Optional[Path] = None
    html: Optional[Path] = None
    width: Optional[int] = None


_OUTPUT_EXTRA = {
    "bom": (bool, typer.Option("--bom", help="Start CSV with a UTF-8 byte-order mark (Excel on Windows)."), False),
    "svg": (
        Optional[Path],
        typer.Option("--svg", metavar="FILE", help="Also save the table as it shows in a terminal, as SVG."),
        None,
    ),
    "html": (Optional[Path], typer.Option("--html", metavar="FILE", help="Also save the table as HTML."), None),
    "width": (
        Optional[int],
        typer.Option(
            "--width",
            min=MIN_WIDTH,
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
            setattr(_Output, name, kwargs.pop(name, extra[name][2]))
        return command(*args, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=[*signature.parameters.values(), *added])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**command.__annotations__, **{p.name: p.annotation for p in added}}
    return wrapper


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


def load(data: Optional[Path], layers: Optional[List[Path]] = None) -> "Loaded":
    """The base for a query command: from the compiled cache when current (no TOML, no pydantic),
    else validated in full and cached (store.py). `validate` never comes here: it always loads in full."""
    from .paths import default_data_path, layer_paths
    from .store import open_base

    chosen = data or _State.data
    added = tuple(layer_paths(layers or _State.layers))
    return open_base(default_data_path(str(chosen) if chosen else None), added)  # type: ignore[return-value]


def _as_of(text: Optional[str], option: str = "--as-of"):
    if text is None:
        return None
    from .dates import PartialDate

    try:
        return PartialDate.parse(text)
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None


def _nonempty(option: str, values: Optional[List[str]]) -> List[str]:
    values = list(values or [])
    if any(not value.strip() for value in values):
        raise UsageError(f"{option} needs a value, got an empty one")
    return values


def _places(loaded: "Loaded", given: List[str]) -> List[str]:
    """Resolve place names; a region (长三角) or province stands for its member places."""
    from .names import group_index, place_index

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


def _region(loaded: "Loaded", region: Optional[str]) -> Optional[str]:
    from .names import group_index

    return group_index(loaded.base, "regions", "region").resolve(region) if region else None


def emit(
    loaded: "Loaded", result: "Result", fmt: Optional[Format], lang: Lang, chart: bool = False, primary: int = 0
) -> None:
    """View in the chosen language, render in the chosen (or implied) format, write in one piece."""
    from .render import Options, render
    from .view import view

    is_tty = sys.stdout.isatty()
    if chart and fmt is not None and fmt is not Format.table:
        raise UsageError(f"--chart draws bars in the terminal table; it cannot be combined with --format {fmt.value}")
    chosen = fmt.value if fmt else ("table" if is_tty or chart else "csv")
    color = is_tty and bool(os.environ.get("NO_COLOR", "") == "") and chosen == "table"  # no-color.org
    # A terminal narrower than MIN_WIDTH (or COLUMNS=5) gets the narrowest layout that keeps
    # every figure whole; the terminal wraps its lines.
    width = _Output.width or max(MIN_WIDTH, shutil.get_terminal_size((100, 24)).columns)
    report = view(loaded.base, result, lang.value)
    report.primary = primary
    for kind, path in (("svg", _Output.svg), ("html", _Output.html)):
        if path is not None:
            save(path, render(report, "table", Options(width=width, chart=chart, record=kind)))
    if _Output.bom and chosen != "csv":
        raise UsageError("--bom marks CSV output for spreadsheets; add --format csv")
    text = render(report, chosen, Options(width=width, color=color, chart=chart))
    write(("\ufeff" if _Output.bom else "") + text)


def save(path: Path, text: str) -> None:
    """Write a picture file, turning every way it can fail into a DataError. An existing regular
    file is replaced whole (never left torn by a full disk); a device, pipe or link never."""
    from .files import WriteError, write_atomically

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
        _discard_stdout()
        raise typer.Exit(0) from None
    except OSError as error:  # a full disk (> /dev/full), an I/O error
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
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    data: GlobalDataOption = None,
    with_: Annotated[
        Optional[List[Path]],
        typer.Option(
            "--with", metavar="BASE", help="Add your own base (a file or a directory) to the one used (repeatable)."
        ),
    ] = None,
) -> None:
    """Compare Chinese cities' AI-industry figures, targets and subsidies.

    Example: cityai compare 深圳 上海 --lang en
    """
    _State.data = data
    _State.layers = list(with_ or [])


@app.command("list")
@output_options
@handle_errors
def list_command(
    level: Annotated[
        Optional[Level],
        typer.Option(
            metavar="LEVEL",
            help="Only places of this level: city, district, county, zone, province, region, country or all.",
        ),
    ] = None,
    region: RegionOption = None,
    province: Annotated[
        Optional[str], typer.Option(metavar="PROVINCE", help="Only places in this province, e.g. 广东.")
    ] = None,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Every place with its level, province, regions and headline figures.

    Example: cityai list --level region
    """
    from .names import group_index
    from .query.places import list_places

    loaded = load(data, with_)
    province_name = group_index(loaded.base, "province", "province").resolve(province) if province else None
    chosen = None if level is None or level is Level.all else level.value
    emit(loaded, list_places(loaded.base, chosen, _region(loaded, region), province_name), format, lang)


@app.command("show")
@output_options
@handle_errors
def show_command(
    place: Annotated[
        str,
        typer.Argument(
            metavar="PLACE", help="A place: 深圳, 廣州, shenzhen, Shenzhen, 深圳市 …", autocompletion=_complete("place")
        ),
    ],
    as_of: AsOfOption = None,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """One place's profile: facts, policy documents and programmes, with sources.

    Example: cityai show 深圳 --as-of 2024
    """
    from .names import place_index
    from .query.places import show_place

    loaded = load(data, with_)
    emit(
        loaded, show_place(loaded.base, place_index(loaded.base).resolve(place), _as_of(as_of)), format, lang, primary=1
    )


@output_options
@handle_errors
def compare_command(
    places: Annotated[
        List[str],
        typer.Argument(
            metavar="PLACE...", help="Two or more places, e.g. 深圳 上海.", autocompletion=_complete("place")
        ),
    ],
    metric: Annotated[
        Optional[List[str]],
        typer.Option(
            "--metric",
            metavar="METRIC",
            help="Only this metric (repeatable): key, 中文 or English.",
            autocompletion=_complete("metric"),
        ),
    ] = None,
    as_of: AsOfOption = None,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Places side by side: one row per metric, the leader marked, incomparable rows flagged.

    Example: cityai compare 深圳 上海 --metric 产业规模 --lang en
    """
    from .names import metric_index, place_index
    from .query.compare import compare

    loaded = load(data, with_)
    index = place_index(loaded.base)
    chosen = [metric_index(loaded.base).resolve(m) for m in _nonempty("--metric", metric)] or None
    emit(loaded, compare(loaded.base, [index.resolve(p) for p in places], chosen, _as_of(as_of)), format, lang)


app.command("compare")(compare_command)
app.command("diff", help="Same as compare.\n\nExample: cityai diff 深圳 上海")(compare_command)


@app.command("rank")
@output_options
@handle_errors
def rank_command(
    by: Annotated[
        str,
        typer.Option(
            "--by",
            metavar="METRIC",
            help="Metric: key, 中文 or English (see cityai metrics).",
            autocompletion=_complete("metric"),
        ),
    ],
    top: Annotated[Optional[int], typer.Option(min=1, metavar="N", help="Show only the first N rows.")] = None,
    level: Annotated[
        Level, typer.Option(metavar="LEVEL", help="Rank places of this level ('all' mixes levels).")
    ] = Level.city,
    region: RegionOption = None,
    targets: Annotated[bool, typer.Option("--targets", help="Rank targets instead of actual figures.")] = False,
    forecasts: Annotated[bool, typer.Option("--forecasts", help="Rank third-party forecasts.")] = False,
    chart: Annotated[bool, typer.Option("--chart", help="Draw horizontal bars (terminal table).")] = False,
    as_of: AsOfOption = None,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Places ordered by a metric; only comparable figures are ranked, the rest say why.

    Example: cityai rank --by industry_scale --lang en
    """
    from .names import metric_index
    from .query.rank import rank

    if targets and forecasts:
        raise UsageError("--targets and --forecasts exclude each other")
    loaded = load(data, with_)
    metric = metric_index(loaded.base).resolve(by)
    if chart and not loaded.base.metrics[metric].higher_is_better:
        # A longer bar for a worse figure (第2 twice 第1) would read backwards.
        raise UsageError(f"--chart draws bars where larger is better; {metric} ranks smaller first")
    kind = "target" if targets else "forecast" if forecasts else "actual"
    chosen = None if level == Level.all else level.value
    emit(
        loaded,
        rank(loaded.base, metric, chosen, top, kind, _region(loaded, region), _as_of(as_of)),
        format,
        lang,
        chart,
    )


def _programmes(funds: bool):
    def command(
        type: Annotated[
            Optional[List[str]],
            typer.Option(
                "--type",
                metavar="TYPE",
                autocompletion=_complete("type"),
                help="算力券, 训力券, 模型券, 语料券 … or English/pinyin (repeatable; see cityai types).",
            ),
        ] = None,
        city: Annotated[
            Optional[List[str]],
            typer.Option(
                "--city",
                metavar="PLACE",
                autocompletion=_complete("place"),
                help="Only this place (repeatable; a region means its members).",
            ),
        ] = None,
        region: RegionOption = None,
        spend: Annotated[
            Optional[str],
            typer.Option(
                metavar="AMOUNT", help="Contract size to estimate the payout for: 300万, 3,000,000, 0.03亿, 3e6."
            ),
        ] = None,
        startup: Annotated[bool, typer.Option("--startup", help="Apply startup (初创企业) special rates.")] = False,
        eligible: Annotated[
            Optional[List[str]],
            typer.Option("--eligible", metavar="FLAG", help="Apply the special rates with this flag (repeatable)."),
        ] = None,
        format: FormatOption = None,
        lang: LangOption = Lang.zh,
        data: DataOption = None,
        with_: WithOption = None,
    ) -> None:
        from .names import subsidy_type_index
        from .quantity import FigureError, parse_amount
        from .query.subsidies import list_programmes

        flags = _nonempty("--eligible", eligible) + (["startup"] if startup else [])
        if funds and (spend is not None or flags):
            raise UsageError(
                "a fund is an investment vehicle: it has no payout to estimate (--spend, --startup, --eligible)"
            )
        if flags and spend is None:
            raise UsageError("--startup/--eligible change the --spend estimate; add --spend AMOUNT")
        try:
            amount = parse_amount(spend) if spend is not None else None
        except FigureError as error:
            raise UsageError(str(error)) from None
        loaded = load(data, with_)
        if flags:  # checking them reads every programme: only when there are some
            known = sorted({t.flag for p in loaded.base.programmes for t in p.special_rates})
            unknown = [flag for flag in flags if flag not in known]
            if unknown:
                raise UsageError(f"unknown --eligible flag {unknown[0]!r}; known flags: {', '.join(known) or 'none'}")
        kinds = [subsidy_type_index(loaded.base).resolve(t) for t in _nonempty("--type", type)]
        places = _places(loaded, _nonempty("--city", city)) or None
        emit(
            loaded,
            list_programmes(loaded.base, kinds, places, amount, flags, funds, _region(loaded, region)),
            format,
            lang,
        )

    return command


subsidies_command = _programmes(False)
subsidies_command.__doc__ = (
    "Programmes a recipient can claim, by per-recipient cap; with --spend, what a contract gets back.\n"
    "\n"
    "    Example: cityai subsidies --type 算力券 --spend 300万\n"
    "    "
)
app.command("subsidies")(output_options(handle_errors(subsidies_command)))
funds_command = _programmes(True)
funds_command.__doc__ = """Investment funds (never a payout estimate).

    Example: cityai funds --city 深圳
    """
app.command("funds")(output_options(handle_errors(funds_command)))


@app.command("targets")
@output_options
@handle_errors
def targets_command(
    places: Annotated[
        Optional[List[str]],
        typer.Argument(
            metavar="[PLACE]...", help="Only these places (default: all).", autocompletion=_complete("place")
        ),
    ] = None,
    metric: Annotated[
        Optional[str],
        typer.Option(
            metavar="METRIC", help="Only this metric (key, 中文 or English).", autocompletion=_complete("metric")
        ),
    ] = None,
    region: RegionOption = None,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Targets with their deadlines, and progress of the latest actual figure of the same scope.

    Example: cityai targets 深圳
    """
    from .names import metric_index
    from .query.targets import list_targets

    loaded = load(data, with_)
    names = _places(loaded, places) if places else None
    chosen = metric_index(loaded.base).resolve(metric) if metric else None
    emit(loaded, list_targets(loaded.base, names, chosen, _region(loaded, region)), format, lang)


@app.command("conflicts")
@output_options
@handle_errors
def conflicts_command(
    places: Annotated[
        Optional[List[str]],
        typer.Argument(
            metavar="[PLACE]...", help="Only these places (default: all).", autocompletion=_complete("place")
        ),
    ] = None,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Where sources disagree: same place, metric, scope, kind and year, different figures.

    Example: cityai conflicts 深圳
    """
    from .query.conflicts import list_conflicts

    loaded = load(data, with_)
    emit(loaded, list_conflicts(loaded.base, _places(loaded, places) if places else None), format, lang)


@app.command("policies")
@output_options
@handle_errors
def policies_command(
    places: Annotated[
        Optional[List[str]],
        typer.Argument(
            metavar="[PLACE]...", help="Only these places (default: all).", autocompletion=_complete("place")
        ),
    ] = None,
    since: Annotated[
        Optional[str], typer.Option(metavar="YEAR|YYYY-MM", help="Only documents dated from this point on.")
    ] = None,
    until: Annotated[
        Optional[str], typer.Option(metavar="YEAR|YYYY-MM", help="Only documents dated up to this point.")
    ] = None,
    region: RegionOption = None,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """The policy documents the sources name, ordered by date.

    Example: cityai policies 深圳 --since 2024
    """
    from .query.places import list_policies

    loaded = load(data, with_)
    emit(
        loaded,
        list_policies(
            loaded.base,
            _places(loaded, places) if places else None,
            _as_of(since, "--since"),
            _as_of(until, "--until"),
            _region(loaded, region),
        ),
        format,
        lang,
    )


sources_app = typer.Typer(
    help="The source documents, with how many facts, policies and programmes cite each.\n\n"
    "Example: cityai sources --format json"
)
app.add_typer(sources_app, name="sources")


@sources_app.callback(invoke_without_command=True)
@output_options
@handle_errors
def sources_command(
    ctx: typer.Context,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """The source documents, with how many facts, policies and programmes cite each.

    Example: cityai sources --format json
    """
    if ctx.invoked_subcommand is not None:
        return
    from .query.places import list_sources

    loaded = load(data, with_)
    emit(loaded, list_sources(loaded.base), format, lang)


@sources_app.command("add")
@handle_errors
def sources_add_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The document: UTF-8 text, Markdown or HTML.")],
    id: Annotated[str, typer.Option("--id", metavar="ID", help="The new source's id, e.g. xinhua-2025-06.")],  # noqa: A002
    title: Annotated[str, typer.Option(metavar="TITLE", help="The document's title.")],
    publisher: Annotated[str, typer.Option(metavar="NAME", help="Who published it.")],
    published: Annotated[str, typer.Option(metavar="DATE", help="When: 2025, 2025-06 or 2025-06-18.")],
    url: Annotated[Optional[str], typer.Option(metavar="URL", help="Where it was published.")] = None,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    (
        """Copy a document into your base's seeds/ and record it with its SHA-256.

    Example: cityai sources add article.txt --id xinhua-2025-06 --title 标题 --publisher 新华社 """
        """--published 2025-06-18 --data my.toml
    """
    )
    from .sources import add_source

    chosen = data or _State.data or (with_[0] if with_ else (_State.layers[0] if _State.layers else None))
    if chosen is None:
        raise UsageError(
            "sources add writes into your own knowledge base: give --with FILE or --data FILE "
            "(the bundled one is read-only)"
        )
    entry = add_source(chosen, file, id, title, publisher, published, url)
    write(entry.lstrip("\n"))


@app.command("metrics")
@output_options
@handle_errors
def metrics_command(
    format: FormatOption = None, lang: LangOption = Lang.zh, data: DataOption = None, with_: WithOption = None
) -> None:
    """Every metric: key, Chinese and English names, unit, and how many places have it.

    Example: cityai metrics --lang en
    """
    from .query.places import list_metrics

    loaded = load(data, with_)
    emit(loaded, list_metrics(loaded.base), format, lang)


@app.command("types")
@output_options
@handle_errors
def types_command(
    format: FormatOption = None, lang: LangOption = Lang.zh, data: DataOption = None, with_: WithOption = None
) -> None:
    """Subsidy types with their English and pinyin names and category (voucher, subsidy, prize, fund).

    Example: cityai types
    """
    from .query.places import list_types

    loaded = load(data, with_)
    emit(loaded, list_types(loaded.base), format, lang)


@app.command("cite")
@output_options
@handle_errors
def cite_command(
    name: Annotated[
        str,
        typer.Argument(
            metavar="PLACE|PROGRAMME",
            help="A place (with a metric), or a programme's name.",
            autocompletion=_complete("place"),
        ),
    ],
    metric: Annotated[
        Optional[str],
        typer.Argument(metavar="[METRIC]", help="The metric of the place's fact.", autocompletion=_complete("metric")),
    ] = None,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """The evidence: each citation's source and the paragraph around its quote, marked [[like this]].

    Example: cityai cite 深圳 ai_enterprises
    """
    from .names import metric_index, place_index
    from .query.cite import cite_fact, cite_programme

    loaded = load(data, with_)
    read = loaded.seed_text
    if metric is None:
        emit(loaded, cite_programme(loaded.base, name, read), format, lang)
        return
    place = place_index(loaded.base).resolve(name)
    emit(loaded, cite_fact(loaded.base, place, metric_index(loaded.base).resolve(metric), read), format, lang)


class ExtractFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"
    toml = "toml"


@app.command("extract")
@handle_errors
def extract_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A document: UTF-8 text, Markdown or HTML.")],
    published: Annotated[
        Optional[str],
        typer.Option(
            metavar="DATE", help="When the document was published (dates 目前/现 and resolves 去年), e.g. 2025-03-17."
        ),
    ] = None,
    source: Annotated[
        Optional[str], typer.Option(metavar="ID", help="Source id for --format toml (default: from the file name).")
    ] = None,
    new_only: Annotated[
        bool, typer.Option("--new-only", help="Hide candidates the knowledge base already holds.")
    ] = False,
    format: Annotated[
        Optional[ExtractFormat],
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            metavar="FORMAT",
            help="table, csv, json, markdown, or toml: entries to paste into a base.",
        ),
    ] = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Candidate facts in a new document: place, metric, value, kind, date and a verbatim quote.

    Example: cityai extract article.txt --published 2025-03-17 --format toml > new.toml
    """
    from .query.extract import extract_candidates, read_document, source_id_for
    from .sources import check_source_id

    if source is not None:
        check_source_id(source, "--source")
    loaded = load(data, with_)
    when = _as_of(published, "--published")
    text = read_document(file)
    result = extract_candidates(loaded.base, text, when, new_only)
    if format != ExtractFormat.toml:
        emit(loaded, result, Format(format.value) if format else None, lang)
        return
    from .extract.toml_out import to_toml
    from .text import toml_key, toml_string

    source_id = source or source_id_for(file)[:100]
    head = ""
    if source_id not in loaded.base.sources:  # what `sources add --id ID` would record
        head = (
            f"# confirm: the new source (copy the document into seeds/ with `cityai sources add`)\n"
            f"[sources.{toml_key(source_id)}]\nfile = {toml_string(source_id + '.txt')}\n"
            f'publisher = "CHOOSE"\ntitle = "CHOOSE"\npublished = {toml_string(str(when or "CHOOSE"))}\n\n'
        )
    scopes = {key: metric.scopes[0].key for key, metric in loaded.base.metrics.items()}
    write(head + to_toml([row["_candidate"] for row in result.rows], source_id, scopes))


@app.command("schema")
@handle_errors
def schema_command() -> None:
    """The JSON Schema of a knowledge-base file, for TOML editors (data/cities.schema.json).

    Example: cityai schema > cities.schema.json
    """
    import json

    from .kb import import_models

    write(json.dumps(import_models().json_schema(), ensure_ascii=False, indent=2) + "\n")


@app.command("validate")
@handle_errors
def validate_command(
    path: Annotated[
        Optional[Path],
        typer.Argument(metavar="[FILE]", help="Knowledge base to check (default: --data or the bundled one)."),
    ] = None,
    format: FormatOption = None,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Lint a knowledge base: schema, references, names, and every quote against its source.

    Example: cityai validate data/cities.toml
    """
    from .paths import layer_paths
    from .validate import validate

    report, summary, ok = validate(path or data or _State.data, tuple(layer_paths(with_ or _State.layers)))
    if format is None or format == Format.table:
        for row in report.tables[0].rows:
            typer.echo(row["problem"])
    else:
        from .render import Options, render

        write(render(report, format.value, Options()))
    typer.echo(summary, err=format not in (None, Format.table))
    if not ok:
        raise typer.Exit(EXIT_DATA)


@app.command("export")
@handle_errors
def export_command(
    sqlite: Annotated[
        Path, typer.Option("--sqlite", metavar="FILE", help="SQLite file to write (for Datasette, DuckDB, pandas).")
    ],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Write the whole knowledge base as one SQLite file: places, facts, citations, programmes …

    Example: cityai export --sqlite cityai.sqlite3
    """
    from .paths import data_files, default_data_path
    from .store import export
    from .text import one_line

    chosen = data or _State.data
    export(load(data, with_).base, sqlite, data_files(default_data_path(str(chosen) if chosen else None)), force)
    typer.echo(f"wrote {one_line(str(sqlite))}", err=True)


def main() -> None:
    """Run the command line in this process and exit with its status (the `cityai` console
    script and `python -m cityai_cli` use `__main__.run`, which ends the process faster)."""
    sys.exit(run_command_line())


def run_command_line() -> Union[str, int, None]:
    """The command line's exit status, as `SystemExit.code` would carry it. Failing to write
    (stdout closed, full or gone) is a message and exit 1 (exit 0 for a reader that left, as
    `head` does), never a traceback, also for --help and for what Python would otherwise flush
    at exit."""
    if sys.stdout is None:  # started with stdout closed (`cityai list >&-`)
        _say("Error: output: standard output is closed")
        return EXIT_DATA
    code: Union[str, int, None] = 0
    try:
        with _only_the_command(sys.argv[1:]):
            app(prog_name="cityai")
    except SystemExit as done:
        code = done.code
    except OSError as error:
        code = _output_failed(error)
    try:
        sys.stdout.flush()
    except (OSError, ValueError) as error:
        code = _output_failed(error) if code in (0, None) else code
    return code


@contextlib.contextmanager
def _only_the_command(argv: List[str]):
    """Typer builds the parameters of every registered command on each call (~9 ms for all 18);
    when the command line names one, register only that one for this call (the same definition,
    so the same parsing, help and errors). Anything else (--help, --version, an unknown name,
    shell completion) leaves the whole app as it is."""
    name, position = None, 0
    while position < len(argv):
        word = argv[position]
        if word in ("--data", "--with"):  # the global options taking a value
            position += 2
        elif word.startswith(("--data=", "--with=")):
            position += 1
        elif word.startswith("-"):
            break
        else:
            name = word
            break
    commands, groups = app.registered_commands, app.registered_groups
    keep_commands = [info for info in commands if info.name == name]
    keep_groups = [info for info in groups if info.name == name]
    if (
        name is None
        or any(key.startswith("_CITYAI_COMPLETE") for key in os.environ)
        or len(keep_commands) + len(keep_groups) != 1
    ):
        yield
        return
    app.registered_commands, app.registered_groups = keep_commands, keep_groups
    try:
        yield
    finally:
        app.registered_commands, app.registered_groups = commands, groups


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
