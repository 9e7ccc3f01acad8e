# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 08. Denoising
#
# In this notebook we remove Gaussian noise from a face. Here A is the identity and
# every pixel is observed, but each one is off by a random amount; a prior that knows
# faces can tell the noise (which no face has) from the face. We
# - write the corruption, check that the noise has the standard deviation we say;
# - restore a few test faces with `tl.restore` and its tuned defaults, and compare them
#   with the noisy input;
# - move λ and p with an explorer widget;
# - check that even λ ≈ 0 does not bring the noise back, and what p = 2, the Gaussian's
#   own choice, changes;
# - find the λ that the noise level implies, and compare it with the tuned one.
#
# **Where it runs.** A CPU is enough. With the real settings the slowest cell took
# 9 s on one CPU core here, and the whole notebook about 40 s
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
# Each pixel of each channel gets independent Gaussian noise of standard deviation
# σ = 0.1 (a tenth of the intensity range), and the result is clipped to [0, 1] as a
# saved photo would be:
#
# $$y = \operatorname{clip}(x^* + \sigma n,\ 0,\ 1), \qquad n \sim \mathcal N(0, I),
# \qquad A = \text{identity}.$$
#
# The noise comes from an explicit seed, so y is the same on every run.

# %%
op = tl.make_operator("denoising")
y = op.corrupt(x, seed=0)  # (N, 3, 64, 64)
show_faces(
    {
        "truth x*": x[:1],
        "noise y - x* (x5, on gray)": 0.5 + 5 * (y - x)[:1],
        "y": y[:1],
    },
    "Denoising: Gaussian noise of std 0.1",
)
plt.show()

# %% [markdown]
# The check: where x* is between 0.3 and 0.7, three σ away from 0 and 1, clipping
# (almost) never acts, and y − x* should have mean about 0 and standard deviation
# about σ = 0.1; at over 10,000 pixels the estimate is good to a few thousandths.

# %%
noise = (y - x)[(x > 0.3) & (x < 0.7)]
assert abs(noise.mean().item()) < 0.01 and abs(noise.std().item() - 0.1) < 0.005
assert torch.equal(op.A(x), x)  # A is the identity
noise.mean().item(), noise.std().item()

# %% [markdown]
# ## Restoring with the GAN prior
#
# The data term compares G(z) with the noisy y pixel by pixel. G cannot draw noise, so
# the G(ẑ) that fits y best is a clean face close to x*, if G can draw that face. The
# naive answer is y itself. `run_task` uses the tuned defaults
# `tl.TUNED_SETTINGS["denoising"]`; in fast mode we cut the steps and restarts.

# %%
task_run = run_task("denoising", x, G, D, **fast)
r = task_run.result
r.settings

# %%
show_faces(
    task_run.columns(),
    "Denoising: GAN prior against the noisy input",
    scores=task_run.scores(),
)
plt.show()

# %% [markdown]
# ## What the metrics say, and blending with y
#
# Denoising should beat the noisy input on PSNR and SSIM. The noisy input has PSNR ≈ 20
# dB by construction (10 log10(1 / 0.1²), a little more after clipping), and a low SSIM
# because the noise adds local variance that no face has. G(ẑ) has no noise at all, G
# cannot draw it, but it is only as close to x* as G can draw the face. The margin is
# thin: the paper's own GAN prior scored 0.6161 / 19.31 dB, *below* the noisy input.
# G(ẑ) alone needs a well-trained generator and enough Adam steps to get past the
# noisy input: with the tuned settings ours is 2.3 dB above it on these faces, while a
# run cut short (fast mode, 20 steps) only just gets past it.
#
# The two answers make *different* errors: y is off by the noise n = y − x*, G(ẑ) by
# e = G(ẑ) − x*, mostly what G cannot draw. If e and n were uncorrelated, their
# average (G(ẑ) + y) / 2 would have error power (‖e‖² + ‖n‖²) / 4: for two answers
# equally good, half the power of either, 3 dB better. So we also score that blend (the
# paper's "optionally blended with y", in its simplest form), and measure the
# roughness of each image, the mean squared Laplacian (4 x_p minus its four
# neighbours), which noise inflates.


