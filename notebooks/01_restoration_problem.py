# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01. The restoration problem
#
# In this notebook we state the problem that the whole course solves. A clean face x*
# goes through a known degradation A and some noise, and all we see is
#
# $$y = A(x^*) + \varepsilon .$$
#
# We
# - look at the five corruptions of Yeh et al. (ICASSP 2018) on real test faces, and at
#   what y alone gives us (the *naive inverse*);
# - see why the problem is *ill-posed*: two different faces can give exactly the same y;
# - meet the three families of answers: hand-made priors, networks trained for one
#   corruption, and the generative prior that the rest of the course builds;
# - compute the paper's two scores, PSNR and SSIM, by hand;
# - check each operator's adjoint A* with a dot-product test.
#
# **Where it runs.** A CPU is plenty: no network is loaded and the notebook runs in a
# few seconds.

# %%
import matplotlib.pyplot as plt
import torch

import tutorial_lib as tl
from tutorial_lib.plots import show_faces

device = tl.default_device()
device

# %% [markdown] tags=["slide"]
# ## Five corruptions
#
# Every task of the paper is an operator A on 64x64 RGB faces x in [0, 1]
# (`tutorial_lib/operators.py`), and a corruption `op.corrupt(x)` that makes y:
#
# | task | A(x) | y |
# | --- | --- | --- |
# | inpainting | keep all pixels but a central 32x32 square | A(x), the hole black |
# | colorization | gray = 0.299 R + 0.587 G + 0.114 B | A(x) |
# | super-resolution | average of each 4x4 block: 64x64 -> 16x16 | A(x) |
# | denoising | identity | clip(x + noise of std 0.1, 0, 1) |
# | quantization | identity | each channel rounded to 5 levels 0, 1/4, ..., 1 |
#
# In the first three, y is A(x*) exactly and the information is *lost* by A. In the
# last two A is the identity and the harm is done by ε: Gaussian noise, or the rounding
# error q(x*) - x*, which depends on x*.
#
# We take a few faces of the CelebA *test* partition that ship with the package.

# %%
x = tl.load_sample_faces(tl.fast_or(6, 3)).to(device)  # (N, 3, 64, 64) in [0, 1]
ops = {task: tl.make_operator(task) for task in tl.TASKS}
ys = {task: op.corrupt(x, seed=0) for task, op in ops.items()}
{task: tuple(y.shape) for task, y in ys.items()}

# %%
N = len(x)
assert ys["colorization"].shape == (N, 1, 64, 64)  # one gray channel
assert ys["super_resolution"].shape == (N, 3, 16, 16)  # 16 times fewer pixels
assert all(ys[t].shape == x.shape for t in ("inpainting", "denoising", "quantization"))

# %% [markdown]
# What does y alone give us? Each operator has a **naive inverse**, an image made from y
# with no knowledge of faces: the holed face itself, the gray image copied to R, G and
# B, bicubic upsampling, the noisy or quantized image as it is. It is the bar that any
# restoration must beat. We score it against the truth x* (the metrics are explained
# at the end of this notebook: higher is better for both).

# %%
naive = {task: ops[task].naive_inverse(ys[task]) for task in tl.TASKS}
scores = {task: (tl.psnr(naive[task], x), tl.ssim(naive[task], x)) for task in tl.TASKS}
{task: f"{p.mean():.2f} dB / SSIM {s.mean():.3f}" for task, (p, s) in scores.items()}

# %%
for task, (p, s) in scores.items():
    assert torch.isfinite(p).all() and (s < 1).all(), task  # each corruption loses some
assert (scores["inpainting"][0] < 15).all()  # a black 32x32 hole costs a lot of PSNR

# %% [markdown]
# The faces in columns, the truth in the first row and the naive inverse of each task
# below it, with PSNR / SSIM under each panel.

# %%
rows = ["truth x*", *tl.TASKS]
columns = {
    f"face {i + 1}": torch.stack([x[i]] + [naive[t][i] for t in tl.TASKS])
    for i in range(N)
}  # name -> (6, 3, 64, 64), one image per row
truth = {name: x[i].expand_as(col) for i, (name, col) in enumerate(columns.items())}
panel_scores = {
    name: (tl.psnr(col, truth[name]), tl.ssim(col, truth[name]))
    for name, col in columns.items()
}
fig = show_faces(
    columns, "Clean faces and the naive inverse of each corruption", scores=panel_scores
)
for ax, label in zip(fig.axes[::N], rows):  # the first panel of each row
    ax.set_ylabel(label, fontsize=9)

