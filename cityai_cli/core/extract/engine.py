"""Find the figures a document states, each with place, metric, kind, date and a verbatim quote.

`extract` is pure: text in, `Candidate`s out. It reads a normalised copy of the document and
slices every quote out of the original, so that quotes pass the base's quote check unchanged. How a
figure becomes a candidate, and why the work grows only with the document's length: docs/design.md,
"How extraction reads a document".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .figure_finder import RUN_MAX, figure_matches, figures_in, reachable, value_text
from .kind_date import Dates, KindMarkers, date_hits, date_of, kind_of
from .metrics import Frames, Keywords, keyword_hits, metric_of
from .normalised import Normalised, normalise, to_simplified
from .place_mentions import Mention, Mentions, Respectively, document_subject, place_mentions, places_of
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
    reading = _read(text, places, metric_keywords, published)
    units = metric_units or {}
    matches = figure_matches(
        reading.norm, reachable(reading.sentences, reading.keywords, reading.frames, reading.full_sentences)
    )
    respectively = Respectively(reading.norm, reading.mentions, matches)
    candidates: list[Candidate] = []
    seen: set[tuple] = set()
    for match, figure in figures_in(reading.norm, matches, reading.books, reading.keywords, metric_dimensions, units):
        for candidate in _candidates_of(reading, respectively, match, figure, metric_dimensions, units, published):
            key = (candidate.place, candidate.metric, candidate.value, candidate.kind, candidate.date)
            if key not in seen:
                seen.add(key)
                candidates.append(candidate)
    return candidates


@dataclass(frozen=True)
class _Reading:
    """A document read once: what every figure is looked up in, each by bisection, so that a
    figure costs a bounded neighbourhood however long the document."""

    doc: Normalised
    norm: str
    books: Spans
    breaks: list[int]
    sentences: Spans
    full_sentences: Spans
    paragraphs: Spans
    mentions: Mentions
    keywords: list[tuple[int, int, str]]
    keyword_index: Keywords
    frames: Frames
    markers: KindMarkers
    dates: Dates
    other_money: Occurrences
    collectives: Occurrences
    known: dict[str, str]  # the places, by simplified form
    subject: Mention | None


def _read(
    text: str, places: Mapping[str, str], metric_keywords: Mapping[str, Sequence[str]], published: str | None
) -> _Reading:
    doc = normalise(text)
    norm = doc.text
    books = Spans([(m.start(), m.end()) for m in BOOK.finditer(norm)])
    breaks = clause_breaks(norm)
    full_sentences = Spans(spans_without(norm, "。!?\n"))
    mentions = Mentions(place_mentions(norm, places, books))
    keywords = keyword_hits(norm, metric_keywords)
    return _Reading(
        doc=doc,
        norm=norm,
        books=books,
        breaks=breaks,
        sentences=Spans(cut_long(spans_without(norm, _SENTENCE_END), breaks, SENTENCE_MAX)),
        full_sentences=full_sentences,
        paragraphs=Spans(spans_without(norm, "\n")),
        mentions=mentions,
        keywords=keywords,
        keyword_index=Keywords(keywords),
        frames=Frames(norm, keywords, full_sentences),
        markers=KindMarkers(norm, books, published),
        dates=Dates(date_hits(norm, books), books),
        other_money=Occurrences(_OTHER_MONEY, norm),
        collectives=Occurrences(_COLLECTIVE, norm),
        known={to_simplified(form): name for form, name in places.items()},
        subject=document_subject(mentions.all),
    )


def _candidates_of(
    reading: _Reading,
    respectively: Respectively,
    match: re.Match,
    figure: tuple,
    metric_dimensions: Mapping[str, str],
    metric_units: Mapping[str, str],
    published: str | None,
) -> list[Candidate]:
    """One figure's candidates: one per place it is said of (none without a metric or a place)."""
    figure_text, quantity = figure
    sentence_index = reading.sentences.index(match.start())
    if sentence_index is None:
        return []  # a figure always stands in a sentence (no figure contains a full stop)
    sentence = reading.sentences.spans[sentence_index]
    clause = clause_of(reading.breaks, match.start(), match.end(), *sentence)
    metric = _metric_of(reading, match, quantity, sentence_index, clause, metric_dimensions, metric_units)
    if metric is None:
        return []
    metric_key, metric_factor, keyword_span = metric
    resolved = _places_of(reading, respectively, match, quantity, sentence, clause, metric_factor)
    if not resolved:
        return []
    norm, s_start = reading.norm, sentence[0]
    kind = kind_of(norm, s_start, match.start(), reading.markers)
    date, basis = date_of(norm, reading.dates, reading.books, s_start, match.start(), published)
    o_start, o_end = reading.doc.original_span(*sentence) if sentence[1] > s_start else (0, 0)
    candidates = []
    for mention, place_factor in resolved:
        quote = _quote(reading.doc, mention, keyword_span, match, sentence, clause)
        value = value_text(reading.doc, match, figure_text, quote)
        confidence = round(place_factor * metric_factor * (1.0 if mention.known else 0.8), 2)
        candidates.append(
            Candidate(
                mention.name, mention.known, metric_key, value, kind, date, basis, quote, confidence, o_start, o_end
            )
        )
    return candidates


