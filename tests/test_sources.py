"""core/base/sources.py: `sources add` on fixtures (copy a document into a base's seeds and record
its hash), and the walks from a new document to a fact or a programme in your own base."""

import hashlib
import json

import pytest
import tomli

from conftest import sources_add


def test_sources_add_copies_the_document_and_records_its_hash(cli, own):
    (own / "a.html").write_text(
        "<html><body><p>乙市人工智能企业约2400家。</p><script>x()</script></body></html>", encoding="utf-8"
    )
    result = cli(
        *sources_add("a.html", "yi-2025", title="乙市", publisher="测试", published="2025-05"), "--data", "my.toml"
    )
    stored = (own / "seeds" / "yi-2025.txt").read_bytes()
    assert stored == "乙市人工智能企业约2400家。\n".encode("utf-8")
    assert result.code == 0
    assert result.stdout == (
        '[sources.yi-2025]\nfile = "yi-2025.txt"\npublisher = "测试"\ntitle = "乙市"\n'
        f'published = "2025-05"\nsha256 = "{hashlib.sha256(stored).hexdigest()}"\n'
    )
    assert cli("validate", "my.toml").code == 0
    again = cli(
        *sources_add("a.html", "yi-2025", title="乙市", publisher="测试", published="2025-05"), "--data", "my.toml"
    )
    assert (again.code, again.stderr) == (2, "Error: source 'yi-2025' already exists in my.toml; choose another --id\n")


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--id", "Bad Id"],
            "Error: --id 'Bad Id': use lower-case letters, digits, - and _ (at most 100), e.g. xinhua-2025-06\n",
        ),
        pytest.param(
            ["--id", "liaowang-2025-03"],  # an id of the bundled base's sources
            "Error: source 'liaowang-2025-03' already exists in the bundled base; choose another --id\n",
            marks=pytest.mark.bundled,
        ),
        (["--title", 'T"]\n[places.x]'], "Error: --title contains the control or invisible character U+000A\n"),
        (
            ["--publisher", "\x1b]0;pwned\x07"],
            "Error: --publisher contains the control or invisible character U+001B\n",
        ),
        (["--url", "https://e.x/\u202egpj"], "Error: --url contains the control or invisible character U+202E\n"),
        (["--id", "ok", "--published", "2025-13"], "Error: --published: '2025-13' is not a real date\n"),
    ],
)
def test_sources_add_refuses_bad_options(cli, own, args, message):
    (own / "a.txt").write_text("文本\n", encoding="utf-8")
    base = {"--id": "ok", "--title": "t", "--publisher": "p", "--published": "2025"}
    base.update(dict(zip(args[::2], args[1::2])))
    flat = [item for pair in base.items() for item in pair]
    result = cli("sources", "add", "a.txt", *flat, "--data", "my.toml")
    assert (result.code, result.stderr) == (2, message)


def test_sources_add_starts_a_new_base_with_the_schema_line_and_how_to_use_it(cli, own):
    (own / "a.txt").write_text("文本\n", encoding="utf-8")
    result = cli(*sources_add("a.txt", "s9"), "--data", "new.toml")
    assert result.code == 0, result.stderr
    assert (
        (own / "new.toml")
        .read_text(encoding="utf-8")
        .startswith(
            "#:schema ./cities.schema.json\n"
            "# Your own cityai knowledge base, used with `--with FILE` over the bundled one.\n"
            "# Check it with `cityai validate --with FILE`; `cityai schema > cities.schema.json` lets\n"
            "# TOML editors complete and check entries.\n\n[sources.s9]\n"
        )
    )


@pytest.mark.bundled
@pytest.mark.parametrize("content", [b"", b"\n  \n"])
def test_sources_add_starts_a_new_base_in_an_empty_file(cli, own, content):
    # `touch new.toml` first: "new.toml: is empty; expected a TOML knowledge base", nothing added
    (own / "new.toml").write_bytes(content)
    (own / "new.toml").chmod(0o600)
    (own / "a.txt").write_text("文本\n", encoding="utf-8")
    result = cli(*sources_add("a.txt", "s9"), "--with", "new.toml")
    assert (result.code, result.stderr) == (0, "")
    text, digest = (own / "new.toml").read_text(encoding="utf-8"), hashlib.sha256("文本\n".encode()).hexdigest()
    assert text.startswith("#:schema ./cities.schema.json\n# Your own cityai knowledge base")
    assert text.endswith(
        f'[sources.s9]\nfile = "s9.txt"\npublisher = "p"\ntitle = "t"\npublished = "2025"\nsha256 = "{digest}"\n'
    )
    assert ((own / "new.toml").stat().st_mode & 0o777) == 0o600
    assert cli("validate", "--with", "new.toml").code == 0


