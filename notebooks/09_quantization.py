# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 09. Quantization
#
# In this notebook we restore a face whose colors were rounded to 5 levels per channel,
# as an image saved with far too few bits. Every pixel is known to within ±1/8, but
# smooth shading has become flat bands with steps between them. We
# - write the rounding, and check that 5 levels remain and the error is at most 1/8;
# - restore a few test faces with `tl.restore` and its tuned defaults, and compare them
#   with the quantized input;
# - face an uncomfortable fact of the paper's table: the quantized input itself wins
#   on PSNR (and on SSIM over the 460 test faces of notebook 10; on the three faces here
#   the two are level), and see what the GAN restoration wins instead (smooth shading);
# - move λ and p with an explorer widget;
# - check that even λ ≈ 0 does not bring the bands back, and how much of each
#   restoration lies where y says the truth must be.
#
# **Where it runs.** A CPU is enough. With the real settings the slowest cell took
# 8 s on one CPU core here, and the whole notebook about 40 s
# (`benchmarks/notebook_times.py`); under `TUTORIAL_FAST=1` every run is cut to at most 20
# Adam steps and one start, so some pictures are rougher. The first cell says which
# device it found; a GPU is used when there is one.

# %%

import matplotlib.pyplot as plt
import torch
from IPython.display import Markdown

import tutorial_lib as tl
from tutorial_lib.metrics import markdown_table, metric_table
from tutorial_lib.pitfalls import sweep
from tutorial_lib.plots import show_faces
from tutorial_lib.showcase import run_task, show_against_truth
from tutorial_lib.widgets import RestorationExplorer

device = tl.default_device()
device

# %% [markdown]
# The shipped DCGAN (frozen, in eval mode) and three faces of the CelebA test
# partition, which neither the GAN nor the tuning of λ has seen.

# %%
G, D = tl.load_pretrained(device=device)
x = tl.load_sample_faces(3).to(device)  # (N, 3, 64, 64) clean faces in [0, 1]
fast = dict(steps=tl.fast_or(None, 20), restarts=tl.fast_or(None, 1))  # None: default
N = len(x)
N, fast

# %% [markdown]
# ## The corruption and its operator
#
# Each channel is rounded to the nearest of L = 5 levels 0, 1/4, 1/2, 3/4, 1:
#
# $$y = q(x^*) = \frac{\operatorname{round}\big((L - 1)\, x^*\big)}{L - 1},
# \qquad |y - x^*| \le \frac{1}{2 (L - 1)} = \frac18 .$$
#
# q is a step function: its gradient is 0 almost everywhere, so q(G(z)) cannot sit
# inside the objective (Adam would get no signal). The solver uses A = identity and
# compares G(z) with y directly; the rounding lives in `op.corrupt` only. What y
# tells us can still enter the objective another way: x* lies within 1/8 of y in every
# pixel, so a *dead-zone* data term $\sum_i \max(0, |G(z)_i - y_i| - 1/8)^p$ is zero
# for every face consistent with y and grows outside, with a gradient there. This
# package keeps the plain term, as the paper does; exercise 1 below projects onto that
# box after the search instead.

# %%
op = tl.make_operator("quantization")
y = op.corrupt(x, seed=0)  # (N, 3, 64, 64)
show_faces(
    {
        "truth x*": x[:1],
        "y = q(x*)": y[:1],
        "error y - x* (x4, on gray)": 0.5 + 4 * (y - x)[:1],
    },
    "Quantization: 5 levels per channel",
)
plt.show()

# %% [markdown]
# The check: exactly the five levels remain, and no pixel moved by more than 1/8.

# %%
levels = torch.unique(y)
assert torch.allclose(levels, torch.linspace(0, 1, 5, device=device))
assert (y - x).abs().max() <= 1 / 8 + 1e-6
assert torch.equal(op.A(x), x)  # A in the objective is the identity
levels.tolist(), (y - x).abs().max().item()

# %% [markdown]
# ## Restoring with the GAN prior
#
# The data term compares G(z) with y, pixel by pixel: the closest face G can draw to
# the banded image. The naive answer is y itself. `run_task` uses the tuned defaults
# `tl.TUNED_SETTINGS["quantization"]`; in fast mode we cut the steps and restarts.

