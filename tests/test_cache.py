"""The compiled cache (store.py): rebuilt on any change, never trusted when damaged, never an error."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest

from cityai_cli.core.cache import store
from conftest import MINI, PROJECT_DATA, run_process

COMMANDS = [
    ("rank", "--by", "industry_scale"),
    ("rank", "--by", "ai_enterprises", "--targets"),
    ("compare", "深圳", "上海"),
    ("subsidies", "--spend", "300万"),
    ("subsidies", "--spend", "300万", "--top", "2"),
    ("funds",),
    ("funds", "--top", "1"),
    ("list",),
    ("show", "深圳"),
    ("targets",),
    ("conflicts",),
    ("policies",),
    ("sources",),
    ("metrics",),
    ("types",),
]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(store.CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def base(tmp_path):
    """A private copy of the mini base (its seeds beside it), safe to edit."""
    shutil.copytree(MINI.parent / "seeds", tmp_path / "seeds")
    target = tmp_path / "kb.toml"
    shutil.copyfile(MINI, target)
    return target


def files(folder):
    return sorted(p.name for p in folder.glob("*.sqlite3")) if folder.exists() else []


def opened(path):
    return store.open_base(path).base


def test_first_run_writes_and_second_reads_the_cache(cache, base):
    first = opened(base)
    assert not isinstance(first, store.CachedBase) and len(files(cache)) == 1
    second = opened(base)
    assert isinstance(second, store.CachedBase)
    assert list(second.places) == list(first.places) and second.facts == first.facts
    assert second.policies == first.policies and second.programmes == first.programmes
    assert second.metrics == first.metrics and second.sources == first.sources


def test_facts_of_returns_the_same_objects(cache, base):
    opened(base)
    cached = opened(base)
    one = cached.facts_of("甲", "ai_enterprises")
    assert all(a is b for a, b in zip(one, cached.facts_of("甲", "ai_enterprises")))
    everything = cached.facts
    assert any(f is one[0] for f in everything)


def test_a_changed_source_file_rebuilds(cache, base):
    opened(base)
    before = files(cache)
    base.write_text(base.read_text(encoding="utf-8").replace("人工智能企业数", "人工智能企业数量", 1), encoding="utf-8")
    assert not isinstance(opened(base), store.CachedBase)
    after = files(cache)
    assert len(after) == 1 and after != before  # the stale file was replaced, not kept
    assert opened(base).metrics["ai_enterprises"].zh == "人工智能企业数量"


def test_an_edited_or_removed_source_document_is_checked_again(cache, base):
    """The quotes are checked against the documents before a base is compiled; a document edited
    after that must not leave a cache vouching for quotes it no longer holds."""
    from cityai_cli.core.errors import DataError

    document = base.parent / "seeds" / "mini.txt"
    text = document.read_text(encoding="utf-8")
    opened(base)
    assert isinstance(opened(base), store.CachedBase)
    document.write_text(text.replace("2600余家", "若干家"), encoding="utf-8")
    with pytest.raises(DataError) as refused:
        opened(base)
    assert "quote not found in mini.txt" in str(refused.value)
    document.unlink()
    with pytest.raises(DataError) as missing:
        opened(base)
    assert "source document 'mini.txt' not found in seeds/" in str(missing.value)
    document.write_text(text, encoding="utf-8")  # as it was: checked again, and served
    assert not isinstance(opened(base), store.CachedBase)  # changed within the timestamp tick: not cached yet
    os.utime(document, ns=(10**18, 10**18))  # older than the tick now (2001)
    assert not isinstance(opened(base), store.CachedBase) and isinstance(opened(base), store.CachedBase)


def _aged(path) -> None:
    os.utime(path, ns=(10**18, 10**18), follow_symlinks=False)


@pytest.mark.parametrize("change", ["repointed link", "shadowed", "in a subfolder"])
def test_a_document_read_from_elsewhere_is_checked_again(cache, base, change):
    """What a warm run compares is the document each source reads: where it is found and that
    file's status (paths.seed_signatures), whatever the file is."""
    from cityai_cli.core.errors import DataError

    seeds = base.parent / "seeds"
    text = (seeds / "mini.txt").read_text(encoding="utf-8")
    bad = text.replace("2600余家", "若干家")
    if change == "repointed link":
        (seeds / "good.txt").write_text(text, encoding="utf-8")
        (seeds / "bad.txt").write_text(bad, encoding="utf-8")
        (seeds / "mini.txt").unlink()
        os.symlink("good.txt", seeds / "mini.txt")
    elif change == "shadowed":  # a directory base, kb/, whose document is in seeds/ beside it
        (base.parent / "kb").mkdir()
        base = base.rename(base.parent / "kb" / "kb.toml").parent
    elif change == "in a subfolder":
        (seeds / "sub").mkdir()
        (seeds / "mini.txt").rename(seeds / "sub" / "mini.txt")
        base.write_text(
            base.read_text(encoding="utf-8").replace('file = "mini.txt"', 'file = "sub/mini.txt"'), encoding="utf-8"
        )
    for path in seeds.rglob("*"):
        _aged(path)
    opened(base)
    assert isinstance(opened(base), store.CachedBase)
    if change == "repointed link":
        (seeds / "mini.txt").unlink()
        os.symlink("bad.txt", seeds / "mini.txt")
    elif change == "shadowed":  # a document put where it is looked for first: the directory base's own seeds/
        (base.parent / "kb" / "seeds").mkdir()
        (base.parent / "kb" / "seeds" / "mini.txt").write_text(bad, encoding="utf-8")
    else:
        (seeds / "sub" / "mini.txt").write_text(bad, encoding="utf-8")
    with pytest.raises(DataError) as refused:
        opened(base)
    assert "quote not found in" in str(refused.value)


