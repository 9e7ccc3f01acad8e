# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03. Deriving the D-based prior
#
# In this notebook we derive the prior term of the restoration objective,
#
# $$-\log p_X(G(z)) \approx -\ell(G(z)) + \tfrac12 \|z\|^2 + \text{const},$$
#
# where ℓ is the discriminator's logit (slide 11 of Yeh et al., ICASSP 2018), and check
# every step in code. We
# - find the optimal discriminator D* for a fixed generator by maximising pointwise;
# - show that D's logit is exactly log D - log(1 - D), so that the optimal logit is the
#   log density ratio log p_X - log p_G;
# - write p_G through the change of variables x = G(z), and say what dropping its
#   Jacobian assumes;
# - settle the sign of the latent term: the slide prints + log p_Z(z), the derivation
#   gives - log p_Z(z), and we see what the slide's sign would do;
# - test the claim in two dimensions, where p_X is known exactly: regress D's logit on
#   log p_X and log p_G, then try it on the 2-D GAN of notebook 02;
# - restore in the plane, where the exact posterior is known, with each prior term
#   switched on in turn, and measure what D's term adds over the latent term;
# - see what the 2-D case hides about a generator of 100 numbers making 12,288, and
#   measure it with a D calibrated to our G;
# - check that the library's prior, `tl.discriminator_prior + tl.latent_prior`, is this
#   formula.
#
# **Where it runs.** A CPU is enough: under a minute in all (a 2-D GAN and three small
# discriminators train in seconds each, and 2 x 25 Adam steps go through the DCGAN).
# Under `TUTORIAL_FAST=1` everything trains for fewer steps and the notebook takes
# about 30 s; the checks still hold, a little less tightly.

# %%
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from IPython.display import Markdown

import tutorial_lib as tl
from tutorial_lib import toy2d
from tutorial_lib.metrics import markdown_table
from tutorial_lib.models import CALIBRATED_D_FILE
from tutorial_lib.plots import show_faces

device = tl.default_device()
device

# %% [markdown]
# ## Why we want log p_X
#
# Restoration as maximum a posteriori (MAP) estimation: given y, pick the most probable
# x, $\hat x = \arg\max_x p(x \mid y) = \arg\max_x p(y \mid x)\, p_X(x)$ by Bayes' rule,
#
# $$\hat x = \arg\min_x \; \underbrace{-\log p(y \mid x)}_{\text{data term}}
#   \; \underbrace{- \log p_X(x)}_{\text{prior}} .$$
#
# For Laplace noise, -log p(y | x) is the L1 error ||y - A(x)||_1 up to a scale and a
# constant (for Gaussian noise, the squared L2 error). The prior needs the density of
# faces, p_X, which nobody can write down. A GAN's generator only *samples* from its
# model of p_X; the discriminator, it turns out, knows a little about the density.

# %% [markdown] tags=["slide"]
# ## The optimal discriminator
#
# For a fixed G with sample density p_G, D maximises the value of the game
#
# $$V(D) = \int \Big[ p_X(x) \log D(x) + p_G(x) \log\big(1 - D(x)\big) \Big] dx .$$
#
# D(x) can be chosen separately at every x, so maximise the integrand pointwise: with
# a = p_X(x), b = p_G(x), the function $f(d) = a \log d + b \log(1 - d)$ on (0, 1) has
#
# $$f'(d) = \frac{a}{d} - \frac{b}{1 - d} = 0 \iff d = \frac{a}{a + b}, \qquad
#   f''(d) = -\frac{a}{d^2} - \frac{b}{(1 - d)^2} < 0,$$
#
# a single maximum. Hence $D^*(x) = \dfrac{p_X(x)}{p_X(x) + p_G(x)}$. A brute-force
# check: maximise f on a fine grid of d for a few pairs (a, b).

# %%
d = torch.linspace(1e-4, 1 - 1e-4, 100_001, dtype=torch.float64)
pairs = [(1.0, 1.0), (0.3, 0.05), (0.01, 2.0), (5.0, 0.5)]  # (p_X(x), p_G(x))
best = {(a, b): d[(a * d.log() + b * (1 - d).log()).argmax()].item() for a, b in pairs}
for (a, b), d_best in best.items():
    assert abs(d_best - a / (a + b)) < 1e-4
{f"a={a}, b={b}": (round(v, 4), round(a / (a + b), 4)) for (a, b), v in best.items()}

# %% [markdown] tags=["slide"]
# Rearranging, $D^*/(1 - D^*) = p_X / p_G$, so
#
# $$\log p_X(x) = \log D^*(x) - \log\big(1 - D^*(x)\big) + \log p_G(x).$$
#
# ## The logit identity
#
# Our D outputs a logit ℓ and D = σ(ℓ) = 1 / (1 + e^{-ℓ}). Then 1 - σ(ℓ) = σ(ℓ) e^{-ℓ},
# so σ / (1 - σ) = e^ℓ and
#
# $$\log D - \log(1 - D) = \ell \quad \text{exactly.}$$
#
# The slide's bracket log(1 - D) - log D is just -ℓ, and the optimal logit is the log
# density ratio: ℓ*(x) = log p_X(x) - log p_G(x). In code, log σ(ℓ) is `F.logsigmoid`,
# which stays accurate where σ(ℓ) rounds to 0 or 1.

# %%
l = torch.linspace(-30, 30, 601, dtype=torch.float64)
identity = F.logsigmoid(l) - F.logsigmoid(-l)  # log D - log(1 - D), as 1 - σ(l) = σ(-l)
assert torch.allclose(identity, l, atol=1e-12)
l_small = l[l.abs() <= 15]  # the naive formula, fine while σ(l) is not rounded to 1
naive = torch.log(torch.sigmoid(l_small)) - torch.log(1 - torch.sigmoid(l_small))
assert torch.allclose(naive, l_small, atol=1e-6)
(identity - l).abs().max().item()

# %% [markdown]
# ## The generator's density
#
# A sample of G is x = G(z) with z ~ p_Z = N(0, I). If G were invertible (same
# dimension in and out), the change of variables would give
#
# $$p_G(x) = p_Z(z)\, \Big|\det \frac{\partial z}{\partial x}\Big|
#   = \frac{p_Z(z)}{|\det J_G(z)|}, \qquad x = G(z),$$
#
# and so, exactly for an optimal D,
#
# $$-\log p_X(G(z)) = -\ell(G(z)) - \log p_Z(z) + \log |\det J_G(z)| .$$
#
# For the DCGAN the last term is out of reach: G maps R^100 into R^12288, its Jacobian
# is a 12288 x 100 matrix, p_G lives on a 100-dimensional surface, and the volume
# factor $\sqrt{\det J^\top J}$ would cost 100 backward passes at every step of the
# solver. The paper **drops it**, which assumes that G stretches volume by the same
# factor everywhere (so that the term is a constant). It is an approximation, not a
# fact; exercise 1 measures how far from constant it is for the 2-D generator.

