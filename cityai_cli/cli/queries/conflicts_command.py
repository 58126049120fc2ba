"""`cityai conflicts`: where sources contradict each other.

(No `from __future__ import annotations`: see cli/__init__.py.)
"""

from typing import Annotated

import typer

from ..context import Environment
from ..shell import (
    DataOption,
    FormatOption,
    Lang,
    LangOption,
    PlacesArgument,
    WithOption,
    app,
    emit,
    handle_errors,
    load,
    output_options,
    resolve_places,
    streamed,
)


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
    from ...core.query.conflicts import list_conflicts

    loaded = load(env, data, with_)
    names = resolve_places(loaded, places) if places else None
    emit(env, loaded, list_conflicts(loaded.base, names, all_, streamed(env, format)), format, lang)