# %% [markdown]
# Inpainting's hole and colorization's lost colors are obvious; super-resolution's
# bicubic image is smooth but blurred, and denoising and quantization look acceptable at
# this size but score only about 20 and 23 dB. Notice that colorization's gray image
# scores a *high* SSIM while being obviously wrong: we come back to this below.

# %% [markdown]
# Those statements, checked face by face: the noise and the rounding cost every face
# about the same PSNR, within a decibel (they are spread over the whole image), and the
# gray image keeps a high SSIM on every face while its PSNR stays low.

# %%
psnr_of = {task: p for task, (p, s) in scores.items()}
# every face, both modes: denoising 20.1-20.9 dB, quantization 22.7-23.7 dB
assert ((psnr_of["denoising"] > 19.5) & (psnr_of["denoising"] < 21.5)).all()
assert ((psnr_of["quantization"] > 22) & (psnr_of["quantization"] < 24.5)).all()
# colorization: SSIM at least 0.887 on every face, PSNR at most 23.1 dB (both modes)
assert (scores["colorization"][1] > 0.85).all()
assert (psnr_of["colorization"] < 24).all()

# %% [markdown] tags=["slide"]
# ## Ill-posed: many faces, one y
#
# For three tasks y keeps fewer numbers than x has (denoising and quantization keep
# them all, each one uncertain), so A has a **null space**: images n with A(n) = 0.
# Adding such an n to a face changes the face but not y, and no amount of care in
# inverting A can tell the two apart. Only a *prior*, knowledge of what faces look
# like, can choose.

# %%
kept = {task: ys[task][0].numel() for task in tl.TASKS}  # numbers in one y
kept["inpainting"] = int(
    3 * ops["inpainting"].mask(x).sum()
)  # the hole's 0s say nothing
assert kept["inpainting"] == 9216 and kept["super_resolution"] == 768
{task: f"{n} of {x[0].numel()} numbers" for task, n in kept.items()}

# %% [markdown]
# How to build a null-space pattern? For super-resolution the adjoint (checked at the
# end of this notebook) copies each low-resolution value back to its 4x4 block, divided
# by 16: A*(y) = upsample(y) / 16. Then A(A*(y)) = y / 16, so A A* = c I with c = 1/16,
# and for *any* image v
#
# $$P v = v - \tfrac{1}{c} A^*(A v) = v - \mathrm{upsample}(\mathrm{avgpool}(v))
# \quad\text{satisfies}\quad A(Pv) = A v - \tfrac{1}{c} (A A^*)(A v) = 0 :$$
#
# P removes each block's mean and keeps the detail inside the block. First we confirm
# A A* = I / 16.

# %%
sr = ops["super_resolution"]
g = torch.Generator().manual_seed(0)
y_random = torch.rand(2, 3, 16, 16, generator=g).to(device)
assert torch.allclose(sr.A(sr.A_adjoint(y_random)), y_random / 16, atol=1e-7)
(sr.A(sr.A_adjoint(y_random)) / y_random).mean().item()  # c = 1/16

# %% [markdown]
# Now take face 1 as x1 and give it the 4x4 details of face 2: x2 = x1 + P(face 2).

# %%
x1, v = x[0:1], x[1:2]
null = v - 16 * sr.A_adjoint(sr.A(v))  # P v: the block means of v removed
x2 = x1 + null
assert sr.A(null).abs().max() < 1e-6  # n is in the null space ...
assert torch.allclose(sr.A(x1), sr.A(x2), atol=1e-6)  # ... so x1 and x2 give the same y
(x2 - x1).abs().max().item()  # yet they differ by this much in some pixel

# %% [markdown]
# x2 can leave [0, 1] in a few pixels (shown clamped); it is still a perfectly good
# answer to "which image has this y?", and so is x1, and so is the blocky image
# upsample(y), the least-squares answer of smallest norm.

# %%
y_sr = sr.A(x1)
outside = ((x2 < 0) | (x2 > 1)).float().mean().item()
show_faces(
    {
        "x1 = face 1": x1,
        "x2 = x1 + P(face 2)": x2,
        "y = A(x1) = A(x2)": y_sr,
        "upsample(y)": 16 * sr.A_adjoint(y_sr),
        "P(face 2) + 0.5": null + 0.5,
    },
    f"Super-resolution is ill-posed: three images with the same y "
    f"({outside:.1%} of x2 outside [0, 1])",
    size=2.2,
)
plt.show()

