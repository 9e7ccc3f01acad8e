"""Blending: Poisson fill of the hole, luminance swap for colorization."""

import pytest
import torch
import torch.nn.functional as F

from tutorial_lib.blending import (
    _laplacian,
    color_blend,
    luminance,
    poisson_blend,
    rgb_to_ycbcr,
    ycbcr_to_rgb,
)
from tutorial_lib.operators import hole_mask

M = hole_mask(64, 64, 32)


def _smooth(n, seed):
    """Smooth images well inside [0, 1], so that no clamping hides an error."""
    x = torch.rand(n, 3, 64, 64, generator=torch.Generator().manual_seed(seed))
    return F.avg_pool2d(x, 9, 1, 4) * 0.5 + 0.25


def _plane(a, b, c=0.5):
    """v(i, j) = c + a (i - 31.5) + b (j - 31.5): linear, hence harmonic (L v = 0)."""
    i = torch.arange(64.0).view(64, 1) - 31.5
    j = torch.arange(64.0).view(1, 64) - 31.5
    return (c + a * i + b * j).expand(1, 3, 64, 64)


def test_known_pixels_are_kept_exactly():
    y, x_hat = _smooth(2, 0) * M, _smooth(2, 1)
    x = poisson_blend(x_hat, y, M)
    assert torch.equal(x * M, y * M)


def test_a_restoration_equal_to_y_is_returned_unchanged():
    y = _smooth(2, 10)
    assert (poisson_blend(y, y, M) - y).abs().max() < 1e-4


def test_an_offset_restoration_fills_the_hole_with_the_truth():
    """x_hat = truth + c has the truth's gradients; the boundary removes the offset."""
    truth = _smooth(3, 2)
    x = poisson_blend(truth + 0.1, truth * M, M)  # _smooth stays below 0.75
    assert (x - truth).abs().max() < 1e-3


def test_the_fill_solves_the_poisson_equation():
    truth, x_hat = _smooth(2, 3), _smooth(2, 4)
    x = poisson_blend(x_hat, truth * M, M)
    residual = (1 - M) * (_laplacian(x) - _laplacian(x_hat))
    assert residual.abs().max() < 1e-4
    assert (x - x_hat).abs().max() > 1e-2  # the fill did move
    few = poisson_blend(x_hat, truth * M, M, iters=5)  # too few steps: not solved
    assert ((1 - M) * (_laplacian(few) - _laplacian(x_hat))).abs().max() > 1e-3


def test_a_linear_ramp_is_filled_exactly():
    """A harmonic function (here linear) is its own harmonic interpolation."""
    ramp = _plane(0.004, 0.008)
    flat = torch.full((1, 3, 64, 64), 0.5)  # no gradients inside: L x = 0
    x = poisson_blend(flat, ramp * M, M)
    assert (x - ramp).abs().max() < 1e-4


def test_a_hole_on_the_border_uses_a_neumann_condition():
    """A ramp along the top border has zero normal derivative there: still exact."""
    known = torch.ones(1, 1, 64, 64)
    known[..., :20, 16:48] = 0  # touches the top edge of the image
    ramp = _plane(0.0, 0.01)
    x = poisson_blend(torch.full_like(ramp, 0.5), ramp * known, known)
    assert (x - ramp).abs().max() < 1e-4


def test_each_image_is_blended_on_its_own():
    y, x_hat = _smooth(3, 5) * M, _smooth(3, 6)
    both = poisson_blend(x_hat, y, M)
    alone = poisson_blend(x_hat[1:2], y[1:2], M)
    assert torch.allclose(both[1:2], alone, atol=1e-5)


def test_one_mask_per_image():
    y, x_hat = _smooth(2, 11), _smooth(2, 12)
    known = torch.cat([M, hole_mask(64, 64, 16)]).bool()
    x = poisson_blend(x_hat, y * known, known)
    assert torch.equal(x * known, y * known)  # image 1 keeps more of y than image 0
    alone = poisson_blend(x_hat[1:], y[1:] * known[1:], known[1:])
    assert torch.allclose(x[1:], alone, atol=1e-5)


def test_ycbcr_round_trip():
    x = _smooth(2, 13)
    assert torch.allclose(ycbcr_to_rgb(*rgb_to_ycbcr(x)), x, atol=1e-6)


def test_color_blend_takes_the_luminance_of_the_gray_image():
    x_hat, truth = _smooth(2, 7), _smooth(2, 8)
    gray = luminance(truth)
    x = color_blend(x_hat, gray)
    assert torch.allclose(luminance(x), gray, atol=1e-5)
    # the chrominance is x_hat's, and the swap adds g - Y(x_hat) to every channel
    assert torch.allclose(
        torch.cat(rgb_to_ycbcr(x)[1:]), torch.cat(rgb_to_ycbcr(x_hat)[1:]), atol=1e-5
    )
    assert torch.allclose(x, x_hat + gray - luminance(x_hat), atol=1e-5)
    assert torch.allclose(color_blend(x_hat, luminance(x_hat)), x_hat, atol=1e-6)


X = _smooth(1, 9)
BAD_CALLS = {
    "gray with 3 channels": (
        lambda: color_blend(X, X),
        r"gray must have shape \(N, C, H, W\) with C = 1",
    ),
    "gray of another size": (
        lambda: color_blend(X, luminance(X)[..., :32, :32]),
        "x_hat and gray must have the same shape",
    ),
    "0-255 image": (
        lambda: color_blend(X * 255, luminance(X)),
        r"x_hat must have values in \[0, 1\]",
    ),
    "mask with 3 channels": (
        lambda: poisson_blend(X, X, torch.ones(1, 3, 64, 64)),
        r"known must be a mask \(N or 1, 1, H, W\)",
    ),
    "mask batch too large": (
        lambda: poisson_blend(X, X, torch.ones(2, 1, 64, 64)),
        r"\(1 or 1, 1, 64, 64\), got \(2, 1, 64, 64\)",
    ),
    "soft mask": (
        lambda: poisson_blend(X, X, torch.full((1, 1, 64, 64), 0.5)),
        r"only 0 \(missing\) and 1 \(observed\), got e.g. 0.5",
    ),
    "numpy mask": (
        lambda: poisson_blend(X, X, M.numpy()),
        "known must be a torch.Tensor mask",
    ),
    "y of another size": (
        lambda: poisson_blend(X, X[..., :32, :32], M),
        "x_hat and y must have the same shape",
    ),
}


@pytest.mark.parametrize("call, message", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_bad_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_color_blend_known_pixel():
    """x_hat = (0.8, 0.2, 0.1) has Y = 0.299 * 0.8 + 0.587 * 0.2 + 0.114 * 0.1 = 0.368;
    a gray value 0.4 adds d = 0.032 to every channel. Hard-coded, so swapped luma weights
    (Y would be 0.3207) fail here even though both sides would use the same function."""
    x_hat = torch.tensor([0.8, 0.2, 0.1]).view(1, 3, 1, 1)
    out = color_blend(x_hat, torch.full((1, 1, 1, 1), 0.4))
    assert torch.allclose(out.flatten(), torch.tensor([0.832, 0.232, 0.132]), atol=1e-6)
