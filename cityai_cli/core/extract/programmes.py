"""Voucher and subsidy programmes a document states (issue 22), and the policy documents it names.

For each sentence that names a subsidy type (by the `keywords` each type declares, as metrics
do): place, type, pool, base and special rates, cap, eligibility and policy, each with its
quote. Pure: text in, candidates out; every quote is a verbatim slice of the original document.
How a programme is read: docs/design.md, "Reading programmes, step by step".
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Optional

from . import gazetteer
from .normalised import PINYIN, Normalised, normalise, to_simplified
from .place_mentions import Mention, Mentions, place_mentions
from .spans import BOOK, QUOTE_MAX, Spans, clause_breaks, clause_of, quote_of, spans_without

_QUALIFIER = "最高不超过|最高不高于|不超过|不高于|最高|最多|至多|上限为|上限|不低于|超过|约"
_QUALIFIER_WRITTEN = {
    "最高不超过": "最高",
    "最高不高于": "最高",
    "不高于": "不超过",
    "至多": "最多",
    "上限为": "最高",
    "上限": "最高",
}
_UPPER = ("最高", "不超过", "最多")
_MONEY = re.compile(
    rf"(?P<q>{_QUALIFIER})?(?P<n>\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)(?P<m>万亿|亿|万)?(?P<u>元)?"
)
# 30%—50%, 30%至50%: one rate given as a range (its upper end is no special rate).
_RATE = re.compile(rf"(?P<q>{_QUALIFIER})?(?P<n>\d+(?:\.\d+)?)(?:%?(?:[—–~-]{{1,2}}|至)(?P<hi>\d+(?:\.\d+)?))?%")
_BASES = re.compile(
    r"服务合同金额|合同金额|合同额|合同费用|实际服务额|服务额|服务费用|实际支付金额|实际支付费用|租赁费用|租金|采购金额|采购费用"
)
# Next to the keyword: between a pool and the keyword after it (发放2亿元“算力券”), and between the
# keyword and a pool after it (“算力券”总额提升至1.5亿元).
_BEFORE_KEYWORD = re.compile(r"^(?:的|规模的)?[“”\"'「」『』]?$")
_AFTER_KEYWORD = re.compile(
    r"^[“”\"'「」『』]?(?:总额|总规模|规模|资金池|资金|额度)(?:提升至|提高至|增至|达到|达|为|共|约)?$"
)
_POOL_WORD = re.compile(r"总额|总规模|资金池|资金规模")
_RECIPIENT = re.compile(r"单家|每家|同一|单个|单一|每个|每户|每项|单项|每一")
_AFTER_CAP = re.compile(r"^(?:的)?(?:补贴|资助|奖励|支持)")
_RAISED = re.compile(r"(?:提高|提升|上调|上浮|增加)[^,;。]{0,8}?至$")
# A ceiling written before the basis of a rate (按不超过…的25%, 比例不超过…的40%): only words between.
_QUALIFIER_BEFORE_BASIS = re.compile(r"(不超过|不高于|最高)[^\d%,;。、]{0,20}$")
_CONDITION_END = re.compile(r"提高|提升|上调|上浮|给予|补贴比例|资助比例|比例|按|可|最高|最多|不超过")
# How far a term's clause reaches either way (normalised characters): no clause a document writes
# is longer, and a text without punctuation (a flattened table, an attack) stays linear.
_CLAUSE_REACH = 120
# At most this many special rates for one programme (real policies state two or three).
SPECIAL_MAX = 8
# 深圳经济特区, 苏州工业园区: a zone or an area, not a district or county of the city.
_NOT_A_DISTRICT = re.compile(
    r"(?:特|开发|园|保税|自贸|示范|试验|片|城|市|辖|社|景|街|业|能|心|先行|集聚|聚集|高新|新城)区$"
)
_DISTRICT = re.compile(r"市?((?![各全本辖该其市城])[\u4e00-\u9fff]{2,3}(?:区|县))")
# What may stand between a clause break and a place that is the clause's subject.
_SUBJECT_LEAD = re.compile(r"(?:而|则|另外|此外|同时|相比之下|比如|例如|其中)?")
# A percentage is a rate only in a clause that grants or sets one (not 承担了…80%的试错成本).
_GRANTS = re.compile(r"按|给予|补贴|资助|补助|支持|比例|奖励|减免")
_LEAD = re.compile(r"(?:其中|另外|同时|此外)?,?(?:对)?")
_ELIGIBLE = re.compile(r"(?:对|面向|支持)([^,;。:]{2,40}?)(?:,|给予|按)")
_YEAR = re.compile(r"每年|年度|每一年")
_PER_YEAR_AFTER = re.compile(r"\s*(?:/|每)年")  # 最高100万元/年
_SENTENCE_END = re.compile(r"[。!?]")
# A place named in passing: the policy followed (参照上海市做法), not the subject of the sentence.
_FOLLOWS = re.compile(r"(?:根据|依据|按照|参照|对照|借鉴|学习|落实|贯彻|对标)$")
_FOLLOWED = re.compile(r"市?(?:有关|相关|的有关|的相关)?(?:部署|做法|经验|要求|规定|精神)")
_HOME_WORD = re.compile(r"本市|我市|本区|我区|本县|我县")
_TOTAL = re.compile(r"累计|总计|合计|共计|总共")
_PROJECT = re.compile(r"每个项目|单个项目|每项|单项|每个合同")
_POLICY_WORDS = re.compile(r"措施|方案|办法|细则|计划|政策|通知|意见|规定|指南|条例|规划")
_TITLE = re.compile(r"《([^《》\n]{4,80})》")
_PERIOD_IN_TITLE = re.compile(r"[((](\d{4})[—–-]{1,2}(\d{4})年[))]")
_DATE_LINE = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$", re.M)
_FIRST_LINE = re.compile(r"\s*([^\n。]{4,60})\n")
_ISSUER_END = re.compile(r"(?:人民政府|办公厅|办公室|局|委员会|委|厅|管委会|管理委员会|中心)$")
_ISSUER_BEFORE = re.compile(r"([^\s,。《》]{2,40}?)关于(?:印发|发布)?《")
# Flags a curator can keep for the usual conditions; any other is special1, special2 … to confirm.
_FLAGS = [
    ("初创", "startup"),
    ("首次|首台|首版", "first"),
    ("其他|其它", "other"),
    ("协同", "joint"),
    ("专精特新", "specialised"),
    ("国产", "domestic"),
    ("高校|科研", "research"),
]


@dataclass(frozen=True)
class TermCandidate:
    """One number of a programme as written (qualifier included) with a verbatim quote."""

    value: str
    quote: str
    period: str = ""  # pool and cap: year | total | project | unknown
    basis: str = ""  # a rate: what it is a share of (合同额, 租金 …)
    applies_to: str = ""  # a special rate: its condition as written
    flag: str = ""  # a special rate: the key `subsidies --eligible` applies it by
    carried: bool = False  # a special rate that took the base rate's ceiling


@dataclass(frozen=True)
class ProgrammeCandidate:
    place: str
    place_known: bool
    type: str
    name: str
    policy: str
    date: Optional[str]
    date_basis: str
    eligibility: str
    quote: str
    pool: Optional[TermCandidate] = None
    rate: Optional[TermCandidate] = None
    cap: Optional[TermCandidate] = None
    special_rates: tuple = ()
    parent: str = ""  # a district or county the gazetteer does not know: its city


@dataclass(frozen=True)
class PolicyCandidate:
    place: str
    place_known: bool
    title: str
    date: Optional[str]
    date_basis: str
    period: str
    issuer: str
    quote: str
    parent: str = ""


@dataclass
class _Reading:
    """What the stretches of one (place, type) have given so far."""

    place: Mention
    type: str
    start: int
    quote: str
    policy: str
    told: bool = False  # whether the quote's sentence states a term
    eligibility: str = ""
    pool: Optional[TermCandidate] = None
    rate: Optional[TermCandidate] = None
    cap: Optional[TermCandidate] = None
    special_rates: list = field(default_factory=list)


def carried_ceiling(base: Optional[TermCandidate], value: str, raised: bool) -> tuple[str, bool]:
    """A special rate that raises a ceiling is a ceiling too: 按不超过50%…对初创企业提高资助比例至60%
    is 不超过60%, so an estimate with it is an upper bound. (value, whether the qualifier was carried)."""
    if not raised or base is None or _qualifier(value):
        return value, False
    ceiling = _qualifier(base.value)
    return (ceiling + value, True) if ceiling in _UPPER else (value, False)


def _qualifier(value: str) -> str:
    return next((q for q in _UPPER + ("不低于", "超过", "约") if value.startswith(q)), "")


def type_pattern(type_keywords: Mapping[str, Sequence[str]]) -> tuple[Optional[re.Pattern], dict[str, str]]:
    owner: dict[str, str] = {}
    for key, words in type_keywords.items():
        for word in (key, *words):
            owner.setdefault(to_simplified(word), key)
    if not owner:
        return None, owner
    return re.compile("|".join(map(re.escape, sorted(owner, key=len, reverse=True)))), owner


def extract_programmes(
    text: str, *, published: Optional[str], places: Mapping[str, str], type_keywords: Mapping[str, Sequence[str]]
) -> tuple[list[ProgrammeCandidate], list[PolicyCandidate]]:
    """The programmes and the policy documents `text` states, in document order."""
    doc = normalise(text)
    norm = doc.text
    parents: dict[str, str] = {}  # a district or county -> its city
    mentions = _with_districts(norm, place_mentions(norm, places, Spans([])), parents)  # a title's place counts
    home = _home(mentions)
    date, basis = _document_date(norm, published)
    headline = _FIRST_LINE.match(norm)  # 杭州再加码算力补贴: a headline names, the body states
    books = Spans([(m.start(), m.end()) for m in BOOK.finditer(norm)] + ([headline.span(1)] if headline else []))
    index = Mentions(mentions)
    cited = Spans([(m.start(), m.end()) for m in BOOK.finditer(norm)])  # 根据《四川省…规划》: not a subject
    subjects = Mentions([m for m in mentions if not cited.inside(m.start) and not _in_passing(norm, m)])
    policies = _policies(doc, index, home, date, basis, parents)
    titles = [(m.start(), m.group(1)) for m in _TITLE.finditer(norm) if _POLICY_WORDS.search(m.group(1))]
    pattern, owner = type_pattern(type_keywords)
    if pattern is None or home is None and not mentions:
        return [], policies
    # A run of another type starts no earlier than its sentence: 。!? are no clause breaks, so
    # without them 深圳市此前已发放5亿元训力券 would take the rate of the 算力券 sentence before it.
    breaks = sorted(set(clause_breaks(norm)).union(m.start() for m in _SENTENCE_END.finditer(norm)))
    sentences = Spans(spans_without(norm, "。!?;\n"))
    readings: dict[tuple[str, str], _Reading] = {}
    tells = functools.lru_cache(maxsize=None)(lambda sentence: _tells(norm, sentence))  # once a sentence
    for paragraph in spans_without(norm, "\n"):
        anchors = [
            (m.start(), m.end(), owner[m.group(0)])
            for m in pattern.finditer(norm, *paragraph)
            if not books.inside(m.start())  # 《成都市算力券实施细则》 names a document, not a programme
        ]
        for stretch, kind, keywords in _stretches(anchors, breaks, paragraph):
            keyword = next((k for k in keywords if tells(sentences.containing(k[0]))), keywords[0])
            sentence = sentences.containing(keyword[0])
            place = _place_of(norm, subjects, keyword[0], paragraph, home)
            if place is None and _tells(norm, stretch):
                place = home  # 每年发放2亿元算力券 in 成都's policy; not 地方政府…推出“算力券” in a news report
            if place is None:
                continue
            stretch = _until_another_place(norm, index, parents, stretch, keyword, place.name)
            key, told = (place.name, kind), tells(sentence)
            if key not in readings or told and not readings[key].told:
                clause = _wide_clause(norm, keyword[0], keyword[1], sentence)
                quote = quote_of(doc, clause[0], clause[1], *keyword)
                if key in readings:  # a heading (一、训力券) came first: quote the sentence with terms
                    readings[key].quote, readings[key].told = quote, True
                else:
                    policy = _policy_before(titles, keyword[0], policies)
                    readings[key] = _Reading(place, kind, keyword[0], quote, policy, told=told)
            _read(doc, sentences, stretch, keywords, readings[key])
    ordered = sorted(readings.values(), key=lambda r: r.start)
    return [_candidate(r, date, basis, parents.get(r.place.name, "")) for r in ordered], policies


def _candidate(r: _Reading, date: Optional[str], basis: str, parent: str) -> ProgrammeCandidate:
    name = f"{r.place.name}{r.type}"
    return ProgrammeCandidate(
        r.place.name,
        r.place.known,
        r.type,
        name,
        r.policy,
        date,
        basis,
        r.eligibility,
        r.quote,
        r.pool,
        r.rate,
        r.cap,
        tuple(r.special_rates),
        parent,
    )


def _stretches(anchors, breaks: list[int], paragraph: tuple[int, int]):
    """((start, end), type, keyword spans) for each run of one type's anchors in a paragraph: a
    run starts at the clause of its first anchor (the pool may stand before the keyword) and ends
    where the next run's clause starts."""
    runs: list[tuple[int, str, list[tuple[int, int]]]] = []
    for start, end, kind in anchors:
        if runs and runs[-1][1] == kind:
            runs[-1][2].append((start, end))
            continue
        clause_start = clause_of(breaks, start, end, *paragraph)[0]
        runs.append((max(clause_start, runs[-1][2][-1][1]) if runs else paragraph[0], kind, [(start, end)]))
    for index, (start, kind, keywords) in enumerate(runs):
        end = runs[index + 1][0] if index + 1 < len(runs) else paragraph[1]
        yield (start, end), kind, keywords


