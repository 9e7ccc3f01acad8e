# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 10. Hand-made priors, the paper's table, and the full story
#
# In this notebook we put the GAN prior beside the three hand-made priors of the
# paper's table (slide 15) and ask the slide's question: "Other than inpainting, our
# method seems to perform poorly under these metrics. But is that the full story?" We
# - meet the three baselines: total variation (TV), low rank (LR) and sparse coding,
#   each a classic x̂ = argmin_x ‖A x − y‖² + λ R(x) with its own R;
# - rerun the table on a few test faces, and read the committed run on all 460 test
#   faces of our CelebA subset, with the paper's numbers beside ours;
# - look at the qualitative grid: one face, every task, every method;
# - answer the slide's "is that the full story?" by experiment: the ceiling G sets,
#   metrics where each task is, distortion against realism, consistency with y, and a
#   blind comparison you judge yourself.
#
# **Where it runs.** A CPU is enough. With the real settings the rerun of every method
# on every task is the slowest cell, 25 s on one CPU core; the whole notebook takes
# about a minute and a half. Under
# `TUTORIAL_FAST=1` the rerun uses 2 faces and the GAN prior 20 Adam steps and one
# start. The first cell says which device it found; a GPU is used when there is one.

# %%
import math
import random

import matplotlib.pyplot as plt
import torch
from IPython.display import Markdown

import tutorial_lib as tl
from tutorial_lib import metrics, showcase
from tutorial_lib.baselines import PRIORS, baseline_defaults, restore_baseline
from tutorial_lib.consistency import make_consistent
from tutorial_lib.data import DATA_DIR
from tutorial_lib.metrics import chroma_error, sharpness
from tutorial_lib.pitfalls import project_on_G
from tutorial_lib.plots import show_faces
from tutorial_lib.table import read_rows, run_table, slide_table, summarize

device = tl.default_device()
device

# %% [markdown]
# The shipped DCGAN and the shipped test faces; `fast` cuts the GAN prior's steps in
# fast mode only (`None` keeps the tuned defaults).

# %%
G, D = tl.load_pretrained(device=device)
n_faces = tl.fast_or(3, 2)
x = tl.load_sample_faces(n_faces).to(device)  # (N, 3, 64, 64) clean test faces
ids = (DATA_DIR / "sample_faces.txt").read_text().split()[:n_faces]
fast = dict(steps=tl.fast_or(None, 20), restarts=tl.fast_or(None, 1))
n_faces, fast

# %% [markdown]
# ## Three hand-made priors
#
# Before deep generative models, a restoration method was a prior R written by hand,
# and the restoration the minimiser of
#
# $$\hat x = \arg\min_{x \in [0, 1]^n} \tfrac12 \|A x - y\|^2 + \lambda R(x).$$
#
# - **TV** (Afonso et al., 2011): $R(x) = \sum_i \|\nabla x_i\|$, the total length of
#   the edges. Images are piecewise flat: noise and false detail cost a lot, one clean
#   edge little. Solved by a primal-dual scheme (`tutorial_lib/baselines/tv.py`).
# - **Low rank** (Hu et al., 2013): each 64x64 color channel, seen as a matrix, has
#   few large singular values; the truncated nuclear norm
#   $R(X) = \sum_{i > r} \sigma_i(X)$ penalises all but the r largest (`lowrank.py`).
# - **Sparse coding** (Elad and Aharon, 2006; Yang et al., 2010): every 8x8 patch is a
#   combination of a few atoms of a dictionary learned on training faces (`sparse.py`).
#
# All three see the corruption only through A and its adjoint A*, as the GAN prior
# does, and none of them knows what a face is beyond what R encodes. Each was tuned on
# validation faces (`benchmarks/tune.py`; the values sit in each module's
# `TUNED_SETTINGS`). One super-resolution example, with the GAN prior beside them:

# %%
op = tl.make_operator("super_resolution")
y = op.corrupt(x[:1], seed=0)
answers = {name: restore_baseline(name, y, op) for name in PRIORS}
answers["gan"] = tl.restore(y, op, G, D, **fast).x_hat
panels = {"truth x*": x[:1], "bicubic": op.naive_inverse(y), **answers}
showcase.show_against_truth(
    panels, "Super-resolution x4: three hand-made priors and the GAN prior"
)
plt.show()

# %% [markdown]
# Every answer must explain the observation: its 4x4 block averages should be close to
# y (the data term), whatever it adds between them. The hand-made priors can draw any
# image, so they fit y almost exactly; the GAN prior can only draw faces G knows, and
# fits y only as closely as such a face allows.