# %% [markdown]
# ## Three families of answers
#
# Since y does not determine x*, every method adds knowledge about images.
#
# 1. **Hand-made priors.** Solve $\hat x = \arg\min_x d(y, A(x)) + \lambda R(x)$ with a
#    regulariser R written by hand: total variation $R(x) = \sum_i \|\nabla x_i\|$
#    (images are piecewise smooth), low rank, or sparsity in a dictionary. One method
#    serves every A, but R knows nothing about faces; TV, for example, gives
#    23.10 dB on the paper's inpainting and cannot colorize at all.
# 2. **Direct networks.** Train a network h(y) -> x on pairs (A(x) + ε, x) for one
#    corruption. Fast at test time and often excellent on pixel metrics, but each new
#    corruption (a different hole, a different noise level) needs new training data and
#    a new network.
# 3. **A generative prior (this course).** Train one GAN (G, D) on clean faces only,
#    then, for any A, search the generator's latent space:
#
# $$\hat z = \arg\min_z \sum_i w_i |A(G(z)) - y|_i^p
#   + \lambda \big(-\ell(G(z)) + \|z\|^2/2\big), \qquad \hat x = G(\hat z),$$
#
#    where ℓ is the discriminator's logit. G's range *is* the prior: the answer is
#    always a face. Notebooks 02-03 build the prior, 04 the solver, 05-09 the five
#    tasks.

# %% [markdown]
# ## Scoring a restoration: PSNR
#
# The peak signal-to-noise ratio compares a restoration x with the truth x* through
# the mean squared error over the 3 x 64 x 64 values, for images whose peak value is 1:
#
# $$\mathrm{MSE} = \frac{1}{3 \cdot 64 \cdot 64} \sum_i (x_i - x^*_i)^2, \qquad
#   \mathrm{PSNR} = 10 \log_{10} \frac{1}{\mathrm{MSE}}\ \text{dB}.$$
#
# Halving the MSE adds 3 dB. A known case: all zeros against a constant 0.1 has
# MSE = 0.01, so PSNR = 10 log10(100) = 20 dB.


# %%
def psnr_by_hand(a, b):
    mse = ((a - b) ** 2).flatten(1).mean(dim=1)  # one MSE per image
    return 10 * torch.log10(1 / mse)


zeros, tenths = torch.zeros(1, 3, 64, 64), torch.full((1, 3, 64, 64), 0.1)
assert torch.allclose(psnr_by_hand(zeros, tenths), torch.tensor([20.0]))
assert torch.allclose(tl.psnr(zeros, tenths), torch.tensor([20.0]))
noisy_y = naive["denoising"]
assert torch.allclose(psnr_by_hand(noisy_y, x), tl.psnr(noisy_y, x))
psnr_by_hand(zeros, tenths)

# %% [markdown]
# ## Scoring a restoration: SSIM
#
# PSNR treats every pixel alone, so it cannot tell a harmless change of brightness from
# noise that destroys detail. The structural similarity (Wang et al., 2004) compares the
# two images in every 11x11 (Gaussian-weighted) window through their local means μ,
# standard deviations σ and covariance σ_xy:
#
# $$\mathrm{SSIM} = \frac{(2\mu_x\mu_{x^*} + C_1)(2\sigma_{xx^*} + C_2)}
#   {(\mu_x^2 + \mu_{x^*}^2 + C_1)(\sigma_x^2 + \sigma_{x^*}^2 + C_2)},$$
#
# averaged over windows and channels: 1 for identical images, lower when local
# brightness, contrast or *structure* (the correlation of the two windows) differ.
# To see the difference, we make two distortions with about the same MSE: a uniform
# brightening and Gaussian noise.

# %%
g = torch.Generator().manual_seed(0)
brighter = (x + 0.07).clamp(0, 1)
sigma = (brighter - x).pow(2).mean().sqrt()  # noise with the brightening's RMS error
noisy = (x + sigma * torch.randn(x.shape, generator=g).to(x)).clamp(0, 1)
distorted = {"brighter": brighter, "noisy": noisy}
metrics = {k: (tl.psnr(v, x), tl.ssim(v, x)) for k, v in distorted.items()}
{k: f"{p.mean():.2f} dB / SSIM {s.mean():.3f}" for k, (p, s) in metrics.items()}