def _until_another_place(norm, mentions: Mentions, parents, stretch, keyword, place: str) -> tuple[int, int]:
    """The stretch up to where a sentence or clause names another place (…;上海则提出,对…给予最高50%
    的补贴): what follows is said of that place, not of this programme."""
    related = {place, parents.get(place, "")}
    for mention in mentions.within(keyword[1], stretch[1]):
        if mention.name in related or parents.get(mention.name) == place:  # a district of it is it
            continue
        reach = max(keyword[1], mention.start - _CLAUSE_REACH)
        cut = max(norm.rfind(c, reach, mention.start) for c in "。!?;,:")
        if _SUBJECT_LEAD.fullmatch(norm, cut + 1, mention.start):  # not 规模比东莞多出一个数量级
            return stretch[0], cut + 1
    return stretch


def _tells(norm: str, sentence: tuple[int, int]) -> bool:
    """Whether a sentence states a term: a percentage or an amount of money. (The keyword whose
    sentence tells, 发放2亿元算力券, not a heading, 一、算力券, is the one a citation quotes.)"""
    return bool(_RATE.search(norm, *sentence)) or any(
        m.group("m") or m.group("u") for m in _MONEY.finditer(norm, *sentence)
    )


def _wide_clause(norm: str, start: int, end: int, sentence: tuple[int, int]) -> tuple[int, int]:
    """The clause between the commas, semicolons or colons around [start, end): 、 does not end it
    (市区协同给予最多6个月、最高80%的租金补贴 is one condition and its rate)."""
    low, high = max(sentence[0], start - _CLAUSE_REACH), min(sentence[1], end + _CLAUSE_REACH)
    left = max([low] + [norm.rfind(c, low, start) + 1 for c in ",:"])
    rights = [norm.find(c, end, high) for c in ",:"]
    return left, min([r for r in rights if r >= 0] + [high])