# %%
def roughness(img):  # (N,) mean squared Laplacian, per image
    lap = (
        4 * img[..., 1:-1, 1:-1]
        - img[..., :-2, 1:-1]
        - img[..., 2:, 1:-1]
        - img[..., 1:-1, :-2]
        - img[..., 1:-1, 2:]
    )
    return lap.pow(2).flatten(1).mean(dim=1)


answers = {
    "noisy y": y,
    "G(z_hat)": r.x_hat,
    "blend (G(z_hat) + y) / 2": (r.x_hat + y) / 2,
    "truth": x,
}
table = metric_table(answers, x, roughness=roughness)
Markdown(markdown_table(table))

# %% [markdown]
# The checks: G(ẑ) is smoother than the noisy input by far (the noise is gone: its
# roughness is tens of times below y's, below even the truth's), G(ẑ) beats the
# noisy input on PSNR and SSIM, and the blend beats it too.

# %%
noisy, gan, blend, _ = table.values()
# measured, real / fast: roughness of y 42x / 35x G(z_hat)'s; PSNR noisy 20.50, G(z_hat)
# 22.78 / 20.75, blend 24.20 / 23.37 dB; SSIM noisy 0.480, G(z_hat) 0.675 / 0.610
assert gan["roughness"] < noisy["roughness"] / 10
assert gan["PSNR"] > noisy["PSNR"] + tl.fast_or(1.5, 0)  # fast: only just
assert gan["SSIM"] > noisy["SSIM"] + 0.1
assert blend["PSNR"] > noisy["PSNR"] and blend["SSIM"] > noisy["SSIM"]
{k: f"{v['PSNR']:.2f} dB / {v['SSIM']:.3f}" for k, v in table.items()}

# %% [markdown]
# ### Are the two errors uncorrelated?
#
# Not quite: G(ẑ) was fitted to y, so e can follow part of the noise n, and whatever
# it follows the blend cannot average away. We measure, per face, the correlation of
# e and n and the blend's PSNR against the PSNR that uncorrelated errors would give.

# %%
e, n = (r.x_hat - x).flatten(1), (y - x).flatten(1)
corr = torch.nn.functional.cosine_similarity(
    e - e.mean(1, keepdim=True), n - n.mean(1, keepdim=True)
)
blend_if_uncorrelated = -10 * torch.log10((e.pow(2) + n.pow(2)).mean(1) / 4)
assert (corr > 0).all()  # measured 0.035-0.056 real, 0.030-0.046 fast
gap = blend_if_uncorrelated - tl.psnr((r.x_hat + y) / 2, x)  # measured: 0.1-0.2 dB
assert (gap > 0).all() and (gap < 0.5).all()
{"correlation of e and n": corr, "blend if uncorrelated (dB)": blend_if_uncorrelated}

# %% [markdown]
# The correlation is small but positive on every face: the fit to y follows a few
# percent of the noise, and the blend gets nearly, but not quite, what uncorrelated
# errors promise. Its gain over the better of the two answers is below 3 dB because
# the two are not equally good (compare their PSNR in the table).

# %% [markdown]
# ## Explore λ and p
#
# The explorer of notebook 05, on this task. Drag λ to its smallest value: does the
# noise come back? The next section measures it.

# %%
ex = RestorationExplorer(x[:1], "denoising", G, D)  # fast mode: few steps
ex

# %% [markdown]
# ## What goes wrong
#
# ### λ ≈ 0 does not bring the noise back
#
# With λ ≈ 0, G(ẑ) chases the noisy pixels as closely as G allows, and ẑ is free to go
# wherever the fit is best. With λ very large the prior wins,
# ẑ shrinks towards 0 and G(ẑ) is a generic face. But G cannot draw noise, so even the
# G(ẑ) that chases y hardest should stay far smoother than y. The check restores the
# first face at both ends (one start each, with `sweep` of notebook 05) and measures
# the `roughness` of the previous section.

# %%
by_lam = sweep(y[:1], op, G, D, "lam", (1e-3, 100.0), restarts=1, steps=fast["steps"])
rough = metric_table(
    {"noisy y": y[:1], **by_lam.images(), "truth": x[:1]}, x[:1], roughness=roughness
)
assert all(
    rough[f"lam={lam:g}"]["roughness"] < rough["noisy y"]["roughness"] / 3
    for lam in by_lam.results
)
Markdown(markdown_table(rough))

