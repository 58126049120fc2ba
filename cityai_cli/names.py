"""Resolve what users type to places, metrics and subsidy types.

Places answer to their simplified name, traditional name, pinyin (any case, any spacing),
English name and curated aliases, each with or without the 市/省/区 suffix (Qu/Shi/Xian in pinyin,
District/City/County in English: "Longgang" finds 龙岗区 as 龙岗 does). A name two places
share (Taizhou: 台州 and 泰州) is ambiguous and lists both; an unknown one suggests the closest.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Any, Dict, Iterable, List, Mapping, Set

from .errors import UsageError

_SUFFIXES = ("市", "省", "区", "區", "县", "縣", "自治区", "自治區")
_LATIN_SUFFIXES = ("district", "county", "city", "province", "qu", "xian", "shi", "sheng")
_SEPARATORS = re.compile(r"[\s'’\-_.·]+")


def normalise(text: str) -> str:
    """NFKC + casefold + no spaces/apostrophes/hyphens: "Shen Zhen" == "shenzhen"."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).casefold()


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
    from canonical -> its keys; a compiled cache stores the places' keys made)."""

    def __init__(self, keys: Dict[str, Set[str]], kind: str, listing: str = ""):
        self.kind = kind
        self.listing = listing  # the command that lists every valid name
        self.keys = keys

    def resolve(self, text: str) -> str:
        found: Set[str] = set()
        for key in _stems(text):
            found = self.keys.get(key, set())
            if found:
                break
        if len(found) == 1:
            return next(iter(found))
        if found:
            raise UsageError(
                f"{self.kind} {text!r} is ambiguous: it names {', '.join(sorted(found))}; use the Chinese name"
            )
        listed = f"; see {self.listing}" if self.listing else ""
        raise UsageError(f"unknown {self.kind} {text!r}{listed}", self.suggest(text))

    def suggest(self, text: str) -> List[str]:
        close = difflib.get_close_matches(normalise(text), list(self.keys), n=5, cutoff=0.5)
        seen: List[str] = []
        for key in close:
            for name in sorted(self.keys[key]):
                if name not in seen:
                    seen.append(name)
        return seen[:3]


def place_index(kb) -> Index:
    return Index(kb.place_keys(), "place", "cityai list --level all")


def metric_index(kb) -> Index:
    return Index(
        inverted(
            {
                key: [normalise(word) for word in (key, metric.zh, metric.en, *metric.aliases)]
                for key, metric in kb.metrics.items()
            }
        ),
        "metric",
        "cityai metrics",
    )


def subsidy_type_index(kb) -> Index:
    return Index(
        inverted(
            {
                key: [normalise(word) for word in (key, kind.en, kind.pinyin, *kind.aliases) if word]
                for key, kind in kb.subsidy_types.items()
            }
        ),
        "subsidy type",
        "cityai types",
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
    )


def resolve_places(kb, given: List[str]) -> List[str]:
    """Resolve place names; a region (长三角) or province stands for its member places."""
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
