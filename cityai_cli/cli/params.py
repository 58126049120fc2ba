"""cityai's Typer app, group and commands: parameters converted without pydantic on every Typer,
and Click's errors shown escaped on the Environment's stderr.

Typer 0.29 converts each parameter with a pydantic `TypeAdapter` built on the call (importing
pydantic and building adapters took a warm `rank -f csv` from ~108 to ~203 ms), and words range
and number errors as pydantic does. cityai's parameters are few kinds (text, whole numbers in a
range, choices, paths through a parser, and lists of these): `Command` and `Group` give each such
parameter a conversion of its own, worded as Typer up to 0.28 (Click) words it, so help, parsing
and messages are the same on Typer 0.23 (Python 3.9) to the newest. Older Typer converts with
Click's types and is left as it is. A parameter of another kind keeps Typer's conversion.
"""

import functools
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Callable, List, Optional, Union, get_args, get_origin

import typer
import typer.core

from .context import Environment, VisibleStream

# Typer >= 0.29 has its own copy of Click; older Typer uses Click.
_CLICK_MODULE = "_click" if hasattr(typer.core, "_click") else "click"
_ClickException = getattr(typer.core, _CLICK_MODULE).exceptions.ClickException
# Typer >= 0.29: parameters convert through `get_runtime_param()`, cached in `_runtime_param`.
_CONVERTS_ITSELF = hasattr(typer.core, "TyperArgument") and hasattr(typer.core.TyperArgument, "get_runtime_param")


def describe_range(low: Optional[int], high: Optional[int]) -> str:
    """Click's wording of an integer range."""
    if low is None:
        return f"x<={high}"
    if high is None:
        return f"x>={low}"
    return f"{low}<=x<={high}"


def choice(value: Any, choices: Any, case_sensitive: bool) -> Any:
    """The member of the Enum `choices` that `value` names; Click's message if none does."""
    if isinstance(value, choices):
        return value
    text = str(value)
    for member in choices:
        if member.value == text or (not case_sensitive and member.value.casefold() == text.casefold()):
            return member
    named = ", ".join(repr(member.value) for member in choices)
    raise ValueError(f"{text!r} is not one of {named}.")


def whole_number(value: Any, low: Optional[int], high: Optional[int]) -> int:
    """An int within [low, high] (either may be open); Click's messages otherwise."""
    ranged = low is not None or high is not None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError(f"{value!r} is not a valid {'int range' if ranged else 'integer'}.") from None
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValueError(f"{number} is not in the range {describe_range(low, high)}.")
    return number


def truth(value: Any) -> bool:
    """A flag's value (Click's words for true and false)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "t", "yes", "y", "on"):
        return True
    if text in ("0", "false", "f", "no", "n", "off"):
        return False
    raise ValueError(f"{value!r} is not a valid boolean.")


def converter(annotation: Any, info: Any) -> Optional[Callable[[Any], Any]]:
    """The conversion of one value of a parameter of this type, or None for a kind not handled."""
    if info.parser is not None:
        return info.parser
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return lambda value: choice(value, annotation, info.case_sensitive)
    if annotation is int:
        return lambda value: whole_number(value, info.min, info.max)
    if annotation is str:
        return lambda value: value if isinstance(value, str) else str(value)
    if annotation is Path:
        return lambda value: value if isinstance(value, Path) else Path(value)
    if annotation is bool:
        return truth
    return None


def _leaf(annotation: Any) -> Any:
    """The type of one value: Optional[X] and List[X] give X."""
    while get_origin(annotation) in (Union, list):
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    return annotation


class _Conversion:
    """What Typer >= 0.29 asks of a parameter's conversion: `coerce(value, param, ctx)`."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        self._convert = convert

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        multiple = param.multiple or param.nargs == -1
        if value is None:
            return () if multiple else None
        try:
            if multiple:
                if isinstance(value, str):
                    raise ValueError("Value must be an iterable.")
                return [self._convert(item) for item in value]
            return self._convert(value)
        except ValueError as error:
            raise typer.BadParameter(str(error), ctx=ctx, param=param) from None


def _own_conversions(params: list) -> None:
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or param._runtime_param is not None:
            continue
        convert = converter(_leaf(descriptor.annotation), descriptor.parameter_info)
        if convert is not None:
            param._runtime_param = _Conversion(convert)
        if isinstance(param, typer.core.TyperArgument):
            # Typer >= 0.29 would print an argument's Python type in help ("PLACE... <list[str]>")
            # and bracket its metavar again in the usage line ("[[PLACE]...]..."); the metavar says
            # what to type, as it does on older Typer.
            param.display_type_rich = _no_type  # type: ignore[method-assign,attr-defined,unused-ignore]  # Typer < 0.29 lacks it
            if param.metavar is not None:
                usage = functools.partial(usage_name, param.metavar, param.required)
                param._usage_display_name = usage  # type: ignore[method-assign,attr-defined,unused-ignore]


def _no_type(ctx: Any = None) -> None:
    return None


def usage_name(metavar: str, required: bool) -> str:
    """An argument in the usage line, as Typer up to 0.28 writes it: {REQUIRED}, [OPTIONAL]."""
    if metavar.startswith("["):
        return metavar
    return f"{{{metavar}}}" if required else f"[{metavar}]"


class Command(typer.core.TyperCommand):
    """A cityai command: its parameters converted by `converter` on every Typer."""

    def get_params(self, ctx: Any) -> list:
        params = super().get_params(ctx)  # with --help, and the completion options of the group
        if _CONVERTS_ITSELF:
            _own_conversions(params)
        return params


class Group(typer.core.TyperGroup):
    """The `cityai` group: its options (--data, --with) converted as a command's are, and Click's
    own errors (usage errors, exit 2) shown on the Environment's stderr, escaped."""

    def main(  # type: ignore[override]
        self,
        args: Optional[List[str]] = None,
        prog_name: Optional[str] = None,
        complete_var: Optional[str] = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        run = functools.partial(super().main, args=args, prog_name=prog_name, complete_var=complete_var)
        if not standalone_mode:
            return run(standalone_mode=False, **extra)
        env = extra.get("obj")
        stream = env.stderr if isinstance(env, Environment) else VisibleStream(sys.stderr)
        try:
            code = run(standalone_mode=False, **extra)
        except _ClickException as error:
            error.show(file=stream)  # type: ignore[arg-type]
            sys.exit(error.exit_code)
        except typer.Abort:
            typer.echo("Aborted!", file=stream)  # type: ignore[arg-type]
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def get_params(self, ctx: Any) -> list:
        params = super().get_params(ctx)  # with --help, and the completion options of the group
        if _CONVERTS_ITSELF:
            _own_conversions(params)
        return params


class App(typer.Typer):
    """A Typer app whose group and commands are `Group` and `Command`."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(cls=Group, **settings)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", Command)
        return super().command(*args, **kwargs)