# %% [markdown]
# What does the small λ buy, then? A closer fit to the noisy pixels (a smaller data
# term), with a code of typical size (‖ẑ‖ near √100 = 10), not a noisier picture; the
# large λ pays in fit for a code pulled towards 0, the average face.

# %%
final = {
    lam: (r.history["data"][-1].item(), r.z.norm().item())
    for lam, r in by_lam.results.items()
}
# measured (data term, ||z||; lambda 0.001 against 100): 1007, 10.1 against 1205, 2.4
# (real); 1084, 7.3 against 1215, 2.6 (fast)
assert final[1e-3][0] < final[100.0][0] and final[1e-3][1] > 2 * final[100.0][1]
final

# %% [markdown]
# The pictures:

# %%
show_against_truth(
    {"truth x*": x[:1], "noisy y": y[:1], **by_lam.images()},
    "Denoising: lambda too small and too large",
)
plt.show()

# %% [markdown]
# ### p = 2 is the Gaussian's choice, and it shifts the balance
#
# For Gaussian noise, p = 2 is the maximum-likelihood choice: −log of a Gaussian is a
# squared error. But every residual is below 1, so |r|² < |r|, and with p = 2 the data
# term is several times smaller and the same λ weighs the prior more: the two settings
# differ in both the noise model and the balance with the prior.
#
# If G(ẑ) were the clean face, y − G(ẑ) would be the noise itself, with standard
# deviation σ = 0.1. A restoration that also fits part of the noise leaves less than
# σ; one that misses part of the face, more.

# %%
by_p = sweep(y[:1], op, G, D, "p", (1.0, 2.0), restarts=1, steps=fast["steps"])
left = {p: (y[:1] - r.x_gan).std().item() for p, r in by_p.results.items()}
left  # the standard deviation of y - G(z_hat), per p

# %% [markdown]
# Both leave about σ, a little more (0.105 for both with the real settings; 0.112 in
# fast mode, whose searches are cut short): neither fits the noise, both miss a little
# of the face, and on this face the choice of p changes the residual by less than a
# thousandth. The check says exactly that.

# %%
assert all(0.1 <= v < 0.115 for v in left.values())  # about sigma, not below it
assert abs(left[1.0] - left[2.0]) < 0.002
{p: round(v, 4) for p, v in left.items()}

# %% [markdown]
# ### Which λ is the noise level's?
#
# The noise model fixes λ, if the prior is read as -log p_X (notebook 03). For p = 2
# the data term's Gaussian likelihood is Σ r²/(2σ²), so the MAP objective
# Σ r²/(2σ²) + prior, multiplied by 2σ², is Σ r² + λ prior with **λ = 2σ² = 0.02**.
# For p = 1, the library's default, Σ|r|/b is the likelihood of Laplace noise of scale
# b; the Laplace of the same standard deviation as our Gaussian has b = σ/√2, so
# **λ = σ/√2 ≈ 0.071**. The λ tuned on validation faces for denoising, 0.1, is the
# grid's nearest value to the second. That is no evidence for the derivation: on
# denoising, PSNR hardly depends on λ in this range (data/README.md: the tuned λ beat
# λ = 0 by 0.01 ± 0.01 dB), and the prior is -log p_X only up to G's Jacobian.

# %%
sigma = op.noise.sigma  # 0.1
b = sigma / 2**0.5  # the Laplace scale whose standard deviation is sigma
laplace = torch.distributions.Laplace(0.0, b).sample((100_000,))
assert abs(laplace.std().item() - sigma) < 0.002  # b = sigma / sqrt 2 matches the std
lam_map = {"p = 2": 2 * sigma**2, "p = 1 (Laplace, same std)": b}
tuned_lam = tl.TUNED_SETTINGS["denoising"].lam
{**{k: round(v, 3) for k, v in lam_map.items()}, "tuned (p = 1)": tuned_lam}