# %%
misfit = {k: (op.A(v) - y).abs().mean().item() for k, v in answers.items()}
assert all(misfit[name] < 0.01 for name in PRIORS)  # mean |A x_hat - y|
assert misfit["gan"] > max(
    misfit[name] for name in PRIORS
)  # measured: 0.023 real, 0.034 fast
misfit

# %% [markdown]
# ## The table, rerun on a few faces
#
# `run_table` scores every method on every task with the same corruptions (the same y
# for all methods) and returns one row per face; `summarize` averages them and
# `slide_table` lays them out as on slide 15, SSIM / PSNR (dB), with the paper's
# rows below ours. As in the paper, the baselines skip colorization. TV and low rank
# work channel by channel, and nothing in them ties one channel to another, so the gray
# image gives them no reason to leave gray. Sparse coding is different: its dictionary
# was learned on *color* patches of faces, so its atoms do know what color skin is, and
# it could colorize in principle; the paper gives no number for it, and neither do we.
# The naive inverse (holed image, gray as RGB, bicubic, the noisy or quantized input) is
# the bar to beat.

# %%
rows = run_table(x.cpu(), ids, methods=["naive", *PRIORS], device=device)
Markdown(slide_table(summarize(rows)))

# %% [markdown]
# The GAN prior is the slow one: its tuned defaults run 20 to 180 Adam steps
# (per task) from the encoder's start for each face and task. `done=rows` keeps the rows we have and adds
# the GAN prior's, the same way the table command goes on with an interrupted run.

# %%
rows = run_table(
    x.cpu(), ids, G=G, D=D, device=device, settings={"gan": fast}, done=rows
)
Markdown(slide_table(summarize(rows)))

# %% [markdown]
# On so few faces the numbers move by a dB or more from face to face, but one thing is
# certain: inpainting with any prior beats the holed image by far (a black 32x32 hole
# costs about 10 dB on its own).

# %%
few = summarize(rows)
for method in ("tv", "lowrank", "sparse", "gan"):
    assert (
        few[(method, "inpainting")]["psnr"] > few[("naive", "inpainting")]["psnr"] + 3
    )
{m: round(few[(m, "inpainting")]["psnr"], 2) for m in ("naive", "tv", "gan")}

# %% [markdown] tags=["slide"]
# ## The full table: 460 test faces
#
# The committed run (`data/results/`; data/README.md gives the command and device)
# scored every method on all 460 test faces of our CelebA subset. Here it is, read
# back from its per-image CSV. Two rows go beyond the paper's table: BM3D, the
# classical denoiser a user would pick, and slide 5's direct networks, trained per task
# on (corrupted, clean) pairs (notebook 13 asks what they cost).

# %%
full = read_rows(DATA_DIR / "results" / "table_test460.csv")
summary = summarize(full)
Markdown(slide_table(summary))

# %% [markdown]
# Checks on the committed file: every (method, task) pair has all 460 faces, and the
# headline claims of this notebook hold there. The GAN prior wins inpainting; bicubic
# upsampling beats it on super-resolution PSNR, the slide's uncomfortable fact; and on
# super-resolution, denoising and quantization a hand-made prior, sparse coding, wins
# both metrics.

# %%
assert all(s["n"] == 460 for s in summary.values())
best_inpainting = max(
    ("tv", "lowrank", "sparse", "gan"), key=lambda m: summary[(m, "inpainting")]["psnr"]
)
assert best_inpainting == "gan"
# committed CSV, the same in both modes: GAN 26.07 dB against the best baseline's
# (TV) 22.23 on inpainting; bicubic 24.32 against the GAN's 21.66 on super-resolution
assert (
    summary[("naive", "super_resolution")]["psnr"]
    > summary[("gan", "super_resolution")]["psnr"] + 2
)
# and on the three other tasks of the table, sparse coding beats the GAN prior on both
# metrics: 24.75 / 28.75 / 27.19 dB against 21.66 / 22.55 / 21.58, SSIM 0.770 /
# 0.879 / 0.857 against 0.639 / 0.681 / 0.649
for task in ("super_resolution", "denoising", "quantization"):
    for metric in ("psnr", "ssim"):
        assert summary[("sparse", task)][metric] > summary[("gan", task)][metric]
best_inpainting

