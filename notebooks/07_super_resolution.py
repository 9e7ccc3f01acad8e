# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 07. Super-resolution
#
# In this notebook we enlarge a 16x16 face four times, to 64x64. Each low-resolution
# pixel is the average of a 4x4 block, so 15 numbers out of every 16 are lost, and the
# prior must invent them. We
# - write the 4x downsampling operator A and check it on a constant image;
# - restore a few test faces with `tl.restore` and its tuned defaults, and compare them
#   with bicubic upsampling;
# - face an uncomfortable fact of the paper's table: bicubic upsampling wins on PSNR
#   and SSIM, and see what the GAN restoration wins instead (detail);
# - move λ and p with an explorer widget;
# - see what each end of λ does to the invented detail and to D's logit, and how
#   p = 2 shifts the balance of a data term that has only 768 numbers.
#
# **Where it runs.** A CPU is enough. With the real settings the slowest cell took
# 8 s on one CPU core here, and the whole notebook about 35 s
# (`benchmarks/notebook_times.py`); under `TUTORIAL_FAST=1` every run is cut to at most 20
# Adam steps and one start, so some pictures are rougher. The first cell says which
# device it found; a GPU is used when there is one.

# %%

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from IPython.display import Markdown

import tutorial_lib as tl
from tutorial_lib.metrics import markdown_table, metric_table
from tutorial_lib.pitfalls import project_on_G, sweep
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
# A averages each 4x4 block of each channel:
#
# $$A(x)_{c,i,j} = \frac{1}{16} \sum_{a=0}^{3} \sum_{b=0}^{3} x_{c,\,4i+a,\,4j+b},
# \qquad y = A(x^*) \in [0, 1]^{3 \times 16 \times 16}.$$
#
# The paper's authors downsampled with bilinear interpolation instead. The two are
# different operators: a bilinear resize to 16x16 without antialiasing reads each
# output from at most 2x2 input pixels near it (which ones depends on the library's
# pixel-centre convention), so it ignores most of the 16 pixels of a block and lets
# fine detail alias, while the block average weighs all 16 equally, the way a
# camera's coarser sensor cell would. We chose the
# block average because every pixel of x* counts in y, and because its adjoint is
# exact and simple: pixel replication divided by 16 (notebook 01). Our numbers are
# therefore not strictly comparable with the paper's on this task.

# %%
op = tl.make_operator("super_resolution")
y = op.corrupt(x, seed=0)  # (N, 3, 16, 16)
show_faces(
    {"truth x*": x[:1], "y = A(x*), 16x16": y[:1]},
    "Super-resolution: A averages 4x4 blocks",
)
plt.show()

# %% [markdown]
# The check: an average of equal numbers is that number, so A of a constant image is
# the same constant at 16x16; and the first pixel of y is the mean of the first block.

# %%
const = torch.full((1, 3, 64, 64), 0.3, device=device)
assert torch.allclose(op.A(const), torch.full((1, 3, 16, 16), 0.3, device=device))
assert torch.allclose(y[:, :, 0, 0], x[:, :, :4, :4].mean(dim=(2, 3)))
tuple(y.shape)

# %% [markdown]
# ## Restoring with the GAN prior
#
# The data term compares A(G(z)) with y: the 4x4 block averages of the generated face
# must match the observed ones, and G draws the detail: every G(z) is a face, so the
# answer has a face's detail at every scale, whatever y leaves open (notebook 04
# measures what the prior's two terms add to that). The naive answer is
# bicubic upsampling. `run_task` uses the tuned defaults
# `tl.TUNED_SETTINGS["super_resolution"]`; in fast mode we cut the steps and restarts.

# %%
task_run = run_task("super_resolution", x, G, D, **fast)
r = task_run.result
r.settings

# %%
show_faces(
    task_run.columns(),
    "Super-resolution x4: GAN prior and bicubic upsampling",
    scores=task_run.scores(),
)
plt.show()

