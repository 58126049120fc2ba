"""Terminal tables at scale: `rank --by 企业数 -f table --width 80` on synthetic bases of N and 4N
places (benchmarks/generate.py), warm cache, beside CSV of the same command.

    python benchmarks/scale_tables.py              # 1,500 and 6,000 places
    python benchmarks/scale_tables.py --places 750
    python benchmarks/scale_tables.py --long 60000   # fold one name of 60,000 signs, in process

The table's time should grow linearly with the rows (ratio 4N/N near 4 on a quiet machine). A
check that looked up every cell's word on every drawn line was quadratic: at 6,000 places it made
36 million look-ups, and rendering in process took 12.8 s (8.2 s without it).

--long N folds a name of N signs without a letter ("-" and "🚀") as a table cell and a note:
a token pattern that retried the whole run from each position took 100 s at 60,000 (now ~0.1 s).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import CITYAI, run  # noqa: E402

GENERATE = Path(__file__).resolve().parent / "generate.py"


def measure(folder: Path, places: int) -> dict:
    subprocess.run(
        [sys.executable, str(GENERATE), "--places", str(places), "--figures", "10", "--out", str(folder)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "CITYAI_CACHE_DIR": str(folder / "cache"), "CITYAI_DATA": str(folder)}
    command = [*CITYAI, "rank", "--by", "企业数", "--width", "80"]
    run([*command, "-f", "csv"], env)  # builds the cache
    seconds = {fmt: run([*command, "-f", fmt], env)[0] for fmt in ("csv", "table")}
    print(f"{places:>6} places   csv {seconds['csv']:6.2f} s   table {seconds['table']:6.2f} s", flush=True)
    return seconds


def long_name(length: int) -> None:
    import time

    from cityai_cli.render.table_format import _fold

    for sign in ("-", "🚀", "a-"):  # signs, symbols, a compound of one-letter words
        text = (sign * length)[:length] + "a"
        started = time.perf_counter()
        _fold(text, 40)
        _fold(text, 40, ids_whole=True)
        print(f"{length:,} x {sign!r}: {time.perf_counter() - started:.2f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=1500, help="N (the second base has 4N places)")
    parser.add_argument("--long", type=int, default=0, help="only fold a name of this many signs")
    args = parser.parse_args()
    if args.long:
        long_name(args.long)
        return
    with tempfile.TemporaryDirectory(prefix="cityai-tables-") as tmp:
        small = measure(Path(tmp) / "small", args.places)
        large = measure(Path(tmp) / "large", 4 * args.places)
    print(f"ratio 4N/N: csv {large['csv'] / small['csv']:.1f}, table {large['table'] / small['table']:.1f}")


if __name__ == "__main__":
    main()