# %% [markdown] tags=["slide"]
# ## The sign of the latent term
#
# For p_Z = N(0, I) in d = 100 dimensions,
# $\log p_Z(z) = -\tfrac12 \|z\|^2 - \tfrac d2 \log 2\pi$, so the prior to *minimise* is
#
# $$-\log p_X(G(z)) \approx -\ell(G(z)) - \log p_Z(z) + c
#   = -\ell(G(z)) + \tfrac12 \|z\|^2 + c' .$$
#
# The slide prints "+ log p_Z(z)" inside the minimised bracket. That would add
# $-\tfrac12 \|z\|^2$ and *reward* large codes. The library uses the MAP sign:
# `tl.latent_prior(z)` = ||z||²/2, which is -log N(z; 0, I) up to the constant
# (d/2) log 2π.

# %%
nz = 100
z = torch.randn(6, nz, generator=torch.Generator().manual_seed(0))
log_p_Z = torch.distributions.Normal(0.0, 1.0).log_prob(z).sum(dim=1)  # log N(z; 0, I)
const = nz / 2 * math.log(2 * math.pi)
assert torch.allclose(tl.latent_prior(z), -log_p_Z - const, atol=1e-4)
tl.latent_prior(z), -log_p_Z

# %% [markdown]
# Gradient descent moves z along minus the gradient. With the MAP sign the gradient of
# -log p_Z(z) is +z, so a step moves z towards the origin; with the slide's sign the
# gradient of +log p_Z(z) is -z, and every step pushes z *outwards*, for ever.

# %%
z_ = z.clone().requires_grad_(True)
log_p = torch.distributions.Normal(0.0, 1.0).log_prob(z_).sum()
grad_slide = torch.autograd.grad(log_p, z_)[0]  # gradient of + log p_Z
assert torch.allclose(grad_slide, -z, atol=1e-6)  # so descent adds +eta z: outwards
assert ((z - 0.1 * grad_slide).norm(dim=1) > z.norm(dim=1)).all()
z.norm(dim=1), (z - 0.1 * grad_slide).norm(dim=1)

# %% [markdown]
# With the DCGAN: start 2 codes at random and minimise the prior alone,
# -ℓ(G(z)) ± ||z||²/2, with Adam, once with each sign: 25 steps (5 in fast mode),
# enough to see the trend. Typical codes have ||z|| ≈ √100 = 10.

# %%
G, D = tl.load_pretrained(device=device)
steps = tl.fast_or(25, 5)
z_start = torch.randn(2, nz, generator=torch.Generator().manual_seed(1)).to(device)
norms, z_end = {}, {}
for name, sign in {"MAP: + ||z||²/2": 1.0, "slide: - ||z||²/2": -1.0}.items():
    z_opt = z_start.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([z_opt], lr=0.2)
    norms[name] = [z_opt.norm(dim=1).mean().item()]
    for _ in range(steps):
        x_opt = G(z_opt)
        loss = (tl.discriminator_prior(D, x_opt) + sign * tl.latent_prior(z_opt)).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        norms[name].append(z_opt.norm(dim=1).mean().item())
    z_end[name] = z_opt.detach()
{name: round(n[-1], 2) for name, n in norms.items()}

# %%
assert norms["slide: - ||z||²/2"][-1] > norms["slide: - ||z||²/2"][0] + 1
assert norms["slide: - ||z||²/2"][-1] > norms["MAP: + ||z||²/2"][-1] + 2
fig, ax = plt.subplots(figsize=(5, 3.2))
for name, n in norms.items():
    ax.plot(n, label=name)
ax.axhline(10, color="gray", ls=":", label="typical ||z|| = 10")
ax.set(
    xlabel="Adam step",
    ylabel="mean ||z|| of 2 codes",
    title="Minimising -l(G(z)) with each sign of the latent term",
)
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# With the slide's sign ||z|| only grows, and z leaves the region where G was trained
# (codes of norm about 10): nothing stops it. With the MAP sign ||z|| shrinks: alone,
# the latent term pulls z towards the mode of p_Z at the origin, and in the solver the
# data term holds it back. The faces at the end of each run: near z = 0 G draws a
# bland, average face; at norms it never saw in training its images fall apart, the
# more so the longer the run.

# %%
with torch.no_grad():
    faces = {"start": G(z_start), **{name: G(z) for name, z in z_end.items()}}
show_faces(faces, f"G(z) before and after {steps} steps on the prior alone")
plt.show()

# %% [markdown]
#
# ## Checking the claim in two dimensions
#
# The derivation says an optimal D has the logit ℓ*(x) = log p_X(x) - log p_G(x).
# With faces we cannot check this: neither density is known. With the eight Gaussians
# of notebook 02, p_X is exact (`toy2d.log_density`). For p_G we first take a
# "generator" whose density we can write down too, and make it wrong in a way a test
# can see: the same eight modes, but unequally weighted (the heaviest 11 times the
# lightest) and 1.5 times wider. Then log p_G differs from mode to mode and from
# log p_X within each mode, so the two halves of the identity, + log p_X and
# - log p_G, can be told apart. `toy2d.fit_discriminator` trains a fresh D alone
# against such a fixed fake distribution, long enough to be close to optimal. As a
# control we train a second D against another "generator", N(0, 1.5² I).


# %%
mode_weights = torch.tensor([2.0 ** (k / 2) for k in range(8)])
mode_weights /= mode_weights.sum()
width = 1.5 * 0.1  # the data's modes have standard deviation 0.1


def sample_lopsided(n, generator):
    k = torch.multinomial(mode_weights, n, replacement=True, generator=generator)
    return toy2d.mode_centers()[k] + width * torch.randn(n, 2, generator=generator)


def log_p_lopsided(points):
    sq = torch.cdist(points, toy2d.mode_centers()) ** 2  # (n, 8)
    log_modes = mode_weights.log() - sq / (2 * width**2)
    return log_modes.logsumexp(1) - math.log(2 * math.pi * width**2)


def sample_gauss(n, generator):
    return 1.5 * torch.randn(n, 2, generator=generator)


threads = torch.get_num_threads()
torch.set_num_threads(1)  # tiny networks: one thread is fastest, and reproducible
fit_steps = tl.fast_or(3000, 2000)
D_lopsided = toy2d.fit_discriminator(sample_lopsided, steps=fit_steps, seed=0)
D_gauss = toy2d.fit_discriminator(sample_gauss, steps=fit_steps, seed=0)

# %% [markdown]
# On points from both distributions where both log-densities are non-negligible
# (above -4; elsewhere D never saw a sample and its value is a guess), we regress each
# D's logit on the two log-densities,
#
# $$\ell(x) \approx a \log p_X(x) + b \log p_G(x) + c,$$
#
# by least squares. The identity says a = +1 and b = -1, and that ℓ is within a
# fraction of a nat of log p_X - log p_G. A D that had learned log p_X alone would
# give b ≈ 0: that is what the control D, trained against another generator, shows.

