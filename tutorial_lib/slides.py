"""The lecture's figures at projector size, and a reveal.js deck: ``make slides``.

A notebook figure is read at arm's length; a slide is shrunk to 1280x720 and read from
the back of the room, where a 6-pt label is a grey smudge. So every slide figure is
drawn at the slide's own size, 12.8 x 7.2 inches at 100 dpi, in ``projector_style``
(every font 14 pt or more), and ``check_labels`` refuses one whose labels come out
smaller than ``MIN_POINTS`` once the figure is fitted to the slide:

    python -m tutorial_lib slides --out slides/     # or: make slides

writes slides/figures/NN_name.png, one per entry of ``FIGURES`` (NN: the notebook whose
section the lecture shows it in, docs/lesson_plan.md Part 2), and
slides/lecture.slides.html: for each notebook in order, its markdown cells tagged
"slide", then its figures. The figures use the library's own functions on the shipped
DCGAN with fixed seeds: about 30 s on one CPU core, 10 s under TUTORIAL_FAST=1.
Nothing here is needed to follow the course; a lecturer runs it once before class.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import torch
from matplotlib.axes import Axes
from matplotlib.axis import Axis, Tick
from matplotlib.text import Text

from .ablation import plot_effects, read_differences
from .config import fast_or
from .data import DATA_DIR, load_sample_faces
from .handout import NOTEBOOKS
from .metrics import psnr, ssim
from .models import load_pretrained
from .operators import TASKS, make_operator
from .solver import ARMS, restore
from .table import NAMES, PAPER, read_rows, summarize

SLIDE_SIZE = (1280, 720)  # pixels of a 16:9 projector slide
SLIDE_DPI = 100  # so the slide is 12.8 x 7.2 inches and a point is 100 / 72 pixels
MIN_POINTS = 14  # the smallest label readable from the back of a lecture room
DECK = "lecture.slides.html"
STYLE = {  # matplotlib rc for projector figures: big type, thick lines
    "figure.figsize": (SLIDE_SIZE[0] / SLIDE_DPI, SLIDE_SIZE[1] / SLIDE_DPI),
    "figure.dpi": SLIDE_DPI,
    "savefig.dpi": SLIDE_DPI,
    "figure.constrained_layout.use": True,
    "font.size": 18,
    "axes.titlesize": 20,
    "figure.titlesize": 24,
    "axes.labelsize": 18,
    "xtick.labelsize": 16,
    "ytick.labelsize": 16,
    "legend.fontsize": 16,
    "legend.title_fontsize": 16,
    "lines.linewidth": 3,
    "lines.markersize": 10,
    "axes.linewidth": 1.5,
}


def projector_style():
    """A context manager: figures made inside it are slide-sized with large type."""
    return plt.rc_context(STYLE)


def _texts(artist):
    """The visible, non-empty Text artists under ``artist`` that a draw shows."""
    if not artist.get_visible():
        return
    if isinstance(artist, Text) and artist.get_text().strip():
        yield artist
    children = artist.get_children()
    if isinstance(artist, Axes) and not artist.axison:  # ax.axis("off") hides both
        children = [c for c in children if not isinstance(c, Axis)]
    if isinstance(artist, Axis):  # the locator's ticks beyond the view are not drawn
        lo, hi = sorted(artist.get_view_interval())
        children = [
            c for c in children if not isinstance(c, Tick) or lo <= c.get_loc() <= hi
        ]
    for child in children:
        yield from _texts(child)


def small_labels(fig, min_points=MIN_POINTS, slide=SLIDE_SIZE) -> list[str]:
    """Every label of ``fig`` smaller than ``min_points`` once fitted to the slide.

    A figure larger than the slide is scaled down to fit it, its labels with it:

        effective = size_pt * min(1, slide_w / fig_w_px, slide_h / fig_h_px),

    with the figure's pixels counted at the slide's 100 dpi (a figure saved at another
    dpi has more or fewer pixels, but fills the slide the same way). Titles, axis and
    tick labels, legends, annotations and colorbar labels all count; the canvas is
    drawn first, since tick labels are made at draw time.

    >>> fig, ax = plt.subplots(figsize=(12.8, 7.2))
    >>> _ = ax.set_title("read from the back", fontsize=14)
    >>> _ = ax.set_xlabel("a footnote", fontsize=6)
    >>> _ = ax.set_xticks([]), ax.set_yticks([])
    >>> small_labels(fig)
    ["'a footnote': 6 pt, 6.0 pt on the 1280x720 slide"]
    >>> fig.set_size_inches(25.6, 14.4)  # twice the slide: every label halves
    >>> len(small_labels(fig))
    2
    >>> plt.close("all")
    """
    fig.canvas.draw()
    width, height = fig.get_size_inches() * SLIDE_DPI
    scale = min(1.0, slide[0] / width, slide[1] / height)
    return [
        f"{t.get_text()!r}: {t.get_fontsize():g} pt, "
        f"{t.get_fontsize() * scale:.1f} pt on the {slide[0]}x{slide[1]} slide"
        for t in _texts(fig)
        if t.get_fontsize() * scale < min_points
    ]


def check_labels(fig, min_points=MIN_POINTS, slide=SLIDE_SIZE) -> None:
    """Raise ValueError naming the first label of ``fig`` below ``min_points``."""
    small = small_labels(fig, min_points, slide)
    if small:
        more = f" (and {len(small) - 1} more)" if len(small) > 1 else ""
        title = fig.get_suptitle() or "an untitled figure"
        raise ValueError(f"{title!r}: label {small[0]}, below {min_points} pt{more}")


def _faces(axes, images: dict, truth=None, with_ssim=True, titles=True):
    """One face (1, C, h, w) per axes, titled; PSNR (/ SSIM) against ``truth`` below."""
    for ax, (name, x) in zip(axes, images.items()):
        image = x[0].detach().cpu().clamp(0, 1).expand(3, -1, -1).permute(1, 2, 0)
        ax.imshow(image.numpy())
        ax.set_xticks([]), ax.set_yticks([])
        ax.set_title(name if titles else "", fontsize=16)  # 7 panels share 1280 px
        if truth is not None and x.shape == truth.shape:
            score = f" / {ssim(x, truth).item():.2f}" if with_ssim else ""
            ax.set_xlabel(f"{psnr(x, truth).item():.1f} dB{score}")


# Each figure function takes the shipped pair (G, D), used or not, so that build_slides
# calls them alike, and returns a titled Figure; data on G's device, seeds fixed.


def corruptions(G, D):
    """Faces in rows: the truth, then the naive inverse of each of the five tasks."""
    x = load_sample_faces(fast_or(3, 2))
    ops = {t.replace("_", "-"): make_operator(t) for t in TASKS}
    fig, axes = plt.subplots(len(x), 1 + len(ops), squeeze=False)
    for i, row in enumerate(axes):
        xi = x[i : i + 1]
        naive = {k: op.naive_inverse(op.corrupt(xi, seed=0)) for k, op in ops.items()}
        _faces(row, {"truth x*": xi} | naive, truth=xi, titles=i == 0)
    fig.suptitle("Clean faces and the naive inverse of each corruption (PSNR / SSIM)")
    return fig


def ill_posed(G, D):
    """Two faces, one y: x2 = x1 + P v with P v = v - 16 A*(A v), so A(P v) = 0."""
    x1, v = load_sample_faces(2).split(1)
    sr = make_operator("super_resolution")
    null = v - 16 * sr.A_adjoint(sr.A(v))  # the block means of v removed
    images = {
        "x1 = face 1": x1,
        "x2 = x1 + P(face 2)": x1 + null,
        "y = A(x1) = A(x2)": sr.A(x1),
        "upsample(y)": 16 * sr.A_adjoint(sr.A(x1)),
        "P(face 2) + 0.5": null + 0.5,
    }
    fig, axes = plt.subplots(1, len(images))
    _faces(axes, images)
    fig.suptitle("Super-resolution is ill-posed: two faces with the same 16x16 y")
    return fig


def d_logits(G, D):
    """D's logit on real test faces, on G's faces and on noisy real faces."""
    device = next(G.parameters()).device
    x = load_sample_faces(fast_or(64, 16)).to(device)
    z = torch.randn(len(x), G.config.nz, generator=torch.Generator().manual_seed(1))
    groups = {
        "real faces": x,
        "generated G(z)": G(z.to(device)),
        "noisy real faces (σ = 0.1)": make_operator("denoising").corrupt(x, seed=0),
    }
    with torch.no_grad():
        logits = {k: D(v).float().cpu() for k, v in groups.items()}
    fig, ax = plt.subplots()
    bins = torch.linspace(min(map(torch.min, logits.values())), 2, 40).numpy()
    for name, l in logits.items():
        ax.hist(l.numpy(), bins, alpha=0.6, label=f"{name}, mean {l.mean():.2f}")
    ax.set(xlabel="D's logit l(x)", ylabel="images")
    ax.legend(loc="upper left")
    fig.suptitle("What the DCGAN's D believes is real")
    return fig


def _inpainting(G, n: int):
    """The first n sample faces (on the CPU), the operator, and y on G's device."""
    x, op = load_sample_faces(n), make_operator("inpainting")
    return x, op, op.corrupt(x, seed=0).to(next(G.parameters()).device)


