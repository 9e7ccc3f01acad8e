"""K-SVD: learning the patch dictionary of the sparse baseline (Aharon, Elad and
Bruckstein, IEEE TSP 2006).

Given signals X (n, d), here mean-free color patches of training faces, K-SVD seeks

    min_{D, A}  ||X - A D^T||_F^2   subject to ||A_i||_0 <= s for every row i,
                                    ||d_j|| = 1 for every atom (column) d_j of D,

by alternating two steps, each of which can only lower the error:
  1. sparse coding: every row A_i = OMP(X_i, D, s) (tutorial_lib/baselines/sparse.py);
  2. dictionary update, one atom at a time: with the signals that use atom j (their
     rows omega_j) and the error without it, E_j = X_omega - A_omega D^T + a_j d_j^T,
     replace d_j and its coefficients a_j by the best rank-1 fit of E_j (its leading
     singular pair). We reach it by power iteration started from the current atom,
     which never increases the error (Rubinstein et al.'s approximate K-SVD, 2008,
     takes one step). Keeping the support fixed keeps the codes s-sparse. Atoms that
     nobody uses, or that copy another atom, restart from the worst-fit signals.

The patch means are removed before learning (the restoration adds a constant DC atom),
so the atoms spend their budget on edges and texture. Introduced in notebook 10; the
shipped dictionary is made by ``python -m tutorial_lib dictionary`` (data/README.md).
"""

from __future__ import annotations

import torch

from ..checks import check_images
from ._common import check_number
from .sparse import omp

POWER_STEPS = 3  # rank-1 fit by power iteration from the current atom


def ksvd(
    X: torch.Tensor,
    atoms: int,
    sparsity: int,
    iterations: int,
    generator: torch.Generator,
    progress: bool = False,
):
    """Learn D (d, atoms) with unit columns from signals X (n, d) by K-SVD.

    Returns D and the history: the RMS representation error per entry after the
    sparse coding of each iteration (it falls as D improves). The start is ``atoms``
    random signals (drawn with ``generator``), normalized. ``sparsity``: atoms per
    signal; ``progress`` shows tqdm.

    Signals that are each a multiple of one of 3 directions are fit exactly by 3 atoms:

    >>> g = torch.Generator().manual_seed(0)
    >>> directions = torch.linalg.qr(torch.randn(6, 3, generator=g))[0].T  # (3, 6)
    >>> X = torch.randn(60, 1, generator=g) * directions[torch.arange(60) % 3]
    >>> D, history = ksvd(X, atoms=3, sparsity=1, iterations=3, generator=g)
    >>> D.shape, round(history[-1], 4)
    (torch.Size([6, 3]), 0.0)
    """
    n, d = X.shape
    for name, value in [
        ("atoms", atoms),
        ("sparsity", sparsity),
        ("iterations", iterations),
    ]:
        check_number(name, value, 1, integer=True)
    if atoms > n:
        raise ValueError(f"atoms must be <= the {n} training signals, got {atoms}")
    D = X[torch.randperm(n, generator=generator)[:atoms]].T.clone()  # (d, atoms)
    D += 1e-6 * torch.randn(D.shape, generator=generator).to(D)  # no all-zero atom
    D /= D.norm(dim=0)
    history = []
    steps = range(iterations)
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="K-SVD", unit="iteration")
    for _ in steps:
        support, coef = omp(X, D, sparsity)  # (n, s) each
        dense = torch.zeros(n, atoms, dtype=X.dtype, device=X.device)
        R = X - dense.scatter_(1, support, coef) @ D.T  # (n, d) residuals
        history.append(R.pow(2).mean().sqrt().item())
        # which (signal, slot) pairs use each atom: group the flat support by atom
        flat = support.flatten()
        order = torch.argsort(flat, stable=True)
        counts = torch.bincount(flat, minlength=atoms).tolist()
        coef = coef.flatten()
        for j, uses in enumerate(order.split(counts)):
            if len(uses) == 0:
                continue  # replaced below
            rows = uses // sparsity  # each signal uses an atom at most once
            E = R[rows] + coef[uses, None] * D[:, j]  # (m, d) error without atom j
            u = D[:, j]
            for _ in range(POWER_STEPS):
                v = E.T @ (E @ u)
                if v.norm() < 1e-12:  # these signals are already fit: keep the atom
                    break
                u = v / v.norm()
            a = E @ u  # (m,) the best coefficients for the new atom
            D[:, j], coef[uses] = u, a
            R[rows] = E - a[:, None] * u
        # unused atoms and near-copies of another atom are wasted: restart each from
        # a signal that the dictionary represents worst (as Aharon et al. do)
        overlap = (D.T @ D).abs().triu(1)  # (atoms, atoms), |<d_i, d_j>| for i < j
        stale = (overlap > 0.99).any(0) | (torch.tensor(counts) == 0).to(D.device)
        if stale.any():
            worst = R.pow(2).sum(1).topk(int(stale.sum())).indices
            D[:, stale] = (R[worst] / R[worst].norm(dim=1, keepdim=True)).T
    return D, history


