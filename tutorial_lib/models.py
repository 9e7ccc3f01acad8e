"""The DCGAN of Radford, Metz and Chintala (ICLR 2016) for 64x64 faces.

Generator G: z (B, 100) -> image (B, 3, 64, 64) in [0, 1]
    project z to a 4x4x(8 ngf) block, then four stride-2 transposed convolutions
    (4x4 -> 8 -> 16 -> 32 -> 64), batch norm and ReLU between them, tanh at the end.
Discriminator D: image (B, 3, 64, 64) in [0, 1] -> logit l (B,)
    four stride-2 convolutions (64 -> 32 -> 16 -> 8 -> 4), batch norm and LeakyReLU(0.2),
    then a 4x4 convolution to one number. D(x) = sigmoid(l(x)) is the probability that
    x is real; the prior of notebook 03 uses l itself.

The networks work in [-1, 1] (tanh's range) as the DCGAN recipe does; that is an
internal detail: both sides of this module speak [0, 1] images.

Introduced in notebook 02; trained by tutorial_lib.train (notebook 11).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from .data import DATA_DIR

WEIGHTS_FILE = DATA_DIR / "weights" / "dcgan_celeba64.pt"
# D calibrated to the shipped G (tutorial_lib.calibrate; data/README.md has its record)
CALIBRATED_D_FILE = DATA_DIR / "weights" / "discriminator_calibrated.pt"
CALIBRATE_COMMAND = (
    "python -m tutorial_lib calibrate --data runs/faces_train.pt "
    "--valid-data runs/faces_valid.pt"
)
DISCRIMINATORS = ("gan", "calibrated")
TRAIN_COMMAND = (
    "python -m tutorial_lib train --data /path/to/celeba --valid-data /path/to/celeba "
    "--epochs 100 --snapshot-every 5"
)


@dataclass(frozen=True)
class DCGANConfig:
    """The sizes of the DCGAN: latent dimension, feature maps and colour channels.

    The defaults are the paper's; save_weights stores them beside the weights.

    >>> from dataclasses import asdict
    >>> asdict(DCGANConfig())
    {'nz': 100, 'ngf': 64, 'ndf': 64, 'nc': 3, 'd_norm': 'batch'}
    """

    nz: int = 100  # latent dimension, as in the DCGAN paper
    ngf: int = 64  # generator feature maps at the last hidden layer (x8, x4, x2, x1)
    ndf: int = 64  # discriminator feature maps at the first layer (x1, x2, x4, x8)
    nc: int = 3  # RGB
    # D's normalisation: "batch" (the DCGAN paper's) normalises with the statistics of
    # the batch in training and of the running averages in eval mode, so the per-image
    # function the prior uses is not the one training shaped; "layer" (per image, over
    # channels and pixels) and "none" are the same function in both modes.
    d_norm: str = "batch"

    def __post_init__(self):
        if self.d_norm not in D_NORMS:
            raise ValueError(f"d_norm must be one of {D_NORMS}, got {self.d_norm!r}")


D_NORMS = ("batch", "layer", "none")


def _up(c_in: int, c_out: int) -> list[nn.Module]:
    """Double the resolution: 4x4 transposed convolution, stride 2, then BN + ReLU."""
    return [
        nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
    ]


def _down(c_in: int, c_out: int, norm: str = "batch") -> list[nn.Module]:
    """Halve the resolution: 4x4 convolution, stride 2, then (a norm +) LeakyReLU(0.2).

    ``norm``: "batch" (BatchNorm2d), "layer" (GroupNorm with one group: per image, over
    channels and pixels) or "none".
    """
    layers: list[nn.Module] = [nn.Conv2d(c_in, c_out, 4, 2, 1, bias=norm == "none")]
    if norm == "batch":
        layers.append(nn.BatchNorm2d(c_out))
    elif norm == "layer":
        layers.append(nn.GroupNorm(1, c_out))
    layers.append(nn.LeakyReLU(0.2, inplace=True))
    return layers


class Generator(nn.Module):
    """G: z (B, nz) -> images (B, 3, 64, 64) in [0, 1] (module docstring).

    ``config``: the sizes (DCGANConfig). Fresh from its initialisation and in eval
    mode, batch norm's stored statistics (mean 0, variance 1) do not match its tiny
    activations, and G draws nearly flat gray images:

    >>> _ = torch.manual_seed(0)
    >>> G = Generator(DCGANConfig(ngf=8)).eval()  # a small one
    >>> x = G(torch.randn(2, 100))
    >>> x.shape, round(x.mean().item(), 2), bool(x.std() < 0.01)
    (torch.Size([2, 3, 64, 64]), 0.5, True)
    """

    def __init__(self, config: DCGANConfig = DCGANConfig()):
        super().__init__()
        self.config = config
        nz, ngf = config.nz, config.ngf
        self.net = nn.Sequential(
            # z as a (B, nz, 1, 1) image -> (B, 8 ngf, 4, 4)
            nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 8),
            nn.ReLU(inplace=True),
            *_up(ngf * 8, ngf * 4),  # (B, 4 ngf, 8, 8)
            *_up(ngf * 4, ngf * 2),  # (B, 2 ngf, 16, 16)
            *_up(ngf * 2, ngf),  # (B, ngf, 32, 32)
            nn.ConvTranspose2d(ngf, config.nc, 4, 2, 1, bias=False),  # (B, 3, 64, 64)
            nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """z (B, nz) -> images (B, 3, 64, 64) in [0, 1]."""
        out = self.net(z[:, :, None, None])  # tanh range [-1, 1]
        # images in the usual (B, C, H, W) layout, whatever layout the convolutions
        # ran in (load_pretrained keeps the weights channels_last)
        return ((out + 1) / 2).contiguous()


class Discriminator(nn.Module):
    """D: images (B, 3, 64, 64) in [0, 1] -> logits l (B,) (module docstring).

    ``config``: the sizes (DCGANConfig). D(x) = sigmoid(l(x)) is the probability that
    x is real; the prior uses -l.

    >>> _ = torch.manual_seed(0)
    >>> D = Discriminator(DCGANConfig(ndf=8)).eval()  # a small one
    >>> D(torch.rand(2, 3, 64, 64)).shape  # one logit per image
    torch.Size([2])
    """

    def __init__(self, config: DCGANConfig = DCGANConfig()):
        super().__init__()
        self.config = config
        ndf = config.ndf
        self.net = nn.Sequential(
            *_down(config.nc, ndf, "none"),  # (B, ndf, 32, 32); no norm on the input
            *_down(ndf, ndf * 2, config.d_norm),  # (B, 2 ndf, 16, 16)
            *_down(ndf * 2, ndf * 4, config.d_norm),  # (B, 4 ndf, 8, 8)
            *_down(ndf * 4, ndf * 8, config.d_norm),  # (B, 8 ndf, 4, 4)
            nn.Conv2d(ndf * 8, 1, 4, 1, 0),  # (B, 1, 1, 1): the logit
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Images (B, 3, 64, 64) in [0, 1] -> logits l (B,); D(x) = sigmoid(l)."""
        return self.net(2 * x - 1).flatten()