# %%
g = torch.Generator().manual_seed(5)
points = torch.cat([toy2d.sample_data(2000, g), sample_lopsided(2000, g)])
log_p_X, log_p_G = toy2d.log_density(points), log_p_lopsided(points)
both = (log_p_X > -4) & (log_p_G > -4)
x_both, log_p_X, log_p_G = points[both], log_p_X[both], log_p_G[both]
regressors = torch.stack([log_p_X, log_p_G, torch.ones_like(log_p_X)], dim=1)
fits = {}
for name, D_fit in {"D vs this p_G": D_lopsided, "control": D_gauss}.items():
    logit = D_fit(x_both)
    a, b, c = torch.linalg.lstsq(regressors, logit[:, None]).solution.flatten()
    error = (logit - (log_p_X - log_p_G)).abs().mean()  # nats
    fits[name] = {"a": a.item(), "b": b.item(), "error": error.item()}
{name: {k: round(v, 2) for k, v in fit.items()} for name, fit in fits.items()}

# %%
# Measured: real mode a = 0.93, b = -1.02, 0.12 nats; fast mode a = 0.88, b = -0.97,
# 0.16 nats (fewer steps: D's peaks are not yet as sharp as the data's). The control
# gave b = -0.07 (real) and +0.05 (fast), 2.8 nats: the check tells the two apart.
fit = fits["D vs this p_G"]
assert abs(fit["a"] - 1) < 0.2 and abs(fit["b"] + 1) < 0.2 and fit["error"] < 0.3
assert abs(fits["control"]["b"] + 1) > 0.5 and fits["control"]["error"] > 1
fig, ax = plt.subplots(figsize=(4.2, 4))
ax.scatter(log_p_X - log_p_G, D_lopsided(x_both), s=2, alpha=0.5)
ax.plot([-3, 3], [-3, 3], "k--", lw=1, label="l = log p_X - log p_G")
ax.set(
    xlabel="log p_X(x) - log p_G(x) (exact)",
    ylabel="D's logit l(x)",
    title=f"D trained against a known p_G (a = {fit['a']:.2f}, b = {fit['b']:.2f})",
)
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Now a real generator: the 2-D GAN of notebook 02, trained afresh (10-20 s). Its p_G
# has no formula, so we estimate it from many samples with a Gaussian kernel density
# estimate (KDE) of bandwidth h:
#
# $$\hat p_G(x) = \frac{1}{m} \sum_{i=1}^{m} \mathcal{N}(x;\ G(z_i),\ h^2 I).$$
#
# A KDE measures the density of G(z) + h ε with ε ~ N(0, I), not of G(z) itself, whose
# samples cluster on thin curves (notebook 02). So we let D face exactly that
# distribution: a fixed generator G(z) + h ε, with h = 0.05, half a mode's width.

# %%
G_toy, D_toy, _ = toy2d.train_toy_gan(tl.fast_or(3000, 1000), seed=0)
h = 0.05


def sample_G(n, generator):
    return G_toy(torch.randn(n, 2, generator=generator)) + h * torch.randn(
        n, 2, generator=generator
    )


def kde_log_density(points, samples):
    sq = torch.cdist(points, samples) ** 2  # (n, m)
    return (-sq / (2 * h**2)).logsumexp(1) - math.log(len(samples) * 2 * math.pi * h**2)


D_star = toy2d.fit_discriminator(sample_G, steps=tl.fast_or(1500, 600), seed=1)
torch.set_num_threads(threads)

# %% [markdown]
# The comparison, on points from both distributions where both log-densities are above
# -4 (the KDE is noisy in the tails). We also recover the data density from D and G
# alone, log p̂_X = ℓ + log p̂_G, and compare it with the truth, next to the estimate
# from G alone, log p̂_G (which would be right if G were perfect, p_G = p_X).

# %%
g = torch.Generator().manual_seed(7)
samples = sample_G(tl.fast_or(20_000, 10_000), g)  # for the KDE
points = torch.cat([toy2d.sample_data(1000, g), sample_G(1000, g)])
log_p_X, log_p_G = toy2d.log_density(points), kde_log_density(points, samples)
both = (log_p_X > -4) & (log_p_G > -4)
x_both, log_p_X, log_p_G = points[both], log_p_X[both], log_p_G[both]
logit, recovered = D_star(x_both), D_star(x_both) + log_p_G


def r(a, b):
    return torch.corrcoef(torch.stack([a, b]))[0, 1].item()


corr = {
    "l vs log ratio": r(logit, log_p_X - log_p_G),
    "l + log p_G vs log p_X": r(recovered, log_p_X),
    "log p_G alone vs log p_X": r(log_p_G, log_p_X),
}
{k: round(v, 3) for k, v in corr.items()}

# %%
assert corr["l vs log ratio"] > 0.75
assert corr["l + log p_G vs log p_X"] > 0.8
assert corr["l + log p_G vs log p_X"] > corr["log p_G alone vs log p_X"] + 0.1
fig, axes = plt.subplots(1, 2, figsize=(9, 4))
axes[0].scatter(log_p_X - log_p_G, logit, s=2, alpha=0.5)
axes[0].set(
    xlabel="log p_X - log p̂_G (KDE)",
    ylabel="D's logit l",
    title=f"D trained against G + h ε (r = {corr['l vs log ratio']:.2f})",
)
axes[1].scatter(log_p_X, log_p_G, s=2, alpha=0.4, c="tab:gray", label="log p̂_G alone")
axes[1].scatter(log_p_X, recovered, s=2, alpha=0.5, label="l + log p̂_G")
for ax in axes:
    ax.plot([-4, 3], [-4, 3], "k--", lw=1)
axes[1].set(
    xlabel="true log p_X",
    ylabel="estimate of log p_X",
    title="Recovering the data density from G and D",
)
axes[1].legend(fontsize=8, markerscale=4)
plt.show()

# %% [markdown]
# D's logit adds what the generator got wrong: the recovered density follows the truth
# much more closely than the generator's own density does. Two caveats carry over to
# faces. First, this D was trained to optimality against a *frozen* G; the D that a GAN
# ends with was trained against a moving G and is only roughly optimal. The GAN's own
# D, on the same points, follows the log ratio much less closely:

# %%
corr_own = r(D_toy(x_both), log_p_X - log_p_G)
assert corr_own < corr["l vs log ratio"]
round(corr_own, 3), round(corr["l vs log ratio"], 3)

# %% [markdown]
# Second, D is only trustworthy where it saw data or fakes; far from both its logit is
# arbitrary. The restoration objective therefore applies D to G(z), a sample of the
# kind D was trained on, and never to the observation y.
#
# ## Restoring in two dimensions: what D's term does
#
# Now the objective itself, in the plane, where the exact answer is known. We observe
# only the first coordinate of a point of the data, with noise:
# y = x₁ + ε, ε ~ N(0, σ²), σ = 0.1. The posterior p(x | y) ∝ p_X(x) N(y; x₁, σ²) is
# known exactly on a grid (`toy2d.posterior_modes` finds its maximum). Over z we
# minimise
#
# $$f(z) = \frac{(y - G(z)_1)^2}{2\sigma^2}
#        + \lambda\,\big(-\ell(G(z)) + \tfrac12\|z\|^2\big),$$
#
# whose data term is the exact negative log-likelihood of y. So **λ = 1 is the value
# that corresponds to the noise level**: with λ = 1 and both prior terms, f is
# -log p(G(z) | y) up to G's Jacobian. Two MAP problems hide in f:
# - **MAP over z**, the data term + ½‖z‖²: the most probable *code* given y. This is
#   CSGM's objective (Bora et al., 2017), which has no D.
# - **MAP over x** = G(z), the most probable *image*: -log p_X(G(z)) = -ℓ*(G(z)) +
#   ½‖z‖² + log |det J_G| + const, so it adds -ℓ and the Jacobian term (dropped here).
#   With a perfect G, p_G = p_X and ℓ* = 0: D's term is exactly the correction for
#   what G got wrong, and the better G, the less it can add.
#
# We compare three arms from the same random starts, each term switched on in turn:
# the data term alone; + ½‖z‖² (MAP over z, CSGM); + -ℓ as well (the paper's, with D*
# fitted to this G above).

