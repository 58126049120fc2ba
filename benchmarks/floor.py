"""The floor under a warm `rank` and `subsidies` at scale, measured two ways.

1. No cityai code, only what any program printing the same rows must do: fetch the values those
   rows hold from the compiled cache with `sqlite3`, and write a table of the same shape (rows x
   columns of text) with `csv.writer`. Compare with 2x the bundled base's warm run minus start-up
   (bench.py): what is left for cityai's own reading, rules, labels and escaping.
2. cityai with its output free: the warm command at scale run with every CSV cell written empty
   (no wording, no JSON, no escaping: `csv_format._column` replaced in the child), against the
   unchanged command on the bundled base, alternating as bench.py does. The ratio is what reading
   the base, applying the rules and building the records cost on their own.

    python benchmarks/floor.py                 # generates 3,000 places x 40 figures (~15 s)
    python benchmarks/floor.py --data DIR      # a base already generated
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench import CITYAI, medians  # noqa: E402  (the same children and clock as the benchmark)

COMMANDS = {
    "rank": ["rank", "--by", "industry_scale", "-f", "csv"],
    "subsidies": ["subsidies", "--spend", "300万", "-f", "csv"],
}
# The command line with every CSV cell written empty: what is left is start-up, reading the base,
# the rules and the records. Fails loudly if the renderer's column function is renamed.
FREE_OUTPUT = [
    sys.executable,
    "-c",
    (
        "import sys, cityai_cli.render.csv_format as f\n"
        "assert callable(f._column)\n"
        "f._column = lambda column, rows: [''] * len(rows)\n"
        "from cityai_cli.__main__ import run\n"
        "run()"
    ),
]

RANK = [
    "SELECT f.id, f.place, f.metric, f.scope, f.kind, value_text, value, value_unit, value_dimension, "
    "value_qualifier, value_upper, value_literal, f.date, f.date_basis, f.set_on, f.note, f.headline "
    "FROM facts f WHERE f.metric = 'industry_scale' AND f.headline = 1 AND f.kind = 'actual' ORDER BY f.id",
    "SELECT c.fact, c.source, c.quote, c.text, c.note FROM citations c JOIN facts f ON f.id = c.fact "
    "WHERE f.metric = 'industry_scale' AND f.headline = 1 AND f.kind = 'actual' ORDER BY c.fact, c.position",
    "SELECT name, level FROM places",
]
SUBSIDIES = [
    "SELECT programme, role, value_text, value, value_unit, value_dimension, value_qualifier, value_upper, "
    "value_literal, period, quote, source, note, applies_to, flag FROM terms ORDER BY programme, role, position",
    "SELECT id, place, type, name, policy, date, date_basis, eligibility, note FROM programmes ORDER BY id",
    "SELECT c.programme, c.source, c.quote, c.text, c.note FROM citations c WHERE c.programme IS NOT NULL "
    "ORDER BY c.programme, c.position",
]


def floor(cache: Path, queries: list, columns: int) -> tuple:
    """(ms fetching, ms writing CSV) for one command's rows."""
    db = sqlite3.connect(f"file:{cache}?mode=ro", uri=True)
    start = time.perf_counter()
    fetched = [db.execute(sql).fetchall() for sql in queries]
    fetch = time.perf_counter() - start
    rows = [[f"{row[1]}{i}" for i in range(columns)] for row in fetched[0 if columns < 30 else 1]]
    start = time.perf_counter()
    csv.writer(io.StringIO(), lineterminator="\r\n").writerows(rows)
    write = time.perf_counter() - start
    db.close()
    return fetch * 1000, write * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description="the floor under rank and subsidies at scale")
    parser.add_argument("--data", type=Path, help="a generated base (default: generate one)")
    parser.add_argument("--runs", type=int, default=9, help="runs of each measure (alternating)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cityai-floor-"))
    data = args.data
    if data is None:
        data = work / "kb"
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--places", "3000", "--figures", "40", "--out", str(data)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    env = {**os.environ, "CITYAI_CACHE_DIR": str(work / "cache")}
    subprocess.run(
        [sys.executable, "-m", "cityai_cli", "--data", str(data), "rank", "--by", "industry_scale", "-f", "csv"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    (cache,) = (work / "cache").glob("*.sqlite3")
    gc.disable()  # as cityai runs
    for name, queries, columns in (("rank", RANK, 21), ("subsidies", SUBSIDIES, 43)):
        runs = [floor(cache, queries, columns) for _ in range(args.runs)]
        fetch, write = (statistics.median(run[i] for run in runs) for i in (0, 1))
        print(
            f"{name}: fetch {fetch:.0f} ms, csv.writer {write:.0f} ms ({columns} columns), sum {fetch + write:.0f} ms"
        )
    # as bench.py runs them: an installed cityai writes bytecode, and no CITYAI_DATA
    env = {k: v for k, v in env.items() if k not in ("PYTHONDONTWRITEBYTECODE", "CITYAI_DATA")}
    for name, command in COMMANDS.items():
        scale = ["--data", str(data)] + command
        bundled, full, free = medians([CITYAI + command, CITYAI + scale, FREE_OUTPUT + scale], env, args.runs)
        print(
            f"{name} warm: bundled {bundled:.0f} ms, at scale {full / bundled:.2f}x, "
            f"at scale with output free {free / bundled:.2f}x"
        )


if __name__ == "__main__":
    main()
