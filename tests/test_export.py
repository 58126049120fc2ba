"""`cityai export --sqlite FILE`: the compiled schema as a standalone file, queryable with SQL."""
from __future__ import annotations

import csv
import io
import sqlite3
from decimal import Decimal

import pytest

from conftest import PROJECT_DATA


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


def test_every_table_is_there(exported):
    tables = {name for (name,) in exported.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"meta", "metrics", "scopes", "subsidy_types", "sources", "places", "facts", "citations", "policies",
            "programmes", "terms"} <= tables
    assert exported.execute("PRAGMA foreign_key_check").fetchall() == []
    assert exported.execute("SELECT count(*) FROM places").fetchone()[0] == 34


def test_rank_matches_a_join(cli, exported):
    """The ranked rows of `rank` are the actual facts of the reference scope and year, by value."""
    shown = [r for r in rows(cli("rank", "--by", "industry_scale", "-f", "csv", "--data", str(PROJECT_DATA)).stdout)
             if r["comparable"] == "true"]
    # One headline per place (rules.headline): the latest date, then the most citations, then curated order.
    found = exported.execute("""
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
        ORDER BY CAST(value AS REAL) DESC, place""", (shown[0]["scope"], shown[0]["date"][:4])).fetchall()
    assert [(r["place"], Decimal(r["value"])) for r in shown] == [(place, Decimal(value)) for place, value, _ in found]
    assert [set(r["sources"].split(";")) for r in shown] == [set(sources.split(",")) for *_, sources in found]


def test_subsidies_match_a_join(cli, exported):
    shown = rows(cli("subsidies", "-f", "csv", "--data", str(PROJECT_DATA)).stdout)
    found = exported.execute("""
        SELECT g.place, g.name, cap.value, rate.value
        FROM programmes g JOIN subsidy_types t ON t.key = g.type
        LEFT JOIN terms cap ON cap.programme = g.id AND cap.role = 'cap'
        LEFT JOIN terms rate ON rate.programme = g.id AND rate.role = 'rate'
        WHERE t.category != 'fund'""").fetchall()
    as_sql = {(place, name, value and Decimal(value), r and Decimal(r)) for place, name, value, r in found}
    as_cli = {(r["place"], r["name"], Decimal(r["cap"]) if r["cap"] else None, Decimal(r["rate"]) if r["rate"] else None)
              for r in shown}
    assert as_cli == as_sql and len(shown) == len(found)


def test_refuses_to_overwrite_without_force(cli, tmp_path, project):
    target = tmp_path / "kb.sqlite3"
    target.write_bytes(b"keep me")
    result = cli("export", "--sqlite", str(target))
    assert (result.code, result.stderr) == (1, f"Error: {target}: already exists; add --force to overwrite it\n")
    assert target.read_bytes() == b"keep me"
    assert cli("export", "--sqlite", str(target), "--force").code == 0
    assert sqlite3.connect(target).execute("SELECT count(*) FROM facts").fetchone()[0] == len(project.base.facts)


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
    result = cli("export", "--sqlite", str(target), "--force", "--data", str(PROJECT_DATA))
    expected = {"fifo": "is not a regular file", "symlink": "is a symbolic link; give the file it points to",
                "directory": "is a directory"}[kind]
    assert (result.code, result.stderr) == (1, f"Error: {target}: {expected}\n")
    assert {"fifo": target.is_fifo, "symlink": target.is_symlink, "directory": target.is_dir}[kind]()
    assert kind != "symlink" or (tmp_path / "real.sqlite3").read_bytes() == b"keep"


def test_export_names_the_file_without_its_control_characters(cli, tmp_path):
    target = tmp_path / "x\x1b]0;t\x07.db"
    result = cli("export", "--sqlite", str(target), "--data", str(PROJECT_DATA))
    assert result.code == 0 and "\x1b" not in result.stderr
    assert result.stderr.endswith("x\\x1b]0;t\\x07.db\n")


def test_export_to_a_name_at_the_length_limit(cli, tmp_path):
    target = tmp_path / ("k" * 240 + ".db")
    assert cli("export", "--sqlite", str(target), "--data", str(PROJECT_DATA)).code == 0 and target.is_file()