# %%
task_run = run_task("quantization", x, G, D, **fast)
r = task_run.result
r.settings

# %%
show_faces(
    task_run.columns(),
    "Quantization: GAN prior against the quantized input",
    scores=task_run.scores(),
)
plt.show()

# %% [markdown]
# ## What the metrics say, and what they miss
#
# Pixel metrics favour the quantized input, plainly. Its error is at most 1/8 per pixel
# and about 1/14 on average (PSNR ≈ 23 dB), while G(ẑ) is only as close as G can draw
# the face, a dB or more worse. The paper's GAN prior scores 0.6061 / 19.77 dB on
# quantization, below all three hand-made priors on both metrics.
#
# What the GAN restoration brings back is **smooth shading**. A face is full of gentle
# changes from pixel to pixel (the curve of a cheek); the quantized image has none:
# neighbours are equal (a flat band) or differ by a step of at least 1/4 (a false
# edge). We count the share of neighbouring pixels that differ by a small amount,
# between half a gray level and 0.1, and also ask the discriminator (its logit).


# %%
def gentle(img):  # (N,) share of neighbour differences in (0.5/255, 0.1)
    d = torch.cat(
        [
            (img[..., 1:, :] - img[..., :-1, :]).flatten(1),
            (img[..., :, 1:] - img[..., :, :-1]).flatten(1),
        ],
        dim=1,
    ).abs()
    return ((d > 0.5 / 255) & (d < 0.1)).float().mean(dim=1)


answers = {"quantized y": y, "GAN x_hat": r.x_hat, "truth": x}
table = metric_table(answers, x, D, gentle=gentle)
Markdown(markdown_table(table))

# %% [markdown]
# First the uncomfortable fact of the first paragraph, checked on these faces: the
# quantized input beats the GAN restoration on PSNR, and the GAN restoration does not
# win SSIM either (on these three faces the two are level with the tuned settings; on
# the 460 test faces of notebook 10's table the quantized input wins SSIM too, 0.687
# against 0.649).

# %%
quantized, gan = table["quantized y"], table["GAN x_hat"]
# measured: quantized 22.83 dB / 0.632 in both modes; GAN x_hat 21.46 dB / 0.632 real,
# 19.72 dB / 0.566 fast
assert quantized["PSNR"] > gan["PSNR"] + 1
assert quantized["SSIM"] > gan["SSIM"] - 0.01
{k: f"{v['PSNR']:.2f} dB / {v['SSIM']:.3f}" for k, v in table.items()}

# %% [markdown]
# The second check: the quantized image has no gentle steps at all (its
# differences are multiples of 1/4), the truth has them between most neighbours, and
# so does the GAN restoration. It says the banding is gone, not that the shading is
# right.

# %%
assert table["quantized y"]["gentle"] == 0  # only steps of 0 or >= 1/4
assert table["truth"]["gentle"] > 0.5
assert table["GAN x_hat"]["gentle"] > 0.5  # measured: 0.86-0.88 (truth: 0.85)
{k: f"{v['gentle']:.3f}" for k, v in table.items()}

# %% [markdown]
# How D ranks the quantized image depends on how it was trained: the table above gives
# the shipped D's mean logit for each answer, and a D that scores bands close to real
# faces cannot push a restoration away from them. D is not an
# independent judge either: with λ > 0 the restoration was pushed towards a high logit.

# %% [markdown]
# ## Explore λ and p
#
# The explorer of notebook 05, on this task. Drag λ to its smallest value: do the
# bands come back? The next section measures it.

# %%
ex = RestorationExplorer(x[:1], "quantization", G, D)  # fast mode: few steps
ex

# %% [markdown]
# ## What goes wrong
#
# ### λ ≈ 0 does not bring the bands back
#
# With λ ≈ 0, G(ẑ) chases the bands and steps of y as closely as G allows; with λ very
# large the prior wins, ẑ shrinks towards 0 and G(ẑ) is a generic face. G draws smooth
# faces, so even the G(ẑ) that chases y hardest should keep gentle steps between most
# neighbours, where y has none. We restore the first face at both ends, one start
# each, with `sweep` (notebook 05), and score each by the share `gentle` of the
# previous section.

