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
# - see why pixel metrics reward blur, and measure what they miss: sharpness and the
#   discriminator's opinion, and judge a blind comparison yourself.
#
# **Where it runs.** A CPU is enough. With the real settings the rerun of the table
# (3 faces, the GAN prior on every task) is the slowest cell, about a minute and a half
# on one CPU core; the whole notebook takes about three minutes. Under
# `TUTORIAL_FAST=1` the rerun uses 2 faces and the GAN prior 20 Adam steps and one
# start. The first cell says which device it found; a GPU is used when there is one.

# %%
import random

import matplotlib.pyplot as plt
import torch
from IPython.display import Markdown

import tutorial_lib as tl
from tutorial_lib import metrics, showcase
from tutorial_lib.baselines import BASELINES, baseline_defaults, restore_baseline
from tutorial_lib.data import DATA_DIR
from tutorial_lib.metrics import sharpness
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
answers = {name: restore_baseline(name, y, op) for name in BASELINES}
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
assert all(misfit[name] < 0.01 for name in BASELINES)  # mean |A x_hat - y|
assert misfit["gan"] > max(misfit[name] for name in BASELINES)  # measured: ~0.03
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
rows = run_table(x.cpu(), ids, methods=["naive", *BASELINES], device=device)
Markdown(slide_table(summarize(rows)))

# %% [markdown]
# The GAN prior is the slow one: its tuned defaults run 200 Adam steps from the
# encoder's start for each face and task. `done=rows` keeps the rows we have and adds
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

# %% [markdown]
# ## The full table: 460 test faces
#
# The committed run (`data/results/`; data/README.md gives the command and device)
# scored every method on all 460 test faces of our CelebA subset. Here it is, read
# back from its per-image CSV.

# %%
full = read_rows(DATA_DIR / "results" / "table_test460.csv")
summary = summarize(full)
Markdown(slide_table(summary))

# %% [markdown]
# Checks on the committed file: every (method, task) pair has all 460 faces, and the
# headline claims of this notebook hold there. The GAN prior wins inpainting; bicubic
# upsampling beats it on super-resolution PSNR, the slide's uncomfortable fact.

# %%
assert all(s["n"] == 460 for s in summary.values())
best_inpainting = max(
    ("tv", "lowrank", "sparse", "gan"), key=lambda m: summary[(m, "inpainting")]["psnr"]
)
assert best_inpainting == "gan"
assert (
    summary[("naive", "super_resolution")]["psnr"]
    > summary[("gan", "super_resolution")]["psnr"]
)
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
# ## The qualitative grid
#
# The slide's figure: one face, one row per task, one column per method. Look before
# you read the numbers under the panels: which column looks most like a photograph?

# %%
face = x[1:2] if n_faces > 1 else x[:1]
columns = ["input", "TV", "LR", "Sparse", "GAN prior", "truth x*"]
grid = {name: [] for name in columns}
for task in tasks:
    op_t = tl.make_operator(task)
    y_t = op_t.corrupt(face, seed=0)
    grid["input"].append(op_t.naive_inverse(y_t))
    for name, label in zip(BASELINES, ["TV", "LR", "Sparse"]):
        grid[label].append(restore_baseline(name, y_t, op_t))
    grid["GAN prior"].append(tl.restore(y_t, op_t, G, D, **fast).x_hat)
    grid["truth x*"].append(face)
grid = {k: torch.cat(v) for k, v in grid.items()}  # (tasks, 3, 64, 64) per column
showcase.show_against_truth(grid, "Rows: " + ", ".join(tasks))
plt.show()