# %% [markdown]
# A mean hides the spread. The PSNR of every face, per method, for each task: where
# the boxes overlap, the ranking of the means says little about a given face.

# %%
methods = ["naive", "tv", "lowrank", "sparse", "gan"]
tasks = ["inpainting", "super_resolution", "denoising", "quantization"]
fig, axes = plt.subplots(1, len(tasks), figsize=(14, 3.2), sharey=True)
for ax, task in zip(axes, tasks):
    per_method = [
        [r["psnr"] for r in full if (r["method"], r["task"]) == (m, task)]
        for m in methods
    ]
    ax.boxplot(per_method, showfliers=False)
    ax.set_xticks(range(1, len(methods) + 1), methods, rotation=45)
    ax.set_title(task)
axes[0].set_ylabel("PSNR (dB), 460 test faces")
fig.suptitle("PSNR per face: the spread behind each mean")
fig.tight_layout()

# %% [markdown]
# ## Every method on every task, once more
#
# The table keeps only numbers. For the pictures and for the experiments after them we
# restore the rerun's faces once more with every method on every task (the same y as
# the table: corruption seed 0), and keep the GAN prior's whole `Restoration`, whose
# `x_gan` is G(ẑ) before blending.


# %%
def every_method(task):
    """(op, y, answers, gan): each method's restoration of x for one task."""
    op_t = tl.make_operator(task)
    y_t = op_t.corrupt(x, seed=0)
    answers = {"naive": op_t.naive_inverse(y_t)}
    if task != "colorization":  # the baselines skip it, as in the paper
        answers |= {m: restore_baseline(m, y_t, op_t) for m in PRIORS}
    gan = tl.restore(y_t, op_t, G, D, **fast)
    answers["gan"] = gan.x_hat
    return op_t, y_t, answers, gan


runs = {task: every_method(task) for task in tl.TASKS}
list(runs)

# %% [markdown]
# ## The qualitative grid
#
# The slide's figure: one face, one row per task, one column per method. Look before
# you read the numbers under the panels: which column looks most like a photograph?

# %%
k = 1 if n_faces > 1 else 0  # the face of the grid
columns = {"input": "naive", "TV": "tv", "LR": "lowrank", "Sparse": "sparse"}
grid = {
    label: torch.cat([runs[t][2][m][k : k + 1] for t in tasks])
    for label, m in {**columns, "GAN prior": "gan"}.items()
}
grid["truth x*"] = x[k : k + 1].expand(len(tasks), -1, -1, -1)
showcase.show_against_truth(grid, "Rows: " + ", ".join(tasks))
plt.show()

# %% [markdown]
# Colorization has no hand-made row in the paper's table, so it has its own figure: the
# gray observation, the GAN prior's answer (its colors, y's luminance) and the truth,
# for every face of the rerun.

# %%
_, y_color, color_answers, _ = runs["colorization"]
showcase.show_against_truth(
    {
        "gray y": color_answers["naive"],
        "GAN prior": color_answers["gan"],
        "truth x*": x,
    },
    "Colorization: the gray face, the GAN prior's colors, the truth",
)
plt.show()

# %% [markdown]
# ## Is that the full story?
#
# "Other than inpainting, our method seems to perform poorly under these metrics. But
# is that the full story?" Five experiments on the faces above, each about something
# the table's two numbers leave out.
#
# ### 1. The ceiling: how close can G come to the truth?
#
# Before blending, the GAN prior's answer is an image G can draw. The closest such image
# to the truth, its **projection** on G, $G(\arg\min_z \|G(z) - x^*\|_1)$ (`project_on_G`:
# restore with A = identity and the clean face itself as y), is the best any solver or
# λ could reach from any y. Beside it, G(ẑ) of each task, which saw only y. A PSNR
# from a hand-made prior above the ceiling is a race the GAN prior cannot win, whatever
# its tuning: the generator is the limit there, not the search.

# %%
projection = project_on_G(x, G, D, **fast)
ceiling = tl.psnr(projection.x_gan, x)


def best_other(answers):
    """(name, mean PSNR) of the best method other than the GAN prior."""
    scores = {m: tl.psnr(v, x).mean().item() for m, v in answers.items() if m != "gan"}
    return max(scores.items(), key=lambda item: item[1])


reach = {}
for task, (_, _, answers, gan) in runs.items():
    name, best = best_other(answers)
    reach[task] = {
        "G(ẑ), saw y": tl.psnr(gan.x_gan, x).mean().item(),
        "ceiling, saw x*": ceiling.mean().item(),
        "best other method": f"{name}, {best:.2f}",
    }
