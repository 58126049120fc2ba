"""The documentation matches the code: docs/architecture.md lists every module of the package,
one line each, and no module that is gone; the README links only to pages that exist."""

import re

from conftest import ROOT

PACKAGE = ROOT / "cityai_cli"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
MODULE_ROW = re.compile(r"^\| `([^`]+\.py)` \|", re.M)


def test_the_architecture_page_lists_every_module_once():
    listed = MODULE_ROW.findall(ARCHITECTURE.read_text(encoding="utf-8"))
    files = sorted(path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py"))
    assert sorted(set(listed)) == sorted(listed), "a module is listed twice"
    missing, gone = sorted(set(files) - set(listed)), sorted(set(listed) - set(files))
    assert (missing, gone) == ([], []), "docs/architecture.md: add a line for each missing module, remove each gone one"


def test_the_readme_links_to_pages_that_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = {link.split("#")[0] for link in re.findall(r"\]\(([^)#][^)]*)\)", text) if "://" not in link}
    assert {
        "docs/architecture.md",
        "docs/curation.md",
        "docs/input-policy.md",
        "docs/performance.md",
        "docs/design.md",
        "docs/examples.md",
    } <= targets
    assert [target for target in sorted(targets) if not (ROOT / target).exists()] == []


def test_the_readme_anchors_name_its_headings():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    headings = {github_anchor(h) for h in re.findall(r"^#{2,3} (.+)$", text, re.M)}
    anchors = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert sorted(anchors - headings) == []


def github_anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
