"""Issue 22: the programme and policy patterns of `extract.programmes`, each pinned on a sentence."""

import json
from pathlib import Path

import pytest

from cityai_cli.core.extract.programmes import TermCandidate, carried_ceiling, extract_programmes, place_table
from conftest import sources_add

FIXTURES = Path(__file__).parent / "fixtures" / "extract" / "programmes"
TYPES = {
    "算力券": ["算力券"],
    "模型券": ["模型券"],
    "语料券": ["语料券"],
    "训力券": ["训力券"],
    "算力补贴": ["算力补贴"],
    "数据券": ["数据券"],
    "流片补贴": ["流片补贴"],
}


def programmes(text, published="2025-07-01", places=None):
    found, _ = extract_programmes(text, published=published, places=places or {}, type_keywords=TYPES)
    return found


def one(text):
    found = programmes(text)
    assert len(found) == 1, found
    return found[0]


def term(t):
    return None if t is None else (t.value, t.period, t.basis, t.quote)


@pytest.mark.parametrize(
    "text, pool",
    [
        ("成都市发放2亿元算力券。", ("2亿元", "unknown", "", "成都市发放2亿元算力券")),
        ('成都市每年"算力券"总额提升至1.5亿元。', ("1.5亿元", "year", "", '成都市每年"算力券"总额提升至1.5亿元')),
        ("成都市设立最高3000万元模型券。", ("最高3000万元", "unknown", "", "成都市设立最高3000万元模型券")),
        ("成都市三年累计安排不超过1亿元数据券。", ("不超过1亿元", "total", "", "成都市三年累计安排不超过1亿元数据券")),
        ("成都市每年发放最高3亿元“训力券”。", ("最高3亿元", "year", "", "成都市每年发放最高3亿元“训力券”")),
    ],
)
def test_pool_patterns(text, pool):
    found = one(text)
    assert (term(found.pool), found.rate, found.cap) == (pool, None, None)


@pytest.mark.parametrize(
    "text, rate",
    [
        (
            "成都市算力券给予核定合同额最高40%的补贴。",
            ("最高40%", "", "合同额", "成都市算力券给予核定合同额最高40%的补贴"),
        ),
        (
            "成都市算力券按不超过算力合同费用的25%给予补贴。",
            ("不超过25%", "", "合同费用", "成都市算力券按不超过算力合同费用的25%给予补贴"),
        ),
        ("成都市算力补贴,市级给予最高20%租金补贴。", ("最高20%", "", "租金", "市级给予最高20%租金补贴")),
        (
            "成都市语料券按语料采购合同金额的20%给予补贴。",
            ("20%", "", "合同金额", "成都市语料券按语料采购合同金额的20%给予补贴"),
        ),
        # a range is one rate, as the figure grammar reads it; its upper end is no special rate
        ("成都市算力券,给予合同额30%—50%的补贴。", ("30—50%", "", "合同额", "给予合同额30%—50%的补贴")),
        ("成都市算力券,按合同额的30%至50%给予补贴。", ("30—50%", "", "合同额", "按合同额的30%至50%给予补贴")),
        # the ceiling written after 比例, before the basis: still a ceiling (not an exact 40%)
        (
            "成都市算力券补贴比例不超过合同额的40%。",
            ("不超过40%", "", "合同额", "成都市算力券补贴比例不超过合同额的40%"),
        ),
    ],
)
def test_rate_patterns(text, rate):
    found = one(text)
    assert (term(found.rate), found.pool, found.cap, found.special_rates) == (rate, None, None, ())


@pytest.mark.parametrize(
    "text, cap",
    [
        ("成都市算力券,给予最高300万元补贴。", ("最高300万元", "unknown", "", "给予最高300万元补贴")),
        (
            "成都市算力券,单家企业每年申领不超过600万元。",
            ("不超过600万元", "year", "", "单家企业每年申领不超过600万元"),
        ),
        ("成都市算力券,同一企业每年最高150万元。", ("最高150万元", "year", "", "同一企业每年最高150万元")),
        ("成都市算力补贴,单个项目最高100万元。", ("最高100万元", "project", "", "单个项目最高100万元")),
        ("成都市算力券,每家企业最高50万。", ("最高50万元", "unknown", "", "每家企业最高50万")),
        # the period written after the amount
        ("成都市算力券,单家企业最高100万元/年。", ("最高100万元", "year", "", "单家企业最高100万元/年")),
    ],
)
def test_cap_patterns(text, cap):
    found = one(text)
    assert (term(found.cap), found.pool, found.rate) == (cap, None, None)


