"""Every `$ cityai …` example in the README and docs/examples.md is run and its output compared
(sqlite-utils style), and the README's account of the bundled data is counted from the base.

After a data change, regenerate the outputs with:  CITYAI_UPDATE_README=1 pytest tests/test_readme.py
"""

import json
import os
import re
import shlex
from collections import Counter

import pytest

from conftest import PROJECT_DATA, ROOT

# Every test here reads the bundled knowledge base or its documents (pytest -m "not bundled" skips them).
pytestmark = pytest.mark.bundled

README = ROOT / "README.md"
PAGES = [README, ROOT / "docs" / "examples.md"]
BLOCK = re.compile(r"```console\n\$ (cityai [^\n]*)\n(.*?)```", re.S)
COVERAGE = re.compile(r"(<!-- coverage:[^\n]*-->\n)(.*?)(<!-- /coverage -->)", re.S)
ENV = {"COLUMNS": "100"}
NO_FORMAT_OPTION = {"export", "schema"}


def examples():
    return [
        (page, command, expected)
        for page in PAGES
        for command, expected in BLOCK.findall(page.read_text(encoding="utf-8"))
    ]


def as_on_a_terminal(command: str) -> list:
    """The examples show what a terminal 100 columns wide shows: without --format, a table. (The
    test runner's stdout is not a terminal, where CSV would be the default.)"""
    args = shlex.split(command)[1:]
    given = any(arg in ("-f", "--format") or arg.startswith("--format=") for arg in args)
    return args if given or args[0] in NO_FORMAT_OPTION else [*args, "--format", "table"]


def output_of(cli, command: str) -> str:
    result = cli(*as_on_a_terminal(command), env=ENV)
    return tidy(result.stdout + result.stderr)


def tidy(text: str) -> str:
    """Tables pad lines with spaces; Markdown editors strip them. Compare without."""
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines())


def test_examples_show_every_command():
    commands = {shlex.split(command)[1] for _, command, _ in examples()}
    assert commands >= {
        "list",
        "show",
        "compare",
        "rank",
        "subsidies",
        "funds",
        "targets",
        "conflicts",
        "cite",
        "policies",
        "metrics",
        "types",
        "sources",
        "validate",
    }


@pytest.mark.parametrize(
    "page, command, expected", examples(), ids=[f"{page.name}: {command}" for page, command, _ in examples()]
)
def test_example(cli, page, command, expected):
    if os.environ.get("CITYAI_UPDATE_README"):
        pytest.skip("regenerating")
    assert output_of(cli, command) == tidy(expected)


def test_the_readme_states_what_the_bundled_data_covers(cli):
    if os.environ.get("CITYAI_UPDATE_README"):
        pytest.skip("regenerating")
    shown = COVERAGE.search(README.read_text(encoding="utf-8"))
    assert shown, "the README has no <!-- coverage: … --> block"
    assert shown.group(2) == coverage(cli) + "\n"


def test_regenerate_readme(cli):
    if not os.environ.get("CITYAI_UPDATE_README"):
        pytest.skip("set CITYAI_UPDATE_README=1 to rewrite the README's example outputs")
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        text = BLOCK.sub(lambda m: f"```console\n$ {m.group(1)}\n{output_of(cli, m.group(1))}\n```", text)
        text = COVERAGE.sub(lambda m: m.group(1) + coverage(cli) + "\n" + m.group(3), text)
        page.write_text(text, encoding="utf-8")


LEVELS = {
    "country": ("country", "countries"),
    "region": ("region", "regions"),
    "province": ("province", "provinces"),
    "city": ("city", "cities"),
    "district": ("district", "districts"),
    "county": ("county", "counties"),
    "zone": ("zone", "zones"),
}
CATEGORIES = {
    "voucher": ("voucher", "vouchers"),
    "subsidy": ("subsidy", "subsidies"),
    "prize": ("prize", "prizes"),
    "fund": ("fund", "funds"),
}
KINDS = {
    "actual": ("actual figure", "actual figures"),
    "target": ("target", "targets"),
    "forecast": ("forecast", "forecasts"),
}


def coverage(cli) -> str:
    """What the bundled base holds, counted with the commands a user would run (their JSON keys
    are stable, so this does not depend on how the base is stored)."""

    def rows(*args):
        result = cli(*args, "--format", "json")
        assert result.code == 0, result.stderr
        return json.loads(result.stdout)

    summary = cli("validate", str(PROJECT_DATA)).stdout.splitlines()[-1]
    counts = dict((name, int(n)) for n, name in re.findall(r"(\d+) (facts|citations|policies|programmes)", summary))
    places = rows("list")
    with_figures = [p for p in places if p["facts"]]
    kinds = Counter(f["kind"] for p in with_figures for f in rows("show", p["place"])["facts"])
    assert sum(kinds.values()) == counts["facts"]
    metrics = rows("metrics")
    categories: Counter = Counter()
    for row in rows("types"):
        categories[row["category"]] += row["programmes"]
    sources = sorted(rows("sources"), key=lambda s: (s["published"], s["source"]))
    cities = sorted((p for p in with_figures if p["level"] == "city"), key=lambda p: (-p["facts"], p["place"]))
    named = ", ".join(f"{p['place']} ({p['facts']})" for p in cities)
    return "\n".join(
        [
            f"- **{len(places)} places**: {tally(Counter(p['level'] for p in places), LEVELS)}; "
            f"{len(with_figures)} of them have figures, among them the cities "
            f"{named} (figures each).",
            f"- **{counts['facts']} facts** with {counts['citations']} citations: {tally(kinds, KINDS)}, over "
            f"{metrics_covered(metrics)}.",
            f"- **{counts['policies']} policy documents** and **{counts['programmes']} programmes**: "
            f"{tally(categories, CATEGORIES)}.",
            f"- **{len(sources)} source documents**, published {sources[0]['published']} to {sources[-1]['published']}: "
            + "; ".join(f"`{s['source']}`, {s['publisher']}, {s['published']}" for s in sources)
            + ".",
        ]
    )


def metrics_covered(metrics: list) -> str:
    covered = sum(1 for m in metrics if m["places"])
    return f"all {covered} metrics" if covered == len(metrics) else f"{covered} of the {len(metrics)} metrics"


def tally(counts: Counter, words: dict) -> str:
    """'1 country, 2 regions': in the order of `words` (key: singular, plural), then any key it
    does not know, as the key itself."""
    order = [key for key in words if counts[key]] + sorted(set(counts) - set(words))
    return ", ".join(f"{counts[key]} {words.get(key, (key, key))[counts[key] != 1]}" for key in order)


def test_readme_extraction_table_is_what_the_benchmark_prints():
    import subprocess
    import sys

    text = README.read_text(encoding="utf-8")
    shown = re.search(r"<!-- extract-quality[^\n]*\n```text\n(.*?)\n```", text, re.S)
    assert shown, "the README has no extraction-quality table"
    printed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "extract_quality.py")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout
    assert tidy(printed) == tidy(shown.group(1))
