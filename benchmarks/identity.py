"""The identity run: every command's output (stdout, stderr, exit status, files written) compared
between two checkouts, for changes that must not change behaviour (refactors, speed work).

    python benchmarks/identity.py /tmp/main-copy            # that checkout against this one
    python benchmarks/identity.py OLD NEW --show 5          # two checkouts; print 5 diffs
    git archive main | tar -x -C /tmp/main-copy             # a checkout of main to compare with

The commands: every README.md and docs/examples.md example, each again with --lang en, -f csv
and -f json; every command's --help; show, targets, conflicts and policies of every place; rank
of every metric (actual, targets, forecasts, --all, --chart); subsidies of every type; extract
of every seed; validate, export and `sources add` into scratch bases; usage and data errors; and
validate, rank and compare over a small synthetic base (benchmarks/generate.py). Each checkout
runs as `python -m cityai_cli` with its own source tree first on sys.path and its own cache.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import re
import shlex
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Tuple

HERE = Path(__file__).resolve().parent
BLOCK = re.compile(r"```console\n\$ (cityai [^\n]*)\n", re.S)
# An export's cache key covers the modification times of the code that compiles a base
# (core/cache/fingerprint.py), so it differs between any two checkouts: not compared.
CACHE_KEY = re.compile(r"VALUES\('key','[0-9a-f]{64}'\)")
NO_FORMAT_OPTION = {"export", "schema", "sources add"}
NO_LANG_OPTION = {"export", "schema", "validate"}
FORMAT_VARIANTS = (["--lang", "en"], ["-f", "csv"], ["-f", "json"])


def readme_commands(checkout: Path) -> List[List[str]]:
    pages = [checkout / "README.md", checkout / "docs" / "examples.md"]
    found = []
    for page in pages:
        for line in BLOCK.findall(page.read_text(encoding="utf-8")):
            found.append(shlex.split(line.replace("/tmp/", "{scratch}/"))[1:])
    return found


def with_variants(commands: List[List[str]]) -> List[List[str]]:
    """Each command as written, then with --lang en, -f csv and -f json (those it has not already).
    Without a format, the table a terminal would show (stdout here is a pipe, where CSV is the
    default)."""
    out = []
    for args in commands:
        has_format = any(a in ("-f", "--format") for a in args)
        out.append(args if has_format or args[0] in NO_FORMAT_OPTION else [*args, "-f", "table"])
        for variant in FORMAT_VARIANTS:
            if variant[0] == "-f" and (has_format or args[0] in NO_FORMAT_OPTION):
                continue
            if variant[0] == "--lang" and ("--lang" in args or args[0] in NO_LANG_OPTION):
                continue
            out.append([*args, *variant])
    return out


def bundled_names(checkout: Path, env: Dict[str, str]) -> Tuple[List[str], List[str], List[Tuple[str, str]]]:
    """Places, metric keys and (subsidy type, category) of the bundled base (asked of the checkout)."""

    def records(*args: str) -> list:
        done = subprocess.run(
            [sys.executable, "-m", "cityai_cli", *args, "-f", "json"],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(done.stdout)

    return (
        [r["place"] for r in records("list")],
        [r["metric"] for r in records("metrics")],
        [(r["type"], r["category"]) for r in records("types")],
    )


COMMANDS = ("list", "show", "compare", "diff", "rank", "subsidies", "funds", "targets", "conflicts", "policies",
            "metrics", "types", "cite", "extract", "schema", "validate", "export", "sources")  # fmt: skip


def broad_commands(checkout: Path, env: Dict[str, str]) -> List[List[str]]:
    places, metrics, types = bundled_names(checkout, env)
    seeds = sorted(p.name for p in (checkout / "seeds").glob("*.txt"))
    commands = with_variants(readme_commands(checkout))
    commands += [["--help"], ["--version"], ["sources", "add", "--help"]] + [[c, "--help"] for c in COMMANDS]
    for place in places:
        commands += [[command, place, "-f", "csv"] for command in ("targets", "conflicts", "policies")]
        commands += [["show", place, "-f", "table"], ["show", place, "-f", "json"]]
    for metric in metrics:
        commands += by_metric(metric, places)
    for kind, category in types:
        commands += by_type(kind, category)
    for seed in seeds:
        commands += [
            ["extract", f"seeds/{seed}", "-f", "table"],
            ["extract", f"seeds/{seed}", "-f", "json"],
            ["extract", f"seeds/{seed}", "-f", "toml", "--published", "2025-01-01"],
            ["extract", f"seeds/{seed}", "--new-only", "--lang", "en", "-f", "csv"],
        ]
    return commands + others(places, metrics) + errors(metrics[0]) + scratch_bases(seeds)


def by_metric(metric: str, places: List[str]) -> List[List[str]]:
    return [
        ["rank", "--by", metric, "-f", "table"],
        ["rank", "--by", metric, "-f", "json", "--lang", "en"],
        ["rank", "--by", metric, "--targets", "-f", "csv"],
        ["rank", "--by", metric, "--forecasts"],
        ["rank", "--by", metric, "--all", "--level", "all", "-f", "csv"],
        ["rank", "--by", metric, "--chart", "-f", "table", "--lang", "en"],
        ["rank", "--by", metric, "--as-of", "2023", "--window", "6", "-f", "csv"],
        *(["rank", "--by", metric, "--top", top, "--level", "all", "-f", "csv"] for top in ("1", "2", "3", "5", "8")),
        ["compare", *places[:6], "--metric", metric, "--long", "-f", "csv"],
    ]


def by_type(kind: str, category: str) -> List[List[str]]:
    if category == "fund":
        return [["funds", "--type", kind, "-f", "table"], ["funds", "--type", kind, "-f", "json"]]
    return [
        ["subsidies", "--type", kind, "-f", "table"],
        ["subsidies", "--type", kind, "--spend", "1000万", "--startup", "-f", "json"],
        ["subsidies", "--type", kind, "--spend", "50万", "--lang", "en", "-f", "csv", "--citations"],
        # --top: chosen and ordered from outlines, the rows printed read whole (reader.programme_outlines)
        ["subsidies", "--type", kind, "--spend", "1000万", "--startup", "--top", "2", "-f", "json"],
    ]


def others(places: List[str], metrics: List[str]) -> List[List[str]]:
    return [
        ["list", "--long", "-f", "csv"],
        ["list", "--long", "--citations", "-f", "csv"],
        ["list", "-f", "markdown"],
        ["compare", *places, "-f", "table", "--width", "120"],
        ["compare", *places[:3], "-f", "json"],
        ["subsidies", "-f", "table"],
        ["subsidies", "--spend", "300万", "--top", "3", "-f", "markdown"],
        ["subsidies", "--top", "5", "-f", "json", "--citations"],
        ["subsidies", "--spend", "300万", "--top", "12", "--lang", "en", "-f", "csv", "--citations"],
        ["funds", "--top", "2", "-f", "json"],
        ["funds", "-f", "json"],
        ["targets", "-f", "table"],
        ["conflicts", "--all", "-f", "json"],
        ["policies", "-f", "table", "--lang", "en"],
        ["sources", "--citations", "-f", "csv"],
        ["cite", places[0], metrics[0], "-f", "json"],
        ["schema"],
        ["validate"],
        ["validate", "-f", "json"],
        ["validate", "-f", "csv"],
    ]


def errors(metric: str) -> List[List[str]]:
    return [
        ["rank", "--by", "nonsense"],
        ["show", "不存在的城市"],
        ["compare"],
        ["rank", "--by", metric, "--top", "0"],
        ["subsidies", "--spend", "lots"],
        ["extract", "{scratch}/none.txt"],
        ["validate", "{scratch}/none.toml"],
        ["rank", "--by", metric, "--as-of", "2024-13"],
    ]


def scratch_bases(seeds: List[str]) -> List[List[str]]:
    """Export (twice: the second refuses to overwrite), sources add into a new base, and the
    synthetic base `run_all` writes, alone and added to the bundled one."""
    add = ["sources", "add", "--data", "{scratch}/mine.toml", "--publisher", "新华社", "--published", "2025-06-18"]
    synthetic = ["--data", "{scratch}/synthetic"]
    return [
        ["export", "--sqlite", "{scratch}/base.sqlite3"],
        ["export", "--sqlite", "{scratch}/base.sqlite3"],
        [*add, "seeds/" + seeds[0], "--id", "copy-1", "--title", "标题"],
        [*add, "seeds/" + seeds[1], "--id", "copy-2", "--title", "第二"],
        ["validate", "{scratch}/mine.toml"],
        ["validate", "{scratch}/synthetic", "-f", "json"],
        ["validate", "{scratch}/synthetic"],
        ["rank", "--by", "ai_enterprises", *synthetic, "-f", "csv"],
        ["rank", "--by", "industry_scale", *synthetic, "--top", "7", "-f", "csv"],
        ["rank", "--by", "industry_scale", *synthetic, "--top", "30", "--targets", "-f", "json"],
        ["subsidies", *synthetic, "-f", "csv"],
        ["subsidies", *synthetic, "--spend", "300万", "--top", "30", "-f", "csv"],
        ["subsidies", "--with", "{scratch}/synthetic", "--spend", "300万", "--top", "40", "-f", "json"],
        ["list", *synthetic, "-f", "json"],
        ["rank", "--by", "industry_scale", "--with", "{scratch}/synthetic", "-f", "csv"],
    ]


def snapshot(scratch: Path) -> Dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in scratch.rglob("*") if p.is_file()}


def files_written(scratch: Path, before: Dict[Path, str]) -> str:
    """What the command wrote or changed in the scratch directory: text whole, SQLite as a dump."""
    shown = []
    for path, digest in sorted(snapshot(scratch).items()):
        if before.get(path) == digest:
            continue
        name = path.relative_to(scratch)
        if path.suffix == ".sqlite3":
            with sqlite3.connect(path) as db:
                shown.append(f"--- {name}\n" + "\n".join(db.iterdump()))
        else:
            shown.append(f"--- {name}\n" + path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(shown)


def run_all(checkout: Path, commands: List[List[str]], work: Path) -> List[str]:
    """Each command's output in `checkout`, the scratch and checkout paths written as placeholders."""
    scratch, cache = work / "scratch", work / "cache"
    scratch.mkdir(parents=True)
    env = environment(checkout, cache)
    subprocess.run(
        [
            sys.executable,
            str(checkout / "benchmarks" / "generate.py"),
            "--places",
            "40",
            "--figures",
            "6",
            "--out",
            str(scratch / "synthetic"),
        ],
        env=env,
        capture_output=True,
        check=True,
    )
    imported = subprocess.run(
        [sys.executable, "-c", "import cityai_cli; print(cityai_cli.__file__)"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert Path(imported.strip()).is_relative_to(checkout), f"{checkout} runs another cityai_cli: {imported}"
    outputs = []
    for args in commands:
        before = snapshot(scratch)
        argv = [a.replace("{scratch}", str(scratch)) for a in args]
        done = subprocess.run([sys.executable, "-m", "cityai_cli", *argv], cwd=checkout, env=env, capture_output=True)
        text = (
            f"$ cityai {shlex.join(args)}\nexit {done.returncode}\n--- stdout\n"
            + done.stdout.decode("utf-8", "replace")
            + "\n--- stderr\n"
            + done.stderr.decode("utf-8", "replace")
            + "\n"
            + files_written(scratch, before)
        )
        text = CACHE_KEY.sub("VALUES('key','{key}')", text)
        outputs.append(text.replace(str(scratch), "{scratch}").replace(str(checkout), "{checkout}"))
    return outputs


def environment(checkout: Path, cache: Path) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITYAI_")}
    env.update(
        PYTHONPATH=str(checkout),
        CITYAI_CACHE_DIR=str(cache),
        COLUMNS="100",
        NO_COLOR="1",
        PYTHONHASHSEED="0",
        LC_ALL="C.UTF-8",
    )
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="checkout to compare against (e.g. a `git archive main` copy)")
    parser.add_argument("new", type=Path, nargs="?", default=HERE.parent, help="checkout under test (default: this)")
    parser.add_argument("--show", type=int, default=3, help="print the diffs of this many differing commands")
    parser.add_argument("--keep", type=Path, help="also write each side's outputs to KEEP/old.txt and KEEP/new.txt")
    options = parser.parse_args()
    old, new = options.old.resolve(), options.new.resolve()
    with tempfile.TemporaryDirectory(prefix="cityai-identity-") as work:
        commands = broad_commands(new, environment(new, Path(work) / "names-cache"))
        sides = {name: run_all(path, commands, Path(work) / name) for name, path in (("old", old), ("new", new))}
    if options.keep:
        options.keep.mkdir(parents=True, exist_ok=True)
        for name, outputs in sides.items():
            (options.keep / f"{name}.txt").write_text("\n\n".join(outputs), encoding="utf-8")
    differing = [i for i, (a, b) in enumerate(zip(sides["old"], sides["new"])) if a != b]
    for i in differing[: options.show]:
        sys.stdout.writelines(
            difflib.unified_diff(sides["old"][i].splitlines(True), sides["new"][i].splitlines(True), str(old), str(new))
        )
    print(f"{len(commands)} commands, {len(differing)} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
