"""`cityai policies`: the policy documents the sources name, by date.

(No `from __future__ import annotations`: see cli/__init__.py.)
"""

from typing import Annotated, Optional

import typer

from ...core.errors import UsageError
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
    emit,
    handle_errors,
    load,
    output_options,
    parse_date,
    resolve_places,
    resolve_region,
)


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
    from ...core.query.listings import list_policies

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
