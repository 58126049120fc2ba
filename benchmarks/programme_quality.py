"""How well `cityai extract` finds voucher and subsidy programmes (issue 22).

    python benchmarks/programme_quality.py [--show]

Runs `cityai_cli.core.extract.programmes.extract_programmes` on the fixture policy documents in
tests/fixtures/extract/programmes/ (simplified and traditional, a news repost, two programme types
in one paragraph, special conditions, a pool but no rate) against what each states
(expected.toml), and prints per document: programmes stated, found with the right place and type,
with the right pool (value and period), rate (value and basis), cap (value and period) and special
rates (value and condition), and with every stated term right (a term the document does not state
must be absent too). Values match when parse_figure gives the same value, bound and unit (萬 = 万).
The last column says whether `extract --format toml` output, added to a base after `sources add`,
passes `cityai validate` with no hand edit. A second table does the same on the five seed
documents against the programmes curated from each (data/cities.toml; funds left out: they are
no programme anyone claims), each term against the source it cites. --show lists what is wrong.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import tomli as tomllib  # tomli parses TOML on every Python (a dependency of cityai)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "extract" / "programmes"

from cityai_cli.core.extract.programmes import extract_programmes  # noqa: E402
from cityai_cli.core.figures.quantity import FigureError, parse_figure  # noqa: E402
from extract_quality import place_forms  # noqa: E402  (beside this script)


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        x, y = parse_figure(a), parse_figure(b)
    except FigureError:
        return False
    return (x.value, x.upper, x.bound, x.unit) == (y.value, y.upper, y.bound, y.unit)


def terms_right(found, stated: dict) -> dict:
    """For each kind of term: whether the candidate has it as stated (absent when not stated)."""

    def term(role, detail):
        t = getattr(found, role)
        written = getattr(t, detail) if t else ""
        wanted = stated.get(f"{role}_{detail}", "")
        same_detail = written == wanted or {written, wanted} == {"unknown", ""}  # a curated cap may leave it out
        return same(t.value if t else None, stated.get(role)) and (t is None or same_detail)

    specials = [(t.value, _simplified(t.applies_to)) for t in found.special_rates]
    wanted = [(s["value"], _simplified(s["applies_to"])) for s in stated.get("special_rates", [])]
    optional = stated.get("elsewhere", {})  # curated from another source: may be found here too
    stated = {**stated, **{k: v for k, v in optional.items() if getattr(found, k.split("_")[0]) is not None}}
    return {
        "pool": term("pool", "period"),
        "rate": term("rate", "basis"),
        "cap": term("cap", "period"),
        "special": len(specials) == len(wanted)
        and all(same(a[0], b[0]) and a[1] == b[1] for a, b in zip(specials, wanted)),
    }


def validates(name: str, published: str) -> bool:
    """sources add, extract --format toml, validate: as a curator would, with no hand edit."""
    document = FIXTURES / f"{name}.txt"
    source = name.replace("_", "-")

    def cityai(*args: str, cwd: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cityai_cli", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8"
        )

    with tempfile.TemporaryDirectory() as folder:
        cityai(
            "sources",
            "add",
            str(document),
            "--id",
            source,
            "--title",
            name,
            "--publisher",
            "测试",
            "--published",
            published,
            "--with",
            "my.toml",
            cwd=folder,
        )
        out = cityai(
            "extract",
            str(document),
            "--published",
            published,
            "--source",
            source,
            "-f",
            "toml",
            "--with",
            "my.toml",
            cwd=folder,
        )
        with open(Path(folder) / "my.toml", "a", encoding="utf-8") as handle:
            handle.write("\n" + out.stdout)
        return out.returncode == 0 and cityai("validate", "--with", "my.toml", cwd=folder).returncode == 0


def run(show: bool = False, check_toml: bool = True) -> list:
    kb = tomllib.loads((ROOT / "data" / "cities.toml").read_text(encoding="utf-8"))
    places = place_forms(kb)
    keywords = {key: t.get("keywords", []) for key, t in kb["subsidy_types"].items()}
    expected = tomllib.loads((FIXTURES / "expected.toml").read_text(encoding="utf-8"))
    rows = []
    for name, document in expected.items():
        text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
        found, _ = extract_programmes(text, published=document["published"], places=places, type_keywords=keywords)
        counts = dict.fromkeys(("found", "pool", "rate", "cap", "special", "all"), 0)
        for stated in document["programmes"]:
            match = next((p for p in found if (p.place, p.type) == (stated["place"], stated["type"])), None)
            if match is None:
                if show:
                    print(f"  {name}: missed {stated['place']} {stated['type']}")
                continue
            right = terms_right(match, stated)
            counts["found"] += 1
            for key, ok in right.items():
                counts[key] += ok
            counts["all"] += all(right.values())
            if show and not all(right.values()):
                print(f"  {name}: {match.name} wrong {[k for k, ok in right.items() if not ok]}: {match}")
        extra = [
            p for p in found if not any((p.place, p.type) == (s["place"], s["type"]) for s in document["programmes"])
        ]
        if show:
            for p in extra:
                print(f"  {name}: extra {p.place} {p.type}")
        ok = validates(name, document["published"]) if check_toml else None
        rows.append((name, len(document["programmes"]), counts, len(extra), ok))
    return rows


def curated(kb: dict) -> dict:
    """source -> what each curated programme (not a fund) states in it, in expected.toml's shape."""
    funds = {key for key, t in kb["subsidy_types"].items() if t.get("category") == "fund"}
    stated: dict = {}
    for place, table in kb["places"].items():
        for programme in table.get("programmes", []):
            if programme["type"] in funds:
                continue
            first = programme["citations"][0]["source"]
            for source in dict.fromkeys(c["source"] for c in programme["citations"]):
                entry = {"place": place, "type": programme["type"]}
                for role, detail in (("pool", "period"), ("rate", "basis"), ("cap", "period")):
                    term = programme.get(role)
                    if term and term.get("source", first) == source:
                        entry[role], entry[f"{role}_{detail}"] = term["value"], term.get(detail, "")
                    elif term:
                        entry.setdefault("elsewhere", {}).update(
                            {role: term["value"], f"{role}_{detail}": term.get(detail, "")}
                        )
                entry["special_rates"] = [
                    {"value": t["value"], "applies_to": t["applies_to"]}
                    for t in programme.get("special_rates", [])
                    if t.get("source", first) == source
                ]
                stated.setdefault(source, []).append(entry)
    return stated


