"""Measure start-up and scale; prints a Markdown table for the README.

    python benchmarks/bench.py            # about a minute on 2 cores

Start-up: wall time of whole processes (median of N runs) against the bare `import typer`
baseline. Scale: load + rank + compare + subsidies on synthetic knowledge bases of growing size,
in-process, so the figures isolate cityai's own work from interpreter start-up.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 15


def wall(argv, runs=RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def letters(number: int) -> str:
    """12 -> "bc": pinyin must be Latin letters, and unique per place."""
    return "".join(chr(ord("a") + int(digit)) for digit in str(number))


def synthetic(places: int, figures_per_place: int) -> str:
    lines = ['schema_version = 1',
             '[metrics.ai_enterprises]\nzh = "人工智能企业数"\nen = "AI enterprises"\ndimension = "count"\nunit = "家"',
             '[metrics.industry_scale]\nzh = "产业规模"\nen = "industry scale"\ndimension = "money"\nunit = "元"',
             '[subsidy_types."算力券"]\nen = "compute voucher"',
             '[sources.s]\nfile = "none.txt"\npublisher = "p"\ntitle = "t"\npublished = "2025"']
    for i in range(places):
        lines.append(f'[places."城{i}"]\nlevel = "city"\npinyin = "Cheng {letters(i)}"')
        for j in range(figures_per_place):
            metric, value = ("ai_enterprises", f"超{1000 + i + j}家") if j % 2 else ("industry_scale", f"{i + j}亿元")
            lines.append(f'[[places."城{i}".figures]]\nmetric = "{metric}"\nvalue = "{value}"\n'
                         f'as_of = "{2000 + j % 25}"\nsource = "s"\nquote = "q"')
        lines.append(f'[[places."城{i}".subsidies]]\ntype = "算力券"\nname = "v{i}"\nsource = "s"\n'
                     f'rate = {{ value = "50%", quote = "q" }}\ncap = {{ value = "最高{i + 1}00万元", quote = "q" }}')
    return "\n\n".join(lines) + "\n"


def scale(places: int, per_place: int) -> dict:
    from decimal import Decimal

    from cityai_cli.kb import load
    from cityai_cli.query.compare import compare
    from cityai_cli.query.rank import rank
    from cityai_cli.query.subsidies import list_subsidies
    from cityai_cli.render import render

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kb.toml"
        path.write_text(synthetic(places, per_place), encoding="utf-8")
        size = path.stat().st_size
        start = time.perf_counter()
        loaded = load(path)
        loaded_at = time.perf_counter()
        render(rank(loaded.kb, "industry_scale"), "csv")
        ranked_at = time.perf_counter()
        render(compare(loaded.kb, ["城0", "城1", "城2"]), "csv")
        compared_at = time.perf_counter()
        render(list_subsidies(loaded.kb, spend=Decimal(3000000)), "csv")
        done = time.perf_counter()
    return {"places": places, "figures": places * per_place, "bytes": size,
            "load": (loaded_at - start) * 1000, "rank": (ranked_at - loaded_at) * 1000,
            "compare": (compared_at - ranked_at) * 1000, "subsidies": (done - compared_at) * 1000}


def main() -> None:
    python = sys.executable
    print(f"Python {sys.version.split()[0]}, median of {RUNS} runs\n")
    print("| command | wall time (ms) |\n|---|---:|")
    rows = [("python -c 'import typer' (baseline)", [python, "-c", "import typer"]),
            ("cityai --version", [python, "-m", "cityai_cli", "--version"]),
            ("cityai compare 深圳 上海 -f csv", [python, "-m", "cityai_cli", "compare", "深圳", "上海", "-f", "csv"]),
            ("cityai rank --by 产业规模 -f csv", [python, "-m", "cityai_cli", "rank", "--by", "产业规模", "-f", "csv"]),
            ("cityai rank --by 产业规模 -f table", [python, "-m", "cityai_cli", "rank", "--by", "产业规模", "-f", "table"]),
            ("cityai subsidies --type 算力券 --spend 300万 -f csv",
             [python, "-m", "cityai_cli", "subsidies", "--type", "算力券", "--spend", "300万", "-f", "csv"]),
            ("cityai validate", [python, "-m", "cityai_cli", "validate"])]
    for label, argv in rows:
        print(f"| `{label}` | {wall(argv):.0f} |")
    print("\n| places | figures | file size | load + validate (ms) | rank (ms) | compare 3 (ms) | subsidies --spend (ms) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for places, per_place in ((100, 10), (1000, 10), (3000, 10)):
        r = scale(places, per_place)
        print(f"| {r['places']:,} | {r['figures']:,} | {r['bytes'] / 1024:,.0f} KiB | {r['load']:.0f} | "
              f"{r['rank']:.0f} | {r['compare']:.0f} | {r['subsidies']:.0f} |")


if __name__ == "__main__":
    main()