def sample_patches(
    faces: torch.Tensor, patch: int, count: int, generator: torch.Generator
) -> torch.Tensor:
    """``count`` random patch x patch patches of random faces (N, 3, H, W)
    -> (count, 3 patch^2), in the (channel, row, column) order of sparse.patches.

    >>> from tutorial_lib.baselines.sparse import patches
    >>> faces = torch.rand(1, 3, 2, 2, generator=torch.Generator().manual_seed(0))
    >>> P = sample_patches(faces, 2, 5, torch.Generator().manual_seed(0))  # 5 patches
    >>> P.shape, torch.equal(P[0], patches(faces, 2, 2)[0])  # the only 2x2 patch
    (torch.Size([5, 12]), True)
    """
    N, C, H, W = faces.shape
    face = torch.randint(N, (count,), generator=generator)
    top = torch.randint(H - patch + 1, (count,), generator=generator)
    left = torch.randint(W - patch + 1, (count,), generator=generator)
    offsets = torch.arange(patch)
    rows = (top[:, None] + offsets)[:, None, :, None]  # (count, 1, p, 1)
    cols = (left[:, None] + offsets)[:, None, None, :]  # (count, 1, 1, p)
    channel = torch.arange(C)[None, :, None, None]
    out = faces[face[:, None, None, None], channel, rows, cols]  # (count, C, p, p)
    return out.reshape(count, -1)


def learn_dictionary(
    faces: torch.Tensor,
    atoms: int = 256,
    patch: int = 8,
    sparsity: int = 6,
    iterations: int = 20,
    patches: int = 100_000,
    seed: int = 0,
    progress: bool = False,
):
    """K-SVD dictionary (3 patch^2, atoms) for faces (N, 3, H, W) in [0, 1].

    Draws ``patches`` random patches (seeded), removes each patch's mean and runs
    ``ksvd``; returns (D, history). Restore with it: restore_sparse(..., dictionary=D).
    ``atoms``, ``sparsity``, ``iterations``, ``progress``: as for ``ksvd``; ``seed``:
    the patches and the start.

    >>> from tutorial_lib.data import load_sample_faces
    >>> D, history = learn_dictionary(load_sample_faces(4), atoms=16, patch=4,
    ...                               iterations=3, patches=500)
    >>> D.shape, round(D.norm(dim=0).min().item(), 4), bool(D.sum(0).abs().max() < 1e-4)
    (torch.Size([48, 16]), 1.0, True)
    >>> history[-1] < history[0]  # the error falls as D improves
    True
    """
    check_images(faces, "faces")
    check_number("patch", patch, 2, integer=True)
    check_number("patches", patches, 1, integer=True)
    if patch > min(faces.shape[-2:]):
        raise ValueError(
            f"patch must fit in the {tuple(faces.shape[-2:])} faces, got {patch}"
        )
    generator = torch.Generator().manual_seed(seed)
    X = sample_patches(faces, patch, patches, generator).float()
    X = X - X.mean(1, keepdim=True)  # the DC lives in its own atom
    return ksvd(X, atoms, sparsity, iterations, generator, progress)
