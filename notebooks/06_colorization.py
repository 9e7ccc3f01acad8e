# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 06. Colorization
#
# In this notebook we give color back to a gray face. The gray image fixes the
# brightness of every pixel; the colors are lost, and only a prior that knows faces
# can guess them (skin, lips, hair, a background of any color). We
# - write the grayscale operator A and check it against the BT.601 formula;
# - restore a few test faces with `tl.restore` and its tuned defaults, blending G(ẑ)'s
#   colors with the observed brightness, and compare with the gray image copied to RGB;
# - see why SSIM rates the gray copy so high while PSNR prefers the colorization;
# - move λ and p with an explorer widget;
# - see how a wrong λ spoils the colors while the blend keeps the brightness right.
#
# **Where it runs.** A CPU is enough. With the real settings the slowest cell took
# 10 s on one CPU core here, and the whole notebook about 15 s
# (`benchmarks/notebook_times.py`); under `TUTORIAL_FAST=1` every run is cut to at most 20
# Adam steps and one start, so some pictures are rougher. The first cell says which
# device it found; a GPU is used when there is one.

# %%
import matplotlib.pyplot as plt
import torch

import tutorial_lib as tl
from tutorial_lib.metrics import (
    chroma_error,
    is_measured,
    mean_and_error,
    score_images,
)
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
# The standard (ITU-R BT.601) grayscale conversion weighs the three channels by how
# bright they look to us:
#
# $$A(x) = 0.299\, R + 0.587\, G + 0.114\, B, \qquad y = A(x^*) \in [0, 1]^{1 \times 64
# \times 64}.$$
#
# One number per pixel instead of three: a whole plane of colors (R, G, B) gives the
# same gray value, so y cannot tell a red shirt from a green one of the same
# brightness.

# %%
op = tl.make_operator("colorization")
y = op.corrupt(x, seed=0)  # (N, 1, 64, 64)
channels = {f"{c} channel": x[:1, i : i + 1] for i, c in enumerate("RGB")}
show_faces(
    {"truth x*": x[:1], **channels, "y = A(x*)": y[:1]},
    "Colorization: A mixes R, G and B into one gray image",
)
plt.show()

# %% [markdown]
# The check: A is exactly the formula, and y has one channel.

# %%
R, G_, B = x[:, 0:1], x[:, 1:2], x[:, 2:3]  # G_: G is the generator
assert torch.allclose(op.A(x), 0.299 * R + 0.587 * G_ + 0.114 * B)
assert y.shape == (N, 1, 64, 64) and torch.equal(y, op.A(x))
tuple(y.shape)

# %% [markdown]
# ## Restoring with the GAN prior
#
# The data term compares A(G(z)), the gray image of the generated face, with y: G(ẑ)
# must have the right brightness, and its colors are those G draws with that
# brightness: G's range, the faces it can draw, supplies them, and the latent term
# ½‖z‖² leans them towards the average face's (notebook 04 measures what each term
# of the objective adds, on validation faces). Colorization blends (notebook 04):
# `r.x_hat` keeps G(ẑ)'s chroma (Cb, Cr) and y's luminance, so its gray image is y;
# `r.x_gan` is the raw G(ẑ). The naive answer copies y into R, G and B. `run_task`
# uses the tuned defaults `tl.TUNED_SETTINGS["colorization"]`; in fast mode we cut the
# steps and restarts.

# %%
task_run = run_task("colorization", x, G, D, **fast)
r = task_run.result
r.settings

# %%
show_faces(
    task_run.columns(),
    "Colorization: GAN prior with luminance blending",
    scores=task_run.scores(),
)
plt.show()

# %% [markdown]
# The task's check: the colorization should beat the gray copy on PSNR. Any plausible
# skin tone is closer to the true colors than no color at all.

# %%
(psnr_naive, ssim_naive), (psnr_gan, ssim_gan) = score_images(
    {"naive": task_run.naive, "gan": r.x_hat}, x
).values()
# measured: gray copy 19.24 dB in both modes, GAN x_hat 27.82 real / 27.73 fast
assert psnr_gan.mean() > psnr_naive.mean() + 5
{"gray as RGB": f"{psnr_naive.mean():.2f} dB", "GAN x_hat": f"{psnr_gan.mean():.2f} dB"}