def run_seeds(show: bool = False) -> list:
    kb = tomllib.loads((ROOT / "data" / "cities.toml").read_text(encoding="utf-8"))
    places = place_forms(kb)
    keywords = {key: t.get("keywords", []) for key, t in kb["subsidy_types"].items() if t.get("category") != "fund"}
    stated = curated(kb)
    rows = []
    for source, meta in kb["sources"].items():
        text = (ROOT / "seeds" / meta["file"]).read_text(encoding="utf-8")
        found, _ = extract_programmes(text, published=meta["published"], places=places, type_keywords=keywords)
        mine = stated.get(source, [])
        counts = dict.fromkeys(("found", "pool", "rate", "cap", "special", "all"), 0)
        for entry in mine:
            match = next((p for p in found if (p.place, p.type) == (entry["place"], entry["type"])), None)
            if match is None:
                if show:
                    print(f"  {source}: missed {entry['place']} {entry['type']}")
                continue
            right = terms_right(match, entry)
            counts["found"] += 1
            for key, ok in right.items():
                counts[key] += ok
            counts["all"] += all(right.values())
            if show and not all(right.values()):
                print(f"  {source}: {match.name} wrong {[k for k, ok in right.items() if not ok]}: {match}")
        extra = [p for p in found if not any((p.place, p.type) == (e["place"], e["type"]) for e in mine)]
        if show:
            for p in extra:
                print(f"  {source}: extra {p.place} {p.type}")
        rows.append((source, len(mine), counts, len(extra), None))
    return rows


def _simplified(text: str) -> str:
    from cityai_cli.core.extract.normalised import to_simplified

    return to_simplified(text)


def table(rows: list, first: str, validated: bool) -> None:
    print(
        f"{first:26} {'stated':>6} {'found':>5} {'pool':>4} {'rate':>4} {'cap':>4} {'special':>7} "
        f"{'all right':>9} {'extra':>5}" + ("  validates" if validated else "")
    )
    for name, stated, c, extra, ok in rows:
        print(
            f"{name:26} {stated:>6} {c['found']:>5} {c['pool']:>4} {c['rate']:>4} {c['cap']:>4} {c['special']:>7} "
            f"{c['all']:>9} {extra:>5}" + (f"  {'yes' if ok else 'no'}" if validated else "")
        )
    stated = sum(r[1] for r in rows)
    right = sum(r[2]["all"] for r in rows)
    print(
        f"{'all':26} {stated:>6} {sum(r[2]['found'] for r in rows):>5} {'':>4} {'':>4} {'':>4} {'':>7} "
        f"{right:>9} {sum(r[3] for r in rows):>5}"
        + (f"  {sum(bool(r[4]) for r in rows)}/{len(rows)}" if validated else "")
    )
    print(f"every stated term right: {right}/{stated} = {100 * right / stated:.0f}%")


def main() -> None:
    show = "--show" in sys.argv
    table(run(show=show), "document", validated=True)
    print()
    table(run_seeds(show=show), "seed", validated=False)


if __name__ == "__main__":
    main()