def init_weights(module: nn.Module) -> None:
    """The DCGAN initialisation: conv weights ~ N(0, 0.02), norm scales ~ N(1, 0.02).

    Biases are set to 0; other modules are left alone. Apply it to a whole network
    with ``net.apply(init_weights)``.

    >>> _ = torch.manual_seed(0)
    >>> conv = nn.Conv2d(3, 64, 4)
    >>> init_weights(conv)
    >>> round(conv.weight.std().item(), 3), conv.bias.abs().max().item()
    (0.02, 0.0)
    """
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm2d, nn.GroupNorm)):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def make_dcgan(config: DCGANConfig = DCGANConfig(), seed: int = 0):
    """A freshly initialised (G, D) pair; the same seed gives the same weights.

    ``config``: the sizes (DCGANConfig); ``seed``: seeds torch's global generator,
    which nn.init draws from. Both networks are in training mode.

    >>> G, D = make_dcgan(seed=0)
    >>> torch.equal(G.net[0].weight, make_dcgan(seed=0)[0].net[0].weight)
    True
    >>> sum(p.numel() for p in G.parameters())  # the DCGAN generator: 3.6 M weights
    3576704
    """
    torch.manual_seed(seed)  # nn.init draws from the global generator; fix it here
    G, D = Generator(config), Discriminator(config)
    G.apply(init_weights)
    D.apply(init_weights)
    return G, D