def test_sources_add_refuses_a_seed_of_that_id_with_other_content(cli, own):
    (own / "a.txt").write_text("文本\n", encoding="utf-8")
    (own / "seeds" / "s9.txt").write_text("另一份\n", encoding="utf-8")
    result = cli(*sources_add("a.txt", "s9"), "--data", "my.toml")
    assert (result.code, result.stderr) == (2, "Error: seeds/s9.txt exists with other content; choose another --id\n")


def test_sources_add_refuses_the_bundled_base(cli, own):
    from cityai_cli.core.base.paths import bundled_path

    (own / "a.txt").write_text("文本\n", encoding="utf-8")
    result = cli(*sources_add("a.txt", "s9"), "--data", str(bundled_path("data", "cities.toml")))
    assert (result.code, result.stderr) == (
        2,
        "Error: sources add writes into your own knowledge base: give --data FILE (the bundled one is read-only)\n",
    )


def test_sources_add_finds_an_existing_id_however_the_table_is_spelled(cli, own):
    (own / "a.txt").write_text("文本\n", encoding="utf-8")
    (own / "my.toml").write_text(
        '[sources . s3]\nfile = "s3.txt"\npublisher = "p"\ntitle = "t"\npublished = "2025"\n', encoding="utf-8"
    )
    before = (own / "my.toml").read_bytes()
    result = cli(*sources_add("a.txt", "s3"), "--data", "my.toml")
    assert (result.code, result.stderr) == (2, "Error: source 's3' already exists in my.toml; choose another --id\n")
    assert (own / "my.toml").read_bytes() == before


@pytest.mark.parametrize("plant", ["base_dangling", "base_to_file", "seed_dangling", "seeds_dir_link"])
def test_sources_add_never_writes_through_a_link(cli, own, tmp_path_factory, plant):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "victim.conf").write_text("keep = 1\n", encoding="utf-8")
    (own / "a.txt").write_text("文本\n", encoding="utf-8")
    base = own / "b" / "my.toml"
    base.parent.mkdir()
    if plant == "base_dangling":
        base.symlink_to(outside / "planted.conf")
    elif plant == "base_to_file":
        base.symlink_to(outside / "victim.conf")
    elif plant == "seed_dangling":
        (base.parent / "seeds").mkdir()
        (base.parent / "seeds" / "x2.txt").symlink_to(outside / "planted.sh")
    else:
        (base.parent / "seeds").symlink_to(outside)
    result = cli(*sources_add("a.txt", "x2"), "--with", str(base))
    link, why = {
        "base_dangling": (base, "give the file it points to"),
        "base_to_file": (base, "give the file it points to"),
        "seed_dangling": (base.parent / "seeds" / "x2.txt", "give the file it points to"),
        "seeds_dir_link": (base.parent / "seeds", "seeds/ must be a directory of the base"),
    }[plant]
    assert (result.code, result.stdout, result.stderr) == (1, "", f"Error: {link}: is a symbolic link; {why}\n")
    assert sorted(p.name for p in outside.iterdir()) == ["victim.conf"]
    assert (outside / "victim.conf").read_text(encoding="utf-8") == "keep = 1\n"


def test_sources_add_writes_escaped_toml_that_validates(cli, own):
    (own / "a.txt").write_text("乙市人工智能企业约2400家。\n", encoding="utf-8")
    result = cli(*sources_add("a.txt", "q1", title='say "hi" \\ there'), "--data", "my.toml")
    assert result.code == 0
    assert 'title = "say \\"hi\\" \\\\ there"' in result.stdout
    assert cli("validate", "my.toml").code == 0
    written = tomli.loads((own / "my.toml").read_text(encoding="utf-8"))["sources"]["q1"]
    assert (written["title"], written["publisher"]) == ('say "hi" \\ there', "p")


def test_sources_add_never_writes_into_the_bundled_base(cli, own):
    from cityai_cli.core.base.paths import bundled_path  # the installed copy when installed, else the checkout's

    (own / "a.txt").write_text("文本\n", encoding="utf-8")
    for extra in ([], ["--data", str(bundled_path("data", "cities.toml"))]):
        result = cli(
            "sources", "add", "a.txt", "--id", "x", "--title", "t", "--publisher", "p", "--published", "2025", *extra
        )
        assert result.code == 2
        assert "the bundled one is read-only" in result.stderr


