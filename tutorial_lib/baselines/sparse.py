"""Sparse coding of patches, the paper's "Sparse" baseline (Elad and Aharon, CVPR 2006).

Prior: every p x p color patch R_k x of a face (d = 3 p^2 numbers) is close to a
combination of a few atoms of a dictionary D (d, K) learned from training faces
(K-SVD, tutorial_lib/baselines/dictionary.py): R_k x ~ D a_k with ||a_k||_0 <= s.
Restoration for any linear operator A of tutorial_lib.operators:

    x_hat, {a_k} = argmin  ||A x - y||^2 + lam * sum_k ||R_k x - D a_k||^2 / c
                   subject to ||a_k||_0 <= s,  x in [0, 1]

(c = (p / stride)^2 patches cover each pixel, so lam weighs the prior like one image),
minimised by alternation, starting from x = op.naive_inverse(y):

    (a) codes:  a_k = OMP(R_k x, D, s) for every patch (stride ``stride``, reflected at
        the border so that every pixel lies in exactly c patches);
    (b) image:  x = argmin ||A x - y||^2 + lam ||x - x_bar||^2, x_bar the average of the
        patch estimates D a_k, i.e. (A* A + lam I) x = A* y + lam x_bar: a few steps
        of conjugate gradients with A and A*; then x is clipped to [0, 1].

Orthogonal Matching Pursuit (Pati et al. 1993) picks s atoms greedily: the one most
correlated with the residual, then the least-squares coefficients on all atoms picked
so far, which makes the new residual orthogonal to them. With per-entry weights w it
does the same in the inner product <u, v>_w = sum w u v (an atom's correlation divided
by its weighted norm, so that atoms that are large where w is small gain nothing), and
a patch is coded from its observed entries only. The DC (mean) of a patch is a fixed
constant atom added to the learned ones, which are free of it; s counts it.

Pixels that A never sees (the inpainting hole, found as A* A 1 = 0) start from a
smooth fill of the seen pixels around them, and patches that touch them are coded with
weight 1 on seen pixels and UNSEEN_WEIGHT on the others: the seen pixels decide the
code and extend it into the hole, while a patch entirely inside the hole follows the
current estimate. So the hole fills in from its border, iteration after iteration
(masked coding, as in Mairal, Elad and Sapiro, TIP 2008). Super-resolution keeps A in
step (b); Yang et al. (TIP 2010) instead learn coupled low / high resolution
dictionaries. Used in notebook 10 (baselines and the table).
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
import torch.nn.functional as F

from ..data import DATA_DIR
from ..linalg import conjugate_gradient
from ._common import check_number, prepare, resolve_params

DICTIONARY_FILE = DATA_DIR / "weights" / "sparse_dictionary.pt"
DICTIONARY_COMMAND = (
    "python -m tutorial_lib dictionary --data runs/faces_train.pt "
    "--out data/weights/sparse_dictionary.pt"
)
UNSEEN_WEIGHT = 0.03  # weight of a hole pixel's current estimate when coding a patch
CG_STEPS = 5  # exact after 1 step for masks and the identity, ~2 for pooling and luma
CHUNK = 8192  # patches coded at once: bounds the (n, s, d) gathers to ~50 MB

# lam weighs the patch prior, sparsity counts atoms per patch (the DC atom included).
# Tuned on the first 32 validation faces (never test faces) with
#   OMP_NUM_THREADS=1 python benchmarks/tune.py --method sparse \
#     --data runs/faces_valid.pt --n 32 --threads 1 --tasks TASK --grid ...
# with the grids below; mean PSNR dB / SSIM, seconds per face on one CPU thread. The
# paper's Sparse row (test faces): inpainting 20.67 / 0.7528, super-resolution 20.82 /
# 0.6075, denoising 23.63 / 0.8092, quantization 22.67 / 0.7869; no colorization. The
# naive inverse on the same 32 faces: holed 10.20 / 0.5213, gray 19.63 / 0.9346,
# bicubic 24.10 / 0.7431, noisy 20.44 / 0.5060, quantized 22.86 / 0.6933.
TUNED_SETTINGS: dict[str, dict] = {
    # lam=0.01,0.1 sparsity=2,3,4,6 iters=6,10,15,20: 22.09 / 0.7741, 0.40 s (more
    # iterations still help a little: the hole fills in from its border)
    "inpainting": {"lam": 0.01, "sparsity": 2, "iters": 20, "stride": 2},
    # lam=0.01,0.1,1 sparsity=4,6 iters=1,3: 19.58 / 0.9240, 0.04 s (gray copy to RGB
    # is as good: patches of a gray image give no hint of its colors)
    "colorization": {"lam": 0.01, "sparsity": 6, "iters": 1, "stride": 2},
    # lam=0.003,0.01,0.03 sparsity=4,6,8 iters=5,10: 24.50 / 0.7676, 0.26 s (the
    # best, iters=10, gives 24.54 / 0.7692 in twice the time)
    "super_resolution": {"lam": 0.003, "sparsity": 6, "iters": 5, "stride": 2},
    # lam=3,10,30 sparsity=4,6,8 iters=1,2 stride=1,2: 28.65 / 0.8809, 0.20 s
    "denoising": {"lam": 30.0, "sparsity": 6, "iters": 1, "stride": 1},
    # same grid: 27.05 / 0.8617, 0.27 s (the best, sparsity=8 iters=2, gives
    # 27.04 / 0.8638 in twice the time)
    "quantization": {"lam": 10.0, "sparsity": 6, "iters": 1, "stride": 1},
}


def omp(
    X: torch.Tensor, D: torch.Tensor, sparsity: int, weights: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Orthogonal Matching Pursuit of many signals at once.

    X (n, d) signals; D (d, K) atoms of unit norm; ``weights`` (n, d) >= 0 or None.
    Returns the support (n, s), atom indices in the order picked, and the coefficients
    (n, s), so that X[i] ~ D[:, support[i]] @ coef[i] in the weighted norm.

    With the unit vectors as atoms, OMP picks the largest entries first:

    >>> X = torch.tensor([[0.0, 5.0, 0.0, -2.0]])  # one signal
    >>> support, coef = omp(X, torch.eye(4), sparsity=2)
    >>> support.tolist(), [round(c, 4) for c in coef[0].tolist()]
    ([[1, 3]], [5.0, -2.0])
    """
    n, d = X.shape
    if D.ndim != 2 or D.shape[0] != d:
        raise ValueError(
            f"D must have shape ({d}, K) for signals of {d}, got {tuple(D.shape)}"
        )
    check_number("sparsity", sparsity, 1, integer=True)
    if sparsity > D.shape[1]:
        raise ValueError(f"sparsity must be <= the {D.shape[1]} atoms, got {sparsity}")
    support = X.new_zeros(n, 0, dtype=torch.long)
    if weights is None:  # Batch-OMP: all it needs is D^T X and the Gram matrix D^T D
        gram, alpha = D.T @ D, X @ D  # (K, K), (n, K)
        corr = alpha
    else:
        WX = weights * X
        w_norm = (weights @ D.pow(2)).sqrt().clamp_min(1e-6)  # (n, K): ||d_j||_w
        corr = WX @ D  # (n, K) weighted correlations with the residual (= X at first)
    for t in range(sparsity):
        # an atom already picked has zero correlation in exact arithmetic: exclude it
        score = corr.abs() if weights is None else corr.abs() / w_norm
        pick = score.scatter(1, support, -1.0).argmax(1, keepdim=True)
        support = torch.cat([support, pick], 1)  # (n, t + 1)
        if weights is None:
            G = gram[support[:, :, None], support[:, None, :]]  # (n, t+1, t+1)
            b = alpha.gather(1, support)
        else:
            DS = D.T[support]  # (n, t+1, d): the picked atoms
            G = (DS * weights[:, None]) @ DS.transpose(1, 2)
            b = (DS @ WX[:, :, None])[..., 0]
        # normal equations; the ridge keeps G invertible when weights hide atoms
        G.diagonal(dim1=1, dim2=2).add_(1e-6)
        coef = torch.cholesky_solve(b[..., None], torch.linalg.cholesky(G))[..., 0]
        if t + 1 < sparsity:
            if weights is None:
                dense = torch.zeros_like(alpha).scatter_(1, support, coef)
                corr = alpha - dense @ gram
            else:
                residual = X - (coef[:, None] @ DS)[:, 0]
                corr = (weights * residual) @ D
    return support, coef


