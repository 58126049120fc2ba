"""The query commands: list, show, compare (diff), rank, subsidies, funds, targets, conflicts and
policies. Each resolves the names it is given, calls one query, and emits its result.

(No `from __future__ import annotations`: see cli/__init__.py.)
"""

from typing import TYPE_CHECKING, Annotated, List, Optional

import typer

from ..core.errors import UsageError
from .context import Environment
from .shell import (
    AsOfOption,
    DataOption,
    FormatOption,
    Lang,
    LangOption,
    Level,
    PlacesArgument,
    RegionOption,
    TopOption,
    WithOption,
    app,
    completion,
    emit,
    handle_errors,
    load,
    nonempty,
    output_options,
    parse_date,
    resolve_places,
    resolve_region,
    streamed,
    table_flag,
)

if TYPE_CHECKING:  # pragma: no cover
    from decimal import Decimal

    from ..core.base.reading import Loaded

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


@app.command("list")
@output_options
@handle_errors
def list_command(
    env: Environment,
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
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.name_index import group_index
    from ..core.query.listings import list_places

    loaded = load(env, data, with_)
    province_name = group_index(loaded.base, "province", "province").resolve(province) if province else None
    chosen = None if level is None or level is Level.all else level.value
    emit(env, loaded, list_places(loaded.base, chosen, resolve_region(loaded, region), province_name), format, lang)


@app.command("show")
@output_options
@handle_errors
def show_command(
    env: Environment,
    place: Annotated[
        str,
        typer.Argument(
            metavar="PLACE",
            help="A place: 深圳, 廣州, shenzhen, Shenzhen, 深圳市 …",
            autocompletion=completion("place"),
        ),
    ],
    as_of: AsOfOption = None,
    table: Annotated[Optional[str], table_flag(["facts", "place", "policies", "subsidies"])] = None,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """One place's profile: facts, policy documents and programmes, with sources.

    Example: cityai show 深圳 --as-of 2024 --table policies
    """
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.name_index import place_index
    from ..core.query.listings import show_place

    loaded = load(env, data, with_)
    emit(
        env,
        loaded,
        show_place(loaded.base, place_index(loaded.base).resolve(place), parse_date(as_of)),
        format,
        lang,
        primary=1,
        table=table,
    )


@output_options
@handle_errors
def compare_command(
    env: Environment,
    places: Annotated[
        List[str],
        typer.Argument(
            metavar="PLACE...", help="Two or more places, e.g. 深圳 上海.", autocompletion=completion("place")
        ),
    ],
    metric: Annotated[
        Optional[List[str]],
        typer.Option(
            "--metric",
            metavar="METRIC",
            help="Only this metric (repeatable): key, 中文 or English.",
            autocompletion=completion("metric"),
        ),
    ] = None,
    all_rows: Annotated[
        bool, typer.Option("--all", help="List metrics none of the places has as rows (by default: one line under).")
    ] = False,
    as_of: AsOfOption = None,
    window: WindowOption = 12,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Places side by side: one row per metric, the leader marked, incomparable rows flagged.

    Example: cityai compare 深圳 上海 --metric 产业规模 --lang en
    """
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.name_index import metric_index, place_index
    from ..core.query.compare import compare

    loaded = load(env, data, with_)
    index = place_index(loaded.base)
    chosen = [metric_index(loaded.base).resolve(m) for m in nonempty("--metric", metric)] or None
    result = compare(loaded.base, [index.resolve(p) for p in places], chosen, parse_date(as_of), window)
    emit(env, loaded, result, format, lang, all_rows=all_rows)


app.command("compare")(compare_command)
app.command("diff", help="Same as compare.\n\nExample: cityai diff 深圳 上海")(compare_command)


@app.command("rank")
@output_options
@handle_errors
def rank_command(
    env: Environment,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            metavar="METRIC",
            help="Metric: key, 中文 or English (see cityai metrics).",
            autocompletion=completion("metric"),
        ),
    ],
    top: TopOption = None,
    level: Annotated[
        Level, typer.Option(metavar="LEVEL", help="Rank places of this level ('all' mixes levels).")
    ] = Level.city,
    region: RegionOption = None,
    targets: Annotated[bool, typer.Option("--targets", help="Rank targets instead of actual figures.")] = False,
    forecasts: Annotated[bool, typer.Option("--forecasts", help="Rank third-party forecasts.")] = False,
    chart: Annotated[bool, typer.Option("--chart", help="Draw horizontal bars (terminal table).")] = False,
    all_rows: Annotated[
        bool,
        typer.Option("--all", help="List places without the figure as rows (by default: one line under the table)."),
    ] = False,
    as_of: AsOfOption = None,
    window: WindowOption = 12,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Places ordered by a metric; only comparable figures are ranked, the rest say why.

    Example: cityai rank --by industry_scale --lang en
    """
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.name_index import metric_index
    from ..core.query.rank import rank

    if targets and forecasts:
        raise UsageError("--targets and --forecasts exclude each other")
    loaded = load(env, data, with_)
    metric = metric_index(loaded.base).resolve(by)
    if chart and not loaded.base.metrics[metric].higher_is_better:
        # A longer bar for a worse figure (第2 twice 第1) would read backwards.
        raise UsageError(f"--chart draws bars where larger is better; {metric} ranks smaller first")
    kind = "target" if targets else "forecast" if forecasts else "actual"
    chosen = None if level == Level.all else level.value
    emit(
        env,
        loaded,
        rank(loaded.base, metric, chosen, top, kind, resolve_region(loaded, region), parse_date(as_of), window),
        format,
        lang,
        chart,
        all_rows=all_rows,
    )


TypesOption = Annotated[
    Optional[List[str]],
    typer.Option(
        "--type",
        metavar="TYPE",
        autocompletion=completion("type"),
        help="算力券, 训力券, 模型券, 语料券 … or English/pinyin (repeatable; see cityai types).",
    ),
]
CitiesOption = Annotated[
    Optional[List[str]],
    typer.Option(
        "--city",
        metavar="PLACE",
        autocompletion=completion("place"),
        help="Only this place (repeatable; a region means its members).",
    ),
]
SpendOption = Annotated[
    Optional[str],
    typer.Option(
        metavar="AMOUNT",
        help="Contract size to estimate the payout for, in yuan: 300万, 0.03亿, 3,000,000, 3e6, 3m, "
        "'3 million', 'CNY 3 m', 1.5bn.",
    ),
]
StartupOption = Annotated[bool, typer.Option("--startup", help="Apply startup (初创企业) special rates.")]
EligibleOption = Annotated[
    Optional[List[str]],
    typer.Option("--eligible", metavar="FLAG", help="Apply the special rates with this flag (repeatable)."),
]


def _programmes(funds: bool):
    """The subsidies command (funds False) or the funds command (True): one body, two listings."""

    def command(
        env: Environment,
        type: TypesOption = None,
        city: CitiesOption = None,
        region: RegionOption = None,
        spend: SpendOption = None,
        startup: StartupOption = False,
        eligible: EligibleOption = None,
        top: TopOption = None,
        format: FormatOption = None,
        lang: LangOption = Lang.zh,
        data: DataOption = None,
        with_: WithOption = None,
    ) -> None:
        # lazy: only the command that runs imports what it uses (start-up)
        from ..core.name_index import check_flags
        from ..core.query.subsidies import list_programmes

        flags = nonempty("--eligible", eligible) + (["startup"] if startup else [])
        amount = _payout_asked(funds, spend, flags)
        loaded = load(env, data, with_)
        check_flags(loaded.base, flags, "--eligible")
        kinds = _programme_types(loaded, nonempty("--type", type), funds)
        places = resolve_places(loaded, nonempty("--city", city)) or None
        emit(
            env,
            loaded,
            list_programmes(loaded.base, kinds, places, amount, flags, funds, resolve_region(loaded, region), top),
            format,
            lang,
        )

    return command


def _payout_asked(funds: bool, spend: Optional[str], flags: List[str]) -> Optional["Decimal"]:
    """The --spend amount (None without it); the special-rate flags only go with it, and a fund
    has no payout."""
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.figures.quantity import FigureError, parse_amount
    from ..core.text import from_shell

    if funds and (spend is not None or flags):
        raise UsageError(
            "a fund is an investment vehicle: it has no payout to estimate (--spend, --startup, --eligible)"
        )
    if flags and spend is None:
        raise UsageError("--startup/--eligible change the --spend estimate; add --spend AMOUNT")
    try:
        return parse_amount(from_shell(spend)) if spend is not None else None
    except FigureError as error:
        raise UsageError(str(error), code=getattr(error, "code", ""), params=getattr(error, "params", {})) from None


def _programme_types(loaded: "Loaded", asked: List[str], funds: bool) -> List[str]:
    """The subsidy types asked for; a usage error when every one is listed by the other command."""
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.name_index import subsidy_type_index

    kinds = [subsidy_type_index(loaded.base).resolve(t) for t in asked]
    elsewhere = [k for k in kinds if (loaded.base.subsidy_types[k].category == "fund") != funds]
    if kinds and elsewhere == kinds:
        other = "subsidies" if funds else "funds"
        what = "not a fund" if funds else "a fund"
        raise UsageError(
            f"{', '.join(kinds)}: {what}; see cityai {other} --type {kinds[0]}",
            code="type.elsewhere",
            params={"kinds": [(k, loaded.base.subsidy_types[k].en) for k in kinds], "funds": funds},
        )
    return kinds


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
    env: Environment,
    places: PlacesArgument = None,
    metric: Annotated[
        Optional[str],
        typer.Option(
            metavar="METRIC", help="Only this metric (key, 中文 or English).", autocompletion=completion("metric")
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
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.name_index import metric_index
    from ..core.query.targets import list_targets

    loaded = load(env, data, with_)
    names = resolve_places(loaded, places) if places else None
    chosen = metric_index(loaded.base).resolve(metric) if metric else None
    emit(env, loaded, list_targets(loaded.base, names, chosen, resolve_region(loaded, region)), format, lang)


@app.command("conflicts")
@output_options
@handle_errors
def conflicts_command(
    env: Environment,
    places: PlacesArgument = None,
    all_: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Also list figures that differ but can all hold (约2400家 beside 超2400家), marked consistent.",
        ),
    ] = False,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Where sources contradict each other: same place, metric, scope, kind and year, figures that cannot both hold.

    Example: cityai conflicts 深圳 --all
    """
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.query.conflicts import list_conflicts

    loaded = load(env, data, with_)
    names = resolve_places(loaded, places) if places else None
    emit(env, loaded, list_conflicts(loaded.base, names, all_, streamed(env, format)), format, lang)


@app.command("policies")
@output_options
@handle_errors
def policies_command(
    env: Environment,
    places: PlacesArgument = None,
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
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.query.listings import list_policies

    start, end = parse_date(since, "--since"), parse_date(until, "--until")
    if start and end and start.start_key() > end.sort_key()[:3]:  # a year or month until its end
        raise UsageError(f"--since {start} is after --until {end}: no date falls between them")
    loaded = load(env, data, with_)
    emit(
        env,
        loaded,
        list_policies(
            loaded.base, resolve_places(loaded, places) if places else None, start, end, resolve_region(loaded, region)
        ),
        format,
        lang,
    )
