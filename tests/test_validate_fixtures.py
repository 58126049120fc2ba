"""Broken knowledge bases (tests/fixtures/broken/): each is mini.toml with exactly one defect.

`cityai validate FILE` must exit 1 and print exactly the expected problem line(s) on stdout,
each naming the file, the line (and the column where TOML gives one) and the field path.
Loading the same file with `--data` must exit 1 with `Error: <problem>` on stderr.
Paths are shown relative to the working directory, so the tests run from tests/fixtures/.
"""
import pytest

from conftest import FIXTURES, MINI

BROKEN = FIXTURES / "broken"
EXPECTED_FIGURE = ("expected [qualifier] number [余|多] unit [以上|左右], e.g. 超2800家, 约2400家, 2600余家, "
                   "突破3000亿元, 1.7万亿元, 最高1000万元, 100EFLOPS, 10000P, 50%, 九成")

# Structural defects: found by every load, so `list --data` refuses the file as well.
STRUCTURAL = {
    "not_toml": ["broken/not_toml.toml:7:13: invalid TOML: Invalid value"],
    "typo_field": [
        "broken/typo_field.toml:55: places.甲.figures[0].quote: required field is missing",
        "broken/typo_field.toml:61: places.甲.figures[0].qoute: unknown field "
        "(a typo? see the README for the fields each table takes)",
    ],
    "bad_level": ["broken/bad_level.toml:135: places.丙.level: Input should be 'city', 'district', 'county', "
                  "'zone', 'province', 'region', 'country' or 'world' (got 'town')"],
    "missing_field": ["broken/missing_field.toml:55: places.甲.figures[0].quote: required field is missing"],
    "bad_value": ["broken/bad_value.toml:73: places.甲.figures[2].value: cannot parse figure '若干亿元': "
                  f"no number found; {EXPECTED_FIGURE}"],
    "unknown_metric": ["broken/unknown_metric.toml:121: places.乙.figures[1].metric: "
                       "unknown metric 'industry_scales' (did you mean 'industry_scale'?)"],
    "unit_mismatch": ["broken/unit_mismatch.toml:73: places.甲.figures[2].value: '3600亿元' is a money figure "
                      "in CNY, but metric 'ai_enterprises' is measured in count (家)"],
    "unknown_source": ["broken/unknown_source.toml:68: places.甲.figures[1].source: "
                       "unknown source 'mini_late' (did you mean 'mini-late', 'mini'?)"],
    "duplicate_alias": ["broken/duplicate_alias.toml:104: places.乙: name or alias '甲' also names '甲'"],
    "duplicate_place": ["broken/duplicate_place.toml:134:12: invalid TOML: Cannot declare ('places', '甲') twice"],
    "rate_not_percentage": ["broken/rate_not_percentage.toml:100: places.甲.subsidies[0].rate.value: "
                            "'不超过50万元' is a money figure in CNY; a rate must be ratio"],
}
# Provenance defects: only `validate` reads the source documents.
PROVENANCE = {
    "quote_not_found": ["broken/quote_not_found.toml:118: places.乙.figures[0].quote: "
                        "quote not found in mini.txt: '乙市人工智能企业约2500家'"],
    "number_not_in_quote": ["broken/number_not_in_quote.toml:118: places.乙.figures[0].quote: number '2500' "
                            "of '约2500家' does not occur in the quote '乙市人工智能企业约2400家'"],
}
ALL = {**STRUCTURAL, **PROVENANCE}


@pytest.fixture(autouse=True)
def _in_fixtures(monkeypatch):
    monkeypatch.chdir(FIXTURES)


def test_every_fixture_is_listed():
    assert sorted(path.stem for path in BROKEN.glob("*.toml")) == sorted(ALL)


def test_each_fixture_differs_from_mini_in_one_place():
    """One defect per file keeps the messages predictable (duplicate_place renames one header;
    missing_field drops one line)."""
    mini = MINI.read_text(encoding="utf-8").splitlines()
    for name in ALL:
        broken = (BROKEN / f"{name}.toml").read_text(encoding="utf-8").splitlines()
        if len(broken) == len(mini):
            changed = [i for i, (a, b) in enumerate(zip(mini, broken)) if a != b]
            assert len(changed) == 1, (name, changed)
        else:
            assert len(mini) - len(broken) == 1, name
            assert any(broken == mini[:i] + mini[i + 1:] for i in range(len(mini))), name


@pytest.mark.parametrize("name", sorted(ALL))
def test_validate_reports_the_defect(cli, name):
    path = f"broken/{name}.toml"
    result = cli("validate", path)
    assert result.code == 1
    assert result.stdout.splitlines() == ALL[name]
    count = len(ALL[name])
    assert result.stderr == f"{path}: {count} problem{'s' if count > 1 else ''}\n"
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("name", sorted(ALL))
def test_validate_csv_has_the_fields_separately(cli, name):
    import csv
    import io
    result = cli("validate", f"broken/{name}.toml", "-f", "csv")
    assert result.code == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["problem"] for row in rows] == ALL[name]
    for row in rows:
        assert row["file"] == f"broken/{name}.toml"
        assert row["problem"].startswith(f"{row['file']}:{row['line']}")
        assert row["problem"].endswith(row["message"])


@pytest.mark.parametrize("name", sorted(STRUCTURAL))
def test_loading_a_structurally_broken_base_fails(cli, name):
    result = cli("list", "--data", f"broken/{name}.toml")
    assert result.code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"Error: {problem}" for problem in STRUCTURAL[name]]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", sorted(STRUCTURAL))
def test_broken_base_in_a_subprocess_has_no_traceback(name):
    from conftest import run_process
    result = run_process("list", "--data", f"broken/{name}.toml", cwd=FIXTURES)
    assert result.returncode == 1
    assert result.stdout == b""
    assert result.stderr.decode("utf-8").splitlines() == [f"Error: {problem}" for problem in STRUCTURAL[name]]


@pytest.mark.parametrize("name", sorted(PROVENANCE))
def test_provenance_is_checked_by_validate_only(cli, name):
    """Quotes are matched against the documents by `validate` (and the data tests), not on every
    load: a base whose quote is wrong still loads, and validate is the gate that catches it."""
    result = cli("list", "--data", f"broken/{name}.toml", "-f", "csv")
    assert result.code == 0
    assert result.stderr == ""
    places = [line.split(",")[0] for line in result.stdout.splitlines()[1:]]
    assert places == ["甲", "乙", "丙"]


def test_mini_is_valid(cli):
    result = cli("validate", str(MINI))
    assert result.code == 0
    assert result.stdout == ""
    assert result.stderr == ("mini.toml: OK — 3 places, 7 figures, 1 policy, 3 subsidy programmes; "
                             "every quote found in its source (2 documents)\n")


def test_validate_via_data_option_and_env(cli):
    expected = STRUCTURAL["unknown_metric"]
    by_option = cli("validate", "--data", "broken/unknown_metric.toml")
    by_env = cli("validate", env={"CITYAI_DATA": "broken/unknown_metric.toml"})
    for result in (by_option, by_env):
        assert result.code == 1
        assert result.stdout.splitlines() == expected
    # An explicit argument wins over the environment.
    assert cli("validate", "mini.toml", env={"CITYAI_DATA": "broken/unknown_metric.toml"}).code == 0