# %% [markdown]
# ## What the metrics say, and what they miss
#
# Pixel metrics favour bicubic upsampling, plainly. The answer with the least expected
# squared error is the posterior mean E[x* | y], the average of every face that fits
# y; it is smooth, because the faces it averages put their fine detail in different
# places. Bicubic is not that mean (it does not even reproduce y: A(bicubic(y)) ≠ y),
# but it is smooth in the same way, adding no detail it cannot see. The GAN invents
# sharp detail, and an invented edge one pixel off costs more than no edge at all.
# The paper's table shows the same (its GAN prior scores 0.5626 / 19.58 dB, below the
# hand-made priors).
#
# We compare four answers: pixel replication (nearest neighbour, the crudest),
# bicubic, the GAN restoration, and the truth; on PSNR, SSIM, the discriminator's
# logit (its "looks like a real face" score, notebook 03), and **detail**: the mean
# squared difference between an image and the bicubic upsampling of its own 16x16
# version, i.e. the energy in the part of the image that y cannot hold.

# %%
nearest = F.interpolate(y, scale_factor=4, mode="nearest")  # each pixel copied 4x4
answers = {
    "nearest": nearest,
    "bicubic": task_run.naive,
    "GAN x_hat": r.x_hat,
    "truth": x,
}


def detail(img):  # (N,) energy of what a 16x16 image cannot hold
    return (img - op.naive_inverse(op.A(img))).pow(2).flatten(1).mean(dim=1)


table = metric_table(answers, x, D, detail=detail)
Markdown(markdown_table(table))

# %% [markdown]
# Bicubic has almost no detail (it *is* an upsampled 16x16 image), while the truth has
# plenty; the GAN restoration has many times bicubic's, though usually less than
# the truth's. This is the measurable side of "the GAN restorations look sharper",
# and it is the check of this notebook. It says that detail is there, not that it is
# right: the blocks of pixel replication score here too, with their false edges.

# %%
assert table["truth"]["detail"] > 5 * table["bicubic"]["detail"]
# measured, real / fast: detail of GAN x_hat 16x / 15x bicubic's; PSNR bicubic 25.38
# against GAN 21.83 / 20.50 dB, SSIM 0.758 against 0.622 / 0.583
assert table["GAN x_hat"]["detail"] > 5 * table["bicubic"]["detail"]
assert table["bicubic"]["PSNR"] > table["nearest"]["PSNR"]  # smooth beats blocky
# the lesson above, on both metrics
assert table["bicubic"]["PSNR"] > table["GAN x_hat"]["PSNR"] + 2
assert table["bicubic"]["SSIM"] > table["GAN x_hat"]["SSIM"] + 0.05
{k: f"{1000 * v['detail']:.2f} / 1000" for k, v in table.items()}

# %% [markdown]
# How D ranks the GAN restoration against bicubic depends on how well the GAN is
# trained: the table above gives the shipped D's mean logit for each answer, and with
# another training run the order can flip. Note also that D is not an independent
# judge here: with λ > 0 the restoration was *pushed* towards a high logit.

# %% [markdown]
# ## Explore λ and p
#
# The explorer of notebook 05, on this task; its middle panel is bicubic upsampling.
# Small λ lets G(ẑ) invent detail that nothing checks: drag λ down and look at the
# eyes and the hair line.

# %%
ex = RestorationExplorer(x[:1], "super_resolution", G, D)  # fast mode: few steps
ex

# %% [markdown]
# ## What goes wrong
#
# ### λ too small or too large: detail that nothing checks
#
# With λ ≈ 0, G(ẑ) only has to match 16x16 block averages, and many faces in G's
# range do, some unlikely ones with odd high-frequency patterns. With λ very large the
# prior wins, ẑ shrinks towards 0 and G(ẑ) is a generic face that ignores y. We
# restore the first face with both, one start each, with `sweep` (notebook 05), and
# measure what the data term cannot see: the `detail` of the previous section and D's
# logit, beside PSNR and SSIM.

