"""core/base/validate.py. Broken knowledge bases (tests/fixtures/broken/): each is mini.toml with exactly one defect.

`cityai validate FILE` must exit 1 and print exactly the expected problem line(s) on stdout, then
its summary; each problem names the file, the line (and the column where TOML gives one) and the
field path. Loading the same file with `--data` must exit 1 with `Error: <problem>` on stderr.
Paths are shown relative to the working directory, so the tests run from tests/fixtures/.
"""

import csv
import difflib
import io
import json

import pytest

from conftest import FIXTURES, MINI

BROKEN = FIXTURES / "broken"
EXPECTED_FIGURE = (
    "expected [qualifier] number [余|多] unit [以上|左右], e.g. 超2800家, 约2400家, 2600余家, "
    "突破3000亿元, 1.7万亿元, 最高1000万元, 100EFLOPS, 10000P, 50%, 九成"
)

# Structural defects: found by every load, so `list --data` refuses the file as well.
STRUCTURAL = {
    "not_toml": ["broken/not_toml.toml:78:9: invalid TOML: Invalid value"],
    "typo_field": [
        "broken/typo_field.toml:81: places.甲.facts[0].citations[0].quote: required field is missing",
        "broken/typo_field.toml:81: places.甲.facts[0].citations[0].qoute: unknown field "
        "(a typo? see the README for the fields each table takes)",
    ],
    "bad_level": [
        "broken/bad_level.toml:198: places.丙.level: Input should be 'city', 'district', 'county', "
        "'zone', 'province', 'region', 'country' or 'world' (got 'town')"
    ],
    "missing_field": ["broken/missing_field.toml:74: places.甲.facts[0].kind: required field is missing"],
    "bad_value": [
        "broken/bad_value.toml:96: places.甲.facts[2].value: cannot parse figure '若干亿元': "
        f"no number found; {EXPECTED_FIGURE}"
    ],
    "unknown_metric": [
        "broken/unknown_metric.toml:163: places.乙.facts[1].metric: "
        "unknown metric 'industry_scales' (did you mean 'industry_scale'?)"
    ],
    "unit_mismatch": [
        "broken/unit_mismatch.toml:78: places.甲.facts[0].value: '超2800EFLOPS' is a compute figure "
        "in PFLOPS, but metric 'ai_enterprises' is measured in count (家)"
    ],
    "unknown_source": [
        "broken/unknown_source.toml:90: places.甲.facts[1].citations[0].source: "
        "unknown source 'mini_late' (did you mean 'mini-late', 'mini'?)"
    ],
    "duplicate_alias": ["broken/duplicate_alias.toml:141: places.乙: name or alias '甲' also names '甲'"],
    "duplicate_place": ["broken/duplicate_place.toml:219:12: invalid TOML: Cannot declare ('places', '甲') twice"],
    "rate_not_percentage": [
        "broken/rate_not_percentage.toml:136: places.甲.programmes[0].rate.value: "
        "'不超过50元' is a money figure in CNY; a rate must be ratio"
    ],
    # the new rules of schema 2
    "undeclared_scope": [
        "broken/undeclared_scope.toml:229: places.丁.facts[0].scope: scope 'citywide' is not "
        "declared for metric 'industry_scale' (declared: ai_industry, ai_core_industry)"
    ],
    # 乙's fact is left out, not 乙: 丙 (city = 乙) must not be reported as well.
    "bad_kind": [
        "broken/bad_kind.toml:175: places.乙.facts[2].kind: Input should be 'actual', 'target' or "
        "'forecast' (got 'goal')"
    ],
    "unmerged_facts": [
        "broken/unmerged_facts.toml:83: places.甲.facts[1]: the same fact as places.甲.facts[0] "
        "(same place, metric, scope, kind, date and value): merge them into one fact with both citations"
    ],
    "citation_value_disagrees": [
        "broken/citation_value_disagrees.toml:157: places.乙.facts[0].citations[1].value: "
        "'约3000家' disagrees with the fact's value '约2400家': a source that gives another "
        "figure is another fact (a conflict), not a citation of this one"
    ],
    "date_without_basis": [
        "broken/date_without_basis.toml:247: places.丁.facts[2]: date_basis is required with date: "
        '"stated" (the source says it), "published" (the publication date standing for 目前/现) '
        'or "inferred" (say how in note)'
    ],
    "rate_above_100": [
        "broken/rate_above_100.toml:131: places.甲.programmes[0]: special_rates[0] '160%' must be "
        "above 0% and at most 100%"
    ],
    "pool_without_period": [
        'broken/pool_without_period.toml:131: places.甲.programmes[0]: pool.period is "year", '
        '"total" or "unknown" (where the text does not say), not \'\''
    ],
    "city_not_a_place": [
        "broken/city_not_a_place.toml:200: places.丙.city: city '戊' is not a place of the knowledge base"
    ],
}
# Provenance defects: the quotes against the source documents (validate, and every first load).
PROVENANCE = {
    "quote_not_found": [
        "broken/quote_not_found.toml:157: places.乙.facts[0].citations[0].quote: "
        "quote not found in mini.txt: '乙市人工智能企业约2500家'"
    ],
    "number_not_in_quote": [
        "broken/number_not_in_quote.toml:169: places.乙.facts[1].citations[0].quote: "
        "number '4500亿' of '突破4500亿元' does not occur in the quote '产业规模突破4000亿元'"
    ],
}
ALL = {**STRUCTURAL, **PROVENANCE}
# Schema problems stop a plain load before the cross-reference checks; validate goes on.
LOAD_ONLY = {"bad_kind": STRUCTURAL["bad_kind"]}
MINI_OK = (
    "mini.toml: OK — 5 places, 13 facts (14 citations), 1 policy, 4 programmes; "
    "every quote found in its source (2 documents)"
)