def _read(doc: Normalised, sentences: Spans, stretch: tuple[int, int], keywords, reading: _Reading) -> None:
    norm = doc.text
    if not reading.eligibility:
        found = _ELIGIBLE.search(norm, *stretch)
        if found and not _RAISED.search(found.group(1) + "至"):
            reading.eligibility = _as_written(doc, found.start(1), found.end(1))
    for money in _MONEY.finditer(norm, *stretch):
        if not (money.group("m") or money.group("u")) or _is_year(norm, money):
            continue
        clause = _wide_clause(norm, money.start(), money.end(), sentences.containing(money.start()))
        before, after = norm[clause[0] : money.start()], norm[money.end() : clause[1]]
        term = _term(doc, money, clause, "元" if not money.group("u") else "")
        near = keywords[bisect_left(keywords, (clause[0], 0)) : bisect_left(keywords, (clause[1], 0))]
        if reading.pool is None and any(_is_pool(norm, money, keyword, clause) for keyword in near):
            reading.pool = _with(term, period=_period(norm[clause[0] : money.end()], pool=True, after=after))
        elif reading.cap is None and (
            _qualifier(term.value) in _UPPER or _RECIPIENT.search(before) or _AFTER_CAP.match(after)
        ):
            if _qualifier(term.value) in ("不低于", "超过"):
                continue  # a threshold of eligibility (注册资本不低于1000万元)
            reading.cap = _with(term, period=_period(before, pool=False, after=after))
    for rate in _RATE.finditer(norm, *stretch):
        clause = _wide_clause(norm, rate.start(), rate.end(), sentences.containing(rate.start()))
        if not _GRANTS.search(norm, *clause):
            continue
        before = norm[clause[0] : rate.start()]
        term = _term(doc, rate, clause, "")
        raised = bool(_RAISED.search(before))
        if reading.rate is None and not raised:
            qualifier = "" if _qualifier(term.value) or "—" in term.value else _written_before(before)
            reading.rate = _with(term, value=qualifier + term.value, basis=_basis(norm, clause, rate))
            continue
        value, carried = carried_ceiling(reading.rate, term.value, raised)
        condition = _condition(doc, clause[0], rate.start())
        if len(reading.special_rates) >= SPECIAL_MAX or any(
            (t.value, t.applies_to) == (value, condition) for t in reading.special_rates
        ):
            continue  # said again, or a flattened table: a programme has a handful
        reading.special_rates.append(
            _with(
                term,
                value=value,
                basis=_basis(norm, clause, rate),
                applies_to=condition,
                flag=_flag(condition, len(reading.special_rates)),
                carried=carried,
            )
        )


