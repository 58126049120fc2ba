"""core/query/listings.py: the listings (metrics, types, regions, policies) through the command line."""

import csv
import io

from conftest import MINI

M = str(MINI)


def rows(result):
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_metrics_list_keys_names_units_and_coverage(cli):
    assert [
        (r["metric"], r["zh"], r["en"], r["machine_unit"], r["places"]) for r in rows(cli("metrics", "--data", M))
    ] == [
        ("ai_enterprises", "人工智能企业数", "AI enterprises", "count", "4"),
        ("industry_scale", "产业规模", "industry scale", "CNY", "3"),
        ("compute_capacity", "智能算力规模", "compute capacity", "PFLOPS", "3"),
    ]


def test_types_list_names_and_categories(cli):
    assert [
        (r["type"], r["en"], r["pinyin"], r["category"], r["programmes"]) for r in rows(cli("types", "--data", M))
    ] == [
        ("算力券", "compute voucher", "suanliquan", "voucher", "1"),
        ("模型券", "model voucher", "moxingquan", "voucher", "1"),
        ("语料券", "corpus voucher", "yuliaoquan", "voucher", "1"),
        ("基金", "fund", "jijin", "fund", "1"),
    ]


def test_regions_are_listed(cli):
    assert [r["place"] for r in rows(cli("list", "--level", "region", "--data", M))] == ["测区"]


def test_policies_are_ordered_by_date_and_filtered(cli):
    rows = list(csv.DictReader(io.StringIO(cli("policies", "--data", M, "-f", "csv").stdout)))
    assert [(r["place"], r["date"], r["date_basis"], r["sources"]) for r in rows] == [
        ("甲", "2025-12-31", "inferred", "mini;mini-late")
    ]
    assert cli("policies", "--data", M, "--since", "2026", "-f", "csv").stdout.splitlines()[1:] == []
    assert len(cli("policies", "--data", M, "--until", "2025", "-f", "csv").stdout.splitlines()) == 2