# %%
psnr_gap = metrics["brighter"][0] - metrics["noisy"][0]
assert (psnr_gap.abs() < 1.5).all()  # about the same PSNR ...
assert (metrics["brighter"][1] > metrics["noisy"][1] + 0.1).all()  # ... different SSIM
show_faces(
    {"truth x*": x, **distorted},
    "About the same PSNR, very different SSIM",
    scores=metrics,
)
plt.show()

# %% [markdown]
# SSIM is no perfect judge either: the gray image of colorization keeps all the
# structure and scores a high SSIM with no color at all. The paper reports both numbers,
# and notebook 10 asks what they miss.

# %% [markdown]
# ## Adjoints, and a dot-product test
#
# All five A are linear. The **adjoint** A* is the linear map with
#
# $$\langle A x, y\rangle = \langle x, A^* y\rangle \quad \text{for all } x, y .$$
#
# We need it because the gradient of a squared data term is
# $\nabla_x \tfrac12 \|A x - y\|^2 = A^*(A x - y)$: hand-made methods call A*
# explicitly, and autograd computes exactly this product when it differentiates
# through A. Deriving two of them:
#
# - super-resolution, with b(i) the 4x4 block of pixel i:
#   $\langle A x, y\rangle = \sum_b y_b \frac{1}{16} \sum_{i \in b} x_i
#   = \sum_i x_i \, y_{b(i)} / 16$, so $(A^* y)_i = y_{b(i)} / 16$: each
#   low-resolution value copied back to its block, divided by 16;
# - colorization, with g a gray image:
#   $\langle A x, g\rangle = \sum_{\text{pixels}} g\,(0.299 R + 0.587 G + 0.114 B)$,
#   so $A^* g = (0.299\, g,\ 0.587\, g,\ 0.114\, g)$;
# - inpainting multiplies by a 0/1 mask, which is its own adjoint; the identity too.
#
# The *dot-product test* confirms a coded adjoint: both sides of the definition on
# random x and y must agree to rounding error (we work in float64).

# %%
g = torch.Generator().manual_seed(0)
relative_error = {}
for task, op in ops.items():
    x_r = torch.rand(2, 3, 64, 64, generator=g, dtype=torch.float64).to(device)
    y_r = torch.rand(op.A(x_r).shape, generator=g, dtype=torch.float64).to(device)
    lhs, rhs = (op.A(x_r) * y_r).sum(), (x_r * op.A_adjoint(y_r)).sum()
    relative_error[task] = ((lhs - rhs).abs() / lhs.abs()).item()
    assert relative_error[task] < 1e-12, task
relative_error

# %% [markdown]
# An operator carries this test as a method, `op.adjointness_error()`, which draws its
# own random x and y in float64 and returns the same relative error; the baselines of
# notebook 10 also ask each operator for its norm, `op.norm_squared(x)`.

# %%
method_error = {task: op.adjointness_error(device=device) for task, op in ops.items()}
assert all(error < 1e-12 for error in method_error.values())
method_error

# %% [markdown]
# And autograd agrees: the gradient of $\tfrac12 \|A x - y\|^2$ that backpropagation
# finds is $A^*(A x - y)$, for every operator.

# %%
for task, op in ops.items():
    x_r = torch.rand(1, 3, 64, 64, generator=g, dtype=torch.float64).to(device)
    y_r = torch.rand(op.A(x_r).shape, generator=g, dtype=torch.float64).to(device)
    x_r.requires_grad_(True)
    (0.5 * (op.A(x_r) - y_r).pow(2).sum()).backward()
    assert torch.allclose(x_r.grad, op.A_adjoint(op.A(x_r) - y_r)), task
"autograd gradient = A*(A x - y) for all five operators"

# %% [markdown]
# ## Summary
#
# In this notebook we have:
# - written every task as y = A(x*) + ε and seen the five corruptions, with the naive
#   inverse of each as the bar to beat;
# - built two different images with the same low-resolution y from A's null space, so
#   that only a prior can decide between them;
# - placed the GAN prior beside hand-made priors and per-corruption networks;
# - computed PSNR by hand (20 dB for zeros against 0.1) and seen what SSIM adds;
# - checked each adjoint with a dot-product test and against autograd.

