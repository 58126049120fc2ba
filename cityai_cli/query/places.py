"""`list`, `show` and `sources`: what is in the knowledge base."""
from __future__ import annotations

from typing import List, Optional

from ..models import KnowledgeBase
from ..report import Column, Report, Table, count
from .figures import figure_columns, figure_record, headline
from .subsidies import subsidy_columns, subsidy_record

HEADLINE_METRICS = ("ai_enterprises", "industry_scale", "compute_capacity")
LEVEL_ZH = {"country": "国家", "world": "全球", "region": "区域", "province": "省", "city": "市",
            "zone": "园区", "district": "区", "county": "县"}


def list_places(kb: KnowledgeBase, level: Optional[str] = None, region: Optional[str] = None,
                province: Optional[str] = None) -> Report:
    rows = []
    for name, place in kb.places.items():
        if level and place.level != level:
            continue
        if region and region not in place.regions and name != region:
            continue
        if province and place.province != province and name != province:
            continue
        row = {"place": name, "level": place.level, "province": place.province, "city": place.city,
               "regions": ";".join(place.regions), "english": place.english,
               "figures": len(place.figures), "policies": len(place.policies), "subsidies": len(place.subsidies)}
        for metric in HEADLINE_METRICS:
            figure, _ = headline(kb, name, metric)
            row[f"{metric}"] = figure.value.value if figure else None
            row[f"{metric}_display"] = figure.value.display() if figure else None
            row[f"{metric}_date"] = str(figure.refers_to) if figure else None
        rows.append(row)
    columns = [Column("place", "地区"), Column("level", "级别", cell=lambda r: LEVEL_ZH[r["level"]]),
               Column("province", "省份"), Column("city", "city", in_table=False), Column("regions", "区域"),
               Column("english", "english", in_table=False)]
    for metric in HEADLINE_METRICS:
        label = kb.metrics[metric].zh if metric in kb.metrics else metric
        columns += [Column(metric, metric, "number", in_table=False),
                    Column(f"{metric}_display", label, cell=_with_date(metric)),
                    Column(f"{metric}_date", f"{metric}_date", in_table=False)]
    columns += [Column("figures", "数据", "number"), Column("policies", "policies", "number", in_table=False),
                Column("subsidies", "subsidies", "number", in_table=False)]
    return Report([Table("places", count(len(rows), "place"), columns, rows)])


def _with_date(metric: str):
    def cell(record):
        display = record.get(f"{metric}_display")
        return f"{display} ({record[f'{metric}_date'][:4]})" if display else "—"
    return cell


def show_place(kb: KnowledgeBase, name: str, with_quotes: bool = False) -> Report:
    place = kb.places[name]
    profile = [{"place": name, "level": place.level, "province": place.province, "city": place.city,
                "regions": ";".join(place.regions), "traditional": place.traditional,
                "pinyin": place.pinyin, "english": place.english}]
    profile_columns = [Column(key, header) for key, header in (
        ("place", "地区"), ("level", "级别"), ("province", "省份"), ("city", "所属城市"), ("regions", "区域"),
        ("traditional", "繁体"), ("pinyin", "拼音"), ("english", "English"))]
    figures = [figure_record(kb, name, f) for f in sorted(place.figures, key=lambda f: (f.kind, f.metric, f.refers_to.sort_key()))]
    policies = [{"place": name, "title": p.title, "issued": p.issued, "period": p.period, "source": p.source,
                 "quote": p.quote, "note": p.note} for p in place.policies]
    policy_columns = [Column("place", "地区", in_table=False), Column("title", "政策文件"), Column("issued", "发布"),
                      Column("period", "期限"), Column("source", "来源"), Column("quote", "引文", in_table=with_quotes),
                      Column("note", "备注", in_table=False)]
    subsidies = [subsidy_record(kb, name, s) for s in place.subsidies]
    return Report([
        Table("place", name, profile_columns, profile),
        Table("figures", f"{name}: figures", figure_columns(with_quotes), figures),
        Table("policies", f"{name}: policy documents", policy_columns, policies),
        Table("subsidies", f"{name}: subsidy programmes", subsidy_columns(with_quotes), subsidies),
    ])


def list_sources(kb: KnowledgeBase) -> Report:
    rows = []
    for source_id, source in kb.sources.items():
        cites = {"figures": 0, "policies": 0, "subsidies": 0}
        for place in kb.places.values():
            for kind in cites:
                cites[kind] += sum(1 for item in getattr(place, kind) if item.source == source_id)
        rows.append({"id": source_id, "publisher": source.publisher, "title": source.title,
                     "published": source.published, "author": source.author, "file": source.file, **cites})
    columns: List[Column] = [Column("id", "id"), Column("publisher", "发布者"), Column("title", "标题"),
                             Column("published", "日期"), Column("author", "作者", in_table=False),
                             Column("file", "文件"), Column("figures", "数据", "number"),
                             Column("policies", "政策", "number"), Column("subsidies", "补贴", "number")]
    return Report([Table("sources", count(len(rows), "source document"), columns, rows)])