def _metric_of(
    reading: _Reading,
    match: re.Match,
    quantity,
    sentence_index: int,
    clause: tuple[int, int],
    metric_dimensions: Mapping[str, str],
    metric_units: Mapping[str, str],
) -> tuple[str, float, tuple[int, int]] | None:
    """(metric, factor, keyword span) of a figure; None for money naming another kind of money
    (超10亿元战略融资) unless the metric's keyword is in the figure's clause."""
    sentence = reading.sentences.spans[sentence_index]
    frames = reading.frames
    framing = (
        frames.covering(match.start(), reading.full_sentences.containing(match.start())[1])
        if frames.by_sentence
        else ()
    )
    metric = metric_of(
        quantity,
        match,
        reading.keyword_index,
        metric_dimensions,
        metric_units,
        reading.sentences.spans[max(0, sentence_index - 2)][0],
        sentence,
        clause,
        framing,
    )
    if metric is None:
        return None
    if quantity.dimension == "money" and metric[1] < 0.9 and reading.other_money.first(match.end(), clause[1]):
        return None
    return metric


def _places_of(
    reading: _Reading,
    respectively: Respectively,
    match: re.Match,
    quantity,
    sentence: tuple[int, int],
    clause: tuple[int, int],
    metric_factor: float,
) -> list[tuple[Mention, float]]:
    resolved = respectively.places(match, sentence) or places_of(
        reading.mentions,
        match,
        clause,
        sentence,
        reading.paragraphs,
        quantity,
        reading.sentences,
        reading.known,
        reading.collectives,
    )
    if not resolved and reading.subject is not None and metric_factor >= 0.9 and quantity.dimension != "member":
        # nationwide figures (23个省份明确提及…): weak evidence, so only with the metric's
        # keyword in the figure's own clause; never a membership, which is said of the places
        # right before it or of nothing (`_leading_group`)
        resolved = [(reading.subject, 0.4)]
    return resolved


def _quote(
    doc: Normalised,
    mention: Mention,
    keyword_span: tuple[int, int],
    match: re.Match,
    sentence: tuple[int, int],
    clause: tuple[int, int],
) -> str:
    """The clause, reaching back to the place and the keyword when they fit in QUOTE_MAX."""
    quote_start, c_end = clause
    for anchor in (max(mention.start, keyword_span[0]), min(mention.start, keyword_span[0])):
        if sentence[0] <= anchor < quote_start and doc.length(anchor, c_end) <= QUOTE_MAX:
            quote_start = anchor
    return quote_of(doc, quote_start, c_end, match.start(), match.end())
