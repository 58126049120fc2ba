"""core/name_index.py: name resolution: simplified, traditional, pinyin, English, with or without 市,
and failures (unknown, ambiguous, look-alike names)."""

import pytest

from cityai_cli.core.errors import UsageError
from cityai_cli.core.name_index import (
    group_index,
    metric_index,
    metric_keys,
    normalise,
    place_index,
    subsidy_type_index,
)
from conftest import MINI, assert_clean_failure, write_base


@pytest.mark.bundled
@pytest.mark.parametrize(
    "typed, place",
    [
        ("深圳", "深圳"),
        ("深圳市", "深圳"),
        ("shenzhen", "深圳"),
        ("ShenZhen", "深圳"),
        ("Shen Zhen", "深圳"),
        ("SHENZHEN", "深圳"),
        ("廣州", "广州"),
        ("广州市", "广州"),
        ("Guangzhou", "广州"),
        ("東莞", "东莞"),
        ("dongguan", "东莞"),
        ("北京", "北京"),
        ("Beijing", "北京"),
        ("福田区", "福田区"),
        ("福田", "福田区"),
        ("亦庄", "北京经济技术开发区"),
        ("Yizhuang", "北京经济技术开发区"),
        ("安徽省", "安徽"),
        ("长三角", "长三角"),
        ("Yangtze River Delta", "长三角"),
        ("Futian Qu", "福田区"),
        ("futian", "福田区"),
        ("Futian District", "福田区"),
        ("Longgang", "龙岗区"),
        ("龍崗區", "龙岗区"),
        ("Shenzhen Shi", "深圳"),
        ("Shenzhen City", "深圳"),
        ("Anhui Province", "安徽"),
        ("广西壮族自治区", "广西"),
    ],
)
def test_resolves_every_alias_kind(project, typed, place):
    assert place_index(project.base).resolve(typed) == place


@pytest.mark.bundled
def test_unknown_place_suggests_the_closest(project):
    with pytest.raises(UsageError) as error:
        place_index(project.base).resolve("深川")
    # the core states the fact and which listing holds the valid names; the view names the command
    assert error.value.message == "unknown place '深川'"
    assert (error.value.code, error.value.params["listing"]) == ("name.unknown", "places")
    assert error.value.suggestions == ["深圳", "四川"]
    assert str(error.value) == "unknown place '深川' (did you mean: 深圳, 四川?)"


@pytest.mark.bundled
def test_unknown_pinyin_suggests_the_closest(project):
    with pytest.raises(UsageError) as error:
        place_index(project.base).resolve("shenzen")
    assert error.value.suggestions[0] == "深圳"


def test_ambiguous_name_lists_candidates():
    from cityai_cli.core.name_index import Index, inverted

    index = Index(inverted({"台州": ["taizhou"], "泰州": ["taizhou"]}), "place")
    with pytest.raises(UsageError) as error:
        index.resolve("Taizhou")
    assert str(error.value) == "place 'Taizhou' is ambiguous: it names 台州, 泰州; use the Chinese name"


@pytest.mark.bundled
@pytest.mark.parametrize("typed", ["industry_scale", "产业规模", "industry scale", "Industry Scale", "规模"])
def test_metric_by_key_chinese_english_alias(project, typed):
    assert metric_index(project.base).resolve(typed) == "industry_scale"


@pytest.mark.bundled
@pytest.mark.parametrize(
    "typed, kind",
    [
        ("算力券", "算力券"),
        ("compute voucher", "算力券"),
        ("suanliquan", "算力券"),
        ("训力券", "训力券"),
        ("training voucher", "训力券"),
        ("訓力券", "训力券"),
        ("moxingquan", "模型券"),
        ("corpus voucher", "语料券"),
    ],
)
def test_subsidy_types_resolve(project, typed, kind):
    assert subsidy_type_index(project.base).resolve(typed) == kind


def test_normalise_folds_case_width_and_separators():
    assert normalise("Shen-Zhen") == normalise("ｓｈｅｎｚｈｅｎ") == "shenzhen"


# --- the fixture base: names that do not depend on the bundled data -----------------------------