def test_a_threshold_of_eligibility_is_no_cap():
    found = one("成都市算力券,对注册资本不低于1000万元的企业给予补贴。")
    assert (found.cap, found.pool) == (None, None)


SPECIAL = (
    "成都市训力券,按不超过服务合同金额的50%给予资助,最高1000万元;使用其他算力设施的企业补贴比例不超过15%;"
    "对初创企业提高资助比例至60%。"
)


def test_special_rates_with_their_conditions():
    found = one(SPECIAL)
    assert term(found.rate) == ("不超过50%", "", "服务合同金额", "按不超过服务合同金额的50%给予资助")
    assert [(t.value, t.applies_to, t.flag, t.carried, t.quote) for t in found.special_rates] == [
        ("不超过15%", "使用其他算力设施的企业", "other", False, "使用其他算力设施的企业补贴比例不超过15%"),
        ("不超过60%", "初创企业", "startup", True, "对初创企业提高资助比例至60%"),
    ]


def test_a_special_rent_rate_keeps_its_condition_across_a_list():
    found = one("成都市算力补贴,市级给予最高20%租金补贴,市区协同给予最多6个月、最高80%的租金补贴。")
    assert term(found.rate) == ("最高20%", "", "租金", "市级给予最高20%租金补贴")
    assert [(t.value, t.applies_to, t.flag, t.basis, t.quote) for t in found.special_rates] == [
        ("最高80%", "市区协同", "joint", "租金", "市区协同给予最多6个月、最高80%的租金补贴")
    ]


@pytest.mark.parametrize(
    "base, value, raised, expected",
    [
        ("不超过50%", "60%", True, ("不超过60%", True)),  # raised from a ceiling: a ceiling
        ("最高40%", "60%", True, ("最高60%", True)),
        ("50%", "60%", True, ("60%", False)),  # from an exact rate: exact
        ("不超过50%", "60%", False, ("60%", False)),  # not raised: as written
        ("不超过50%", "最高70%", True, ("最高70%", False)),  # its own qualifier stands
    ],
)
def test_carried_ceiling(base, value, raised, expected):
    assert carried_ceiling(TermCandidate(base, "q"), value, raised) == expected
    assert carried_ceiling(None, value, raised) == (value, False)


def test_two_types_in_one_paragraph_are_two_programmes():
    found = programmes(
        '武汉市每年"算力券"总额提升至1.5亿元,按不超过算力合同费用的30%给予补贴,单家企业每年最高200万元;'
        "同时发放5000万元语料券,按语料采购合同金额的20%给予补贴,每家企业最高50万元。"
    )
    assert [(p.place, p.type, p.pool.value, p.pool.period, p.rate.value, p.cap.value, p.cap.period) for p in found] == [
        ("武汉", "算力券", "1.5亿元", "year", "不超过30%", "最高200万元", "year"),
        ("武汉", "语料券", "5000万元", "unknown", "20%", "最高50万元", "unknown"),
    ]


def test_a_type_in_the_next_sentence_takes_no_term_of_the_sentence_before():
    found = programmes("深圳市南山区发放5000万元算力券,给予核定合同额最高40%的补贴。深圳市此前已发放5亿元训力券。")
    assert [(p.place, p.type, term(p.pool), term(p.rate)) for p in found] == [
        (
            "南山区",
            "算力券",
            ("5000万元", "unknown", "", "深圳市南山区发放5000万元算力券"),
            ("最高40%", "", "合同额", "给予核定合同额最高40%的补贴"),
        ),
        ("深圳", "训力券", ("5亿元", "unknown", "", "深圳市此前已发放5亿元训力券"), None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "成都市算力券实施细则\n根据《四川省算力发展规划》,发放2亿元算力券。",  # a place in a cited title
        "成都市算力券实施细则\n为贯彻落实四川省有关部署,发放2亿元算力券。",  # a place whose policy is followed
        "成都市算力券实施细则\n参照上海市做法,本市发放2亿元算力券。",  # 本市 is the document's place
    ],
)
def test_a_place_named_in_passing_is_not_the_programme_s(text):
    assert [(p.place, p.pool.value) for p in programmes(text)] == [("成都", "2亿元")]


