"""`cityai compare` (and `diff`): places side by side, one row per metric.

(No `from __future__ import annotations`: see cli/__init__.py.)
"""

from typing import Annotated, List, Optional

import typer

from ..context import Environment
from ..shell import (
    AsOfOption,
    DataOption,
    FormatOption,
    Lang,
    LangOption,
    WindowOption,
    WithOption,
    app,
    completion,
    emit,
    handle_errors,
    load,
    nonempty,
    output_options,
    parse_date,
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
    from ...core.name_index import metric_index, place_index
    from ...core.query.compare import compare

    loaded = load(env, data, with_)
    index = place_index(loaded.base)
    chosen = [metric_index(loaded.base).resolve(m) for m in nonempty("--metric", metric)] or None
    result = compare(loaded.base, [index.resolve(p) for p in places], chosen, parse_date(as_of), window)
    emit(env, loaded, result, format, lang, all_rows=all_rows)


app.command("compare")(compare_command)
app.command("diff", help="Same as compare.\n\nExample: cityai diff 深圳 上海")(compare_command)
