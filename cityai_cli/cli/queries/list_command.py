"""`cityai list`: every place with its level, province, regions and headline figures.

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
    Level,
    RegionOption,
    WithOption,
    app,
    emit,
    handle_errors,
    load,
    output_options,
    resolve_group,
    resolve_region,
)


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
    from ...core.query.listings import list_places

    loaded = load(env, data, with_)
    province_name = resolve_group(loaded, province, "province", "province")
    chosen = None if level is None or level is Level.all else level.value
    emit(env, loaded, list_places(loaded.base, chosen, resolve_region(loaded, region), province_name), format, lang)