# %% [markdown]
# ## Is that the full story?
#
# ### Pixel metrics reward blur
#
# When y does not pin x* down, many faces explain it. A restoration that commits to one
# of them (a sharp face with a plausible eyebrow) pays the full error wherever it
# guessed wrong; the *average* of all plausible answers hedges, and its squared error
# is never larger. That is Jensen's inequality, since the squared error is convex:
#
# $$\Big\|\tfrac1K \textstyle\sum_k \hat x_k - x^*\Big\|^2 \le \tfrac1K \sum_k
# \|\hat x_k - x^*\|^2 .$$
#
# The average of plausible answers is blurry, so MSE, and PSNR = 10 log10(1 / MSE),
# reward blur. We check it with K GAN restorations of one super-resolved face from
# different random starts (different seeds):

# %%
K = tl.fast_or(6, 3)
y1 = op.corrupt(x[:1], seed=0)
samples = torch.cat(
    [
        tl.restore(
            y1, op, G, D, seed=k, restarts=1, init="random", steps=fast["steps"]
        ).x_hat
        for k in range(K)
    ]
)
average = samples.mean(dim=0, keepdim=True)
mse = ((samples - x[:1]) ** 2).flatten(1).mean(dim=1)
mse_average = ((average - x[:1]) ** 2).mean()
assert mse_average <= mse.mean() + 1e-7  # Jensen: holds for any K answers
{
    "mean PSNR of the K answers": f"{(-10 * mse.log10()).mean():.2f} dB",
    "PSNR of their average": f"{-10 * mse_average.log10():.2f} dB",
}

# %% [markdown]
# The average is also less sharp than the answers it averages: the mean gradient
# magnitude (`tl.metrics.sharpness`) is a norm of a linear map of the image, so the
# triangle inequality guarantees it. Here are the answers, their average and the truth.

# %%
assert sharpness(average) <= sharpness(samples).mean() + 1e-7
panels = {
    "truth x*": x[:1],
    **{f"seed {k}": samples[k : k + 1] for k in range(3)},
    "average": average,
}
showcase.show_against_truth(
    panels, "Three GAN answers and the average of all K: sharper or closer?"
)
plt.show()

# %% [markdown]
# ### What the table does not measure
#
# Two numbers beside PSNR for each method, on the faces of the rerun: **sharpness**
# relative to the truth (1 means as much edge as the real face; below 1 is blur, above
# is noise or false edges), and the **discriminator's logit** (higher reads as more
# real to D). We restore the rerun's faces once more per method; D is not a neutral
# judge (the GAN prior optimised its logit, and a D trained against this G knows G's
# artefacts), so read it beside the pictures, not instead of them.


# %%
def beyond_pixels(task):
    """PSNR, SSIM, D's logit and sharpness / truth of every method (means over x)."""
    op_t = tl.make_operator(task)
    y_t = op_t.corrupt(x, seed=0)
    answers = {
        "naive": op_t.naive_inverse(y_t),
        **{m: restore_baseline(m, y_t, op_t) for m in BASELINES},
        "gan": tl.restore(y_t, op_t, G, D, **fast).x_hat,
        "truth": x,
    }
    ratio = {"sharpness / truth": lambda v: sharpness(v) / sharpness(x)}
    return metrics.metric_table(answers, x, D, **ratio)


sr = beyond_pixels("super_resolution")
Markdown(metrics.markdown_table(sr))

# %% [markdown]
# The check behind the story: on super-resolution bicubic upsampling wins PSNR and
# is visibly blurred (about half the truth's sharpness with the real settings), while
# the GAN prior's answer has far more of the truth's edges (about 0.85).

# %%
assert sr["naive"]["sharpness / truth"] < 0.85
assert sr["gan"]["sharpness / truth"] > sr["naive"]["sharpness / truth"]
{m: round(v["sharpness / truth"], 3) for m, v in sr.items()}

# %% [markdown]
# Sharper is not the same as right, though. Look again at the grid: our GAN prior draws
# *a* face, not always *this* face. D was trained to tell this G's faces from real
# ones, and it still can (on validation faces: real −0.5, generated −2.5 on average,
# data/README.md), so D is no neutral judge of them. The full story has two halves:
# pixel metrics reward blur and so understate a prior that commits to sharp detail;
# and a generative prior is only as good as its generator, which can draw only the
# faces in its range. Ours trained for 100 epochs on a CPU (data/README.md).

