"""Issue 9 on the command line: listings, help, completion, and options that are never dropped."""
import csv
import io
import os
import re
import subprocess
import sys

import pytest

from conftest import MINI

M = str(MINI)
COMMANDS = ["list", "show", "compare", "diff", "rank", "subsidies", "funds", "targets", "conflicts", "cite",
            "policies", "sources", "metrics", "types", "extract", "schema", "validate"]


def rows(result):
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_metrics_list_keys_names_units_and_coverage(cli):
    assert [(r["metric"], r["zh"], r["en"], r["machine_unit"], r["places"]) for r in rows(cli("metrics", "--data", M))] == [
        ("ai_enterprises", "人工智能企业数", "AI enterprises", "count", "4"),
        ("industry_scale", "产业规模", "industry scale", "CNY", "3"),
        ("compute_capacity", "智能算力规模", "compute capacity", "PFLOPS", "3")]


def test_types_list_names_and_categories(cli):
    assert [(r["type"], r["en"], r["pinyin"], r["category"], r["programmes"]) for r in rows(cli("types", "--data", M))] == [
        ("算力券", "compute voucher", "suanliquan", "voucher", "1"), ("模型券", "model voucher", "moxingquan", "voucher", "1"),
        ("语料券", "corpus voucher", "yuliaoquan", "voucher", "1"), ("基金", "fund", "jijin", "fund", "1")]


def test_regions_are_listed(cli):
    assert [r["place"] for r in rows(cli("list", "--level", "region", "--data", M))] == ["测区"]


def test_unknown_metric_points_to_the_listing(cli):
    result = cli("rank", "--by", "xyz", "--data", M)
    assert (result.code, result.stderr) == (2, "Error: unknown metric 'xyz'; see cityai metrics\n")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_has_an_example_and_no_python_types(cli, command):
    out = cli(command, "--help", env={"COLUMNS": "120"}).stdout
    assert f"Example: cityai {command}" in out
    assert not re.search(r"<(list|str|int|path)|\bTEXT\b|\bINTEGER\b|\bPATH\b", out)


def test_repeated_filters_all_apply(cli):
    names = [r["name"] for r in rows(cli("subsidies", "--type", "算力券", "--type", "corpus voucher", "--data", M))]
    assert names == ["甲市算力券", "丙市语料券"]
    assert [r["metric"] for r in rows(cli("compare", "甲", "乙", "--metric", "企业数", "--metric", "compute_capacity", "--data", M))] == [
        "ai_enterprises", "compute_capacity", "compute_capacity"]


def test_a_region_given_to_city_means_its_members(cli):
    assert [r["place"] for r in rows(cli("subsidies", "--city", "测区", "--data", M))] == ["乙", "甲"]
    assert [r["place"] for r in rows(cli("subsidies", "--region", "测区", "--data", M))] == ["乙", "甲"]


def test_unknown_eligible_flag_is_a_usage_error(cli):
    result = cli("subsidies", "--spend", "300万", "--eligible", "foo", "--data", M)
    assert (result.code, result.stderr) == (2, "Error: unknown --eligible flag 'foo'; known flags: startup\n")


@pytest.mark.parametrize("option", ["--type", "--city", "--eligible"])
def test_empty_filter_is_refused(cli, option):
    extra = ["--spend", "300万"] if option == "--eligible" else []
    result = cli("subsidies", option, "", *extra, "--data", M)
    assert (result.code, result.stderr) == (2, f"Error: {option} needs a value, got an empty one\n")


def test_funds_get_no_estimate(cli):
    result = cli("funds", "--spend", "300万", "--data", M)
    assert (result.code, result.stderr) == (
        2, "Error: a fund is an investment vehicle: it has no payout to estimate (--spend, --startup, --eligible)\n")


def test_data_before_or_after_the_command(cli):
    before = cli("--data", M, "rank", "--by", "产业规模", "-f", "csv")
    after = cli("rank", "--by", "产业规模", "--data", M, "-f", "csv")
    assert before.code == after.code == 0 and before.stdout == after.stdout
    assert rows(before)[0]["place"] == "乙"