Markdown(metrics.markdown_table(reach))

# %% [markdown]
# Two checks. No task's G(ẑ) is above the ceiling by more than the solver's noise
# (0.5 dB), since a y holds at most what x* holds. And on super-resolution, denoising
# and quantization a hand-made prior (sparse coding here) scores above the ceiling
# itself: there the GAN prior loses PSNR because G cannot draw these faces closely
# enough, and a better λ, more steps or more starts would not change the ranking. (On
# inpainting and colorization the comparison is not like for like: the GAN prior's
# final answer is blended with y, which G(ẑ) and the ceiling are not.)

# %%
# G(ẑ) minus the ceiling, at most: +0.18 dB real (denoising), -0.22 fast; margin 0.5
assert all(r["G(ẑ), saw y"] < r["ceiling, saw x*"] + 0.5 for r in reach.values())
above_ceiling = [
    task
    for task, (_, _, answers, _) in runs.items()
    if best_other(answers)[1] > ceiling.mean().item()
]
# the best other method's PSNR on those three: 25.9-29.0 dB against a ceiling of
# 22.6 real; 25.6-29.0 against 21.0 fast (3.2 dB of margin at least)
assert {"super_resolution", "denoising", "quantization"} <= set(above_ceiling)
above_ceiling

# %% [markdown]
# ### 2. Metrics where the task is
#
# Inpainting copies three quarters of the face from y: every method that keeps the
# known pixels scores on the whole face what it scores in the hole plus
# 10 log10(4) = 6.02 dB, since the squared error is all in a quarter of the pixels.
# Scored **inside the hole** only, the numbers say what each method drew:

# %%
op_in, _, inpainted, _ = runs["inpainting"]
hole = 1 - op_in.mask(x)  # 1 in the 32x32 hole
hole_scores = {
    m: {
        "PSNR, whole face": tl.psnr(v, x).mean().item(),
        "PSNR, in the hole": tl.psnr(v, x, where=hole).mean().item(),
    }
    for m, v in inpainted.items()
}
Markdown(metrics.markdown_table(hole_scores))

# %% [markdown]
# The check: the GAN prior's Poisson blending keeps every known pixel, so for each face
# its whole-face PSNR is its hole PSNR plus exactly 6.02 dB.

# %%
gap = tl.psnr(inpainted["gan"], x) - tl.psnr(inpainted["gan"], x, where=hole)
# exact in both modes (6.0206 per face): no threshold to measure
assert torch.allclose(gap, torch.full_like(gap, 10 * math.log10(4)), atol=0.01)
gap

# %% [markdown]
# Colorization copies the luminance, and the gray image already has the truth's
# luminance: its PSNR and SSIM reward what was given. The **chroma error**
# (`metrics.chroma_error`: the root mean square difference of the two BT.601
# color-difference channels Cb and Cr; 0 is the truth's colors) scores only the colors
# a method chose. The gray image's chroma error is the size of the truth's colors.

# %%
chroma = {m: chroma_error(v, x).mean().item() for m, v in color_answers.items()}
# the GAN prior's colors beat no color at all: 0.043 against 0.123 real, 0.047
# against 0.122 fast (the gray image's error is 2.6x the GAN prior's at least)
assert chroma["gan"] < chroma["naive"]
chroma

# %% [markdown]
# ### 3. Distortion against realism
#
# Blau and Michaeli (CVPR 2018) proved what the pictures suggest: for a corruption
# that loses information, low distortion (high PSNR) and realism (answers distributed
# like real images) cannot both be had at their best; the answer closest on average to
# x* is the mean of the plausible faces, which is blurred (squared error is convex, so
# averaging answers never raises it: Jensen's inequality). Below, every method on
# four tasks, distortion along x (PSNR) and two measures of realism up: the shipped
# D's logit (higher reads as more real to D; the dashed line is the truth's) and the
# sharpness relative to the truth (1 is as much edge as the real face; below is blur,
# above is noise). D is no neutral judge: the GAN prior optimised its logit and D was
# trained against this G, so read it beside the sharpness, not instead of it.


# %%
def realism(answers):
    """method -> (PSNR, D logit, sharpness / truth's), means over the faces."""
    return {
        m: (
            tl.psnr(v, x).mean().item(),
            D(v).mean().item(),
            (sharpness(v) / sharpness(x)).mean().item(),
        )
        for m, v in answers.items()
    }