# %% [markdown]
# **SSIM tells another story.** SSIM is computed on each channel and compares local
# structure (edges, contrast) more than levels. R, G and B of a face all follow its
# brightness, so the gray copy has almost perfect structure in each channel and loses
# only on the channel means: it scores high (the scores under the faces above). The
# gray copy is clearly wrong to the eye, so this is a limit of SSIM for color, not a
# merit of doing nothing. Blending keeps y's structure exactly, which lifts the
# colorization's SSIM a little above the gray copy's: SSIM puts the two close together
# where PSNR puts them far apart.

# %%
# measured: SSIM of the gray copy 0.924 in both modes, of GAN x_hat 0.957 real /
# 0.957 fast, of the raw G(z_hat) 0.573 / 0.574 (PSNR: above)
assert ssim_naive.mean() > 0.85  # the gray copy's structure is the face's structure
assert ssim_gan.mean() - ssim_naive.mean() < 0.05  # SSIM: close together
assert ssim_gan.mean() > tl.ssim(r.x_gan, x).mean()  # blending restores the structure
{
    "gray as RGB": f"{ssim_naive.mean():.3f}",
    "GAN x_hat": f"{ssim_gan.mean():.3f}",
    "raw G(z_hat)": f"{tl.ssim(r.x_gan, x).mean():.3f}",
}

# %% [markdown]
# ## Explore λ and p
#
# The explorer of notebook 05, on this task. The caption gives PSNR / SSIM of the
# restoration and of the gray copy. Drag λ to either end and watch the colors: the
# brightness of x̂ hardly moves, whatever λ does (the next section says why).

# %%
ex = RestorationExplorer(x[:1], "colorization", G, D)  # fast mode: few steps
ex

# %% [markdown]
# ## What goes wrong: λ too small or too large, and the blend hides it
#
# With λ ≈ 0 only G's range keeps G(ẑ) a face: ẑ may wander to unlikely latents whose
# gray image matches y, with whatever colors they bring. With λ very large the prior
# wins, ẑ shrinks towards 0 and G(ẑ) is a generic face whose brightness no longer
# follows y. We colorize the first face with both, one start each, with `sweep`
# (notebook 05), and show each raw G(ẑ) beside its blend with y. (Notebook 05's other
# two failures, p and a face that G cannot draw, carry over unchanged:
# `sweep(..., "p", (1.0, 2.0))` and `hardest_face(task_run, G, D)` (both from
# `tutorial_lib.pitfalls`) run them here.)

# %%
# 200 steps (20 in fast mode): the tuned 20 stop close to the encoder's start, before
# a wrong lambda has taken z anywhere
by_lam = sweep(
    y[:1], op, G, D, "lam", (1e-3, 100.0), restarts=1, steps=tl.fast_or(200, 20)
)
panels = {**by_lam.images(raw=True), **by_lam.images()}
show_against_truth(
    {"truth x*": x[:1], **panels},
    "Colorization: lambda too small and too large (raw, then blended)",
)
plt.show()

# %% [markdown]
# Blending hides part of the damage. The blend takes its brightness from y, so its
# gray image is y (up to clamping) whatever λ did to G(ẑ), by construction: the mean
# gray error |A(x) − y| of each panel shows it.

# %%
{name: f"{(op.A(v) - y[:1]).abs().mean().item():.4f}" for name, v in panels.items()}

# %% [markdown]
# What a wrong λ could still spoil is the colors. We score them with the chroma error
# (`tutorial_lib.metrics.chroma_error`: the root mean square difference of the two
# color-difference channels Cb and Cr, blind to brightness) against the truth, on 8
# test faces, with the tuned λ and both ends, the same search for all three (one start,
# 200 steps; 40 in fast mode), paired face by face.

