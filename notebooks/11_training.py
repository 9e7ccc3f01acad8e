# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 11. Training the DCGAN
#
# In this notebook we train the generator and discriminator that every other notebook
# uses. We look at the record of the run that made the shipped weights (its losses, the
# discriminator's accuracy, its samples), measure how close a generator's faces are to
# real ones, run the same training code live on the 64 shipped faces (in float32 and in
# bfloat16), and finish with the command that trains on the full CelebA.
#
# **Where it runs.** The live part runs on a CPU in about a minute and a half (one
# core; the slowest cell about 40 s): it shows the mechanics, not a good GAN (64 faces
# are far too few). The real training wants a GPU or patience: on two CPU cores here
# `benchmarks/train_speed.py` timed a 128-face step at 0.97 s in bfloat16 with
# channels_last (1.84 s in float32, default layout: 1.9x), so an epoch of the 14,283
# train faces takes about two minutes.

# %%
import csv
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import tutorial_lib as tl
from tutorial_lib.averaging import initial_share, shipped_copy
from tutorial_lib.data import DATA_DIR, to_grid
from tutorial_lib.models import make_dcgan
from tutorial_lib.precision import resolve_precision
from tutorial_lib.quality import swd
from tutorial_lib.train import TrainConfig, train

device = tl.default_device()
G_shipped, _ = tl.load_pretrained(device=device)
device

# %% [markdown]
# ## The recipe
#
# Each step takes a batch of real faces x (flipped left-right at random) and fresh
# z ~ N(0, I), and makes two moves of the minimax game of notebook 02:
#
# - **D step**: minimise BCE(l(x), 1) + BCE(l(G(z)), 0), with l the discriminator's logit;
# - **G step**: minimise BCE(l(G(z)), 1), the non-saturating loss (it gives G strong
#   gradients when D confidently rejects its faces).
#
# Both use Adam with learning rate 2e-4 and beta1 = 0.5, batches of 128 (Radford et al.,
# 2016). `tutorial_lib/train.py` is the whole loop. Two generators come out of it: the
# plain G that plays the game, and an average of its weights over training, whose
# batch-norm statistics are recomputed for the averaged weights. The discriminator is
# the one trained against the plain G; the shipped weights are the plain G and its D
# (why, below).

# %% [markdown]
# ## Averaging the generator, and why it needs a warm-up
#
# The minimax game makes G's weights oscillate; an exponential moving average (EMA)
# of them, updated after every step t = 0, 1, 2, ...,
#
# $$w_{\text{ema}} \leftarrow d_t\, w_{\text{ema}} + (1 - d_t)\, w ,$$
#
# smooths the oscillation out. The average starts from G's random initial weights, and
# each update keeps a share d_t of what it held, so after t steps a share
# $\prod_{s<t} d_s$ of the random start is still in it. With a constant d = 0.999
# that is $0.999^t$: 17 % after 1,776 steps, which is as long as a 16-epoch run on
# 14,000 faces. The cure is a warm-up, $d_t = \min(0.999, (1 + t) / (10 + t))$:
# early updates forget fast, later ones average over about a thousand steps.

# %%
steps = torch.arange(0, 5001, 50)
share = {
    "constant d = 0.999": [initial_share(int(t), 0.999, warmup=False) for t in steps],
    "with warm-up": [initial_share(int(t), 0.999) for t in steps],
}
fig, ax = plt.subplots(figsize=(6, 3.2))
for label, values in share.items():
    ax.semilogy(steps, values, label=label)
ax.set(
    title="Share of the random initial weights left in the average",
    xlabel="training step t",
    ylabel="share",
    ylim=(1e-30, 2),
)
ax.legend()
plt.show()

# %% [markdown]
# The check, at the length of a short run: without warm-up a sixth of the average is
# still noise; with it, nothing measurable is.

# %%
assert initial_share(1776, 0.999, warmup=False) > 0.15
assert initial_share(1776, 0.999) < 1e-20
{warm: initial_share(1776, 0.999, warmup=warm) for warm in (False, True)}

# %% [markdown]
# ## The run behind the shipped weights
#
# The weights file carries the settings of the run that made it and which snapshot
# was shipped, and `data/training/` holds its per-epoch log and samples.

