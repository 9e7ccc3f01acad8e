"""Past G's ceiling: intermediate layer optimisation (ILO), deep generative prior (DGP).

restore() answers G(z_hat), a point of G's range, which caps PSNR near 22-23 dB on these
faces (benchmarks/ceiling.py), below sparse coding. Both methods start from that answer
and leave G's range a little, each on its own leash. Split G (its nn.Sequential G.net)
after the up-block to side ``layer`` (8: 8x8 features), and drop restore()'s latent
term (z no longer moves) from its objective:

    G(z) = back(front(z)),   h0 = front(z_hat)  (N, C, layer, layer)
    f(x) = sum_i w_i |A(x) - y|_i^p  +  lam * -l(x)      (l: D's logit, prior.py)

ILO, intermediate layer optimisation (Daras, Dean, Jalal and Dimakis, ICML 2021):

    h_hat = argmin_h f(back(h))   s.t.   ||h - h0||_2 <= radius ||h0||_2   (per image)

by Adam on h, projected after every step: h <- h0 + (h - h0) min(1, radius ||h0|| /
||h - h0||). Radius 0 gives G(z_hat); a large one, anything ``back`` can draw. An L2
ball, not the paper's L1: its projection is exact in one line (L1's needs a sort), and
it spreads a small change over all features instead of a large one over a few.
Relative to ||h0||, so that one radius means the same at every layer and face.

DGP, deep generative prior (Pan, Zhan, Dai, Lin, Loy and Luo, ECCV 2020): keep h0 and
fine-tune the weights theta of ``back``, one copy per image (functional_call under
vmap), from G's own, with a small learning rate; the leash is the early stop:

    theta_hat = theta_G - Adam steps on f(back_theta(h0)),   a fixed, tuned number

Only the layers after ``layer`` are tuned: the face's layout, which z_hat got right,
stays; the detail G lacks is what they draw; a copy costs 0.66 M weights (after 8x8)
instead of 3.6 M. More layers helped: after 8x8 beat after 16x16 on every task, and
after 4x4 (2.8 M) gained 0.4 dB more on 8 super-resolution faces, at 4-5 times the
time per step on a CPU. Batch norm stays in eval mode with G's statistics (its scale
and shift are tuned), so the faces of a batch never mix.

Both keep each image's iterate of lowest f among steps 0..steps, step 0 being
restore()'s answer: more steps never raise f, and steps=0 (or radius=0) gives
restore()'s answer. The answer is blended with y as restore() blends (inpainting,
colorization); G and D are never changed. Introduced in notebook 13, "What came next".

D's term (restore()'s lam) is kept, but it buys no PSNR here: with lam = 0 instead,
ILO and DGP score within 0.04 dB on 24 validation faces (super-resolution,
quantization), while with it D's mean logit ends at +3 to +11, far above real faces'
(about -0.9): free features or weights find what D cannot judge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch.func import functional_call, vmap

from .operators import Operator
from .precision import autocast
from .prior import discriminator_prior
from .solver import Restoration, data_term, restore

# feature side -> index in G.net where ``back`` starts (after that up-block's ReLU)
LAYERS = {4: 3, 8: 6, 16: 9, 32: 12}

# Per task, each method's knobs; D's weight lam is restore()'s (lam x lam_D). Picked by
# the best mean PSNR (SSIM breaks ties within 0.05 dB) on the first 24 VALIDATION faces,
#   python benchmarks/tune_beyond.py --data runs/faces_valid.pt --n 24 --threads 1 \
#       --out runs/beyond/tune_valid24
# over ILO layer {16, 32} x radius {0.1, 0.2, 0.4, 0.8} (lr 0.01) and DGP layer {8, 16}
# x lr {1e-4, 3e-4, 1e-3}, steps {0, 25, 50, 100, 200}. PSNR dB from restore()'s answer:
#   super-resolution 21.65 -> ILO 24.05, DGP 23.83; denoising 22.59 -> 27.10, 27.28;
#   quantization 21.53 -> 24.86, 24.33. ILO at 32x32 and DGP after 16x16 gained less.
# Inpainting (16 faces, --n 16 --tasks inpainting): every step lowers PSNR (26.12 ->
# 25.09 for ILO, 25.85 for DGP at 25 steps; known pixels are pasted back, so only the
# hole moves, pulled by D's lam = 10), hence steps 0: restore()'s answer. Colorization
# (lam 10, blended too): not measured; inpainting's, steps 0.
_SR = {
    "ilo": dict(layer=16, radius=0.4, steps=50, lr=0.01),
    "dgp": dict(layer=8, steps=25, lr=1e-3),
}
_NONE = {
    "ilo": dict(layer=16, radius=0.2, steps=0, lr=0.01),
    "dgp": dict(layer=8, steps=0, lr=1e-4),
}
TUNED_BEYOND = {
    "inpainting": _NONE,
    "colorization": _NONE,
    "super_resolution": _SR,
    "denoising": {
        "ilo": dict(layer=16, radius=0.2, steps=25, lr=0.01),
        "dgp": dict(layer=8, steps=50, lr=1e-4),
    },
    "quantization": {
        "ilo": dict(layer=16, radius=0.4, steps=100, lr=0.01),
        "dgp": dict(layer=8, steps=50, lr=1e-4),
    },
}


@dataclass
class Refinement:
    """What restore_ilo and restore_dgp return; detached, on y's device.

    ``history``: name -> (steps + 1, N), each image's data, prior_D, total (f) and
    leash (ILO: ||h - h0|| / ||h0||; DGP: ||theta - theta0|| / ||theta0||) at every
    iterate; row 0 is restore()'s answer.
    """

    x_hat: torch.Tensor  # (N, 3, 64, 64) the answer, blended as restore() blends
    x_gan: torch.Tensor  # (N, 3, 64, 64) before blending
    objective: torch.Tensor  # (N,) f of x_gan
    best_step: torch.Tensor  # (N,) the iterate kept; 0 = restore()'s answer
    history: dict[str, torch.Tensor] = field(default_factory=dict)
    start: Restoration | None = None  # restore()'s result it started from


def _knobs(op, G, method, lam, given):
    """TUNED_BEYOND[op.name][method] with the knobs given (not None), checked."""
    if not isinstance(op, Operator):
        raise ValueError(f"op must be an Operator, got {type(op).__name__}")
    k = TUNED_BEYOND.get(op.name, _SR)[method] | {
        key: v for key, v in given.items() if v is not None
    }
    if k["layer"] not in LAYERS:
        raise ValueError(f"layer must be one of {sorted(LAYERS)}, got {k['layer']!r}")
    if not isinstance(k["steps"], int) or k["steps"] < 0:
        raise ValueError(f"steps must be an integer >= 0, got {k['steps']!r}")
    if not k["lr"] > 0:
        raise ValueError(f"lr must be > 0, got {k['lr']}")
    if not k.get("radius", 0) >= 0:
        raise ValueError(f"radius must be >= 0, got {k['radius']}")
    if lam is not None and not lam >= 0:
        raise ValueError(f"lam must be >= 0 (or None: restore's), got {lam}")
    if G.training or any(p.requires_grad for p in G.parameters()):
        raise ValueError("G must be frozen (tutorial_lib.freeze(G, D)): it stays as is")
    return k


def _start(y, op, G, D, r, seed, lam):
    """restore()'s result (given or computed), and f: x -> (data, prior_D, f) (N,)."""
    if r is None:
        r = restore(y, op, G, D, seed=seed)
    if r.x_gan.shape != (len(y), 3, 64, 64):
        raise ValueError(f"r must restore the {len(y)} faces of y")
    s = r.settings
    if lam is None:  # restore's weight of D's term (its latent term has no h or theta)
        lam = s.lam * s.lam_D if s.use_D else 0.0
    weights = op.weights(y)

    def f(x):  # the terms of f per image (N,), in float32
        with autocast(s.precision, y.device):
            prior_D = discriminator_prior(D, x) if lam else x.new_zeros(len(x))
        data = data_term(op.A(x.float()) - y, s.p, weights)
        return data, prior_D.float(), data + lam * prior_D.float()

    return r, f