def arms(G, D):
    """Each arm of ARMS from the same random starts: D's logit and ||z_hat||.

    Notebook 04 runs 4 faces x 150 steps (about a minute on one core); its fast
    setting, 2 faces x 60 steps, tells the same story in a quarter of the time."""
    x, op, y = _inpainting(G, 2)
    steps = fast_or(60, 10)
    search = dict(lam=10.0, init="random", restarts=1, steps=steps, seed=4)
    runs = {a: restore(y, op, G, D, **search | s) for a, s in ARMS.items()}
    with torch.no_grad():
        logit = [D(r.x_gan).float().mean().item() for r in runs.values()]
    norm = [r.z.norm(dim=1).mean().item() for r in runs.values()]
    fig, axes = plt.subplots(1, 2)
    axes[0].bar(list(runs), logit)
    axes[0].set(ylabel="mean ℓ(G(ẑ))", title="D's score of the answer, per arm")
    axes[1].bar(list(runs), norm, color="tab:orange")
    axes[1].axhline(G.config.nz**0.5, color="k", ls="--", label="typical ‖z‖ = √100")
    axes[1].set(ylabel="mean ‖ẑ‖", title="How far the answer's z went, per arm")
    axes[1].legend(loc="upper right")
    fig.suptitle(
        f"Four objectives from the same starts: inpainting, λ = 10, {steps} steps"
    )
    return fig