with torch.no_grad():
    scores = {task: realism(runs[task][2]) for task in tasks}
    truth_logit = D(x).mean().item()
fig, axes = plt.subplots(2, len(tasks), figsize=(14, 6), sharey="row")
for col, task in enumerate(tasks):
    for m, (p, logit, sharp) in scores[task].items():
        for row, value in enumerate((logit, sharp)):
            axes[row, col].scatter(p, value)
            axes[row, col].annotate(m, (p, value), fontsize=8)
    axes[0, col].axhline(truth_logit, ls="--", c="gray")
    axes[1, col].axhline(1.0, ls="--", c="gray")
    axes[0, col].set_title(task)
    axes[1, col].set_xlabel("PSNR (dB): less distortion →")
axes[0, 0].set_ylabel("D's logit: more real →")
axes[1, 0].set_ylabel("sharpness / truth's")
fig.suptitle("Distortion against realism, every method (dashed: the truth)")
fig.tight_layout()
plt.show()

# %% [markdown]
# The check behind the slide's question, on super-resolution: the method with the best
# PSNR is not the one whose sharpness is closest to the truth's, and the GAN prior is
# closer to the truth's sharpness than bicubic upsampling, which is visibly blurred.

# %%
sr_scores = scores["super_resolution"]
best_psnr = max(sr_scores, key=lambda m: sr_scores[m][0])
truest_edges = min(sr_scores, key=lambda m: abs(sr_scores[m][2] - 1))
assert best_psnr != truest_edges  # sparse and gan in both modes
# sharpness / truth's: GAN prior 0.88 real / 0.84 fast, bicubic 0.55 / 0.53
assert abs(sr_scores["gan"][2] - 1) < abs(sr_scores["naive"][2] - 1)
best_psnr, truest_edges, {m: round(v[2], 2) for m, v in sr_scores.items()}

# %% [markdown]
# ### 4. Consistency with y, where the paper drops it
#
# The GAN prior's answer fits y only as well as G can draw: after super-resolution its
# 4x4 block averages are near y's, not equal to them. A **consistency step**
# (`tutorial_lib.consistency.make_consistent`) moves it to the nearest image that
# explains y: back-projection for super-resolution (each block's mean error added back
# to its 16 pixels), the quantization cell of each observed level (within 1/8 of it),
# and for denoising the ball of images the noise could have come from (no farther from
# y than σ√n). What does the step do to each measure?

# %%
consistency = {}
with torch.no_grad():
    for task in ("super_resolution", "denoising", "quantization"):
        op_t, y_t, answers, _ = runs[task]
        fitted = make_consistent(answers["gan"], y_t, op_t)
        for label, v in (("GAN prior", answers["gan"]), ("+ consistency", fitted)):
            consistency[f"{task}: {label}"] = {
                "PSNR": tl.psnr(v, x).mean().item(),
                "SSIM": tl.ssim(v, x).mean().item(),
                "D logit": D(v).mean().item(),
                "sharpness / truth": (sharpness(v) / sharpness(x)).mean().item(),
                "misfit": (op_t.A(v) - y_t).abs().mean().item(),
            }
Markdown(metrics.markdown_table(consistency))

# %% [markdown]
# On all three tasks the step raises PSNR and SSIM: it puts back what y knows and G
# could not draw. And on all three D's logit falls, far: the blocks, the noise and the
# banding the step brings back with y's information are what D learned to call fake.
# The trade-off of the plot above, now within one method.

# %%
for task in ("super_resolution", "denoising", "quantization"):
    before, after = (
        consistency[f"{task}: GAN prior"],
        consistency[f"{task}: + consistency"],
    )
    # PSNR gained: +2.11, +1.17, +2.82 dB real; +3.10, +1.96, +3.09 fast (margin 1)
    assert after["PSNR"] > before["PSNR"] + 1 and after["SSIM"] > before["SSIM"]
    # D's logit lost: 3.7, 3.5, 6.1 real; 4.4, 6.5, 7.1 fast (margin 1)
    assert after["D logit"] < before["D logit"] - 1
{
    t: round(
        consistency[f"{t}: + consistency"]["PSNR"]
        - consistency[f"{t}: GAN prior"]["PSNR"],
        2,
    )
    for t in ("super_resolution", "denoising", "quantization")
}