# %%
meta = torch.load(tl.models.WEIGHTS_FILE, weights_only=True)["meta"]
keys = ("command", "images", "train_config", "chosen", "device", "seconds")
{key: meta[key] for key in keys}

# %%
with open(DATA_DIR / "training" / "training_log.csv") as file:
    log = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(file)]
assert len(log) == meta["train_config"]["epochs"]
len(log)

# %% [markdown]
# The losses of a GAN do not fall to zero: the two players push against each other. What
# to look for is a game that neither player wins outright: D's accuracy stays away from
# 100 % (G would get no useful gradient). 50 % is not a failure but the game's
# equilibrium, where G's faces are indistinguishable from real ones to D; in practice D
# stays above it, because a finite G never gets there.

# %%
epochs = [row["epoch"] for row in log]
fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
axes[0].plot(epochs, [r["loss_D"] for r in log], label="D loss")
axes[0].plot(epochs, [r["loss_G"] for r in log], label="G loss")
axes[0].set(title="losses per epoch (mean)", xlabel="epoch", ylabel="BCE")
axes[0].legend()
axes[1].plot(epochs, [r["acc_real"] for r in log], label="real faces called real")
axes[1].plot(epochs, [r["acc_fake"] for r in log], label="generated called fake")
axes[1].set(
    title="discriminator accuracy", xlabel="epoch", ylabel="fraction", ylim=(0, 1)
)
axes[1].legend()
fig.suptitle("The training run of the shipped DCGAN")
plt.show()

# %%
assert all(0.5 < r["acc_real"] < 1 and 0.5 < r["acc_fake"] < 1 for r in log[1:])

# %% [markdown]
# Its samples, 64 faces from fixed z:

# %%
samples = plt.imread(DATA_DIR / "training" / "samples.png")
plt.figure(figsize=(6, 6))
plt.imshow(samples)
plt.axis("off")
chosen = meta["chosen"]
plt.title(
    f"64 samples of the shipped generator ({chosen['generator']} G, epoch {chosen['epoch']})"
)
plt.show()

# %% [markdown]
# ## How good is a GAN? A measure that needs no download
#
# Looking at samples is the first test, but choosing an epoch needs a number. The usual
# one, FID, compares features of a pretrained Inception network, which we cannot
# download. The **sliced Wasserstein distance** (SWD) of Karras et al. (ICLR 2018)
# needs nothing but the images (`tutorial_lib.quality.swd`):
#
# 1. split every face into a Laplacian pyramid: the details at 64x64, at 32x32, and
#    the 16x16 low-pass image;
# 2. cut random 7x7 patches out of each level, for both sets of faces;
# 3. project both sets of patches on many random directions and compare the two
#    sorted lists of projections: in one dimension, that is the Wasserstein distance.
#
# Lower is better. Two sets of real faces do not score 0 (they are different faces),
# and that floor is the bar. We compare 32 test faces with 32 others, and with
# corrupted copies, the shipped generator's samples and an untrained generator's.

# %%
real_a, real_b = tl.load_sample_faces(64).split(32)
g = torch.Generator().manual_seed(0)
noisy = (real_a + 0.1 * torch.randn(real_a.shape, generator=g)).clamp(0, 1)
blurred = F.interpolate(F.avg_pool2d(real_a, 2), scale_factor=2, mode="bilinear")
z = torch.randn(32, 100, generator=g).to(device)
with torch.no_grad():
    shipped = G_shipped(z).cpu()
    untrained = shipped_copy(make_dcgan(seed=0)[0].to(device))(z).cpu()
candidates = {
    "real faces": real_a,
    "noisy": noisy,
    "blurred": blurred,
    "shipped G": shipped,
    "untrained G": untrained,
}
distances = {
    name: swd(v, real_b, per_image=64, directions=128) for name, v in candidates.items()
}
{name: {k: round(v, 1) for k, v in d.items()} for name, d in distances.items()}

# %% [markdown]
# The checks: noise and blur show at the finest level (64x64 details), far above the
# floor of two real sets there; an untrained generator is far off at every level, and
# training brings the shipped generator much closer to real faces.

# %%
floor = distances["real faces"]
assert distances["noisy"]["swd_64"] > 2 * floor["swd_64"]
assert distances["blurred"]["swd_64"] > floor["swd_64"]
assert distances["untrained G"]["swd"] > 1.5 * distances["shipped G"]["swd"]
{name: round(d["swd"], 1) for name, d in distances.items()}