# %%
by_lam = sweep(y[:1], op, G, D, "lam", (1e-3, 100.0), restarts=1, steps=fast["steps"])
answers = {"bicubic": task_run.naive[:1], **by_lam.images()}
show_against_truth(
    {"truth x*": x[:1], **answers}, "Super-resolution: lambda too small and too large"
)
plt.show()
Markdown(markdown_table(metric_table(answers, x[:1], D, detail=detail)))

# %% [markdown]
# Read the table against the two failures: the small λ is free to invent detail, but
# nothing asks that detail to look like a face; the large λ pushes D's logit up (λ
# also weighs −ℓ(G(z)), notebook 03) whatever that costs the fit to y, and PSNR with it.
# The check, from the searches' own last step: at λ = 100 D's logit is higher and the
# data term larger than at λ = 0.001.

# %%
final = by_lam.final()  # lam -> the terms after the last step; prior_D is -logit
# measured (logit, data term; lambda 0.001 against 100): -1.87, 18.7 against +1.13,
# 114.5 (real); -1.43, 26.0 against +0.60, 112.2 (fast)
assert -final[100.0]["prior_D"] > -final[1e-3]["prior_D"]  # D's logit up
assert final[100.0]["data"] > final[1e-3]["data"]  # at the cost of the fit to y
{lam: (round(-t["prior_D"], 2), round(t["data"], 1)) for lam, t in final.items()}
#
# ### p = 1 or p = 2: a data term of 768 numbers
#
# The data term sums |r|^p over the 16x16 residual. Every residual is below 1, so
# |r|² < |r|: with p = 2 the data term is several times smaller and the same λ weighs
# the prior more. Here y has only 768 numbers, so the data term is small to begin
# with and the balance with the prior is delicate. The balance, in numbers: at the
# end of each run, the data term against λ times the two prior terms. If p = 2 gives
# the prior more weight, the latent term must end lower with it: z is pulled further
# towards 0.

# %%
by_p = sweep(y[:1], op, G, D, "p", (1.0, 2.0), restarts=1, steps=fast["steps"])
lam = tl.TUNED_SETTINGS["super_resolution"].lam  # both runs use the task's lambda
balance = {
    f"p={p:g}": {"data": t["data"], "lam * prior": lam * (t["prior_D"] + t["prior_z"])}
    for p, t in by_p.final().items()
}
ends = by_p.final()
# measured (latent term at the end, p = 2 against p = 1): 12.4 against 31.4 (real),
# 21.2 against 24.3 (fast)
assert ends[2.0]["prior_z"] < ends[1.0]["prior_z"]  # the prior counts for more
balance

# %% [markdown] tags=["slide"]
# ## Summary
#
# In this notebook we have:
# - written 4x super-resolution as a 4x4 block average A and checked it on a constant;
# - restored test faces with the tuned defaults and seen bicubic upsampling beat the
#   GAN restoration on PSNR and SSIM, as in the paper;
# - measured what the GAN restoration has and bicubic lacks: detail beyond what the
#   16x16 image holds, and said why that is not the same as being right;
# - moved λ and p in an explorer, measured what each end of λ does to the invented
#   detail and to D's logit, and seen p = 2 shrink the data term and give the prior a
#   larger share.

# %% [markdown]
# ## Exercises
#
# Each exercise has a starter cell: fill in the `...`, uncomment the lines and run it.
# (In a copy with solutions, each solution follows its starter, collapsed.)
#
# ### Exercise 1: back-projection
#
# Add to x̂ the pixel replication of the residual y − A(x̂) and clamp to [0, 1]. Check
# that A of the result is y (up to clamping) and that PSNR can only go up: why? (Hint:
# both steps are projections onto convex sets that contain the truth.)

