"""Calibrate D to the shipped G: the discriminator that the derivation assumes.

The prior of notebook 03 reads D's logit as a log density ratio: for the fixed, final G
the optimal discriminator D* = p_X / (p_X + p_G) has the logit

    l*(x) = log p_X(x) - log p_G(x).

The GAN's own D is not D*: it was trained against a G that moved every step, with batch
norm on the statistics of separate real and fake batches, while the prior runs it in
eval mode on the stored statistics (on held-out faces it calls real faces fake). So, with
G frozen, we train D further by logistic regression, in the mode the prior uses it:

    min_D  E_x softplus(-l(x)) + E_z softplus(l(G(z))) + beta E_c softplus(l(c))
           + (gamma / 2) E_x ||grad_x l(x)||^2

x real training faces (flipped at random), z ~ N(0, I), c corrupted copies of real faces
(noisy, quantized, blurred: tutorial_lib.quality.corrupted_versions). Pointwise, the
first three terms are minimised by

    l(x) = log p_X(x) - log(p_G(x) + beta p_C(x)),

which is l* wherever corrupted faces are rare next to G's (G draws neither noise nor
blocks): on G's outputs the prior stays the derivation's, up to a constant, and where G
looks like a blurred face, the corrupted faces add a penalty the derivation lacks. The
last term (R1, Mescheder et al. 2018) keeps l smooth around real faces: a perfect
separator of two sets is no density ratio (Arjovsky and Bottou 2017). D stays in eval
mode throughout, so the function trained is the function the prior evaluates; the run
keeps the step with the lowest held-out log loss (validation faces against fresh
samples of G), never the one that separates training faces best.

Introduced in notebook 03; ``python -m tutorial_lib calibrate`` is its command line.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .checks import check_images
from .models import freeze
from .precision import autocast, resolve_precision
from .quality import corrupted_versions


@dataclass(frozen=True)
class CalibrationConfig:
    """The knobs of a calibration run (module docstring)."""

    steps: int = 600
    batch_size: int = 64  # real faces per step; as many samples of G
    lr: float = 1e-4  # Adam on D's weights, betas (0.5, 0.999) as in training
    beta: float = 1.0  # weight of the corrupted faces (one third of each kind per step)
    # R1 weight, chosen among three on the shipped G (data/README.md): 0 separates
    # held-out real faces from G's perfectly (log loss 0.002, real faces at +8.4: the
    # Arjovsky-Bottou D*, a step function along G's range); 0.1 leaves the blur margin
    # at 3.9, below 5; 0.01 keeps l finite and every margin above 8.
    gamma: float = 0.01
    eval_every: int = 50  # held-out measures; the best log loss is kept
    seed: int = 0
    precision: str = "auto"  # auto | fp32 | bf16 (autocast of D's forward passes)


def _sample(G, n: int, generator: torch.Generator, device) -> torch.Tensor:
    """n images G(z), z ~ N(0, I) drawn on the CPU from ``generator``."""
    z = torch.randn(n, G.config.nz, generator=generator).to(device)
    with torch.no_grad():
        return G(z).float()


def _logits(D, images: torch.Tensor, precision: str, batch: int = 256):
    with torch.no_grad(), autocast(precision, images.device):
        return torch.cat(
            [D(images[i : i + batch]).float() for i in range(0, len(images), batch)]
        )


def held_out_scores(D, real: torch.Tensor, fake: torch.Tensor, precision="fp32"):
    """How close D is to D* on held-out images: log loss, accuracy, calibration error.

    ``real``: validation faces; ``fake``: as many fresh samples of G. Returns
    log_loss (mean binary cross-entropy over both sets, nats: log 2 = 0.693 for a D that
    knows nothing), accuracy (threshold l = 0), ece (expected calibration error: over 10
    bins of D's probability, the mean |predicted - observed| frequency of "real",
    weighted by the bin's share) and the mean logit of each set. A D that says l = 0
    everywhere knows nothing and is perfectly calibrated:

    >>> flat = lambda x: x.new_zeros(len(x))
    >>> s = held_out_scores(flat, torch.rand(8, 3, 4, 4), torch.rand(8, 3, 4, 4))
    >>> round(s["log_loss"], 3), s["accuracy"], s["ece"]
    (0.693, 0.5, 0.0)
    """
    l_real, l_fake = _logits(D, real, precision), _logits(D, fake, precision)
    logits = torch.cat([l_real, l_fake])
    labels = torch.cat([torch.ones_like(l_real), torch.zeros_like(l_fake)])
    prob = torch.sigmoid(logits)
    bins = (prob * 10).long().clamp(max=9)
    ece = sum(
        (bins == b).float().mean()
        * (prob[bins == b].mean() - labels[bins == b].mean()).abs()
        for b in range(10)
        if (bins == b).any()
    )
    return {
        "log_loss": F.binary_cross_entropy_with_logits(logits, labels).item(),
        "accuracy": ((logits > 0).float() == labels).float().mean().item(),
        "ece": float(ece),
        "logit_real": l_real.mean().item(),
        "logit_generated": l_fake.mean().item(),
    }


def _r1_penalty(D, real: torch.Tensor, precision: str) -> torch.Tensor:
    """E ||grad_x l(x)||^2 over real faces (one backward pass with create_graph)."""
    real = real.detach().requires_grad_(True)
    with autocast(precision, real.device):
        logit = D(real)
    (grad,) = torch.autograd.grad(logit.float().sum(), real, create_graph=True)
    return grad.pow(2).flatten(1).sum(1).mean()


def _step_loss(D, G, faces, config, generator, precision):
    """One step's objective (module docstring) on a fresh batch; the terms for the log."""
    device = next(D.parameters()).device
    B = config.batch_size
    pick = torch.randint(len(faces), (B,), generator=generator)
    real = faces[pick].to(device).float() / 255  # faces are stored as uint8
    flip = torch.rand(B, generator=generator) < 0.5
    real[flip.to(device)] = real[flip.to(device)].flip(-1)
    fake = _sample(G, B, generator, device)
    seed = int(torch.randint(2**31, (1,), generator=generator))
    kinds = corrupted_versions(real[: max(1, B // 3)], seed=seed)  # B/3 of each kind
    corrupt = torch.cat(list(kinds.values()))
    with autocast(precision, device):
        l_real, l_fake, l_corrupt = (D(x).float() for x in (real, fake, corrupt))
    terms = {
        "real": F.softplus(-l_real).mean(),
        "generated": F.softplus(l_fake).mean(),
        "corrupted": config.beta * F.softplus(l_corrupt).mean(),
        "r1": config.gamma / 2 * _r1_penalty(D, real, precision)
        if config.gamma
        else torch.zeros((), device=device),
    }
    return sum(terms.values()), terms


def calibrate(
    G,
    D,
    faces: torch.Tensor,
    valid_faces: torch.Tensor,
    config: CalibrationConfig = CalibrationConfig(),
    progress: bool = True,
):
    """Train a copy of D against the frozen G (module docstring); returns (D_cal, log).

    ``faces``: training faces, uint8 (N, 3, 64, 64) as from ``prepare``; ``valid_faces``:
    held-out faces in [0, 1], scored every ``config.eval_every`` steps against as many
    fresh samples of G (a fixed seed, so every evaluation sees the same ones). The step
    with the lowest held-out log loss is returned, frozen. ``log``: one dict per
    evaluation (step, the mean training terms since the last one, held_out_scores,
    seconds); step 0 is D as it came.
    """
    if not isinstance(faces, torch.Tensor) or faces.dtype != torch.uint8:
        raise ValueError(
            "faces must be a uint8 tensor (N, 3, 64, 64) as `prepare` writes, got "
            f"{getattr(faces, 'dtype', type(faces).__name__)}"
        )
    check_images(valid_faces, "valid_faces")
    if config.eval_every < 1:
        raise ValueError(f"eval_every must be >= 1, got {config.eval_every}")
    device = next(G.parameters()).device
    precision = resolve_precision(config.precision, device)
    D = copy.deepcopy(D).to(device)
    D.eval()  # batch norm on its stored statistics, as the prior runs it
    D.requires_grad_(True)
    valid_faces = valid_faces.to(device).float()
    valid_fake = _sample(
        G, len(valid_faces), torch.Generator().manual_seed(10_000 + config.seed), device
    )
    optimizer = torch.optim.Adam(D.parameters(), lr=config.lr, betas=(0.5, 0.999))
    generator = torch.Generator().manual_seed(config.seed)

    def evaluate(step, sums, count, began):
        entry = {"step": step}
        entry |= {f"loss_{k}": v / max(count, 1) for k, v in sums.items()}
        entry |= held_out_scores(D, valid_faces, valid_fake, precision)
        entry["seconds"] = time.perf_counter() - began
        return entry

    began = time.perf_counter()
    log = [evaluate(0, {}, 0, began)]
    best = (log[0]["log_loss"], copy.deepcopy(D.state_dict()))
    sums: dict[str, float] = {}
    steps = range(1, config.steps + 1)
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="calibrate D", unit="step")
    for step in steps:
        loss, terms = _step_loss(D, G, faces, config, generator, precision)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        for name, value in terms.items():
            sums[name] = sums.get(name, 0.0) + value.item()
        if step % config.eval_every == 0 or step == config.steps:
            log.append(evaluate(step, sums, step - log[-1]["step"], began))
            sums = {}
            if log[-1]["log_loss"] < best[0]:
                best = (log[-1]["log_loss"], copy.deepcopy(D.state_dict()))
            if progress:
                steps.set_postfix(held_out_log_loss=f"{log[-1]['log_loss']:.3f}")
    D.load_state_dict(best[1])
    freeze(D)
    return D, log