@pytest.mark.parametrize("what", ["schema", "version"])
def test_schema_or_cityai_version_rebuilds(cache, base, monkeypatch, what):
    opened(base)
    assert isinstance(opened(base), store.CachedBase)
    if what == "schema":
        monkeypatch.setattr("cityai_cli.core.records.SCHEMA_VERSION", 99)
    else:
        monkeypatch.setattr("cityai_cli.__version__", "99.0")
    assert not isinstance(opened(base), store.CachedBase)
    assert isinstance(opened(base), store.CachedBase)


def damage(folder, how):
    (path,) = folder.glob("*.sqlite3")
    data = path.read_bytes()
    if how == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "foreign":
        import sqlite3

        with sqlite3.connect(path) as db:
            db.execute("UPDATE meta SET value = 'another' WHERE key = 'key'")
    elif how == "pages":  # a valid header, garbage where the facts are
        path.write_bytes(data[:4096] + os.urandom(len(data) - 4096))


@pytest.mark.parametrize("how", ["garbage", "truncated", "empty", "foreign", "pages"])
def test_a_damaged_cache_is_rebuilt_not_trusted(cache, base, how):
    expected = opened(base)
    damage(cache, how)
    again = opened(base)
    assert again.facts == expected.facts and again.programmes == expected.programmes
    assert again.facts_of("甲", "ai_enterprises") == expected.facts_of("甲", "ai_enterprises")
    assert isinstance(opened(base), store.CachedBase)  # and it was rewritten


@pytest.mark.parametrize("table", ["places", "programmes", "policies", "facts", "place_keys", "metrics", "metric_keys"])
def test_a_part_read_after_opening_falls_back_when_damaged(cache, base, table):
    # places, facts, policies and programmes are read on first use, after the cache was opened
    expected = opened(base)
    (path,) = cache.glob("*.sqlite3")
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute(f"DROP TABLE {table}")
    again = opened(base)
    assert isinstance(again, store.CachedBase)
    assert again.places == expected.places and again.facts == expected.facts
    assert again.programmes == expected.programmes and again.policies == expected.policies


# Values that do not decode (the read fails, the base falls back to the full load) …
UNDECODABLE = [
    ("UPDATE places SET regions = '[oops' WHERE name = '甲'", ("list", "--lang", "en")),
    ("UPDATE places SET aliases = 'x'", ("compare", "甲", "乙")),
    ("UPDATE policies SET date = 'bad'", ("policies", "甲")),
    ("UPDATE facts SET value = 'x'", ("show", "甲")),
    ("UPDATE terms SET value = '1e'", ("subsidies", "--spend", "300万")),
    # --top: outlines read first (a term's value), then the rows printed in full (a programme's date)
    ("UPDATE terms SET value = '1e'", ("subsidies", "--spend", "300万", "--top", "2")),
    ("UPDATE programmes SET date = 'bad'", ("subsidies", "--spend", "300万", "--top", "2")),
    ("DELETE FROM places WHERE name = '甲'", ("show", "甲")),
    ("UPDATE place_keys SET place = 'nowhere' WHERE key = '乙'", ("compare", "甲", "乙")),
    ("DELETE FROM place_keys", ("targets", "甲")),
    ("UPDATE metric_keys SET metric = 'nowhere' WHERE key = '产业规模'", ("rank", "--by", "产业规模")),
    ("DELETE FROM metric_keys WHERE metric = 'compute_capacity'", ("rank", "--by", "企业数")),
    ("DROP TABLE metric_keys", ("compare", "甲", "乙", "--metric", "产业规模")),
    ("UPDATE metrics SET aliases = 'x' WHERE key = 'industry_scale'", ("rank", "--by", "产业规模")),
    ("UPDATE metrics SET higher_is_better = 'x' WHERE key = 'industry_scale'", ("rank", "--by", "产业规模")),
    ("UPDATE metrics SET higher_is_better = 2", ("metrics",)),
    ("DROP TABLE places", ("rank", "--by", "ai_enterprises")),
    # subsidy types and sources, read on first use (reader.CachedBase.__getattr__)
    ("DROP TABLE subsidy_types", ("subsidies", "--spend", "300万")),
    ("DROP TABLE sources", ("sources",)),
    ("UPDATE meta SET value = '5' WHERE key = 'documents'", ("list",)),
    ("UPDATE meta SET value = replace(hex(zeroblob(50000)), '00', '[') WHERE key = 'documents'", ("list",)),
    ("DELETE FROM meta WHERE key = 'documents'", ("list",)),
]
# … and values that decode but no validated base holds: the command fails on them (KeyError,
# InvalidOperation …) and is run once more from the knowledge-base files (cli.shell.handle_errors).
IMPOSSIBLE = [
    ("UPDATE places SET level = 'bogus'", ("list",)),
    ("UPDATE facts SET value = 'NaN'", ("rank", "--by", "产业规模")),
    ("UPDATE facts SET value = 'sNaN'", ("show", "甲")),
    ("UPDATE facts SET value_dimension = 'bogus'", ("compare", "甲", "乙")),
    ("UPDATE facts SET kind = 'bogus'", ("show", "甲")),
    ("UPDATE metrics SET dimension = 'bogus'", ("metrics",)),
    ("DELETE FROM metrics", ("targets",)),
    # a fact's citations, decoded when first used (records.cite_later), so after the read
    ("UPDATE facts SET citations_text = '[['", ("rank", "--by", "产业规模")),
    ("UPDATE facts SET citations_text = char(30) || 'mini'", ("show", "甲")),
    ("UPDATE facts SET citations_text = char(30, 31) || 'mini' || char(31) || 'quote'", ("list",)),
]