# %% [markdown]
# ## Exercises
#
# Each exercise has a starter cell: fill in the `...`, uncomment the lines and run it.
# (In a copy with solutions, each solution follows its starter, collapsed.)
#
# ### Exercise 1: colorization's null space
#
# Colorization has a null space too. Compute c with A A* = c I for the gray conversion,
# and make a face with the same gray image as face 1 but different colors.

# %% tags=["starter"]
recolored = ...  # your answer: face 1 recolored, same gray image, (1, 3, 64, 64)
# The gray conversion and its adjoint: col.A (3 channels -> 1), col.A_adjoint (1 -> 3).
# col = ops["colorization"]
# c = ...  # A A* g = (0.299² + 0.587² + 0.114²) g: c is that sum
# gray = ys["colorization"]
# assert torch.allclose(col.A(col.A_adjoint(gray)), c * gray)
# As for super-resolution, P v = v - A*(A v) / c is in the null space: take v = face 2.
# recolored = x1 + ...  # face 1 plus (a multiple of) P v
# assert torch.allclose(col.A(recolored), col.A(x1), atol=1e-6)  # the same gray image
# show_faces({"face 1": x1, "recolored": recolored, "gray": col.A(recolored)}, "...")

# %% jupyter={"source_hidden": true} tags=["solution"]
col = ops["colorization"]
c = sum(w**2 for w in (0.299, 0.587, 0.114))  # A A* g = (0.299^2 + 0.587^2 + 0.114^2) g
assert torch.allclose(col.A(col.A_adjoint(ys["colorization"])), c * ys["colorization"])
P_v = v - col.A_adjoint(col.A(v)) / c  # face 2 less all that its gray image holds
recolored = x1 + 0.8 * P_v  # face 2's colors, not its gray
assert torch.allclose(col.A(recolored), col.A(x1), atol=1e-6)
show_faces(
    {"face 1": x1, "recolored": recolored, "gray of both": col.A(recolored)},
    f"Same gray image, different colors (c = {c:.3f})",
)
plt.show()
color_change = (recolored - x1).abs().max().item()
gray_change = (col.A(recolored) - col.A(x1)).abs().max().item()
print(
    f"c = 0.299² + 0.587² + 0.114² = {c:.4f}. Adding 0.8 P(face 2) to face 1 (P "
    "removes all that the gray conversion sees) changes its colors by up to "
    f"{color_change:.2f} but its gray image by at most {gray_change:.1e}."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "01.1",
    recolored,
    [
        ("one color face, shape (1, 3, 64, 64)", lambda r: r.shape == (1, 3, 64, 64)),
        (
            "the same gray image as face 1, within 1e-5",
            lambda r: (ops["colorization"].A(r - x1)).abs().max() < 1e-5,
        ),
        (
            "other colors than face 1: some value differs by more than 0.1",
            lambda r: (r - x1).abs().max() > 0.1,
        ),
    ],
    mistakes={
        "face 1 itself": x1,
        "face 1 plus face 2, not projected": x1 + 0.8 * v,
        "P v without the division by c": x1
        + 0.8 * (v - ops["colorization"].A_adjoint(ops["colorization"].A(v))),
    },
)

# %% [markdown]
# ### Exercise 2: a bound for quantization
#
# Quantization to 5 levels moves a value by at most 1/8. What is the lowest PSNR a
# quantized face can have? Check the bound on our faces.

# %% tags=["starter"]
bound = ...  # your answer: the lowest PSNR a quantized face can have, in dB (a float)
# Every error is at most 1/8, so the MSE is at most (1/8)² = 1/64, and
# PSNR = 10 log10(1 / MSE).
# The PSNR of the quantized faces is already computed: scores["quantization"][0], (N,).
# assert (scores["quantization"][0] >= bound).all()