def _with(term: TermCandidate, **changes) -> TermCandidate:

    return replace(term, **changes)


def _term(doc: Normalised, match: re.Match, clause: tuple[int, int], suffix: str) -> TermCandidate:
    qualifier = match.group("q") or ""
    number_start = match.start("n")
    written = re.sub(r"\s+", "", doc.slice(number_start, match.end()))
    if "hi" in match.re.groupindex and match.group("hi"):  # 30%至50% -> 30—50%, as the figure grammar reads it
        written, qualifier = f"{match.group('n')}—{match.group('hi')}%", ""  # a range takes no qualifier

    value = _QUALIFIER_WRITTEN.get(qualifier, qualifier) + PINYIN.sub("", written) + suffix
    return TermCandidate(value, quote_of(doc, clause[0], clause[1], match.start(), match.end()))


def _is_year(norm: str, money: re.Match) -> bool:
    return norm[money.end() : money.end() + 1] == "年"


def _is_pool(norm: str, money: re.Match, keyword: tuple[int, int], clause: tuple[int, int]) -> bool:
    if clause[0] <= keyword[0] and keyword[1] <= clause[1]:
        if money.end() <= keyword[0] and _BEFORE_KEYWORD.match(norm[money.end() : keyword[0]]):
            return True
        if keyword[1] <= money.start() and _AFTER_KEYWORD.match(norm[keyword[1] : money.start("n")]):
            return True
        if money.group("q") and keyword[1] <= money.start() and _AFTER_KEYWORD.match(norm[keyword[1] : money.start()]):
            return True
    before = norm[clause[0] : money.start()]
    return bool(_POOL_WORD.search(before)) and not _RECIPIENT.search(before)