def test_validate_reports_every_stage_and_its_summary_on_stdout(cli, tmp_path):
    text = MINI.read_text(encoding="utf-8")
    text = text.replace('value = "1200家"', 'value = "x家"').replace('quote = "乙市设立模型券"', 'quote = "乙市没有模型券"')
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "mini.txt").write_text((MINI.parent / "seeds" / "mini.txt").read_text(encoding="utf-8"),
                                                  encoding="utf-8")
    (tmp_path / "b.toml").write_text(text, encoding="utf-8")
    result = cli("validate", str(tmp_path / "b.toml"))
    lines = result.stdout.splitlines()
    assert result.code == 1
    assert any("places.丁.facts[1].value" in line and "cannot parse" in line for line in lines)   # schema stage
    assert any("places.乙.programmes[0].citations[0].quote: quote not found" in line for line in lines)  # provenance
    assert lines[-1].endswith(": 2 problems")
    ok = cli("validate", M)
    assert (ok.code, ok.stdout.splitlines()[-1].split(": ", 1)[1]) == (
        0, "OK — 5 places, 13 facts (14 citations), 1 policy, 4 programmes; every quote found in its source (2 documents)")


def complete(words: str, shell: str = "zsh", data: str = M, cwd=None) -> str:
    env = {**os.environ, "_CITYAI_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": words,
           "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
    env.pop("CITYAI_DATA", None)
    if data:
        env["CITYAI_DATA"] = data
    done = subprocess.run([sys.executable, "-m", "cityai_cli"], capture_output=True, text=True, env=env,
                          timeout=60, cwd=cwd)
    assert (done.returncode, done.stderr) == (0, "")
    return done.stdout


def test_completion_offers_places_metrics_types_and_commands():
    assert complete("cityai compare 甲", "bash").split() == ["甲"]
    assert '"industry_scale"' in complete("cityai rank --by ind")
    assert '"算力券"' in complete("cityai subsidies --type 算")
    assert '"compare"' in complete("cityai com")
    assert complete("cityai compare Al", "bash").split() == ["Alpha"]
    assert complete("cityai subsidies --type comp", "bash").splitlines() == ["compute voucher"]


def test_completion_offers_names_typed_in_lower_case_or_with_tone_marks():
    # Typer kept only items starting with the text typed: `al` and `jiā` offered nothing in the shell
    # although name_index.completions matched them as the resolver does
    assert complete("cityai compare al", "bash").split() == ["Alpha"]
    assert complete("cityai show jiā", "bash").split() == ["Jia"]
    assert complete("cityai subsidies --type COMP", "bash").splitlines() == ["compute voucher"]
    assert complete("cityai compare x", "bash").split() == []


def test_completion_offers_the_names_of_the_base_the_command_line_names(tmp_path):
    # --data after or before the command name, and --with adding a place, as the command would load
    (tmp_path / "my.toml").write_text('[places."甲乙"]\nlevel = "city"\n', encoding="utf-8")
    assert complete(f"cityai compare --data {M} 甲", "bash", data="").split() == ["甲"]
    assert complete(f"cityai --data {M} compare 甲", "bash", data="").split() == ["甲"]
    assert complete(f"cityai --data={M} rank --by ind", "bash", data="").split() == ["industry_scale"]
    assert complete("cityai compare --with my.toml 甲", "bash", cwd=tmp_path).split() == ["甲", "甲乙"]
    assert complete("cityai --with my.toml compare 甲", "bash", cwd=tmp_path).split() == ["甲", "甲乙"]
    # a base that does not load offers nothing, and never a traceback
    assert complete("cityai compare --data /nonexistent 甲", "bash", data="").split() == []
    assert complete("cityai compare --with missing.toml 甲", "bash", cwd=tmp_path).split() == []


@pytest.mark.parametrize(("request_", "why"), [
    ({"COMP_WORDS": "cityai compare 甲", "COMP_CWORD": "two"}, "ValueError: invalid literal for int() with base 10: 'two'"),
    ({"COMP_CWORD": "1"}, "KeyError: 'COMP_WORDS'"),
])
def test_a_malformed_completion_request_is_a_message_not_a_traceback(request_, why):
    # Typer parses these before cityai's code runs; a shell never sends them malformed
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMP_")}
    env.update({"_CITYAI_COMPLETE": "complete_bash", "CITYAI_DATA": M, **request_})
    done = subprocess.run([sys.executable, "-m", "cityai_cli"], capture_output=True, text=True, env=env, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (
        2, "", f"Error: shell completion: malformed request ({why})\n")


def test_help_lists_the_commands_queries_first_then_the_knowledge_base_ones(cli):
    # The order the cli package registers them in (cli/__init__.py): users read --help top down.
    out = cli("--help", env={"COLUMNS": "120"}).stdout
    listed = re.findall(r"^  ([a-z]+) ", out.split("Commands:")[1], flags=re.M)
    assert listed == ["list", "show", "compare", "diff", "rank", "subsidies", "funds", "targets", "conflicts",
                      "policies", "metrics", "types", "cite", "extract", "schema", "validate", "export", "sources"]
