"""Milliseconds per latent-optimisation step: restore() against deepinv 0.5.0's CSGM.

    runs/peer-venv/bin/python benchmarks/peer_speed.py [--steps 100] [--repeats 3] \
        [--batch 64] [--threads 2] [--device cpu] [--deepinv-lr 0.01]

deepinv is not a dependency of the project: the script runs in its own git-ignored
venv, made from the repository root with

    python3 -m venv runs/peer-venv
    runs/peer-venv/bin/pip install torch==2.13.0+cpu deepinv==0.5.0 torchvision==0.28.0
    runs/peer-venv/bin/pip install --no-deps -e .

(tutorial_lib needs only numpy, pillow and tqdm at import, all pulled in by deepinv;
torch stays the CPU build). benchmarks/peer_per_db.py (PSNR against seconds per face,
every task) runs there too and imports this script's helpers: import_deepinv,
deepinv_generator, deepinv_physics (deepinv's physics for each of our operators),
deepinv_measurement (our y in its [-1, 1] range) and csgm (one CSGM answer).

torchvision 0.28.0 is the release whose wheel pins torch==2.13.0, but PyPI only has
its CUDA build: its compiled ops (_C.so) link libtorch_cuda.so and cannot load beside
the CPU torch, and its import then stops at an unguarded fake-kernel registration
("operator torchvision::nms does not exist"). deepinv imports torchvision at its top
but uses none of those ops (only transforms and utils, none of them on the path timed
here), so `import_deepinv` below declares the two op schemas (nms, qnms) that
registration needs, only when that exact failure happens, and says so; calling either
op would still fail loudly (no kernel).

Both methods fit G(z) to the same corrupted faces: the first shipped test faces
(tutorial_lib.load_sample_faces), inpainting corrupted with seed 0
(make_operator("inpainting"), its mask op.mask(y)), on one device, with --threads
torch threads. Rows:
  - deepinv: CSGMGenerator (deepinv.models, its own optimize_z: Adam on z at
    --deepinv-lr, its default 1e-2, MCLoss = MSE of physics.A(G(z)) against y, z drawn
    from U[-1, 1]) around a DCGANGenerator(output_size=64, nz=100), with
    deepinv.physics.Inpainting on the same mask, for one face (CSGM fits one latent).
    inf_tol=0 turns off its early stop, so it runs exactly --steps steps. deepinv's
    generator works in [-1, 1]: it gets y' = A(2 y - 1) (deepinv_measurement) and its
    answer is mapped back by (x + 1) / 2. Its generator holds the shipped G's weights
    when the layers match (the header says so and checks G'(z) = 2 G(z) - 1): the two
    classes are the same DCGAN stack (our net.i is its model.i), so the state_dict maps
    key for key and the PSNR is comparable. Otherwise it stays randomly initialised (the
    cost does not depend on the weights) and its PSNR is printed as "-". Twice:
    generator frozen (gradients for z only, the same work as ours; the reference of the
    ratio column) and as constructed (parameters requiring grad, so each backward also
    computes weight gradients); and once more frozen at our lr, 0.1 (the same cost per
    step; the PSNR it reaches in --steps steps is then comparable with ours).
  - ours: tutorial_lib.restore(y, op, G, D, steps, restarts=1, init="random") with
    lam=0 (restore then skips D: the same work as CSGM) and the tuned lam of
    TUNED_SETTINGS["inpainting"] (G and D), for one face and for --batch faces (0 skips them),
    at the default precision "auto" (the header prints what it resolved to per batch),
    and for one face also with precision="bf16" (auto keeps float32 below 16 faces).
    blend=False, so the time is the optimisation alone (the tuned answer blends G(z)
    into y afterwards); the shipped G and D, channels_last as load_pretrained gives
    them (deepinv's generator keeps torch's default layout).

Each configuration runs once untimed (3 steps: allocator, kernel choice), then
--repeats times, the configurations alternating so they share the machine's state;
its time is the best wall time of a whole call (setup and the final G(z) included)
divided by --steps. Prints a markdown table: ms per step (one call's step, all its
faces), ms per face-step, that over deepinv's frozen one-face step (below 1: faster),
the mean PSNR (dB) of the unblended G(z) against the clean faces, and that PSNR per
second of wall time per face (mean PSNR / (best call's seconds / faces)).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time

import torch
from _cli import add_machine_options, parse_on_machine

import tutorial_lib as tl
from tutorial_lib.precision import resolve_precision
from tutorial_lib.solver import TUNED_SETTINGS

# torchvision's ops whose fake kernels its _meta_registrations registers without first
# checking that the compiled ops loaded (torchvision 0.28.0); their real schemas
TORCHVISION_SCHEMAS = {
    "nms": "(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms": "(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
}


def import_deepinv():
    """deepinv, and a note on torchvision's compiled ops (module docstring)."""
    try:
        import deepinv
    except RuntimeError as error:
        if "torchvision::" not in str(error) or "does not exist" not in str(error):
            raise
        for name in list(sys.modules):  # the half-imported packages, to import anew
            if name.split(".")[0] in ("torchvision", "deepinv"):
                del sys.modules[name]
        for op, schema in TORCHVISION_SCHEMAS.items():
            if not hasattr(torch.ops.torchvision, op):
                torch.library.define(f"torchvision::{op}", schema)
        import deepinv
    import torchvision
    from torchvision.extension import _has_ops

    note = f"torchvision {torchvision.__version__}, compiled ops " + (
        "loaded" if _has_ops() else "unavailable (schemas declared for the import)"
    )
    return deepinv, note