def _period(before: str, pool: bool, after: str = "") -> str:
    """The period of a pool or a cap, from the clause before the amount or a /年 right after it."""
    if _YEAR.search(before) or _PER_YEAR_AFTER.match(after):
        return "year"
    if pool and _TOTAL.search(before):
        return "total"
    if not pool and _PROJECT.search(before):
        return "project"
    return "unknown"


def _written_before(before: str) -> str:
    """按不超过算力合同费用的25%, 补贴比例不超过合同额的40%: the qualifier written before the basis,
    with no other figure between it and the rate."""
    found = _QUALIFIER_BEFORE_BASIS.search(before)
    return _QUALIFIER_WRITTEN.get(found.group(1), found.group(1)) if found else ""


def _basis(norm: str, clause: tuple[int, int], rate: re.Match) -> str:
    before = list(_BASES.finditer(norm, clause[0], rate.start()))
    if before:
        return before[-1].group(0)
    after = _BASES.search(norm, rate.end(), clause[1])
    return after.group(0) if after else ""


def _condition(doc: Normalised, start: int, end: int) -> str:
    """The condition of a special rate as written: the clause before the figure, without a
    leading 其中/同时/对 and cut before the verb (对初创企业提高… -> 初创企业)."""
    norm = doc.text
    start = _LEAD.match(norm, start, end).end()  # type: ignore[union-attr]
    cut = _CONDITION_END.search(norm, start, end)
    stop = cut.start() if cut and cut.start() > start else end
    while stop > start and norm[stop - 1] in "的,、":
        stop -= 1
    return _as_written(doc, start, stop) if stop > start else "CHOOSE"