# %% [markdown] tags=["slide"]
# ## Summary
#
# In this notebook we have:
# - written denoising as y = clip(x* + σ n) with A the identity, and measured σ;
# - restored test faces with the tuned defaults: G(ẑ) is free of noise but only as
#   close to the face as G can draw it, and its blend with y beats the noisy input on
#   PSNR and SSIM;
# - found the λ that the noise level implies (2σ² for p = 2, σ/√2 for p = 1), close to
#   the tuned one;
# - moved λ and p in an explorer, checked that even λ ≈ 0 does not bring the noise
#   back (G cannot draw it), and measured how much of the noise each p leaves in
#   y − G(ẑ).

# %% [markdown]
# ## Exercises
#
# Each exercise has a starter cell: fill in the `...`, uncomment the lines and run it.
# (In a copy with solutions, each solution follows its starter, collapsed.)
#
# ### Exercise 1: twice the noise
#
# Make the operator with `sigma=0.2` and restore the faces. How do the noisy input's
# and the restoration's PSNR change?

# %% tags=["starter"]
loss = ...  # your answer: dB lost by doubling σ, {"noisy": .., "gan": ..} (floats)
# op_2 = tl.make_operator("denoising", sigma=0.2)
# y_2 = op_2.corrupt(x, seed=0)
# r_2 = tl.restore(...)  # y_2, op_2, G, D and the same **fast settings
# Their PSNR: tl.psnr(y_2, x).mean(), tl.psnr(r_2.x_hat, x).mean(). At sigma = 0.1
# they are in the table above: noisy["PSNR"] and gan["PSNR"].
# ...

# %% tags=["solution"] jupyter={"source_hidden": true}
op_2 = tl.make_operator("denoising", sigma=0.2)
y_2 = op_2.corrupt(x, seed=0)
r_2 = tl.restore(y_2, op_2, G, D, **fast)
psnr_noisy = {0.1: noisy["PSNR"], 0.2: tl.psnr(y_2, x).mean().item()}
psnr_gan = {0.1: gan["PSNR"], 0.2: tl.psnr(r_2.x_hat, x).mean().item()}
loss = {  # dB lost by doubling sigma
    "noisy": psnr_noisy[0.1] - psnr_noisy[0.2],
    "gan": psnr_gan[0.1] - psnr_gan[0.2],
}
# doubling the noise's std costs the input 20 log10(2) = 6.02 dB, a little less where
# clipping to [0, 1] trims the noise
assert 5 < loss["noisy"] < 6.1
assert loss["gan"] < loss["noisy"] / 4  # the restoration loses far less ...
# ... because G cannot draw noise: at sigma = 0.2 its answer is still smoother than
# the truth, while y is tens of times rougher
assert roughness(r_2.x_hat).mean() < roughness(x).mean() < roughness(y_2).mean() / 10
print(
    f"Doubling σ lowers the noisy input's PSNR by {loss['noisy']:.2f} dB "
    f"({psnr_noisy[0.1]:.2f} → {psnr_noisy[0.2]:.2f} dB; 6.02 dB for a doubled "
    f"standard deviation, less where the clip to [0, 1] trims the noise) and the "
    f"restoration's by only {loss['gan']:.2f} dB ({psnr_gan[0.1]:.2f} → "
    f"{psnr_gan[0.2]:.2f} dB). The cause is G's range: G cannot draw noise, so G(ẑ) "
    f"stays a smooth face (roughness {roughness(r_2.x_hat).mean():.4f} against the "
    f"truth's {roughness(x).mean():.4f} and y's {roughness(y_2).mean():.4f}); more "
    "noise in y moves which face fits best only a little."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "08.1",
    loss,
    [
        (
            "two losses in dB, 'noisy' and 'gan': the mean PSNR at σ = 0.1 minus that "
            "at σ = 0.2",
            lambda a: (
                sorted(a) == ["gan", "noisy"] and abs(a["noisy"]) + abs(a["gan"]) < 40
            ),
        ),
        (
            "'noisy' is the noisy input's loss (y of seed 0 at both σ), within 0.01 dB",
            lambda a: (
                abs(
                    a["noisy"]
                    - noisy["PSNR"]
                    + tl.psnr(
                        tl.make_operator("denoising", sigma=0.2).corrupt(x, seed=0), x
                    )
                    .mean()
                    .item()
                )
                < 0.01
            ),
        ),
        (
            "'gan' above -0.5 dB: twice the noise does not help the restoration",
            lambda a: a["gan"] > -0.5,
        ),
        (
            "'gan' under a quarter of 'noisy': G cannot draw noise, so more of it in y "
            "moves G(ẑ) little",
            lambda a: a["gan"] < a["noisy"] / 4,
        ),
    ],
    mistakes={
        "the 6.02 dB of a doubled σ, without the clip": {"noisy": 6.02, "gan": 0.3},
        "gains, not losses (σ = 0.2 minus σ = 0.1)": {"noisy": -5.46, "gan": -0.3},
        "the restoration losing as much as the input": {"noisy": 5.46, "gan": 5.46},
    },
)

