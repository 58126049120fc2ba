"""How figures, dates, places, metrics and scopes read in each language.

zh shows a figure as the sources write it, normalised (超2800家, 3600亿元); en as an English
reader expects ("over 2,800", "CNY 360 bn", "about 35%").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Dict, Optional, Tuple

from ..core.facts import Base
from ..core.figures.quantity import MEMO_LIMIT, FigureError, Quantity, parse_figure, plain, remembered

_BOUND_EN = {"lower": "over ", "at_least": "at least ", "upper": "up to ", "approx": "about ", "exact": "", "range": ""}
# the qualifier a computed amount carries (a figure's own is the text its source wrote)
_BOUND_ZH = {"lower": "超", "at_least": "不低于", "upper": "最高", "approx": "约", "exact": "", "range": ""}
_MARKS = {"published": "*", "inferred": "~"}
# Qualifiers whose English is more exact than their bound's: 近200 is nearly 200 (below it, not
# "about"), 20%以上 is 20% or more (it includes 20%), 不到一半 is under half.
_QUALIFIER_EN = {"近": ("nearly ", ""), "以上": ("", " or more"), "不到": ("under ", "")}


# Sources write at most a few decimals; more is a fraction that does not end (约1/3 is
# 0.3333…): such a number reads to two decimals (33.33%), the machine value stays exact.
_MAX_DECIMALS = 8


def _grouped(value: Decimal) -> str:
    text = plain(value)
    if len(text.partition(".")[2]) > _MAX_DECIMALS:
        text = plain(value.quantize(Decimal("0.01")))
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-')):,}"
    return sign + whole + (f".{fraction}" if fraction else "")


def number_en(value: Decimal, dimension: str, unit: str) -> str:
    key = (value, dimension, unit)
    text = _NUMBERS_EN.get(key)
    return remembered(_NUMBERS_EN, key, value, _number_en(value, dimension, unit)) if text is None else text


# (value, dimension, unit) -> text: rates, spends and caps recur row after row.
_NUMBERS_EN: Dict[Tuple[Decimal, str, str], str] = {}


def _number_en(value: Decimal, dimension: str, unit: str) -> str:
    if dimension in ("money", "money_usd"):
        currency = "CNY" if dimension == "money" else "USD"
        for word, size in (("tn", 10**12), ("bn", 10**9), ("m", 10**6)):
            if abs(value) >= size:
                return f"{currency} {_grouped(value / size)} {word}"
        return f"{currency} {_grouped(value)}"
    if dimension == "compute":
        return f"{_grouped(value / 1000)} EFLOPS" if abs(value) >= 1000 else f"{_grouped(value)} PFLOPS"
    if dimension == "ratio":
        return f"{_grouped(value * 100)}%"
    if dimension == "rank":
        return f"No. {_grouped(value)}"
    if dimension == "member":
        return "in the leading group"
    if dimension == "parameters":
        return f"{_grouped(value / 10**9)}B parameters"
    return _grouped(value)


GLUE = "\u00a0"  # a no-break space: "over CNY 450 bn" never breaks across lines in a table


def figure(quantity: Optional[Quantity], lang: str, glue: bool = False) -> str:
    """The figure as the language reads it; `glue` joins its words for table cells."""
    # Keyed by the quantity's fields as a plain tuple: hashed and compared in C, where a Quantity
    # key costs two Python calls per lookup (~0.75 µs; a subsidies row looks up four figures).
    key = (None if quantity is None else quantity._values(quantity), lang)
    text = _FIGURES.get(key)
    if text is None:
        text = _figure(quantity, lang)
        if len(_FIGURES) < MEMO_LIMIT:
            _FIGURES[key] = text
    return glued(text) if glue else text


def as_written(text: str, lang: str, glue: bool = False) -> str:
    """A figure known only as text (an extracted candidate's 100億元): in English, read as the
    figure it is; text that is no figure stays as written."""
    if lang == "zh":
        return text

    try:
        quantity = parse_figure(text)
    except FigureError:
        return text
    return figure(quantity, lang, glue)


def glued(text: str) -> str:
    """Words joined by no-break spaces: a table folds around them, never between them."""
    return text.replace(" ", GLUE)


# (quantity's fields, lang) -> text: equal quantities read the same (every field that `_figure`
# reads is part of a Quantity's equality), and a table repeats its caps, rates and amounts row
# after row.
_FIGURES: Dict[Tuple[Optional[tuple], str], str] = {}


def _figure(quantity: Optional[Quantity], lang: str) -> str:
    if quantity is None:
        return "—"
    if lang == "zh":
        return quantity.display()
    if quantity.upper is not None:
        low = number_en(quantity.value, quantity.dimension, quantity.unit)
        return f"{low} to {number_en(quantity.upper, quantity.dimension, quantity.unit)}"
    number = number_en(quantity.value, quantity.dimension, quantity.unit)
    worded = _QUALIFIER_EN.get(quantity.qualifier)
    if worded is not None:
        return worded[0] + number + worded[1]
    return _BOUND_EN[quantity.bound] + number


def qualified(text: str, bound: Optional[str], lang: str) -> str:
    """A computed amount (a payout, a rate used) with the qualifier its bound gives it:
    最高150万元, up to CNY 1.5 m; a range's low end (the rate used of 10-30%) is at least it."""
    return (_BOUND_ZH if lang == "zh" else _BOUND_EN)["at_least" if bound == "range" else bound or "exact"] + text


def date(value: Optional[str], basis: Optional[str]) -> str:
    """A date with its basis marked: "2025-03*" is a publication date, "2024~" inferred."""
    if not value:
        return "—"
    return value + _MARKS.get(basis or "", "")


def place(base: Base, name: Optional[str], lang: str) -> str:
    """A place (or a province or region a place belongs to) in the language: in English, the
    base's English name, else the gazetteer's, else the region's; the Chinese name only when none
    is known."""
    if not name:
        return "—"
    if lang == "zh":
        return name
    entry = base.places.get(name)
    if entry is not None and (entry.english or entry.pinyin):
        return entry.english or entry.pinyin
    return _english_elsewhere(name)


# Regions that places belong to without being places of the base themselves.
_REGIONS_EN = {
    "长三角": "Yangtze River Delta",
    "珠三角": "Pearl River Delta",
    "京津冀": "Beijing-Tianjin-Hebei",
    "成渝": "Chengdu-Chongqing",
    "粤港澳大湾区": "Guangdong-Hong Kong-Macao Greater Bay Area",
}


def _english_elsewhere(name: str) -> str:
    if name in _REGIONS_EN:
        return _REGIONS_EN[name]
    # lazy: the gazetteer only for a name the base lacks
    from ..core.extract.gazetteer import divisions  # read on first use: most names are the base's

    division = divisions().get(name)
    return division.english if division is not None and division.english else name


def typeable(base: Base, name: str, lang: str) -> str:
    """A place as a user may type it back in a command: in English, its English name where that
    names this place only (quoted when it has spaces), else the Chinese name."""
    if lang == "zh":
        return name
    # lazy: the name index only when a name is resolved (start-up)
    from ..core.name_index import normalise

    english = place(base, name, lang)
    if base.place_keys().get(normalise(english)) != {name}:
        return name
    return f'"{english}"' if " " in english else english


def metric(base: Base, key: str, lang: str) -> str:
    entry = base.metrics[key]
    return entry.zh if lang == "zh" else entry.en


def scope(base: Base, metric_key: str, key: Optional[str], lang: str) -> str:
    if not key:
        return "—"
    found = next((s for s in base.metrics[metric_key].scopes if s.key == key), None)
    if found is None:
        return key
    return found.zh if lang == "zh" else found.en


def subsidy_type(base: Base, key: str, lang: str) -> str:
    entry = base.subsidy_types.get(key)
    return key if lang == "zh" or entry is None else entry.en
