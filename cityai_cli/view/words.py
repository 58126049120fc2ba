"""All of cityai's wording, in zh and en: headers, kinds, levels, date bases, flags, estimates.

`word(lang, key)` is the only lookup; a missing English entry is a bug caught by the tests (every
key exists in both languages).
"""

from __future__ import annotations

from typing import Dict

# One line per group of related words, both languages side by side: how this table is read.
# fmt: off
WORDS: Dict[str, Dict[str, str]] = {
    "zh": {
        "place": "地区", "level": "级别", "province": "省份", "city": "所属城市", "regions": "区域",
        "traditional": "繁体", "pinyin": "拼音", "english": "English", "metric": "指标", "kind": "类型",
        "figure": "数值", "date": "日期", "scope": "口径", "sources": "来源", "quote": "引文", "note": "备注",
        "rank": "#", "why": "说明", "target": "目标", "deadline": "期限", "latest_actual": "最新实际",
        "progress": "完成度", "difference": "相差", "title": "政策文件", "period": "期限", "type": "类型",
        "name": "名称", "pool": "资金池", "rate": "比例", "special_rates": "特殊比例", "cap": "单个上限",
        "eligibility": "适用对象", "payout": "可得补贴", "rule": "计算", "facts": "数据", "publisher": "发布者",
        "published": "发布", "file": "文件", "zh": "中文", "en": "English", "unit": "单位", "places": "地区数",
        "category": "类别", "programmes": "项目数", "policies": "政策数", "metric_key": "键",
        "scopes": "口径", "origin": "所属数据库",
        # kinds
        "kind.actual": "实际", "kind.target": "目标", "kind.forecast": "预测",
        # levels
        "level.country": "国家", "level.world": "全球", "level.region": "区域", "level.province": "省",
        "level.city": "市", "level.zone": "园区", "level.district": "区", "level.county": "县",
        # categories
        "category.voucher": "券", "category.subsidy": "补贴", "category.prize": "奖励", "category.fund": "基金",
        # date bases
        "basis.published": "发布日期(原文“目前/现”或未注明时间)", "basis.inferred": "推断日期(见备注)",
        # reasons a row is not comparable / flags
        "reason.different_scope": "口径不同", "reason.outside_window": "较早({year}), 未排名",
        "reason.different_kind": "类型不同",
        "reason.no_deadline": "无期限", "reason.different_metric": "指标不同",
        "flag.only_one": "仅{places}有数据", "flag.no_figures": "均无数据",
        "flag.different_scope": "口径不同: {detail}", "flag.outside_window": "相隔超过{window}个月, 不比较: {detail}",
        "flag.dates_differ": "日期不同: {detail}",
        "flag.no_deadline": "有目标无期限: {detail}",
        "flag.sources_disagree": "{place}: {sources} 另给 {text} ({date})",
        "flag.tie": "{places}的区间重叠, 无法分出先后", "tie.bounds": "并列: 区间重叠, 无法分出先后",
        "relation.consistent": "可同时成立", "t.variants": ", {n}处写法不同但可同时成立",
        "met.met": "已达成", "met.not_met": "未达成", "met.undecided": "无法判断",
        "progress.no_actual": "无实际数据", "progress.different_scope": "口径不同",
        "progress.target_zero": "目标为零", "progress.out_of_range": "无法计算",
        "progress.not_an_amount": "不适用",
        "estimate.fund": "基金, 不估算", "estimate.rate_unknown": "无法估算: 补贴比例未知",
        "estimate.cap_unknown": "{rate} × {spend} = {gross}; 无法估算: 单个上限未知",
        "estimate.cap_unclear": "{rate} × {spend} = {gross}; 无法估算: 单个上限 {cap} 不是确定的上限",
        "estimate.capped": "{rate} × {spend} = {gross}, 受上限 {cap} 限制",
        "estimate.within_cap": "{rate} × {spend} = {gross}, 未超上限 {cap}",
        # titles
        "t.rank": "{metric}{kind} · {level} · {ranked}个可比排名({window}个月内), {others}个未排名, {without}个无数据",
        "t.rank_elsewhere": " (该指标数据见于: {levels})", "t.all_levels": "全部级别",
        "t.level_option": "{level} --level {value}",
        "t.compare": "{places}", "t.as_of": " · 截至{as_of}", "t.targets": "{n}个目标",
        "t.conflicts": "{n}处来源不一致",
        "t.subsidies": "{n}个补贴项目", "t.funds": "{n}个基金", "t.spend": " · 合同金额{spend}", "t.top": " · 前{n}个",
        "t.places": "{n}个地区", "t.place_facts": "{place}: 数据", "t.place_policies": "{place}: 政策文件",
        "t.place_subsidies": "{place}: 补贴与基金", "t.sources": "{n}个来源文件", "t.metrics": "{n}个指标",
        "t.types": "{n}种补贴类型", "t.policies": "{n}份政策文件",
        "empty": "(无)", "no_data": "无数据", "empty.compare": "{places}均无数据; cityai show {first} 列出其政策文件",
        "legend.published": "* 发布日期代替原文“目前/现”等", "legend.inferred": "~ 推断日期(见备注)",
        "leader": "★", "yes": "是", "no": "否", "n_sources": "{n}个来源",
        "term": "条款", "role.programme": "项目", "role.pool": "资金池", "role.rate": "比例", "role.cap": "单个上限",
        "role.special": "特殊比例{n}", "title_source": "来源标题", "paragraph": "原文段落([[引文]])",
        "not_found": "(原文未找到引文)",
        "t.cite": "{title}: {n}条引证",
        "confidence": "置信度", "known": "已收录", "t.candidates": "{n}条候选数据",
        "t.programme_candidates": "{n}个候选补贴项目", "t.policy_candidates": "{n}份候选政策文件",
        "basis": "基数", "issuer": "发布单位", "applies_to": "适用条件",
    },
    "en": {
        "place": "place", "level": "level", "province": "province", "city": "city", "regions": "regions",
        "traditional": "traditional", "pinyin": "pinyin", "english": "English", "metric": "metric", "kind": "kind",
        "figure": "figure", "date": "date", "scope": "scope", "sources": "sources", "quote": "quote", "note": "note",
        "rank": "#", "why": "note", "target": "target", "deadline": "deadline", "latest_actual": "latest actual",
        "progress": "progress", "difference": "difference", "title": "policy document", "period": "period",
        "type": "type", "name": "name", "pool": "pool", "rate": "rate", "special_rates": "special rates",
        "cap": "cap per recipient", "eligibility": "eligible", "payout": "payout", "rule": "rule",
        "facts": "facts", "publisher": "publisher", "published": "published", "file": "file", "zh": "Chinese",
        "en": "English", "unit": "unit", "places": "places", "category": "category", "programmes": "programmes",
        "policies": "policies", "metric_key": "key", "scopes": "scopes", "origin": "base",
        "kind.actual": "actual", "kind.target": "target", "kind.forecast": "forecast",
        "level.country": "country", "level.world": "world", "level.region": "region", "level.province": "province",
        "level.city": "city", "level.zone": "zone", "level.district": "district", "level.county": "county",
        "category.voucher": "voucher", "category.subsidy": "subsidy", "category.prize": "prize",
        "category.fund": "fund",
        "basis.published": "publication date (the source says 'now' or gives no time)",
        "basis.inferred": "inferred date (see note)",
        "reason.different_scope": "different scope", "reason.outside_window": "older ({year}), unranked",
        "reason.different_kind": "different kind", "reason.no_deadline": "no deadline",
        "reason.different_metric": "different metric",
        "flag.only_one": "only {places}", "flag.no_figures": "no figures",
        "flag.different_scope": "different scope: {detail}",
        "flag.outside_window": "more than {window} months apart, no leader: {detail}",
        "flag.dates_differ": "dates differ: {detail}",
        "flag.no_deadline": "target without deadline: {detail}",
        "flag.sources_disagree": "{place}: {sources} gives {text} ({date})",
        "flag.tie": "the bounds of {places} overlap: no order", "tie.bounds": "tied: the bounds overlap",
        "relation.consistent": "can both hold", "t.variants": ", {n} consistent variant{s}",
        "met.met": "met", "met.not_met": "not yet met", "met.undecided": "cannot tell",
        "progress.no_actual": "no actual figure", "progress.different_scope": "other scope",
        "progress.target_zero": "target is zero", "progress.out_of_range": "cannot compute",
        "progress.not_an_amount": "not applicable",
        "estimate.fund": "a fund: no estimate", "estimate.rate_unknown": "cannot estimate: subsidy rate unknown",
        "estimate.cap_unknown": "{rate} × {spend} = {gross}; cannot estimate: cap per recipient unknown",
        "estimate.cap_unclear":
            "{rate} × {spend} = {gross}; cannot estimate: the cap per recipient {cap} is no ceiling",
        "estimate.capped": "{rate} × {spend} = {gross}, over the cap of {cap}",
        "estimate.within_cap": "{rate} × {spend} = {gross}, within the cap of {cap}",
        "t.rank":
            "{metric}{kind} · {level} · {ranked} ranked (within {window} months), {others} unranked, "
            "{without} without the figure",
        "t.rank_elsewhere": " (figures exist for: {levels})", "t.all_levels": "all levels",
        "t.level_option": "--level {value}",
        "t.compare": "{places}", "t.as_of": " · as of {as_of}", "t.targets": "{n} target{s}",
        "t.conflicts": "{n} disagreement{s} between sources", "t.subsidies": "{n} subsidy programme{s}",
        "t.funds": "{n} fund{s}", "t.spend": " · spend {spend}", "t.top": " · top\u00a0{n}", "t.places": "{n} place{s}",
        "t.place_facts": "{place}: facts", "t.place_policies": "{place}: policy documents",
        "t.place_subsidies": "{place}: programmes and funds", "t.sources": "{n} source document{s}",
        "t.metrics": "{n} metric{s}", "t.types": "{n} subsidy type{s}", "t.policies": "{n} policy document{s}",
        "empty": "(none)", "no_data": "No data",
        "empty.compare": "no figures for {places}; cityai show {first} lists its policy documents",
        "legend.published": "* publication date standing for 'now'", "legend.inferred": "~ inferred date (see note)",
        "leader": "★", "yes": "yes", "no": "no", "n_sources": "{n} source{s}",
        "term": "term", "role.programme": "programme", "role.pool": "pool", "role.rate": "rate",
        "role.cap": "cap per recipient", "role.special": "special rate {n}", "title_source": "source title",
        "paragraph": "paragraph ([[quote]])",
        "not_found": "(quote not found in the document)", "t.cite": "{title}: {n} citation{s}",
        "confidence": "confidence", "known": "in base", "t.candidates": "{n} candidate fact{s}",
        "t.programme_candidates": "{n} candidate programme{s}",
        "t.policy_candidates": "{n} candidate policy document{s}",
        "basis": "basis", "issuer": "issuer", "applies_to": "condition",
    },
}
# fmt: on

