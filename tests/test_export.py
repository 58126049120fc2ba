"""`cityai export --sqlite FILE`: the typed schema (export.py) as a standalone file, queryable with SQL."""

from __future__ import annotations

import csv
import io
import sqlite3
from decimal import Decimal

import pytest

from conftest import MINI, PROJECT_DATA


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CITYAI_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def exported(cli, tmp_path):
    target = tmp_path / "kb.sqlite3"
    result = cli("export", "--sqlite", str(target), "--data", str(PROJECT_DATA))
    assert result.code == 0, result.stderr
    return sqlite3.connect(target)


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.bundled
def test_every_table_is_there(exported):
    tables = {name for (name,) in exported.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {
        "meta",
        "metrics",
        "scopes",
        "subsidy_types",
        "sources",
        "places",
        "facts",
        "citations",
        "policies",
        "programmes",
        "terms",
    } <= tables
    assert exported.execute("PRAGMA foreign_key_check").fetchall() == []
    assert exported.execute("SELECT count(*) FROM places").fetchone()[0] == 34


@pytest.mark.bundled
def test_rank_matches_a_join(cli, exported):
    """The ranked rows of `rank` are the actual facts of the reference scope and year, by value."""
    shown = [
        r
        for r in rows(cli("rank", "--by", "industry_scale", "-f", "csv", "--data", str(PROJECT_DATA)).stdout)
        if r["comparable"] == "true"
    ]
    # One headline per place (rules.headline): the latest date, then the most citations, then curated order.
    found = exported.execute(
        """
        WITH cited AS (
            SELECT f.id, f.place, f.value, f.date, count(c.id) AS n, group_concat(DISTINCT c.source) AS sources
            FROM facts f JOIN places p ON p.name = f.place JOIN citations c ON c.fact = f.id
            WHERE f.metric = 'industry_scale' AND f.kind = 'actual' AND p.level = 'city'
              AND f.scope = ? AND substr(f.date, 1, 4) = ?
            GROUP BY f.id),
        headline AS (
            SELECT *, row_number() OVER (PARTITION BY place
                ORDER BY substr(date || '-12-31', 1, 10) DESC, n DESC, id) AS pick FROM cited)
        SELECT place, value, sources FROM headline WHERE pick = 1
        ORDER BY CAST(value AS REAL) DESC, place""",
        (shown[0]["scope"], shown[0]["date"][:4]),
    ).fetchall()
    assert [(r["place"], Decimal(r["value"])) for r in shown] == [(place, Decimal(value)) for place, value, _ in found]
    assert [set(r["sources"].split(";")) for r in shown] == [set(sources.split(",")) for *_, sources in found]


@pytest.mark.bundled
def test_subsidies_match_a_join(cli, exported):
    shown = rows(cli("subsidies", "-f", "csv", "--data", str(PROJECT_DATA)).stdout)
    found = exported.execute("""
        SELECT g.place, g.name, cap.value_exact, rate.value_exact
        FROM programmes g JOIN subsidy_types t ON t.key = g.type
        LEFT JOIN terms cap ON cap.programme = g.id AND cap.role = 'cap'
        LEFT JOIN terms rate ON rate.programme = g.id AND rate.role = 'rate'
        WHERE t.category != 'fund'""").fetchall()
    as_sql = {(place, name, value and Decimal(value), r and Decimal(r)) for place, name, value, r in found}
    as_cli = {
        (r["place"], r["name"], Decimal(r["cap"]) if r["cap"] else None, Decimal(r["rate"]) if r["rate"] else None)
        for r in shown
    }
    assert as_cli == as_sql and len(shown) == len(found)


def test_refuses_to_overwrite_without_force(cli, tmp_path, mini):
    target = tmp_path / "kb.sqlite3"
    target.write_bytes(b"keep me")
    result = cli("export", "--sqlite", str(target), "--data", str(MINI))
    assert (result.code, result.stderr) == (1, f"Error: {target}: already exists; add --force to overwrite it\n")
    assert target.read_bytes() == b"keep me"
    assert cli("export", "--sqlite", str(target), "--force", "--data", str(MINI)).code == 0
    assert sqlite3.connect(target).execute("SELECT count(*) FROM facts").fetchone()[0] == len(mini.base.facts)


def test_an_unwritable_target_is_a_clean_error(cli, tmp_path):
    result = cli("export", "--sqlite", str(tmp_path / "missing" / "kb.sqlite3"))
    assert result.code == 1 and result.stderr.startswith("Error: ") and "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "symlink", "directory"])
def test_export_never_replaces_what_is_not_a_regular_file(cli, tmp_path, kind):
    import os

    target = tmp_path / "target"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "symlink":
        (tmp_path / "real.sqlite3").write_bytes(b"keep")
        target.symlink_to(tmp_path / "real.sqlite3")
    else:
        target.mkdir()
    result = cli("export", "--sqlite", str(target), "--force", "--data", str(MINI))
    expected = {
        "fifo": "is not a regular file",
        "symlink": "is a symbolic link; give the file it points to",
        "directory": "is a directory",
    }[kind]
    assert (result.code, result.stderr) == (1, f"Error: {target}: {expected}\n")
    assert {"fifo": target.is_fifo, "symlink": target.is_symlink, "directory": target.is_dir}[kind]()
    assert kind != "symlink" or (tmp_path / "real.sqlite3").read_bytes() == b"keep"


@pytest.mark.parametrize("flags", [(), ("--force",)])
def test_export_never_replaces_a_knowledge_base_file_of_the_run(cli, tmp_path, flags):
    # `export --sqlite <the bundled cities.toml> --force` replaced the base with SQLite: every
    # later command failed with "is not UTF-8"
    import shutil

    from conftest import MINI

    shutil.copy(MINI, tmp_path / "base.toml")
    shutil.copytree(MINI.parent / "seeds", tmp_path / "seeds")
    (tmp_path / "layer.toml").write_text("# mine\n", encoding="utf-8")
    before = (tmp_path / "base.toml").read_bytes()
    for target in ("base.toml", "layer.toml"):
        result = cli(
            "export",
            "--sqlite",
            str(tmp_path / target),
            *flags,
            "--data",
            str(tmp_path / "base.toml"),
            "--with",
            str(tmp_path / "layer.toml"),
        )
        assert (result.code, result.stderr) == (
            1,
            f"Error: {tmp_path / target}: is a knowledge-base file of this run; save the export elsewhere\n",
        )
    assert (tmp_path / "base.toml").read_bytes() == before
    assert (tmp_path / "layer.toml").read_text(encoding="utf-8") == "# mine\n"


@pytest.mark.bundled
def test_export_never_writes_into_the_installed_package(cli):
    from cityai_cli.core.base.paths import PACKAGE_DIR

    target = PACKAGE_DIR / "kb.sqlite3"
    result = cli("export", "--sqlite", str(target), "--force", "--data", str(PROJECT_DATA))
    assert (result.code, result.stderr) == (
        1,
        f"Error: {target}: is inside the installed cityai package; save the export elsewhere\n",
    )
    assert not target.exists()


def test_export_names_the_file_without_its_control_characters(cli, tmp_path):
    target = tmp_path / "x\x1b]0;t\x07.db"
    result = cli("export", "--sqlite", str(target), "--data", str(MINI))
    assert result.code == 0 and "\x1b" not in result.stderr
    assert result.stderr.endswith("x\\x1b]0;t\\x07.db\n")


def test_export_to_a_name_at_the_length_limit(cli, tmp_path):
    target = tmp_path / ("k" * 240 + ".db")
    assert cli("export", "--sqlite", str(target), "--data", str(MINI)).code == 0 and target.is_file()


# ---- the typed schema, on the small fixture -------------------------------------------------------


@pytest.fixture
def mini_export(cli, tmp_path):
    target = tmp_path / "mini.sqlite3"
    result = cli("export", "--sqlite", str(target), "--data", str(MINI))
    assert result.code == 0, result.stderr
    connection = sqlite3.connect(target)
    yield connection
    connection.close()


NUMERIC = {
    "facts": ("value", "value_max"),
    "terms": ("value", "value_max"),
    "latest_facts": ("value", "value_max"),
    "programme_terms": ("pool", "rate", "cap"),
}


@pytest.mark.bundled
@pytest.mark.parametrize("table", sorted(NUMERIC))
def test_every_figure_is_a_number(mini_export, exported, table):
    for db in (mini_export, exported):
        for column in NUMERIC[table]:
            types = {t for (t,) in db.execute(f"SELECT DISTINCT typeof({column}) FROM {table}")}
            assert types <= {"real", "integer", "null"}, (table, column, types)
        if table in ("facts", "terms", "latest_facts"):  # a figure always has a value
            assert db.execute(f"SELECT DISTINCT typeof(value) FROM {table}").fetchall() == [("real",)]


def test_max_and_order_are_numeric(mini_export):
    # As text, '50000' (乙, 50EFLOPS) would beat '200000' (丁, 200EFLOPS).
    assert mini_export.execute(
        "SELECT place, max(value), unit FROM facts WHERE metric = 'compute_capacity'"
    ).fetchone() == ("丁", 200000.0, "PFLOPS")
    assert mini_export.execute(
        "SELECT place, value FROM facts WHERE metric = 'compute_capacity' ORDER BY value DESC"
    ).fetchall() == [("丁", 200000.0), ("甲", 100000.0), ("乙", 50000.0), ("甲", 30000.0), ("乙", 20000.0)]


def test_units_are_the_machine_vocabulary(mini_export):
    assert mini_export.execute(
        "SELECT DISTINCT metric, unit, unit_word FROM facts ORDER BY metric, unit_word"
    ).fetchall() == [
        ("ai_enterprises", "count", "家"),
        ("compute_capacity", "PFLOPS", "PFLOPS"),
        ("industry_scale", "CNY", "CNY"),
    ]


def test_dates_carry_precision_and_span(mini_export):
    found = mini_export.execute(
        "SELECT DISTINCT date, date_precision, date_start, date_end FROM facts ORDER BY date"
    ).fetchall()
    assert found == [
        ("2024", "year", "2024-01-01", "2024-12-31"),
        ("2024-12-31", "day", "2024-12-31", "2024-12-31"),
        ("2025", "year", "2025-01-01", "2025-12-31"),
        ("2025-04-01", "day", "2025-04-01", "2025-04-01"),
        ("2026", "year", "2026-01-01", "2026-12-31"),
        ("2027", "year", "2027-01-01", "2027-12-31"),
    ]


def test_foreign_keys_are_declared_and_hold(mini_export):
    declared = {
        (table, target)
        for table in ("facts", "terms", "citations", "programmes")
        for (_, _, target, *_) in mini_export.execute(f"PRAGMA foreign_key_list({table})")
    }
    assert {
        ("facts", "places"),
        ("facts", "metrics"),
        ("terms", "programmes"),
        ("terms", "sources"),
        ("citations", "facts"),
        ("programmes", "subsidy_types"),
    } <= declared
    assert mini_export.execute("PRAGMA foreign_key_check").fetchall() == []


def test_latest_facts_holds_each_headline(mini_export):
    # 甲 states two ai_enterprises figures for the same day: the headline has the most citations.
    assert mini_export.execute(
        "SELECT place, value, date FROM latest_facts WHERE metric = 'ai_enterprises' AND kind = 'actual' "
        "AND scope = 'ai' ORDER BY place"
    ).fetchall() == [("丁", 1200.0, "2025-04-01"), ("乙", 2400.0, "2024-12-31"), ("甲", 2800.0, "2024-12-31")]
    assert mini_export.execute("SELECT count(*) FROM latest_facts").fetchone()[0] == len(
        {row for row in mini_export.execute("SELECT place, metric, kind, scope FROM facts")}
    )


def test_programme_terms_puts_pool_rate_and_cap_side_by_side(mini_export):
    assert mini_export.execute(
        "SELECT place, name, pool, pool_period, rate, cap, cap_period, special_rates FROM programme_terms ORDER BY id"
    ).fetchall() == [
        ("甲", "甲市算力券", 50000000.0, "year", 0.5, 1000000.0, "year", 1),
        ("乙", "乙市模型券", None, None, None, 2000000.0, "year", 0),
        ("丙", "丙市语料券", None, None, None, None, None, 0),
        ("丁", "丁市人工智能产业基金", 10000000000.0, "total", None, None, None, 0),
    ]


def test_datasette_metadata_is_written_beside(mini_export, tmp_path):
    import json

    metadata = json.loads((tmp_path / "mini.metadata.json").read_text(encoding="utf-8"))
    tables = metadata["databases"]["mini"]["tables"]
    assert tables["places"]["label_column"] == "name"
    assert tables["facts"]["columns"]["date_precision"] == "year, month or day"
    assert set(tables) >= {"facts", "latest_facts", "programme_terms"}


def test_pandas_reads_numbers_without_casting(mini_export):
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_sql("SELECT place, value, date_end FROM facts WHERE metric = 'industry_scale'", mini_export)
    assert frame["value"].dtype.kind == "f" and frame["value"].max() == 5e11
    assert pandas.to_datetime(frame["date_end"]).dt.year.tolist() == [2024, 2024, 2024]


def test_every_field_of_a_record_is_exported():
    # The export tables come from facts.py's declarations: a field added there is a column here.
    from cityai_cli.core.cache.export import TABLES
    from cityai_cli.core.records import Programme, Term

    for table, record in (("programmes", Programme), ("terms", Term)):
        columns = {name for name, _ in TABLES[table]}
        stored = [name for name, kind in record._types.items() if "Term" not in kind and "Citation" not in kind]
        assert all(name in columns for name in stored), (table, set(stored) - columns)
    assert ("machine_unit", "TEXT NOT NULL") in TABLES["metrics"]


@pytest.mark.bundled
def test_every_numeric_column_holds_numbers_in_every_row(exported):
    from cityai_cli.core.cache.export import TABLES

    for table, columns in TABLES.items():
        for column, kind in columns:
            if kind.startswith(("INTEGER", "REAL")):
                found = {t for (t,) in exported.execute(f"SELECT DISTINCT typeof({column}) FROM {table}")}
                allowed = {"integer", "real"} | ({"null"} if "NOT NULL" not in kind else set())
                assert found <= allowed, (table, column, found)
