# %% [markdown]
# # 11. Training the DCGAN
#
# In this notebook we train the generator and discriminator that every other notebook
# uses. We look at the record of the run that made the shipped weights (its losses, the
# discriminator's accuracy, its samples), then run the same training code live on the 64
# shipped faces, and finish with the command that trains on the full CelebA.
#
# **Where it runs.** The live part runs on a CPU in about a minute and a half (one
# core; the slowest cell about 40 s): it shows the mechanics, not a good GAN (64 faces
# are far too few). The real training wants a GPU: an epoch on 14,000 faces took about
# 220 s on two CPU cores here, while NOTES' reference run did 80 epochs in 91 s on one
# H100 (about a second an epoch).

# %%
import csv
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import torch

import tutorial_lib as tl
from tutorial_lib.data import DATA_DIR, to_grid
from tutorial_lib.train import TrainConfig, train

device = tl.default_device()
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
# 2016). The shipped generator is an exponential moving average of G's weights
# (decay 0.999), whose batch-norm statistics are recomputed at the end: averaging
# smooths the oscillations of the game. `tutorial_lib/train.py` is the whole loop.

# %% [markdown]
# ## The run behind the shipped weights
#
# The weights file carries the settings of the run that made it, and `data/` holds its
# per-epoch log.

# %%
meta = torch.load(tl.models.WEIGHTS_FILE, weights_only=True)["meta"]
{key: meta[key] for key in ("command", "images", "train_config", "device", "seconds")}

# %%
with open(DATA_DIR / "dcgan_training_log.csv") as file:
    log = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(file)]
assert len(log) == meta["train_config"]["epochs"]
len(log)

# %% [markdown]
# The losses of a GAN do not fall to zero: the two players push against each other. What
# to look for is a game that neither player wins outright: D's accuracy stays well away
# from 50 % (no signal for G) and from 100 % (G gets no useful gradient).

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
samples = plt.imread(DATA_DIR / "dcgan_samples.png")
plt.figure(figsize=(6, 6))
plt.imshow(samples)
plt.axis("off")
plt.title("64 samples of the shipped generator")
plt.show()

# %% [markdown]
# ## The same code, live, on the 64 shipped faces
#
# `train` takes a tensor of faces and a run folder, where it writes a checkpoint, a log
# and a grid of samples after every epoch. We use a temporary folder and small batches.
# A few epochs, for demonstration; the real setting is 25 epochs of 14,000 faces or more.

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
# After so little training the samples are blurry blobs of skin color: the generator
# has learnt the average face, not yet faces.

# %%
G.eval()
with torch.no_grad():
    live = G(
        torch.randn(16, 100, generator=torch.Generator().manual_seed(0)).to(device)
    )
plt.figure(figsize=(8, 2.4))
plt.imshow(to_grid(live.cpu(), ncols=8).permute(1, 2, 0).numpy())
plt.axis("off")
plt.title(f"16 samples after {config.epochs} epochs on 64 faces")
plt.show()

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
# ## Training on CelebA
#
# With the aligned CelebA images in their official layout (`img_align_celeba/` and
# `list_eval_partition.txt`), one command trains on the train split and writes the
# weights file; on a GPU:
#
#     python -m tutorial_lib train --data /path/to/celeba --epochs 25 --device cuda
#
# `python -m tutorial_lib prepare` first packs the 64x64 faces into one file, which is
# quicker to reload and to copy to a GPU machine. The command refuses to overwrite an
# existing weights file unless given `--force`.

# %% [markdown]
# ## Summary
#
# In this notebook we have:
# - seen the DCGAN recipe: two BCE losses, Adam (2e-4, beta1 0.5), flips, and an
#   averaged generator;
# - read the record of the run behind the shipped weights;
# - run the same training code live, and resumed it from its checkpoint;
# - seen the command that trains on the full CelebA.
#
# ## Exercises
#
# 1. Train again on the 64 faces without the weight average (`ema_decay=0`) and compare
#    the samples with those above.
# 2. From the log of the shipped run, in which epoch was the discriminator most
#    accurate on generated faces?

# %% jupyter={"source_hidden": true} tags=["solution"]
plain_config = TrainConfig(epochs=tl.fast_or(10, 2), batch_size=32, seed=0, ema_decay=0)
G_plain, _, _ = train(
    faces, Path(tempfile.mkdtemp()), plain_config, device=device, progress=False
)
with torch.no_grad():
    plain = G_plain(
        torch.randn(16, 100, generator=torch.Generator().manual_seed(0)).to(device)
    )
plt.figure(figsize=(8, 2.4))
plt.imshow(to_grid(plain.cpu(), ncols=8).permute(1, 2, 0).numpy())
plt.axis("off")
plt.title("16 samples without weight averaging")
plt.show()

# %% jupyter={"source_hidden": true} tags=["solution"]
best = max(log, key=lambda r: r["acc_fake"])
int(best["epoch"]), round(best["acc_fake"], 3)