def search_path(G, D):
    """Slide 14: G(z_t) as the search goes, then the input y and the Poisson blend."""
    x, op, y = _inpainting(G, 1)
    T = fast_or(300, 30)  # the paper's search: a random start, 300 Adam steps
    frames = {}  # step -> G(z_t), from restore's callback
    r = restore(
        y, op, G, D, init="random", restarts=1, steps=T, seed=0,
        callback=lambda t, x_t: frames.setdefault(t, x_t.cpu()), callback_every=T // 30,
    )  # fmt: skip
    shown = {f"$G(z^{{({t})}})$": frames[t] for t in (0, T // 30, T // 15, T // 5)}
    shown |= {r"$G(\hat z)$": frames[T], "input y": y.cpu(), "blended": r.x_hat.cpu()}
    fig, axes = plt.subplot_mosaic([list(range(7)), ["psnr"] * 7], height_ratios=[3, 2])
    _faces([axes[i] for i in range(7)], shown, truth=x, with_ssim=False)
    steps = sorted(frames)
    axes["psnr"].plot(steps, [psnr(frames[t], x).item() for t in steps], "o-")
    blended = psnr(r.x_hat.cpu(), x).item()
    axes["psnr"].axhline(blended, ls="--", color="k", label="blended")
    axes["psnr"].set(xlabel="Adam step t", ylabel="PSNR of $G(z_t)$ (dB)")
    axes["psnr"].legend(loc="lower right")
    fig.suptitle(
        "Slide 14: $G(z_t)$ during one inpainting search, the input, the blend"
    )
    return fig


def term_effects(G, D):
    """The ablation's paired PSNR differences (data/results), from random starts."""
    terms = {
        "the latent term (csgm - data)": "csgm - data",
        "the GAN's D (paper - csgm)": "paper/gan - csgm@gan",
        "the calibrated D (paper - csgm)": "paper/calibrated - csgm@calibrated",
    }
    with plt.rc_context({"figure.constrained_layout.use": False}):  # it lays out
        fig = plot_effects(read_differences(), "random", terms, measures=("psnr",))
    fig.set_size_inches(STYLE["figure.figsize"])  # made at its notebook size
    fig.set_layout_engine("constrained")
    fig.axes[0].legend(loc="upper right")  # in place of plot_effects' 8-pt one
    return fig


def table(G, D):
    """Our 460-face table (data/results) beside the paper's: PSNR and SSIM per task."""
    ours = summarize(read_rows(DATA_DIR / "results" / "table_test460.csv"))
    fig, axes = plt.subplots(2, 1, sharex=True)
    for k, method in enumerate(NAMES):
        for i, task in enumerate(TASKS):
            at = i + 0.12 * (k - 2)  # the methods side by side within a task
            paper = PAPER.get(method, {}).get(task)  # (SSIM, PSNR) or None
            for ax, measure, j in ((axes[0], "psnr", 1), (axes[1], "ssim", 0)):
                if (method, task) in ours:
                    value = ours[(method, task)][measure]
                    ax.plot(at, value, "o", color=f"C{k}", label=NAMES[method])
                if paper:
                    ax.plot(at, paper[j], "o", mfc="none", color=f"C{k}")
    axes[0].set_ylabel("PSNR (dB)"), axes[1].set_ylabel("SSIM")
    axes[1].set_xticks(range(len(TASKS)), [t.replace("_", "-") for t in TASKS])
    handles, labels = axes[0].get_legend_handles_labels()
    unique = dict(zip(labels, handles))  # one entry per method
    title = "filled: ours\nopen: the paper"
    fig.legend(unique.values(), unique, loc="outside right center", title=title)
    fig.suptitle("Every method, every task: ours (460 faces) and the paper's")
    return fig


# name -> (the notebook whose section shows it, docs/lesson_plan.md Part 2; function),
# in the lecture's order
FIGURES = {
    "corruptions": (1, corruptions),
    "ill_posed": (1, ill_posed),
    "d_logits": (2, d_logits),
    "arms": (4, arms),
    "search_path": (4, search_path),
    "term_effects": (4, term_effects),
    "table": (10, table),
}


def deck_notebook(notebooks_dir: Path, figures: dict[str, tuple[int, str, str]]):
    """The deck as a notebook (nbformat): per notebook number, in order, the markdown
    cells of ``notebooks_dir/NN_*.ipynb`` tagged "slide", then that notebook's figures.

    ``figures``: name -> (notebook, title, PNG path relative to the deck). Each cell
    is a slide of its own; a notebook with no tagged cell adds its figures alone.
    """
    sources = {
        int(p.name[:2]): p for p in Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb")
    }
    cells = []
    for n in sorted(set(sources) | {nb for nb, _, _ in figures.values()}):
        if n in sources:
            notebook = nbformat.read(sources[n], as_version=4)
            cells += [
                nbformat.v4.new_markdown_cell(c.source)
                for c in notebook.cells
                if c.cell_type == "markdown" and "slide" in c.metadata.get("tags", [])
            ]
        cells += [
            nbformat.v4.new_markdown_cell(f"![{title}]({path})")
            for nb, title, path in figures.values()
            if nb == n
        ]
    for i, cell in enumerate(cells):  # fixed ids: the same deck from the same input
        cell.id, cell.metadata["slideshow"] = f"slide-{i}", {"slide_type": "slide"}
    return nbformat.v4.new_notebook(cells=cells)


def build_slides(
    out: Path,
    notebooks_dir: Path = NOTEBOOKS,
    force: bool = False,
    reveal_url_prefix: str | None = None,
) -> list[Path]:
    """Write ``out``/figures/NN_name.png (each checked by check_labels) and ``out``/DECK.

    Refuses (FileExistsError, naming the first file) to overwrite earlier output unless
    ``force``. ``reveal_url_prefix``: where the deck loads reveal.js from; None keeps
    nbconvert's default, a CDN (the deck then needs the network when shown); a local
    copy works offline, e.g. "reveal.js" for a folder of reveal.js 4 beside the deck.
    Figures are linked, not embedded: move the folder as a whole. Returns the paths.
    """
    from nbconvert import SlidesExporter

    if not Path(notebooks_dir).is_dir():
        raise FileNotFoundError(f"no notebooks folder {notebooks_dir}")
    out = Path(out)
    names = {name: f"figures/{nb:02d}_{name}.png" for name, (nb, _) in FIGURES.items()}
    targets = [out / path for path in names.values()] + [out / DECK]
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise FileExistsError(
            f"{existing[0]} exists{more}: choose another --out or pass --force"
        )
    (out / "figures").mkdir(parents=True, exist_ok=True)
    G, D = load_pretrained()
    figures = {}
    for name, (nb, draw) in FIGURES.items():
        with projector_style():
            fig = draw(G, D)
            check_labels(fig)
            fig.savefig(out / names[name])
        figures[name] = (nb, fig.get_suptitle(), names[name])
        plt.close(fig)
    width, height = map(str, SLIDE_SIZE)  # reveal.js scales the deck to the screen
    exporter = SlidesExporter(  # scroll: a long markdown cell stays readable
        reveal_width=width,
        reveal_height=height,
        reveal_number="c/t",
        reveal_scroll=True,
    )
    if reveal_url_prefix is not None:
        exporter.reveal_url_prefix = reveal_url_prefix
    deck = deck_notebook(notebooks_dir, figures)
    if not deck.cells:
        raise ValueError(
            f"nothing to show: no figures and no cell tagged 'slide' in {notebooks_dir}"
        )
    html, _ = exporter.from_notebook_node(deck)
    (out / DECK).write_text(html)
    return targets
