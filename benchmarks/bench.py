"""Measure start-up and scale against the targets of issue 10; prints Markdown tables for the README.

    python benchmarks/bench.py                 # ~3 minutes on 2 cores (most of it the 3,000-place base)
    python benchmarks/bench.py --pairs 25 --places 3000 --figures 40

Start-up: each warm command (served from the compiled cache) is timed in alternating pairs with
its baseline, `python -c "import typer"` for CSV and `python -c "import typer, rich.console,
rich.table"` for terminal tables, and the ratio of the medians is printed. Alternating keeps
drift of the machine out of the ratio.

Scale: a synthetic base (benchmarks/generate.py) of N places x M figures over many files: warm
rank, compare and subsidies against the same commands on the bundled base, the cold first run
(validate + compile + write the cache), peak memory of a warm run (ru_maxrss of the child) and
`validate` of the whole base (schema, structure and every quote against its seed).

Children run with bytecode caching on (PYTHONDONTWRITEBYTECODE removed), as an installed cityai
would, and with CITYAI_CACHE_DIR in a temporary directory.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
CITYAI = [PYTHON, "-m", "cityai_cli"]
TYPER = [PYTHON, "-c", "import typer"]
TYPER_RICH = [PYTHON, "-c", "import typer, rich.console, rich.table"]
TARGETS = {"csv": 1.25, "table": 1.25, "scale": 2.0, "cold": 15.0, "memory": 150.0, "validate": 20.0}


def run(argv, env) -> tuple:
    """(seconds, peak resident MiB, exit code) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is KiB on Linux, bytes on macOS
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return elapsed, peak, child.returncode


def pairs(command, baseline, env, count) -> tuple:
    """Median wall times (ms) of `command` and `baseline`, run alternately `count` times each."""
    mine, theirs = [], []
    run(baseline, env), run(command, env)            # unmeasured: bytecode and page cache warm
    for _ in range(count):
        theirs.append(run(baseline, env)[0])
        elapsed, _, code = run(command, env)
        if code != 0:
            raise SystemExit(f"failed: {' '.join(command)}")
        mine.append(elapsed)
    return statistics.median(mine) * 1000, statistics.median(theirs) * 1000


def verdict(value: float, target: float) -> str:
    return "yes" if value <= target else "**no**"


def main() -> None:
    parser = argparse.ArgumentParser(description="cityai start-up and scale benchmarks")
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--places", type=int, default=3000)
    parser.add_argument("--figures", type=int, default=40)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cityai-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "CITYAI_DATA")}
    env.update(CITYAI_CACHE_DIR=str(work / "cache"), PYTHONIOENCODING="utf-8", COLUMNS="120")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; median of {args.pairs} alternating pairs\n")

    csv_commands = [("rank --by 产业规模", ["rank", "--by", "产业规模"]), ("compare 深圳 上海", ["compare", "深圳", "上海"]),
                    ("subsidies --type 算力券 --spend 300万", ["subsidies", "--type", "算力券", "--spend", "300万"]),
                    ("list", ["list"])]
    run(CITYAI + ["list", "-f", "csv"], env)                      # cold: builds the cache
    print("| warm command | cityai (ms) | baseline (ms) | ratio | target | met |\n|---|---:|---:|---:|---:|:-:|")
    for label, argv in csv_commands:
        mine, theirs = pairs(CITYAI + argv + ["-f", "csv"], TYPER, env, args.pairs)
        print(f"| `{label} -f csv` vs `import typer` | {mine:.0f} | {theirs:.0f} | {mine / theirs:.2f} | "
              f"≤ {TARGETS['csv']} | {verdict(mine / theirs, TARGETS['csv'])} |")
    for label, argv in csv_commands[:2]:
        mine, theirs = pairs(CITYAI + argv + ["-f", "table"], TYPER_RICH, env, args.pairs)
        print(f"| `{label} -f table` vs `import typer, rich.console, rich.table` | {mine:.0f} | {theirs:.0f} | "
              f"{mine / theirs:.2f} | ≤ {TARGETS['table']} | {verdict(mine / theirs, TARGETS['table'])} |")

    folder = work / "kb"
    subprocess.run([PYTHON, str(HERE / "generate.py"), "--places", str(args.places), "--figures", str(args.figures),
                    "--out", str(folder)], check=True)
    toml = sorted(folder.glob("*.toml"))
    size = sum(p.stat().st_size for p in toml)
    print(f"\nScale: {args.places:,} places x {args.figures} figures = {args.places * args.figures:,} facts, "
          f"{len(toml)} files, {size / 2 ** 20:.1f} MiB of TOML\n")
    data = ["--data", str(folder)]
    cold, cold_peak, code = run(CITYAI + data + ["rank", "--by", "industry_scale", "-f", "csv"], env)
    assert code == 0, "cold run failed"
    rows = []
    for label, big, small in [("rank", ["rank", "--by", "industry_scale"], ["rank", "--by", "industry_scale"]),
                              ("compare", ["compare", "城1", "城2"], ["compare", "深圳", "上海"]),
                              ("subsidies", ["subsidies", "--spend", "300万"], ["subsidies", "--spend", "300万"])]:
        mine, bundled = pairs(CITYAI + data + big + ["-f", "csv"], CITYAI + small + ["-f", "csv"], env, args.pairs)
        rows.append((label, mine, bundled))
    peak = max(run(CITYAI + data + argv + ["-f", "csv"], env)[1] for argv in
               (["rank", "--by", "industry_scale"], ["subsidies", "--spend", "300万"], ["list"]))
    validate, validate_peak, code = run(CITYAI + ["validate", str(folder)], env)
    print("| measure | value | target | met |\n|---|---:|---:|:-:|")
    for label, mine, bundled in rows:
        print(f"| warm `{label} -f csv`: {mine:.0f} ms vs {bundled:.0f} ms on the bundled base | {mine / bundled:.2f}× | "
              f"≤ {TARGETS['scale']}× | {verdict(mine / bundled, TARGETS['scale'])} |")
    print(f"| cold first run (validate, compile, write cache; rank) | {cold:.1f} s | ≤ {TARGETS['cold']} s | "
          f"{verdict(cold, TARGETS['cold'])} |")
    print(f"| peak memory of a warm run (rank, subsidies, list) | {peak:.0f} MiB | ≤ {TARGETS['memory']:.0f} MB | "
          f"{verdict(peak, TARGETS['memory'])} |")
    print(f"| `validate` of the whole base (exit {code}) | {validate:.1f} s | ≤ {TARGETS['validate']} s | "
          f"{verdict(validate, TARGETS['validate'])} |")
    print(f"| peak memory: cold run / validate | {cold_peak:.0f} / {validate_peak:.0f} MiB | | |")


if __name__ == "__main__":
    main()