def _code(
    P: torch.Tensor, D: torch.Tensor, sparsity: int, weights: torch.Tensor | None = None
) -> torch.Tensor:
    """Sparse approximations D a (n, d) of patches P (n, d), CHUNK patches at a time."""
    out = torch.empty_like(P)
    for rows in torch.arange(len(P), device=P.device).split(CHUNK):
        w = None if weights is None else weights[rows]
        support, coef = omp(P[rows], D, sparsity, w)
        dense = P.new_zeros(len(rows), D.shape[1]).scatter_(1, support, coef)
        out[rows] = dense @ D.T
    return out


def patches(x: torch.Tensor, patch: int, stride: int) -> torch.Tensor:
    """All patch x patch patches of x (N, C, H, W) at ``stride``, reflected at the
    border -> (N * L, C * patch^2), entries in (channel, row, column) order.

    >>> x = torch.arange(16.0).view(1, 1, 4, 4)
    >>> patches(x, patch=2, stride=2)[0].tolist()  # the top-left 2x2 patch
    [0.0, 1.0, 4.0, 5.0]
    >>> patches(x, patch=2, stride=1).shape  # a border of 1: 5 x 5 patches
    torch.Size([25, 4])
    """
    pad = patch - stride  # every pixel then lies in exactly (patch / stride)^2 patches
    x = F.pad(x, (pad,) * 4, mode="reflect")
    cols = F.unfold(x, patch, stride=stride)  # (N, C p^2, L)
    return cols.transpose(1, 2).reshape(-1, cols.shape[1])


