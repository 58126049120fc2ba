"""view/words.py: --lang en is English throughout (issue 20): every command, run on the bundled base, shows no
Chinese character outside the fields that are Chinese in their sources (quotes, the paragraphs
around them, policy titles and programme names) and the names a message tells the user to type."""

import re

import pytest

from conftest import PROJECT_DATA, PROJECT_SEEDS

# Every test here reads the bundled knowledge base or its documents (pytest -m "not bundled" skips them).
pytestmark = pytest.mark.bundled

CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Columns whose text is the source's own words (the machine key of each)
CHINESE_IN_SOURCES = {"quote", "paragraph", "title", "title_source", "name", "programme", "value_as_written"}

COMMANDS = {
    "list": [["list"], ["list", "--level", "all"]],
    "show": [["show", "深圳"], ["show", "东莞"], ["show", "北京经济技术开发区"], ["show", "福田区"]],
    "compare": [["compare", "深圳", "上海", "北京"], ["compare", "杭州", "合肥"]],
    "diff": [["diff", "深圳", "上海"]],
    "rank": [
        ["rank", "--by", "企业数"],
        ["rank", "--by", "产业规模"],
        ["rank", "--by", "算力"],
        ["rank", "--by", "算力", "--level", "zone"],
        ["rank", "--by", "增速", "--level", "all"],
        ["rank", "--by", "企业数", "--chart"],
    ],
    "subsidies": [
        ["subsidies"],
        ["subsidies", "--spend", "3m"],
        ["subsidies", "--type", "算力券"],
        ["subsidies", "--spend", "CNY 30 m", "--startup"],
    ],
    "funds": [["funds"]],
    "targets": [["targets"]],
    "conflicts": [["conflicts"]],
    "policies": [["policies"]],
    "metrics": [["metrics"]],
    "types": [["types"]],
    "cite": [["cite", "深圳", "企业数"], ["cite", "上海", "产业规模"], ["cite", "东莞算力券"]],
    "extract": [["extract", str(PROJECT_SEEDS / "000_7673d027fa37600e.txt")]],
    "sources": [["sources"]],
}
# Commands without --lang, whose messages are English already: checked the same way
WITHOUT_LANG = {"schema": [], "validate": [["validate"]], "export": []}


def test_every_command_is_checked():
    from cityai_cli.cli import app

    names = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert names == set(COMMANDS) | set(WITHOUT_LANG)


@pytest.fixture
def reports(monkeypatch):
    """The reports the commands make, as the view built them (which column each cell is in)."""
    import cityai_cli.view

    made = []
    original = cityai_cli.view.view

    def spy(base, result, lang):
        report = original(base, result, lang)
        made.append(report)
        return report

    monkeypatch.setattr(cityai_cli.view, "view", spy)
    return made


def chinese_in(report):
    """(where, text) of every Chinese text a terminal table of the report shows outside the
    fields that are Chinese in the sources."""
    found, allowed = [], allowed_texts(report)
    for table in report.tables:
        for where, text in (("title", table.title), ("caption", table.caption), ("empty", table.empty)):
            if CJK.search(without(text or "", allowed)):  # a title may name a programme
                found.append((f"{table.name}.{where}", text))
        for column in table.columns:
            if not column.in_table:
                continue
            if CJK.search(column.header):
                found.append((f"{table.name}.{column.key} header", column.header))
            if column.key in CHINESE_IN_SOURCES:
                continue
            found += [
                (f"{table.name}.{column.key}", column.show(row)) for row in table.rows if CJK.search(column.show(row))
            ]
    return found


def allowed_texts(report):
    return [
        column.show(row)
        for table in report.tables
        for column in table.columns
        if column.in_table and column.key in CHINESE_IN_SOURCES
        for row in table.rows
    ]


def without(text, allowed):
    for piece in sorted(allowed, key=len, reverse=True):
        text = text.replace(piece, "")
    return text


@pytest.mark.parametrize("args", [a for runs in COMMANDS.values() for a in runs], ids=" ".join)
def test_english_tables_have_no_chinese_outside_the_sources_words(cli, reports, args):
    # wide, so that no cell is wrapped; extract's table has no --width: the terminal is made wide
    wide = [] if args[0] == "extract" else ["--width", "1000"]
    env = {"COLUMNS": "1000"} if args[0] == "extract" else None
    result = cli(*args, "--data", str(PROJECT_DATA), "--lang", "en", "-f", "table", *wide, env=env)
    assert result.code == 0, result.stderr
    assert reports, "the command made no report"
    assert [found for report in reports for found in chinese_in(report)] == []
    # and nothing outside the report (a legend, a note on stderr) brings Chinese in
    allowed = [text for report in reports for text in allowed_texts(report)]
    assert CJK.findall(without(result.stdout, allowed)) == []
    assert CJK.findall(result.stderr) == []


@pytest.mark.parametrize("args", [a for runs in WITHOUT_LANG.values() for a in runs], ids=" ".join)
def test_commands_without_lang_speak_english(cli, args):
    result = cli(*args, "--data", str(PROJECT_DATA))
    assert result.code == 0 and CJK.findall(result.stdout + result.stderr) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["compare", "深圳"], "Error: compare needs at least two places, e.g. cityai compare Shenzhen Shanghai\n"),
        (
            ["show", "Shenzen"],
            "Error: unknown place 'Shenzen'; see cityai list --level all (did you mean: Shenzhen?)\n",
        ),
        (
            ["funds", "--type", "算力券"],
            'Error: compute voucher: not a fund; see cityai subsidies --type "compute voucher"\n',
        ),
        (["subsidies", "--type", "基金"], "Error: fund: a fund; see cityai funds --type fund\n"),
        (
            ["subsidies", "--spend", "三百万块"],
            "Error: invalid amount '三百万块': expected an amount in yuan such as 3m, 3 million, CNY 1.5 bn or 3,000,000\n",
        ),
    ],
)
def test_english_messages(cli, args, message):
    result = cli(*args, "--data", str(PROJECT_DATA), "--lang", "en")
    assert (result.code, result.stderr) == (2, message)
