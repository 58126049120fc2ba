"""Parse figures the way Chinese sources write them: "超2800家", "1.7万亿元", "最高5000萬元", "九成".

A figure is qualifier + number + magnitude + unit. Everything is normalised so that figures can
be compared: money to yuan (CNY), compute to PFLOPS, percentages and 成 to fractions. Numbers
are Decimals so that "1.7万亿" is exactly 1700000000000, not a float approximation.

This module is pure (no I/O, no pydantic) so that the knowledge-base loader, the amount parser
of `subsidies --spend` and the property tests all share one grammar.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, Optional

from ..slots import Frozen, _set
from ..text import LazyPattern


class FigureError(ValueError):
    """A figure's text could not be parsed; the message says what was expected."""


class FigureTooLarge(FigureError):
    """A figure's number is too large to hold exactly (MAX_MAGNITUDE or more)."""


# Canonical qualifier -> bound. Traditional and long forms map onto these canonical words.
QUALIFIER_BOUND = {
    "约": "approx",
    "左右": "approx",
    "近": "approx",
    "超": "lower",
    "逾": "lower",
    "突破": "lower",
    "余": "lower",
    "多": "lower",
    "以上": "lower",
    "不少于": "at_least",
    "不低于": "at_least",
    "最高": "upper",
    "不超过": "upper",
    "最多": "upper",
    "不到": "upper",
    "达": "exact",
    "": "exact",
}
BOUND_SYMBOL = {"approx": "≈", "lower": ">", "at_least": "≥", "upper": "≤", "exact": "", "range": ""}
# Order in which qualified figures of equal value rank (a "超2800" beats a plain "2800").
BOUND_ORDER = {"lower": 4, "at_least": 3, "exact": 2, "range": 2, "approx": 1, "upper": 0}

_PREFIXES = {
    "約": "约",
    "约": "约",
    "大约": "约",
    "超過": "超",
    "超过": "超",
    "超出": "超",
    "超": "超",
    "逾": "逾",
    "近": "近",
    "將近": "近",
    "将近": "近",
    "突破": "突破",
    "最高": "最高",
    "最多": "最多",
    "不少於": "不少于",
    "不少于": "不少于",
    "至少": "不少于",
    "不到": "不到",
    "不足": "不到",
    "不低於": "不低于",
    "不低于": "不低于",
    "不超過": "不超过",
    "不超过": "不超过",
    # machine-reworded reposts write 越过 for 超过
    "越過": "超",
    "越过": "超",
    "高達": "达",
    "高达": "达",
    "達到": "达",
    "达到": "达",
    "達": "达",
    "达": "达",
}
_PREFIX_QUALIFIERS = set(_PREFIXES.values())
_SUFFIXES = {"餘": "余", "余": "余", "多": "多", "以上": "以上", "左右": "左右"}

_MAGNITUDES = {
    "万亿": Decimal(10) ** 12,
    "萬億": Decimal(10) ** 12,
    "亿": Decimal(10) ** 8,
    "億": Decimal(10) ** 8,
    "万": Decimal(10) ** 4,
    "萬": Decimal(10) ** 4,
    "千": Decimal(1000),
    # compounds people type for amounts: 3百万, 1千万, 5千亿 (never seen in the sources)
    "十万": Decimal(10) ** 5,
    "百万": Decimal(10) ** 6,
    "千万": Decimal(10) ** 7,
    "十萬": Decimal(10) ** 5,
    "百萬": Decimal(10) ** 6,
    "千萬": Decimal(10) ** 7,
    "百亿": Decimal(10) ** 10,
    "千亿": Decimal(10) ** 11,
    "百億": Decimal(10) ** 10,
    "千億": Decimal(10) ** 11,
}