# %% [markdown]
# ### 5. A blind comparison
#
# Your eyes are the judge the paper appealed to. Below are twelve pairs of
# super-resolved test faces: the GAN prior and the best hand-made prior on PSNR in the
# table, left and right in an order drawn at random. For each pair, write down which
# of the two (left or right) looks more like a real photograph. The key is not printed:
# when you have your list, run `blind_key()` in a new cell, count how often you picked
# the GAN prior, and compare with the PSNR ranking of the table.

# %%
best_baseline = max(PRIORS, key=lambda m: summary[(m, "super_resolution")]["psnr"])
x_blind = tl.load_sample_faces(12).to(device)
y_blind = op.corrupt(x_blind, seed=0)
pair = {
    "gan": tl.restore(y_blind, op, G, D, **fast).x_hat,
    best_baseline: restore_baseline(best_baseline, y_blind, op),
}
order = [random.Random(k).sample(list(pair), 2) for k in range(len(x_blind))]
left = torch.cat([pair[o[0]][k : k + 1] for k, o in enumerate(order)])
right = torch.cat([pair[o[1]][k : k + 1] for k, o in enumerate(order)])


def blind_key(pair=pair, order=order):
    """The GAN prior's side in each pair, and which of the two has the higher PSNR."""
    other = next(m for m in pair if m != "gan")
    wins = tl.psnr(pair["gan"], x_blind) > tl.psnr(pair[other], x_blind)
    return [
        f"pair {k + 1}: GAN prior {'left' if o[0] == 'gan' else 'right'}, "
        f"higher PSNR: {'GAN prior' if win else other}"
        for k, (o, win) in enumerate(zip(order, wins))
    ]


for start in (0, 6):  # two figures of six pairs, big enough to judge
    shown = slice(start, start + 6)
    show_faces(
        {
            "low-resolution y": y_blind[shown],
            "left": left[shown],
            "right": right[shown],
        },
        f"Blind comparison, pairs {start + 1}-{start + 6}: which looks like a photo?",
    )
    plt.show()

# %% [markdown] tags=["slide"]
# ## Summary
#
# In this notebook we have:
# - met TV, low rank and sparse coding, three priors written by hand, each restoring y
#   through A and A* only;
# - rerun the paper's table on a few faces and read the full run on 460 test faces:
#   the GAN prior wins inpainting, and on the other tasks a hand-made prior or even the
#   naive inverse often wins the pixel metrics, as in the paper;
# - measured the ceiling the generator sets (the projection of the truth on G), scored
#   inpainting in the hole and colorization by its colors alone, plotted distortion
#   against realism (the least distorted answer is not the most realistic one), and
#   seen what a consistency step with y does to each measure;
# - judged a blind comparison by eye.

# %% [markdown]
# ## Exercises
#
# Each exercise has a starter cell: fill in the `...`, uncomment the lines and run it.
# (In a copy with solutions, each solution follows its starter, collapsed.)
#
# ### Exercise 1: distortion against realism, for colorization
#
# The realism plot left colorization out. Score the gray image and the GAN prior's
# colorization with `realism` (PSNR, D's logit, sharpness against the truth's): does D
# find the colored faces more real than the gray ones, and which has the higher PSNR?

# %% tags=["starter"]
color_scores = ...  # your answer: method -> (PSNR, logit, sharpness), a dict
# color_scores = realism(runs["colorization"][2])  # method -> (PSNR, logit, sharpness)
# Compare color_scores["gan"] with color_scores["naive"] (the gray image), and D's
# logit with truth_logit, the truth's.
# ...

# %% jupyter={"source_hidden": true} tags=["solution"]
with torch.no_grad():
    color_scores = realism(runs["colorization"][2])