# %% [markdown]
# ### A blind comparison
#
# Your eyes are the judge the paper appealed to. Below are pairs of super-resolved
# faces, the GAN prior and the best hand-made prior on PSNR, in an order drawn at
# random: for each pair, note which of the two (left or right) looks more like a real
# photograph. The key is in the hidden cell after it; count how often you picked the
# GAN prior, then compare with the PSNR ranking of the table.

# %%
best_baseline = max(BASELINES, key=lambda m: summary[(m, "super_resolution")]["psnr"])
y_all = op.corrupt(x, seed=0)
pair = {
    "gan": tl.restore(y_all, op, G, D, **fast).x_hat,
    best_baseline: restore_baseline(best_baseline, y_all, op),
}
order = [random.Random(k).sample(list(pair), 2) for k in range(n_faces)]
left = torch.cat([pair[o[0]][k : k + 1] for k, o in enumerate(order)])
right = torch.cat([pair[o[1]][k : k + 1] for k, o in enumerate(order)])
show_faces(
    {"low-resolution y": y_all, "left": left, "right": right},
    "Blind comparison: which looks like a real photograph?",
)
plt.show()

# %% jupyter={"source_hidden": true} tags=["solution"]
[f"face {k + 1}: left {o[0]}, right {o[1]}" for k, o in enumerate(order)]

# %% [markdown]
# ## Summary
#
# In this notebook we have:
# - met TV, low rank and sparse coding, three priors written by hand, each restoring y
#   through A and A* only;
# - rerun the paper's table on a few faces and read the full run on 460 test faces:
#   the GAN prior wins inpainting, and on the other tasks a hand-made prior or even the
#   naive inverse often wins the pixel metrics, as in the paper;
# - seen why: the average of plausible answers minimises the squared error (Jensen),
#   so PSNR rewards blur, and checked that bicubic upsampling wins PSNR while losing
#   most of the face's edges;
# - measured sharpness and the discriminator's opinion beside PSNR, and judged a blind
#   comparison by eye.

# %% [markdown]
# ## Exercises
#
# Each exercise has a starter cell: fill in the `...`, uncomment the lines and run it.
# (In a copy with solutions, each solution follows its starter, collapsed.)
#
# ### Exercise 1: beyond pixels, for denoising
#
# Repeat the "beyond pixels" table for denoising. Which method is closest to the
# truth's sharpness, and is that the one with the best PSNR?

# %% tags=["starter"]
# dn = beyond_pixels("denoising")  # method -> {"PSNR", "SSIM", "D logit", ...}
# (Markdown(metrics.markdown_table(dn)) as a cell's last line shows it as a table.)
# Leave out the truth; the closest sharpness is the ratio nearest 1:
# closest = min(..., key=lambda m: abs(dn[m]["sharpness / truth"] - 1))
# best = max(..., key=lambda m: dn[m]["PSNR"])
# ...

# %% jupyter={"source_hidden": true} tags=["solution"]
from IPython.display import display

dn = beyond_pixels("denoising")
display(Markdown(metrics.markdown_table(dn)))
methods_dn = [m for m in dn if m != "truth"]
closest = min(methods_dn, key=lambda m: abs(dn[m]["sharpness / truth"] - 1))
best = max(methods_dn, key=lambda m: dn[m]["PSNR"])
ratio = dn[closest]["sharpness / truth"]
print(
    f"The method closest to the truth's sharpness is {closest} ({ratio:.2f} of it), "
    f"and the best PSNR goes to {best} ({dn[best]['PSNR']:.2f} dB): "
    f"{'the same method' if closest == best else 'not the same method'}."
)