# %%
by_lam = sweep(y[:1], op, G, D, "lam", (1e-3, 100.0), restarts=1, steps=fast["steps"])
answers = {"quantized y": y[:1], **by_lam.images()}
show_against_truth(
    {"truth x*": x[:1], **answers}, "Quantization: lambda too small and too large"
)
plt.show()

# %% [markdown]
# The check: both ends keep more than half of their steps gentle, where y keeps none
# (shown above).
# What a small λ buys is a closer fit to the banded pixels, not the bands themselves.

# %%
smooth = {name: gentle(v).item() for name, v in answers.items()}
assert all(smooth[f"lam={lam:g}"] > 0.5 for lam in by_lam.results)
smooth

# %% [markdown]
# ### p = 1 or p = 2: errors with no outliers
#
# The rounding error is spread evenly over [−1/8, 1/8], with no outliers, so p = 2 does
# not suffer from its usual weakness here; but every residual is below 1, so with
# p = 2 the data term is several times smaller and the same λ weighs the prior more.
# What y tells us for sure: the truth lies within ±1/8 of y. The share of each
# restoration's pixels inside that box (for the truth, all of them) says how much of
# it y could have come from.

# %%
by_p = sweep(y[:1], op, G, D, "p", (1.0, 2.0), restarts=1, steps=fast["steps"])
{
    f"p={p:g}": ((r.x_hat - y[:1]).abs() <= 1 / 8).float().mean().item()
    for p, r in by_p.results.items()
}

# %% [markdown] tags=["slide"]
# ## Summary
#
# In this notebook we have:
# - written quantization as rounding to 5 levels, kept out of the objective (A is the
#   identity) because a step function has no gradient;
# - restored test faces with the tuned defaults and seen the quantized input win on
#   PSNR and not lose on SSIM, as in the paper, while the GAN restoration brings back the gentle
#   shading that the bands destroyed;
# - moved λ and p in an explorer, checked that even λ ≈ 0 does not bring the bands
#   back (G draws gentle shading), and measured how much of each restoration lies in
#   the box of ±1/8 around y where the truth must be.

# %% [markdown]
# ## Exercises
#
# Each exercise has a starter cell: fill in the `...`, uncomment the lines and run it.
# (In a copy with solutions, each solution follows its starter, collapsed.)
#
# ### Exercise 1: use what y tells us
#
# The truth lies within ±1/8 of y. Clamp x̂ into [y − 1/8, y + 1/8] and check that
# PSNR can only go up. Why? Does it beat y?

# %% tags=["starter"]
x_in = ...  # your answer: x̂ clamped into the box, (N, 3, 64, 64)
# Clamp r.x_hat into the box, pixel by pixel (the bounds are tensors, like y):
# x_in = torch.maximum(torch.minimum(r.x_hat, ...), ...)
# Compare tl.psnr(x_in, x) with tl.psnr(r.x_hat, x), face by face, and with y's.
# A table of all three, as the cell's last line:
# Markdown(markdown_table(metric_table({...}, x)))
# ...

# %% tags=["solution"] jupyter={"source_hidden": true}
# The box [y - 1/8, y + 1/8] holds the truth, and clamping is the projection on it:
# per pixel, it never moves x_hat away from x*. Whether it also beats y depends on how
# close G(z_hat) was: with the shipped weights it does on average, in both modes.
from IPython.display import display