(p_gray, logit_gray, _), (p_gan, logit_gan, _) = (
    color_scores["naive"],
    color_scores["gan"],
)
# measured (GAN prior, gray, truth): logit -1.73, -3.77, +0.22 and PSNR 28.27 against
# 19.50 dB (fast); -1.92, -3.55, +0.11 and 27.82 against 19.24 dB (real)
assert logit_gray + 1 < logit_gan < truth_logit  # more real to D, short of the truth
assert p_gan > p_gray + 3
print(
    f"D's mean logit is {logit_gan:.2f} for the GAN prior's colors and "
    f"{logit_gray:.2f} for the gray faces (the truth: {truth_logit:.2f}): D finds the "
    "colored faces more real, if less than the truth. The GAN prior also has the "
    "higher PSNR, "
    f"{p_gan:.2f} dB against {p_gray:.2f} dB: on colorization, unlike "
    "super-resolution, distortion and D's realism agree."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "10.1",
    color_scores,
    [
        (
            "a dict with 'naive' (the gray faces) and 'gan', each a triple (PSNR in "
            "dB, D's mean logit, sharpness / truth's)",
            lambda a: (
                sorted(a) == ["gan", "naive"] and len(a["gan"]) == 3 == len(a["naive"])
            ),
        ),
        (
            "the PSNRs of the gray faces and of the GAN prior's colorization, within "
            "0.01 dB",
            lambda a: (
                abs(a["naive"][0] - tl.psnr(color_answers["naive"], x).mean()) < 0.01
                and abs(a["gan"][0] - tl.psnr(color_answers["gan"], x).mean()) < 0.01
            ),
        ),
        (
            "D's mean logits on the same two, within 0.01",
            lambda a: (
                abs(a["naive"][1] - D(color_answers["naive"]).mean()) < 0.01
                and abs(a["gan"][1] - D(color_answers["gan"]).mean()) < 0.01
            ),
        ),
    ],
    mistakes={
        "super-resolution's scores, not colorization's": {
            "naive": scores["super_resolution"]["naive"],
            "gan": scores["super_resolution"]["gan"],
        },
        "the gray faces and the GAN prior swapped": (
            lambda c: {"naive": c["gan"], "gan": c["naive"]}
        )(realism(runs["colorization"][2])),
    },
)

# %% [markdown]
# ### Exercise 2: TV's λ
#
# TV's λ trades flatness for fidelity: restore the super-resolution face with TV at a
# tenth and ten times its tuned λ (`tl.baselines.baseline_defaults("tv", ...)`) and
# compare PSNR and sharpness.

# %% tags=["starter"]
tv_scores = ...  # your answer: {factor: (PSNR in dB, sharpness / truth's)}, a dict
# over the factors 0.1, 1 and 10 of the tuned λ.
# lam_tv = baseline_defaults("tv", "super_resolution")["lam"]  # the tuned λ
# y is face 1's low-resolution y and op the super-resolution operator (above):
# tv_answers = {f: restore_baseline("tv", y, op, lam=f * lam_tv) for f in (0.1, 1, 10)}
# For each: tl.psnr(v, x[:1]) and sharpness(v) / sharpness(x[:1]).
# showcase.show_against_truth({"truth x*": x[:1], ...}, "...")
# ...

# %% jupyter={"source_hidden": true} tags=["solution"]
lam_tv = baseline_defaults("tv", "super_resolution")["lam"]
factors = (0.1, 1, 10)
tv_answers = {
    f"lam x {f:g}": restore_baseline("tv", y, op, lam=f * lam_tv) for f in factors
}
showcase.show_against_truth(
    {"truth x*": x[:1], **tv_answers}, "TV super-resolution across lambda"
)
plt.show()
psnr_tv = [tl.psnr(v, x[:1]).item() for v in tv_answers.values()]
sharp_tv = [(sharpness(v) / sharpness(x[:1])).item() for v in tv_answers.values()]
tv_scores = dict(zip(factors, zip(psnr_tv, sharp_tv)))
# TV needs no GAN: the same in both modes, PSNR 28.24, 27.69, 26.90 dB and sharpness
# 0.60, 0.58, 0.49 of the truth's
assert sharp_tv[0] > sharp_tv[1] > sharp_tv[2]  # TV charges every edge by its length
assert psnr_tv[0] > psnr_tv[1] > psnr_tv[2]
print(
    f"At a tenth, once and ten times the tuned λ, TV scores {psnr_tv[0]:.2f}, "
    f"{psnr_tv[1]:.2f} and {psnr_tv[2]:.2f} dB, with {sharp_tv[0]:.2f}, "
    f"{sharp_tv[1]:.2f} and {sharp_tv[2]:.2f} of the truth's sharpness. Sharpness "
    "falls as λ grows, since TV charges every edge by its length, and PSNR falls "
    "with it: on this face the tuned λ does not have the best PSNR of the three, "
    "and a larger λ buys flatness at the cost of fidelity."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "10.2",
    tv_scores,
    [
        (
            "a dict over the factors 0.1, 1 and 10, each (PSNR in dB, sharpness / "
            "truth's)",
            lambda a: sorted(a) == [0.1, 1, 10] and len(a[1]) == 2,
        ),
        (
            "at the tuned λ, TV's super-resolution of face 1 in the rerun above "
            "(runs), within 0.01 dB and 0.01",
            lambda a: (
                lambda v: (
                    abs(a[1][0] - tl.psnr(v, x[:1]).item()) < 0.01
                    and abs(a[1][1] - (sharpness(v) / sharpness(x[:1])).item()) < 0.01
                )
            )(runs["super_resolution"][2]["tv"][:1]),
        ),
        (
            "sharpness in the order TV's penalty sets: the larger λ, the flatter",
            lambda a: a[0.1][1] > a[1][1] > a[10][1],
        ),
        (
            "at a tenth and ten times the tuned λ, TV's PSNR, within 0.01 dB",
            lambda a: all(
                map(
                    lambda f, lam: (
                        abs(
                            a[f][0]
                            - tl.psnr(restore_baseline("tv", y, op, lam=f * lam), x[:1])
                        )
                        < 0.01
                    ),
                    (0.1, 10),
                    [baseline_defaults("tv", "super_resolution")["lam"]] * 2,
                )
            ),
        ),
    ],
    mistakes={
        "PSNR and sharpness swapped": {
            0.1: (0.60, 28.24),
            1: (0.58, 27.69),
            10: (0.49, 26.90),
        },
        "λ x 10 filed under 0.1": {
            0.1: (26.90, 0.49),
            1: (27.69, 0.58),
            10: (28.24, 0.60),
        },
        "the tuned λ for all three (lam= left out)": {
            0.1: (27.69, 0.58),
            1: (27.69, 0.58),
            10: (27.69, 0.58),
        },
    },
)