# %%
sigma_y = 0.1
g = torch.Generator().manual_seed(11)
x_true = toy2d.sample_data(512, g)
y_2d = x_true[:, 0] + sigma_y * torch.randn(512, generator=g)
arms_2d = {
    "data term alone": dict(use_D=False, use_latent=False),
    "+ latent (CSGM)": dict(use_D=False),
    "+ latent + D (paper)": dict(use_D=True),
}
answers_2d, paths_2d = {}, {}
for name, switches in arms_2d.items():
    answers_2d[name], paths_2d[name] = toy2d.restore_2d(
        y_2d, G_toy, D_star, sigma_y, lam=1.0, keep_path=True, **switches
    )

# %% [markdown]
# The generator leaves a little of its mass on bridges between the modes (notebook
# 02), where no data lies and where D* scores low. An answer is *on a mode* when it
# lies within 2.5 standard deviations (0.25) of a mode's centre, a point the data could
# have produced. For each arm: the share of the 512 answers on a mode, and the paired
# difference of D's arm over CSGM's (same observations, same starts; mean ± standard
# error).


# %%
def on_mode(x):
    return (torch.cdist(x, toy2d.mode_centers()).min(dim=1).values < 0.25).float()


share = {name: on_mode(x).mean().item() for name, x in answers_2d.items()}
gain = on_mode(answers_2d["+ latent + D (paper)"]) - on_mode(
    answers_2d["+ latent (CSGM)"]
)
d_effect = (gain.mean().item(), gain.std().item() / len(gain) ** 0.5)
{k: round(v, 3) for k, v in share.items()}, tuple(round(v, 3) for v in d_effect)

# %%
# Measured (real / fast): on a mode 0.795 / 0.877 (data term alone), 0.842 / 0.887
# (+ latent), 0.875 / 0.963 (+ D); D's arm over CSGM's +0.033 +- 0.011 / +0.076 +- 0.012.
assert d_effect[0] > 2 * d_effect[1], d_effect  # D's term puts more answers on a mode

# %% [markdown]
# On a mode is not yet right: the best answer is the posterior's own maximum, the MAP
# of x given y. p_X is symmetric under x₂ → -x₂, so the MAP and its mirror image are
# equally good. The share of answers within 0.25 of one of them, per arm, and D's
# paired gain over CSGM:

# %%
map_2d = toy2d.posterior_modes(y_2d, sigma_y)
mirror_2d = map_2d * torch.tensor([1.0, -1.0])


def at_map(x):
    gap = torch.minimum((x - map_2d).norm(dim=1), (x - mirror_2d).norm(dim=1))
    return (gap < 0.25).float()


map_share = {name: at_map(x).mean().item() for name, x in answers_2d.items()}
map_gain = at_map(answers_2d["+ latent + D (paper)"]) - at_map(
    answers_2d["+ latent (CSGM)"]
)
map_effect = (map_gain.mean().item(), map_gain.std().item() / len(map_gain) ** 0.5)
{k: round(v, 3) for k, v in map_share.items()}, tuple(round(v, 3) for v in map_effect)

# %%
# Measured (real / fast): at the MAP 0.389 / 0.496 (data term alone), 0.385 / 0.504
# (+ latent), 0.420 / 0.562 (+ D); D's gain +0.035 +- 0.009 / +0.059 +- 0.012.
assert map_effect[0] > 2 * map_effect[1], map_effect  # D moves answers to the MAP
assert max(map_share.values()) < 0.7  # most searches end elsewhere: they are local
X, Y, L = toy2d.logit_grid(D_star)
ring = ((X**2 + Y**2).sqrt() - toy2d.RADIUS).abs() < 0.6  # where D saw points
fig, ax = plt.subplots(figsize=(6, 5), layout="constrained")
image = ax.contourf(
    X, Y, L.clamp(-8, 8).where(ring, torch.nan), levels=20, cmap="RdBu_r"
)
fig.colorbar(image, ax=ax, label="D*'s logit ℓ near the ring (clamped to ±8)")
centers = toy2d.mode_centers()
ax.plot(
    centers[:, 0], centers[:, 1], "o", mfc="none", mec="k", ms=14, label="data modes"
)
moved = torch.nonzero(gain > 0).flatten()  # D moved these onto a mode
nearest = torch.cdist(answers_2d["+ latent + D (paper)"], toy2d.mode_centers()).argmin(
    1
)
shown = torch.stack([moved[nearest[moved] == k][0] for k in nearest[moved].unique()])[
    :4
]
for name, color in (("+ latent (CSGM)", "white"), ("+ latent + D (paper)", "gold")):
    for k, i in enumerate(shown):
        path = paths_2d[name][:, i]
        ax.plot(
            path[:, 0], path[:, 1], color=color, lw=1.5, label=name if k == 0 else None
        )
        ax.plot(*path[-1], "o", color=color, mec="k", ms=6)
    starts = paths_2d[name][0, shown]
    ax.plot(starts[:, 0], starts[:, 1], "k.", ms=5)  # the shared starts
for i in shown:
    ax.axvline(y_2d[i], color="k", lw=0.8, ls=":")
for modes in (map_2d[shown], mirror_2d[shown]):
    ax.plot(modes[:, 0], modes[:, 1], "x", color="lime", ms=9, mew=2)
ax.set(
    xlim=(-3, 3),
    ylim=(-3, 3),
    aspect="equal",
    xlabel="x₁ (observed with noise: dotted lines)",
    ylabel="x₂",
    title="Same starts (dots): CSGM (white) stops on a bridge,\n"
    "+ D (gold) moves on to a mode; green: the exact MAP",
)
ax.legend(fontsize=8, loc="lower left")
plt.show()

# %% [markdown]
# Does D* score where CSGM stopped below where D's search ended? For the answers that
# D's term moved onto a mode (`gain > 0`), D*'s logit at each arm's answer:

# %%
moved_by_D = gain > 0
with torch.no_grad():
    logit_csgm = D_star(answers_2d["+ latent (CSGM)"][moved_by_D]).flatten()
    logit_paper = D_star(answers_2d["+ latent + D (paper)"][moved_by_D]).flatten()