def test_eligibility_as_written_and_a_heading_is_not_the_citation():
    found = one(
        "(一)训力券。\n深圳市每年发放最高5亿元训力券,对租用智能算力开展大模型训练的企业,按合同金额的50%给予资助。"
    )
    assert (found.place, found.eligibility, found.quote) == (
        "深圳",
        "租用智能算力开展大模型训练的企业",
        "深圳市每年发放最高5亿元训力券",
    )


def test_a_keyword_inside_a_title_names_no_programme():
    assert programmes("成都市印发《成都市算力券实施细则》。") == []


def test_traditional_text_keeps_its_characters_in_quotes_and_values():
    found = one("佛山市設立最高3000萬元「模型券」,按不超過模型調用合同費用的25%給予補貼,同一企業每年最高150萬元。")
    assert (found.place, term(found.pool), term(found.rate), term(found.cap)) == (
        "佛山",
        ("最高3000萬元", "unknown", "", "佛山市設立最高3000萬元「模型券」"),
        ("不超过25%", "", "合同费用", "按不超過模型調用合同費用的25%給予補貼"),
        ("最高150萬元", "year", "", "同一企業每年最高150萬元"),
    )


def test_the_place_is_the_sentence_s_else_the_document_s_and_a_district_names_its_city():
    found = programmes(
        "深圳市南山区关于加快推动人工智能产业发展的若干措施\n\n每年发放1亿元算力券。\n东莞设立最高5000万元算力券。",
        places={"深圳": "深圳", "东莞": "东莞"},
    )
    assert [(p.place, p.place_known, p.parent, p.name) for p in found] == [
        ("南山区", False, "深圳", "南山区算力券"),
        ("东莞", True, "", "东莞算力券"),
    ]


def test_policy_documents_title_period_date_and_issuer():
    text = (
        "成都市经济和信息化局关于印发《成都市算力券实施细则(2025—2027年)》的通知\n\n每年发放2亿元算力券。\n\n"
        "成都市经济和信息化局\n2025年6月18日\n"
    )
    found, policies = extract_programmes(text, published="2025-07-01", places={}, type_keywords=TYPES)
    assert [(p.place, p.title, p.period, p.date, p.date_basis, p.issuer, p.quote) for p in policies] == [
        (
            "成都",
            "成都市算力券实施细则(2025—2027年)",
            "2025—2027",
            "2025-06-18",
            "stated",
            "成都市经济和信息化局",
            "《成都市算力券实施细则(2025—2027年)》",
        )
    ]
    assert (found[0].policy, found[0].date, found[0].date_basis) == (
        "成都市算力券实施细则(2025—2027年)",
        "2025-06-18",
        "stated",
    )


def test_a_title_line_and_an_issuer_above_the_date_line():
    text = "武汉市促进人工智能产业发展的若干政策措施\n\n发放1亿元算力券。\n\n武汉市人民政府办公厅\n2025年3月1日\n"
    _, policies = extract_programmes(text, published=None, places={}, type_keywords=TYPES)
    assert [(p.title, p.date, p.issuer) for p in policies] == [
        ("武汉市促进人工智能产业发展的若干政策措施", "2025-03-01", "武汉市人民政府办公厅")
    ]


def test_without_a_date_line_the_publication_date_stands_and_without_one_nothing():
    assert (one("成都市发放2亿元算力券。").date, one("成都市发放2亿元算力券。").date_basis) == (
        "2025-07-01",
        "published",
    )
    found = programmes("成都市发放2亿元算力券。", published=None)[0]
    assert (found.date, found.date_basis) == (None, "")


def test_place_tables_from_the_gazetteer():
    assert place_table("成都") == {
        "level": "city",
        "province": "四川",
        "traditional": "",
        "pinyin": "Chengdu",
        "english": "Chengdu",
    }
    assert place_table("武汉")["traditional"] == "武漢"
    assert place_table("北京") == {
        "level": "city",
        "province": "北京",
        "traditional": "",
        "pinyin": "Beijing",
        "english": "Beijing",
    }
    assert place_table("四川")["level"] == "province"
    assert place_table("南山区") is None


# ---- --format toml: programmes, policies and the tables of new places