# %% [markdown]
# Training logs this distance after every epoch (on 512 validation faces, never test
# faces), for the plain and the averaged generator, next to the discriminator's
# *margins*: D's mean logit on real faces minus its mean logit on noisy, quantized,
# blurred and generated ones. The prior of notebook 03 is −logit D(G(z)), so it can only
# push a restoration away from noise or blocks if those margins are large. The epoch and
# the generator to ship are the ones with the lowest SWD among the kept snapshots
# (every fifth epoch). Here is the shipped run's record:

# %%
snapshots = [r for r in log if r["epoch"] % meta["train_config"]["snapshot_every"] == 0]
kind = chosen["generator"]
best = min(snapshots, key=lambda r: min(r["swd_plain"], r["swd_ema"]))
assert (best["epoch"], kind) == (
    chosen["epoch"],
    "plain" if best["swd_plain"] < best["swd_ema"] else "ema",
)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
for name, label in [("swd_plain", "plain G"), ("swd_ema", "averaged G")]:
    axes[0].plot(epochs, [r[name] for r in log], label=label)
axes[0].axvline(chosen["epoch"], color="gray", ls=":", label="shipped")
axes[0].set(
    title="SWD x 1000 to validation faces",
    xlabel="epoch",
    yscale="log",
    ylim=(10, None),
)
axes[0].legend()
for name in ("noisy", "quantized", "blurred"):
    axes[1].plot(epochs, [r[f"margin_{name}"] for r in log], label=name)
axes[1].set(title="D's margin: real minus ...", xlabel="epoch", ylabel="logit")
axes[1].legend()
plt.show()

# %% [markdown]
# Two things to read in it. The SWD falls fast for some twenty epochs, then slowly,
# and late in the run it jumps from epoch to epoch by more than it falls: the measure
# on 512 faces is noisy, and the game makes the plain G oscillate (the averaged G is
# smoother; the plain one is sometimes better, as at the shipped epoch). And D's
# margins on noisy and quantized faces only grow after some forty epochs, swinging
# widely from one epoch to the next, while on blurred faces they stay small: this D
# pushes a restoration away from noise and blocks far more than away from blur.

# %%
late = [r for r in log if r["epoch"] > len(log) / 2]  # the second half of the run


def mean_margin(name):
    return sum(r[f"margin_{name}"] for r in late) / len(late)


margins = {name: mean_margin(name) for name in ("noisy", "quantized", "blurred")}
assert margins["blurred"] < min(margins["noisy"], margins["quantized"]) / 2
{name: round(v, 1) for name, v in margins.items()}

# %% [markdown]
# That small blur margin is what the prior can do for super-resolution, where the
# answers at risk are blurred ones: D's term pushes a blurry G(z) towards a sharper one
# only weakly. The measurement agrees: on 64 validation faces from random starts, D's
# term at the same λ moves super-resolution's PSNR by −0.01 ± 0.02 dB and its realism
# by nothing measurable (notebook 04, *What each term adds, measured*), while a large
# λ does push D's logit up there at the cost of the fit (notebook 07, *What goes
# wrong*). The D calibrated to the shipped G has a blur margin of 8.14 (data/README.md)
# and adds +0.03 ± 0.02 dB: a larger margin did not buy a measurable gain.

# %% [markdown]
# ## The same code, live, on the 64 shipped faces
#
# `train` takes a tensor of faces and a run folder, where it writes a checkpoint, a log
# and a grid of samples after every epoch. We use a temporary folder and small batches.
# A few epochs, for demonstration; the shipped run was 100 epochs of 14,283 faces.

# %%
faces = tl.load_sample_faces(64)
run_dir = Path(tempfile.mkdtemp())
config = TrainConfig(epochs=tl.fast_or(10, 2), batch_size=32, seed=0)
G, D, run_log = train(faces, run_dir, config, device=device)
sorted(p.name for p in run_dir.iterdir())

# %%
assert len(run_log) == config.epochs
assert (run_dir / f"samples_{config.epochs:03d}.png").is_file()
[round(r["loss_D"], 3) for r in run_log]

# %% [markdown]
# Sixteen samples from fixed z (the same z for every generator we show):