@pytest.mark.parametrize("edit, command", UNDECODABLE + IMPOSSIBLE)
def test_a_damaged_value_gives_the_fresh_output_and_the_file_is_compiled_afresh(cache, base, edit, command):
    import sqlite3

    env = {store.CACHE_ENV: str(cache)}
    good = run_process("--data", str(base), *command, "-f", "csv", env=env)
    (path,) = cache.glob("*.sqlite3")
    with sqlite3.connect(path) as db:
        fresh = list(db.iterdump())
        db.execute(edit)
    for _ in range(2):  # the damaged file is discarded, and the next run caches afresh
        bad = run_process("--data", str(base), *command, "-f", "csv", env=env)
        # stderr as the fresh run's: no message, but show's line naming the tables CSV left out
        assert (bad.returncode, bad.stdout, bad.stderr) == (0, good.stdout, good.stderr)
    with sqlite3.connect(path) as db:
        assert list(db.iterdump()) == fresh
    assert good.returncode == 0 and b"Error" not in good.stderr
    assert good.stdout.count(b"\r\n") > 1


@pytest.mark.parametrize("cached, runs", [(False, 1), (True, 2)])
def test_a_failing_command_runs_again_only_once_and_only_after_reading_a_cache(
    cli, base, monkeypatch, tmp_path, cached, runs
):
    # A bug is still a bug: the second run is only for a base read from the cache, and it is the last.
    from cityai_cli.core.query import listings as places

    folder = tmp_path / "cache"
    monkeypatch.setenv(store.CACHE_ENV, str(folder) if cached else "/dev/null/nowhere")
    assert cli("metrics", "--data", str(base), "-f", "csv").code == 0  # compiles the cache, if it can
    assert bool(list(folder.glob("*.sqlite3"))) is cached
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise KeyError("a bug")

    monkeypatch.setattr(places, "list_metrics", broken)
    with pytest.raises(KeyError):
        cli("metrics", "--data", str(base), "-f", "csv")
    assert len(calls) == runs


def test_a_failure_after_part_of_the_output_is_written_is_not_run_again(cli, base, monkeypatch, tmp_path):
    # Output is written as it is rendered: a second run would write its first part again.
    from cityai_cli.render import CHUNK_CHARACTERS, csv_format

    monkeypatch.setenv(store.CACHE_ENV, str(tmp_path / "cache"))
    assert cli("metrics", "--data", str(base), "-f", "csv").code == 0  # compiles the cache
    assert len(list((tmp_path / "cache").glob("*.sqlite3"))) == 1
    calls = []

    def failing(report, options):
        calls.append(1)
        yield "x" * CHUNK_CHARACTERS
        raise KeyError("a damaged value, read while rendering")

    monkeypatch.setattr(csv_format, "chunks", failing)
    result = cli("metrics", "--data", str(base), "-f", "csv")
    assert (result.code, result.stdout, len(calls)) == (1, "x" * CHUNK_CHARACTERS, 1)
    assert result.stderr == (
        "Error: output: stopped part-way: the compiled cache could not be read and has been "
        "discarded; run the command again\n"
    )
    assert list((tmp_path / "cache").glob("*.sqlite3")) == []