# %% [markdown]
# ### Exercise 3: the blind comparison against bicubic
#
# The blind comparison again, with bicubic upsampling (the naive inverse) in place of
# the best hand-made prior and a new random order: do you still pick the GAN prior?
# Judge first, then read the key.

# %% tags=["starter"]
sides = ...  # your answer: [left, right], two (12, 3, 64, 64) tensors
# pair_bicubic = {"gan": pair["gan"], "bicubic": op.naive_inverse(y_blind)}
# order_bicubic = [random.Random(100 + k).sample(list(pair_bicubic), 2) for k in ...]
# Build left and right as above, show them with show_faces, and only then:
# blind_key(pair_bicubic, order_bicubic)
# ...

# %% jupyter={"source_hidden": true} tags=["solution"]
pair_bicubic = {"gan": pair["gan"], "bicubic": op.naive_inverse(y_blind)}
order_bicubic = [
    random.Random(100 + k).sample(list(pair_bicubic), 2) for k in range(len(x_blind))
]
sides = [
    torch.cat([pair_bicubic[o[i]][k : k + 1] for k, o in enumerate(order_bicubic)])
    for i in (0, 1)
]
show_faces(
    {"low-resolution y": y_blind, "left": sides[0], "right": sides[1]},
    "Blind comparison against bicubic: which looks like a photo?",
)
plt.show()
psnr_wins = int(
    (tl.psnr(pair_bicubic["bicubic"], x_blind) > tl.psnr(pair["gan"], x_blind)).sum()
)
sharper = int((sharpness(pair["gan"]) > sharpness(pair_bicubic["bicubic"])).sum())
print(
    f"Bicubic has the higher PSNR on {psnr_wins} of {len(x_blind)} faces and the GAN "
    f"prior the sharper image on {sharper}; run blind_key(pair_bicubic, order_bicubic) "
    "to count your picks of the GAN prior and see which of the two your eye followed."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "10.3",
    sides,
    [
        (
            "two tensors, left and right, each (12, 3, 64, 64)",
            lambda a: len(a) == 2 and a[0].shape == a[1].shape == x_blind.shape,
        ),
        (
            "each pair is the GAN prior's face and bicubic's, one on each side",
            lambda a: (
                lambda g, b: (
                    ((a[0] == g) & (a[1] == b)).flatten(1).all(1)
                    | ((a[0] == b) & (a[1] == g)).flatten(1).all(1)
                ).all()
            )(pair["gan"], op.naive_inverse(y_blind)),
        ),
        (
            "in a random order: the GAN prior on the left in some pairs, on the right "
            "in others",
            lambda a: 0 < (a[0] == pair["gan"]).flatten(1).all(1).sum() < len(x_blind),
        ),
    ],
    mistakes={
        "the GAN prior always on the left": [pair["gan"], op.naive_inverse(y_blind)],
        "the first comparison's sides (the best hand-made prior)": [left, right],
        "the GAN prior on both sides": [pair["gan"], pair["gan"]],
    },
)
