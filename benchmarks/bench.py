"""Measure start-up, scale, cold build and growth against the targets of issue 25; prints Markdown tables.

    python benchmarks/bench.py                 # ~10 minutes on 2 cores (most of it the 3,000-place base)
    python benchmarks/bench.py --only startup  # the start-up table alone (~1 minute)
    python benchmarks/bench.py --only cold     # the cold first run and validate at scale (~1 minute)
    python benchmarks/bench.py --only scale    # warm at scale: --top 30 ratios and the cost per row (~3 minutes)
    python benchmarks/bench.py --pairs 25 --places 3000 --figures 40

Start-up: each warm command (served from the compiled cache) is run in turn with its baseline,
`python -c "import typer"` for CSV and `python -c "import typer, rich.console, rich.table"` for
terminal tables, and the ratio of the medians is printed; alternating keeps drift of the machine
out of the ratio. cityai ends with os._exit (cityai_cli/__main__.py), which the baseline does not,
so a stricter baseline is run beside them: the same imports ended with os._exit.

Scale: a synthetic base (benchmarks/generate.py) of N places x M figures over many files: warm
`rank --top 30`, `subsidies --top 30` and `compare` against the same commands on the bundled base
(as many rows printed on both: the cost of the base's size), the cost of each row printed beyond
the first 30 (µs per row = (full output - `--top 30`) / extra rows), the cold first run (validate
+ compile + write the cache; time and peak memory, ru_maxrss of the child) and `validate` of the
whole base (schema, structure and every quote against its seed).

Growth: each warm command, the cold run and validate on a base of half the places against the
full one. A warm run's fixed start-up (the same command on the bundled base) is taken off both
before dividing: linear growth shows the half base costing 0.5 of the full (±20%: 0.4-0.6).

Children are the installed `cityai` console script (else `python -m cityai_cli`), with bytecode
caching on (PYTHONDONTWRITEBYTECODE removed), as an installed cityai would run, and with the
user's cache directory (XDG_CACHE_HOME, no CITYAI_CACHE_DIR) in a temporary directory.
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
# The console script a user runs (it imports cityai_cli.__main__, as `python -m cityai_cli` does
# through runpy, which costs ~3 ms more); `-m` when the script is not installed beside Python.
_SCRIPT = Path(sys.executable).with_name("cityai.exe" if os.name == "nt" else "cityai")
CITYAI = [PYTHON, str(_SCRIPT)] if _SCRIPT.is_file() else [PYTHON, "-m", "cityai_cli"]
TYPER = [PYTHON, "-c", "import typer"]
TYPER_RICH = [PYTHON, "-c", "import typer, rich.console, rich.table"]
# The same imports, ended as cityai ends (os._exit, no interpreter teardown): the stricter
# baseline, printed beside the target's, so that the ratio shows cityai's own cost.
STRICT = {
    "import typer": [PYTHON, "-c", "import os, typer; os._exit(0)"],
    "import typer, rich.console, rich.table": [PYTHON, "-c", "import os, typer, rich.console, rich.table; os._exit(0)"],
}
TARGETS: dict = {
    "csv": 1.15,
    "table": 1.15,
    "scale": 1.5,
    "per_row": 25.0,
    "cold": 8.0,
    "cold_memory": 350.0,
    "validate": 6.0,
    "growth": (0.4, 0.6),
}


def run(argv, env) -> tuple:
    """(seconds, peak resident MiB, exit code, CPU seconds) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is KiB on Linux, bytes on macOS
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return elapsed, peak, child.returncode, usage.ru_utime + usage.ru_stime


def medians(commands, env, count, cpu=None) -> list:
    """Median wall times (ms) of each command, run in turn `count` times: alternating keeps drift
    of the machine out of the ratios. With a list `cpu`, the median CPU times (ms) are put in it:
    on a shared machine the wall time also counts other processes' turns, the CPU time does not."""
    times: list = [[] for _ in commands]
    used: list = [[] for _ in commands]
    for command in commands:
        run(command, env)  # unmeasured: bytecode and page cache warm
    for _ in range(count):
        for position, command in enumerate(commands):
            elapsed, _, code, seconds = run(command, env)
            if code != 0:
                raise SystemExit(f"failed: {' '.join(command)}")
            times[position].append(elapsed)
            used[position].append(seconds)
    if cpu is not None:
        cpu[:] = [statistics.median(each) * 1000 for each in used]
    return [statistics.median(each) * 1000 for each in times]


def verdict(value: float, target: float) -> str:
    return "yes" if value <= target else "**no**"


