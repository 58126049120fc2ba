"""Generate cityai_cli/extract/gazetteer.tsv: China's 34 province-level divisions and 333
prefecture-level divisions (cities, prefectures, autonomous prefectures, leagues).

Run once, in a scratch environment (neither package is a dependency of cityai):

    python -m venv /tmp/gaz && /tmp/gaz/bin/pip install cpca==0.5.5 pypinyin opencc
    /tmp/gaz/bin/python tools/make_gazetteer.py > cityai_cli/extract/gazetteer.tsv

Data: the administrative-division table `adcodes.csv` shipped in the PyPI package cpca 0.5.5
(MIT licence, github.com/DQinYuan/chinese_province_city_area_mapper), brought up to date for the
two changes since it was made (莱芜市 merged into 济南市 in 2019; 那曲地区 became 那曲市 in 2017).
Pinyin from pypinyin (MIT), corrected for the place names it reads wrongly; traditional forms
from OpenCC (Apache-2.0). English: the pinyin stem, or the official name where it differs.
"""

from __future__ import annotations

import csv
import importlib.resources
import io
import sys

import opencc
from pypinyin import lazy_pinyin

PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
ABOLISHED = {"莱芜市"}
RENAMED = {"那曲地区": "那曲市"}

# pypinyin reads these characters of place names with the wrong tone-less syllable.
PINYIN_FIX = {
    "长治": "Changzhi",
    "朝阳": "Chaoyang",
    "漯河": "Luohe",
    "陕西": "Shaanxi",
    "六安": "Lu'an",
    "六盘水": "Liupanshui",
    "蚌埠": "Bengbu",
    "长沙": "Changsha",
    "长春": "Changchun",
    "重庆": "Chongqing",
    "乐山": "Leshan",
    "丽水": "Lishui",
    "丽江": "Lijiang",
    "厦门": "Xiamen",
    "亳州": "Bozhou",
    "儋州": "Danzhou",
    "莆田": "Putian",
    "菏泽": "Heze",
    "东莞": "Dongguan",
    "和田": "Hotan",
    "喀什": "Kashgar",
    "阿克苏": "Aksu",
    "吐鲁番": "Turpan",
    "哈密": "Kumul",
    "阿勒泰": "Altay",
    "塔城": "Tacheng",
    "克拉玛依": "Karamay",
    "乌鲁木齐": "Urumqi",
    "日喀则": "Xigaze",
    "拉萨": "Lhasa",
    "呼和浩特": "Hohhot",
    "包头": "Baotou",
    "昌都": "Changdu",
    "吕梁": "Lüliang",
    "吉林市": "Jilin",
}
# Official or customary English names that are not the pinyin of the short name.
ENGLISH = {
    "内蒙古": "Inner Mongolia",
    "西藏": "Tibet",
    "香港": "Hong Kong",
    "澳门": "Macao",
    "陕西": "Shaanxi",
    "广西": "Guangxi",
    "宁夏": "Ningxia",
    "新疆": "Xinjiang",
    "台湾": "Taiwan",
    "锡林郭勒盟": "Xilingol League",
    "阿拉善盟": "Alxa League",
    "巴彦淖尔": "Bayannur",
    "鄂尔多斯": "Ordos",
    "呼伦贝尔": "Hulunbuir",
    "吉林市": "Jilin City",
    "哈尔滨": "Harbin",
    "齐齐哈尔": "Qiqihar",
    "乌兰察布": "Ulanqab",
    "海西蒙古族藏族自治州": "Haixi Mongol and Tibetan Autonomous Prefecture",
}
ETHNIC = {
    "藏族": "Tibetan",
    "羌族": "Qiang",
    "蒙古族": "Mongol",
    "蒙古": "Mongol",
    "回族": "Hui",
    "土家族": "Tujia",
    "苗族": "Miao",
    "彝族": "Yi",
    "朝鲜族": "Korean",
    "布依族": "Bouyei",
    "侗族": "Dong",
    "傣族": "Dai",
    "景颇族": "Jingpo",
    "白族": "Bai",
    "哈尼族": "Hani",
    "壮族": "Zhuang",
    "傈僳族": "Lisu",
    "哈萨克": "Kazakh",
    "柯尔克孜": "Kirgiz",
}
PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市")
# Short names that are also everyday words or other things' names (阿里 = Alibaba, 来宾 = guest,
# 白银 = silver, 中山 = Sun Yat-sen): only the full name (阿里地区, 来宾市) identifies the place.
UNSAFE_SHORT = {
    "阿里",
    "来宾",
    "白银",
    "中山",
    "普洱",
    "黄山",
    "红河",
    "安康",
    "朝阳",
    "白山",
    "海北",
    "海东",
    "海西",
    "玉树",
    "兴安",
    "通化",
    "金昌",
    "永州",
    "长治",
    "大同",
    "安顺",
    "承德",
    "宁德",
    "新余",
    "三明",
    "抚顺",
    "随州",
    "黑河",
    "文山",
    "保山",
    "铜仁",
    "铜川",
    "丽江",
    "吉安",
    "广安",
    "泰安",
    "延安",
    "六安",
    "淮安",
    "雅安",
    "福州",
    "池州",
    "河池",
    "巴中",
    "东营",
    "张家界",
    "中卫",
    "固原",
    "平凉",
    "定西",
    "和田",
    "阿坝",
    "果洛",
    "黄南",
    "那曲",
    "林芝",
    "三沙",
    "儋州",
    "宜春",
    "昌都",
    "山南",
    "鹤岗",
    "商丘",
    "商洛",
    "资阳",
    "达州",
    "吕梁",
    "运城",
    "晋中",
    "衡水",
    "黄石",
    "孝感",
    "荆门",
    "百色",
    "崇左",
    "钦州",
    "北海",
    "防城港",
}