LANGS = tuple(WORDS)

# What a rate is a share of, as `extract` finds it in a policy (core/extract/programmes.py's
# bases): in English, a candidate's rate reads "up to 30%" of "contract value", not of 合同额.
RATE_BASES_EN: Dict[str, str] = {
    "服务合同金额": "service contract value",
    "合同金额": "contract value",
    "合同额": "contract value",
    "合同费用": "contract fees",
    "实际服务额": "actual service fees",
    "服务额": "service fees",
    "服务费用": "service fees",
    "实际支付金额": "amount actually paid",
    "实际支付费用": "fees actually paid",
    "租赁费用": "lease fees",
    "租金": "rent",
    "采购金额": "purchase value",
    "采购费用": "purchase costs",
}


def rate_basis(text: str, lang: str) -> str:
    """A rate's basis in `lang`: one the vocabulary lacks stays as the source writes it."""
    return RATE_BASES_EN.get(text, text) if lang == "en" else text


def word(lang: str, key: str, **params: object) -> str:
    """The wording of `key` in `lang`, filled with `params`; "{s}" is the English plural ending
    for the count `n` ("1 target", "2 targets")."""
    text = WORDS[lang][key]
    if "{s}" in text:
        params = {**params, "s": "" if params.get("n") == 1 else "s"}
    return text.format(**params) if params else text