# %%
def show_samples(G, title):
    with torch.no_grad():
        z = torch.randn(16, 100, generator=torch.Generator().manual_seed(0))
        samples = G.eval()(z.to(device))
    plt.figure(figsize=(8, 2.4))
    plt.imshow(to_grid(samples.cpu(), ncols=8).permute(1, 2, 0).numpy())
    plt.axis("off")
    plt.title(title)
    plt.show()


show_samples(G, f"16 samples after {config.epochs} epochs on 64 faces")

# %% [markdown]
# After so little training the samples are blurry blobs of skin color on a darker
# background, far from faces: sixty-four faces and a few hundred steps are enough to
# see the loop work, not to learn faces.

# %% [markdown]
# ## Resuming
#
# Training is long, so a run folder is resumed automatically: asking for more epochs
# continues from the checkpoint, with the data order and z drawn from generators seeded
# by (seed, epoch), so a resumed run continues exactly as an uninterrupted one would.

# %%
longer = TrainConfig(epochs=config.epochs + 1, batch_size=32, seed=0)
_, _, resumed_log = train(faces, run_dir, longer, device=device, progress=False)
assert len(resumed_log) == config.epochs + 1
assert resumed_log[: config.epochs] == run_log
len(resumed_log)

# %% [markdown]
# ## Precision: bfloat16 where the hardware has it
#
# bfloat16 keeps float32's 8-bit exponent (the same range) but only 8 bits of mantissa
# (about 2-3 significant digits). Under `torch.autocast` the convolutions run in
# bfloat16 while the weights, Adam's state, batch-norm statistics and the losses stay
# float32, which is what a GAN needs. It pays only on hardware with native bfloat16
# instructions: recent x86 CPUs (AVX512-BF16 or AMX) and GPUs from Ampere on; elsewhere
# it is emulated and slower. `TrainConfig(precision="auto")`, the default, picks it
# where `bf16_is_fast(device)` says so; the channels_last memory layout (NHWC) helps
# both precisions. `benchmarks/train_speed.py` times a full 128-face step each way.
# Here two short runs from the same seed, one epoch of the 64 faces each:

# %%
runs = {}
for precision in ("fp32", "bf16"):
    config_p = TrainConfig(epochs=1, batch_size=32, seed=0, precision=precision)
    tic = time.perf_counter()
    _, _, log_p = train(
        faces, Path(tempfile.mkdtemp()), config_p, device=device, progress=False
    )
    runs[precision] = {
        "seconds": time.perf_counter() - tic,
        "loss_D": log_p[0]["loss_D"],
    }
{"auto picks": resolve_precision("auto", device), **runs}

# %% [markdown]
# The check: the two precisions play the same game (the same losses to a few percent
# after two steps from the same start). Which one is faster depends on your machine.

# %%
assert (
    abs(runs["bf16"]["loss_D"] - runs["fp32"]["loss_D"]) < 0.05 * runs["fp32"]["loss_D"]
)

# %% [markdown]
# ## Training on CelebA
#
# With the aligned CelebA images in their official layout (`img_align_celeba/` and
# `list_eval_partition.txt`), one command trains on the train split and writes the
# weights file; on a GPU:
#
#     python -m tutorial_lib train --data /path/to/celeba --valid-data /path/to/celeba \
#         --epochs 100 --snapshot-every 5 --device cuda
#
# With `--valid-data` every epoch is measured on validation faces (SWD and D's margins),
# a snapshot is kept every fifth epoch, and the one with the lowest SWD is exported.
# `python -m tutorial_lib prepare` first packs the 64x64 faces into one file, which is
# quicker to reload and to copy to a GPU machine. The command refuses to overwrite an
# existing weights file unless given `--force`; an interrupted run resumes from its
# checkpoint when started again with the same `--run-dir`.

# %% [markdown]
# ## Summary
#
# In this notebook we have:
# - seen the DCGAN recipe: two BCE losses, Adam (2e-4, beta1 0.5), flips, and an
#   averaged generator whose warm-up leaves nothing of the random start;
# - read the record of the run behind the shipped weights;
# - measured how far generated faces are from real ones without a download (the sliced
#   Wasserstein distance on pyramid patches), against the floor of two real sets;
# - trained in float32 and in bfloat16 from the same start;
# - run the same training code live, and resumed it from its checkpoint;
# - seen the command that trains on the full CelebA.