# unit as written -> (canonical unit, dimension, factor to the canonical unit)
_UNITS = {
    "元": ("CNY", "money", Decimal(1)),
    "美元": ("USD", "money_usd", Decimal(1)),
    "EFLOPS": ("PFLOPS", "compute", Decimal(1000)),
    "PFLOPS": ("PFLOPS", "compute", Decimal(1)),
    "TFLOPS": ("PFLOPS", "compute", Decimal("0.001")),
    "E": ("PFLOPS", "compute", Decimal(1000)),
    "P": ("PFLOPS", "compute", Decimal(1)),
    "T": ("PFLOPS", "compute", Decimal("0.001")),
    "%": ("ratio", "ratio", Decimal("0.01")),
    "％": ("ratio", "ratio", Decimal("0.01")),
    "成": ("ratio", "ratio", Decimal("0.1")),
    # model size as the sources write it: "671B的DeepSeek-R1", "GLM-130B" (billions of parameters)
    "B": ("parameters", "parameters", Decimal(10) ** 9),
}
_COUNT_UNITS = {
    "家": "家",
    "个": "个",
    "個": "个",
    "款": "款",
    "台": "台",
    "臺": "台",
    "项": "项",
    "項": "项",
    "名": "名",
    "人": "人",
    "所": "所",
    "座": "座",
    "条": "条",
    "條": "条",
    "件": "件",
    "批": "批",
    "次": "次",
    "位": "位",
    "只": "只",
    "倍": "倍",
    "年": "年",
    "卡": "卡",
    "张": "张",
    "張": "张",
    "宗": "宗",
    # 五大公共服务平台: "the five major …", a count of 个 as the source writes it
    "大": "个",
}
for _written, _canonical in _COUNT_UNITS.items():
    _UNITS[_written] = (_canonical, "count", Decimal(1))
DIMENSIONS = ("count", "money", "money_usd", "compute", "ratio", "rank", "parameters", "number", "member")

# Ranks written in words, and membership of a leading group: a group has no order, so its value
# is 1 for every member ("北京、广东、上海…位居前列" makes six members, not first to sixth).
_RANK_WORDS = {"首位": 1, "榜首": 1}
_MEMBER_WORDS = ("位居前列", "位居前线", "前列")

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_CN_CHARS = "".join([*_CN_DIGITS, *_CN_SMALL, *_CN_BIG])

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][+-]?\d+)?"
_MAG = "|".join(sorted(map(re.escape, _MAGNITUDES), key=len, reverse=True))
_GRAMMAR: Optional[tuple] = None