# %%
x8 = tl.load_sample_faces(8).to(device)
y8 = op.corrupt(x8, seed=0)
lam_tuned = tl.TUNED_SETTINGS["colorization"].lam
by_lam8 = sweep(
    y8, op, G, D, "lam", (1e-3, lam_tuned, 100.0), restarts=1, steps=tl.fast_or(200, 40)
)
chroma = {lam: chroma_error(r.x_hat, x8) for lam, r in by_lam8.results.items()}
worse = {  # chroma error minus the tuned lambda's, face by face: mean, error, faces worse
    lam: (
        *mean_and_error(chroma[lam] - chroma[lam_tuned]),
        (chroma[lam] > chroma[lam_tuned]).sum().item(),
    )
    for lam in (1e-3, 100.0)
}
worse

# %% [markdown]
# On average both ends give worse colors than the tuned λ, by about a fifth of its
# error (0.037 with the real settings), but face by face it varies (6 and 4 faces of 8
# worse) and with the real settings neither difference reaches two standard errors
# (the 40-step searches of fast mode differ more at λ = 0.001). On these faces a wrong λ
# shifts the colors without spoiling them reliably; λ was tuned on PSNR over 32
# validation faces, where small differences add up. The checks say exactly that.

# %%
# measured (mean, error, faces worse), real: lam=0.001 +0.0071 +- 0.0052, 6;
# lam=100 +0.0083 +- 0.0053, 4; fast (40 steps): +0.0040 +- 0.0017, 7; +0.0071 +- 0.0047, 4
assert all(mean > 0 for mean, _, _ in worse.values())  # worse on average ...
assert not all(n == len(x8) for _, _, n in worse.values())  # ... not on every face
measured = {lam: is_measured((m, e)) for lam, (m, e, _) in worse.items()}
# two errors from 0 nowhere with the real settings; in fast mode, at lambda = 0.001
assert measured == tl.fast_or({1e-3: False, 100.0: False}, {1e-3: True, 100.0: False})
{
    lam: f"{m:+.4f} ± {e:.4f}, {n} of {len(x8)} faces worse"
    for lam, (m, e, n) in worse.items()
}

# %% [markdown] tags=["slide"]
# ## Summary
#
# In this notebook we have:
# - written colorization as the BT.601 grayscale conversion A and checked it;
# - colorized test faces with the tuned defaults and seen the blended result beat the
#   gray copy on PSNR, while SSIM, blind to color levels, ranks the gray copy high;
# - moved λ and p in an explorer, seen that at either end of λ the blend keeps y's
#   brightness, and measured that a wrong λ shifts the colors, worse on average but
#   not reliably face by face (8 faces, paired).

# %% [markdown]
# ## Exercises
#
# Each exercise has a starter cell: fill in the `...`, uncomment the lines and run it.
# (In a copy with solutions, each solution follows its starter, collapsed.)
#
# ### Exercise 1: without the blend
#
# Colorize the faces without blending (`blend=False`). How much PSNR and SSIM does
# blending add?

# %% tags=["starter"]
blend_gain = ...  # your answer: {"PSNR": in dB, "SSIM": ...}, with minus without
#   the blend, each a float (the mean over the faces)
# r_raw = tl.restore(y, op, G, D, blend=False, **fast)  # r_raw.x_hat is then G(z_hat)
# Its PSNR and SSIM: tl.psnr(r_raw.x_hat, x), tl.ssim(r_raw.x_hat, x), one per face.
# The blended restoration's are psnr_gan and ssim_gan (the task's check above).
# ...