@pytest.mark.bundled
def test_the_walkthrough_from_a_new_document_to_a_fact_in_your_own_base(cli, tmp_path, monkeypatch, project):
    """The README's five commands, on the bundled base and a new document."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.html").write_text(
        "<html><body><p>截至2025年5月底,深圳人工智能企业超3500家。</p></body></html>", encoding="utf-8"
    )
    first = json.loads(cli("extract", "article.html", "--published", "2025-06-18", "--new-only", "-f", "json").stdout)[
        "candidates"
    ]
    assert [(r["place"], r["metric"], r["value"], r["date"], r["known"]) for r in first] == [
        ("深圳", "ai_enterprises", "超3500家", "2025-05-31", False)
    ]
    added = cli(
        *sources_add("article.html", "xinhua-2025-06", title="深圳", publisher="新华社", published="2025-06-18"),
        "--with",
        "my.toml",
    )
    assert added.code == 0 and (tmp_path / "seeds" / "xinhua-2025-06.txt").is_file()
    entries = cli(
        "extract",
        "article.html",
        "--published",
        "2025-06-18",
        "--new-only",
        "--source",
        "xinhua-2025-06",
        "-f",
        "toml",
        "--with",
        "my.toml",
    ).stdout
    with (tmp_path / "my.toml").open("a", encoding="utf-8") as out:
        out.write("\n" + entries)
    checked = cli("validate", "--with", "my.toml")
    assert checked.code == 0, checked.stdout
    base = project.base  # the bundled base, plus one fact, one citation and one document
    assert checked.stdout.splitlines()[-1].endswith(
        f"OK — {len(base.places)} places, {len(base.facts) + 1} facts ({sum(len(f.citations) for f in base.facts) + 1} "
        f"citations), {len(base.policies)} policies, {len(base.programmes)} programmes; every quote found in its "
        f"source ({len(base.sources) + 1} documents)"
    )
    row = [
        r
        for r in json.loads(cli("compare", "深圳", "上海", "--with", "my.toml", "-f", "json").stdout)
        if r["metric"] == "ai_enterprises" and r["kind"] == "actual"
    ][0]
    assert (row["shenzhen_text"], row["shenzhen_date"], row["shenzhen_sources"]) == (
        "超3500家",
        "2025-05-31",
        ["xinhua-2025-06"],
    )


def test_sources_add_refuses_bytes_that_are_not_utf8_before_writing_anything(own):
    from conftest import run_process

    (own / "a.txt").write_text("文本\n", encoding="utf-8")
    result = run_process(
        "sources",
        "add",
        "a.txt",
        "--id",
        "a4",
        "--title",
        b"t\xff\xfe",
        "--publisher",
        "p",
        "--published",
        "2025",
        "--with",
        "b1/base.toml",
        cwd=own,
    )
    assert (result.returncode, result.stderr) == (2, b"Error: --title is not valid UTF-8 text\n")
    assert not (own / "b1").exists()


@pytest.mark.parametrize("sources", ["sources = 5\n", 'sources = "a4yz"\n', "[[sources]]\na = 1\n", "sources = {}\n"])
def test_sources_add_refuses_a_base_whose_sources_are_no_table_of_entries(cli, own, sources):
    (own / "a.txt").write_text("文本\n", encoding="utf-8")
    (own / "b.toml").write_text(sources, encoding="utf-8")
    result = cli(*sources_add("a.txt", "a4"), "--with", "b.toml")
    assert result.code == 1 and result.stderr.startswith("Error: b.toml: ") and "sources" in result.stderr
    assert (own / "b.toml").read_text(encoding="utf-8") == sources and not (own / "seeds" / "a4.txt").exists()


def test_sources_add_never_grows_a_base_past_the_size_limit(cli, own, monkeypatch):
    from cityai_cli.core.base import sources

    monkeypatch.setattr(sources, "MAX_BYTES", 300)
    (own / "a.txt").write_text("文本\n", encoding="utf-8")
    (own / "b.toml").write_text("# " + "x" * 200 + "\n", encoding="utf-8")
    result = cli(*sources_add("a.txt", "a4", title="t" * 100), "--with", "b.toml")
    assert result.code == 1 and "a knowledge base may be at most 300 bytes" in result.stderr
    assert len((own / "b.toml").read_bytes()) == 203


def test_eight_concurrent_sources_add_keep_all_eight_entries(own):
    # Issue 24, item 2: the read-modify-write had no lock; 8 concurrent runs left 2 (or 4) entries.
    import os
    import subprocess
    import sys

    for i in range(8):
        (own / f"d{i}.txt").write_text(f"第{i}份文件。\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("CITYAI_DATA", "NO_COLOR")}
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cityai_cli",
                "sources",
                "add",
                f"d{i}.txt",
                "--id",
                f"d{i}",
                "--title",
                "t",
                "--publisher",
                "p",
                "--published",
                "2025",
                "--data",
                "my.toml",
            ],
            cwd=own,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(8)
    ]
    outcomes = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
    assert outcomes == [(0, b"")] * 8
    from cityai_cli.core.base.reading import parse_toml

    sources = parse_toml((own / "my.toml").read_text(encoding="utf-8"), "my.toml")["sources"]
    assert sorted(k for k in sources if k.startswith("d")) == [f"d{i}" for i in range(8)]


def test_sources_add_keeps_the_mode_of_the_base(cli, own):
    (own / "my.toml").chmod(0o600)
    (own / "a.txt").write_text("文本。\n", encoding="utf-8")
    result = cli(*sources_add("a.txt", "a1"), "--data", "my.toml")
    assert result.code == 0 and ((own / "my.toml").stat().st_mode & 0o777) == 0o600


def test_a_leftover_temporary_file_with_this_pid_does_not_make_sources_add_fail(cli, own):
    # Issue 24, item 9: write_atomically named its file .cityai-<pid>.tmp; one left by a killed run
    # whose PID came round again made sources add fail with "already exists" after the seed was written.
    import os

    (own / f".cityai-{os.getpid()}.tmp").write_text("left by a killed run", encoding="utf-8")
    (own / "a.txt").write_text("文本。\n", encoding="utf-8")
    result = cli(*sources_add("a.txt", "a1"), "--data", "my.toml")
    assert (result.code, result.stderr) == (0, "")
    assert "[sources.a1]" in (own / "my.toml").read_text(encoding="utf-8")


def test_the_walk_from_a_new_policy_document_to_its_programme_in_subsidies(cli, tmp_path, monkeypatch):
    """Issue 22: a voucher policy of a city the base does not hold (成都). extract proposes the
    programme, sources add pins the document, extract --format toml writes the place table from the
    gazetteer, the policy and the programme; validate accepts it with no hand edit; subsidies lists it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policy.txt").write_text(
        "成都市经济和信息化局关于印发《成都市算力券实施细则(2025—2027年)》的通知\n\n"
        "每年发放2亿元算力券。对租用本市智算中心算力的企业,给予核定合同额最高40%的补贴,单家企业每年申领不超过600万元。\n\n"
        "成都市经济和信息化局\n2025年6月18日\n",
        encoding="utf-8",
    )
    first = json.loads(cli("extract", "policy.txt", "--published", "2025-06-20", "--new-only", "-f", "json").stdout)
    assert [(r["place"], r["type"], r["pool"], r["rate"], r["cap"]) for r in first["programmes"]] == [
        ("成都", "算力券", "2亿元", "最高40%", "不超过600万元")
    ]
    assert (
        cli(
            *sources_add(
                "policy.txt",
                "chengdu-2025-06",
                title="成都市算力券实施细则",
                publisher="成都市经济和信息化局",
                published="2025-06-20",
            ),
            "--with",
            "my.toml",
        ).code
        == 0
    )
    entries = cli(
        "extract",
        "policy.txt",
        "--published",
        "2025-06-20",
        "--new-only",
        "--source",
        "chengdu-2025-06",
        "-f",
        "toml",
        "--with",
        "my.toml",
    ).stdout
    assert '[places."成都"]\nlevel = "city"\nprovince = "四川"\npinyin = "Chengdu"\nenglish = "Chengdu"\n' in entries
    with (tmp_path / "my.toml").open("a", encoding="utf-8") as out:
        out.write("\n" + entries)
    checked = cli("validate", "--with", "my.toml")
    assert checked.code == 0, checked.stdout
    rows = json.loads(cli("subsidies", "--type", "算力券", "--with", "my.toml", "-f", "json").stdout)
    mine = [r for r in rows if r["place"] == "成都"]
    assert [
        (
            r["name"],
            r["pool_text"],
            r["pool_period"],
            r["rate_text"],
            r["rate_basis"],
            r["cap_text"],
            r["cap_period"],
            r["policy"],
            r["date"],
            r["sources"],
        )
        for r in mine
    ] == [
        (
            "成都算力券",
            "2亿元",
            "year",
            "最高40%",
            "合同额",
            "不超过600万元",
            "year",
            "成都市算力券实施细则(2025—2027年)",
            "2025-06-18",
            ["chengdu-2025-06"],
        )
    ]
    again = json.loads(cli("extract", "policy.txt", "--new-only", "--with", "my.toml", "-f", "json").stdout)
    assert (again["programmes"], again["policies"]) == ([], [])