def average_patches(Z: torch.Tensor, shape, patch: int, stride: int) -> torch.Tensor:
    """The adjoint of ``patches`` divided by the coverage: each pixel becomes the mean
    of its estimates in the patches Z (N * L, C p^2) -> (N, C, H, W).

    ``shape``: the images' (N, C, H, W); ``patch``, ``stride``: as for ``patches``.
    Patches that agree average back to the image:

    >>> x = torch.rand(2, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    >>> torch.allclose(average_patches(patches(x, 4, 2), x.shape, 4, 2), x)
    True
    """
    N, C, H, W = shape
    pad = patch - stride
    size = (H + 2 * pad, W + 2 * pad)
    cols = Z.reshape(N, -1, Z.shape[1]).transpose(1, 2)  # (N, C p^2, L)
    total = F.fold(cols, size, patch, stride=stride)
    count = F.fold(torch.ones_like(cols[:1]), size, patch, stride=stride)
    return (total / count)[..., pad : pad + H, pad : pad + W]


def save_dictionary(D: torch.Tensor, path: str | Path, **meta) -> None:
    """Write D (3 p^2, K) and ``meta`` (plain Python values) for load_dictionary.

    >>> import tempfile
    >>> D = torch.eye(12)[:, :5]  # 5 atoms of 2x2 colour patches: 3 * 2^2 = 12
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_dictionary(D, Path(folder) / "tiny.pt", atoms=5)
    ...     back = load_dictionary(Path(folder) / "tiny.pt")
    >>> torch.equal(back, D)
    True
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"D": D.detach().float().cpu().contiguous(), "meta": meta}, path)


def load_dictionary(path: str | Path | None = None) -> torch.Tensor:
    """The learned dictionary D (3 p^2, K), float32 on the CPU (data/README.md).

    ``path``: default data/weights/sparse_dictionary.pt. The shipped one has 256 atoms
    of 8x8 colour patches, of unit norm and mean free (the DC atom is added apart):

    >>> D = load_dictionary()
    >>> D.shape, round(D.norm(dim=0).min().item(), 4)
    (torch.Size([192, 256]), 1.0)
    >>> bool(D.mean(dim=0).abs().max() < 1e-6)
    True
    """
    path = Path(path) if path is not None else DICTIONARY_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"sparse dictionary not found at {path}; it is made by "
            f"`{DICTIONARY_COMMAND}`"
        )
    try:
        D = torch.load(path, map_location="cpu", weights_only=True)["D"]
        _patch_size(D)
    except Exception as error:  # truncated, another format, a wrong shape
        raise ValueError(
            f"{path} is not a usable sparse dictionary (expected a dict with 'D' of "
            f"shape (3 p^2, K), as written by `{DICTIONARY_COMMAND}`): {error}"
        ) from error
    return D.float()


def _patch_size(D) -> int:
    patch = math.isqrt(D.shape[0] // 3) if D.ndim == 2 else 0
    if D.ndim != 2 or patch < 2 or 3 * patch**2 != D.shape[0]:
        raise ValueError(f"dictionary must have shape (3 p^2, K), got {tuple(D.shape)}")
    return patch


def _solve_image(op, y, w, x, x_bar, lam):
    """Step (b): x = argmin ||w^(1/2) (A x - y)||^2 + lam ||x - x_bar||^2 by conjugate
    gradients from x, preconditioned by the diagonal guess A* w A 1 + lam (exact for
    masks and the identity). Inner products per image: no coupling of batch mates."""

    def H(v):  # (A* w A + lam I) v
        Av = op.A(v)
        return op.A_adjoint(Av if w is None else w * Av) + lam * v

    b = op.A_adjoint(y if w is None else w * y) + lam * x_bar
    diag = H(torch.ones_like(x))
    return conjugate_gradient(
        H, b, x, dims=(1, 2, 3), iters=CG_STEPS, precondition=lambda r: r / diag
    )


def _fill_unseen(x, seen):
    """Unseen pixels <- a normalized convolution of the seen ones (two 33x33 boxes)."""

    def blur(v):
        for _ in range(2):
            v = F.avg_pool2d(v, 33, stride=1, padding=16, count_include_pad=False)
        return v

    fill = blur(x * seen) / blur(seen.to(x.dtype)).clamp_min(1e-8)
    return torch.where(seen, x, fill)


def restore_sparse(
    y: torch.Tensor,
    op,
    dictionary: torch.Tensor | None = None,
    lam: float | None = None,
    sparsity: int | None = None,
    iters: int | None = None,
    stride: int | None = None,
) -> torch.Tensor:
    """Restore y = A(x) + noise with the sparse patch prior (see the module docstring).

    ``dictionary`` (3 p^2, K) defaults to the shipped one (load_dictionary); lam > 0,
    sparsity (atoms per patch, DC included), iters (alternations) and stride (of the
    patch grid, dividing p) default to TUNED_SETTINGS[op.name]. Returns x_hat (N, 3, H, W)
    in [0, 1] on y's device and dtype; deterministic, each image independent.

    >>> from tutorial_lib.data import load_sample_faces
    >>> from tutorial_lib.metrics import psnr
    >>> from tutorial_lib.operators import make_operator
    >>> x, op = load_sample_faces(1), make_operator("denoising")
    >>> y = op.corrupt(x, seed=0)
    >>> bool(psnr(restore_sparse(y, op), x) > psnr(y, x) + 3)  # 3 dB better than y
    True
    """
    params = resolve_params(
        TUNED_SETTINGS, op, lam=lam, sparsity=sparsity, iters=iters, stride=stride
    )
    lam, sparsity, iters, stride = (
        params[k] for k in ("lam", "sparsity", "iters", "stride")
    )
    check_number("lam", lam, 1e-8)  # > 0: unseen pixels are set by the prior alone
    check_number("iters", iters, 1, integer=True)
    check_number("stride", stride, 1, integer=True)
    x, w = prepare(y, op)  # x (N, 3, H, W) = the naive inverse, w data-term weights
    D = load_dictionary() if dictionary is None else dictionary
    patch = _patch_size(D)
    if patch % stride:
        raise ValueError(f"stride must divide the patch size {patch}, got {stride}")
    D = D.to(x)
    dc = x.new_full((D.shape[0], 1), D.shape[0] ** -0.5)  # the constant unit atom
    D = torch.cat([dc, D], 1)  # (d, K + 1)

    seen = op.A_adjoint(op.A(torch.ones_like(x))) > 0  # (N, 3, H, W)
    x = _fill_unseen(x, seen)
    weights = patches(torch.where(seen, 1.0, UNSEEN_WEIGHT).to(x), patch, stride)
    partial = (weights < 1).any(1)  # patches that touch unseen pixels
    for _ in range(iters):
        P = patches(x, patch, stride)  # (n, d)
        Z = torch.empty_like(P)
        Z[~partial] = _code(P[~partial], D, sparsity)
        if partial.any():
            Z[partial] = _code(P[partial], D, sparsity, weights[partial])
        x_bar = average_patches(Z, x.shape, patch, stride)
        x = _solve_image(op, y, w, x, x_bar, lam).clamp(0, 1)
    return x