def pinyin(text: str) -> str:
    if text in PINYIN_FIX:
        return PINYIN_FIX[text]
    syllables = lazy_pinyin(text)
    out = syllables[0]
    for syllable in syllables[1:]:
        out += ("'" if syllable[:1] in "aoe" else "") + syllable
    return out.capitalize()


def short_name(name: str, level: str) -> str:
    if level == "province":
        for suffix in PROVINCE_SUFFIXES:
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name
    if name.endswith("市"):
        return name[:-1]
    return name  # 延边朝鲜族自治州, 阿里地区, 阿拉善盟 stay whole


def stem(name: str) -> str:
    """延边朝鲜族自治州 -> 延边, 阿里地区 -> 阿里, 阿拉善盟 -> 阿拉善, 深圳 -> 深圳."""
    if name.endswith("自治州"):
        body, changed = name[: -len("自治州")], True
        while changed:  # 恩施土家族苗族 -> 恩施土家族 -> 恩施
            changed = False
            for ethnic in sorted(ETHNIC, key=len, reverse=True):
                if body.endswith(ethnic) and len(body) > len(ethnic) + 1:
                    body, changed = body[: -len(ethnic)], True
        return body
    for suffix in ("地区", "盟"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def english(name: str, short: str, level: str) -> str:
    if short in ENGLISH:
        return ENGLISH[short]
    base = pinyin(stem(short))
    if short.endswith("自治州"):
        body, ethnics = short[: -len("自治州")][len(stem(short)) :], []
        while body:
            ethnic = next(e for e in sorted(ETHNIC, key=len, reverse=True) if body.startswith(e))
            ethnics.append(ETHNIC[ethnic])
            body = body[len(ethnic) :]
        return f"{base} {' '.join(ethnics)} Autonomous Prefecture"
    if short.endswith("地区"):
        return f"{base} Prefecture"
    if short.endswith("盟"):
        return f"{base} League"
    return base


def main() -> None:
    to_traditional = opencc.OpenCC("s2t")
    table = importlib.resources.files("cpca").joinpath("resources/adcodes.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(table)))
    provinces = {r["adcode"][:2]: r["name"] for r in rows if r["adcode"].endswith("0" * 10)}
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    out.writerow(["name", "level", "province", "pinyin", "english", "aliases"])
    entries = [(code, full, "province") for code, full in provinces.items()]
    entries += [
        (r["adcode"][:2], RENAMED.get(r["name"], r["name"]), "city")
        for r in rows
        if r["adcode"][2:4] != "00" and r["adcode"][4:] == "0" * 8 and r["name"] not in PLACEHOLDERS | ABOLISHED
    ]
    entries.sort(key=lambda e: (e[2] != "province", e[0], e[1]))
    seen = set()
    for code, full, level in entries:
        short = short_name(full, level)
        if short in seen:  # 吉林市 shares its short name with 吉林省
            short = full
        assert short not in seen, short
        seen.add(short)
        forms = [full, short]
        bare = stem(short)
        if bare not in UNSAFE_SHORT and len(bare) >= 2:
            forms.append(bare)
        if level == "city" and short.endswith("自治州"):
            forms.append(bare + "州")
        if short in UNSAFE_SHORT:
            forms.remove(short)
        forms += [to_traditional.convert(f) for f in list(forms)]
        aliases = [f for f in dict.fromkeys(forms) if f != short or short not in UNSAFE_SHORT]
        province = short_name(provinces[code], "province")
        out.writerow(
            [
                short,
                level,
                province if level == "city" else "",
                pinyin(stem(short)),
                english(full, short, level),
                "|".join(aliases),
            ]
        )


if __name__ == "__main__":
    main()