@pytest.fixture(autouse=True)
def _in_fixtures(monkeypatch):
    monkeypatch.chdir(FIXTURES)


def summary(name):
    count = len(ALL[name])
    return f"broken/{name}.toml: {count} problem{'s' if count > 1 else ''}"


def test_every_fixture_is_listed():
    assert sorted(path.stem for path in BROKEN.glob("*.toml")) == sorted(ALL)


@pytest.mark.parametrize("name", sorted(ALL))
def test_each_fixture_differs_from_mini_in_one_place(name):
    """One defect per file keeps the messages predictable: one changed line (duplicate_place
    renames one header), one dropped line (missing_field, date_without_basis), or one inserted
    block (unmerged_facts: the fact a curator forgot to merge)."""
    mini = MINI.read_text(encoding="utf-8").splitlines()
    broken = (BROKEN / f"{name}.toml").read_text(encoding="utf-8").splitlines()
    hunks = [op for op in difflib.SequenceMatcher(a=mini, b=broken, autojunk=False).get_opcodes() if op[0] != "equal"]
    assert len(hunks) == 1, (name, hunks)
    tag, i1, i2, j1, j2 = hunks[0]
    if tag in ("replace", "delete"):
        assert i2 - i1 == 1 and j2 - j1 <= 1, (name, hunks)
    else:
        assert name == "unmerged_facts", (name, hunks)


def test_mini_is_valid(cli):
    result = cli("validate", "mini.toml")
    assert (result.code, result.stdout, result.stderr) == (0, MINI_OK + "\n", "")


@pytest.mark.parametrize("name", sorted(ALL))
def test_validate_reports_the_defect(cli, name):
    path = f"broken/{name}.toml"
    result = cli("validate", path)
    assert result.code == 1
    assert result.stdout.splitlines() == ALL[name] + [summary(name)]
    assert result.stderr == ""
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("name", sorted(ALL))
def test_validate_csv_has_the_fields_separately(cli, name):
    result = cli("validate", f"broken/{name}.toml", "-f", "csv")
    assert result.code == 1
    assert result.stderr == summary(name) + "\n"
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["problem"] for row in rows] == ALL[name]
    for row in rows:
        assert row["file"] == f"broken/{name}.toml"
        where = f"{row['file']}:{row['line']}" + (f":{row['column']}" if row["column"] else "")
        assert row["problem"] == f"{where}: " + (f"{row['path']}: " if row["path"] else "") + row["message"]


def test_validate_json_exact(cli):
    result = cli("validate", "broken/unknown_metric.toml", "-f", "json")
    assert result.code == 1
    assert json.loads(result.stdout) == [
        {
            "file": "broken/unknown_metric.toml",
            "line": 163,
            "column": None,
            "path": "places.乙.facts[1].metric",
            "message": "unknown metric 'industry_scales' (did you mean 'industry_scale'?)",
            "problem": STRUCTURAL["unknown_metric"][0],
        }
    ]
    assert result.stderr == "broken/unknown_metric.toml: 1 problem\n"


@pytest.mark.parametrize("name", sorted(STRUCTURAL))
def test_loading_a_structurally_broken_base_fails(cli, name):
    result = cli("list", "--data", f"broken/{name}.toml")
    assert result.code == 1
    assert result.stdout == ""
    expected = LOAD_ONLY.get(name, STRUCTURAL[name])
    assert result.stderr.splitlines() == [f"Error: {problem}" for problem in expected]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", sorted(STRUCTURAL))
def test_broken_base_in_a_subprocess_has_no_traceback(name):
    from conftest import run_process

    result = run_process("list", "--data", f"broken/{name}.toml", cwd=FIXTURES)
    assert result.returncode == 1
    assert result.stdout == b""
    expected = LOAD_ONLY.get(name, STRUCTURAL[name])
    assert result.stderr.decode("utf-8").splitlines() == [f"Error: {problem}" for problem in expected]