def _descend(r, y, op, f, render, variables, leash, steps, lr, callback):
    """Adam on ``variables``, keeping each image's lowest-f iterate; a Refinement.

    ``render()``: the images (N, 3, 64, 64) of the current variables; ``leash()``:
    projects them (ILO) and returns each image's relative distance from the start.
    """
    N = len(y)
    with torch.no_grad():
        best_x = r.x_gan.clone()
        *terms, best_f = f(best_x)
    best_step = torch.zeros(N, dtype=torch.long, device=y.device)
    history = {"data": [terms[0]], "prior_D": [terms[1]], "total": [best_f]}
    history["leash"] = [best_f.new_zeros(N)]
    optimizer = torch.optim.Adam(variables, lr=lr)
    distance = best_f.new_zeros(N)
    for step in range(steps + 1):  # iterate `step` is evaluated at the loop's top
        x = render()
        data, prior_D, total = f(x)
        if step > 0:
            with torch.no_grad():
                better = total < best_f  # (N,)
                best_x[better] = x.detach()[better]
                best_f[better], best_step[better] = total.detach()[better], step
            for name, value in zip(history, (data, prior_D, total, distance)):
                history[name].append(value.detach())
            if callback is not None:
                callback(step, best_x)
        if step == steps:
            break
        optimizer.zero_grad(set_to_none=True)
        total.sum().backward(inputs=variables)  # each image's gradient is its own
        optimizer.step()
        with torch.no_grad():
            distance = leash()
    x_hat = op.blend(best_x, y) if r.settings.blend else best_x
    history = {name: torch.stack(values) for name, values in history.items()}
    return Refinement(x_hat, best_x, best_f, best_step, history, r)