def _grammar() -> tuple:
    """(number, prefix, unit, range separator) patterns, compiled on first use (~1 ms): a warm
    query only formats figures; only loading a base, --spend and extract parse them."""
    global _GRAMMAR
    if _GRAMMAR is None:
        _GRAMMAR = (
            re.compile(rf"(?P<arabic>{_ARABIC})\s*(?P<mag>{_MAG})?|(?P<chinese>[{_CN_CHARS}]+)"),
            re.compile("|".join(sorted(map(re.escape, _PREFIXES), key=len, reverse=True))),
            re.compile("|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True)), re.IGNORECASE),
            re.compile(r"\s*(?:-|–|—|~|～|至|到)\s*"),
        )
    return _GRAMMAR


# 1/3 and 三分之一, compiled on first use (~0.4 ms, on every start otherwise): a warm query formats
# figures, and asks them only of a literal holding "/" or "分之".
_FRACTION = LazyPattern(r"(\d{1,6})\s*/\s*(\d{1,6})")
_CN_FRACTION = LazyPattern(r"([一二三四五六七八九十百]+)分之([一二三四五六七八九十]+)")


def _is_fraction(literal: str) -> bool:
    return ("/" in literal and bool(_FRACTION.fullmatch(literal))) or (
        "分之" in literal and bool(_CN_FRACTION.fullmatch(literal))
    )


_WORD_RATIOS = {"一半": Decimal("0.5"), "半数": Decimal("0.5")}

EXPECTED = (
    "[qualifier] number [余|多] unit [以上|左右], e.g. 超2800家, 约2400家, 2600余家, "
    "突破3000亿元, 1.7万亿元, 最高1000万元, 100EFLOPS, 10000P, 50%, 九成"
)


class Quantity(Frozen):
    """A parsed figure. `value` is in `unit` (CNY, PFLOPS, ratio, or a count word).

    text: as the curator (or user) wrote it; qualifier: the canonical simplified word (超, 约, 余,
    最高 …); upper: set for ranges such as 3-5个; literal: the number as written (2800, 1.7万亿, 九),
    for quote checks."""

    __slots__ = ("text", "value", "unit", "dimension", "qualifier", "upper", "literal")
    text: str
    value: Decimal
    unit: str
    dimension: str
    qualifier: str
    upper: Optional[Decimal]
    literal: str

    def __init__(
        self,
        text: str,
        value: Decimal,
        unit: str,
        dimension: str,
        qualifier: str = "",
        upper: Optional[Decimal] = None,
        literal: str = "",
    ):
        _set(self, "text", text)
        _set(self, "value", value)
        _set(self, "unit", unit)
        _set(self, "dimension", dimension)
        _set(self, "qualifier", qualifier)
        _set(self, "upper", upper)
        _set(self, "literal", literal)

    @property
    def bound(self) -> str:
        return "range" if self.upper is not None else QUALIFIER_BOUND[self.qualifier]

    @property
    def symbol(self) -> str:
        return BOUND_SYMBOL[self.bound]

    def sort_key(self) -> tuple:
        return (self.value, BOUND_ORDER[self.bound])

    def display(self) -> str:
        """Canonical simplified rendering, parseable back into an equal Quantity."""
        if self.dimension == "member":
            return "位居前列"  # 位居前线 is one source's machine rewording of it
        if self.literal in _RANK_WORDS:
            return self.literal
        if self.literal in _WORD_RATIOS or _is_fraction(self.literal):
            return (
                f"{self.qualifier}{self.literal}"
                if self.qualifier in _PREFIX_QUALIFIERS
                else f"{self.literal}{self.qualifier}"
            )
        number = format_number(self.value, self.dimension, self.unit)
        if self.upper is not None:
            # Both ends at the upper end's magnitude, so that "0.01-10.01EFLOPS" reads back the same.
            low = format_number(self.value, self.dimension, self.unit, with_unit=False, scale_by=self.upper)
            number = f"{low}-{format_number(self.upper, self.dimension, self.unit)}"
        if self.qualifier in ("余", "多"):
            head, unit = _split_unit(number)
            return f"{head}{self.qualifier}{unit}"
        if self.qualifier in ("以上", "左右"):
            return f"{number}{self.qualifier}"
        return f"{self.qualifier}{number}"


def canonical_unit(written: Optional[str]) -> Optional[str]:
    """The unit a figure written with `written` is stored in (個 -> 个, 元 -> CNY); None if unknown."""
    entry = _UNITS.get(written or "") or _UNITS.get((written or "").upper())
    return entry[0] if entry else None


def parse_figure(text: str, *, default_unit: Optional[str] = None) -> Quantity:
    """Parse one figure. `default_unit` (e.g. "元") applies when the text has no unit."""
    if not isinstance(text, str):
        raise FigureError(f"expected a figure as text ({EXPECTED}), got {type(text).__name__}")
    source = text.strip()
    if not source:
        raise FigureError(f"empty figure; expected {EXPECTED}")
    rest, qualifier = source, ""
    prefix = _grammar()[1].match(rest)
    if prefix:
        qualifier, rest = _PREFIXES[prefix.group(0)], rest[prefix.end() :].lstrip()
    if rest in _RANK_WORDS and not qualifier:
        return Quantity(source, Decimal(_RANK_WORDS[rest]), "", "rank", "", None, rest)
    if rest in _MEMBER_WORDS and not qualifier:
        return Quantity(source, Decimal(1), "", "member", "", None, rest)
    if rest.startswith("第"):
        return _ordinal(text, source, rest, qualifier)
    word = next((w for w in _WORD_RATIOS if rest.startswith(w)), None)
    fraction = _FRACTION.match(rest) or _CN_FRACTION.match(rest)
    if word or fraction:
        return _share(text, source, rest, qualifier, word, fraction)
    return _amount(text, source, rest, qualifier, default_unit)


def _ordinal(text: str, source: str, rest: str, qualifier: str) -> Quantity:
    """An ordinal rank (第二 = 2nd): lower is better, no unit."""
    number, tail, literal, _ = _take_number(rest[1:].lstrip(), source)
    if tail.strip() or qualifier or number != number.to_integral() or number < 1:
        raise FigureError(f"cannot parse figure {text!r}: expected a rank such as 第二 or 第2")
    return Quantity(source, _exact(number, text), "", "rank", "", None, literal)


def _share(
    text: str, source: str, rest: str, qualifier: str, word: Optional[str], fraction: Optional[re.Match]
) -> Quantity:
    """一半 / 1/3 / 三分之一 are shares: no unit follows, the value is a ratio."""
    if word:
        literal, value = word, _WORD_RATIOS[word]
    else:
        assert fraction is not None
        literal = fraction.group(0)
        if fraction.re is _CN_FRACTION.compiled:  # 三分之一: denominator first
            denominator, numerator = (Decimal(_chinese_numeral(part, source)) for part in fraction.groups())
        else:
            numerator, denominator = (Decimal(part) for part in fraction.groups())
        if denominator == 0 or numerator > denominator:
            raise FigureError(f"cannot parse figure {text!r}: {literal} is not a share between 0 and 1")
        value = numerator / denominator
    suffix, rest = _take_suffix(rest[len(literal) :].lstrip())
    if rest.strip():
        raise FigureError(f"cannot parse figure {text!r}: unexpected {rest.strip()!r} after {literal}")
    if suffix and qualifier:
        raise FigureError(f"cannot parse figure {text!r}: two qualifiers ({qualifier}, {suffix})")
    return Quantity(source, _exact(value, text), "ratio", "ratio", qualifier or suffix, None, literal)


def _amount(text: str, source: str, rest: str, qualifier: str, default_unit: Optional[str]) -> Quantity:
    """A number or a range (1.5-2万元), its qualifiers before or after, and its unit."""
    number_re, _, unit_re, range_re = _grammar()
    low, rest, literal, low_magnitude = _take_number(rest, source)
    upper = None
    separator = range_re.match(rest)
    if separator and rest[separator.end() :][:1] and number_re.match(rest[separator.end() :]):
        upper, rest, _, upper_magnitude = _take_number(rest[separator.end() :], source)
        if low_magnitude is None and upper_magnitude is not None:
            low *= upper_magnitude  # "1.5-2万元": the magnitude is written once, for both ends
    suffix, rest = _take_suffix(rest)
    unit_match = unit_re.match(rest)
    if unit_match:
        written = unit_match.group(0)
        unit, dimension, factor = _UNITS[written if written in _UNITS else written.upper()]
        rest = rest[unit_match.end() :]
    elif default_unit is not None and not rest.strip(" 以上左右"):
        unit, dimension, factor = _UNITS[default_unit]
    elif not rest:
        unit, dimension, factor = "", "number", Decimal(1)
    else:
        raise FigureError(f"cannot parse figure {text!r}: unknown unit {rest!r}; expected {EXPECTED}")
    trailing, rest = _take_suffix(rest.lstrip())
    if rest.strip():
        raise FigureError(f"cannot parse figure {text!r}: unexpected {rest.strip()!r} at the end; expected {EXPECTED}")
    for extra in (suffix, trailing):
        if extra:
            if qualifier:
                raise FigureError(f"cannot parse figure {text!r}: two qualifiers ({qualifier}, {extra})")
            qualifier = extra
    if upper is not None and qualifier:
        raise FigureError(f"cannot parse figure {text!r}: a range cannot also carry a qualifier")
    value = _exact(low * factor, text)
    top = _exact(upper * factor, text) if upper is not None else None
    if top is not None and top < value:
        raise FigureError(f"cannot parse figure {text!r}: range ends below its start")
    return Quantity(source, value, unit, dimension, qualifier, top, literal)


def _take_number(rest: str, source: str) -> tuple[Decimal, str, str, Optional[Decimal]]:
    """(number, rest of the text, the number as written, the magnitude written after it if any)."""
    match = _grammar()[0].match(rest)
    if not match:
        raise FigureError(f"cannot parse figure {source!r}: no number found; expected {EXPECTED}")
    if match.group("arabic"):
        digits = match.group("arabic").replace(",", "")
        try:
            number = Decimal(digits)
        except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
            raise FigureError(f"cannot parse figure {source!r}: bad number {digits!r}") from None
        if not number.is_finite() or abs(number.adjusted()) > 30:
            raise FigureError(f"cannot parse figure {source!r}: number {digits!r} is out of range")
        magnitude = match.group("mag")
        if magnitude:
            number *= _MAGNITUDES[magnitude]
        return number, rest[match.end() :], match.group(0).replace(" ", ""), _MAGNITUDES.get(magnitude)
    chinese = match.group("chinese")
    # 成 after a Chinese numeral is a unit (九成 = 90%), so only the numeral is the literal.
    return Decimal(_chinese_numeral(chinese, source)), rest[match.end() :], chinese, None


def _take_suffix(rest: str) -> tuple[str, str]:
    for written, canonical in _SUFFIXES.items():
        if rest.startswith(written):
            return canonical, rest[len(written) :]
    return "", rest


def _chinese_numeral(text: str, source: str) -> int:
    """一百二十 -> 120, 一亿五千万 -> 150000000, 百亿 -> 10**10, 万 -> 10**4, 十二 -> 12, 三百零五 -> 305.

    The grammar: [section 亿] [section-below-亿], a section below 亿 being [group 万] [group], and
    a group (below 万) digit+unit pairs in strictly decreasing units (千 百 十), a 零 where units
    are skipped, and a last digit for the ones. A bare leading unit means one of it (十二, 百亿, 万).
    Nonsense (万万万, 十十十, 百百, 一百五) is a FigureError, never a guess.
    """

    def fail(reason: str):
        return FigureError(
            f"cannot parse figure {source!r}: malformed Chinese numeral {text!r}: {reason} "
            "(write digits and units in decreasing order, e.g. 一亿五千万, 三百零五, 十二)"
        )

    def group(part: str, top: bool, final: bool) -> int:
        """A number below 10,000; `top` when nothing bigger precedes it (no leading 零 then),
        `final` when it ends the numeral (一万五 is 15000 or 10005: refused, as 一百五 is)."""
        total, last_unit, digit, zero = 0, 10000, None, False
        for position, char in enumerate(part):
            if char in ("零", "〇"):
                if digit is not None or zero or (top and position == 0 and len(part) > 1):
                    raise fail("misplaced 零")
                zero = True
            elif char in _CN_DIGITS:
                if digit is not None:
                    raise fail("two digits in a row")
                digit = _CN_DIGITS[char]
            else:
                unit = _CN_SMALL[char]
                if unit >= last_unit:
                    raise fail(f"{char} after a unit as small or smaller")
                if digit is None and (total or zero):
                    raise fail(f"{char} without a digit")
                total += (1 if digit is None else digit) * unit
                last_unit, digit, zero = unit, None, False
        if digit is not None:
            if not zero and (last_unit in (100, 1000) or (final and not top and last_unit == 10000)):
                raise fail("a last digit right after 百, 千, 万 or 亿 needs 零 (一百五 is 150 or 105?)")
            total += digit
        elif zero and part not in ("零", "〇"):
            raise fail("零 at the end")
        return total

    def below_yi(part: str, top: bool, final: bool) -> int:
        pieces = re.split("[万萬]", part)
        if len(pieces) > 2:
            raise fail("万 more than once")
        if len(pieces) == 1:
            return group(part, top, final) if part else 0
        high, low = pieces
        return (group(high, top, False) if high else 1) * 10**4 + (group(low, False, final) if low else 0)

    pieces = re.split("[亿億]", text)
    if len(pieces) > 2:
        raise fail("亿 more than once")
    if len(pieces) == 1:
        return below_yi(text, True, True)
    high, low = pieces
    return (below_yi(high, True, False) if high else 1) * 10**8 + (below_yi(low, False, True) if low else 0)


# No real figure comes near 10^20 (the largest in the sources is 2万亿元, 2×10^12); beyond it
# Decimal's 28-digit context can no longer hold the value exactly ("万万万亿亿").
MAX_MAGNITUDE = Decimal(10) ** 20


def _exact(value: Decimal, text: str) -> Decimal:
    """A parsed value, refused when too large to hold exactly, else normalised."""
    if abs(value) >= MAX_MAGNITUDE:
        raise FigureTooLarge(f"cannot parse figure {text!r}: the number is too large (10^20 or more)")
    return _normalise(value)


def _normalise(value: Decimal) -> Decimal:
    """Drop trailing zeros so that equal values compare and print the same."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


def _split_unit(number: str) -> tuple[str, str]:
    match = re.match(r"([\d.]+(?:万亿|亿|万)?)(.*)", number)
    return (match.group(1), match.group(2)) if match else (number, "")


def format_number(
    value: Decimal, dimension: str, unit: str, with_unit: bool = True, scale_by: Optional[Decimal] = None
) -> str:
    """3.6e11 CNY -> 3600亿元; 1e5 PFLOPS -> 100EFLOPS; 0.35 ratio -> 35%.

    The magnitude (万/亿, EFLOPS) is chosen for `scale_by` when given, else for the value itself.
    """
    basis = abs(scale_by if scale_by is not None else value)
    if dimension in ("money", "money_usd", "count"):
        suffix = {"money": "元", "money_usd": "美元"}.get(dimension, unit)
        for word, size in (("万亿", 10**12), ("亿", 10**8), ("万", 10**4)):
            if basis >= size:
                return f"{plain(value / size)}{word}{suffix if with_unit else ''}"
        return f"{plain(value)}{suffix if with_unit else ''}"
    if dimension == "compute":
        if basis >= 1000:
            return f"{plain(value / 1000)}{'EFLOPS' if with_unit else ''}"
        return f"{plain(value)}{'PFLOPS' if with_unit else ''}"
    if dimension == "rank":
        return f"第{plain(value)}"
    if dimension == "parameters":
        return f"{plain(value / 10**9)}{'B' if with_unit else ''}"
    if dimension == "ratio":
        return f"{plain(value * 100)}{'%' if with_unit else ''}"
    return f"{plain(value)}{unit if with_unit else ''}"


_PLAIN: Dict[Decimal, str] = {}  # value -> text: a table repeats its amounts, rates and caps row after row


def plain(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 3600, 1.7, 0.035. (Equal values, 1.0 and 1,
    are one key of the memo, and print the same.)"""
    found = _PLAIN.get(value)
    if found is None:
        text = format(_normalise(Decimal(value)), "f")
        found = remembered(_PLAIN, value, value, text.rstrip("0").rstrip(".") if "." in text else text)
    return found


MEMO_LIMIT = 100_000


def remembered(memo: dict, key: Any, value: Decimal, text: str) -> str:
    """`text`, kept in `memo` under `key` (how a number reads, looked up again by its value): not
    for zero, because -0 equals 0 but prints "-0"; and no more than MEMO_LIMIT entries, so that
    the memory of a long run stays bounded."""
    if value and len(memo) < MEMO_LIMIT:
        memo[key] = text
    return text


# A contract amount: from 1分 to 10000万亿元 (10^16 yuan, far above any contract, and below where a
# figure stops being exact); outside it, an amount is a slip of the keyboard, not a contract.
MIN_AMOUNT, MAX_AMOUNT = Decimal("0.01"), Decimal(10) ** 16
_AMOUNT_RANGE = "the amount must be from 0.01元 to 10000万亿元 (10^16)"


class AmountError(FigureError):
    """An amount refused; `code` and `params` let the view word it in the command's language."""

    def __init__(self, message: str, code: str, text: str):
        super().__init__(message)
        self.code = code
        self.params = {"text": text}


# An amount as English tables print it and English readers type it: 3m, 3 million, CNY 3 m,
# 1.5bn, RMB 2,000,000 (the currency, where written, is yuan: CNY, RMB, ¥ or yuan).
_ENGLISH_MAGNITUDES = {
    "k": 10**3, "thousand": 10**3, "m": 10**6, "mn": 10**6, "mio": 10**6, "million": 10**6,
    "b": 10**9, "bn": 10**9, "billion": 10**9, "tn": 10**12, "trillion": 10**12,
}  # fmt: skip
_ENGLISH_AMOUNT = (
    rf"(?:(?:cny|rmb|[¥￥])\s*)?(?P<number>{_ARABIC})\s*"
    rf"(?P<mag>{'|'.join(sorted(_ENGLISH_MAGNITUDES, key=len, reverse=True))})?\s*(?:cny|rmb|yuan)?"
)


_TINY = Decimal("1e-20")


def _english_amount(text: str) -> Optional[Decimal]:
    """The value of an amount written the English way, or None when it is not one."""
    found = re.fullmatch(_ENGLISH_AMOUNT, text.strip(), re.IGNORECASE)  # compiled on first use (re's cache)
    if found is None:
        return None
    magnitude = found.group("mag")
    try:
        number = Decimal(found.group("number").replace(",", ""))
    except InvalidOperation:
        return None
    if not magnitude or not _TINY <= number <= MAX_AMOUNT:  # 1e999999999 m would overflow: out of range
        return number
    return number * _ENGLISH_MAGNITUDES[magnitude.lower()]


def parse_amount(text: str) -> Decimal:
    """A contract amount for `subsidies --spend`: 300万, 3,000,000, 0.03亿, 3e6, 300万元, and the
    English forms 3m, 3 million, CNY 3 m, 1.5bn. One amount, in yuan, within MIN/MAX_AMOUNT."""
    plain = _plain_amount(text) if isinstance(text, str) else None
    return _within_range(plain, text) if plain is not None else _amount_by_grammar(text)


def _amount_by_grammar(text: str) -> Decimal:
    """parse_amount of any text, by the English form, then the figure grammar."""
    english = _english_amount(text) if isinstance(text, str) and len(text) < 100 else None
    if english is not None:
        return _within_range(english, text)
    try:
        quantity = parse_figure(text, default_unit="元")
    except FigureTooLarge:
        raise AmountError(f"invalid amount {text!r}: {_AMOUNT_RANGE}", "amount.range", text) from None
    except FigureError:
        quantity = None
    if quantity is None or quantity.dimension != "money" or quantity.qualifier or quantity.upper is not None:
        raise AmountError(
            f"invalid amount {text!r}: expected an amount in yuan such as 300万, 3,000,000, 0.03亿 or 3e6",
            "amount.invalid",
            text,
        )
    return _within_range(quantity.value, text)


_PLAIN_MAGNITUDES = (("万亿", 10**12), ("亿", 10**8), ("万", 10**4), ("", 1))


def _plain_amount(text: str) -> Optional[Decimal]:
    """The value of the commonest amounts, up to 20 ASCII digits with at most one decimal point
    and a magnitude (300万, 0.03亿, 3000000, 300万元), read without the figure grammar (its patterns
    cost a start ~1 ms to compile); None for any other text, which the grammar reads. A test
    checks the two agree."""
    body = text.strip()
    body = body[:-1] if body.endswith("元") else body
    for suffix, magnitude in _PLAIN_MAGNITUDES:
        if body.endswith(suffix):
            number = body[: len(body) - len(suffix)]
            whole, point, fraction = number.partition(".")
            if (
                len(number) <= 20
                and whole.isascii()
                and whole.isdigit()
                and (not point or (fraction.isascii() and fraction.isdigit()))
            ):
                return Decimal(number) * magnitude
            return None
    return None


def _within_range(value: Decimal, text: str) -> Decimal:
    if value <= 0:
        raise AmountError(f"invalid amount {text!r}: the amount must be greater than zero", "amount.not_positive", text)
    if not MIN_AMOUNT <= value <= MAX_AMOUNT:
        raise AmountError(f"invalid amount {text!r}: {_AMOUNT_RANGE}", "amount.range", text)
    return _normalise(value)
