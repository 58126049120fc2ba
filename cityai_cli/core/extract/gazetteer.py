"""China's 34 province-level and 333 prefecture-level divisions, read from gazetteer.tsv.

The table is generated once by tools/make_gazetteer.py (see there for sources and licences).
Columns: name (the short name the knowledge base uses: 深圳, 广西, 延边朝鲜族自治州), level
(province | city), province (a city's province, short name), pinyin, english, aliases
("|"-separated forms that identify the place in running text: the official name, the short
name unless it is also an everyday word — 阿里, 来宾, 白银 appear only as 阿里地区, 来宾市 —
and their traditional forms).

Loading is lazy and cached: the csv module only, on first use.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("gazetteer.tsv")

# The province-level municipalities: a 市 when a collective counts 三省一市.
MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
# Regions that text names as wholes, with their members (short names as in the table), so that a
# collective such as 三省一市 after 长三角 can stand for each member.
REGIONS = {
    "长三角": ("上海", "江苏", "浙江", "安徽"),
    "京津冀": ("北京", "天津", "河北"),
    "珠三角": ("广州", "深圳", "珠海", "佛山", "惠州", "东莞", "中山", "江门", "肇庆"),
    "成渝": ("四川", "重庆"),
}


@dataclass(frozen=True)
class Division:
    name: str
    level: str  # "province" | "city"
    province: str  # "" for a province
    pinyin: str
    english: str
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    """name -> Division, in the table's order (provinces first)."""
    with TABLE.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {
            row["name"]: Division(
                row["name"],
                row["level"],
                row["province"],
                row["pinyin"],
                row["english"],
                tuple(filter(None, row["aliases"].split("|"))),
            )
            for row in rows
        }


@lru_cache(maxsize=1)
def text_forms() -> dict[str, str]:
    """Every alias as it may appear in text -> the division's name.

    A form two divisions would share is kept for the province (吉林 is the province; the city
    is written 吉林市), which is what a bare mention in a news article means.
    """
    forms: dict[str, str] = {}
    for division in divisions().values():
        for alias in division.aliases:
            forms.setdefault(alias, division.name)
    return forms


@lru_cache(maxsize=1)
def forms() -> dict[str, tuple[str, ...]]:
    """Each form of a division's name as written (its name, pinyin, English name, aliases) -> the
    divisions it names (台州 and 泰州 are both Taizhou). Read from the raw table (no csv module,
    no Division): resolving any place name asks this, so it costs about a millisecond."""
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    columns = lines[0].split("\t")
    name, pinyin, english, aliases = (columns.index(c) for c in ("name", "pinyin", "english", "aliases"))
    found: dict[str, tuple[str, ...]] = {}
    for line in lines[1:]:
        cells = line.split("\t")
        for form in {cells[name], cells[pinyin], cells[english], *cells[aliases].split("|")} - {""}:
            found[form] = found.get(form, ()) + (cells[name],)
    return found