@pytest.mark.parametrize(
    "typed, place",
    [
        ("甲", "甲"),
        ("Alpha", "甲"),
        ("alpha", "甲"),
        ("Jia", "甲"),
        ("JIA", "甲"),
        ("Jia Shi", "甲"),
        ("Alpha City", "甲"),
        ("Beta", "乙"),
        ("Gamma District", "丙"),
        ("Test Region", "测区"),
        ("测区", "测区"),
        ("ceqv", "测区"),
        ("Delta", "丁"),
    ],
)
def test_fixture_places_resolve(mini, typed, place):
    assert place_index(mini.base).resolve(typed) == place


@pytest.mark.parametrize("typed, suggestions", [("甲市", ["甲"]), ("市", [])])
def test_a_stem_keeps_two_characters(mini, typed, suggestions):
    # 甲市 is not stripped to 甲 (nor 市 to nothing): a stem keeps at least two characters.
    with pytest.raises(UsageError) as error:
        place_index(mini.base).resolve(typed)
    assert (error.value.message, error.value.suggestions) == (f"unknown place '{typed}'", suggestions)


@pytest.mark.parametrize(
    "typed, metric",
    [
        ("ai_enterprises", "ai_enterprises"),
        ("人工智能企业数", "ai_enterprises"),
        ("AI enterprises", "ai_enterprises"),
        ("企业数", "ai_enterprises"),
        ("产业规模", "industry_scale"),
        ("Compute Capacity", "compute_capacity"),
    ],
)
def test_fixture_metrics_resolve(mini, typed, metric):
    assert metric_index(mini.base).resolve(typed) == metric


def test_unknown_metric_lists_where_to_look(mini):
    with pytest.raises(UsageError) as error:
        metric_index(mini.base).resolve("产业")
    assert (error.value.message, error.value.suggestions) == ("unknown metric '产业'", ["industry_scale"])
    assert error.value.params["listing"] == "metrics"


@pytest.mark.parametrize(
    "typed, kind",
    [
        ("算力券", "算力券"),
        ("compute voucher", "算力券"),
        ("SuanLiQuan", "算力券"),
        ("model voucher", "模型券"),
        ("yuliaoquan", "语料券"),
        ("fund", "基金"),
        ("jijin", "基金"),
    ],
)
def test_fixture_subsidy_types_resolve(mini, typed, kind):
    assert subsidy_type_index(mini.base).resolve(typed) == kind


def test_unknown_subsidy_type_suggests_the_closest(mini):
    with pytest.raises(UsageError) as error:
        subsidy_type_index(mini.base).resolve("算力卷")
    assert (error.value.message, error.value.suggestions) == ("unknown subsidy type '算力卷'", ["算力券"])
    assert error.value.params["listing"] == "types"


@pytest.mark.parametrize("typed, region", [("测区", "测区"), ("Test Region", "测区"), ("ceqv", "测区")])
def test_regions_resolve_by_name_and_by_the_region_place(mini, typed, region):
    assert group_index(mini.base, "regions", "region").resolve(typed) == region


def test_provinces_resolve_and_suggest(mini):
    index = group_index(mini.base, "province", "province")
    assert index.resolve("测省") == "测省"
    with pytest.raises(UsageError) as error:
        index.resolve("测")
    assert str(error.value) == "unknown province '测' (did you mean: 测省?)"


# --- tone marks, traditional characters, scope labels (issue 20) ------------------------------------


@pytest.mark.parametrize("typed, place", [("Jiā", "甲"), ("JIĀ", "甲"), ("Jiǎ Shì", "甲"), ("Bǐng", "丙")])
def test_pinyin_with_tone_marks_resolves(mini, typed, place):
    assert place_index(mini.base).resolve(typed) == place


def test_tone_marks_fold_only_in_latin_text():
    assert normalise("Guǎngzhōu") == normalise("GUĂNGZHŌU") == "guangzhou"
    assert normalise("深圳") == "深圳" and normalise("Ｇｕǎｎｇ") == "guang"


@pytest.mark.parametrize(
    "typed, metric", [("產業規模", "industry_scale"), ("智慧算力規模", None), ("智能算力規模", "compute_capacity")]
)
def test_traditional_text_resolves_through_simplified(mini, typed, metric):
    # OpenCC converts characters (規 -> 规), not vocabulary: 智慧 stays 智慧, unknown
    index = metric_index(mini.base)
    if metric is None:
        with pytest.raises(UsageError):
            index.resolve(typed)
    else:
        assert index.resolve(typed) == metric


def test_traditional_subsidy_type_resolves(mini):
    assert subsidy_type_index(mini.base).resolve("語料券") == "语料券"