# %% tags=["starter"]
x_bp = ...  # your answer: x̂ back-projected and clamped, (N, 3, 64, 64) in [0, 1]
# The residual y - op.A(r.x_hat) is 16x16; pixel replication brings it to 64x64:
# F.interpolate(..., scale_factor=4, mode="nearest").
# x_bp = (r.x_hat + ...).clamp(0, 1)
# How far is op.A(x_bp) from y, and op.A(r.x_hat)? (the mean of the absolute difference)
# Compare tl.psnr(x_bp, x) with tl.psnr(r.x_hat, x), face by face.
# ...

# %% tags=["solution"] jupyter={"source_hidden": true}
# A A^T = I / 16, so x + 16 A^T (y - A x) = x + nearest(y - A x) is the orthogonal
# projection on {x : A x = y}; the clamp projects on the box [0, 1]. The truth lies in
# both sets, and a projection on a convex set that holds the truth never moves away
# from it.
x_bp = (
    r.x_hat + F.interpolate(y - op.A(r.x_hat), scale_factor=4, mode="nearest")
).clamp(0, 1)
psnr_before, psnr_after = tl.psnr(r.x_hat, x), tl.psnr(x_bp, x)
assert (psnr_after >= psnr_before - 1e-4).all()
misfit = {  # mean |A(image) - y|
    "x_hat": (op.A(r.x_hat) - y).abs().mean().item(),
    "x_bp": (op.A(x_bp) - y).abs().mean().item(),
}
assert misfit["x_bp"] < misfit["x_hat"]
print(
    f"A of the back-projected face is within {misfit['x_bp']:.1e} of y on average "
    f"(x̂: {misfit['x_hat']:.1e}), and PSNR goes from {psnr_before.mean():.2f} to "
    f"{psnr_after.mean():.2f} dB, falling on no face. Adding the replicated residual "
    "is the orthogonal projection onto the images with A x = y and the clamp is the "
    "projection onto [0, 1]: both sets are convex and hold the truth, so neither step "
    "can move x̂ away from it."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "07.1",
    x_bp,
    [
        (
            "shape (N, 3, 64, 64), values in [0, 1]",
            lambda a: a.shape == x.shape and a.min() >= 0 and a.max() <= 1,
        ),
        (
            "A of it is y, within 0.002 on average (only the clamp may move it off)",
            lambda a: (op.A(a) - y).abs().mean() < 0.002,
        ),
        (
            "x̂ plus one constant per 4x4 block and channel, wherever the clamp did "
            "not act",
            lambda a: (
                (
                    lambda d, m: (
                        F.max_pool2d(d.where(m, -9), 4)
                        + F.max_pool2d((-d).where(m, -9), 4)
                    )
                )(a - r.x_hat, (a > 0) & (a < 1))
                < 1e-4
            ).all(),
        ),
        (
            "no farther from x̂ than the truth is, face by face (L2): it is x̂ "
            "projected onto sets that hold the truth",
            lambda a: (
                (a - r.x_hat).flatten(1).norm(dim=1)
                <= (x - r.x_hat).flatten(1).norm(dim=1) + 1e-4
            ).all(),
        ),
        (
            "a PSNR no lower than x̂'s on any face",
            lambda a: (tl.psnr(a, x) >= tl.psnr(r.x_hat, x) - 1e-4).all(),
        ),
    ],
    mistakes={
        "x̂ itself": r.x_hat,
        "bicubic upsampling of y": task_run.naive,
        "the residual subtracted": (
            r.x_hat - F.interpolate(y - op.A(r.x_hat), scale_factor=4, mode="nearest")
        ).clamp(0, 1),
        "without the clamp": r.x_hat
        + F.interpolate(y - op.A(r.x_hat), scale_factor=4, mode="nearest"),
    },
)

# %% [markdown]
# ### Exercise 2: x2 super-resolution
#
# Restore the faces at x2 (`tl.make_operator("super_resolution", factor=2)`) and
# compare with bicubic. Does the gap in PSNR shrink or grow?