x_in = torch.maximum(torch.minimum(r.x_hat, y + 1 / 8), y - 1 / 8)
psnr_before, psnr_after = tl.psnr(r.x_hat, x), tl.psnr(x_in, x)
assert (psnr_after >= psnr_before - 1e-4).all()
display(
    Markdown(
        markdown_table(metric_table({"y": y, "x_hat": r.x_hat, "clamped": x_in}, x))
    )
)
psnr_input = tl.psnr(y, x)
# measured (mean, clamped against y): 23.43 against 22.83 dB (fast), 24.29 against
# 22.83 dB (real); face 2 stays below y in both modes
assert psnr_after.mean() > psnr_input.mean()
print(
    f"PSNR goes from {psnr_before.mean():.2f} to {psnr_after.mean():.2f} dB and falls "
    "on no face: the box holds the truth and clamping is the projection onto it, which "
    "never moves a pixel away from x*. The clamped restoration beats y on average "
    f"(y: {psnr_input.mean():.2f} dB), on {int((psnr_after > psnr_input).sum())} of "
    f"the {N} faces."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "09.1",
    x_in,
    [
        ("shape (N, 3, 64, 64)", lambda a: a.shape == x.shape),
        (
            "inside the box: within 1/8 of y at every pixel",
            lambda a: ((a - y).abs() <= 1 / 8 + 1e-6).all(),
        ),
        (
            "moved from x̂ no more than it takes to enter the box, at every pixel",
            lambda a: (
                (a - r.x_hat).abs() <= ((r.x_hat - y).abs() - 1 / 8).clamp(min=0) + 1e-6
            ).all(),
        ),
        (
            "a PSNR no lower than x̂'s on any face",
            lambda a: (tl.psnr(a, x) >= tl.psnr(r.x_hat, x) - 1e-4).all(),
        ),
    ],
    mistakes={
        "x̂ itself": r.x_hat,
        "y itself": y,
        "a box of ±1/4": torch.maximum(torch.minimum(r.x_hat, y + 1 / 4), y - 1 / 4),
    },
)

# %% [markdown]
# ### Exercise 2: average with the input
#
# Average the restoration with the input, (x̂ + y) / 2. Compare its PSNR, SSIM and
# share of gentle steps with y and x̂.

# %% tags=["starter"]
average = ...  # your answer: the row of (x̂ + y) / 2 in that table, a dict:
# {"PSNR": .., "SSIM": .., "gentle": ..}, means over the faces.
# blends = {"y": y, "x_hat": r.x_hat, "(x_hat + y) / 2": ...}
# metric_table(blends, x, gentle=gentle) gives PSNR, SSIM and the share of gentle
# steps of each; Markdown(markdown_table(...)) as the cell's last line shows it.
# ...

# %% tags=["solution"] jupyter={"source_hidden": true}
from IPython.display import display

blends = {"y": y, "x_hat": r.x_hat, "(x_hat + y) / 2": (r.x_hat + y) / 2}
rows = metric_table(blends, x, gentle=gentle)
display(Markdown(markdown_table(rows)))
average = rows["(x_hat + y) / 2"]


def place(measure):  # where the average lies against y and x_hat on one measure
    low, high = sorted(rows[k][measure] for k in ("y", "x_hat"))
    v = average[measure]
    return "above both" if v > high else "below both" if v < low else "between"


print(
    f"The average scores {average['PSNR']:.2f} dB, SSIM {average['SSIM']:.3f} and a "
    f"gentle share of {average['gentle']:.2f}: {place('PSNR')} y and x̂ on PSNR, "
    f"{place('SSIM')} on SSIM and {place('gentle')} on gentle steps."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "09.2",
    average,
    [
        (
            "a dict with the average's mean 'PSNR' (dB), 'SSIM' and 'gentle' share",
            lambda a: (
                {"PSNR", "SSIM", "gentle"} <= set(a)
                and a["SSIM"] <= 1
                and 0 <= a["gentle"] <= 1
            ),
        ),
        (
            "'PSNR' within 0.01 dB of 10 log10(1 / MSE) of (x̂ + y) / 2, averaged over "
            "the faces",
            lambda a: (
                abs(
                    a["PSNR"]
                    + 10
                    * ((r.x_hat + y) / 2 - x).pow(2).flatten(1).mean(1).log10().mean()
                )
                < 0.01
            ),
        ),
        (
            "'SSIM' within 0.001 of tl.ssim's for (x̂ + y) / 2",
            lambda a: abs(a["SSIM"] - tl.ssim((r.x_hat + y) / 2, x).mean()) < 1e-3,
        ),
        (
            "'gentle' within 0.001 of the share that gentle() gives for (x̂ + y) / 2",
            lambda a: abs(a["gentle"] - gentle((r.x_hat + y) / 2).mean()) < 1e-3,
        ),
    ],
    mistakes={
        "the row of y": table["quantized y"],
        "the row of x̂": table["GAN x_hat"],
    },
)