@pytest.mark.parametrize(
    "typed, metric",
    [
        ("人工智能企业", "ai_enterprises"),
        ("AI-related enterprises", "ai_enterprises"),
        ("人工智能相关企业", "ai_enterprises"),
        ("core AI industry", "industry_scale"),
        ("实时可用智能算力", "compute_capacity"),
        ("citywide compute", "compute_capacity"),
    ],
)
def test_metrics_resolve_by_scope_label(mini, typed, metric):
    assert metric_index(mini.base).resolve(typed) == metric


def test_a_metrics_own_name_beats_another_metrics_scope_label():
    from types import SimpleNamespace as NS

    scope = NS(zh="应用登记数", en="app registrations")
    metrics = {
        "apps": NS(zh="应用登记数", en="apps", aliases=(), scopes=(NS(zh="应用登记", en="apps registered"),)),
        "rank": NS(zh="全国排名", en="national rank", aliases=(), scopes=(scope, NS(zh="排名口径", en="ranked"))),
        "other": NS(zh="其他", en="other", aliases=(), scopes=(NS(zh="排名口径", en="ranked too"),)),
    }
    keys = metric_keys(metrics)
    assert keys["应用登记数"] == {"apps"} and keys["排名口径"] == {"other", "rank"}
    index = metric_index(NS(metrics=metrics, metric_keys=lambda: keys))
    assert index.resolve("应用登记数") == "apps"  # the metric's name, not the rank's scope
    assert index.resolve("app registrations") == "rank"  # a label no metric is named by
    with pytest.raises(UsageError) as error:
        index.resolve("排名口径")  # a label of two metrics: ambiguous
    assert error.value.code == "name.ambiguous"
    assert error.value.params["names"] == [("other", "other"), ("rank", "national rank")]


# --- places the gazetteer knows and the base does not --------------------------------------------


@pytest.mark.parametrize("typed", ["Chengdu", "成都", "成都市", "Chéngdū", "chengdu shi"])
def test_a_real_city_without_figures_says_so(mini, typed):
    with pytest.raises(UsageError) as error:
        place_index(mini.base).resolve(typed)
    assert (error.value.code, error.value.params) == (
        "place.no_figures",
        {"text": typed, "places": [("成都", "Chengdu")]},
    )
    assert error.value.suggestions == []
    assert error.value.message == "成都 (Chengdu) has no figures in the knowledge base yet"


def test_a_shared_pinyin_of_two_cities_without_figures_names_both(mini):
    with pytest.raises(UsageError) as error:
        place_index(mini.base).resolve("Taizhou")
    assert error.value.params["places"] == [("台州", "Taizhou"), ("泰州", "Taizhou")]
    assert error.value.message == "台州 (Taizhou), 泰州 (Taizhou) have no figures in the knowledge base yet"


def test_a_name_no_division_has_gets_suggestions(mini):
    # 甲 is no division of China: an unknown name that is nowhere still gets suggestions
    with pytest.raises(UsageError) as error:
        place_index(mini.base).resolve("Alpah")
    assert (error.value.code, error.value.params["suggestions"]) == ("name.unknown", [("甲", "Alpha")])


# --- completion ------------------------------------------------------------------------------------


def test_completion_offers_names_in_the_script_typed(mini):
    from cityai_cli.core.name_index import completions, place_forms

    forms = {name: place_forms(place) for name, place in mini.base.places.items()}
    assert completions(forms, "甲") == ["甲"]
    assert completions(forms, "al") == ["Alpha"]
    assert completions(forms, "J") == ["Jia"]
    assert completions(forms, "Jiā") == ["Jia"]  # tone marks aside
    assert completions(forms, "test r") == ["Test Region"]  # spaces aside
    assert completions(forms, "") == list(mini.base.places)
    assert completions(forms, "x") == []


def test_completion_offers_one_form_per_name_the_canonical_first():
    from cityai_cli.core.name_index import completions

    forms = {"industry_scale": ["产业规模", "industry scale"], "算力券": ["compute voucher", "suanliquan"]}
    assert completions(forms, "indus") == ["industry_scale"]
    assert completions(forms, "comp") == ["compute voucher"]
    assert completions(forms, "suan") == ["suanliquan"]


def test_a_province_without_places_in_the_base_says_so(mini):
    index = group_index(mini.base, "province", "province")
    with pytest.raises(UsageError) as error:
        index.resolve("Henan")
    assert (error.value.code, error.value.params["places"]) == ("place.no_figures", [("河南", "Henan")])