def deepinv_generator(dinv, G):
    """deepinv's DCGANGenerator shaped like G, holding G's weights where they map.

    Returns (generator, max |G'(z) - (2 G(z) - 1)| on 4 random z, or None when the
    weights did not map and it is randomly initialised).
    """
    c = G.config
    torch.manual_seed(0)
    gen = dinv.models.DCGANGenerator(output_size=64, nz=c.nz, ngf=c.ngf, nc=c.nc)
    ours = {k.replace("net.", "model.", 1): v for k, v in G.state_dict().items()}
    theirs = gen.state_dict()
    if ours.keys() != theirs.keys() or any(
        ours[k].shape != theirs[k].shape for k in theirs
    ):
        return gen, None
    gen.load_state_dict(ours)
    gen.eval()
    with torch.no_grad():
        z = torch.randn(4, c.nz, generator=torch.Generator().manual_seed(1))
        device = next(G.parameters()).device
        z = z.to(device)
        gap = (gen.to(device)(z[:, :, None, None]) - (2 * G(z) - 1)).abs().max()
    return gen, gap.item()


def deepinv_physics(dinv, op, device):
    """deepinv's own physics for our operator ``op``, and a line that says which.

    deepinv's A' must equal our A on images (it is linear, so it then maps deepinv's
    [-1, 1] images as ours maps [0, 1] ones; ``physics_gap`` checks it):
      - inpainting: Inpainting on our mask;
      - colorization: Decolorize with our BT.601 weights: its own "rec601" srf is
        0.66851 (0.4472, 0.8781, 0.1706) = (0.29896, 0.58702, 0.11405), 5e-5 from
        ours, so our y would not be its A of the truth;
      - super-resolution: Downsampling with a 4x4 box filter (1/16 each) and padding
        "valid": valid convolution, then every 4th pixel, is exactly our block
        average (it names gaussian, bilinear, bicubic and sinc filters, no box; a
        filter tensor is its documented alternative);
      - denoising: Denoising(GaussianNoise(2 sigma)): our sigma on [0, 1] is 2 sigma
        on [-1, 1] (CSGM's loss uses A alone, so the noise model only labels y);
      - quantization: deepinv has no quantizer, so Denoising(ZeroNoise()), the
        identity, as our objective's A (the rounding is our sensor, in corrupt only).
    """
    physics = dinv.physics
    if op.name == "inpainting":
        mask = op.mask(torch.ones(1, 3, 64, 64, device=device))  # (1, 1, 64, 64)
        made = physics.Inpainting(img_size=(3, 64, 64), mask=mask, device=device)
        return made, "Inpainting (our mask)"
    if op.name == "colorization":
        made = physics.Decolorize(srf=op.gray, device=device)
        return made, f"Decolorize (srf = our weights {op.gray})"
    if op.name == "super_resolution":
        if op.downsampler != "box":
            raise ValueError(f"no deepinv filter for {op.downsampler} downsampling")
        f = op.factor
        box = torch.full((1, 1, f, f), 1 / f**2, device=device)
        made = physics.Downsampling(
            img_size=(3, 64, 64), filter=box, factor=f, padding="valid", device=device
        )
        return made, f"Downsampling ({f}x{f} box filter, padding valid, factor {f})"
    if op.name == "denoising":
        sigma = 2 * op.noise.sigma
        made = physics.Denoising(physics.GaussianNoise(sigma=sigma), device=device)
        return made, f"Denoising (GaussianNoise(sigma={sigma:g}) on [-1, 1])"
    if op.name == "quantization":
        made = physics.Denoising(physics.ZeroNoise(), device=device)
        return made, "Denoising(ZeroNoise()): the identity (deepinv has no quantizer)"
    raise ValueError(f"no deepinv physics for {op.name}")