def _as_written(doc: Normalised, start: int, end: int) -> str:
    """Words as the document writes them (traditional stays), without inserted pinyin: 初創(chuàng)企業
    -> 初創企業. Not a quote, so nothing needs to match the document."""

    return PINYIN.sub("", doc.slice(start, end))


def _flag(condition: str, index: int) -> str:
    simplified = to_simplified(condition)
    for word, flag in _FLAGS:
        if re.search(word, simplified):
            return flag
    return f"special{index + 1}"


def _place_of(norm: str, subjects: Mentions, position: int, paragraph, home) -> Optional[Mention]:
    """The last place named as a subject before the keyword in its paragraph (the last before it
    in the sentence is also the last in the paragraph); 本市 after it is the document's place."""
    place = subjects.last_ending_by(position, paragraph[0])
    if place is not None and _HOME_WORD.search(norm, place.end, position):
        return home
    return place


def _in_passing(norm: str, mention: Mention) -> bool:
    """根据四川省…, 参照上海市做法, 落实四川省有关部署: a place whose policy is followed, not the subject."""
    before = norm[max(0, mention.start - 6) : mention.start]
    return bool(_FOLLOWS.search(before) or _FOLLOWED.match(norm, mention.end))


def _with_districts(norm: str, mentions: list[Mention], parents: dict[str, str]) -> list[Mention]:
    """深圳市南山区: a district or county named right after its city, which the gazetteer (provinces
    and prefecture-level cities only) does not know, is the place, to be confirmed."""
    found, starts = [], {m.start for m in mentions}
    for mention in mentions:
        district = _DISTRICT.match(norm, mention.end)
        if district and district.start(1) not in starts and not _NOT_A_DISTRICT.search(district.group(1)):
            found.append(Mention(mention.start, district.end(), district.group(1), False))
            parents[district.group(1)] = mention.name
        else:
            found.append(mention)
    return found


