"""Shared fixtures. Tests read the project's own data/ and seeds/, never ../shared."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECT_DATA = ROOT / "data" / "cities.toml"
PROJECT_SEEDS = ROOT / "seeds"
MINI = FIXTURES / "mini.toml"


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cityai-cache")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, _session_cache):
    """No test depends on the developer's environment, nor writes to the user's cache directory
    (subprocesses inherit the variable)."""
    for name in ("CITYAI_DATA", "CITYAI_WITH", "CITYAI_LANG", "NO_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CITYAI_CACHE_DIR", str(_session_cache))


@pytest.fixture
def here(tmp_path, monkeypatch):
    """Work in a temporary directory so that file names in messages are short and exact."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def own(tmp_path, monkeypatch):
    """A user's own base: the mini fixture and its seeds in a temporary directory."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "mini.toml", tmp_path / "my.toml")
    shutil.copytree(FIXTURES / "seeds", tmp_path / "seeds")
    return tmp_path


@pytest.fixture(scope="session")
def project():
    """The bundled knowledge base, loaded: a `Loaded` whose `.base` is the compiled `Base`."""
    from cityai_cli.core.base.load import load

    return load(PROJECT_DATA)


@pytest.fixture(scope="session")
def mini():
    """tests/fixtures/mini.toml, loaded: a `Loaded` whose `.base` is the compiled `Base`."""
    from cityai_cli.core.base.load import load

    return load(MINI)


class Result:
    def __init__(self, code: int, stdout: str, stderr: str):
        self.code, self.stdout, self.stderr = code, stdout, stderr


@pytest.fixture
def cli():
    """Run the Typer app in-process: cli("rank", "--by", "产业规模", "-f", "csv")."""
    from cityai_cli.cli import app

    try:  # click < 8.2 (installed on Python 3.9) mixes stderr into stdout unless told not to
        runner = CliRunner(mix_stderr=False)
    except TypeError:
        runner = CliRunner()

    def run(*args: str, env=None) -> Result:
        result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


def run_process(*args: str, env=None, cwd=None, input=None) -> subprocess.CompletedProcess:
    """Run `python -m cityai_cli` as a user would, in its own process."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("CITYAI_DATA", "NO_COLOR")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "cityai_cli", *args], capture_output=True, env=full_env, cwd=cwd, input=input, timeout=60
    )


@pytest.fixture(scope="session")
def contradicting(tmp_path_factory):
    """mini.toml with 甲's 2600余家 made 2600家, which cannot hold with 超2800家 of the same date:
    a contradiction (mini's own pair are two lower bounds, which agree). The path to the copy."""
    import shutil

    folder = tmp_path_factory.mktemp("contradicting")
    shutil.copytree(FIXTURES / "seeds", folder / "seeds")
    text = MINI.read_text(encoding="utf-8")
    assert 'value = "2600余家"' in text
    (folder / "mini.toml").write_text(text.replace('value = "2600余家"', 'value = "2600家"'), encoding="utf-8")
    return folder / "mini.toml"