# %% jupyter={"source_hidden": true} tags=["solution"]
bound = 10 * torch.log10(torch.tensor(64.0)).item()  # |error| <= 1/8, so MSE <= 1/64
lowest = scores["quantization"][0].min().item()
assert lowest >= bound
print(
    f"At least 10 log10(64) = {bound:.2f} dB, since every error is at most 1/8 and so "
    f"the MSE at most 1/64; our quantized faces score {lowest:.2f} dB at the lowest, "
    "not below the bound."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "01.2",
    bound,
    [
        ("a PSNR in dB, between 10 and 40", lambda b: 10 < b < 40),
        (
            "no higher than the PSNR of any quantized face",
            lambda b: b <= scores["quantization"][0].min(),
        ),
        (
            "reached, within 0.01 dB, where every value is off by exactly 1/8",
            lambda b: abs(b - psnr_by_hand(x + 1 / 8, x)).max() < 0.01,
        ),
    ],
    mistakes={"the MSE bound 1/64 itself": 1 / 64, "the 5 levels' 20 log10(5)": 13.98},
)

# %% [markdown]
# ### Exercise 3: the PSNR of the noisy faces
#
# Noise of standard deviation 0.1 has a mean square of 0.01. What PSNR do you expect
# for the noisy faces, and why is the measured value a little higher?

# %% tags=["starter"]
noise_db = ...  # your answer: {"expected": the PSNR you expect, in dB (a float),
#   "unclipped": the PSNR of each face with y's noise but no clip, (N,)}
# Expected: 10 log10(1 / 0.01). Measured: scores["denoising"][0], the PSNR of each y.
# To see what clipping does, redraw the same noise without the clip: corrupt() is
# op.sensor(op.noise(op.A(x), generator)), the generator seeded with seed=0.
# op_n = ops["denoising"]
# unclipped = op_n.noise(op_n.A(x), torch.Generator(x.device).manual_seed(0))
# assert torch.equal(op_n.sensor(unclipped), ys["denoising"])  # the same y
# Compare psnr_by_hand(unclipped, x) (tl.psnr refuses values outside [0, 1]) with
# the measured PSNR.
# ...

# %% jupyter={"source_hidden": true} tags=["solution"]
# MSE ~ 0.1^2 = 0.01, so about 20 dB. Clipping to [0, 1] moves y towards x* wherever
# x* + noise left the range (dark hair, bright background): it shortens those errors,
# so the MSE falls and the PSNR rises.
noisy_psnr = scores["denoising"][0]
assert (noisy_psnr > 19.9).all() and (noisy_psnr < 22).all()
op_n = ops["denoising"]
unclipped = op_n.noise(op_n.A(x), torch.Generator(x.device).manual_seed(0))
assert torch.equal(op_n.sensor(unclipped), ys["denoising"])  # the same noise as y
unclipped_psnr = psnr_by_hand(unclipped, x)  # tl.psnr wants [0, 1]
assert (noisy_psnr >= unclipped_psnr - 1e-4).all()  # a clip to [0, 1] never hurts
share = (unclipped != ys["denoising"]).float().mean().item()
noise_db = {
    "expected": 10 * torch.log10(torch.tensor(1 / 0.01)).item(),  # MSE = 0.1^2
    "unclipped": unclipped_psnr,
}
print(
    "About 10 log10(1 / 0.01) = 20 dB: the same noise without the clip scores "
    f"{unclipped_psnr.mean():.2f} dB, the noisy faces {noisy_psnr.mean():.2f} dB. "
    f"The clip to [0, 1] shortened the errors of the {share:.1%} of values that left "
    "the range, which lowers the MSE and raises the PSNR."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "01.3",
    noise_db,
    [
        (
            "expected: what an error of 0.1 in every value scores, within 0.01 dB",
            lambda a: abs(a["expected"] - psnr_by_hand(x + 0.1, x)).max() < 0.01,
        ),
        (
            "unclipped: one PSNR per face, shape (N,)",
            lambda a: a["unclipped"].shape == (N,),
        ),
        (
            "unclipped: every face within 0.2 dB of the expected PSNR",
            lambda a: (a["unclipped"] - a["expected"]).abs().max() < 0.2,
        ),
        (
            "unclipped: no higher than the measured PSNR of the same face",
            lambda a: (a["unclipped"] <= scores["denoising"][0] + 1e-4).all(),
        ),
    ],
    mistakes={
        "expected: the MSE 0.01 itself": {
            "expected": 0.01,
            "unclipped": scores["denoising"][0],
        },
        "expected: 10 log10(1 / 0.1), the std in place of its square": {
            "expected": 10.0,
            "unclipped": scores["denoising"][0],
        },
        "unclipped: the measured PSNR of the clipped y": {
            "expected": psnr_by_hand(x + 0.1, x)[0].item(),
            "unclipped": scores["denoising"][0],
        },
    },
)