def _home(mentions: list[Mention]) -> Optional[Mention]:
    """The place the document is about: the first it names (the title or issuer, as a rule)."""
    country = {"中国"}
    return next((m for m in mentions if m.name not in country), None)


def _document_date(norm: str, published: Optional[str]) -> tuple[Optional[str], str]:
    """The date line under the issuer (2025年6月18日 alone on a line), else the publication date."""
    lines = list(_DATE_LINE.finditer(norm))
    if lines:
        year, month, day = lines[-1].groups()
        return f"{year}-{int(month):02d}-{int(day):02d}", "stated"
    return (published, "published") if published else (None, "")


def _policy_before(titles: list[tuple[int, str]], position: int, policies: list[PolicyCandidate]) -> str:
    """The policy a programme belongs to: the last policy title before it, else the document's own."""
    before = bisect_left(titles, (position, ""))
    return titles[before - 1][1] if before else policies[0].title if policies else ""


def _policies(doc: Normalised, mentions: Mentions, home, date, basis, parents) -> list[PolicyCandidate]:
    norm = doc.text
    found: list[PolicyCandidate] = []
    seen = set()
    issuer = _issuer(norm)
    for start, end, name in _titles(norm):
        if name in seen or not _POLICY_WORDS.search(name):
            continue
        seen.add(name)
        period = _PERIOD_IN_TITLE.search(name)
        inside = mentions.within(start, end)
        place = inside[0] if inside else home
        if place is None:
            continue
        first = not found
        found.append(
            PolicyCandidate(
                place.name,
                place.known,
                name,
                date if first else None,
                basis if first and date else "",
                f"{period.group(1)}—{period.group(2)}" if period else "",
                issuer if first else "",
                doc.slice(start, end),
                parents.get(place.name, ""),
            )
        )
    return found


def _titles(norm: str):
    """(start, end, title) of the document's own title line (a first line naming a policy, with no
    full stop and no 《》) and of every title in 《》, in document order."""
    first = _FIRST_LINE.match(norm)
    if first and _POLICY_WORDS.search(first.group(1)) and "《" not in first.group(1):
        yield first.start(1), first.end(1), first.group(1)
    for title in _TITLE.finditer(norm):
        yield title.start(), title.end(), title.group(1)


def _issuer(norm: str) -> str:
    """Who issued the document: X of X关于印发《…》的通知, else the line just above the date line."""
    found = _ISSUER_BEFORE.search(norm)
    if found:
        return found.group(1)
    date_line = list(_DATE_LINE.finditer(norm))
    if date_line:
        lines = norm[: date_line[-1].start()].rstrip().splitlines()
        if lines and _ISSUER_END.search(lines[-1].strip()) and len(lines[-1].strip()) <= 40:
            return lines[-1].strip()
    return ""


def place_table(name: str) -> Optional[dict]:
    """A place's table from the gazetteer (level, province, traditional, pinyin, English), or None
    when the gazetteer does not know it (a county or district: the curator fills it in)."""
    division = gazetteer.divisions().get(name)
    if division is None:
        return None
    municipality = name in gazetteer.MUNICIPALITIES
    traditional = next((a for a in division.aliases if a != name and to_simplified(a) == name), "")
    return {
        "level": "city" if municipality else division.level,
        "province": name if municipality else division.province,
        "traditional": traditional,
        "pinyin": division.pinyin,
        "english": division.english,
    }


__all__ = [
    "ProgrammeCandidate",
    "PolicyCandidate",
    "TermCandidate",
    "carried_ceiling",
    "extract_programmes",
    "place_table",
    "QUOTE_MAX",
]
