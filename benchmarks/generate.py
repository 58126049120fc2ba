"""Write a synthetic knowledge base that passes `cityai validate`, for scale benchmarks.

    python benchmarks/generate.py --places 3000 --figures 40 --out /tmp/kb3000

DIR gets 00_definitions.toml (metrics, subsidy types) and one places_NNN.toml per
`--per-file` places, each declaring the sources its places cite (one source per 10 places);
DIR/seeds gets the source documents, in which every quote occurs, and every figure's number
occurs in its quote. Figures cycle over four metrics and ten years, every tenth is a target.
With `--conflicts K`, every K-th place also states its first industry scale again, one 亿 more,
from the same source: a contradiction (`cityai conflicts` lists one per such place).
"""

from __future__ import annotations

import argparse
from pathlib import Path

DEFINITIONS = """schema_version = 2
title = "Synthetic knowledge base (benchmarks/generate.py)"

[metrics.ai_enterprises]
zh = "人工智能企业数"
en = "AI enterprises"
dimension = "count"
unit = "家"
aliases = ["企业数"]
scopes.ai = { zh = "人工智能企业", en = "AI enterprises" }
scopes.above_scale = { zh = "规上人工智能企业", en = "AI enterprises above designated size" }

[metrics.industry_scale]
zh = "产业规模"
en = "industry scale"
dimension = "money"
unit = "元"
aliases = ["规模"]
scopes.ai_industry = { zh = "人工智能产业", en = "AI industry" }
scopes.ai_core_industry = { zh = "人工智能核心产业", en = "core AI industry" }

[metrics.compute_capacity]
zh = "智能算力规模"
en = "compute capacity"
dimension = "compute"
unit = "PFLOPS"
scopes.citywide = { zh = "全市智能算力", en = "citywide compute" }

[metrics.industry_growth]
zh = "产业规模增速"
en = "industry growth"
dimension = "ratio"
unit = "%"
scopes.annual = { zh = "年增速", en = "annual growth" }

[subsidy_types."算力券"]
en = "compute voucher"
pinyin = "suanli quan"
category = "voucher"
aliases = ["compute"]
"""

METRICS = [
    ("ai_enterprises", "ai", "企业", lambda n: f"超{1000 + n}家"),
    ("industry_scale", "ai_industry", "产业规模", lambda n: f"{100 + n}亿元"),
    ("compute_capacity", "citywide", "智能算力", lambda n: f"{10 + n}PFLOPS"),
    ("industry_growth", "annual", "增速", lambda n: f"{n % 90 + 1}%"),
]


def letters(number: int) -> str:
    """12 -> "bc": pinyin must be Latin letters, and unique per place."""
    return "".join(chr(ord("a") + int(digit)) for digit in str(number))


def place_name(i: int) -> str:
    return f"城{i}"


def generate(places: int, figures: int, out: Path, per_file: int = 100, conflicts: int = 0) -> None:
    out.mkdir(parents=True, exist_ok=True)
    seeds = out / "seeds"
    seeds.mkdir(exist_ok=True)
    (out / "00_definitions.toml").write_text(DEFINITIONS, encoding="utf-8")
    for first in range(0, places, per_file):
        lines: list = []
        sources: dict = {}
        for i in range(first, min(first + per_file, places)):
            source = f"gen-{first // per_file:04d}-{(i - first) // 10:03d}"
            quotes = sources.setdefault(source, [])
            name = place_name(i)
            lines.append(
                f'[places."{name}"]\nlevel = "city"\nprovince = "省{i // 100}"\nregions = ["区{i // 500}"]\n'
                f'pinyin = "Cheng {letters(i)}"\n'
            )
            for j in range(figures):
                metric, scope, word, figure = METRICS[j % len(METRICS)]
                year = 2015 + (j // len(METRICS)) % 10
                value = figure(i * 7 + j)
                quote = f"{name}{year}年{word}{value}"
                quotes.append(quote)
                target = j % 10 == 9
                kind = "target" if target else "actual"
                extra = f'set_on = "{year - 3}"\n' if target else ""
                lines.append(
                    f'[[places."{name}".facts]]\nmetric = "{metric}"\nscope = "{scope}"\nkind = "{kind}"\n'
                    f'value = "{value}"\ndate = "{year}"\ndate_basis = "stated"\n{extra}'
                    f'citations = [{{ source = "{source}", quote = "{quote}" }}]\n'
                )
                if conflicts and i % conflicts == 0 and j == 1:  # j = 1: the first industry scale
                    other = figure(i * 7 + j + 1)
                    quotes.append(f"{name}{year}年另报{word}{other}")
                    lines.append(
                        f'[[places."{name}".facts]]\nmetric = "{metric}"\nscope = "{scope}"\nkind = "{kind}"\n'
                        f'value = "{other}"\ndate = "{year}"\ndate_basis = "stated"\n'
                        f'citations = [{{ source = "{source}", quote = "{name}{year}年另报{word}{other}" }}]\n'
                    )
            policy = f"{name}人工智能产业发展行动计划"
            quotes.append(f"{name}印发《{policy}》")
            lines.append(
                f'[[places."{name}".policies]]\ntitle = "{policy}"\ndate = "2024"\ndate_basis = "stated"\n'
                f'citations = [{{ source = "{source}", quote = "{name}印发《{policy}》" }}]\n'
            )
            cap = f"最高{i % 500 + 100}万元"
            rate_quote, cap_quote = f"{name}算力券按合同金额的50%补贴", f"{name}单个企业{cap}"
            quotes += [rate_quote, cap_quote]
            lines.append(
                f'[[places."{name}".programmes]]\ntype = "算力券"\nname = "{name}算力券"\ndate = "2024"\n'
                f'date_basis = "stated"\nrate = {{ value = "50%", quote = "{rate_quote}" }}\n'
                f'cap = {{ value = "{cap}", quote = "{cap_quote}" }}\n'
                f'citations = [{{ source = "{source}", quote = "{rate_quote}" }}]\n'
            )
        head = []
        for source, quotes in sources.items():
            head.append(
                f'[sources.{source}]\nfile = "{source}.txt"\npublisher = "合成"\ntitle = "{source}"\n'
                f'published = "2025"\n'
            )
            (seeds / f"{source}.txt").write_text("。\n".join(quotes) + "。\n", encoding="utf-8")
        (out / f"places_{first // per_file:04d}.toml").write_text("\n".join(head + lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, required=True)
    parser.add_argument("--figures", type=int, required=True, help="figures per place")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--per-file", type=int, default=100, help="places per file (default 100)")
    parser.add_argument("--conflicts", type=int, default=0, help="every K-th place states a contradiction")
    args = parser.parse_args()
    generate(args.places, args.figures, args.out, args.per_file, args.conflicts)


if __name__ == "__main__":
    main()