def one_metric_base(folder: Path, facts, metric_extra: str = "") -> Path:
    """A one-metric base (ai_enterprises, 家, scopes ai / ai_related) for rule tests: `facts` are
    (place, value, date[, scope[, kind[, basis]]]) tuples, each quoted from one seed line. The path
    to the TOML."""
    (folder / "seeds").mkdir(exist_ok=True)
    lines, parts = (
        [],
        [
            "schema_version = 2\n",
            '[metrics.ai_enterprises]\nzh = "人工智能企业数"\nen = "AI enterprises"\ndimension = "count"\n'
            'unit = "家"\naliases = ["企业数"]\n'
            + metric_extra
            + 'scopes.ai = { zh = "人工智能企业", en = "AI enterprises" }\n'
            'scopes.ai_related = { zh = "人工智能相关企业", en = "AI-related enterprises" }\n',
            '[sources.s]\nfile = "s.txt"\npublisher = "测试"\ntitle = "数据"\npublished = "2027-12-31"\n',
        ],
    )
    places: dict = {}
    for number, row in enumerate(facts):
        place, value, date = row[:3]
        scope, kind, basis = (list(row[3:]) + ["ai", "actual", "stated"][len(row) - 3 :])[:3]
        quote = f"第{number}条:{place}市人工智能企业{value}"
        lines.append(quote)
        places.setdefault(place, []).append(
            f'[[places."{place}".facts]]\nmetric = "ai_enterprises"\nscope = "{scope}"\nkind = "{kind}"\n'
            f'value = "{value}"\n'
            + (f'date = "{date}"\ndate_basis = "{basis}"\n' if date else "")
            + f'citations = [{{ source = "s", quote = "{quote}" }}]\n'
        )
    for index, (place, blocks) in enumerate(places.items()):
        latin = "Place" + "abcdefghijklmnopqrstuvwxyz"[index]
        parts.append(
            f'[places."{place}"]\nlevel = "city"\nprovince = "测省"\npinyin = "{latin}"\n'
            f'english = "{latin}"\n' + "".join(blocks)
        )
    (folder / "seeds" / "s.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = folder / "base.toml"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


# Helpers of the tests that feed cityai hostile or broken input.

# What the injection bases below quote: markup, formulas and HTML, verbatim.
HOSTILE_DOCUMENT = "+回车2800家\n-2\n<img src=x onerror=alert(1)> 2800家\n[bold]q[/bold]\n"


def write_base(here, name: str, text: str) -> None:
    """A base in `here`, with the documents the bases of these tests quote in its seeds/ (every
    command refuses a base whose quotes are not in their documents)."""
    (here / name).write_text(text, encoding="utf-8")
    (here / "seeds").mkdir(exist_ok=True)
    (here / "seeds" / "mini.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())
    (here / "seeds" / "hostile.txt").write_text(HOSTILE_DOCUMENT, encoding="utf-8")


def assert_clean_failure(result, code, stderr):
    assert (result.code, result.stdout, result.stderr) == (code, "", stderr)


HANG_TIMEOUT = 20


def run_cityai(*args, cwd=None, timeout=HANG_TIMEOUT, **kwargs):
    """`python -m cityai_cli ARGS` in its own process; a hang fails the test instead of the suite."""
    env = {k: v for k, v in os.environ.items() if k not in ("CITYAI_DATA", "NO_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "cityai_cli", *args], capture_output=True, env=env, cwd=cwd, timeout=timeout, **kwargs
    )


def assert_clean(result, code):
    assert result.returncode == code, result.stderr
    assert b"Traceback" not in result.stderr


# What no output may carry raw: C0 and C1 controls (but tab and newline), DEL, bidi embeddings and isolates.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# A base whose labels and source fields hold formula prefixes and control characters: what CSV,
# Markdown and the table must defuse (tests/test_csv_format.py, tests/test_render.py).
INJECT = r"""schema_version = 2

[metrics.ai_enterprises]
zh = "人工智能企业数"
en = "AI enterprises"
dimension = "count"
unit = "家"
scopes.ai = { zh = "\t制表", en = "=1+2" }

[sources.s]
file = "hostile.txt"
publisher = "@测试"
title = "=cmd|' /C calc'!A0"
published = "2025"

[places."=HYPERLINK(\"http://e.vil\",\"x\")"]
level = "city"
province = "+测省"
regions = ["-测区"]

[[places."=HYPERLINK(\"http://e.vil\",\"x\")".facts]]
metric = "ai_enterprises"
scope = "ai"
kind = "actual"
value = "2800家"
date = "2024"
date_basis = "stated"
note = "-1+1"
citations = [{ source = "s", quote = "+回车2800家", note = "@note" }]

[[places."=HYPERLINK(\"http://e.vil\",\"x\")".policies]]
title = "=1+1"
citations = [{ source = "s", quote = "-2" }]

[places."乙"]
level = "district"
province = "\t省"
city = "=HYPERLINK(\"http://e.vil\",\"x\")"
regions = ["=1+1", "正常"]
"""


def sources_add(document, source_id, *, title="t", publisher="p", published="2025"):
    """The arguments of `cityai sources add` with the fields a test does not look at filled in."""
    return [
        "sources",
        "add",
        document,
        "--id",
        source_id,
        "--title",
        title,
        "--publisher",
        publisher,
        "--published",
        published,
    ]
