"""The rendered course, opened in a browser: every page loads, every figure renders,
no link is broken.

Runs on a site already built (``make test`` builds it from the notebooks nbval ran,
then runs this file: ``pytest -m site``); ``SITE_DIR`` names it (default
``_build/site-fast``). Needs Debian's Chromium, as tests/test_browser.py; skips,
saying why, without it or without a built site. The pages are opened from disk with
every request off this machine refused, so the check cannot pass thanks to a network;
MathJax, which the pages load from a CDN, is the one outside resource, and the test
does not wait for it.
"""

import json
import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tutorial_lib.handout import NOTEBOOKS

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("SITE_DIR", ROOT / "_build" / "site-fast")).resolve()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NAMES = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
EXPLORERS = [
    n for n in NAMES if "RestorationExplorer(" in (NOTEBOOKS / f"{n}.py").read_text()
]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the skip below says so
    sync_playwright = None


def pages() -> list[Path]:
    """The site's own pages: docs/ (the front page among them), one per notebook."""
    found = sorted((SITE / "docs").glob("*.html"))
    return found + sorted((SITE / "notebooks").glob("*.html"))


def image_outputs(name: str) -> int:
    """How many images the executed notebook's outputs hold (kept in <site>-src/)."""
    source = SITE.with_name(SITE.name + "-src") / "notebooks" / f"{name}.ipynb"
    cells = json.loads(source.read_text())["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c["outputs"]]
    return sum("image/png" in o.get("data", {}) for o in outputs)


@pytest.fixture(scope="module")
def browser():
    if sync_playwright is None:
        pytest.skip("Playwright is not installed (pip install -e '.[test]')")
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (apt-get install -y chromium)")
    if not (SITE / "docs" / "index.html").exists():
        pytest.skip(f"no site built at {SITE} (make test builds one, make site too)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


def visit(browser, page_file: Path) -> dict:
    """Open one page from disk; what loaded, what failed, its images and links."""
    page = browser.new_page()
    failed = []
    page.route(  # nothing from the network: a page must stand on its own files
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file:")
            else route.abort()
        ),
    )
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(page_file.as_uri(), wait_until="load")
    images = page.eval_on_selector_all(
        "article img",
        "els => els.map(e => ({src: e.currentSrc, width: e.naturalWidth}))",
    )
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    anchors = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    title = page.title()
    page.close()
    local_failures = [u for u in failed if u.startswith("file:")]
    return dict(images=images, links=links, anchors=set(anchors), title=title,
                failed=local_failures)  # fmt: skip


@pytest.fixture(scope="module")
def site(browser):
    """Every page, visited once: path -> what visit() saw."""
    return {path: visit(browser, path) for path in pages()}


def test_the_site_has_the_front_page_the_plan_and_every_notebook(site):
    names = {p.relative_to(SITE).as_posix() for p in site}
    expected = {"docs/index.html", "docs/lesson_plan.html"}
    expected |= {"docs/misconceptions.html"} | {f"notebooks/{n}.html" for n in NAMES}
    assert expected <= names, f"missing pages: {sorted(expected - names)}"
    front = site[SITE / "docs" / "index.html"]
    linked = {Path(unquote(urlparse(u).path)).name for u in front["links"]}
    assert {f"{n}.html" for n in NAMES} <= linked, (
        "a notebook missing from the contents"
    )


def test_every_page_loads_its_own_files(site):
    broken = {p.name: v["failed"] for p, v in site.items() if v["failed"]}
    assert not broken, f"files that did not load: {broken}"
    untitled = [p.name for p, v in site.items() if not v["title"]]
    assert not untitled, f"pages without a title: {untitled}"


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_of_a_notebook_is_an_image_that_renders(site, name):
    seen = site[SITE / "notebooks" / f"{name}.html"]["images"]
    blank = [i["src"] for i in seen if i["width"] == 0]
    assert not blank, f"{name}: images that did not render: {blank[:3]}"
    expected = image_outputs(name)
    assert expected > 0, f"{name} has no figure at all"
    assert len(seen) == expected, (
        f"{name}: {len(seen)} images on the page, {expected} in the notebook"
    )


@pytest.mark.parametrize("name", EXPLORERS)
def test_an_explorer_is_a_strip_of_frames_on_the_page(name):
    text = (SITE / "notebooks" / f"{name}.html").read_text()
    assert "the explorer cannot run" in text, f"{name}: no static strip of the explorer"


def test_no_link_is_broken(site):
    broken = []
    for path, seen in site.items():
        for url in seen["links"]:
            parsed = urlparse(url)
            if parsed.scheme != "file":
                continue  # outside links (the paper, PyPI) are not followed offline
            target = Path(unquote(parsed.path))
            if not target.exists():
                broken.append(f"{path.name} -> {target.relative_to(SITE)}")
            elif parsed.fragment and target.suffix == ".html":
                anchors = site[target]["anchors"] if target in site else None
                if anchors is not None and parsed.fragment not in anchors:
                    broken.append(f"{path.name} -> {target.name}#{parsed.fragment}")
    assert not broken, f"{len(broken)} broken links, e.g. {broken[:5]}"


def test_the_sites_root_leads_to_the_front_page(browser):
    page = browser.new_page()
    page.goto((SITE / "index.html").as_uri())
    page.wait_for_url("**/docs/index.html", timeout=10_000)
    assert "Image restoration" in page.title()
    page.close()