def test_what_the_cache_selects_and_counts_is_what_the_full_base_gives(cache, base):
    # One fact cites its source twice: it still counts once for that source.
    text = base.read_text(encoding="utf-8")
    once = '[{ source = "mini", quote = "产业规模3600亿元" }]'
    text = text.replace('value = "2600余家"', 'value = "2600家"')  # a contradiction: 超2800家 is the same date
    base.write_text(
        text.replace(once, once[:-1] + ', { source = "mini", quote = "产业规模3600亿元" }]'), encoding="utf-8"
    )
    full = opened(base)
    cached = opened(base)
    assert isinstance(cached, store.CachedBase) and not isinstance(full, store.CachedBase)
    from cityai_cli.core.figures.rules import conflicts

    paired = [f for f in full.facts if any(f in pair for pair in conflicts(full.facts))]
    assert cached.conflicting_facts() == full.conflicting_facts() == paired != []
    assert conflicts(cached.conflicting_facts()) == conflicts(full.facts)
    for kind in ("actual", "target"):
        assert cached.facts_of_kind(kind) == full.facts_of_kind(kind) == [f for f in full.facts if f.kind == kind]
    assert (
        cached.places_by_metric()
        == full.places_by_metric()
        == {m: len({f.place for f in full.facts if f.metric == m}) for m in {f.metric for f in full.facts}}
    )
    for place in full.places:
        for kind, of_place in (
            ("facts", "facts_of_place"),
            ("policies", "policies_of_place"),
            ("programmes", "programmes_of_place"),
        ):
            expected = [item for item in getattr(full, kind) if item.place == place]
            assert getattr(cached, of_place)(place) == getattr(full, of_place)(place) == expected
    assert cached.place_keys() == full.place_keys() and full.place_keys()["jia"] == {"甲"}
    assert cached.metric_keys() == full.metric_keys() and full.metric_keys()["企业数"] == {"ai_enterprises"}
    assert cached.metrics["industry_scale"] == full.metrics["industry_scale"]
    assert "metrics" not in cached._parts  # one metric read alone
    with pytest.raises(KeyError):
        cached.metrics["nowhere"]
    assert list(cached.metrics.items()) == list(full.metrics.items()) and "metrics" in cached._parts
    levels = cached.place_levels()
    assert (
        list(levels.items())
        == list(full.place_levels().items())
        == [(name, place.level) for name, place in full.places.items()]
    )
    assert "places" not in cached._parts  # read without building every place
    counted = full.count_by_source()
    assert cached.count_by_source() == counted
    assert counted[("mini", "facts")] == sum(1 for f in full.facts if "mini" in {c.source for c in f.citations})


def test_programme_outlines_hold_what_subsidies_top_chooses_and_orders_by(cache, base):
    full = opened(base)
    cached = opened(base)
    assert isinstance(cached, store.CachedBase)
    outlines = cached.programme_outlines()
    assert "programmes" not in cached._parts  # not read whole

    def held(programme):  # what filtering, rules.estimate and subsidies.order read
        terms = [programme.pool, programme.rate, programme.cap, *programme.special_rates]
        figures = [t and (t.value.value, t.value.qualifier, t.value.upper, t.value.bound, t.flag) for t in terms]
        return (programme.place, programme.type, programme.name, figures)

    assert [held(o) for o in outlines] == [held(p) for p in full.programmes]
    assert any(p.special_rates for p in full.programmes) and outlines != full.programmes  # the rest is blank
    assert outlines[0].citations == () and full.programmes[0].citations != ()
    picked = [outlines[2], outlines[0]]
    assert cached.whole_programmes(picked) == [full.programmes[2], full.programmes[0]]
    assert cached.whole_programmes([]) == []
    from cityai_cli.core.query.subsidies import list_programmes

    for spend, flags in ((None, ()), (Decimal(1_000_000), ("startup",)), (Decimal(10**9), ())):
        for top in (1, 2, 9):
            expected = list_programmes(full, spend=spend, flags=flags, top=top)
            assert list_programmes(opened(base), spend=spend, flags=flags, top=top) == expected
    # the full base: its programmes are their own outlines
    assert full.programme_outlines() is full.programmes
    assert full.whole_programmes(full.programmes[:2]) == full.programmes[:2]


def test_compare_looks_up_two_places_and_reads_no_other(cache, base):
    from cityai_cli.core.name_index import place_index
    from cityai_cli.core.query.compare import compare
    from cityai_cli.render import render
    from cityai_cli.view import view

    opened(base)
    cached = opened(base)
    index = place_index(cached)
    names = [index.resolve("甲"), index.resolve("Beta")]
    for lang in ("zh", "en"):
        render(view(cached, compare(cached, names), lang), "csv")
    assert "places" not in cached._parts and cached._full is None
    assert "甲" in cached.places and "没有" not in cached.places and cached.places["乙"].level == "city"
    with pytest.raises(KeyError):
        cached.places["没有"]
    assert "places" not in cached._parts
    assert dict(cached.places) == opened(base).places  # iterating reads them all, in curated order
    assert list(cached.places) == list(opened(base).places) and "places" in cached._parts