# %% [markdown]
# ### Exercise 3: fewer levels
#
# Restore faces quantized to 3 levels (`levels=3`). How do the input's and the
# restoration's PSNR change?

# %% tags=["starter"]
loss = ...  # your answer: dB lost from 5 to 3 levels, {"y": .., "gan": ..} (floats)
# op_3 = tl.make_operator("quantization", levels=3)
# y_3 = op_3.corrupt(x)
# r_3 = tl.restore(...)  # y_3, op_3, G, D and the same **fast settings
# Their PSNR: tl.psnr(y_3, x).mean(), tl.psnr(r_3.x_hat, x).mean(). With 5 levels they
# are in the table above: table["quantized y"]["PSNR"], table["GAN x_hat"]["PSNR"].
# ...

# %% tags=["solution"] jupyter={"source_hidden": true}
op_3 = tl.make_operator("quantization", levels=3)
y_3 = op_3.corrupt(x)
r_3 = tl.restore(y_3, op_3, G, D, **fast)
psnr_y = {5: table["quantized y"]["PSNR"], 3: tl.psnr(y_3, x).mean().item()}
psnr_gan = {5: table["GAN x_hat"]["PSNR"], 3: tl.psnr(r_3.x_hat, x).mean().item()}
assert psnr_y[3] < psnr_y[5]  # errors up to 1/4 instead of 1/8
loss = {"y": psnr_y[5] - psnr_y[3], "gan": psnr_gan[5] - psnr_gan[3]}
# measured (dB lost, input / restoration): 5.76 / 3.49 (real), 5.76 / 2.45 (fast)
assert 1 < loss["gan"] < loss["y"]  # the restoration loses less, but still a lot
# less, because G draws no bands: its answer keeps gentle shading, y has none
assert gentle(r_3.x_hat).mean() > 0.5 and gentle(y_3).max() == 0
print(
    f"With 3 levels the input falls from {psnr_y[5]:.2f} to {psnr_y[3]:.2f} dB (its "
    f"errors now up to 1/4) and the restoration from {psnr_gan[5]:.2f} to "
    f"{psnr_gan[3]:.2f} dB: it loses less, {loss['gan']:.2f} against "
    f"{loss['y']:.2f} dB, but still a lot. Less, because G draws no bands: a share "
    f"{gentle(r_3.x_hat).mean():.2f} of its neighbour steps are gentle, against 0 for "
    f"y and {gentle(x).mean():.2f} for the truth. Still a lot, because the data term "
    "compares G(z) with a y whose errors are twice as large, so the face that fits it "
    "best lies further from the truth."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "09.3",
    loss,
    [
        (
            "two losses in dB, 'y' and 'gan': the mean PSNR with 5 levels minus that "
            "with 3",
            lambda a: sorted(a) == ["gan", "y"] and abs(a["y"]) + abs(a["gan"]) < 40,
        ),
        (
            "'y' is the quantized input's loss, within 0.01 dB",
            lambda a: (
                abs(
                    a["y"]
                    - table["quantized y"]["PSNR"]
                    + tl.psnr(tl.make_operator("quantization", levels=3).corrupt(x), x)
                    .mean()
                    .item()
                )
                < 0.01
            ),
        ),
        (
            "'gan' below 'y' (G draws no bands) but above 1 dB (G(ẑ) fits a y whose "
            "errors are twice as large)",
            lambda a: 1 < a["gan"] < a["y"],
        ),
    ],
    mistakes={
        "gains, not losses (3 levels minus 5)": {"y": -5.76, "gan": -2.5},
        "the 3-level PSNRs, not the losses": {"y": 17.07, "gan": 17.5},
        "the restoration losing as much as the input": {"y": 5.76, "gan": 5.76},
    },
)
