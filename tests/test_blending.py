"""Blending: Poisson fill of the hole, luminance swap for colorization."""
import pytest
import torch
import torch.nn.functional as F

from tutorial_lib.blending import _laplacian, color_blend, luminance, poisson_blend
from tutorial_lib.operators import central_hole_mask

M = central_hole_mask(64, 64, 32)


def _smooth(n, seed):
    """Smooth images well inside [0, 1], so that no clamping hides an error."""
    x = torch.rand(n, 3, 64, 64, generator=torch.Generator().manual_seed(seed))
    return F.avg_pool2d(x, 9, 1, 4) * 0.5 + 0.25


def test_known_pixels_are_kept_exactly():
    y, x_hat = _smooth(2, 0) * M, _smooth(2, 1)
    x = poisson_blend(x_hat, y, M)
    assert torch.equal(x * M, y * M)


def test_an_offset_restoration_fills_the_hole_with_the_truth():
    """x_hat = truth + c has the truth's gradients; the boundary removes the offset."""
    truth = _smooth(3, 2)
    x = poisson_blend((truth + 0.1).clamp(0, 1), truth * M, M)
    assert (x - truth).abs().max() < 1e-4


def test_the_fill_solves_the_poisson_equation():
    truth, x_hat = _smooth(2, 3), _smooth(2, 4)
    x = poisson_blend(x_hat, truth * M, M)
    residual = (1 - M) * (_laplacian(x) - _laplacian(x_hat))
    assert residual.abs().max() < 1e-4
    assert not torch.allclose(x, x_hat, atol=1e-2)  # the fill did move


def test_a_linear_ramp_is_filled_exactly():
    """A harmonic function (here linear) is its own harmonic interpolation."""
    ramp = torch.linspace(0.1, 0.9, 64).view(1, 1, 1, 64).expand(1, 3, 64, 64)
    flat = torch.full((1, 3, 64, 64), 0.5)  # no gradients inside: L x = 0
    x = poisson_blend(flat, ramp * M, M)
    assert (x - ramp).abs().max() < 1e-4


def test_each_image_is_blended_on_its_own():
    y, x_hat = _smooth(3, 5) * M, _smooth(3, 6)
    both = poisson_blend(x_hat, y, M)
    alone = poisson_blend(x_hat[1:2], y[1:2], M)
    assert torch.allclose(both[1:2], alone, atol=1e-5)


def test_color_blend_takes_the_luminance_of_the_gray_image():
    x_hat, truth = _smooth(2, 7), _smooth(2, 8)
    gray = luminance(truth)
    x = color_blend(x_hat, gray)
    assert torch.allclose(luminance(x), gray, atol=1e-5)
    # the chrominance (differences between channels) is x_hat's
    assert torch.allclose(x[:, 0] - x[:, 1], x_hat[:, 0] - x_hat[:, 1], atol=1e-5)
    assert torch.allclose(color_blend(x_hat, luminance(x_hat)), x_hat, atol=1e-6)


def test_bad_inputs():
    x = _smooth(1, 9)
    with pytest.raises(ValueError, match=r"gray must have shape \(N, C, H, W\) with C = 1"):
        color_blend(x, x)
    with pytest.raises(ValueError, match=r"known must be a mask \(N or 1, 1, H, W\)"):
        poisson_blend(x, x, torch.ones(1, 3, 64, 64))
    with pytest.raises(ValueError, match="only 0 \\(missing\\) and 1"):
        poisson_blend(x, x, torch.full((1, 1, 64, 64), 0.5))
    with pytest.raises(ValueError, match="x_hat and y must have the same shape"):
        poisson_blend(x, x[..., :32, :32], M)