def test_subsidies_in_chinese_never_read_the_places(cache, base):
    from decimal import Decimal

    from cityai_cli.core.query.subsidies import list_programmes
    from cityai_cli.render import render
    from cityai_cli.view import view

    opened(base)
    cached = opened(base)
    render(view(cached, list_programmes(cached, spend=Decimal(3_000_000)), "zh"), "csv")
    assert "places" not in cached._parts and cached._full is None


@pytest.mark.parametrize("how", ["garbage", "truncated", "foreign", "pages"])
def test_a_damaged_cache_costs_no_traceback(cache, base, how):
    env = {store.CACHE_ENV: str(cache)}
    good = run_process("--data", str(base), "rank", "--by", "ai_enterprises", "-f", "csv", env=env)
    damage(cache, how)
    bad = run_process("--data", str(base), "rank", "--by", "ai_enterprises", "-f", "csv", env=env)
    assert (bad.returncode, bad.stdout, bad.stderr) == (0, good.stdout, b"")


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root ignores permissions")
def test_a_read_only_cache_directory_only_costs_speed(cache, base):
    cache.mkdir()
    cache.chmod(0o500)
    try:
        result = run_process("--data", str(base), "list", "-f", "csv", env={store.CACHE_ENV: str(cache)})
        assert result.returncode == 0 and result.stderr == b"" and result.stdout
        assert files(cache) == []
    finally:
        cache.chmod(0o700)


@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_an_unusable_cache_directory_only_costs_speed(tmp_path, base, where):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    folder = blocker if where == "a file" else blocker / "cache"
    result = run_process("--data", str(base), "list", "-f", "csv", env={store.CACHE_ENV: str(folder)})
    assert result.returncode == 0 and result.stderr == b"" and result.stdout


@pytest.mark.bundled
@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_output_is_the_same_cold_and_warm(tmp_path, command, fmt):
    env = {store.CACHE_ENV: str(tmp_path / "cache"), "PYTHONIOENCODING": "utf-8"}
    cold = run_process("--data", str(PROJECT_DATA), *command, "-f", fmt, env=env)
    assert files(tmp_path / "cache"), "the cold run wrote the cache"
    warm = run_process("--data", str(PROJECT_DATA), *command, "-f", fmt, env=env)
    assert cold.returncode == warm.returncode == 0
    assert warm.stdout == cold.stdout and warm.stderr == cold.stderr


def test_a_directory_base_is_cached_and_any_file_change_rebuilds(cache, tmp_path):
    folder = tmp_path / "many"
    subprocess.run(
        [
            sys.executable,
            str(PROJECT_DATA.parent.parent / "benchmarks" / "generate.py"),
            "--places",
            "12",
            "--figures",
            "4",
            "--per-file",
            "5",
            "--out",
            str(folder),
        ],
        check=True,
    )
    for document in (folder / "seeds").iterdir():
        _aged(document)  # just written: within the timestamp tick, a base is not cached yet
    cold = opened(folder)
    assert len(cold.places) == 12 and isinstance(opened(folder), store.CachedBase)
    last = sorted(folder.glob("*.toml"))[-1]
    last.write_text(last.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert not isinstance(opened(folder), store.CachedBase)


def test_a_warm_csv_query_imports_no_pydantic_toml_rich_json_or_unicodedata(tmp_path):
    env = {store.CACHE_ENV: str(tmp_path / "cache")}
    argv = ("rank", "--by", "industry_scale", "-f", "csv")
    assert run_process(*argv, env=env).returncode == 0  # cold: builds the cache
    full_env = {k: v for k, v in os.environ.items() if k != "CITYAI_DATA"} | env
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cityai_cli", *argv], capture_output=True, env=full_env, timeout=60
    )
    assert result.returncode == 0
    imported = {
        line.split("|")[-1].strip() for line in result.stderr.decode().splitlines() if line.startswith("import time:")
    }
    assert "cityai_cli.core.cache.store" in imported
    for banned in ("pydantic", "tomllib", "tomli", "rich", "json", "unicodedata"):
        assert not {m for m in imported if m == banned or m.startswith(banned + ".")}, banned


# --- found by attacking the cache: each was a warm run that differed from a cold one -------------


def test_a_base_reached_through_a_link_is_cached_apart_from_its_target(cache, base, tmp_path):
    # A source's origin is the path as given: the same files under another name are another base.
    link = tmp_path / "link"
    link.symlink_to(base.parent, target_is_directory=True)
    via_link = store.open_base(link / base.name).base.sources["mini"].origin
    direct = store.open_base(base).base.sources["mini"].origin
    assert (via_link, direct) == (str(link / base.name), str(base))


