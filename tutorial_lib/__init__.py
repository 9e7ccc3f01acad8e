"""tutorial_lib: image restoration with a DCGAN prior (Yeh et al., ICASSP 2018).

The whole method in six lines, here with a small random DCGAN so that it runs anywhere
(``tl.load_pretrained()`` gives the shipped, trained pair):

>>> import torch
>>> import tutorial_lib as tl
>>> G, D = tl.models.make_dcgan(seed=0)      # the shipped pair: G, D = tl.load_pretrained()
>>> tl.freeze(G, D)                          # eval mode, no gradients for the weights
>>> x = tl.load_sample_faces(2)              # (2, 3, 64, 64) in [0, 1]
>>> op = tl.make_operator("inpainting")
>>> y = op.corrupt(x, seed=0)
>>> r = tl.restore(y, op, G, D, steps=2)     # the task's TUNED_SETTINGS, steps overridden
>>> r.x_hat.shape, tl.psnr(r.x_hat, x).shape  # the restoration, one PSNR per face
(torch.Size([2, 3, 64, 64]), torch.Size([2]))
"""

from .config import FAST, fast_or
from .data import load_celeba, load_sample_faces
from .exercises import check_answer
from .metrics import psnr, ssim
from .models import (
    DCGANConfig,
    Discriminator,
    Generator,
    default_device,
    freeze,
    load_pretrained,
)
from .operators import OPERATORS, TASKS, Operator, make_operator
from .prior import discriminator_prior, latent_prior
from .solver import ARMS, TUNED_SETTINGS, Restoration, Settings, restore

__all__ = [
    "FAST",
    "fast_or",
    "load_celeba",
    "load_sample_faces",
    "check_answer",
    "psnr",
    "ssim",
    "DCGANConfig",
    "Discriminator",
    "Generator",
    "default_device",
    "freeze",
    "load_pretrained",
    "OPERATORS",
    "TASKS",
    "Operator",
    "make_operator",
    "discriminator_prior",
    "latent_prior",
    "ARMS",
    "TUNED_SETTINGS",
    "Restoration",
    "Settings",
    "restore",
]