def physics_gap(physics, op, device) -> float:
    """max |A'(v) - A(v)| over a random image v: 0 up to rounding when deepinv's
    physics computes our operator."""
    v = torch.rand(2, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    v = v.to(device)
    return (physics.A(v) - op.A(v)).abs().max().item()


def deepinv_measurement(y, physics):
    """Our observation y of a [0, 1] face x, as deepinv's of its [-1, 1] image 2 x - 1.

    A' is linear and equals our A, so A'(2 x - 1) = 2 y - A'(1) (1: the all-ones
    image), noise included at twice its size; for inpainting mask * (2 y - 1).
    """
    ones = torch.ones(1, 3, 64, 64, device=y.device, dtype=y.dtype)
    return 2 * y - physics.A(ones)


def csgm(dinv, gen, y_dinv, physics, **options):
    """deepinv's CSGM answer to y_dinv, mapped back to [0, 1] by (x + 1) / 2.

    CSGMGenerator(gen, **options) (inf_max_iter, inf_tol, inf_lr; its own defaults
    where not given) in eval mode, so that it optimises z (Adam on MCLoss, the MSE
    of A'(G'(z)) against y_dinv) from z ~ U[-1, 1], drawn from torch's global
    generator, seeded 0 here.
    """
    model = dinv.models.CSGMGenerator(gen, **options).eval()
    torch.manual_seed(0)
    with torch.no_grad():  # optimize_z turns gradients on for itself
        return (model(y_dinv, physics) + 1) / 2


def sync(device) -> None:
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64, help="faces (0: one only)")
    parser.add_argument(
        "--deepinv-lr", type=float, default=1e-2, help="CSGM's Adam lr (its default)"
    )
    parser.add_argument(
        "--check", action="store_true", help="import everything, print versions, stop"
    )
    add_machine_options(parser, device="cpu")
    parser.set_defaults(threads=2)
    args = parse_on_machine(parser)
    dinv, tv_note = import_deepinv()
    print(
        f"torch {torch.__version__}, deepinv {dinv.__version__}, {tv_note}; "
        f"{platform.processor() or platform.machine()}, "
        f"{torch.get_num_threads()} threads, device {args.device}"
    )
    if args.check:
        return
    device, S = args.device, args.steps

    G, D = tl.load_pretrained(device=device)
    op = tl.make_operator("inpainting")
    x = tl.load_sample_faces(max(args.batch, 1)).to(device)
    y = op.corrupt(x, seed=0)

    gen, gap = deepinv_generator(dinv, G)
    gen = gen.to(device)
    physics, _ = deepinv_physics(dinv, op, device)
    y1_dinv = deepinv_measurement(y[:1], physics)  # deepinv's generator: [-1, 1]
    print(
        "deepinv generator: "
        + (
            f"the shipped G's weights, max |G'(z) - (2 G(z) - 1)| = {gap:.1e}"
            if gap is not None
            else "randomly initialised (layers differ from G's): its PSNR is '-'"
        )
    )

    def deepinv_run(frozen: bool, lr: float = args.deepinv_lr):
        def run(steps):
            gen.requires_grad_(not frozen)
            options = dict(inf_max_iter=steps, inf_tol=0.0, inf_lr=lr)
            return csgm(dinv, gen, y1_dinv, physics, **options)

        return run

    def ours_run(n: int, **overrides):
        def run(steps):
            r = tl.restore(
                y[:n],
                op,
                G,
                D,
                steps=steps,
                restarts=1,
                init="random",
                blend=False,
                **overrides,
            )
            return r.x_gan

        return run

    tuned = TUNED_SETTINGS["inpainting"].lam
    configs = [  # (method, faces, run)
        (f"deepinv CSGM, G frozen, lr {args.deepinv_lr:g}", 1, deepinv_run(True)),
        ("deepinv CSGM, G as constructed", 1, deepinv_run(False)),
        ("deepinv CSGM, G frozen, lr 0.1 (ours)", 1, deepinv_run(True, lr=0.1)),
    ]
    for n in [1] + ([args.batch] if args.batch > 1 else []):
        configs += [
            ("ours, lam 0 (G only, D skipped)", n, ours_run(n, lam=0.0)),
            (f"ours, tuned lam {tuned:g} (G and D)", n, ours_run(n)),
        ]
        if n == 1:  # "auto" keeps float32 for one face; bfloat16 asked for
            configs += [
                (
                    "ours, lam 0, precision bf16",
                    n,
                    ours_run(n, lam=0.0, precision="bf16"),
                ),
                (
                    f"ours, tuned lam {tuned:g}, precision bf16",
                    n,
                    ours_run(n, precision="bf16"),
                ),
            ]
    print(
        "ours, precision 'auto' resolves to: "
        + ", ".join(
            f"{n} face(s) {resolve_precision('auto', device, batch=n)}"
            for n in sorted({n for _, n, _ in configs})
        )
    )

    for _, _, run in configs:  # warm-up
        run(min(S, 3))
    best = [float("inf")] * len(configs)
    answers = [None] * len(configs)
    for _ in range(args.repeats):
        for i, (_, _, run) in enumerate(configs):
            sync(device)
            start = time.perf_counter()
            answer = run(S)
            sync(device)
            seconds = time.perf_counter() - start
            if seconds < best[i]:
                best[i], answers[i] = seconds, answer

    reference = 1000 * best[0] / S
    print(
        f"\ninpainting, {S} Adam steps, best of {args.repeats}; PSNR of G(z), "
        "unblended, against the clean faces\n"
    )
    print(
        "| method | faces | ms per step | ms per face-step | x deepinv's one-face step "
        "| PSNR dB | PSNR dB per s per face |"
    )
    print("| --- " * 7 + "|")
    for (name, n, _), seconds, answer in zip(configs, best, answers):
        ms = 1000 * seconds / S
        if name.startswith("deepinv") and gap is None:
            quality = "- | -"
        else:
            value = tl.psnr(answer.clamp(0, 1), x[:n]).mean().item()
            quality = f"{value:.2f} | {value / (seconds / n):.1f}"
        print(
            f"| {name} | {n} | {ms:.2f} | {ms / n:.3f} | {ms / n / reference:.3f} "
            f"| {quality} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
