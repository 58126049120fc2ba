"""`cityai subsidies` and `cityai funds`: programmes, and what a contract gets back.

(No `from __future__ import annotations`: see cli/__init__.py.)
"""

from typing import TYPE_CHECKING, Annotated, List, Optional

import typer

from ...core.errors import UsageError
from ..context import Environment
from ..shell import (
    DataOption,
    FormatOption,
    Lang,
    LangOption,
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
    resolve_places,
    resolve_region,
)

if TYPE_CHECKING:  # pragma: no cover
    from decimal import Decimal

    from ...core.base.reading import Loaded


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
        from ...core.name_index import check_flags
        from ...core.query.subsidies import list_programmes

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
    from ...core.figures.quantity import FigureError, parse_amount
    from ...core.text import from_shell

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
    from ...core.name_index import subsidy_type_index

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
