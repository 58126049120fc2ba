"""`cityai show`: one place's profile: facts, policy documents and programmes.

(No `from __future__ import annotations`: see cli/__init__.py.)
"""

from typing import Annotated, Optional

import typer

from ..context import Environment
from ..shell import (
    AsOfOption,
    DataOption,
    FormatOption,
    Lang,
    LangOption,
    WithOption,
    app,
    completion,
    emit,
    handle_errors,
    load,
    output_options,
    parse_date,
    table_flag,
)


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
    from ...core.name_index import place_index
    from ...core.query.listings import show_place

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