def _split(G, layer, z, precision):
    """back (G.net after ``layer``) and h0 = front(z), (N, C, layer, layer)."""
    k = LAYERS[layer]
    with torch.no_grad(), autocast(precision, z.device):
        h0 = G.net[:k](z[:, :, None, None]).float()
    return G.net[k:], h0


def restore_ilo(
    y, op, G, D, *, layer=None, radius=None, steps=None, lr=None, lam=None, seed=0,
    r=None, callback=None,
) -> Refinement:  # fmt: skip
    """ILO from restore()'s answer: move G's ``layer`` features within a ball.

    ``layer``: 4, 8, 16 or 32, the side of the features optimised; ``radius`` >= 0:
    of the L2 ball around h0, relative to ||h0||; ``steps``, ``lr``: Adam's on h;
    ``lam``: D's weight (None: restore's); ``seed``: restore()'s, when ``r`` (an
    earlier Restoration of y) is not given; ``callback(step, x_best)`` after each step.
    Unset knobs come from TUNED_BEYOND[op.name]["ilo"]. Radius 0 is G(z_hat) itself:

    >>> import tutorial_lib as tl
    >>> G, D = tl.models.make_dcgan(tl.DCGANConfig(ngf=8, ndf=8), seed=0)
    >>> tl.freeze(G, D)
    >>> op = tl.make_operator("denoising")
    >>> y = op.corrupt(tl.load_sample_faces(2))
    >>> r = tl.restore(y, op, G, D, steps=2, init="random", restarts=1)
    >>> out = restore_ilo(y, op, G, D, radius=0.0, steps=3, r=r)
    >>> torch.equal(out.x_hat, r.x_hat), out.history["leash"].abs().max().item()
    (True, 0.0)
    """
    given = dict(layer=layer, radius=radius, steps=steps, lr=lr)
    k = _knobs(op, G, "ilo", lam, given)
    r, f = _start(y, op, G, D, r, seed, lam)
    back, h0 = _split(G, k["layer"], r.z, r.settings.precision)
    h = h0.clone().requires_grad_(True)
    bound = k["radius"] * h0.flatten(1).norm(dim=1)  # (N,)

    def render():
        with autocast(r.settings.precision, y.device):
            return ((back(h) + 1) / 2).float()

    def project():  # onto ||h - h0|| <= bound; returns ||h - h0|| / ||h0||
        d = h - h0
        norm = d.flatten(1).norm(dim=1)
        scale = (bound / norm.clamp_min(1e-12)).clamp(max=1.0)
        h.copy_(h0 + d * scale.view(-1, 1, 1, 1))
        return (h - h0).flatten(1).norm(dim=1) / h0.flatten(1).norm(dim=1)

    return _descend(r, y, op, f, render, [h], project, k["steps"], k["lr"], callback)


def restore_dgp(
    y, op, G, D, *, layer=None, steps=None, lr=None, lam=None, seed=0, r=None,
    callback=None,
) -> Refinement:  # fmt: skip
    """DGP from restore()'s answer: fine-tune G's layers after ``layer``, per image.

    ``layer``: 4, 8, 16 or 32, the layers after that side are tuned (16: the last
    up-block and the output layer); ``steps`` (the early stop), ``lr``: Adam's on the
    weights; the rest as in restore_ilo. G is not changed. Zero steps give restore()'s
    answer:

    >>> import tutorial_lib as tl
    >>> G, D = tl.models.make_dcgan(tl.DCGANConfig(ngf=8, ndf=8), seed=0)
    >>> tl.freeze(G, D)
    >>> op = tl.make_operator("denoising")
    >>> y = op.corrupt(tl.load_sample_faces(2))
    >>> r = tl.restore(y, op, G, D, steps=2, init="random", restarts=1)
    >>> torch.equal(restore_dgp(y, op, G, D, steps=0, r=r).x_hat, r.x_hat)
    True
    """
    k = _knobs(op, G, "dgp", lam, dict(layer=layer, steps=steps, lr=lr))
    r, f = _start(y, op, G, D, r, seed, lam)
    back, h0 = _split(G, k["layer"], r.z, r.settings.precision)
    N = len(y)
    # one copy of back's weights per image, (N, ...) each; G's own stay untouched
    theta0 = {name: p.detach() for name, p in back.named_parameters()}
    theta = {
        name: p[None].repeat(N, *[1] * p.ndim).requires_grad_(True)
        for name, p in theta0.items()
    }

    def one_image(params, h):  # back with one image's weights; BN uses G's statistics
        return functional_call(back, params, (h[None],))[0]

    def render():
        with autocast(r.settings.precision, y.device):
            return ((vmap(one_image)(theta, h0) + 1) / 2).float()

    def distance():  # ||theta - theta0|| / ||theta0|| over all tuned weights, per image
        moved = sum(((t - theta0[n]) ** 2).flatten(1).sum(1) for n, t in theta.items())
        return (moved / sum((p**2).sum() for p in theta0.values())).sqrt()

    variables = list(theta.values())
    return _descend(
        r, y, op, f, render, variables, distance, k["steps"], k["lr"], callback
    )
