"""`cityai rank`: places ordered by a metric.

(No `from __future__ import annotations`: see cli/__init__.py.)
"""

from typing import Annotated

import typer

from ...core.errors import UsageError
from ..context import Environment
from ..shell import (
    AsOfOption,
    DataOption,
    FormatOption,
    Lang,
    LangOption,
    Level,
    RegionOption,
    TopOption,
    WindowOption,
    WithOption,
    app,
    completion,
    emit,
    handle_errors,
    load,
    output_options,
    parse_date,
    resolve_region,
)


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
    from ...core.name_index import metric_index
    from ...core.query.rank import rank

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