def test_how_files_split_into_layers_is_part_of_the_key(cache, base, tmp_path):
    # A place defined in one layer file and added to in another is a merge of two layers, but
    # two definitions in one layer: the same files must not share a cache across the two.
    folder = tmp_path / "layer"
    folder.mkdir()
    (folder / "l1.toml").write_text('[places."戊"]\nlevel = "city"\nprovince = "测省"\n', encoding="utf-8")
    (folder / "l2.toml").write_text(
        '[[places."戊".facts]]\nmetric = "industry_scale"\nscope = "ai_industry"\nkind = "actual"\n'
        'value = "3600亿元"\ndate = "2024"\ndate_basis = "stated"\n'
        'citations = [{ source = "mini", quote = "产业规模3600亿元" }]\n',
        encoding="utf-8",
    )
    from cityai_cli.core.errors import DataError

    with pytest.raises(DataError, match="also defined in"):
        store.open_base(base, (folder,))
    assert "戊" in store.open_base(base, (folder / "l1.toml", folder / "l2.toml")).base.places
    assert isinstance(store.open_base(base, (folder / "l1.toml", folder / "l2.toml")).base, store.CachedBase)
    with pytest.raises(DataError, match="also defined in"):
        store.open_base(base, (folder,))


def test_runs_with_and_without_a_layer_keep_their_own_caches(cache, base, tmp_path):
    layer = tmp_path / "layer.toml"
    layer.write_text('[places."戊"]\nlevel = "city"\nprovince = "测省"\n', encoding="utf-8")
    store.open_base(base), store.open_base(base, (layer,))
    assert isinstance(store.open_base(base).base, store.CachedBase)
    assert isinstance(store.open_base(base, (layer,)).base, store.CachedBase)


def test_a_file_saved_while_it_is_loaded_is_not_cached_under_the_old_key(cache, base, monkeypatch):
    original = base.read_text(encoding="utf-8")
    real_load = store._full_load

    def load_during_a_save(path, layers=()):
        base.write_text(original.replace("产业规模3600亿元", "产业规模3600亿元 ") + "\n", encoding="utf-8")
        return real_load(path, layers)

    monkeypatch.setattr(store, "_full_load", load_during_a_save)
    store.open_base(base)
    assert files(cache) == []  # what was loaded matches no key: nothing is kept
    monkeypatch.setattr(store, "_full_load", real_load)
    store.open_base(base)  # the file as it is now: cached
    assert isinstance(store.open_base(base).base, store.CachedBase)


# ---- trust: a cache is read only from a directory and files of the user's own (issue 24, item 1) ----


@pytest.mark.parametrize(
    "uid, mode, believed",
    [
        (1000, 0o100600, True),
        (1000, 0o100644, True),
        (1000, 0o040700, True),
        (1000, 0o040755, True),
        (1001, 0o100600, False),  # another user's file
        (1000, 0o100620, False),
        (1000, 0o100602, False),  # group or others may write it
        (1000, 0o041777, False),
        (1000, 0o040775, False),  # a shared /tmp; a group-writable folder
        (None, 0o100666, True),  # no user ids (Windows): the check does not apply
    ],
)
def test_trusted_only_when_the_users_own_and_no_one_else_may_write(uid, mode, believed):
    status = os.stat_result((mode, 0, 0, 1, 1000, 1000, 0, 0, 0, 0))
    assert store.trusted(status, uid) is believed


def _forge(cache):
    """Edit the compiled file as another user could: 甲's industry scale 3600亿元 -> 999万亿元."""
    import sqlite3

    (target,) = cache.glob("*.sqlite3")
    with sqlite3.connect(str(target)) as db:
        db.execute(
            "UPDATE facts SET value = '999000000000000000', value_text = '999万亿元' "
            "WHERE place = '甲' AND metric = 'industry_scale'"
        )
    return target


def test_a_forged_cache_in_a_directory_others_may_write_is_not_served(cli, cache, base, monkeypatch):
    assert cli("--data", str(base), "list", "-f", "csv").code == 0  # compiled by its owner (this user)
    _forge(cache)
    cache.chmod(0o1777)  # a shared directory, as /tmp
    monkeypatch.setattr(store, "_uid", lambda: 4242)  # another user runs cityai there
    result = cli("--data", str(base), "rank", "--by", "产业规模", "-f", "csv")
    assert result.code == 0 and "3600" in result.stdout and "999" not in result.stdout
    assert result.stderr == (
        f"Warning: the cache directory {cache} belongs to another user, and "
        f"{cache / 'cityai-4242'} is not private to you; nothing is cached\n"
    )


def test_a_shared_cache_directory_is_replaced_by_a_private_one(capsys, cache, base):
    cache.mkdir(mode=0o700)
    cache.chmod(0o1777)
    opened(base)
    private = cache / f"cityai-{os.geteuid()}"
    assert capsys.readouterr().err == (
        f"Warning: the cache directory {cache} may be written by others; using {private}, made private\n"
    )
    assert files(cache) == [] and len(files(private)) == 1 and (private.stat().st_mode & 0o777) == 0o700
    assert isinstance(opened(base), store.CachedBase) and capsys.readouterr().err == ""


