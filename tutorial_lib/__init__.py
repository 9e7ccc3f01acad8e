"""tutorial_lib: image restoration with a DCGAN prior (Yeh et al., ICASSP 2018).

    import tutorial_lib as tl
    G, D = tl.load_pretrained()                  # eval mode, frozen
    x = tl.load_sample_faces(16)                 # (16, 3, 64, 64) in [0, 1]
    op = tl.make_operator("inpainting")
    y = op.corrupt(x, seed=0)
    r = tl.restore(y, op, G, D)                  # the task's tuned defaults
    tl.psnr(r.x, x), tl.ssim(r.x, x)             # per image
"""
from .config import FAST, fast_or
from .data import load_celeba, load_sample_faces
from .metrics import psnr, ssim
from .models import DCGANConfig, Discriminator, Generator, freeze, load_pretrained
from .operators import OPERATORS, TASKS, Operator, make_operator
from .prior import discriminator_prior, latent_prior
from .solver import DEFAULTS, Restoration, Settings, restore

__all__ = [
    "FAST", "fast_or", "load_celeba", "load_sample_faces", "psnr", "ssim",
    "DCGANConfig", "Discriminator", "Generator", "freeze", "load_pretrained",
    "OPERATORS", "TASKS", "Operator", "make_operator",
    "discriminator_prior", "latent_prior",
    "DEFAULTS", "Restoration", "Settings", "restore",
]
