"""`cityai targets`: targets with their deadlines and progress.

(No `from __future__ import annotations`: see cli/__init__.py.)
"""

from typing import Annotated, Optional

import typer

from ..context import Environment
from ..shell import (
    DataOption,
    FormatOption,
    Lang,
    LangOption,
    PlacesArgument,
    RegionOption,
    WithOption,
    app,
    completion,
    emit,
    handle_errors,
    load,
    output_options,
    resolve_places,
    resolve_region,
)


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
    from ...core.name_index import metric_index
    from ...core.query.targets import list_targets

    loaded = load(env, data, with_)
    names = resolve_places(loaded, places) if places else None
    chosen = metric_index(loaded.base).resolve(metric) if metric else None
    emit(env, loaded, list_targets(loaded.base, names, chosen, resolve_region(loaded, region)), format, lang)