def freeze(*models: nn.Module) -> None:
    """Eval mode and no gradients for the parameters.

    Eval mode matters for restoration: in training mode batch norm would use the
    statistics of the batch, so one face's result would depend on its batch mates.

    >>> bn = nn.BatchNorm2d(3)
    >>> freeze(bn)
    >>> bn.training, bn.weight.requires_grad
    (False, False)
    >>> x = torch.rand(4, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    >>> torch.equal(bn(x)[:1], bn(x[:1]))  # the first image alone or with 3 mates
    True
    """
    for model in models:
        model.eval()
        model.requires_grad_(False)


def default_device() -> torch.device:
    """CUDA when present, else the CPU (pass device="mps" by hand on a Mac).

    >>> default_device().type == ("cuda" if torch.cuda.is_available() else "cpu")
    True
    """
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def save_weights(G: Generator, D: Discriminator, path: str | Path, **meta) -> None:
    """One file with both networks and their config, loadable with weights_only=True.

    ``path``: the file (its folder is created); ``meta``: plain Python values to
    record with them (epochs, data, ...). load_pretrained(path=...) reads it back:

    >>> import tempfile
    >>> G, D = make_dcgan(DCGANConfig(ngf=8, ndf=8), seed=0)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_weights(G, D, Path(folder) / "tiny.pt", epochs=0)
    ...     meta = torch.load(Path(folder) / "tiny.pt", weights_only=True)["meta"]
    ...     G2, D2 = load_pretrained("cpu", Path(folder) / "tiny.pt")
    >>> meta, G2.config.ngf, torch.equal(G2.net[0].weight, G.net[0].weight)
    ({'epochs': 0}, 8, True)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(
        {
            "config": asdict(G.config),
            "generator": G.state_dict(),
            "discriminator": D.state_dict(),
            "meta": meta,
        },
        path,
    )


def generator_fingerprint(G: nn.Module) -> str:
    """SHA-256 of G's weights (names, shapes, float32 values): which G a file belongs to.

    A D calibrated to one G (tutorial_lib.calibrate) estimates that G's density ratio
    only; its file records this fingerprint and loading checks it. The layout in
    memory (channels_last) and the device do not change it:

    >>> G, _ = make_dcgan(DCGANConfig(ngf=8, ndf=8), seed=0)
    >>> fp = generator_fingerprint(G)
    >>> fp == generator_fingerprint(G.to(memory_format=torch.channels_last)), len(fp)
    (True, 64)
    >>> fp == generator_fingerprint(make_dcgan(DCGANConfig(ngf=8, ndf=8), seed=1)[0])
    False
    """
    digest = hashlib.sha256()
    for name, tensor in G.state_dict().items():
        digest.update(f"{name}{tuple(tensor.shape)}".encode())
        digest.update(tensor.detach().float().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def save_discriminator(
    D: Discriminator, G: Generator, path: str | Path, **meta
) -> None:
    """D alone, stored in float16 (half the bytes), with G's fingerprint and ``meta``.

    float16 keeps 11 bits of each weight; data/README.md gives the change of the logit
    that this rounding makes to the GAN's own D on validation faces.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    weights = {k: v.detach().cpu().contiguous() for k, v in D.state_dict().items()}
    half = {k: v.half() if v.is_floating_point() else v for k, v in weights.items()}
    torch.save(
        {
            "config": asdict(D.config),
            "discriminator": half,
            "generator_sha256": generator_fingerprint(G),
            "meta": meta,
        },
        path,
    )