def rows_printed(argv, env) -> int:
    """How many rows a CSV command prints (its lines less the header)."""
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
    return len(done.stdout.splitlines()) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description="cityai start-up, scale, cold-build and growth benchmarks")
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--places", type=int, default=3000)
    parser.add_argument("--figures", type=int, default=40)
    parser.add_argument(
        "--only",
        choices=["startup", "cold", "scale"],
        help="only the start-up ratios, only the "
        "cold first run and validate at scale (~1 minute each), or only warm at scale (~3 minutes)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cityai-bench-"))
    unset = ("PYTHONDONTWRITEBYTECODE", "CITYAI_DATA", "CITYAI_CACHE_DIR")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    # The user's cache directory, found as a user's run finds it (no CITYAI_CACHE_DIR), in scratch
    env.update(XDG_CACHE_HOME=str(work / "cache"), PYTHONIOENCODING="utf-8", COLUMNS="120")
    typer_version = subprocess.run(
        [PYTHON, "-c", "import typer; print(typer.__version__)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(
        f"Python {sys.version.split()[0]}, Typer {typer_version}, {os.cpu_count()} CPUs; "
        f"median of {args.pairs} alternating runs\n"
    )
    if args.only in (None, "startup"):
        startup(env, args)
    if args.only == "startup":
        return
    folder = work / "kb"
    generate(folder, args.places, args.figures)
    toml = sorted(folder.glob("*.toml"))
    size = sum(p.stat().st_size for p in toml)
    print(
        f"\nScale: {args.places:,} places x {args.figures} figures = {args.places * args.figures:,} facts, "
        f"{len(toml)} files, {size / 2**20:.1f} MiB of TOML\n"
    )
    data = ["--data", str(folder)]
    cold, cold_peak, code, cold_cpu = run(CITYAI + data + ["rank", "--by", "industry_scale", "-f", "csv"], env)
    assert code == 0, "cold run failed"
    if args.only == "scale":
        print("| measure | value | target | met |\n|---|---:|---:|:-:|")
        scale(data, env, args)
        return
    validate, validate_peak, code, validate_cpu = run(CITYAI + ["validate", str(folder)], env)
    print("| measure | value | target | met |\n|---|---:|---:|:-:|")
    if args.only != "cold":
        scale(data, env, args)
    # CPU time beside wall time: on a shared machine the wall time counts the other processes' turns
    print(
        f"| cold first run (validate, compile, write cache; rank; CPU {cold_cpu:.1f} s) | {cold:.1f} s | "
        f"≤ {TARGETS['cold']:.0f} s | {verdict(cold, TARGETS['cold'])} |"
    )
    print(
        f"| peak memory of the cold first run | {cold_peak:.0f} MiB | ≤ {TARGETS['cold_memory']:.0f} MiB | "
        f"{verdict(cold_peak, TARGETS['cold_memory'])} |"
    )
    print(
        f"| `validate` of the whole base (exit {code}; CPU {validate_cpu:.1f} s; peak {validate_peak:.0f} MiB) | "
        f"{validate:.1f} s | "
        f"≤ {TARGETS['validate']:.0f} s | {verdict(validate, TARGETS['validate'])} |"
    )
    if args.only == "cold":
        return
    growth(folder, data, env, args, cold, validate)


def startup(env: dict, args) -> None:
    """Warm commands on the bundled base against `import typer` (CSV) and `import typer, rich` (tables)."""
    csv_commands = [
        ("rank --by 产业规模", ["rank", "--by", "产业规模"]),
        ("compare 深圳 上海", ["compare", "深圳", "上海"]),
        ("subsidies --type 算力券 --spend 300万", ["subsidies", "--type", "算力券", "--spend", "300万"]),
        ("list", ["list"]),
    ]
    run(CITYAI + ["list", "-f", "csv"], env)  # cold: builds the cache
    print(
        f"`{' '.join(Path(part).name for part in CITYAI[1:])}`; strict: the baseline's imports ended with "
        "os._exit, as cityai ends\n"
    )
    print(
        "| warm command | cityai (ms) | baseline (ms) | ratio | target | met | strict (ms) | ratio to strict |\n"
        "|---|---:|---:|---:|---:|:-:|---:|---:|"
    )
    rows = [(label, argv + ["-f", "csv"], "import typer", TARGETS["csv"]) for label, argv in csv_commands]
    rows += [
        (label, argv + ["-f", "table"], "import typer, rich.console, rich.table", TARGETS["table"])
        for label, argv in csv_commands[:2]
    ]
    for label, argv, imports, target in rows:
        baseline = TYPER if imports == "import typer" else TYPER_RICH
        mine, theirs, strict = medians([CITYAI + argv, baseline, STRICT[imports]], env, args.pairs)
        print(
            f"| `{' '.join([label] + argv[-2:])}` vs `{imports}` | {mine:.0f} | {theirs:.0f} | {mine / theirs:.2f} | "
            f"≤ {target} | {verdict(mine / theirs, target)} | {strict:.0f} | {mine / strict:.2f} |"
        )


def generate(folder: Path, places: int, figures: int, conflicts: int = 0) -> None:
    subprocess.run(
        [PYTHON, str(HERE / "generate.py"), "--places", str(places), "--figures", str(figures), "--out", str(folder)]
        + (["--conflicts", str(conflicts)] if conflicts else []),
        check=True,
    )


RANK = ["rank", "--by", "industry_scale"]
SUBSIDIES = ["subsidies", "--spend", "300万"]


def scale(data: list, env: dict, args) -> None:
    """Warm at scale against the bundled base (as many rows on both), and the cost of each further row."""
    top = ["--top", "30", "-f", "csv"]
    for label, big, small in [
        ("rank --top 30", RANK + top, RANK + top),
        ("subsidies --top 30", SUBSIDIES + top, SUBSIDIES + top),
        ("compare", ["compare", "城1", "城2", "-f", "csv"], ["compare", "深圳", "上海", "-f", "csv"]),
    ]:
        cpu: list = []
        mine, bundled = medians([CITYAI + data + big, CITYAI + small], env, args.pairs, cpu)
        print(
            f"| warm `{label}`: {mine:.0f} ms vs {bundled:.0f} ms on the bundled base (CPU {cpu[0]:.0f} vs "
            f"{cpu[1]:.0f} ms: {cpu[0] / cpu[1]:.2f}×) | {mine / bundled:.2f}× "
            f"| ≤ {TARGETS['scale']}× | {verdict(mine / bundled, TARGETS['scale'])} |"
        )
    for label, argv in [("rank", RANK), ("subsidies", SUBSIDIES)]:
        full = CITYAI + data + argv + ["-f", "csv"]
        extra = rows_printed(full, env) - 30
        cpu = []
        whole, first = medians([full, CITYAI + data + argv + top], env, args.pairs, cpu)
        per_row = (whole - first) * 1000 / extra
        print(
            f"| warm `{label}`: each row beyond the first 30 ({whole:.0f} - {first:.0f} ms over {extra:,} rows; "
            f"CPU {(cpu[0] - cpu[1]) * 1000 / extra:.1f} µs) | "
            f"{per_row:.1f} µs | ≤ {TARGETS['per_row']:.0f} µs | {verdict(per_row, TARGETS['per_row'])} |"
        )


def growth(folder: Path, data: list, env: dict, args, cold: float, validate: float) -> None:
    """The same measures on a base of half the places: the half base costs half (±20%) of the full
    one, once the fixed start-up (the command on the bundled base) is taken off warm runs."""
    half = folder.with_name("kb-half")
    generate(half, args.places // 2, args.figures)
    small = ["--data", str(half)]
    half_cold = run(CITYAI + small + ["rank", "--by", "industry_scale", "-f", "csv"], env)[0]
    low, high = TARGETS["growth"]
    print(
        f"\nGrowth: {args.places // 2:,} against {args.places:,} places; warm: less the same command on the "
        f"bundled base (the fixed start-up); target: half / full from {low} to {high}\n"
    )
    print("| measure | bundled | half | full | half / full | met |\n|---|---:|---:|---:|---:|:-:|")
    for label, argv in [
        ("warm `rank -f csv`", RANK + ["-f", "csv"]),
        ("warm `subsidies -f csv`", SUBSIDIES + ["-f", "csv"]),
        ("warm `list -f csv`", ["list", "-f", "csv"]),
        ("warm `targets -f csv`", ["targets", "-f", "csv"]),
        ("warm `conflicts -f csv`, a contradiction in every 10th place", ["conflicts", "-f", "csv"]),
        ("warm `metrics -f csv`", ["metrics", "-f", "csv"]),
        ("warm `sources -f csv`", ["sources", "-f", "csv"]),
    ]:
        full, half_ = (data, small) if argv[0] != "conflicts" else _with_conflicts(folder, args, env)
        full_ms, half_ms, fixed = medians(
            [CITYAI + full + argv, CITYAI + half_ + argv, CITYAI + argv], env, max(5, args.pairs // 3)
        )
        share = (half_ms - fixed) / (full_ms - fixed)
        print(
            f"| {label} | {fixed:.0f} ms | {half_ms:.0f} ms | {full_ms:.0f} ms | {share:.2f} | "
            f"{'yes' if low <= share <= high else '**no**'} |"
        )
    half_validate = run(CITYAI + ["validate", str(half)], env)[0]
    for label, half_s, full_s in [("cold first run", half_cold, cold), ("`validate`", half_validate, validate)]:
        share = half_s / full_s
        met = "yes" if low <= share <= high else "**no**"
        print(f"| {label} | | {half_s:.1f} s | {full_s:.1f} s | {share:.2f} | {met} |")


def _with_conflicts(folder: Path, args, env: dict) -> tuple:
    """--data of a full and a half base whose every 10th place states a contradiction (the plain
    synthetic base has none, so `conflicts` would measure only the start-up), compiled once."""
    bases = []
    for name, places in (("kb-conflicts", args.places), ("kb-conflicts-half", args.places // 2)):
        generate(folder.with_name(name), places, args.figures, conflicts=10)
        bases.append(["--data", str(folder.with_name(name))])
        run(CITYAI + bases[-1] + ["conflicts", "-f", "csv"], env)  # the cold run: compiles the cache
    return bases[0], bases[1]


if __name__ == "__main__":
    main()
