"""Resolve what users type to places, metrics and subsidy types.

Users type names in many writings (simplified or traditional, pinyin with or without tones,
English, aliases, with or without 市/省/区), so each is indexed under all of them; a name two
places share is ambiguous and lists both. Each failure carries a code and parameters for the view
to word. What each answers to: docs/design.md, "Resolving names (core/name_index.py)".
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Set

from .errors import UsageError
from .text import from_shell, holds_shell_bytes, nfkc

_SUFFIXES = ("市", "省", "区", "區", "县", "縣", "自治区", "自治區")
_LATIN_SUFFIXES = ("district", "county", "city", "province", "qu", "xian", "shi", "sheng")
# What a key drops: apostrophes, hyphens, dots and white space of any kind (the characters
# str.isspace accepts, as a regular expression's \s does; a test checks the list against it). A
# translation table, not a regular expression: compiling one cost ~0.3 ms on every start.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SEPARATORS = dict.fromkeys(map(ord, "'’-_.·" + WHITE_SPACE))


def normalise(text: str) -> str:
    """NFKC + casefold + no spaces/apostrophes/hyphens: "Shen Zhen" == "shenzhen"; Latin text
    without its accents (pinyin's tone marks: "Guǎngzhōu" == "guangzhou")."""
    key = nfkc(text).translate(_SEPARATORS).casefold()
    if key and not key.isascii() and max(key) < "\u0370":  # Latin letters and combining marks only
        # lazy: only for Latin text with accents (nfkc)
        import unicodedata

        bare = "".join(c for c in unicodedata.normalize("NFD", key) if not unicodedata.combining(c))
        if bare.isascii():
            return bare
    return key


def _stems(text: str) -> Iterable[str]:
    key = normalise(text)
    if key:
        yield key
    for suffix in _LATIN_SUFFIXES if key.isascii() else _SUFFIXES:
        # a stem keeps at least two letters (or characters): 北京市 -> 北京, never 市 -> ""
        if key.endswith(suffix) and len(key) >= len(suffix) + (3 if key.isascii() else 2):
            yield key[: -len(suffix)]


def unique_keys(name: str, place) -> List[str]:
    """Keys that must name one place only: its Chinese names and the aliases curated for it.

    Pinyin and English may be shared (台州 and 泰州 are both Taizhou): typing them is ambiguous,
    and the resolver says so, but the knowledge base is not wrong.
    Their stems count too (深圳市 -> 深圳): the resolver strips 市/区/省, so a second place 深圳市
    or an alias 深圳区 elsewhere would make 深圳 ambiguous.
    """
    keys: List[str] = []
    for text in filter(None, [name, place.traditional, *place.aliases]):
        for key in _stems(text) if not normalise(text).isascii() else [normalise(text)]:
            if key not in keys:
                keys.append(key)
    return keys


def alias_keys(name: str, place) -> List[str]:
    """Every normalised key that names this place."""
    written = [name, place.traditional, place.pinyin, place.english, *place.aliases]
    keys: List[str] = []
    for text in filter(None, written):
        for key in _stems(text):
            if key not in keys:
                keys.append(key)
    return keys


def inverted(entries: Dict[str, Iterable[str]]) -> Dict[str, Set[str]]:
    """canonical -> its keys, turned into key -> the canonical names it names."""
    keys: Dict[str, Set[str]] = {}
    for canonical, names in entries.items():
        for name in names:
            keys.setdefault(name, set()).add(canonical)
    return keys


def place_keys(places: Mapping[str, Any]) -> Dict[str, Set[str]]:
    """Every key a user may type for a place -> the places it names (the compiled cache stores
    this, so that resolving a name does not compute every place's keys)."""
    return inverted({name: alias_keys(name, place) for name, place in places.items()})


class Index:
    """Normalised key -> canonical names, built once per loaded base (`inverted` makes the keys
    from canonical -> its keys; a compiled cache stores the places' keys made).

    `english` names a canonical name in English (suggestions under --lang en); `elsewhere` is
    asked about a name the base's keys do not know: it may return the name it means or raise
    what it knows (the gazetteer: a real place without figures). `homonyms` gives the names
    outside the base that a key names exactly as written: with a base's name, the name is
    ambiguous (Taizhou); alone, they are what was meant (吉林市, not the province 吉林)."""

    def __init__(
        self,
        keys: Dict[str, Set[str]],
        kind: str,
        listing: str = "",
        english: Optional[Callable[[str], str]] = None,
        elsewhere: Optional[Callable[[str], Optional[str]]] = None,
        homonyms: Optional[Callable[[str], Set[str]]] = None,
    ):
        self.kind = kind
        self.homonyms = homonyms
        self._names: Optional[Set[str]] = None
        self.listing = listing  # which listing holds every valid name (the view names its command)
        self.keys = keys
        self.english = english or (lambda name: name)
        self.elsewhere = elsewhere

    def lookup(self, text: str) -> Set[str]:
        """The canonical names `text` names as typed or, failing that, in simplified characters."""
        text = from_shell(text)
        if holds_shell_bytes(text):  # bytes that are no UTF-8 name nothing
            return set()
        found = self._lookup(text)
        if not found and not text.isascii():
            # lazy: OpenCC only for a name not found as typed
            from .extract.normalised import to_simplified  # OpenCC: loaded only for a name not found

            simplified = to_simplified(text)
            if simplified != text:
                found = self._lookup(simplified)
        return found

    def _lookup(self, text: str) -> Set[str]:
        # The first form that names anything decides, in the base or (`homonyms`) outside it:
        # 吉林市 names the city, never the province 吉林 that its stem names. A Chinese name the
        # base knows is the base's (unique_keys), so only other forms ask the gazetteer.
        for key in _stems(text):
            found = self.keys.get(key, set())
            if self.homonyms is not None and (key.isascii() or not found):
                found = found | self.homonyms(key)
            if found:
                return found
        return set()

    def resolve(self, text: str) -> str:
        text = from_shell(text)
        found = self.lookup(text)
        if found and self.homonyms is not None and not any(name in self._named() for name in found):
            found = set()  # names only places outside the base: `elsewhere` says so
        if len(found) == 1:
            return next(iter(found))
        if found:
            names = sorted(found)
            raise UsageError(
                f"{self.kind} {text!r} is ambiguous: it names {', '.join(names)}; use the Chinese name",
                code="name.ambiguous",
                params={"kind": self.kind, "text": text, "names": [(n, self.english(n)) for n in names]},
            )
        known = self.elsewhere(text) if self.elsewhere is not None else None
        if known is not None:
            return known
        suggestions = self.suggest(text)
        raise UsageError(
            f"unknown {self.kind} {text!r}",
            suggestions,
            code="name.unknown",
            params={
                "kind": self.kind,
                "text": text,
                "listing": self.listing,
                "suggestions": [(n, self.english(n)) for n in suggestions],
            },
        )

    def _named(self) -> Set[str]:
        """Every canonical name the keys name (built on first use)."""
        if self._names is None:
            self._names = set().union(*self.keys.values()) if self.keys else set()
        return self._names

    def suggest(self, text: str) -> List[str]:
        typed = normalise(text)
        close = difflib.get_close_matches(typed, list(self.keys), n=5, cutoff=suggestion_cutoff(typed))
        seen: List[str] = []
        for key in close:
            for name in sorted(self.keys[key]):
                if name not in seen:
                    seen.append(name)
        return seen[:3]


def suggestion_cutoff(typed: str) -> float:
    """How alike (difflib's ratio) a name must be to be suggested: 0.5 for Chinese, where a
    two-character name one character off (深川 for 深圳) is exactly half alike; 0.55 for other
    scripts, where half the letters in order is mostly chance (nonsense / unicorns) and a word
    one clearly meant stays in (scale / industry scale: 0.56)."""
    return 0.5 if any("\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" for char in typed) else 0.55


@lru_cache(maxsize=1)
def _gazetteer_keys() -> Dict[str, Set[str]]:
    """Every key of China's divisions (gazetteer.tsv) -> the divisions it names."""
    # lazy: the gazetteer only for a name the base lacks
    from .extract.gazetteer import divisions

    return inverted(
        {
            name: [key for text in (name, d.pinyin, d.english, *d.aliases) if text for key in _stems(text)]
            for name, d in divisions().items()
        }
    )


def _not_in_base(base) -> Callable[[str], Optional[str]]:
    """For a name the base's keys do not know, what China's gazetteer says: a division the base
    has a place for is that place (the gazetteer knows more forms: 呂梁市), one it has no place
    for is not a typing mistake, and no other city is suggested for it."""

    def check(text: str) -> Optional[str]:
        # lazy: the gazetteer only for a name the base lacks
        from .extract.gazetteer import divisions

        found = Index(_gazetteer_keys(), "place").lookup(text)
        present = sorted(name for name in found if name in base.places)
        if len(present) == 1 and len(found) == 1:
            return present[0]
        if not found or present:
            return None
        known = divisions()
        missing = sorted(found)
        shown = ", ".join(f"{name} ({known[name].english})" for name in missing)
        raise UsageError(
            f"{shown} {'has' if len(missing) == 1 else 'have'} no figures in the knowledge base yet",
            code="place.no_figures",
            params={"text": text, "places": [(name, known[name].english) for name in missing]},
        )

    return check


@lru_cache(maxsize=1)
def _gazetteer_forms() -> Dict[str, Set[str]]:
    # lazy: the gazetteer only for a name the base lacks
    from .extract.gazetteer import forms

    # The table's Chinese forms are their own keys (tests/test_name_index.py checks it); Latin ones,
    # Lüliang too, are normalised. Normalising
    # 1,500 forms touches the Unicode database for each character, ~14 ms of a run.
    keys: Dict[str, Set[str]] = {}
    for form, names in forms().items():
        keys.setdefault(normalise(form) if max(form) < "\u0370" else form, set()).update(names)
    return keys


def _gazetteer_named(key: str) -> Set[str]:
    """The divisions a key names as written in China's gazetteer (its names, pinyin, English
    names and aliases, never their stems; a division the base has is its place): "Taizhou" is
    台州 and 泰州, so the base's one Taizhou must not answer for both (unique_keys: pinyin and
    English are shared), and 吉林市 is the city, not the province 吉林 its stem names."""
    return _gazetteer_forms().get(key, set())


def place_index(kb) -> Index:
    places = kb.places

    def english(name: str) -> str:
        if name in places:
            return places[name].english or places[name].pinyin or name
        # lazy: the gazetteer only for a name the base lacks
        from .extract.gazetteer import divisions

        return divisions()[name].english

    return Index(kb.place_keys(), "place", "places", english, _not_in_base(kb), _gazetteer_named)


def metric_words(key: str, metric) -> List[str]:
    """What names a metric (normalised): its key, Chinese and English names and aliases. Lint
    refuses one naming two metrics."""
    return list(dict.fromkeys(normalise(word) for word in (key, metric.zh, metric.en, *metric.aliases)))


def scope_words(metric) -> List[str]:
    """The labels of a metric's scopes (人工智能企业, AI enterprises), normalised: they name the
    metric too, unless they are another metric's own name (a rank's scope 生成式人工智能应用登记数
    is what it ranks: typed, it means that metric)."""
    scopes = metric.scopes.values() if isinstance(metric.scopes, dict) else metric.scopes  # model or compiled
    return list(dict.fromkeys(normalise(label) for scope in scopes for label in (scope.zh, scope.en)))


def subsidy_type_words(key: str, kind) -> List[str]:
    """What names a subsidy type (normalised): its key (the Chinese name), English name, pinyin
    and aliases. Lint refuses one naming two types."""
    return list(dict.fromkeys(normalise(word) for word in (key, kind.en, kind.pinyin, *kind.aliases) if word))


def metric_keys(metrics: Mapping[str, Any]) -> Dict[str, Set[str]]:
    """Every key a user may type for a metric -> the metrics it names: its own words, else the
    labels of its scopes (a word that is one metric's own name means that metric, whatever
    scope labels it matches). The compiled cache stores this, as it does `place_keys`."""
    labels = inverted({key: scope_words(metric) for key, metric in metrics.items()})
    return {**labels, **inverted({key: metric_words(key, metric) for key, metric in metrics.items()})}


def metric_index(kb) -> Index:
    return Index(kb.metric_keys(), "metric", "metrics", lambda key: kb.metrics[key].en)


def subsidy_type_index(kb) -> Index:
    kinds = kb.subsidy_types
    return Index(
        inverted({key: subsidy_type_words(key, kind) for key, kind in kinds.items()}),
        "subsidy type",
        "types",
        lambda key: kinds[key].en,
    )


def group_index(kb, field: str, level: str) -> Index:
    """Regions (长三角) or provinces (广东) that places belong to, by name or by the group's own aliases."""
    groups: Dict[str, List[str]] = {}
    for place in kb.places.values():
        values = place.regions if field == "regions" else [place.province]
        for value in filter(None, values):
            groups.setdefault(value, [])
    for name, place in kb.places.items():
        if place.level == level:
            groups.setdefault(name, [])
    return Index(
        inverted(
            {
                name: [*_stems(name), *(alias_keys(name, kb.places[name]) if name in kb.places else [])]
                for name in groups
            }
        ),
        level,
        english=lambda name: _english_of_group(kb, name),
        # a province of China that no place of the base is in has no figures (regions are not divisions)
        elsewhere=_not_in_base(kb) if field == "province" else None,
    )


def resolve_places(kb, given: List[str]) -> List[str]:
    """Resolve place names; a region (长三角) or province stands for its member places."""
    if not given:  # the index reads every place's keys (~4 ms at 3,000 places): not for no names
        return []
    index = place_index(kb)
    regions = None  # the group index reads every place: built only for a name that is not one
    names: List[str] = []
    for text in given:
        try:
            name = index.resolve(text)
        except UsageError as not_a_place:
            regions = regions or group_index(kb, "regions", "region")
            try:
                region = regions.resolve(text)
            except UsageError:
                raise not_a_place from None  # the place message: suggestions, ambiguity
            members = [n for n, p in kb.places.items() if region in p.regions]
            names += [m for m in members if m not in names]
            continue
        if kb.places[name].level == "region":
            members = [n for n, p in kb.places.items() if name in p.regions]
            names += [m for m in members if m not in names] or [name]
        elif name not in names:
            names.append(name)
    return names


def check_flags(kb, flags: List[str], option: str) -> None:
    """UsageError unless every special-rate flag (startup …) is one some programme has."""
    if flags:  # checking them reads every programme: only when there are some
        known = sorted({t.flag for p in kb.programmes for t in p.special_rates})
        unknown = [flag for flag in flags if flag not in known]
        if unknown:
            raise UsageError(f"unknown {option} flag {unknown[0]!r}; known flags: {', '.join(known) or 'none'}")


def _english_of_group(kb, name: str) -> str:
    place = kb.places.get(name)
    if place is not None:
        return place.english or place.pinyin or name
    # lazy: the gazetteer only for a name the base lacks
    from .extract.gazetteer import divisions

    division = divisions().get(name)
    return division.english if division is not None else name


def completions(forms: Mapping[str, Iterable[str]], typed: str) -> List[str]:
    """What shell completion offers for `typed`: for each name, the first of its written forms
    (canonical first, then pinyin, English …) that starts with what was typed, compared as the
    resolver compares (case, spaces and tone marks aside): "shen" offers Shenzhen, "深" 深圳."""
    if not typed:
        return list(forms)
    start = normalise(typed)
    offered: List[str] = []
    for canonical, written in forms.items():
        match = next((form for form in (canonical, *written) if form and normalise(form).startswith(start)), None)
        if match is not None and match not in offered:
            offered.append(match)
    return offered


def place_forms(place) -> List[str]:
    return [place.traditional, place.pinyin, place.english, *place.aliases]


def metric_forms(metric) -> List[str]:
    return [metric.zh, metric.en, *metric.aliases]


def subsidy_type_forms(kind) -> List[str]:
    return [kind.en, kind.pinyin, *kind.aliases]
