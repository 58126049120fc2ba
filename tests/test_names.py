"""Name resolution: simplified, traditional, pinyin, English, with or without 市, and failures."""
import pytest

from cityai_cli.errors import UsageError
from cityai_cli.names import metric_index, normalise, place_index, subsidy_type_index


@pytest.mark.parametrize("typed, place", [
    ("深圳", "深圳"), ("深圳市", "深圳"), ("shenzhen", "深圳"), ("ShenZhen", "深圳"), ("Shen Zhen", "深圳"),
    ("SHENZHEN", "深圳"), ("廣州", "广州"), ("广州市", "广州"), ("Guangzhou", "广州"), ("東莞", "东莞"),
    ("dongguan", "东莞"), ("北京", "北京"), ("Beijing", "北京"), ("福田区", "福田区"), ("福田", "福田区"),
    ("亦庄", "北京经济技术开发区"), ("Yizhuang", "北京经济技术开发区"), ("安徽省", "安徽"), ("长三角", "长三角"),
    ("Yangtze River Delta", "长三角"), ("Futian Qu", "福田区"), ("futian", "福田区"), ("Futian District", "福田区"),
    ("Longgang", "龙岗区"), ("龍崗區", "龙岗区"), ("Suzhou Shi", "苏州"), ("Suzhou City", "苏州"),
    ("Anhui Province", "安徽"), ("广西壮族自治区", "广西"),
])
def test_resolves_every_alias_kind(project, typed, place):
    assert place_index(project.kb).resolve(typed) == place


def test_unknown_place_suggests_the_closest(project):
    with pytest.raises(UsageError) as error:
        place_index(project.kb).resolve("深川")
    assert error.value.message == "unknown place '深川'"
    assert error.value.suggestions[0] == "深圳"


def test_unknown_pinyin_suggests_the_closest(project):
    with pytest.raises(UsageError) as error:
        place_index(project.kb).resolve("shenzen")
    assert error.value.suggestions[0] == "深圳"


def test_ambiguous_name_lists_candidates(mini):
    from cityai_cli.names import Index
    index = Index({"台州": ["taizhou"], "泰州": ["taizhou"]}, "place")
    with pytest.raises(UsageError) as error:
        index.resolve("Taizhou")
    assert str(error.value) == "place 'Taizhou' is ambiguous: it names 台州, 泰州; use the Chinese name"


@pytest.mark.parametrize("typed", ["industry_scale", "产业规模", "industry scale", "Industry Scale", "规模"])
def test_metric_by_key_chinese_english_alias(project, typed):
    assert metric_index(project.kb).resolve(typed) == "industry_scale"


@pytest.mark.parametrize("typed, kind", [
    ("算力券", "算力券"), ("compute voucher", "算力券"), ("suanliquan", "算力券"), ("训力券", "训力券"),
    ("training voucher", "训力券"), ("訓力券", "训力券"), ("moxingquan", "模型券"), ("corpus voucher", "语料券"),
])
def test_subsidy_types_resolve(project, typed, kind):
    assert subsidy_type_index(project.kb).resolve(typed) == kind


def test_normalise_folds_case_width_and_separators():
    assert normalise("Shen-Zhen") == normalise("ｓｈｅｎｚｈｅｎ") == "shenzhen"
