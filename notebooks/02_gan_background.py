# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02. GAN background
#
# In this notebook we meet the generative adversarial network (GAN) whose two halves,
# the generator G and the discriminator D, become the prior of the whole course. We
# - write down the game that G and D play, and the *non-saturating* loss that G uses
#   in practice;
# - train a tiny GAN on points in the plane, live, and watch G's samples move and D's
#   decision surface change (`tutorial_lib/toy2d.py`);
# - load the shipped DCGAN for 64x64 faces: draw random faces, walk in a straight line
#   between two latent codes, and ask what D scores high and low.
#
# **Where it runs.** A CPU is enough. The 2-D GAN trains in 10-20 s (3000 steps) and
# the whole notebook runs in well under a minute; under `TUTORIAL_FAST=1` the GAN
# trains for 1000 steps (a few seconds) and fewer faces are scored.

# %%
import math
import time

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import tutorial_lib as tl
from tutorial_lib import toy2d
from tutorial_lib.data import to_grid

device = tl.default_device()
device

# %% [markdown] tags=["slide"]
# ## The game
#
# G maps a latent code z ~ p_Z = N(0, I) to a sample G(z). D maps a sample x to a
# logit l(x), and D(x) = σ(l(x)) = 1 / (1 + e^{-l(x)}) is its belief that x is real
# (drawn from the data distribution p_X) rather than fake (drawn from G). Goodfellow
# et al. (2014) set them against each other:
#
# $$\min_G \max_D \; V(G, D) = \mathbb{E}_{x \sim p_X} \log D(x)
#   + \mathbb{E}_{z \sim p_Z} \log\big(1 - D(G(z))\big).$$
#
# (The paper's slide 6 prints the second term as $\mathbb{E}_z[1 - D(G(z))]$, without
# the log; Goodfellow et al.'s value function, written here, has it, and with it D's
# best response is the D* of notebook 03.) D's half is ordinary logistic regression:
# label real samples 1 and fakes 0 and minimise the binary cross-entropy. G's half
# wants its samples to be called real.
#
# **The non-saturating loss.** Early in training the fakes are poor, D(G(z)) ≈ 0, and
# $\log(1 - D)$ is flat there: G gets almost no gradient. So in practice G minimises
# $-\mathbb{E}_z \log D(G(z))$ instead, which has the same fixed point but is steep
# exactly where G is bad. In logits both losses are softplus functions,
# $-\log \sigma(l) = \mathrm{softplus}(-l)$ and
# $-\log(1 - \sigma(l)) = \mathrm{softplus}(l)$, which is how the code computes them
# (stably, for any l).

# %%
l = torch.linspace(-8, 8, 161, requires_grad=True)  # logits D gives to fakes
assert torch.allclose(-torch.log(torch.sigmoid(l)), F.softplus(-l), atol=1e-5)
assert torch.allclose(-torch.log(1 - torch.sigmoid(l)), F.softplus(l), atol=1e-4)
saturating = torch.autograd.grad(-F.softplus(l).sum(), l)[0]  # d/dl log(1 - D)
non_saturating = torch.autograd.grad(F.softplus(-l).sum(), l)[0]  # d/dl -log D
saturating[20].item(), non_saturating[20].item()  # at l = -6: D(G(z)) = 0.0025

# %% [markdown]
# At l = -6, where D is sure that a fake is fake, the saturating loss's slope is
# -σ(l) ≈ -0.0025 and the non-saturating one's -(1 - σ(l)) ≈ -1: four hundred times
# more signal for G. The figure shows the two losses against D(G(z)).

# %%
assert non_saturating[20].abs() > 100 * saturating[20].abs()
d = torch.sigmoid(l.detach())
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(d, torch.log(1 - d), label="saturating: log(1 - D(G(z)))")
ax.plot(d, -torch.log(d), label="non-saturating: -log D(G(z))")
ax.set(
    xlabel="D(G(z))",
    ylabel="generator loss (minimised)",
    title="Both generator losses: flat vs steep where fakes are poor",
)
ax.legend()
plt.show()