def test_a_gazetteer_form_of_a_place_in_the_base_finds_it():
    # the base knows 吕梁 by its Chinese name only; the gazetteer knows its pinyin Lüliang
    from types import SimpleNamespace as NS

    kb = NS(places={"吕梁": NS(english="", pinyin="")}, place_keys=lambda: {"吕梁": {"吕梁"}})
    assert place_index(kb).resolve("Lüliang") == "吕梁"
    assert place_index(kb).resolve("luliang shi") == "吕梁"


@pytest.mark.parametrize("typed", ["Taizhou", "Tàizhōu", "taizhou shi"])
def test_a_romanisation_the_gazetteer_gives_other_divisions_too_is_ambiguous(tmp_path, typed):
    # The base knows one Taizhou; 泰州 (Jiangsu) and 台州 (Zhejiang) are Taizhou too. Resolving it to
    # the base's place showed one city's figures to a reader who meant another.
    import shutil

    from cityai_cli.core.base.load import load
    from conftest import FIXTURES, MINI

    shutil.copytree(FIXTURES / "seeds", tmp_path / "seeds")
    text = MINI.read_text(encoding="utf-8").replace('pinyin = "Jia"', 'pinyin = "Taizhou"')
    (tmp_path / "t.toml").write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as error:
        place_index(load(tmp_path / "t.toml").base).resolve(typed)
    assert error.value.code == "name.ambiguous"
    assert error.value.params["names"] == [("台州", "Taizhou"), ("泰州", "Taizhou"), ("甲", "Alpha")]
    assert place_index(load(tmp_path / "t.toml").base).resolve("甲") == "甲"
    assert place_index(load(tmp_path / "t.toml").base).resolve("Alpha") == "甲"


def test_a_name_the_gazetteer_knows_as_typed_is_not_read_as_a_stem_of_another(tmp_path):
    # 吉林市 is a city; with only the province 吉林 in the base, stripping 市 answered with the
    # province's figures
    from cityai_cli.core.base.load import load
    from conftest import one_metric_base

    path = one_metric_base(tmp_path, [("吉林", "100家", "2025")])
    path.write_text(
        path.read_text(encoding="utf-8").replace('level = "city"\nprovince = "测省"', 'level = "province"'),
        encoding="utf-8",
    )
    index = place_index(load(path).base)
    assert index.resolve("吉林") == index.resolve("吉林省") == "吉林"
    with pytest.raises(UsageError) as error:
        index.resolve("吉林市")
    assert (error.value.code, error.value.params["places"]) == ("place.no_figures", [("吉林市", "Jilin City")])
    with pytest.raises(UsageError) as error:
        index.resolve("Jilin")
    assert error.value.params["names"] == [("吉林", "Placea"), ("吉林市", "Jilin City")]


def test_the_gazetteer_chinese_forms_are_their_own_keys():
    from cityai_cli.core.extract.gazetteer import forms

    assert [form for form in forms() if max(form) >= "\u0370" and normalise(form) != form] == []


MINI_TEXT = MINI.read_text(encoding="utf-8")


def test_second_place_differing_only_by_a_suffix(cli, here):
    place = '\n[places."{}"]\nlevel = "city"\nprovince = "测省"\n'
    text = MINI_TEXT + place.format("深圳") + place.format("深圳市")
    (here / "s.toml").write_text(text, encoding="utf-8")
    result = cli("list", "--data", "s.toml")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == "Error: s.toml:266: places.深圳市: name or alias '深圳' also names '深圳'\n"


