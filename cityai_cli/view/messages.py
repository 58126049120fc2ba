"""Messages of the errors that carry a code (`UsageError.code`, `Problem.code`), in zh or en.

The core states the fault (a code and its parameters); the wording here says what to type: the
commands and flags. Errors without a code keep the message the core wrote. Under --lang en a name is shown in English
(suggestions: "did you mean: Changzhou?"); the Chinese name is added where it is what to type.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

from ..core.errors import DataError, UsageError, bounded
from ..core.text import one_line

Pairs = List[Tuple[str, str]]  # (canonical name, English name)

# The comment a new base of your own starts with (`sources add` creating it)
NEW_BASE_COMMENT = (
    "# Your own cityai knowledge base, used with `--with FILE` over the bundled one.\n"
    "# Check it with `cityai validate --with FILE`; `cityai schema > cities.schema.json` lets\n"
    "# TOML editors complete and check entries.\n"
)

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


# The command that lists every valid name of a kind (an Index's `listing`)
_LISTINGS = {"places": "cityai list --level all", "metrics": "cityai metrics", "types": "cityai types"}


def _hint(suggestions: List[str]) -> str:
    return f" (did you mean: {', '.join(suggestions)}?)" if suggestions else ""


def _unknown(params: Dict[str, Any], lang: str) -> str:
    listed = f"; see {_LISTINGS[params['listing']]}" if params["listing"] else ""
    return f"unknown {params['kind']} {params['text']!r}{listed}{_hint(_named(params['suggestions'], lang))}"


def _ambiguous(params: Dict[str, Any], lang: str) -> str:
    pairs: Pairs = params["names"]
    names = [f"{name} ({english})" for name, english in pairs] if lang == "en" else _named(pairs, lang)
    return f"{params['kind']} {params['text']!r} is ambiguous: it names {', '.join(names)}; use the Chinese name"


def _no_figures(params: Dict[str, Any], lang: str) -> str:
    shown = ", ".join(f"{name} ({english})" for name, english in params["places"])
    if lang == "en":
        verb = "has" if len(params["places"]) == 1 else "have"  # 吉林 names the province and the city
        return f"{shown} {verb} no figures in the knowledge base yet; {_ADD_EN}"
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


def _same(wording: Callable[[Dict[str, Any]], str]) -> Callable[[Dict[str, Any], str], str]:
    """A message worded alike in zh and en (it quotes no name that has an English form)."""
    return lambda params, lang: wording(params)


def _bad_source_id(params: Dict[str, Any]) -> str:
    return (
        f"--{params['field']} '{one_line(params['id'])}': use lower-case letters, digits, - and _ "
        "(at most 100), e.g. xinhua-2025-06"
    )


def _source_exists(params: Dict[str, Any]) -> str:
    return f"source {params['id']!r} already exists in {params['base'] or 'the bundled base'}; choose another --id"


def _unknown_table(params: Dict[str, Any], lang: str) -> str:
    names = params["names"]
    if lang == "en":
        return f"--table {params['text']!r}: no such table; choose {_either(names, 'or')}"
    return f"--table {params['text']!r}: 没有这个表; 可选 {_either(names, '或')}"


def _either(items: List[str], last: str) -> str:
    """a, b or c (a 或 c): the choices, the last joined by `last`."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def csv_left_out(command: str, written: Tuple[str, int], others: List[Tuple[str, int]], lang: str) -> str:
    """The line on stderr when CSV writes one table of several: which it holds, and how to get
    each other table that has rows (--table NAME) or all of them (-f json)."""
    if lang == "en":
        options = _either([f"--table {name} ({_rows(n)})" for name, n in others], "or")
        return (
            f"{command}: CSV holds the {written[0]} table ({_rows(written[1])}); "
            f"add {options} for the other{'' if len(others) == 1 else 's'}, or -f json for all"
        )
    options = _either([f"--table {name} ({n} 行)" for name, n in others], "或")
    return f"{command}: CSV 只写了 {written[0]} 表 ({written[1]} 行); 其余的表加 {options}, 全部用 -f json"


def _rows(n: int) -> str:
    return f"{n} row{'' if n == 1 else 's'}"


_MESSAGES: Dict[str, Callable[[Dict[str, Any], str], str]] = {
    "table.unknown": _unknown_table,
    "compare.two_places": _two_places,
    "type.elsewhere": _type_elsewhere,
    "amount.invalid": _amount(_AMOUNT_INVALID),
    "amount.range": _amount(_AMOUNT_RANGE),
    "amount.not_positive": _amount(_AMOUNT_POSITIVE),
    "name.unknown": _unknown,
    "name.ambiguous": _ambiguous,
    "place.no_figures": _no_figures,
    "cite.no_figure": _same(
        lambda p: f"{p['place']} has no {p['metric']} figure; cityai show {p['place']} lists its facts"
    ),
    "cite.no_programme": _same(
        lambda p: (
            f"no programme named {p['name']!r}; cityai subsidies and cityai funds list them" + _hint(p["suggestions"])
        )
    ),
    "extract.no_source_id": _same(lambda p: f"cannot derive a source id from {p['file']!r}; give --source ID"),
    "source.bad_id": _same(_bad_source_id),
    "source.empty": _same(lambda p: f"--{p['field']} needs a value"),
    "source.not_utf8": _same(lambda p: f"--{p['field']} is not valid UTF-8 text"),
    "source.control": _same(
        lambda p: f"--{p['field']} contains the control or invisible character U+{p['codepoint']:04X}"
    ),
    "source.bad_date": _same(lambda p: f"--published: {p['reason']}"),
    "source.bundled": _same(
        lambda p: "sources add writes into your own knowledge base: give --data FILE (the bundled one is read-only)"
    ),
    "source.exists": _same(_source_exists),
    "source.seed_differs": _same(lambda p: f"{p['seed']} exists with other content; choose another --id"),
}

# Problems (of a DataError) with a code: the message after the file it names
_PROBLEMS: Dict[str, Callable[[Dict[str, Any], str], str]] = {
    "export.exists": _same(lambda p: "already exists; add --force to overwrite it"),
    "source.base_full": _same(
        lambda p: (
            f"would be {p['size']:,} bytes; a knowledge base may be at most {p['limit']:,} bytes "
            "(start another file and use --with for both)"
        )
    ),
}


def usage_message(error: UsageError, lang: str) -> str:
    """The error's message in `lang` (escaped and bounded as every message is)."""
    wording = _MESSAGES.get(error.code)
    return str(error) if wording is None else bounded(one_line(wording(error.params, lang)))


def problem_lines(error: DataError, lang: str) -> List[str]:
    """One line per problem, in `lang` where it carries a code (escaped and bounded as every one is)."""
    lines = []
    for problem in error.problems:
        wording = _PROBLEMS.get(problem.code)
        lines.append(str(problem) if wording is None else problem.located(wording(problem.params, lang)))
    return lines