# %% tags=["starter"]
lead = ...  # your answer: bicubic's minus the GAN's PSNR, dB: {"x2": .., "x4": ..}
# op_2 = tl.make_operator("super_resolution", factor=2)
# y_2 = op_2.corrupt(x)  # (N, 3, 32, 32)
# r_2 = tl.restore(...)  # y_2, op_2, G, D and the same **fast settings
# Bicubic at x2: op_2.naive_inverse(y_2). At x4, the PSNR of both is in the table
# above: table["bicubic"]["PSNR"] and table["GAN x_hat"]["PSNR"].
# ...

# %% tags=["solution"] jupyter={"source_hidden": true}
op_2 = tl.make_operator("super_resolution", factor=2)
y_2 = op_2.corrupt(x)  # (N, 3, 32, 32)
r_2 = tl.restore(y_2, op_2, G, D, **fast)
psnr_x2 = {
    "bicubic": tl.psnr(op_2.naive_inverse(y_2), x).mean().item(),
    "GAN": tl.psnr(r_2.x_hat, x).mean().item(),
}
lead = {  # bicubic's lead over the GAN prior, in dB
    "x2": psnr_x2["bicubic"] - psnr_x2["GAN"],
    "x4": table["bicubic"]["PSNR"] - table["GAN x_hat"]["PSNR"],
}
# the cause: G can come no closer to these faces than their projection on G, which
# sees every pixel (notebook 05); that caps the GAN prior, not bicubic
projection = project_on_G(x, G, D, z_init=r_2.z, **fast)
ceiling = tl.psnr(projection.x_hat, x).mean().item()
assert lead["x2"] > lead["x4"]  # the gap grows
assert psnr_x2["GAN"] < ceiling + 0.5 < psnr_x2["bicubic"]  # capped; bicubic is not
print(
    f"The gap grows: at x2 bicubic scores {psnr_x2['bicubic']:.2f} dB and the GAN "
    f"prior {psnr_x2['GAN']:.2f} dB, a lead of {lead['x2']:+.2f} dB against "
    f"{lead['x4']:+.2f} dB at x4. The cause is G's ceiling: the faces' projection on "
    f"G, which sees every pixel, scores {ceiling:.2f} dB, and the GAN prior's answer, "
    "drawn by G, stays below it however much y tells; bicubic has no such cap, and "
    "with four times as many numbers in y it has a quarter as much to guess."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "07.2",
    lead,
    [
        (
            "two leads in dB, 'x2' and 'x4': bicubic's mean PSNR minus the GAN prior's",
            lambda a: sorted(a) == ["x2", "x4"] and abs(a["x2"]) + abs(a["x4"]) < 40,
        ),
        (
            "'x4' as in the table above, within 0.01 dB",
            lambda a: (
                abs(a["x4"] - (table["bicubic"]["PSNR"] - table["GAN x_hat"]["PSNR"]))
                < 0.01
            ),
        ),
        (
            "'x2' puts the GAN prior's x2 PSNR (bicubic's at x2 minus the lead) within "
            "2 dB of its x4 PSNR: G caps both",
            lambda a: (
                abs(
                    (lambda o: tl.psnr(o.naive_inverse(o.corrupt(x)), x).mean())(
                        tl.make_operator("super_resolution", factor=2)
                    )
                    - a["x2"]
                    - table["GAN x_hat"]["PSNR"]
                )
                < 2
            ),
        ),
    ],
    mistakes={
        "the GAN prior's PSNR minus bicubic's": {
            "x2": -8.0,
            "x4": table["GAN x_hat"]["PSNR"] - table["bicubic"]["PSNR"],
        },
        "the x4 lead for x2 too (no x2 run)": {
            "x2": table["bicubic"]["PSNR"] - table["GAN x_hat"]["PSNR"],
            "x4": table["bicubic"]["PSNR"] - table["GAN x_hat"]["PSNR"],
        },
    },
)