# %% [markdown]
# ### Exercise 2: TV's λ
#
# TV's λ trades flatness for fidelity: restore the super-resolution face with TV at a
# tenth and ten times its tuned λ (`tl.baselines.baseline_defaults("tv", ...)`) and
# compare PSNR and sharpness.

# %% tags=["starter"]
# lam_tv = baseline_defaults("tv", "super_resolution")["lam"]  # the tuned λ
# y1 is face 1's low-resolution y and op the super-resolution operator (above):
# tv_answers = {f: restore_baseline("tv", y1, op, lam=f * lam_tv) for f in (0.1, 1, 10)}
# For each: tl.psnr(v, x[:1]) and sharpness(v) / sharpness(x[:1]).
# showcase.show_against_truth({"truth x*": x[:1], ...}, "...")
# ...

# %% jupyter={"source_hidden": true} tags=["solution"]
lam_tv = baseline_defaults("tv", "super_resolution")["lam"]
factors = (0.1, 1, 10)
tv_answers = {
    f"lam x {f:g}": restore_baseline("tv", y1, op, lam=f * lam_tv) for f in factors
}
showcase.show_against_truth(
    {"truth x*": x[:1], **tv_answers}, "TV super-resolution across lambda"
)
plt.show()
psnr_tv = [tl.psnr(v, x[:1]).item() for v in tv_answers.values()]
sharp_tv = [(sharpness(v) / sharpness(x[:1])).item() for v in tv_answers.values()]
steady = sharp_tv[0] > sharp_tv[1] > sharp_tv[2]
print(
    f"At a tenth, once and ten times the tuned λ, TV scores {psnr_tv[0]:.2f}, "
    f"{psnr_tv[1]:.2f} and {psnr_tv[2]:.2f} dB, with {sharp_tv[0]:.2f}, "
    f"{sharp_tv[1]:.2f} and {sharp_tv[2]:.2f} of the truth's sharpness. Sharpness "
    f"{'falls as λ grows' if steady else 'does not fall steadily with λ'}, and the "
    f"tuned λ {'has' if psnr_tv[1] == max(psnr_tv) else 'does not have'} the best "
    "PSNR of the three."
)

# %% [markdown]
# ### Exercise 3: the blind comparison against bicubic
#
# The blind comparison with the naive inverse (bicubic) in place of the best baseline:
# do you still pick the GAN prior?

# %% tags=["starter"]
# pair holds the two answers of the blind comparison, and order the random sides.
# Put bicubic in the baseline's place, then build left and right as above:
# pair[best_baseline] = op.naive_inverse(y_all)
# left = torch.cat([pair[o[0]][k : k + 1] for k, o in enumerate(order)])
# right = ...
# show_faces({"left": left, "right": right}, "...")
# Then, for the key: tl.psnr and sharpness of pair["gan"] and of bicubic, per face.
# ...

# %% jupyter={"source_hidden": true} tags=["solution"]
bicubic = op.naive_inverse(y_all)
pair[best_baseline] = bicubic  # bicubic takes the baseline's place
left = torch.cat([pair[o[0]][k : k + 1] for k, o in enumerate(order)])
right = torch.cat([pair[o[1]][k : k + 1] for k, o in enumerate(order)])
show_faces(
    {"left": left, "right": right},
    "Blind comparison against bicubic (the same order and key as above)",
)
plt.show()
key = "; ".join(
    f"face {k + 1}: GAN prior on the {'left' if o[0] == 'gan' else 'right'}"
    for k, o in enumerate(order)
)
psnr_wins = int((tl.psnr(bicubic, x) > tl.psnr(pair["gan"], x)).sum())
sharper = int((sharpness(pair["gan"]) > sharpness(bicubic)).sum())
print(
    f"The key: {key}. Bicubic has the higher PSNR on {psnr_wins} of {n_faces} faces "
    f"and the GAN prior the sharper image on {sharper} of {n_faces}: count your picks "
    "of the GAN prior to see which of the two your eye followed."
)
