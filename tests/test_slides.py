"""make slides: the label check's known answers, each projector figure, and the deck."""

from html.parser import HTMLParser

import matplotlib.pyplot as plt
import nbformat
import pytest
from PIL import Image

import tutorial_lib as tl
from tutorial_lib import slides
from tutorial_lib.__main__ import main
from tutorial_lib.handout import NOTEBOOKS
from tutorial_lib.slides import (
    DECK,
    FIGURES,
    SLIDE_SIZE,
    build_slides,
    check_labels,
    small_labels,
)

TAGGED = "## A tagged statement\n\nThe objective, in one line."


def _figure(inches, tick_points):
    fig, ax = plt.subplots(figsize=inches)
    ax.plot([0, 1], [0, 1])
    ax.tick_params(labelsize=tick_points)
    ax.set_title("a title at 20 pt", fontsize=20)
    return fig


def test_a_6_pt_tick_label_is_reported_and_a_14_pt_one_is_not():
    small = small_labels(_figure((12.8, 7.2), 6))
    assert small and all(": 6 pt, 6.0 pt on the 1280x720 slide" in s for s in small)
    assert small_labels(_figure((12.8, 7.2), 14)) == []
    plt.close("all")


def test_a_figure_twice_the_slide_halves_its_labels():
    fig = _figure((25.6, 14.4), 14)  # 2560x1440 px: shown at half size
    small = small_labels(fig)  # the tick labels in view, and the title
    ticks = [f"'{t:.1f}': 14 pt, 7.0 pt on the 1280x720 slide" for t in (0, 0.2, 0.4)]
    assert set(ticks) < set(small)
    assert "'a title at 20 pt': 20 pt, 10.0 pt on the 1280x720 slide" in small
    assert len(small) == 1 + 2 * 6  # 0.0, 0.2, ..., 1.0 on each axis; none beyond
    with pytest.raises(ValueError, match="label '.*': 14 pt, 7.0 pt .* below 14 pt"):
        check_labels(fig)
    plt.close("all")


def test_hidden_and_empty_texts_are_not_labels():
    fig, ax = plt.subplots(figsize=(12.8, 7.2))
    ax.set_title("")  # empty
    ax.text(0.5, 0.5, "hidden", fontsize=5).set_visible(False)
    ax.axis("off")  # hides the tick labels, whatever their size
    ax.tick_params(labelsize=5)
    assert small_labels(fig) == []
    plt.close("all")


@pytest.fixture(scope="module")
def G_D():
    return tl.load_pretrained("cpu")


@pytest.mark.parametrize("name", list(FIGURES))
def test_each_projector_figure_is_titled_and_readable(name, G_D):
    notebook, draw = FIGURES[name]
    with slides.projector_style():
        fig = draw(*G_D)
    assert 1 <= notebook <= 12
    assert fig.get_suptitle()
    assert tuple(fig.get_size_inches() * slides.SLIDE_DPI) == SLIDE_SIZE
    check_labels(fig)  # raises, naming the label, if one is below 14 pt
    plt.close(fig)


def _write_notebook(path, cells):
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One fast build from two notebooks of our own: one tagged cell in all."""
    notebooks = tmp_path_factory.mktemp("notebooks")
    tagged = nbformat.v4.new_markdown_cell(TAGGED, metadata={"tags": ["slide"]})
    other = nbformat.v4.new_markdown_cell("## Not for the slides")
    code = nbformat.v4.new_code_cell("1 + 1", metadata={"tags": ["slide"]})
    _write_notebook(notebooks / "01_first.ipynb", [other, tagged, code])
    _write_notebook(notebooks / "04_no_tags.ipynb", [other])
    out = tmp_path_factory.mktemp("slides")
    return out, build_slides(out, notebooks)


class _Slides(HTMLParser):
    """Counts reveal.js slides: the <section> elements that are not inside another."""

    def __init__(self):
        super().__init__()
        self.depth, self.slides = 0, 0

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.slides += self.depth == 0
            self.depth += 1

    def handle_endtag(self, tag):
        self.depth -= tag == "section"


def _count_slides(html: str) -> int:
    parser = _Slides()
    parser.feed(html)
    return parser.slides


def test_the_build_writes_one_slide_sized_png_per_figure(built):
    out, written = built
    pngs = sorted((out / "figures").glob("*.png"))
    assert [p.name for p in pngs] == sorted(
        f"{nb:02d}_{name}.png" for name, (nb, _) in FIGURES.items()
    )
    assert set(pngs) | {out / DECK} == set(written)
    for png in pngs:
        with Image.open(png) as image:
            assert image.size == SLIDE_SIZE


def test_the_deck_has_the_tagged_cells_then_the_figures(built):
    out, _ = built
    html = (out / DECK).read_text()
    assert _count_slides(html) == 1 + len(FIGURES)  # the one tagged markdown cell
    assert "A tagged statement" in html and "Not for the slides" not in html
    assert "1 + 1" not in html  # a tagged code cell is not a slide
    first = html.index("A tagged statement")
    assert first < html.index('src="figures/01_corruptions.png"')
    assert html.index('src="figures/04_arms.png"') < html.index("figures/10_table.png")


def test_the_build_refuses_to_overwrite_without_force(built, capsys):
    out, _ = built
    with pytest.raises(FileExistsError, match="exists .*pass --force"):
        build_slides(out, NOTEBOOKS)
    with pytest.raises(SystemExit, match="^error: .*01_corruptions.png exists"):
        main(["slides", "--out", str(out)])


def test_the_deck_builds_from_the_course_notebooks_tagged_or_not(tmp_path, monkeypatch):
    cheap = (4, lambda G, D: plt.figure())  # one figure: the deck is what we test
    monkeypatch.setattr(slides, "FIGURES", {"blank": cheap})
    build_slides(tmp_path, NOTEBOOKS, reveal_url_prefix="reveal.js")
    tagged = [
        cell
        for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "markdown" and "slide" in cell.metadata.get("tags", [])
    ]
    html = (tmp_path / DECK).read_text()
    assert _count_slides(html) == len(tagged) + 1
    assert 'href="reveal.js/dist/reveal.css"' in html  # the prefix given
