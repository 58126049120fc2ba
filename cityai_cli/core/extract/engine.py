"""Find the figures a document states, each with place, metric, kind, date and a verbatim quote.

`extract` is pure: text in, `Candidate`s out. It works on a normalised copy of the document
(see `normalised.py`: simplified characters, no inserted pinyin, no spaces inside figures) and slices
every quote out of the ORIGINAL text through the offset map, so quotes pass the knowledge
base's quote check (whitespace-insensitive substring) unchanged. Each step below is a module
(figures, metrics, places, kind_date); spans.py holds the stretches they look things up in.

How a figure becomes a candidate:
1. Figures are found by a pattern (qualifier, number, 余/多, unit, 以上/左右; ranks 第N, 首位,
   榜首; membership of a leading group 位居前列; shares such as 四成, 1/3, 一半) and kept only if
   `parse_figure` accepts them. Years (2024年), figures inside book titles 《…》 and inside
   dates are skipped, and so are the whole a part is drawn from (内地31个省份中,…), the class
   of several items (多个10E级…集群) and a rank that describes the noun after it
   (第一梯队的大模型企业). A number with a magnitude, or N大, written straight
   before a count metric's keyword takes that metric's unit (超3200万开发者 -> 超3200万人,
   五大公共服务平台 -> 五个).
2. Metric: among the metrics whose dimension equals the figure's, the one with a keyword
   closest to the figure: containing it (第一梯队) or in its clause before it, then a keyword in
   a source framing the sentence (据胡润研究院发布…显示, reaching past ; to the full stop), then
   after it in the clause, then elsewhere in the sentence, then in the two sentences before.
   Keywords never overlap: the longest wins. No keyword, no candidate. A count in another unit
   than the metric's (20家企业 … 应用场景), and money naming another kind of money (超10亿元
   战略融资), need the keyword in the figure's clause.
3. Place: a place named in the figure's clause (before it, else after it); else the nearest
   one named earlier in the sentence; else earlier in the paragraph; else the subject of the
   sentences just before; else, when the clause names the metric, the country the document
   names (中国, 我国, 内地: nationwide figures). Place names inside book titles do not count
   (《2024胡润中国人工智能企业50强》 is not about 中国). A rank shared by a list of places
   (北京、上海、深圳处于第一梯队) gives one candidate per place; so does a collective counting a
   region's members (长三角…三省一市全部置身第一梯队, see `gazetteer.REGIONS`). A share held by a
   list of places jointly (珠三角…,深圳、广州占了7成以上) belongs to the whole named before them.
   A membership (北京、广东…江苏位居前列) goes to each place of the list it directly follows, and
   to no place at all when a noun stands between (南京入围企业数目位居前列: the count leads).
4. Kind, date and date basis from markers in the sentence before the figure (see `kind_date.kind_of`,
   `kind_date.date_of`).

The work grows with the document's length, not faster (a document may have 4 MiB): the sentences,
clauses, place mentions, keyword hits, dates and markers are found once and looked up by
bisection, so a figure looks at a bounded neighbourhood. A sentence over SENTENCE_MAX characters
is read in pieces of at most that length (`spans.cut_long`), figures are only looked for where a keyword
can reach them (`figures.reachable`), and not inside a run of more than RUN_MAX digits or numerals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .figure_finder import RUN_MAX, figure_matches, figures_in, reachable, value_text
from .kind_date import Dates, KindMarkers, date_hits, date_of, kind_of
from .metrics import Frames, Keywords, keyword_hits, metric_of
from .normalised import normalise, to_simplified
from .place_mentions import Mentions, Respectively, document_subject, place_mentions, places_of
from .spans import BOOK, QUOTE_MAX, Occurrences, Spans, clause_breaks, clause_of, cut_long, quote_of, spans_without

# A sentence longer than this (normalised characters: a text without full stops, such as a
# flattened table or an attack) is read as consecutive sentences of at most this length, cut after
# a clause break where there is one, so that the work for each figure stays bounded. No sentence a
# document writes comes near it (the seeds' longest has 144 characters).
SENTENCE_MAX = 1000


# 超10亿元战略融资: money that names another kind of money than any metric's.
_OTHER_MONEY = re.compile(r"融资|营收|收入|销售额|利润|市值|估值|订单")


# A collective for the members of a region: 三省一市, 九市.
_COLLECTIVE = re.compile(rf"(?:[一二两三四五六七八九十]{{1,{RUN_MAX}}}[省市]){{1,2}}")


_SENTENCE_END = "。!?;\n…"


@dataclass(frozen=True)
class Candidate:
    """One figure a document states, for a curator to confirm.

    `value` is the figure as written (qualifier included), converted to simplified and without
    inserted pinyin or spaces, so that `parse_figure` accepts it; it keeps the document's own
    characters where conversion would hide the number from the quote check (100億元 stays,
    since 100亿 is not in the quote). `quote` is a verbatim slice of the original document.
    `sentence_start`/`sentence_end` are offsets of the sentence in the original document.
    """

    place: str
    place_known: bool
    metric: str
    value: str
    kind: str  # actual | target | forecast
    date: str | None  # YYYY, YYYY-MM or YYYY-MM-DD
    date_basis: str  # stated | published | inferred
    quote: str
    confidence: float
    sentence_start: int
    sentence_end: int


def extract(
    text: str,
    *,
    published: str | None,
    places: Mapping[str, str],
    metric_keywords: Mapping[str, Sequence[str]],
    metric_dimensions: Mapping[str, str],
    metric_units: Mapping[str, str] | None = None,
) -> list[Candidate]:
    """Candidates for every figure in `text`, in document order.

    `places` maps each simplified name/alias form to its canonical place (from the knowledge
    base); names not in it are looked up in the gazetteer (`place_known` False).
    `metric_keywords` maps metric key -> keywords; `metric_dimensions` metric key -> dimension;
    a figure is attached only to a metric of its own dimension. `metric_units` (optional,
    metric key -> unit such as 家) breaks ties: a count in another unit ranks lower.
    `published` (YYYY, YYYY-MM or YYYY-MM-DD) resolves 去年/今年/3月3日 and dates 目前.

    confidence = place factor × metric factor × ambiguity factor × base factor, where
      place factor: 1.0 named in the clause before the figure, 0.9 after it in the clause,
                    0.75 earlier in the sentence, 0.6 earlier in the paragraph;
      place factor for a figure no place reaches but the document's country: 0.4;
      metric factor: 1.0 keyword containing the figure or in the clause before it, 0.95 in a
                     source framing the sentence, 0.9 after it in the clause,
                     0.75 elsewhere in the sentence, 0.55 in the two sentences before;
      ambiguity factor: 0.8 when another metric of the same dimension had a keyword as close,
                        0.8 when the figure's unit is not the metric's (given `metric_units`);
      base factor: 0.8 when the place is only in the gazetteer, else 1.0.
    """
    doc = normalise(text)
    norm = doc.text
    books = Spans([(m.start(), m.end()) for m in BOOK.finditer(norm)])
    breaks = clause_breaks(norm)
    sentences = Spans(cut_long(spans_without(norm, _SENTENCE_END), breaks, SENTENCE_MAX))
    paragraphs = Spans(spans_without(norm, "\n"))
    mentions = Mentions(place_mentions(norm, places, books))
    keywords = keyword_hits(norm, metric_keywords)
    keyword_index = Keywords(keywords)
    full_sentences = Spans(spans_without(norm, "。!?\n"))
    frames = Frames(norm, keywords, full_sentences)
    markers = KindMarkers(norm, books, published)
    dates = Dates(date_hits(norm, books), books)
    other_money = Occurrences(_OTHER_MONEY, norm)
    collectives = Occurrences(_COLLECTIVE, norm)
    known = {to_simplified(form): name for form, name in places.items()}  # the places, by simplified form
    matches = figure_matches(norm, reachable(sentences, keywords, frames, full_sentences))
    respectively = Respectively(norm, mentions, matches)
    subject = document_subject(mentions.all)
    candidates: list[Candidate] = []
    seen = set()
    for match, figure in figures_in(norm, matches, books, keywords, metric_dimensions, metric_units or {}):
        figure_text, quantity = figure
        sentence_index = sentences.index(match.start())
        if sentence_index is None:
            continue  # a figure always stands in a sentence (no figure contains a full stop)
        s_start, s_end = sentences.spans[sentence_index]
        c_start, c_end = clause_of(breaks, match.start(), match.end(), s_start, s_end)
        metric = metric_of(
            quantity,
            match,
            keyword_index,
            metric_dimensions,
            metric_units or {},
            sentences.spans[max(0, sentence_index - 2)][0],
            (s_start, s_end),
            (c_start, c_end),
            frames.covering(match.start(), full_sentences.containing(match.start())[1]) if frames.by_sentence else (),
        )
        if metric is None:
            continue
        metric_key, metric_factor, keyword_span = metric
        if quantity.dimension == "money" and metric_factor < 0.9 and other_money.first(match.end(), c_end):
            continue
        resolved = respectively.places(match, (s_start, s_end)) or places_of(
            mentions, match, (c_start, c_end), (s_start, s_end), paragraphs, quantity, sentences, known, collectives
        )
        if not resolved and subject is not None and metric_factor >= 0.9 and quantity.dimension != "member":
            # nationwide figures (23个省份明确提及…): weak evidence, so only with the metric's
            # keyword in the figure's own clause; never a membership, which is said of the places
            # right before it or of nothing (`_leading_group`)
            resolved = [(subject, 0.4)]
        if not resolved:
            continue
        kind = kind_of(norm, s_start, match.start(), markers)
        date, basis = date_of(norm, dates, books, s_start, match.start(), published)
        for mention, place_factor in resolved:
            # the clause, reaching back to the place and the keyword when they fit in QUOTE_MAX
            quote_start = c_start
            for anchor in (max(mention.start, keyword_span[0]), min(mention.start, keyword_span[0])):
                if s_start <= anchor < quote_start and doc.length(anchor, c_end) <= QUOTE_MAX:
                    quote_start = anchor
            quote = quote_of(doc, quote_start, c_end, match.start(), match.end())
            value = value_text(doc, match, figure_text, quote)
            confidence = round(place_factor * metric_factor * (1.0 if mention.known else 0.8), 2)
            key = (mention.name, metric_key, value, kind, date)
            if key in seen:
                continue
            seen.add(key)
            o_start, o_end = doc.original_span(s_start, s_end) if s_end > s_start else (0, 0)
            candidates.append(
                Candidate(
                    mention.name, mention.known, metric_key, value, kind, date, basis, quote, confidence, o_start, o_end
                )
            )
    return candidates