# %% tags=["solution"] jupyter={"source_hidden": true}
r_raw = tl.restore(y, op, G, D, blend=False, **fast)
raw = {"PSNR": tl.psnr(r_raw.x_hat, x).mean(), "SSIM": tl.ssim(r_raw.x_hat, x).mean()}
blended = {"PSNR": psnr_gan.mean(), "SSIM": ssim_gan.mean()}
blend_gain = {k: (blended[k] - raw[k]).item() for k in raw}
# the cause: the blend swaps G(z_hat)'s brightness for y's and keeps its colors, so
# the brightness error goes (up to clamping) and the color error stays
luma_mse = {
    name: (op.A(v) - y).pow(2).mean().item()
    for name, v in (("raw", r_raw.x_hat), ("blended", r.x_hat))
}
colors = {"raw": chroma_error(r_raw.x_hat, x), "blended": chroma_error(r.x_hat, x)}
# measured, per face: PSNR +9.8, +6.5, +8.2 dB; gray MSE 4e-3 .. 2e-2 raw, < 4e-6
# blended; chroma error changed by less than 2 % (both modes)
assert luma_mse["blended"] < 0.01 * luma_mse["raw"]  # the brightness error is gone
assert torch.allclose(colors["blended"], colors["raw"], rtol=0.05)  # colors kept
assert blend_gain["PSNR"] > 0 and blend_gain["SSIM"] > 0
print(
    f"The blend adds {blend_gain['PSNR']:.2f} dB of PSNR and {blend_gain['SSIM']:.3f} "
    f"of SSIM: {raw['PSNR']:.2f} dB / {raw['SSIM']:.3f} without it, "
    f"{blended['PSNR']:.2f} dB / {blended['SSIM']:.3f} with it. The blend replaces "
    "G(ẑ)'s brightness by y's and keeps its colors: the mean square error of the gray "
    f"image falls from {luma_mse['raw']:.1e} to {luma_mse['blended']:.1e} (the rest "
    "is clamping), while the chroma error stays within 5 % of "
    f"{colors['raw'].mean():.3f}. So what the blend adds is the brightness error that "
    "G(ẑ) made and y does not."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "06.1",
    blend_gain,
    [
        ("two numbers, keyed PSNR and SSIM", lambda a: set(a) == {"PSNR", "SSIM"}),
        (
            "PSNR: within 0.01 dB of the mean PSNR of the blended restoration minus "
            "that of the unblended G(ẑ) of the same search (r.x_gan)",
            lambda a: abs(a["PSNR"] - (psnr_gan - tl.psnr(r.x_gan, x)).mean()) < 0.01,
        ),
        (
            "SSIM: the same difference for SSIM, within 0.001",
            lambda a: abs(a["SSIM"] - (ssim_gan - tl.ssim(r.x_gan, x)).mean()) < 1e-3,
        ),
    ],
    mistakes={
        "unblended minus blended, the wrong sign": {
            "PSNR": (tl.psnr(r.x_gan, x) - psnr_gan).mean().item(),
            "SSIM": (tl.ssim(r.x_gan, x) - ssim_gan).mean().item(),
        },
        "the blend against the gray copy, not against G(ẑ)": {
            "PSNR": (psnr_gan - psnr_naive).mean().item(),
            "SSIM": (ssim_gan - ssim_naive).mean().item(),
        },
    },
)

# %% [markdown]
# ### Exercise 2: the luminance blend by hand
#
# Add d = y − A(G(ẑ)) to each of R, G and B, clamp to [0, 1], and check that it equals
# `op.blend(r.x_gan, y)`.

# %% tags=["starter"]
d = ...  # your answer: y minus the gray image of the raw G(z_hat), (N, 1, 64, 64)
# by_hand = (r.x_gan + d).clamp(0, 1)  # d broadcasts over the three channels
# assert torch.allclose(by_hand, op.blend(r.x_gan, y), atol=1e-5)
# Why does adding the same d to R, G and B add exactly d to the gray image?

# %% tags=["solution"] jupyter={"source_hidden": true}
d = y - op.A(r.x_gan)  # (N, 1, 64, 64): the missing brightness, the same for R, G, B
by_hand = (r.x_gan + d).clamp(0, 1)
gap = (by_hand - op.blend(r.x_gan, y)).abs().max().item()
assert gap < 1e-5
print(
    f"Yes: the blend by hand and op.blend(r.x_gan, y) differ by at most {gap:.1e}. "
    "The weights 0.299 + 0.587 + 0.114 sum to 1, so adding d to R, G and B adds d "
    "to the gray image and leaves the differences between channels, the colors, as "
    "they are."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "06.2",
    d,
    [
        (
            "one gray image per face, (N, 1, 64, 64)",
            lambda a: a.shape == (N, 1, 64, 64),
        ),
        (
            "the gray image of r.x_gan + d (before any clamp) is y, within 1e-5",
            lambda a: (op.A(r.x_gan + a) - y).abs().max() < 1e-5,
        ),
        (
            "r.x_gan + d, clamped to [0, 1], is op.blend(r.x_gan, y), within 1e-5",
            lambda a: (
                ((r.x_gan + a).clamp(0, 1) - op.blend(r.x_gan, y)).abs().max() < 1e-5
            ),
        ),
    ],
    mistakes={
        "A(G(ẑ)) minus y, the wrong sign": op.A(r.x_gan) - y,
        "y minus the plain mean of R, G and B": y - r.x_gan.mean(dim=1, keepdim=True),
        "y itself": y,
    },
)