# %% [markdown]
# ## Exercises
#
# Each exercise has a starter cell: fill in the `...`, uncomment the lines and run it.
# (In a copy with solutions, each solution follows its starter, collapsed.)
#
# ### Exercise 1: without the weight average
#
# Train again on the 64 faces without the weight average (`ema_decay=0`) and compare
# the samples with those above.

# %% tags=["starter"]
swd_of = ...  # your answer: SWD x 1000 to real_b, {"averaged": .., "plain": ..}
# The config of the live run above, with the average switched off:
# plain_config = TrainConfig(epochs=config.epochs, batch_size=32, seed=0, ema_decay=...)
# G_plain, _, _ = train(
#     faces, Path(tempfile.mkdtemp()), plain_config, device=device, progress=False
# )
# show_samples(G_plain, "16 samples without weight averaging")
# For a number beside the pictures: 32 samples of each generator from the same z,
# z_swd = torch.randn(32, 100, generator=torch.Generator().manual_seed(1)).to(device)
# scored against real_b with swd(..., real_b, per_image=64, directions=128)["swd"].
# ...

# %% jupyter={"source_hidden": true} tags=["solution"]
plain_config = TrainConfig(epochs=config.epochs, batch_size=32, seed=0, ema_decay=0)
G_plain, _, _ = train(
    faces, Path(tempfile.mkdtemp()), plain_config, device=device, progress=False
)
show_samples(G_plain, "16 samples without weight averaging")
z_swd = torch.randn(32, 100, generator=torch.Generator().manual_seed(1)).to(device)
with torch.no_grad():
    swd_of = {
        name: swd(gen.eval()(z_swd).cpu(), real_b, per_image=64, directions=128)["swd"]
        for name, gen in {"averaged": G, "plain": G_plain}.items()
    }
# measured (averaged, plain): 181.1, 181.6 (fast, 2 epochs); 187.7, 190.4 (real, 10
# epochs); the untrained generator 196.8, two real sets 52.6
floor_swd = distances["real faces"]["swd"]
assert min(swd_of.values()) > 2 * floor_swd  # neither has learned faces yet
difference = swd_of["plain"] - swd_of["averaged"]
assert abs(difference) < 0.1 * (
    swd_of["averaged"] - floor_swd
)  # and they differ little
print(
    f"Without the average the samples score SWD {swd_of['plain']:.1f} against "
    f"{swd_of['averaged']:.1f} for the averaged generator above (plain minus "
    f"averaged: {difference:+.1f}), after {plain_config.epochs} epochs on 64 faces. "
    "Both are far nearer the untrained generator's "
    f"{distances['untrained G']['swd']:.1f} than the {floor_swd:.1f} of two real "
    "sets: so few steps teach neither generator faces, and the two differ by less "
    "than a tenth of their distance to that floor. SWD on 32 samples is a rough "
    "measure: compare the two grids as well."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "11.1",
    swd_of,
    [
        (
            "two SWDs x 1000 (positive floats), 'averaged' and 'plain'",
            lambda a: sorted(a) == ["averaged", "plain"] and min(a.values()) > 0,
        ),
        (
            "'plain' is another generator's: not the averaged one's SWD",
            lambda a: abs(a["plain"] - a["averaged"]) > 0.01,
        ),
        (
            "'plain' more than twice the floor of two real sets, like 'averaged': so "
            "few steps on 64 faces teach no generator faces",
            lambda a: a["plain"] > 2 * distances["real faces"]["swd"],
        ),
        (
            "'averaged' is the SWD of G, the averaged generator of the live run, on 32 "
            "samples from the seed-1 z, within 0.01",
            lambda a: (
                abs(
                    a["averaged"]
                    - swd(
                        G.eval()(
                            torch.randn(
                                32, 100, generator=torch.Generator().manual_seed(1)
                            ).to(device)
                        )
                        .detach()
                        .cpu(),
                        real_b,
                        per_image=64,
                        directions=128,
                    )["swd"]
                )
                < 0.01
            ),
        ),
    ],
    mistakes={
        "G scored twice (G in place of G_plain)": {
            "averaged": 187.7,
            "plain": 187.7,
        },
        "the shipped generator's SWD for the plain one": {
            "averaged": 187.7,
            "plain": distances["shipped G"]["swd"],
        },
    },
)

