"""Low-rank (TNNR) baseline: SVT and the truncated nuclear norm by hand, exact matrix
completion of a rank-3 matrix, the closed form for denoising, shapes, devices,
determinism and clear errors."""

import pytest
import torch

import tutorial_lib as tl
from conftest import rand
from tutorial_lib.baselines import baseline_defaults
from tutorial_lib.baselines.lowrank import (
    TUNED_SETTINGS,
    restore_lowrank,
    svt,
    truncated_nuclear_norm,
)


class RandomMask(tl.Operator):
    """A(x) = M x with M a fixed random 0/1 mask: matrix completion, the setting of
    Hu et al. (the package's inpainting hole is a block, not random entries)."""

    name = "random_mask"  # no TUNED_SETTINGS: every parameter must be passed

    def __init__(self, M):
        super().__init__()
        self.M = M  # (1, 1, H, W)

    def A(self, x):
        return x * self.M

    def A_adjoint(self, y):
        return y * self.M

    def naive_inverse(self, y):
        return y  # missing entries start at 0, as in Hu et al.

    def weights(self, y):
        return None


def _rank3_completion(seed=0):
    """(1, 3, 64, 64) with each channel of rank 3 and entries in [0, 1] (nonnegative
    factors: U V^T / 3 with U, V uniform), and about half of the entries observed."""
    g = torch.Generator().manual_seed(seed)
    U, V = torch.rand(1, 3, 64, 3, generator=g), torch.rand(1, 3, 3, 64, generator=g)
    X = U @ V / 3
    M = (torch.rand(1, 1, 64, 64, generator=g) < 0.5).float()
    return X, RandomMask(M)


def test_svt_by_hand():
    """diag(3, 2, 1) in rotated bases: thresholding at 1.5 leaves diag(1.5, 0.5, 0)."""
    Q1, _ = torch.linalg.qr(rand(3, 3, seed=1).double())
    Q2, _ = torch.linalg.qr(rand(3, 3, seed=2).double())

    def rotated(*sigma):
        return Q1 @ torch.diag(torch.tensor(sigma, dtype=torch.float64)) @ Q2.T

    X, _, _ = svt(rotated(3.0, 2.0, 1.0), 1.5)
    expected = rotated(1.5, 0.5, 0.0)
    assert torch.allclose(X, expected, atol=1e-12)


def test_truncated_nuclear_norm_by_hand():
    """Singular values 4, 3, 2, 1 in one channel and 5, 0, 0, 0 in the other: the tail
    after the first two is 2 + 1 + 0 = 3."""
    x = torch.zeros(1, 2, 4, 4, dtype=torch.float64)
    x[0, 0] = torch.diag(torch.tensor([4.0, 3.0, 2.0, 1.0], dtype=torch.float64))
    x[0, 1, 0, 0] = 5.0
    assert truncated_nuclear_norm(x, rank=2).item() == pytest.approx(3.0)
    assert truncated_nuclear_norm(x, rank=0).item() == pytest.approx(15.0)


def test_rank3_matrix_is_completed():
    """With r = 3 the true matrices have zero truncated norm and fit the data, so they
    are global minimisers; the two-step scheme finds them to float32 precision. The
    plain nuclear norm (r = 0) at the same lam shrinks every singular value and
    misses by ~2%: truncation is what makes the answer exact."""
    X, op = _rank3_completion()
    y = op.A(X)
    params = dict(lam=0.1, outer=10, inner=20)

    def error(x_hat):
        return ((x_hat - X).norm() / X.norm()).item()

    assert error(op.naive_inverse(y)) > 0.5  # half the entries are missing
    assert error(restore_lowrank(y, op, rank=3, **params)) < 1e-4
    assert error(restore_lowrank(y, op, rank=0, **params)) > 1e-2


def test_more_outer_steps_lower_the_objective():
    """Hu et al.'s two-step scheme decreases 1/2 ||A X - y||^2 + lam ||X||_r."""
    X, op = _rank3_completion(seed=1)
    y = op.A(X)
    lam = 0.1

    def objective(outer):
        x_hat = restore_lowrank(y, op, rank=3, lam=lam, outer=outer, inner=5)
        data = 0.5 * (op.A(x_hat) - y).pow(2).sum()
        return (data + lam * truncated_nuclear_norm(x_hat, 3)).item()

    values = [objective(k) for k in (1, 3, 9)]
    assert values[0] > values[1] > values[2]


def test_denoising_with_the_nuclear_norm_is_one_svt():
    """For A = identity and r = 0 the minimiser of 1/2 ||X - y||^2 + lam ||X||_* is the
    closed form SVT_lam(y) (the prox of the nuclear norm)."""
    op = tl.make_operator("denoising")
    y = op.corrupt(tl.load_sample_faces(n=2), seed=0)
    lam = 0.5
    expected, _, _ = svt(y, lam)
    x_hat = restore_lowrank(y, op, rank=0, lam=lam, outer=1, inner=30)
    assert torch.allclose(x_hat, expected.clamp(0, 1), atol=1e-4)


@pytest.mark.parametrize("task", tl.TASKS)
def test_runs_on_every_operator(task, device):
    op = tl.make_operator(task)
    x = rand(2, 3, 64, 64, device=device)
    for dtype in (torch.float32, torch.float64):
        y = op.corrupt(x.to(dtype))
        x_hat = restore_lowrank(y, op, outer=2, inner=3)
        assert x_hat.shape == (2, 3, 64, 64)
        assert x_hat.device.type == device and x_hat.dtype == dtype
        assert x_hat.min() >= 0 and x_hat.max() <= 1
        assert not torch.equal(x_hat, op.naive_inverse(y).clamp(0, 1))  # it did work


def test_deterministic_and_independent_of_batch_mates():
    op = tl.make_operator("super_resolution")
    y = op.corrupt(rand(3, 3, 64, 64))
    first = restore_lowrank(y, op, outer=2, inner=3)
    assert torch.equal(first, restore_lowrank(y, op, outer=2, inner=3))
    assert torch.allclose(
        first[:1], restore_lowrank(y[:1], op, outer=2, inner=3), atol=1e-5
    )


def test_every_task_has_defaults():
    assert set(TUNED_SETTINGS) == set(tl.TASKS)
    assert baseline_defaults("lowrank", "inpainting") == TUNED_SETTINGS["inpainting"]


def test_bad_input_is_reported():
    op = tl.make_operator("super_resolution")
    y = op.corrupt(rand(2, 3, 64, 64))
    with pytest.raises(ValueError, match=r"C = 1, got \(2, 3, 16, 16\)"):
        restore_lowrank(y, tl.make_operator("colorization"))  # RGB where gray belongs
    with pytest.raises(ValueError, match="lam must be a number >= 0, got -1"):
        restore_lowrank(y, op, lam=-1)
    with pytest.raises(ValueError, match="rank must be an integer >= 0, got 1.5"):
        restore_lowrank(y, op, rank=1.5)
    with pytest.raises(ValueError, match="inner must be an integer >= 1, got 0"):
        restore_lowrank(y, op, inner=0)
    X, mask_op = _rank3_completion()
    with pytest.raises(
        ValueError, match="no default parameters for operator 'random_mask'"
    ):
        restore_lowrank(mask_op.A(X), mask_op, rank=3)
