"""Messages of the errors that carry a code (`UsageError.code`), in zh or en.

Errors without a code keep the message the core wrote. Under --lang en a name is shown in English
(suggestions: "did you mean: Changzhou?"); the Chinese name is added where it is what to type.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

from ..errors import UsageError

Pairs = List[Tuple[str, str]]  # (canonical name, English name)

# How to add a document about a place: the steps `cityai sources add` and `extract` take.
_ADD_EN = (
    "to add a document about it: cityai sources add FILE --id ID --title TITLE --publisher NAME "
    "--published DATE --data my.toml, then cityai extract FILE --format toml and paste its facts into my.toml"
)
_ADD_ZH = (
    "添加一份有关文件: cityai sources add FILE --id ID --title 标题 --publisher 发布者 "
    "--published 日期 --data my.toml, 再用 cityai extract FILE --format toml 把候选数据加入 my.toml"
)


def _named(pairs: Pairs, lang: str) -> List[str]:
    return [english or name for name, english in pairs] if lang == "en" else [name for name, _ in pairs]


def _unknown(params: Dict[str, Any], lang: str) -> str:
    listed = f"; see {params['listing']}" if params["listing"] else ""
    suggestions = _named(params["suggestions"], lang)
    hint = f" (did you mean: {', '.join(suggestions)}?)" if suggestions else ""
    return f"unknown {params['kind']} {params['text']!r}{listed}{hint}"


def _ambiguous(params: Dict[str, Any], lang: str) -> str:
    pairs: Pairs = params["names"]
    names = [f"{name} ({english})" for name, english in pairs] if lang == "en" else _named(pairs, lang)
    return f"{params['kind']} {params['text']!r} is ambiguous: it names {', '.join(names)}; use the Chinese name"


def _no_figures(params: Dict[str, Any], lang: str) -> str:
    shown = ", ".join(f"{name} ({english})" for name, english in params["places"])
    if lang == "en":
        return f"{shown} has no figures in the knowledge base yet; {_ADD_EN}"
    return f"{shown} 在知识库中尚无数据; {_ADD_ZH}"


def _amount(reason: Dict[str, str]) -> Callable[[Dict[str, Any], str], str]:
    return lambda params, lang: f"invalid amount {params['text']!r}: {reason[lang]}"


# zh's wording is the core's (its examples are Chinese amounts); en's has none
_AMOUNT_INVALID = {
    "zh": "expected an amount in yuan such as 300万, 3,000,000, 0.03亿 or 3e6",
    "en": "expected an amount in yuan such as 3m, 3 million, CNY 1.5 bn or 3,000,000",
}
_AMOUNT_RANGE = {
    "zh": "the amount must be from 0.01元 to 10000万亿元 (10^16)",
    "en": "the amount must be from CNY 0.01 to CNY 10,000 tn (10^16)",
}
_AMOUNT_POSITIVE = {"zh": "the amount must be greater than zero", "en": "the amount must be greater than zero"}


def _two_places(params: Dict[str, Any], lang: str) -> str:
    example = "Shenzhen Shanghai" if lang == "en" else "深圳 上海"
    return f"compare needs at least two places, e.g. cityai compare {example}"


def _type_elsewhere(params: Dict[str, Any], lang: str) -> str:
    """A subsidy type asked of the command that does not list it (a fund of `subsidies`)."""
    shown = _named(params["kinds"], lang)
    first = f'"{shown[0]}"' if " " in shown[0] else shown[0]
    what, other = ("not a fund", "subsidies") if params["funds"] else ("a fund", "funds")
    return f"{', '.join(shown)}: {what}; see cityai {other} --type {first}"


_MESSAGES: Dict[str, Callable[[Dict[str, Any], str], str]] = {
    "compare.two_places": _two_places,
    "type.elsewhere": _type_elsewhere,
    "amount.invalid": _amount(_AMOUNT_INVALID),
    "amount.range": _amount(_AMOUNT_RANGE),
    "amount.not_positive": _amount(_AMOUNT_POSITIVE),
    "name.unknown": _unknown,
    "name.ambiguous": _ambiguous,
    "place.no_figures": _no_figures,
}


def usage_message(error: UsageError, lang: str) -> str:
    """The error's message in `lang` (escaped and bounded as every message is)."""
    from ..errors import bounded
    from ..text import one_line

    wording = _MESSAGES.get(error.code)
    return str(error) if wording is None else bounded(one_line(wording(error.params, lang)))