def test_programmes_to_toml_writes_terms_with_their_confirmations():
    from cityai_cli.core.extract.toml_out import programmes_to_toml

    found = one(
        "成都市每年发放最高3亿元训力券,按不超过服务合同金额的50%给予资助,给予最高1000万元资助;"
        "对初创企业提高资助比例至60%;市区协同给予最高80%的租金补贴。"
    )
    assert programmes_to_toml([found], "cd-2025") == (
        "# confirm: programme 成都训力券: type, each term and eligibility against their quotes\n"
        "# confirm: cap period unknown: the text does not say per year, per project or in total\n"
        "# confirm: special rate 不超过60% for 初创企业 keeps the ceiling of the rate 不超过50% it raises\n"
        "# confirm: date is the publication date: the document gives none\n"
        '[[places."成都".programmes]]\n'
        'type = "训力券"\n'
        'name = "成都训力券"\n'
        'date = "2025-07-01"\n'
        'date_basis = "published"\n'
        'pool = { value = "最高3亿元", period = "year", quote = "成都市每年发放最高3亿元训力券" }\n'
        'rate = { value = "不超过50%", basis = "服务合同金额", quote = "按不超过服务合同金额的50%给予资助" }\n'
        'cap = { value = "最高1000万元", period = "unknown", quote = "给予最高1000万元资助" }\n'
        "special_rates = [\n"
        '  { value = "不超过60%", applies_to = "初创企业", flag = "startup", quote = "对初创企业提高资助比例至60%" },\n'
        '  { value = "最高80%", basis = "租金", applies_to = "市区协同", flag = "joint", '
        'quote = "市区协同给予最高80%的租金补贴" },\n'
        "]\n"
        'citations = [{ source = "cd-2025", quote = "成都市每年发放最高3亿元训力券" }]\n'
    )


def test_place_tables_from_the_gazetteer_and_to_fill_in_for_a_district():
    from cityai_cli.core.extract.toml_out import place_tables

    assert place_tables([("成都", ""), ("成都", ""), ("南山区", "深圳")], known={"深圳"}) == (
        "# confirm: place 成都 is new: its table is from the gazetteer\n"
        '[places."成都"]\nlevel = "city"\nprovince = "四川"\npinyin = "Chengdu"\nenglish = "Chengdu"\n\n'
        "# confirm: place 南山区 is in neither the base nor the gazetteer (provinces and prefecture-level\n"
        "# confirm: cities only): fill in its table (level, pinyin, English)\n"
        '[places."南山区"]\n'
        'level = "district"          # district | county | zone\n'
        'province = "广东"\ncity = "深圳"\n'
        'pinyin = ""                 # e.g. Nanshan Qu\n'
        'english = ""                # e.g. Nanshan District\n'
    )
    # the district's city is new too: its table comes first; a county reads as one
    out = place_tables([("双流县", "成都")])
    assert out.index('[places."成都"]') < out.index('[places."双流县"]') and 'level = "county"' in out
    assert place_tables([("深圳", "")], known={"深圳"}) == ""


def test_every_fixture_document_gives_toml_that_validates(cli, tmp_path, monkeypatch):
    """The walk for each fixture policy: sources add, extract --format toml, validate: no hand edit."""
    monkeypatch.chdir(tmp_path)
    for path in sorted(FIXTURES.glob("*.txt")):
        source = path.stem.replace("_", "-")
        added = cli(
            *sources_add(str(path), source, title=path.stem, publisher="测试", published="2025-07-01"),
            "--with",
            "my.toml",
        )
        assert added.code == 0, added.stderr
        out = cli(
            "extract", str(path), "--published", "2025-07-01", "--source", source, "-f", "toml", "--with", "my.toml"
        )
        assert out.code == 0 and "[[places." in out.stdout, out.stderr
        with (tmp_path / "my.toml").open("a", encoding="utf-8") as handle:
            handle.write("\n" + out.stdout)
    checked = cli("validate", "--with", "my.toml")
    assert checked.code == 0, checked.stdout + checked.stderr


def test_a_headline_names_no_programme_and_another_place_s_sentence_is_not_this_programme_s():
    found = programmes(
        "杭州再加码算力补贴 上海聚焦国产算力\n\n杭州今年将发放总额2.5亿元的算力券,单个企业每年不超过500万元。"
        "上海则提出,对使用国产算力的企业给予最高50%的补贴。",
        places={"杭州": "杭州", "上海": "上海"},
    )
    assert [(p.place, p.type, term(p.pool), term(p.cap), p.rate, p.special_rates) for p in found] == [
        (
            "杭州",
            "算力券",
            ("2.5亿元", "unknown", "", "杭州今年将发放总额2.5亿元的算力券"),
            ("不超过500万元", "year", "", "单个企业每年不超过500万元"),
            None,
            (),
        )
    ]