# %% [markdown]
# ### Exercise 2: does D's accuracy measure G?
#
# If D's accuracy on generated faces measured how poor G is, it should fall as G gets
# better. From the log of the shipped run, correlate `acc_fake` with `swd_plain` (the
# plain G's distance to real faces: lower is better) over the epochs, and each of them
# with the epoch number. What does D's accuracy measure, and what should choose the
# epoch to ship?

# %% tags=["starter"]
corr = ...  # your answer: Pearson's r of three pairs of columns, a dict keyed
# "acc_fake, swd_plain", "epoch, acc_fake" and "epoch, swd_plain".
# log: a list of rows, one per epoch: {"epoch": ..., "acc_fake": ..., "swd_plain": ...}
# def correlation(a, b):  # Pearson's r of two lists of numbers
#     a, b = torch.tensor(a), torch.tensor(b)
#     ...
# column = {k: [row[k] for row in log] for k in ("epoch", "acc_fake", "swd_plain")}
# ...


# %% jupyter={"source_hidden": true} tags=["solution"]
def correlation(a, b):  # Pearson's r
    a, b = torch.tensor(a), torch.tensor(b)
    a, b = a - a.mean(), b - b.mean()
    return ((a * b).sum() / (a.norm() * b.norm())).item()


column = {k: [row[k] for row in log] for k in ("epoch", "acc_fake", "swd_plain")}
corr = {
    "acc_fake, swd_plain": correlation(column["acc_fake"], column["swd_plain"]),
    "epoch, acc_fake": correlation(column["epoch"], column["acc_fake"]),
    "epoch, swd_plain": correlation(column["epoch"], column["swd_plain"]),
}
# measured on the shipped log: -0.32, +0.61, -0.59
assert corr["epoch, swd_plain"] < -0.3  # G improves ...
assert corr["epoch, acc_fake"] > 0.3  # ... and so does D
assert corr["acc_fake, swd_plain"] < 0  # a better G goes with a more accurate D
print(
    "Over the run G gets better (SWD against the epoch: "
    f"r = {corr['epoch, swd_plain']:+.2f}) and so does D (its accuracy on G's faces "
    f"against the epoch: r = {corr['epoch, acc_fake']:+.2f}); across epochs, D's "
    f"accuracy and G's SWD correlate at r = {corr['acc_fake, swd_plain']:+.2f}: the "
    "better G, the *more* accurate D, not the less. D's accuracy measures the state "
    "of the game between the two networks, not G's quality; a measure against real "
    "faces (SWD, this notebook's choice) must pick the epoch to ship."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "11.2",
    corr,
    [
        (
            "three correlations in [-1, 1], keyed by their pairs of columns",
            lambda a: (
                sorted(a)
                == ["acc_fake, swd_plain", "epoch, acc_fake", "epoch, swd_plain"]
                and max(map(abs, a.values())) <= 1
            ),
        ),
        (
            "each within 0.001 of torch.corrcoef over the log's columns",
            lambda a: (
                lambda c: (
                    abs(a["epoch, acc_fake"] - c[0, 1]) < 1e-3
                    and abs(a["epoch, swd_plain"] - c[0, 2]) < 1e-3
                    and abs(a["acc_fake, swd_plain"] - c[1, 2]) < 1e-3
                )
            )(
                torch.tensor(
                    list(
                        map(
                            lambda row: [
                                row["epoch"],
                                row["acc_fake"],
                                row["swd_plain"],
                            ],
                            log,
                        )
                    )
                ).T.corrcoef()
            ),
        ),
    ],
    mistakes={
        "D's accuracy on real faces (acc_real) for acc_fake": {
            "acc_fake, swd_plain": -0.42,
            "epoch, acc_fake": 0.71,
            "epoch, swd_plain": -0.59,
        },
        "covariances, not correlations": {
            "acc_fake, swd_plain": -0.234,
            "epoch, acc_fake": 0.619,
            "epoch, swd_plain": -360.9,
        },
        "each sign flipped": {
            "acc_fake, swd_plain": 0.32,
            "epoch, acc_fake": -0.61,
            "epoch, swd_plain": 0.59,
        },
    },
)