@pytest.mark.parametrize("name", sorted(PROVENANCE))
@pytest.mark.parametrize("command", [["list"], ["cite", "乙", "企业数"], ["subsidies", "--spend", "300万"]])
def test_every_command_refuses_a_base_whose_quotes_its_documents_do_not_back(name, command):
    """The quotes are checked when a base is first loaded (then compiled: once per content), as
    validate checks them: a number that its document does not back is never printed."""
    from conftest import run_process

    result = run_process(*command, "--data", f"broken/{name}.toml", "-f", "csv", cwd=FIXTURES)
    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr.decode("utf-8").splitlines() == [f"Error: {problem}" for problem in PROVENANCE[name]]


def test_validate_reports_every_stage_in_one_run(cli, tmp_path):
    """A schema error, a cross-reference error and a provenance error, all three in one report."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "mini.txt").write_bytes((FIXTURES / "seeds" / "mini.txt").read_bytes())
    text = MINI.read_text(encoding="utf-8")
    text = text.replace('level = "district"', 'level = "town"')  # schema (丙)
    text = text.replace(
        'metric = "industry_scale"\nscope = "ai_core_industry"',
        'metric = "industry_scales"\nscope = "ai_core_industry"',
    )  # cross-reference (丁)
    text = text.replace('quote = "乙市人工智能企业约2400家"', 'quote = "乙市人工智能企业约2500家"')  # provenance (乙)
    (tmp_path / "three.toml").write_text(text, encoding="utf-8")
    result = cli("validate", str(tmp_path / "three.toml"), "-f", "csv")
    assert result.code == 1
    assert [(row["line"], row["path"]) for row in csv.DictReader(io.StringIO(result.stdout))] == [
        ("198", "places.丙.level"),
        ("228", "places.丁.facts[0].metric"),
        ("157", "places.乙.facts[0].citations[0].quote"),
    ]
    assert result.stderr.endswith(": 3 problems\n")


def test_validate_a_missing_file(cli):
    result = cli("validate", "broken/nope.toml")
    assert (result.code, result.stdout, result.stderr) == (
        1,
        "broken/nope.toml: no such file\nbroken/nope.toml: 1 problem\n",
        "",
    )


def test_validate_via_data_option_and_env(cli):
    expected = STRUCTURAL["unknown_metric"] + ["broken/unknown_metric.toml: 1 problem"]
    by_option = cli("validate", "--data", "broken/unknown_metric.toml")
    by_global_option = cli("--data", "broken/unknown_metric.toml", "validate")
    by_env = cli("validate", env={"CITYAI_DATA": "broken/unknown_metric.toml"})
    for result in (by_option, by_global_option, by_env):
        assert result.code == 1
        assert result.stdout.splitlines() == expected
    # An explicit argument wins over the option and the environment.
    assert cli("validate", "mini.toml", env={"CITYAI_DATA": "broken/unknown_metric.toml"}).stdout == MINI_OK + "\n"
    assert cli("validate", "mini.toml", "--data", "broken/unknown_metric.toml").code == 0


def test_a_count_in_another_unit_than_the_metric_counts_is_refused(tmp_path, cli):
    # 3倍 (times), 5年 (years) and 2500名 (people) were ranked as enterprises; the English table
    # drops a count's unit, so nothing showed they were not.
    from conftest import one_metric_base

    path = one_metric_base(tmp_path, [("A", "3倍", "2025"), ("B", "2000家", "2025"), ("C", "2500名", "2025")])
    result = cli("validate", str(path))
    assert result.code == 1
    assert [line.split(": ", 1)[1] for line in result.stdout.splitlines()[:2]] == [
        "places.A.facts[0].value: '3倍' counts 倍, but metric 'ai_enterprises' counts 家",
        "places.C.facts[0].value: '2500名' counts 名, but metric 'ai_enterprises' counts 家",
    ]


M = str(MINI)


def test_validate_reports_every_stage_and_its_summary_on_stdout(cli, tmp_path):
    text = MINI.read_text(encoding="utf-8")
    text = text.replace('value = "1200家"', 'value = "x家"').replace(
        'quote = "乙市设立模型券"', 'quote = "乙市没有模型券"'
    )
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "mini.txt").write_text(
        (MINI.parent / "seeds" / "mini.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "b.toml").write_text(text, encoding="utf-8")
    result = cli("validate", str(tmp_path / "b.toml"))
    lines = result.stdout.splitlines()
    assert result.code == 1
    assert any("places.丁.facts[1].value" in line and "cannot parse" in line for line in lines)  # schema stage
    assert any("places.乙.programmes[0].citations[0].quote: quote not found" in line for line in lines)  # provenance
    assert lines[-1].endswith(": 2 problems")
    ok = cli("validate", M)
    assert (ok.code, ok.stdout.splitlines()[-1].split(": ", 1)[1]) == (
        0,
        "OK — 5 places, 13 facts (14 citations), 1 policy, 4 programmes; every quote found in its source (2 documents)",
    )