def test_a_cache_file_others_may_write_is_not_read_but_rebuilt(capsys, cli, cache, base):
    opened(base)
    target = _forge(cache)
    target.chmod(0o666)
    assert not isinstance(opened(base), store.CachedBase)
    assert (
        capsys.readouterr().err
        == f"Warning: {target} is not a private file of this user; it is not read, and is replaced\n"
    )
    assert (target.stat().st_mode & 0o777) == 0o600 and isinstance(opened(base), store.CachedBase)
    assert "999" not in cli("--data", str(base), "rank", "--by", "产业规模", "-f", "csv").stdout


def test_the_database_is_built_in_a_private_directory_never_by_a_name_in_the_cache_directory(cache, base, monkeypatch):
    # Before: mkstemp made a name in the cache directory, unlinked it, and sqlite3 opened the name
    # again; a link planted in that gap made cityai write its database through the link.
    built = []
    real = store.write

    def spy(base_, path, meta):
        folder = os.stat(path.parent)
        built.append((path.parent != cache, path.parent.parent == cache, folder.st_mode & 0o777, os.path.lexists(path)))
        real(base_, path, meta)

    monkeypatch.setattr(store, "write", spy)
    opened(base)
    assert built == [(True, True, 0o700, False)]
    assert sorted(p.suffix for p in cache.iterdir()) == [".digests", ".lock", ".sqlite3"]  # nothing else left


# ---- what killed runs leave (issue 24, item 9) ----------------------------------------------------

KILLED_BUILD = """
import sys, time
from pathlib import Path
from cityai_cli.core.cache import store
real = store.write
def slow(*args):
    real(*args)
    print("built", flush=True)
    time.sleep(60)
store.write = slow
store.open_base(Path(sys.argv[1]))
"""


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_what_a_killed_cold_build_leaves_is_removed_by_the_next_cold_run(cache, base, how):
    build = subprocess.Popen(
        [sys.executable, "-c", KILLED_BUILD, str(base)],
        stdout=subprocess.PIPE,
        env={**os.environ, store.CACHE_ENV: str(cache)},
    )
    assert build.stdout.readline() == b"built\n"
    build.send_signal(how)
    build.wait(timeout=30)
    (left,) = [p for p in cache.iterdir() if p.name.startswith(".cityai-build-")]
    assert list(left.glob("*.sqlite3"))  # the leak
    legacy = cache / ".tmp-k2j4h1.sqlite3"  # left by an earlier version
    legacy.write_bytes(b"x" * 1000)
    for path in (left, legacy):
        os.utime(path, (time.time() - 7200, time.time() - 7200))
    opened(base)  # the next cold run
    assert sorted(p.name for p in cache.iterdir() if p.name.startswith(".")) == []
    assert isinstance(opened(base), store.CachedBase)


def test_a_build_directory_in_use_is_not_removed(cache, base):
    from cityai_cli.core.files import private_directory

    cache.mkdir(mode=0o700)
    with private_directory(cache) as building:
        os.utime(building, (time.time() - 7200, time.time() - 7200))
        opened(base)  # a cold run meanwhile
        assert building.is_dir()
    assert not building.exists()


# ---- concurrent cold starts (issue 25) ------------------------------------------------------------

COUNTED_RUN = """
import sys, time
from cityai_cli.core.cache import store
real, log_name = store._full_load, sys.argv[1]
def counted(*args, **kwargs):
    with open(log_name, "a") as log:
        log.write("loaded in full\\n")
    time.sleep(1)                         # a build long enough for every start to overlap it
    return real(*args, **kwargs)
store._full_load = counted
sys.argv = ["cityai", *sys.argv[2:]]
from cityai_cli.__main__ import run
run()
"""


def test_eight_concurrent_cold_starts_compile_the_base_once(cache, base, tmp_path):
    log = tmp_path / "loads.log"
    env = {**os.environ, store.CACHE_ENV: str(cache)}
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                COUNTED_RUN,
                str(log),
                "--data",
                str(base),
                "rank",
                "--by",
                "ai_enterprises",
                "-f",
                "csv",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for _ in range(8)
    ]
    outcomes = [(run.wait(timeout=120), run.stdout.read(), run.stderr.read()) for run in runs]
    assert len({outcome for outcome in outcomes}) == 1 and outcomes[0][0] == 0 and outcomes[0][2] == b""
    assert log.read_text() == "loaded in full\n"
    assert len(files(cache)) == 1


def test_a_waiter_loads_the_base_itself_when_the_build_it_waited_for_wrote_nothing(cache, base, monkeypatch):
    from cityai_cli.core.files import locked

    monkeypatch.setattr(store, "BUILD_WAIT", 0.2)
    opened(base)
    (compiled,) = cache.glob("*.sqlite3")
    compiled.unlink()
    with locked(next(cache.glob("*.lock")), 0) as held:  # a build that never ends
        assert held and not isinstance(opened(base), store.CachedBase)
    assert isinstance(opened(base), store.CachedBase)


# ---- a clock set wrong, and two installs sharing a cache directory (issue 24, item 7) -------------