# %% [markdown]
# ### Exercise 2: a classical baseline
#
# Blur the noisy image with a 3x3 box filter (`torch.nn.functional.avg_pool2d(y, 3,
# stride=1, padding=1, count_include_pad=False)`) and compare its PSNR with the noisy
# input and the GAN restoration.

# %% tags=["starter"]
psnr_box = ...  # your answer: the 3x3 box filter's mean PSNR, in dB (a float)
# box = F.avg_pool2d(y, 3, stride=1, padding=1, count_include_pad=False)
# Its PSNR: tl.psnr(box, x).mean(); the others are in the table above:
# noisy["PSNR"], gan["PSNR"] and blend["PSNR"].
# show_against_truth({"truth x*": x, "noisy y": y, "3x3 box": box}, "...")
# ...

# %% tags=["solution"] jupyter={"source_hidden": true}
# A 3x3 average divides the noise's variance by 9 (+9.5 dB) for a little blur; on
# smooth 64x64 faces it can beat the GAN prior, as the hand-made priors did in the
# paper's table (TV 21.97 dB, sparse coding 23.63 dB, GAN prior 19.31 dB).
box = F.avg_pool2d(y, 3, stride=1, padding=1, count_include_pad=False)
psnr_box = tl.psnr(box, x).mean().item()
assert psnr_box > noisy["PSNR"]  # less noise, for a little blur
show_against_truth(
    {"truth x*": x, "noisy y": y, "3x3 box": box, "GAN x_hat": r.x_hat},
    "Denoising: a 3x3 box filter and the GAN prior",
)
plt.show()
print(
    f"The 3x3 box filter scores {psnr_box:.2f} dB: "
    f"{psnr_box - noisy['PSNR']:+.2f} dB against the noisy input "
    f"({noisy['PSNR']:.2f} dB) and {psnr_box - gan['PSNR']:+.2f} dB against the GAN "
    f"restoration ({gan['PSNR']:.2f} dB). Averaging 9 pixels divides the noise's "
    "variance by 9, and on smooth faces the blur it adds costs less than that."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "08.2",
    psnr_box,
    [
        ("a mean PSNR in dB, a float between 10 and 40", lambda a: 10 < a < 40),
        (
            "above the noisy input's: an average of 9 pixels divides the noise's "
            "variance by 9",
            lambda a: a > noisy["PSNR"],
        ),
        (
            "within 0.01 dB of the same filter built another way: a 3x3 convolution "
            "with ones, divided by the number of pixels it covers",
            lambda a: (
                abs(
                    a
                    - (
                        lambda w: tl.psnr(
                            F.conv2d(y, w, padding=1, groups=3)
                            / F.conv2d(torch.ones_like(y), w, padding=1, groups=3),
                            x,
                        )
                    )(torch.ones(3, 1, 3, 3, device=y.device))
                    .mean()
                    .item()
                )
                < 0.01
            ),
        ),
    ],
    mistakes={
        "the noisy input's own PSNR": noisy["PSNR"],
        "zero padding counted at the border (count_include_pad left on)": tl.psnr(
            F.avg_pool2d(y, 3, stride=1, padding=1), x
        )
        .mean()
        .item(),
        "theory's 10 log10(9) = 9.54 dB added to the noisy input's PSNR": noisy["PSNR"]
        + 9.54,
    },
)