# %% [markdown]
# ## A GAN in the plane
#
# Faces live in 12,288 dimensions; to *see* the game we play it in two. The data are
# eight Gaussians of standard deviation s = 0.1 on a ring of radius 2, with a density
# we can write down exactly (notebook 03 needs that):
#
# $$p_X(x) = \frac{1}{8} \sum_{k=1}^{8} \mathcal{N}(x;\ \mu_k,\ s^2 I), \qquad
#   \mu_k = 2\big(\cos\tfrac{2\pi k}{8}, \sin\tfrac{2\pi k}{8}\big).$$
#
# We check that `toy2d.log_density` is a density: exp of it sums to 1 over a fine grid.

# %%
X, Y, grid = toy2d.plane_grid(n=301)  # grid: (301 * 301, 2) points of [-3, 3]^2
p_X = toy2d.log_density(grid).exp().view(301, 301)
cell = (2 * toy2d.LIM / 300) ** 2
assert abs(p_X.sum().item() * cell - 1) < 0.01
p_X.sum().item() * cell

# %%
x_real = toy2d.sample_data(1000, torch.Generator().manual_seed(0))  # (1000, 2)
fig, axes = plt.subplots(1, 2, figsize=(8.8, 3.8), layout="constrained")
image = axes[0].contourf(X, Y, p_X, levels=20, cmap="Greys")
fig.colorbar(image, ax=axes[0], label="$p_X(x)$")
axes[1].scatter(*x_real.T, s=2, c="tab:red")
for ax, title in zip(axes, ["exact density $p_X$", "1000 samples $x \\sim p_X$"]):
    ax.set(
        xlabel="$x_1$",
        ylabel="$x_2$",
        aspect="equal",
        title=title,
        xlim=(-3, 3),
        ylim=(-3, 3),
    )
fig.suptitle("The data of the 2-D GAN: eight Gaussians on a ring")
plt.show()

# %% [markdown]
# G and D are small multilayer perceptrons (three hidden layers of 128 units), and
# z ∈ R² so that G is a map from the plane to the plane. `train_toy_gan` alternates one
# Adam step for D and one for G (non-saturating), with batches of 256, and keeps a
# *snapshot* every few hundred steps: G's samples from a fixed set of 1000 z and D's
# logit on a grid. (Fast mode trains for 1000 steps instead of 3000.)