def test_an_unknown_condition_gets_a_flag_to_confirm():
    from cityai_cli.core.extract.toml_out import programme_confirmations

    found = one("成都市算力券按合同额的30%给予补贴;重点行业企业补贴比例不超过40%。")
    assert [(t.value, t.applies_to, t.flag) for t in found.special_rates] == [("不超过40%", "重点行业企业", "special1")]
    assert (
        "special rate 不超过40%: its condition and flag (the key that applies it to a contract)"
        in programme_confirmations(found)
    )


@pytest.mark.bundled
def test_the_notes_show_what_the_benchmark_prints():
    import re
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    shown = re.search(
        r"<!-- programme-quality -->\n```text\n(.*?)\n```",
        (root / "docs" / "notes" / "programmes.md").read_text(encoding="utf-8"),
        re.S,
    )
    printed = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "programme_quality.py")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        cwd=root,
    ).stdout
    assert printed.rstrip("\n") == shown.group(1)


@pytest.mark.parametrize(
    "text",
    [
        "成都发放2亿元算力券,武汉设立最高3000万元模型券。" * 8000,  # many programmes and places
        "成都发放2亿元算力券武汉设立最高3000万元模型券" * 8000,  # no full stop at all
        "《成都市算力券实施细则》" * 8000,  # titles only
        "成都" + "算力券按不超过合同额的30%给予补贴,对企业提高资助比例至40%" * 8000,  # the same terms again and again
    ],
)
def test_long_hostile_documents_are_read_in_linear_time(text):
    """No timing asserted: each took minutes before the lookups were bisections and clauses bounded."""
    found, policies = extract_programmes(text, published="2025", places={}, type_keywords=TYPES)
    assert len(found) <= 2 and len(policies) <= 1
    assert all(len(p.special_rates) <= 8 for p in found)


def test_a_place_compared_with_is_no_subject_and_a_generic_mention_is_no_programme():
    found = programmes(
        "中新网福建新闻\n\n地方政府普遍推出“算力券”“训力券”。\n\n"
        "相比之下,深圳“训力券”的规模比东莞多出一个数量级,每年发放最高5亿元“训力券”。"
        "对租用智能算力的企业,按不超过服务合同金额的50%,给予最高1000万元资助,对初创(chuàng)企业提高资助比例至60%。",
        places={"深圳": "深圳", "东莞": "东莞", "福建": "福建"},
    )
    assert [(p.place, p.type, p.pool.value, p.rate.value, p.cap.value) for p in found] == [
        ("深圳", "训力券", "最高5亿元", "不超过50%", "最高1000万元")
    ]
    assert [(t.value, t.applies_to) for t in found[0].special_rates] == [("不超过60%", "初创企业")]  # no pinyin


def test_a_percentage_that_grants_nothing_is_no_rate():
    found = one("杭州市建立的人工智能芯片流片补贴池,承担了企业首款芯片80%的试错成本。")
    assert (found.type, found.rate, found.special_rates) == ("流片补贴", None, ())


@pytest.mark.bundled
def test_extract_leaves_funds_to_the_facts(cli, tmp_path):
    (tmp_path / "a.txt").write_text(
        "深圳提出设立100亿元人工智能和机器人产业基金。\n\n东莞设立最高5000万元算力券。\n", encoding="utf-8"
    )
    found = json.loads(cli("extract", str(tmp_path / "a.txt"), "--published", "2025-03", "-f", "json").stdout)
    assert [(p["place"], p["type"]) for p in found["programmes"]] == [("东莞", "算力券")]
    assert [(c["place"], c["metric"], c["value"]) for c in found["candidates"]] == [("深圳", "fund_size", "100亿元")]


@pytest.mark.parametrize(
    "text, place",
    [
        ("深圳经济特区人工智能产业促进条例\n\n每年发放1亿元算力券。", "深圳"),
        ("苏州工业园区关于支持人工智能的若干措施\n\n每年发放1亿元算力券。", "苏州"),
        ("成都市双流区若干措施\n\n每年发放1亿元算力券。", "双流区"),
    ],
)
def test_a_zone_after_a_city_is_no_district(text, place):
    assert one(text).place == place
