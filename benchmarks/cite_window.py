"""The issue-24 scale case for `cite`: 50 citations into one 3.9 MB document without line breaks.

    python benchmarks/cite_window.py --out /tmp/cite-scale [--runs 3]

Writes DIR/kb.toml (one place, 50 facts of one metric, each quoting a different stretch of the
document) and DIR/seeds/long.txt, then runs `cityai --data DIR/kb.toml cite 甲 企业数` with
`-f csv` and `-f table --width 100` (warm: a first run compiles the cache) and prints each run's
median wall time and the size of its output.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HEAD = """schema_version = 2

[metrics.ai_enterprises]
zh = "人工智能企业数"
en = "AI enterprises"
dimension = "count"
unit = "家"
aliases = ["企业数"]
scopes.ai = { zh = "人工智能企业", en = "AI enterprises" }

[sources.long]
file = "long.txt"
publisher = "合成"
title = "没有换行的长文档"
published = "2025-03-01"

[places."甲"]
level = "city"
pinyin = "Jia"
english = "Alpha"
"""
FILLER = "本市持续推进人工智能产业发展，加快建设算力基础设施，完善政策体系"  # no digits, no line break
CITATIONS = 50
SIZE = 3_900_000  # bytes of UTF-8


def generate(out: Path) -> None:
    (out / "seeds").mkdir(parents=True, exist_ok=True)
    quotes = [f"第{i}批人工智能企业{1000 + i}家" for i in range(CITATIONS)]
    filler_bytes = len(FILLER.encode("utf-8"))
    gap = (SIZE // filler_bytes) // (CITATIONS + 1)
    parts = []
    for quote in quotes:
        parts.append(FILLER * gap)
        parts.append(quote)
    parts.append(FILLER * gap)
    (out / "seeds" / "long.txt").write_text("".join(parts), encoding="utf-8")
    facts = [
        f'[[places."甲".facts]]\nmetric = "ai_enterprises"\nscope = "ai"\nkind = "actual"\n'
        f'value = "{1000 + i}家"\ndate = "{2000 + i}"\ndate_basis = "stated"\n'
        f'citations = [{{ source = "long", quote = "{quote}" }}]\n'
        for i, quote in enumerate(quotes)
    ]
    (out / "kb.toml").write_text(HEAD + "\n" + "\n".join(facts), encoding="utf-8")


def timed(args: list, runs: int, limit: float) -> tuple:
    """(median seconds, bytes of output), or (None, None) when a run takes longer than `limit`."""
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        try:
            done = subprocess.run(args, capture_output=True, timeout=limit)
        except subprocess.TimeoutExpired:
            return None, None
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(done.stderr.decode("utf-8", "replace"))
        size = len(done.stdout)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300, help="seconds a run may take (default 300)")
    options = parser.parse_args()
    generate(options.out)
    base = [sys.executable, "-m", "cityai_cli", "--data", str(options.out / "kb.toml"), "cite", "甲", "企业数"]
    os.environ.setdefault("CITYAI_CACHE_DIR", str(options.out / "cache"))
    subprocess.run([*base, "-f", "csv"], capture_output=True, timeout=600)  # compiles the cache
    for fmt in (["-f", "csv"], ["-f", "table", "--width", "100"]):
        seconds, size = timed([*base, *fmt], options.runs, options.timeout)
        if seconds is None:
            print(f"cite {' '.join(fmt):<24} over {options.timeout:.0f} s (stopped)")
        else:
            print(f"cite {' '.join(fmt):<24} {seconds:8.2f} s  {size / 1e6:10.2f} MB of output")


if __name__ == "__main__":
    main()