# %%
steps = tl.fast_or(3000, 1000)
threads = torch.get_num_threads()
torch.set_num_threads(1)  # tiny networks: one thread is fastest, and reproducible
start = time.perf_counter()
G_toy, D_toy, snapshots = toy2d.train_toy_gan(steps, seed=0, record_every=steps // 10)
torch.set_num_threads(threads)
f"{steps} steps in {time.perf_counter() - start:.1f} s; snapshots at " + ", ".join(
    str(s.step) for s in snapshots
)

# %% [markdown]
# G starts as a small blob near the origin. It is first thrown across the plane, then
# forms a loop around the ring, and finally gathers its samples on the modes. G is a
# continuous map of z's plane, which is all of one piece, so it cannot tear its output
# into eight separate islands: a few samples stay on thin bridges between the modes.

# %%
shown = [snapshots[i] for i in (0, 1, 2, 4, -1)]  # steps 0, 10%, 20%, 40%, 100%
plane = dict(xlabel="$x_1$", aspect="equal", xlim=(-3, 3), ylim=(-3, 3))
fig, axes = plt.subplots(1, len(shown), figsize=(3 * len(shown), 3.2), sharey=True)
for ax, snap in zip(axes, shown):
    ax.scatter(*x_real.T, s=2, c="lightgray", label="real")
    ax.scatter(*snap.fake.T, s=2, c="tab:blue", label="G(z)")
    ax.set(title=f"step {snap.step}", **plane)
axes[0].set_ylabel("$x_2$"), axes[0].legend(loc="lower left", fontsize=8)
fig.suptitle("The generator's samples during training (same z in every panel)")
plt.show()

# %% [markdown]
# Did G reach the modes? We count a mode as reached when at least 1% of 5000 fresh
# samples fall within 3 s of its centre, and compare the mean log-density of the
# samples with that of the real data.


# %%
def mode_counts(points):
    distance = torch.cdist(points, toy2d.mode_centers())  # (n, 8)
    near = distance.min(dim=1).values < 3 * toy2d.STD
    return torch.bincount(distance.argmin(dim=1)[near], minlength=toy2d.K)


x_fake = G_toy(torch.randn(5000, toy2d.NZ, generator=torch.Generator().manual_seed(1)))
counts = mode_counts(x_fake)
reached = int((counts >= 50).sum())
assert reached >= 7, counts  # most of the eight modes
assert mode_counts(snapshots[0].fake).max() < 20  # the untrained G reached none
mean_log_p = toy2d.log_density(x_fake).mean().item()
assert mean_log_p > -6  # an untrained G scores about -200
(
    reached,
    counts.tolist(),
    round(mean_log_p, 2),
    round(toy2d.log_density(x_real).mean().item(), 2),
)

# %% [markdown]
# ## D's decision surface
#
# The colour is D's logit l(x): red where D says "real" (l > 0, D > 1/2), blue where it
# says "fake". At step 0 D is untrained and l ≈ 0 everywhere. Then D turns red where
# real data outnumber G's samples (modes that G has not reached yet) and blue where
# fakes outnumber real data (the middle of the ring, the bridges), and G follows the
# gradient of l, uphill towards the red. Near the end D can hardly tell real from fake
# on the modes (l near 0 there), and it stays strongly negative in the empty middle,
# where G once was and real data never are.

# %%
fig, axes = plt.subplots(1, len(shown), figsize=(3 * len(shown), 3.4))
for ax, snap in zip(axes, shown):
    X, Y, _ = toy2d.plane_grid(n=snap.logits.shape[0])  # the grid D was scored on
    surface = ax.contourf(
        X,
        Y,
        snap.logits.clamp(-6, 6),
        cmap="RdBu_r",
        levels=torch.linspace(-6, 6, 13).tolist(),
    )
    ax.scatter(*x_real[:300].T, s=1, c="k")
    ax.scatter(*snap.fake[:300].T, s=1, c="w")
    ax.set(title=f"step {snap.step}", **plane)
axes[0].set_ylabel("$x_2$")
fig.colorbar(surface, ax=axes, label="D's logit l(x) (clipped to ±6)", shrink=0.8)
fig.suptitle("D's logit, with real data (black) and G's samples (white)")
plt.show()

# %% [markdown]
# The trained D still ranks real points above points from the empty centre of the ring:

# %%
g = torch.Generator().manual_seed(2)
centre = 0.3 * torch.randn(1000, 2, generator=g)  # where no real data lie
logit_real, logit_centre = D_toy(x_real).mean().item(), D_toy(centre).mean().item()
assert logit_real > logit_centre + 1
round(logit_real, 2), round(logit_centre, 2)

# %% [markdown]
# ## The shipped DCGAN
#
# The faces' GAN is the DCGAN of Radford et al. (2016) (`tutorial_lib/models.py`):
# G turns z ∈ R^100 into a 3x64x64 image with four transposed convolutions, D turns an
# image into a logit with four convolutions. It was trained on CelebA faces with the
# same non-saturating loss as the 2-D GAN (notebook 11 shows how). `load_pretrained`
# returns both in eval mode with frozen weights.

# %%
G, D = tl.load_pretrained(device=device)
nz = G.config.nz
z = torch.randn(32, nz, generator=torch.Generator().manual_seed(0)).to(device)
with torch.no_grad():
    x_gen = G(z)  # (32, 3, 64, 64) in [0, 1]
assert x_gen.shape == (32, 3, 64, 64)
assert x_gen.min() >= 0 and x_gen.max() <= 1
nz, tuple(x_gen.shape)


# %%
def show_grid(images, title, ncols=8):
    fig, ax = plt.subplots(figsize=(1.2 * ncols, 1.2 * math.ceil(len(images) / ncols)))
    ax.imshow(to_grid(images.cpu(), ncols).permute(1, 2, 0).numpy())
    ax.set(title=title, xticks=[], yticks=[])
    return fig


show_grid(x_gen, "32 random faces G(z), z ~ N(0, I)")
plt.show()

# %% [markdown]
# ## Walking in latent space
#
# G is a smooth map, so faces change gradually along a path in z. The straight line
# $z_t = (1 - t) z_0 + t z_1$ for t from 0 to 1 gives a row of faces that morph from
# one into the other: pose, hair and expression change together, and every stop is
# (roughly) a face.

# %%
t = torch.linspace(0, 1, 8, device=device)[:, None]  # (8, 1)
z_path = (1 - t) * z[0] + t * z[1]  # (8, 100)
with torch.no_grad():
    x_path = G(z_path)
assert torch.allclose(x_path[0], x_gen[0], atol=1e-5)  # the path starts at face 1
show_grid(x_path, "G((1 - t) z0 + t z1) for t = 0, 1/7, ..., 1")
plt.show()

# %% [markdown] tags=["slide"]
# ## What does D score high?
#
# D was trained to give real faces a high logit and G's faces a low one. We score three
# groups of images: real test faces, G's faces and real faces with Gaussian noise of
# standard deviation 0.1 (the denoising task of notebook 01).

# %%
n_faces = tl.fast_or(64, 32)
x = tl.load_sample_faces(n_faces).to(device)
x_noisy = tl.make_operator("denoising").corrupt(x, seed=0)
with torch.no_grad():
    z_more = torch.randn(n_faces, nz, generator=torch.Generator().manual_seed(1))
    groups = {
        "real faces": x,
        "generated G(z)": G(z_more.to(device)),
        "noisy real faces": x_noisy,
    }
    logits = {name: D(images).cpu() for name, images in groups.items()}
{name: round(l.mean().item(), 2) for name, l in logits.items()}

# %%
real, fake, noisy = logits.values()
# measured, 64 faces real / 32 fast: means real -0.88 / -0.73, generated -2.69 /
# -2.68, noisy -16.01 / -15.87; highest generated -0.20 and lowest real -3.11, highest
# noisy -4.47, in both modes
assert real.mean() > noisy.mean() + 5  # noise: rejected by far (15 in both modes)
assert real.mean() > fake.mean() + 1  # G's faces: rejected on average (1.8 / 1.9)
assert fake.max() > real.min()  # ... but some of them score above some real faces
assert real.mean() < 0  # and on average D calls even the real faces fake
assert noisy.max() < real.min()  # every noisy face below every real one
fig, ax = plt.subplots(figsize=(6, 3.2))
bins = torch.linspace(
    min(l.min() for l in logits.values()), max(l.max() for l in logits.values()), 30
)
for name, l in logits.items():
    ax.hist(
        l.numpy(), bins=bins.numpy(), alpha=0.5, label=f"{name} (mean {l.mean():.2f})"
    )
ax.set(
    xlabel="D's logit l(x)",
    ylabel="images",
    title="What the DCGAN's D believes is real",
)
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Real faces score above G's faces on average, the faces D was trained to reject, but
# the two groups overlap: D judges single images imperfectly, and some of G's faces
# outscore some real ones. The noisy faces lie far below both, every one below the
# lowest real face (the asserts). D was only ever shown clean faces and G's faces, so
# what it knows about noise it learnt indirectly, as a thing no real face has. How
# wide each gap is depends on the shipped weights.
#
# Note the sign of the real faces' mean: −0.88, below 0, so on average D calls these
# held-out real faces fake. It ranks well (real above G's above noisy) but is not
# calibrated. Two causes are likely, neither isolated here: D was trained on separate
# real and fake batches with each batch's own normalisation statistics, and here runs
# in eval mode with running averages over both, as the prior uses it (notebook 04);
# and it never saw these test faces. Notebook 03 meets a D trained further in eval
# mode against the finished G, whose held-out real faces score well above 0 (+3.91 on
# average on 390 validation faces, data/README.md).
# Here are the images with the highest and the lowest logits, over all three groups.

# %%
pool = torch.cat(list(groups.values()))  # (3 n_faces, 3, 64, 64)
names = [name for name, l in logits.items() for _ in range(len(l))]
scores = torch.cat(list(logits.values()))
order = scores.argsort(descending=True)
picked = torch.cat([order[:8], order[-8:]])
fig = show_grid(pool[picked], "The 8 highest (top row) and lowest (bottom row) logits")
for i, j in enumerate(picked.tolist()):
    fig.axes[0].text(
        64 * (i % 8) + 2,
        64 * (i // 8) + 61,
        f"{names[j].split()[0]} {scores[j]:.1f}",
        fontsize=8,  # 8 pt fits a 1.2-inch tile; smaller is unreadable
        color="yellow",
        bbox=dict(facecolor="black", alpha=0.6, pad=1, linewidth=0),
    )

# %% [markdown]
# ## Summary
#
# In this notebook we have:
# - written the GAN game, min over G of max over D of E log D(x) + E log(1 - D(G(z))),
#   and seen why G uses the non-saturating loss -log D(G(z)): its gradient does not
#   vanish when D rejects G's samples;
# - trained a GAN on eight Gaussians in seconds, watched G's samples reach the modes
#   and D's logit surface steer them;
# - drawn faces from the shipped DCGAN, walked between two latent codes, and seen that
#   D gives real faces higher logits, on average, than noisy faces and G's faces.
#
# Notebook 03 turns D's logit into a prior: for an optimal D it is
# log p_X(x) - log p_G(x).

# %% [markdown]
# ## Exercises
#
# Each exercise has a starter cell: fill in the `...`, uncomment the lines and run it.
# (In a copy with solutions, each solution follows its starter, collapsed.)
#
# ### Exercise 1: saturation in numbers
#
# Take a fresh toy generator (`toy2d.make_toy_gan(seed=0)[0]`), which puts its samples
# near the origin where the trained `D_toy` is sure they are fake. Compare the norm of
# G's parameter gradient under the saturating and the non-saturating loss.

# %% tags=["starter"]
grad_norms = ...  # your answer: {"saturating": ..., "non-saturating": ...}, two floats
# G_fresh = toy2d.make_toy_gan(seed=0)[0]
# z_toy = torch.randn(256, toy2d.NZ, generator=torch.Generator().manual_seed(3))
# l_fake = D_toy(G_fresh(z_toy))  # D's logits for the fresh G's samples
# In logits (notebook top): saturating loss = E log(1 - D) = -softplus(l).mean(),
# non-saturating loss = E -log D = softplus(-l).mean(), with F.softplus.
# For each loss: grads = torch.autograd.grad(loss, list(G_fresh.parameters()),
#                                            retain_graph=True)
# and the norm of all of them together: torch.cat([g.flatten() for g in grads]).norm()
# ...

# %% tags=["solution"] jupyter={"source_hidden": true}
G_fresh = toy2d.make_toy_gan(seed=0)[0]
z_toy = torch.randn(256, toy2d.NZ, generator=torch.Generator().manual_seed(3))
l_fake = D_toy(G_fresh(z_toy))  # very negative: D_toy knows the origin is fake
grad_norms = {}
for name, loss in {
    "saturating": -F.softplus(l_fake).mean(),  # E log(1 - D)
    "non-saturating": F.softplus(-l_fake).mean(),  # E -log D
}.items():
    grads = torch.autograd.grad(loss, list(G_fresh.parameters()), retain_graph=True)
    grad_norms[name] = torch.cat([g.flatten() for g in grads]).norm().item()
assert l_fake.mean() < 0  # D calls the fresh G's samples fake
assert grad_norms["non-saturating"] > 10 * grad_norms["saturating"]
ratio = grad_norms["non-saturating"] / grad_norms["saturating"]
print(
    "The non-saturating loss gives G a gradient of norm "
    f"{grad_norms['non-saturating']:.2e}, {ratio:.0f} times the saturating loss's "
    f"{grad_norms['saturating']:.2e}: D's mean logit on these samples is "
    f"{l_fake.mean():.1f}, where log(1 - D) is flat and -log D is steep."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "02.1",
    grad_norms,
    [
        (
            "two positive floats, keys 'saturating' and 'non-saturating'",
            lambda a: (
                set(a) == {"saturating", "non-saturating"}
                and all(float(v) > 0 for v in a.values())
            ),
        ),
        (
            "non-saturating / saturating within a factor 1.5 of e^-ℓ, the ratio of the "
            "two losses' slopes at ℓ = D_toy's logit at the origin, where G_fresh's "
            "samples lie",
            lambda a: (
                1 / 1.5
                < a["non-saturating"]
                / a["saturating"]
                / math.exp(-D_toy(torch.zeros(1, 2)))
                < 1.5
            ),
        ),
    ],
    mistakes={
        "the two swapped": {"saturating": 1.0, "non-saturating": 1e-3},
        "the two losses' values": {"saturating": -1e-4, "non-saturating": 9.2},
        "the same loss twice": {"saturating": 1.0, "non-saturating": 1.0},
    },
)

# %% [markdown]
# ### Exercise 2: spherical interpolation
#
# For z ~ N(0, I) in 100 dimensions, ‖z‖ is close to 10. How long is the midpoint of
# the straight line between two such codes? Replace the straight line by slerp
# (spherical interpolation, which moves along the great circle and keeps the norm),
# and compare the two rows of faces.

# %% tags=["starter"]
walk = ...  # your answer: {"midpoint": the norm of the line's midpoint (a float),
#   "slerp": the 8 codes of the slerp path, (8, 100)}
# z0, z1 = z[0], z[1]  # the two ends of the straight path z_path above
# The midpoint's norm: (z0 + z1) / 2 ... .norm(), against z0.norm() and z1.norm().
# slerp with the same t as z_path (a column of 8 values from 0 to 1):
# omega = torch.arccos((z0 @ z1) / (z0.norm() * z1.norm()))  # the angle between them
# slerp = (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1) / ...
# Compare z_path.norm(dim=1) with slerp.norm(dim=1), then draw both rows:
# with torch.no_grad():
#     show_grid(torch.cat([x_path, G(slerp)]), "Straight line (top) and slerp (bottom)")

# %% tags=["solution"] jupyter={"source_hidden": true}
z0, z1 = z[0], z[1]
omega = torch.arccos((z0 @ z1) / (z0.norm() * z1.norm()))  # angle between the codes
slerp = (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1) / torch.sin(omega)
norms = {"line": z_path.norm(dim=1), "slerp": slerp.norm(dim=1)}
assert norms["line"][3:5].max() < 0.85 * norms["line"][0]  # the line cuts inside
ends = torch.stack([z0.norm(), z1.norm()])  # slerp stays between the two end norms
assert ends.min() - 1e-3 < norms["slerp"].min()
assert norms["slerp"].max() < ends.max() + 1e-3
with torch.no_grad():
    show_grid(torch.cat([x_path, G(slerp)]), "Straight line (top) and slerp (bottom)")
    # Does D mind the line's short codes? The midpoints of 16 pairs of codes, by each
    # path, against their distance from the average of the 32 faces x_gen.
    za, zb = z[0::2], z[1::2]
    w = torch.arccos((za * zb).sum(1) / (za.norm(dim=1) * zb.norm(dim=1)))[:, None]
    mid_faces = {
        "line": G((za + zb) / 2),
        "slerp": G((za + zb) * torch.sin(w / 2) / torch.sin(w)),
    }
    mid_logit = {k: D(f).mean().item() for k, f in mid_faces.items()}
    from_average = {
        k: (f - x_gen.mean(0)).flatten(1).norm(dim=1).mean().item()
        for k, f in mid_faces.items()
    }
plt.show()
midpoint = ((z0 + z1) / 2).norm().item()
assert midpoint < 0.85 * ends.min()
# the line's midpoint faces are blander (nearer the average face), and D likes them
assert from_average["line"] < from_average["slerp"]
assert mid_logit["line"] > mid_logit["slerp"]
walk = {"midpoint": midpoint, "slerp": slerp}
print(
    f"The midpoint of the straight line has norm {midpoint:.1f}, against "
    f"{ends[0]:.1f} and {ends[1]:.1f} at the ends: the line cuts through the inside "
    "of the sphere, where G rarely saw a code, while slerp keeps every norm between "
    f"{norms['slerp'].min():.1f} and {norms['slerp'].max():.1f}. D does not hold the "
    "short codes against the line: over 16 pairs of codes, the line's midpoint faces "
    f"are blander (mean distance {from_average['line']:.1f} from the average face, "
    f"slerp's {from_average['slerp']:.1f}) and D scores them higher (mean logit "
    f"{mid_logit['line']:.2f}, slerp's {mid_logit['slerp']:.2f})."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "02.2",
    walk,
    [
        (
            "midpoint: the length of (z0 + z1) / 2, within 1e-3",
            lambda a: (
                abs(
                    a["midpoint"]
                    - (
                        (z[0].norm() ** 2 + z[1].norm() ** 2 + 2 * z[0] @ z[1]) / 4
                    ).sqrt()
                )
                < 1e-3
            ),
        ),
        (
            "slerp: 8 codes, the first z0 and the last z1 (within 1e-4)",
            lambda a: (
                a["slerp"].shape == (8, nz)
                and torch.allclose(a["slerp"][[0, -1]], z[:2], atol=1e-4)
            ),
        ),
        (
            "slerp: every norm between the norms of z0 and z1 (within 1e-3)",
            lambda a: (
                (a["slerp"].norm(dim=1) > z[:2].norm(dim=1).min() - 1e-3).all()
                and (a["slerp"].norm(dim=1) < z[:2].norm(dim=1).max() + 1e-3).all()
            ),
        ),
        (
            "slerp: even steps in angle, s[k - 1] + s[k + 1] = 2 cos(ω / 7) s[k] "
            "with ω the angle between z0 and z1 (within 1e-3)",
            lambda a: torch.allclose(
                a["slerp"][2:] + a["slerp"][:-2],
                2
                * (F.cosine_similarity(z[0], z[1], dim=0).arccos() / 7).cos()
                * a["slerp"][1:-1],
                atol=1e-3,
            ),
        ),
    ],
    mistakes={
        "midpoint: the mean of the two end norms": {
            "midpoint": (z[0].norm() + z[1].norm()).item() / 2,
            "slerp": z_path,
        },
        "slerp: the straight line z_path": {
            "midpoint": ((z[0] + z[1]) / 2).norm().item(),
            "slerp": z_path,
        },
        "slerp: the line rescaled to norms between the ends' (uneven steps)": {
            "midpoint": ((z[0] + z[1]) / 2).norm().item(),
            "slerp": z_path
            / z_path.norm(dim=1, keepdim=True)
            * ((1 - t) * z[0].norm() + t * z[1].norm()),
        },
    },
)

# %% [markdown]
# ### Exercise 3: does D dislike blur?
#
# With `op = tl.make_operator("super_resolution")`, score the bicubic upsampling of
# the low-resolution faces, `op.naive_inverse(op.corrupt(x))`, and compare with the
# real faces' logits.

# %% tags=["starter"]
logit_blurred = ...  # your answer: D's logit of each bicubic face, (n_faces,)
# op = tl.make_operator("super_resolution")
# blurred = op.naive_inverse(op.corrupt(x))  # 64x64 -> 16x16 -> bicubic 64x64
# with torch.no_grad():
#     logit_blurred = D(...).cpu()
# Compare logit_blurred.mean() with logits["real faces"].mean().
# ...

# %% tags=["solution"] jupyter={"source_hidden": true}
op = tl.make_operator("super_resolution")
with torch.no_grad():
    logit_blurred = D(op.naive_inverse(op.corrupt(x))).cpu()
logit_real = logits["real faces"]
assert logit_blurred.mean() < logit_real.mean()
print(
    f"Yes: D gives the bicubic faces a mean logit of {logit_blurred.mean():.2f}, "
    f"below the real faces' {logit_real.mean():.2f}; it scores "
    f"{(logit_blurred < logit_real).float().mean():.0%} of the blurred faces below "
    "their sharp originals."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "02.3",
    logit_blurred,
    [
        ("one logit per face, shape (n_faces,)", lambda a: a.shape == (n_faces,)),
        (
            "D's logit of each face averaged over 4x4 blocks and upsampled bicubically "
            "(clamped to [0, 1]), within 1e-3",
            lambda a: torch.allclose(
                a.cpu(),
                D(
                    F.interpolate(
                        F.avg_pool2d(x, 4), scale_factor=4, mode="bicubic"
                    ).clamp(0, 1)
                ).cpu(),
                atol=1e-3,
            ),
        ),
    ],
    mistakes={
        "the real faces' logits": logits["real faces"],
        "the noisy faces' logits": logits["noisy real faces"],
        "D's probabilities σ(ℓ) for the real faces": torch.sigmoid(
            logits["real faces"]
        ),
    },
)