rise = logit_paper - logit_csgm
climbed = {
    "answers moved": int(moved_by_D.sum()),
    "median ℓ, CSGM": logit_csgm.median().item(),
    "median ℓ, + D": logit_paper.median().item(),
    "share whose ℓ rose": (rise > 0).float().mean().item(),
}
{k: round(v, 2) for k, v in climbed.items()}

# %%
# Measured (real): 24 answers moved; median ℓ -0.82 at CSGM's answer, -0.21 at D's;
# 0.75 of them rose. Typical, not extreme: CSGM's answers on a mode have median -0.42.
assert rise.median() > 0 and climbed["share whose ℓ rose"] > 0.5

# %% [markdown]
# Where the two arms part, the search with D's term is pushed off the bridges, where
# D*'s logit is lower, onto a mode, where it is higher: for most of the answers it
# moved, ℓ rose (the cell above), as the derivation promises: -ℓ(G(z)) adds to CSGM's
# ½‖z‖² what G got wrong, here the mass G put between the modes. Two things limit
# the effect, and both carry over to faces. Most answers are on a mode already
# (the generator is good, so ℓ has little to correct), and the search is local: from a
# start near the wrong mode, no prior term moves it to the other one, which is why
# only about half of the answers of any arm, or fewer, reach the MAP. **The better G, the less D
# can add**: with a perfect G, ℓ would be 0 everywhere and the two arms would agree.
#
# ## What two dimensions hide
#
# In the plane, G's samples (plus the KDE's blur) fill an area, so p_G is a density
# and the optimal logit is a finite log ratio. The DCGAN maps the 100 numbers of z to
# the 12,288 numbers of a 64x64x3 image: its samples lie on a 100-dimensional surface
# in image space, a set of volume zero. There p_G has no density, p_X / p_G is 0 off
# the surface and infinite on it, and a *perfect* discriminator exists that tells every
# real face from every generated one (Arjovsky and Bottou, ICLR 2017). Its logit would
# be -∞ on G's surface, where the solver evaluates it, and carry no information.
#
# This is not only theory for our GAN. `python -m tutorial_lib calibrate` trains the
# GAN's own D further against the frozen, shipped G, in the mode the prior uses it,
# and keeps the step with the lowest log loss on held-out faces
# (`tutorial_lib/calibrate.py`); the package ships the result beside the GAN's own D,
# `tl.load_pretrained(discriminator="calibrated")`, with its record. The record: on
# 390 validation faces, never trained on, against fresh samples of G (these faces also
# chose the step kept, so its numbers are a little optimistic; the other 390 give the
# margins in data/README.md).

