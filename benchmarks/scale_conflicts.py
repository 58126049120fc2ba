"""Scale cases for conflicts (issue 24 item 5): many figures in one conflict group.

    python benchmarks/scale_conflicts.py                 # both cases, 2,000 and 100,000 facts
    python benchmarks/scale_conflicts.py --case one --facts 8000
    python benchmarks/scale_conflicts.py --case many --format json   # csv (default), json, markdown

Case `one`: one place states `--facts` different counts of AI enterprises for the same year (one
conflict group; every figure contradicts every other: the worst case, n(n-1)/2 pairs).
Case `many`: 100,000 facts over 2,000 groups (500 places × 4 years × 50 figures).

Each case writes a base with benchmarks/generate.py's definitions, builds the cache once (cold,
measured), then measures warm `rank --by 企业数`, `conflicts` and `cite 城0 ai_enterprises` (every
citation of one place's figure), in `--format`, to /dev/null: wall seconds and peak resident memory
of the child process (bench.run). The targets: seconds, under 500 MB. The children are the `cityai`
beside the Python that runs the script: to compare with another checkout, run the script with the
Python of a virtual environment that has that checkout installed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import CITYAI, run  # noqa: E402
from generate import DEFINITIONS  # noqa: E402


def write_base(out: Path, places: int, years: int, per_group: int, per_file: int = 10) -> int:
    """places × years groups of per_group different exact counts, `per_file` places to a file (a
    knowledge-base file may hold at most 4 MiB); returns the number of facts."""
    (out / "seeds").mkdir(parents=True, exist_ok=True)
    (out / "00_definitions.toml").write_text(DEFINITIONS, encoding="utf-8")
    written = [out / "00_definitions.toml"]
    count = 0
    for first in range(0, places, per_file):
        source = f"scale-{first // per_file:04d}"
        lines = [
            f'[sources.{source}]\nfile = "{source}.txt"\npublisher = "合成"\ntitle = "{source}"\npublished = "2025"\n'
        ]
        quotes = []
        for place in range(first, min(first + per_file, places)):
            name = f"城{place}"
            lines.append(f'[places."{name}"]\nlevel = "city"\nprovince = "省"\npinyin = "Cheng {_letters(place)}"\n')
            for year in range(2024 - years + 1, 2025):
                for figure in range(per_group):
                    value = f"{1000 + figure}家"
                    quote = f"{name}{year}年企业{value}"
                    quotes.append(quote)
                    lines.append(
                        f'[[places."{name}".facts]]\nmetric = "ai_enterprises"\nscope = "ai"\nkind = "actual"\n'
                        f'value = "{value}"\ndate = "{year}"\ndate_basis = "stated"\n'
                        f'citations = [{{ source = "{source}", quote = "{quote}" }}]\n'
                    )
                    count += 1
        (out / "seeds" / f"{source}.txt").write_text("。\n".join(quotes) + "。\n", encoding="utf-8")
        (out / f"places_{first // per_file:04d}.toml").write_text("\n".join(lines), encoding="utf-8")
        written += [out / "seeds" / f"{source}.txt", out / f"places_{first // per_file:04d}.toml"]
    old = 10**18  # 2001: older than the timestamp tick, so that the cache is trusted (store.py)
    for path in written:
        os.utime(path, ns=(old, old))
    return count


def _letters(number: int) -> str:
    return "".join(chr(ord("a") + int(digit)) for digit in str(number))


def measure(folder: Path, label: str, fmt: str) -> None:
    env = {**os.environ, "CITYAI_CACHE_DIR": str(folder / "cache"), "COLUMNS": "120"}
    data = ["--data", str(folder)]
    for name, argv in (
        ("cold rank (builds the cache)", [*CITYAI, "rank", "--by", "企业数", "-f", fmt, *data]),
        ("warm rank", [*CITYAI, "rank", "--by", "企业数", "-f", fmt, *data]),
        ("warm conflicts", [*CITYAI, "conflicts", "-f", fmt, *data]),
        ("warm conflicts --all", [*CITYAI, "conflicts", "--all", "-f", fmt, *data]),
        ("warm cite (one place)", [*CITYAI, "cite", "城0", "ai_enterprises", "-f", fmt, *data]),
    ):
        seconds, peak, code, _ = run(argv, env)
        if code != 0:
            raise SystemExit(f"failed (exit {code}): {' '.join(argv)}")
        print(f"{label:<34} {name:<30} {seconds:7.2f} s {peak:7.0f} MB  exit {code}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["one", "many", "both"], default="both")
    parser.add_argument("--facts", type=int, default=2000, help="facts in the one group (case one)")
    parser.add_argument("--format", choices=["csv", "json", "markdown"], default="csv", help="output format")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="write the bases in DIR and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cityai-scale-") as scratch:
        tmp = args.keep or Path(scratch)
        if args.case in ("one", "both"):
            folder = Path(tmp) / "one"
            count = write_base(folder, 1, 1, args.facts)
            measure(folder, f"{count:,} facts in 1 group", args.format)
        if args.case in ("many", "both"):
            folder = Path(tmp) / "many"
            count = write_base(folder, 500, 4, 50)
            measure(folder, f"{count:,} facts in 2,000 groups", args.format)


if __name__ == "__main__":
    main()