def test_a_document_dated_in_the_future_is_cached_and_checked_by_its_content(capsys, cache, base):
    from cityai_cli.core.errors import DataError

    document = base.parent / "seeds" / "mini.txt"
    future = time.time() + 86400
    os.utime(document, (future, future))
    opened(base)
    assert capsys.readouterr().err == (
        f"Warning: {document} is dated in the future (a clock set wrong?); the cache checks content instead of times\n"
    )
    assert isinstance(opened(base), store.CachedBase) and capsys.readouterr().err == ""
    # edited, same size, same (future) time: only its content tells
    document.write_text(document.read_text(encoding="utf-8").replace("超2800家", "超2900家"), encoding="utf-8")
    os.utime(document, (future, future))
    with pytest.raises(DataError):
        opened(base)


def test_two_installs_sharing_a_cache_directory_keep_their_own_files(cache, base, monkeypatch):
    import cityai_cli

    def install(which):
        monkeypatch.setattr(store, "_install", lambda: which, raising=False)
        monkeypatch.setattr(cityai_cli, "__version__", {"aaaa1111": "1.0", "bbbb2222": "2.0"}[which])

    for which in ("aaaa1111", "bbbb2222"):
        install(which)
        opened(base)
    for which in ("aaaa1111", "bbbb2222", "aaaa1111"):
        install(which)
        assert isinstance(opened(base), store.CachedBase), which
    assert len(files(cache)) == 2


# Every command that reads a base, with what the cache stores per row exercised (citations as
# JSON: JSON output and --citations; headline and conflict marks: rank, list, conflicts).
EVERY_COMMAND = [
    ("rank", "--by", "industry_scale"),
    ("rank", "--by", "ai_enterprises", "--targets"),
    ("rank", "--by", "ai_enterprises", "--as-of", "2024"),
    ("compare", "甲", "乙"),
    ("subsidies", "--spend", "300万"),
    ("funds",),
    ("list",),
    ("show", "甲"),
    ("targets",),
    ("conflicts",),
    ("policies",),
    ("sources",),
    ("metrics",),
    ("types",),
    ("cite", "甲", "ai_enterprises"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", EVERY_COMMAND, ids=lambda c: " ".join(c))
def test_cached_and_uncached_output_are_byte_identical(cli, contradicting, tmp_path, monkeypatch, command, lang):
    # Uncached: no usable cache directory, the base is loaded from its files on every run.
    # Cached: the same command served from the compiled file (warmed by a first run).
    monkeypatch.setenv(store.CACHE_ENV, str(tmp_path / "cache"))
    cli("metrics", "--data", str(contradicting), "-f", "csv")
    assert isinstance(opened(contradicting), store.CachedBase)
    extra = [["-f", "csv", "--citations"]] if command[0] in ("rank", "show") else []
    for fmt in [["-f", "csv"], ["-f", "json"], ["-f", "table", "--width", "100"], ["-f", "markdown"], *extra]:
        argv = [*command, "--data", str(contradicting), "--lang", lang, *fmt]
        cached = cli(*argv)
        monkeypatch.setenv(store.CACHE_ENV, "/dev/null/nowhere")
        uncached = cli(*argv)
        monkeypatch.setenv(store.CACHE_ENV, str(tmp_path / "cache"))
        assert (cached.code, cached.stdout, cached.stderr) == (uncached.code, uncached.stdout, uncached.stderr)
        assert cached.code == 0 and cached.stdout, argv


@pytest.mark.parametrize(
    "xdg, home",
    [
        ("/srv/cache", "/home/ana"),
        ("/srv/cache/", "/home/ana"),
        ("", "/home/ana"),
        (None, "/home/ana"),
        (None, "/"),
        ("relative/cache", "/home/ana"),
        ("  ", "/home/ana"),
        (None, "relative"),
        (None, None),
    ],
)
def test_the_cache_directory_is_platformdirs_user_cache_directory(monkeypatch, xdg, home):
    """Read on Linux without platformdirs (store._xdg_cache_dir), it is still what platformdirs
    says for every $XDG_CACHE_HOME and $HOME: set, empty, relative, missing."""
    from pathlib import Path

    from platformdirs import user_cache_dir

    monkeypatch.delenv(store.CACHE_ENV, raising=False)
    for name, value in (("XDG_CACHE_HOME", xdg), ("HOME", home)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert store.cache_dir() == Path(user_cache_dir("cityai", appauthor=False))
    if sys.platform == "linux" and xdg == "/srv/cache":
        assert store.cache_dir() == Path("/srv/cache/cityai")


@pytest.mark.skipif(sys.platform != "linux", reason="read without platformdirs on Linux only")
def test_a_warm_run_on_linux_does_not_import_platformdirs(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != store.CACHE_ENV}
    env.update(XDG_CACHE_HOME=str(tmp_path), HOME=str(tmp_path))
    script = (
        "import sys; from cityai_cli.core.cache import store; print(store.cache_dir(), 'platformdirs' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert done.stdout == f"{tmp_path / 'cityai'} False\n"