def test_alias_whose_stem_is_another_place(cli, here):
    text = MINI_TEXT.replace('pinyin = "Yi"', 'pinyin = "Yi"\naliases = ["深圳区"]') + (
        '\n[places."深圳"]\nlevel = "city"\nprovince = "测省"\n'
    )
    (here / "s.toml").write_text(text, encoding="utf-8")
    (here / "seeds").mkdir()  # validate checks every stage now: with the seeds present, the name is the only problem
    (here / "seeds" / "mini.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())
    result = cli("validate", "s.toml")
    assert (result.code, result.stdout) == (
        1,
        "s.toml:263: places.深圳: name or alias '深圳' also names '乙'\ns.toml: 1 problem\n",
    )


def test_place_names_differing_by_a_zero_width_character(cli, here):
    text = MINI_TEXT + '\n[places."甲\\u200b"]\nlevel = "city"\nprovince = "测省"\n'
    (here / "z.toml").write_text(text, encoding="utf-8")
    result = cli("list", "--data", "z.toml")
    assert result.stderr.startswith("Error: z.toml:262: places.甲\\u200b: key contains the control or invisible")


@pytest.mark.parametrize("key", ['""', '" "'])
def test_empty_place_name(cli, here, key):
    (here / "e.toml").write_text(MINI_TEXT + f'\n[places.{key}]\nlevel = "city"\nprovince = "测省"\n', encoding="utf-8")
    result = cli("list", "--data", "e.toml")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == f"Error: e.toml:262: places.{key[1:-1]}: a place needs a name (the table key is empty)\n"


@pytest.mark.bundled
def test_unknown_place_suggests_the_closest_in_a_message(cli):
    # The bundled base: 深川 is one character off 深圳 (and 四川).
    assert_clean_failure(
        cli("show", "深川"), 2, "Error: unknown place '深川'; see cityai list --level all (did you mean: 深圳, 四川?)\n"
    )


def test_ambiguous_name(cli, here):
    """Pinyin and English may be shared (台州 and 泰州 are both Taizhou): typing one lists both."""
    text = MINI.read_text(encoding="utf-8").replace('pinyin = "Yi"', 'pinyin = "Jia"')
    write_base(here, "twice.toml", text)
    assert_clean_failure(
        cli("show", "jia", "--data", "twice.toml"),
        2,
        "Error: place 'jia' is ambiguous: it names 乙, 甲; use the Chinese name\n",
    )
    assert cli("show", "甲", "--data", "twice.toml", "-f", "csv").code == 0


@pytest.mark.parametrize("args", [["subsidies", "--city", "jia"], ["targets", "jia"], ["policies", "jia"]])
def test_ambiguous_name_where_a_region_is_also_accepted(cli, here, args):
    """--city and the place arguments also take a region; an ambiguous place stays ambiguous."""
    text = MINI.read_text(encoding="utf-8").replace('pinyin = "Yi"', 'pinyin = "Jia"')
    write_base(here, "twice.toml", text)
    assert_clean_failure(
        cli(*args, "--data", "twice.toml"),
        2,
        "Error: place 'jia' is ambiguous: it names 乙, 甲; use the Chinese name\n",
    )


M = str(MINI)


def test_unknown_metric_points_to_the_listing(cli):
    result = cli("rank", "--by", "xyz", "--data", M)
    assert (result.code, result.stderr) == (2, "Error: unknown metric 'xyz'; see cityai metrics\n")


def test_names_typed_under_an_ascii_locale_resolve(mini):
    # LC_ALL=C PYTHONUTF8=0: 企业数 arrived as nine lone surrogates, and OpenCC raised
    # UnicodeEncodeError on them (a traceback) when the name was not found as typed
    def typed(text):
        return text.encode("utf-8").decode("ascii", "surrogateescape")

    assert place_index(mini.base).resolve(typed("甲")) == "甲"
    assert metric_index(mini.base).resolve(typed("企业数")) == "ai_enterprises"
    with pytest.raises(UsageError) as error:
        place_index(mini.base).resolve(b"\xff\xfe".decode("ascii", "surrogateescape"))
    assert (error.value.code, error.value.params["text"]) == ("name.unknown", "\udcff\udcfe")


@pytest.mark.parametrize(
    "typed, suggestions",
    [
        ("scale", ["industry_scale"]),  # 0.56 alike: kept
        ("capacities", ["compute_capacity"]),
        ("indices", []),  # 0.50 alike to "aienterprises": chance, in Latin letters
        ("nonsense", []),
        ("企业", ["ai_enterprises"]),  # 0.50 alike in Chinese: one character of two
    ],
)
def test_suggestions_need_more_likeness_in_latin_letters_than_in_chinese(mini, typed, suggestions):
    with pytest.raises(UsageError) as error:
        metric_index(mini.base).resolve(typed)
    assert error.value.suggestions == suggestions


def test_keys_drop_every_white_space_character_python_knows():
    from cityai_cli.core.name_index import WHITE_SPACE, normalise

    assert set(WHITE_SPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert normalise("Shen\u3000Zhen\u2029 x'i-a.n·_") == "shenzhenxian"
