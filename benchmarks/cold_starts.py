"""Issue 25: N cityai processes started at once on a cold cache, with the base compiled once or N times.

    python benchmarks/generate.py --places 1000 --figures 40 --out /tmp/kb1000
    python benchmarks/cold_starts.py --data /tmp/kb1000 [--processes 8] [--code DIR]

Each round empties a fresh cache directory, starts the processes together (`rank --by 企业数 --top
5 -f csv`) and waits for all; it prints the wall time until the last one ends, the CPU time of
all of them (user + system), and how many compiled files the cache holds afterwards. `--code DIR`
runs the cityai_cli found in DIR (e.g. a checkout of main, to compare side by side).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one_round(data: Path, processes: int, code: Path) -> tuple:
    cache = Path(tempfile.mkdtemp(prefix="cityai-cold-"))
    env = {**os.environ, "CITYAI_CACHE_DIR": str(cache)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    args = [
        sys.executable,
        "-m",
        "cityai_cli",
        "--data",
        str(data),
        "rank",
        "--by",
        "企业数",
        "--top",
        "5",
        "-f",
        "csv",
    ]
    runs = [subprocess.Popen(args, cwd=code, env=env, stdout=subprocess.DEVNULL) for _ in range(processes)]
    codes = [run.wait() for run in runs]
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if any(codes):
        raise SystemExit(f"a run failed: {codes}")
    return wall, cpu, len(list(cache.glob("*.sqlite3")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parent.parent)
    options = parser.parse_args()
    results = [one_round(options.data, options.processes, options.code) for _ in range(options.rounds)]
    wall = statistics.median(r[0] for r in results)
    cpu = statistics.median(r[1] for r in results)
    print(
        f"{options.processes} cold starts ({options.code}): wall {wall:.1f} s, CPU {cpu:.1f} s, files {results[0][2]}"
    )


if __name__ == "__main__":
    main()