# %% [markdown]
# ### Exercise 3: same gray, other colors
#
# The blend of *another* face's colors with y is also a valid colorization of y. Blend
# face 2's raw G(ẑ) with face 1's gray image, and check that A of the result is (up to
# clamping) face 1's gray image.

# %% tags=["starter"]
face2_colors = ...  # your answer: face 2's colors, face 1's gray image, (1, 3, 64, 64)
# face2_colors = op.blend(r.x_gan[1:2], y[:1])  # face 2's colors, face 1's brightness
# The share of pixels whose gray value is face 1's:
# (op.A(face2_colors) - y[:1]).abs() < 1e-4
# Which pixels did the clamp move? Those where r.x_gan[1:2] + d leaves [0, 1] in some
# channel, with d = y[:1] - op.A(r.x_gan[1:2]).
# show_faces({"truth x*": x[:1], "x_hat": r.x_hat[:1],
#             "face 2's colors": face2_colors}, "...")
# ...

# %% tags=["solution"] jupyter={"source_hidden": true}
face2_colors = op.blend(r.x_gan[1:2], y[:1])  # face 2's colors, face 1's brightness
kept = (op.A(face2_colors) - y[:1]).abs() < 1e-4  # (1, 1, 64, 64): gray value kept
exact = kept.float().mean().item()
unclamped = r.x_gan[1:2] + (y[:1] - op.A(r.x_gan[1:2]))
clamped = ((unclamped < 0) | (unclamped > 1)).any(dim=1, keepdim=True)
assert exact > 0.5  # most pixels keep face 1's gray value exactly
assert (kept | clamped).all()  # every other pixel is one that the clamp moved
show_faces(
    {"truth x*": x[:1], "x_hat": r.x_hat[:1], "face 2's colors": face2_colors},
    "Two colorizations of the same gray image",
)
plt.show()
print(
    f"Yes: {exact:.1%} of the pixels keep face 1's gray value to within 1e-4, and "
    "every other pixel is one where the clamp to [0, 1] moved a channel. Up to that "
    "clamp, y cannot tell the two colorizations apart: only the prior chooses the "
    "colors."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "06.3",
    face2_colors,
    [
        (
            "one color face, (1, 3, 64, 64), values in [0, 1]",
            lambda a: a.shape == (1, 3, 64, 64) and 0 <= a.min() and a.max() <= 1,
        ),
        (
            "no channel at 0 or 1 (unclamped) on more than half of the pixels",
            lambda a: ((a > 0) & (a < 1)).all(dim=1).float().mean() > 0.5,
        ),
        (
            "face 1's gray image, within 1e-4, at every pixel with no channel at 0 or 1",
            lambda a: (
                (
                    (op.A(a) - y[:1]).abs()[
                        ((a > 0) & (a < 1)).all(dim=1, keepdim=True)
                    ]
                ).max()
                < 1e-4
            ),
        ),
        (
            "face 2's colors (the Cb and Cr of r.x_gan[1:2]), within 1e-4, at every "
            "pixel with no channel at 0 or 1",
            lambda a: (
                chroma_error(
                    a * ((a > 0) & (a < 1)).all(dim=1, keepdim=True),
                    r.x_gan[1:2] * ((a > 0) & (a < 1)).all(dim=1, keepdim=True),
                )
                < 1e-4
            ),
        ),
    ],
    mistakes={
        "face 1's own colorization": r.x_hat[:1],
        "face 2's raw G(ẑ), not blended": r.x_gan[1:2],
        "face 1's colors with face 2's gray image": op.blend(r.x_gan[:1], y[1:2]),
    },
)