def load_discriminator(G: Generator, path: str | Path | None = None) -> Discriminator:
    """A D saved by save_discriminator for exactly this G, frozen, on G's device.

    ``path`` defaults to the shipped calibrated D. A D made for another G is refused:
    its logit would estimate another generator's density ratio.
    """
    path = Path(path) if path is not None else CALIBRATED_D_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"discriminator weights not found at {path}; they are made by "
            f"`{CALIBRATE_COMMAND}`"
        )
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        D = Discriminator(DCGANConfig(**state["config"]))
        D.load_state_dict(
            {
                k: v.float() if v.is_floating_point() else v
                for k, v in state["discriminator"].items()
            }
        )
        made_for = state["generator_sha256"]
    except Exception as error:
        raise ValueError(
            f"{path} is not a usable discriminator file (expected a dict with 'config', "
            f"'discriminator' and 'generator_sha256' as written by save_discriminator): "
            f"{error}"
        ) from error
    if made_for != generator_fingerprint(G):
        raise ValueError(
            f"{path} holds a discriminator calibrated for another generator "
            f"(fingerprint {made_for[:12]}..., this G's {generator_fingerprint(G)[:12]}...); "
            f"calibrate one for this G with `{CALIBRATE_COMMAND} --weights YOUR_GAN.pt "
            "--out YOUR_D.pt` and load it with load_discriminator(G, 'YOUR_D.pt')"
        )
    param = next(G.parameters())
    D = D.to(param.device, memory_format=torch.channels_last)
    freeze(D)
    return D


def load_pretrained(
    device=None, path: str | Path | None = None, discriminator: str = "gan"
):
    """The shipped DCGAN (G, D), in eval mode with frozen parameters.

    ``device`` None picks the best available (see default_device); ``path`` defaults to
    data/weights/dcgan_celeba64.pt, made by ``python -m tutorial_lib train`` (data/README.md
    records the run). ``discriminator``: "gan", the D of the GAN's own training (notebooks
    02 and 11), or "calibrated", that D trained further against the final G in eval mode
    (tutorial_lib.calibrate; shipped for the shipped G only).

    >>> G, D = load_pretrained("cpu")
    >>> G.training, G.config.nz, any(p.requires_grad for p in D.parameters())
    (False, 100, False)
    >>> G(torch.zeros(1, 100)).shape  # z = 0, the mode of p_Z: a face
    torch.Size([1, 3, 64, 64])
    """
    if discriminator not in DISCRIMINATORS:
        raise ValueError(
            f"discriminator must be one of {', '.join(DISCRIMINATORS)}, "
            f"got {discriminator!r}"
        )
    path = Path(path) if path is not None else WEIGHTS_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"pretrained weights not found at {path}; they are made by `{TRAIN_COMMAND}`"
        )
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        config = DCGANConfig(**state["config"])
        G, D = Generator(config), Discriminator(config)
        G.load_state_dict(state["generator"])
        D.load_state_dict(state["discriminator"])
    except Exception as error:  # a truncated file, another format, other layer shapes
        raise ValueError(
            f"{path} is not a usable DCGAN weights file (expected a dict with 'config', "
            f"'generator' and 'discriminator' as written by save_weights): {error}"
        ) from error
    device = torch.device(device) if device is not None else default_device()
    # channels_last (NHWC) weights: the convolutions run 10-15% faster on this CPU in
    # the solver (benchmarks/solver_speed.py), with the same results up to rounding
    G, D = (net.to(device, memory_format=torch.channels_last) for net in (G, D))
    freeze(G, D)
    if discriminator == "calibrated":
        D = load_discriminator(G)
    return G, D