# %%
record = torch.load(CALIBRATED_D_FILE, weights_only=True)["meta"]["log"]
calibration = {
    f"step {e['step']}": {
        k: round(e[k], 3)
        for k in ("log_loss", "accuracy", "logit_real", "logit_generated")
    }
    for e in record[:: len(record) // 4] + [record[-1]]
}
Markdown(markdown_table(calibration))

# %% [markdown]
# Step 0 is the GAN's own D: it gets 31% of the held-out images (real faces and G's
# samples) wrong, and real faces score below 0 on average. Within a few hundred steps the D that the derivation asks
# for, D* of the final G, is all but reached, and it is a near-perfect separator: it
# tells *every* held-out real face from G's samples. On the shipped faces and fresh
# samples, the same picture:

# %%
_, D_cal = tl.load_pretrained(device=device, discriminator="calibrated")
faces = tl.load_sample_faces(64).to(device)
with torch.no_grad():
    fakes = G(
        torch.randn(64, nz, generator=torch.Generator().manual_seed(9)).to(device)
    )
    logits = {
        name: (net(faces).float().cpu(), net(fakes).float().cpu())
        for name, net in {"GAN's own D": D, "calibrated D": D_cal}.items()
    }
accuracy = {
    name: ((real > 0).float().mean() + (fake < 0).float().mean()).item() / 2
    for name, (real, fake) in logits.items()
}
{name: round(a, 3) for name, a in accuracy.items()}

# %%
# measured: GAN's own D 0.62, calibrated 1.00 (both modes alike: nothing trains here)
assert accuracy["calibrated D"] > 0.95 and accuracy["GAN's own D"] < 0.85
fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
for ax, (name, (real, fake)) in zip(axes, logits.items()):
    ax.hist(real.numpy(), bins=20, alpha=0.6, label="real faces")
    ax.hist(fake.numpy(), bins=20, alpha=0.6, label="G(z)")
    ax.axvline(0, color="k", lw=1)
    ax.set(xlabel="logit ℓ", title=f"{name}: {accuracy[name]:.0%} told apart")
axes[0].set(ylabel="images")
axes[0].legend(fontsize=8)
plt.show()

# %% [markdown]
# So the optimal D of our G is, to the precision we can measure, the perfect separator
# of the theory: G's faces carry marks no real face has, and the two sets do not
# overlap. The density-ratio reading of ℓ breaks down here; what may survive is how ℓ
# *varies* along G's surface, whether it ranks G's own faces the way p_X would. That is
# an empirical question, and `benchmarks/ablation.py` asks it of both Ds, switching
# each term of the objective on and off on validation faces.
#
# What makes the prior usable is that D is not optimal: a finite network trained for
# a finite time against a moving G, whose logit is a smooth score of how face-like an
# image looks and how unlike the generator's current samples. So -ℓ(G(z)) is a
# learned stand-in for -log p_X inspired by the identity above, not a density
# estimate; how much it helps is measured per task in notebooks 05-10. One more
# detail matters here: D was trained against the *raw* generator of its run (the one
# the optimiser updates), and the shipped G is that raw generator at the chosen epoch,
# not its running average (notebook 11), so the prior scores the kind of image D
# was trained to judge.
#
# ## Back to the DCGAN
#
# Putting the pieces together, the prior term of the objective (multiplied by λ) is
#
# $$\underbrace{\log(1 - D(G(z))) - \log D(G(z))}_{-\ell(G(z))}
#   \underbrace{- \log p_Z(z)}_{\|z\|^2/2 + \text{const}},$$
#
# and the library computes it as `tl.discriminator_prior(D, G(z)) + tl.latent_prior(z)`.
# We check both forms on a few codes.

# %%
z = torch.randn(4, nz, generator=torch.Generator().manual_seed(2)).to(device)
with torch.no_grad():
    x = G(z)
    prior = tl.discriminator_prior(D, x) + tl.latent_prior(z)
    l = D(x).double()
    bracket = F.logsigmoid(-l) - F.logsigmoid(l)  # log(1 - D) - log D
    log_p_Z = torch.distributions.Normal(0.0, 1.0).log_prob(z.double()).sum(dim=1)
assert torch.allclose(prior, -D(x) + 0.5 * (z**2).sum(dim=1))
assert torch.allclose(prior.double(), bracket - log_p_Z - const, atol=1e-4)
prior

# %% [markdown]
# ## Summary
#
# In this notebook we have:
# - derived the optimal discriminator D* = p_X / (p_X + p_G) by pointwise maximisation,
#   and from it log p_X = log D - log(1 - D) + log p_G;
# - shown that log D - log(1 - D) is the logit ℓ exactly, so the D-prior is -ℓ(G(z));
# - written p_G(G(z)) = p_Z(z) / |det J_G(z)| and seen that dropping the Jacobian
#   assumes that G stretches volume uniformly;
# - fixed the sign of the latent term: -log p_Z(z) = ||z||²/2 + const, while the
#   slide's + log p_Z would push ||z|| to grow without bound;
# - checked in two dimensions that a near-optimal D's logit is a log p_X + b log p_G
#   with a ≈ +1 and b ≈ -1, that a D trained against another generator fails that
#   check, and that ℓ + log p̂_G recovers the true log p_X better than the 2-D GAN's
#   generator alone;
# - restored a point from its noisy first coordinate, where λ = 1 is the noise level's
#   MAP: from the same starts, D's term put 3 more answers in 100 on a mode of the data
#   and 3.5 more at the exact MAP than the latent term alone (paired, about 3 standard
#   errors), by pushing them off the bridges where G left mass, to where D*'s logit
#   is higher (for 3 in 4 of the answers it moved);
# - seen why the identity cannot hold literally for the DCGAN (its samples fill a set
#   of volume zero), and measured it: the GAN's D trained further against the final G
#   tells every held-out real face from G's samples, so its prior is a learned score,
#   not a density;
# - confirmed that the library's prior is -ℓ(G(z)) + ||z||²/2.
#
# Notebook 04 puts this prior next to the data term and minimises over z.

# %% [markdown]
# ## Exercises
#
# Each exercise has a starter cell: fill in the `...`, uncomment the lines and run it.
# (In a copy with solutions, each solution follows its starter, collapsed.)
#
# ### Exercise 1: the dropped Jacobian
#
# For the 2-D generator `G_toy`, compute log |det J_G(z)| for 2000 codes
# (`torch.func.vmap(torch.func.jacrev(G_toy))` gives the 2x2 Jacobians) and plot its
# histogram. Is it close to a constant?

# %% tags=["starter"]
log_det = ...  # your answer: log |det J_G(z)| at each of the 2000 codes, (2000,)
# codes = torch.randn(2000, 2, generator=torch.Generator().manual_seed(3))
# J = torch.func.vmap(torch.func.jacrev(G_toy))(codes)  # (2000, 2, 2)
# log_det = ...  # torch.linalg.slogdet(J) returns (sign, logabsdet)
# A histogram of log_det (plt.subplots, ax.hist), and its spread: log_det.std().
# ...

# %% jupyter={"source_hidden": true} tags=["solution"]
codes = torch.randn(2000, 2, generator=torch.Generator().manual_seed(3))
J = torch.func.vmap(torch.func.jacrev(G_toy))(codes)  # (2000, 2, 2)
log_det = torch.linalg.slogdet(J).logabsdet
assert log_det.std() > 1  # more than a nat of spread: far from a constant
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.hist(log_det.numpy(), bins=50)
ax.set(
    xlabel="log |det J_G(z)|",
    ylabel="codes z",
    title=f"The dropped term varies (std {log_det.std():.1f} nats)",
)
plt.show()
print(
    f"No: log |det J_G(z)| has a standard deviation of {log_det.std():.1f} nats and "
    f"ranges from {log_det.min():.1f} to {log_det.max():.1f} over 2000 codes. The "
    "dropped term is far from a constant: G does not stretch volume uniformly."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "03.1",
    log_det,
    [
        ("one value per code, shape (2000,)", lambda a: a.shape == (2000,)),
        (
            "log |det J_G| at the starter's codes, within 0.1 nat of forward-mode "
            "Jacobians (torch.func.jacfwd) at every code",
            lambda a: (
                (
                    a
                    - torch.linalg.det(
                        torch.func.vmap(torch.func.jacfwd(G_toy))(
                            torch.randn(
                                2000, 2, generator=torch.Generator().manual_seed(3)
                            )
                        )
                    )
                    .abs()
                    .log()
                )
                .abs()
                .max()
                < 0.1
            ),
        ),
    ],
    mistakes={
        "a constant, what dropping the term assumes": torch.zeros(2000),
        "the same at 2000 other codes": torch.linalg.slogdet(
            torch.func.vmap(torch.func.jacrev(G_toy))(
                torch.randn(2000, 2, generator=torch.Generator().manual_seed(4))
            )
        ).logabsdet,
    },
)

# %% [markdown]
# ### Exercise 2: a uniform p_Z
#
# The authors' code draws z uniformly from the box [-1, 1]^100 and clips z after every
# step. What is -log p_Z(z) for this p_Z, and why does it turn the latent term into
# clipping? Check that clipping returns the nearest point of the box.

# %% tags=["starter"]
uniform_nll = ...  # your answer: {"inside": -log p_Z(z) for z in the box,
#   "outside": -log p_Z(z) for z outside it}, two floats
# The uniform density on [-1, 1]^100 is 1 / (volume of the box) inside, 0 outside.
# uniform = torch.distributions.Uniform(-torch.ones(nz), torch.ones(nz))
# inside = 2 * torch.rand(3, nz) - 1  # three points of the box
# -uniform.log_prob(inside).sum(1) should be ... for each of them.
# A point outside and its clipped copy:
# z_out = 2 * torch.randn(1, nz)
# clipped = z_out.clamp(-1, 1)
# Is any of many random points of the box nearer z_out than clipped is?
# others = 2 * torch.rand(10_000, nz) - 1
# Compare (z_out - clipped).norm() with (z_out - others).norm(dim=1).min().

# %% jupyter={"source_hidden": true} tags=["solution"]
# p_Z = 2^-100 inside the box, 0 outside: -log p_Z = 100 log 2 (a constant) inside
# and +inf outside, so the term only forbids leaving the box. Minimising with a
# constraint is done by projecting back after each step, and the projection onto a
# box is coordinate-wise clipping.
uniform = torch.distributions.Uniform(-torch.ones(nz), torch.ones(nz))
g = torch.Generator().manual_seed(4)
inside = 2 * torch.rand(3, nz, generator=g) - 1
inside_value = -uniform.log_prob(inside).sum(1)
assert torch.allclose(inside_value, torch.tensor(100 * math.log(2)))
z_out = 2 * torch.randn(1, nz, generator=g)
clipped = z_out.clamp(-1, 1)
others = 2 * torch.rand(10_000, nz, generator=g) - 1  # points of the box: none nearer
gap, nearest_other = (z_out - clipped).norm(), (z_out - others).norm(dim=1).min()
assert gap <= nearest_other
uniform_nll = {"inside": inside_value[0].item(), "outside": math.inf}  # log 0 = -inf
print(
    f"-log p_Z(z) = 100 log 2 = {inside_value[0]:.1f} for every z in the box and +inf "
    "outside, so the term only forbids leaving the box, and descending under that "
    "constraint means projecting z back after each step, which for a box is clipping. "
    f"The clipped point is {gap:.2f} from z, nearer than any of 10,000 random points "
    f"of the box (the nearest at {nearest_other:.2f})."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "03.2",
    uniform_nll,
    [
        (
            "inside: -log p_Z at any point of the box, within 1e-3",
            lambda a: (
                abs(
                    a["inside"]
                    - torch.distributions.Uniform(
                        -torch.ones(nz), torch.ones(nz), validate_args=False
                    )
                    .entropy()
                    .sum()
                )
                < 1e-3
            ),
        ),
        (
            "outside: -log p_Z at a point outside the box",
            lambda a: (
                a["outside"]
                == -torch.distributions.Uniform(
                    -torch.ones(nz), torch.ones(nz), validate_args=False
                )
                .log_prob(torch.full((nz,), 2.0))
                .sum()
                .item()
            ),
        ),
    ],
    mistakes={
        "log p_Z, without the minus": {
            "inside": -torch.distributions.Uniform(
                -torch.ones(nz), torch.ones(nz), validate_args=False
            )
            .entropy()
            .sum()
            .item(),
            "outside": -math.inf,
        },
        "0 outside, as if the term vanished there": {
            "inside": torch.distributions.Uniform(
                -torch.ones(nz), torch.ones(nz), validate_args=False
            )
            .entropy()
            .sum()
            .item(),
            "outside": 0.0,
        },
        "the Gaussian's ||z||²/2 at a corner": {"inside": nz / 2, "outside": math.inf},
    },
)

# %% [markdown]
# ### Exercise 3: why the library uses the logit
#
# In float32, compute log D - log(1 - D) the naive way, with `torch.sigmoid`, for
# logits from -30 to 30. Where does it stop agreeing with ℓ, and why?

# %% tags=["starter"]
breakdown = ...  # your answer: {"first inf": the smallest ℓ where naive is infinite,
#   "first off": the smallest ℓ where it misses ℓ by more than 0.01}, two floats
# l32 = torch.linspace(-30, 30, 601)  # float32, the default
# naive = ...  # torch.log of torch.sigmoid(l32), and of 1 - torch.sigmoid(l32)
# bad = ~torch.isclose(naive, l32, atol=0.01)  # where the naive formula is off
# Which logits are bad: l32[bad]; where is naive infinite: torch.isinf(naive)?
# And what is torch.sigmoid(l32) there, in float32?
# ...

# %% jupyter={"source_hidden": true} tags=["solution"]
l32 = torch.linspace(-30, 30, 601)  # float32
naive = torch.log(torch.sigmoid(l32)) - torch.log(1 - torch.sigmoid(l32))
bad = ~torch.isclose(naive, l32, atol=0.01)
# For large l, sigma(l) rounds to 1 in float32, so log(1 - D) loses its digits and
# then is log 0 = -inf; for very negative l, sigma(l) is tiny but representable and
# the formula holds.
assert bad.any() and l32[bad].min() > 10 and torch.isinf(naive[-1])
first_bad, first_inf = l32[bad].min().item(), l32[torch.isinf(naive)].min().item()
assert (torch.sigmoid(l32[l32 >= first_inf]) == 1).all()
# ... and the first miss is log(1 - D)'s: 1 - σ(ℓ) in float32 against σ(-ℓ), exact
lost = (torch.log(1 - torch.sigmoid(l32)) - F.logsigmoid(-l32)).abs()
assert lost[l32 == first_bad] > 0.01 and lost[l32 < first_bad].max() < 0.01
breakdown = {"first inf": first_inf, "first off": first_bad}
print(
    f"It first misses ℓ by more than 0.01 at ℓ = {first_bad:.1f}, and it is infinite "
    f"from ℓ = {first_inf:.1f} up; no negative ℓ is affected. For large ℓ, σ(ℓ) is so "
    "close to 1 that float32 keeps few correct digits of 1 - σ(ℓ), then rounds σ(ℓ) "
    "to 1 and log(1 - D) to -inf, while for negative ℓ σ(ℓ) is small but representable."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "03.3",
    breakdown,
    [
        (
            "first inf: the smallest logit of the grid where the naive formula is "
            "infinite",
            lambda a: (
                abs(
                    a["first inf"]
                    - torch.linspace(-30, 30, 601)[
                        torch.sigmoid(torch.linspace(-30, 30, 601)) == 1
                    ].min()
                )
                < 1e-4
            ),
        ),
        (
            "first off: the smallest logit of the grid where the naive formula misses "
            "ℓ by more than 0.01 (within 0.15)",
            lambda a: (
                abs(
                    a["first off"]
                    - torch.linspace(-30, 30, 601)[
                        (
                            torch.log(1 - torch.sigmoid(torch.linspace(-30, 30, 601)))
                            - F.logsigmoid(-torch.linspace(-30, 30, 601))
                        ).abs()
                        > 0.01
                    ].min()
                )
                < 0.15
            ),
        ),
    ],
    mistakes={
        "the end of the grid, the largest logit that is off": {
            "first inf": 30.0,
            "first off": 30.0,
        },
        "first off: the lesson's |ℓ| <= 15": {
            "first inf": torch.linspace(-30, 30, 601)[
                torch.sigmoid(torch.linspace(-30, 30, 601)) == 1
            ]
            .min()
            .item(),
            "first off": 15.0,
        },
        "the negative end, where σ(ℓ) is small": {
            "first inf": -30.0,
            "first off": -30.0,
        },
    },
)

# %% [markdown]
# ### Exercise 4: how far from D* is the GAN's own D?
#
# Fit ℓ ≈ a log p_X + b log p̂_G + c for the 2-D GAN's own discriminator `D_toy`, on
# the points `x_both` of the KDE check (`log_p_X`, `log_p_G` hold their
# log-densities), as we did for the D trained against a known p_G. Compare a, b and the
# mean error in nats with D*'s (`D_star`). Which half of the identity does the GAN's D
# miss?

# %% tags=["starter"]
fit_2d = ...  # your answer: {"GAN's own D": {"a": ..., "b": ..., "error": ...},
#   "D*": {the same three}, "missed": "+ log p_X" or "- log p_G"}
# regressors = torch.stack([log_p_X, log_p_G, torch.ones_like(log_p_X)], dim=1)
# For each of D_toy and D_star:
#     logit = ...(x_both)
#     a, b, c = torch.linalg.lstsq(regressors, logit[:, None]).solution.flatten()
#     error = (logit - (log_p_X - log_p_G)).abs().mean()
# ...

# %% jupyter={"source_hidden": true} tags=["solution"]
regressors = torch.stack([log_p_X, log_p_G, torch.ones_like(log_p_X)], dim=1)
fit_2d = {}
for name, D_fit in {"GAN's own D": D_toy, "D*": D_star}.items():
    logit = D_fit(x_both)
    a, b, c = torch.linalg.lstsq(regressors, logit[:, None]).solution.flatten()
    error = (logit - (log_p_X - log_p_G)).abs().mean()
    fit_2d[name] = {"a": a.item(), "b": b.item(), "error": error.item()}
own, star = fit_2d["GAN's own D"], fit_2d["D*"]
assert own["error"] > star["error"]  # the GAN's D is the farther from the log ratio
# measured (real / fast): own a = 0.20 / 0.54, b = -0.07 / -0.36; D* a = 1.17 / 0.82,
# b = -1.18 / -0.68. The GAN's D misses both halves, - log p_G (b) the more ...
assert abs(own["b"] + 1) > abs(own["a"] - 1)
# ... and D*, fitted to this G (+ h ε), recovers b: the GAN's D never saw this p_G
assert abs(star["b"] + 1) < abs(own["b"] + 1)
fit_2d["missed"] = "- log p_G"
print(
    f"The GAN's own D: a = {own['a']:.2f}, b = {own['b']:.2f}, off the log ratio by "
    f"{own['error']:.2f} nats on average; D*: a = {star['a']:.2f}, b = "
    f"{star['b']:.2f}, {star['error']:.2f} nats. The identity asks a = 1, b = -1: the "
    "GAN's D falls short on both, and misses the - log p_G half the more "
    "(|b + 1| > |a - 1|): it was trained against a generator that kept moving, never "
    "against this G's density, while D*, fitted to it, comes closer to b = -1."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "03.4",
    fit_2d,
    [
        (
            "'GAN's own D' and 'D*': dicts with a, b and error; 'missed': '+ log p_X' "
            "or '- log p_G'",
            lambda a: (
                all({"a", "b", "error"} <= set(a[k]) for k in ("GAN's own D", "D*"))
                and a["missed"] in ("+ log p_X", "- log p_G")
            ),
        ),
        (
            "missed: the half whose coefficient in your fit of the GAN's own D is the "
            "farther from the identity's (a = 1, b = -1)",
            lambda a: (
                a["missed"]
                == (
                    "- log p_G"
                    if abs(a["GAN's own D"]["b"] + 1) > abs(a["GAN's own D"]["a"] - 1)
                    else "+ log p_X"
                )
            ),
        ),
        (
            "a, b: each D's least-squares fit on x_both, within 1e-3 (checked with the "
            "pseudo-inverse)",
            lambda a: all(
                torch.allclose(
                    torch.tensor([a[k]["a"], a[k]["b"]]),
                    (
                        torch.linalg.pinv(
                            torch.stack([log_p_X, log_p_G, torch.ones_like(log_p_X)], 1)
                        )
                        @ net(x_both).detach().flatten()
                    )[:2],
                    atol=1e-3,
                )
                for k, net in (("GAN's own D", D_toy), ("D*", D_star))
            ),
        ),
        (
            "error: each D's mean |ℓ - (log p_X - log p_G)| on x_both, within 1e-3",
            lambda a: all(
                abs(a[k]["error"] - (net(x_both) - log_p_X + log_p_G).abs().mean())
                < 1e-3
                for k, net in (("GAN's own D", D_toy), ("D*", D_star))
            ),
        ),
    ],
    mistakes={
        "the fits of the first 2-D check (a different p_G), not of x_both": {
            "GAN's own D": fits["control"],
            "D*": fits["D vs this p_G"],
            "missed": "- log p_G",
        },
        "missed: the half nearer its ideal value": {
            "GAN's own D": fits["control"],
            "D*": fits["D vs this p_G"],
            "missed": "+ log p_X",
        },
    },
)

# %% [markdown]
# ### Exercise 5: switch D off, with the GAN's own D
#
# Repeat the restoration in the plane with the GAN's own discriminator `D_toy` in
# place of D*: restore `y_2d` with `toy2d.restore_2d(..., use_D=True)` and with
# `use_D=False`, from the same starts, and give the paired difference of the share of
# answers on a mode (`on_mode`), with its standard error. Does the GAN's own D help
# too?

# %% tags=["starter"]
run_own = ...  # your answer: {"with D": the 512 answers with D_toy's term, (512, 2),
#   "gain": on_mode(with D) - on_mode(without D), answer by answer, (512,)}
# with_D = toy2d.restore_2d(y_2d, G_toy, D_toy, sigma_y, lam=1.0, use_D=True)
# without_D = ... (use_D=False)
# gain_own = on_mode(with_D) - on_mode(without_D)  # paired: same y, same starts
# gain_own.mean(), gain_own.std() / len(gain_own) ** 0.5
# ...

# %% jupyter={"source_hidden": true} tags=["solution"]
with_D = toy2d.restore_2d(y_2d, G_toy, D_toy, sigma_y, lam=1.0, use_D=True)
without_D = toy2d.restore_2d(y_2d, G_toy, D_toy, sigma_y, lam=1.0, use_D=False)
gain_own = on_mode(with_D) - on_mode(without_D)
mean_own, error_own = gain_own.mean().item(), gain_own.std().item() / 512**0.5
assert torch.equal(without_D, answers_2d["+ latent (CSGM)"])  # D unused: the same run
# measured (real / fast): +0.037 +- 0.010 / +0.084 +- 0.012: more than 2 standard errors
assert mean_own > 2 * error_own
# Why: D_toy, too, scores CSGM's answers off a mode (mostly on bridges) below those on
# one (measured -1.68 vs +0.07 real, -1.35 vs +0.19 fast)
on = on_mode(without_D).bool()
logit_on = D_toy(without_D[on]).mean().item()
logit_off = D_toy(without_D[~on]).mean().item()
assert logit_off < logit_on - 1
run_own = {"with D": with_D, "gain": gain_own}
print(
    f"Yes: with the GAN's own D, {mean_own:+.3f} ± {error_own:.3f} of the answers move "
    f"onto a mode (D*: {d_effect[0]:+.3f} ± {d_effect[1]:.3f}), more than two standard "
    "errors, although its logit is far from the log ratio (exercise 4). To move an "
    "answer off a bridge, D only has to score the bridges below the modes, and D_toy "
    f"does: a mean logit of {logit_off:.2f} on CSGM's answers off a mode, "
    f"{logit_on:.2f} on those on one."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "03.5",
    run_own,
    [
        (
            "with D: shape (512, 2); gain: shape (512,)",
            lambda a: a["with D"].shape == (512, 2) and a["gain"].shape == (512,),
        ),
        (
            "gain: on_mode(with D) - on_mode(the CSGM arm's answers), answer by answer",
            lambda a: torch.equal(
                a["gain"], on_mode(a["with D"]) - on_mode(answers_2d["+ latent (CSGM)"])
            ),
        ),
        (
            "with D: the first 32 answers where toy2d.restore_2d with D_toy and "
            "use_D=True puts them for y_2d[:32] (at least 30 of them within 1e-3)",
            lambda a: (
                (
                    a["with D"][:32]
                    - toy2d.restore_2d(y_2d[:32], G_toy, D_toy, sigma_y, use_D=True)
                )
                .norm(dim=1)
                .lt(1e-3)
                .sum()
                >= 30
            ),
        ),
    ],
    mistakes={
        "D* in place of the GAN's own D": {
            "with D": answers_2d["+ latent + D (paper)"],
            "gain": gain,
        },
        "D switched off in both runs": {
            "with D": answers_2d["+ latent (CSGM)"],
            "gain": torch.zeros(512),
        },
        "the gain the wrong way round": {
            "with D": answers_2d["+ latent + D (paper)"],
            "gain": -gain,
        },
    },
)
