"""Tests of tutorial_lib.consistency: each step lands in the set that explains y, leaves
an image already there alone, and is the nearest such image; bad input is refused."""

import pytest
import torch

import tutorial_lib as tl
from conftest import rand
from tutorial_lib.blending import luminance
from tutorial_lib.consistency import STEPS, make_consistent


def _pair(task, seed=0):
    """A truth x (away from 0 and 1, so clamping plays no part), its y, a guess x_hat."""
    op = tl.make_operator(task)
    x = 0.25 + 0.5 * rand(2, 3, 64, 64, seed=seed)
    x_hat = 0.25 + 0.5 * rand(2, 3, 64, 64, seed=seed + 1)
    return op, x, op.corrupt(x, seed=seed), x_hat


def test_super_resolution_back_projection_explains_y_and_is_nearest():
    op, x, y, x_hat = _pair("super_resolution")
    projected = make_consistent(x_hat, y, op)
    assert (op.A(projected) - y).abs().max() < 1e-6
    # nearest: the truth also explains y, and is no closer to x_hat
    assert (projected - x_hat).norm() <= (x - x_hat).norm()
    # the correction is constant on each 4x4 block (up = nearest upsampling)
    blocks = (projected - x_hat).unfold(2, 4, 4).unfold(3, 4, 4)
    assert blocks.flatten(-2).std(dim=-1).max() < 1e-6
    assert torch.allclose(make_consistent(projected, y, op), projected, atol=1e-6)


def test_quantization_step_lands_in_the_cell_of_each_observed_level():
    op, x, y, x_hat = _pair("quantization")
    projected = make_consistent(x_hat, y, op)
    assert (projected - y).abs().max() <= 1 / 8 + 1e-6
    inside = (x_hat - y).abs() <= 1 / 8
    assert torch.equal(projected[inside], x_hat[inside])  # already consistent: kept
    assert torch.equal(make_consistent(x, y, op), x)  # the truth is in its cells


def test_denoising_step_pulls_far_guesses_onto_the_noise_ball_only():
    op, x, y, x_hat = _pair("denoising")
    radius = 0.1 * (3 * 64 * 64) ** 0.5
    far = x_hat  # about 25 from y, more than twice the radius 11.1
    assert ((far - y).flatten(1).norm(dim=1) > 2 * radius).all()
    pulled = y + (far - y) * radius / (far - y).flatten(1).norm(dim=1).view(-1, 1, 1, 1)
    # y and x_hat are in [0, 1], so the points between them are: no clamping here
    assert torch.allclose(make_consistent(far, y, op), pulled, atol=1e-6)
    near = y + 0.1 * (x_hat - y)
    assert torch.equal(make_consistent(near, y, op), near)


def test_inpainting_and_colorization_keep_what_y_says():
    op, x, y, x_hat = _pair("inpainting")
    out = make_consistent(x_hat, y, op)
    known = op.mask(y).expand_as(out).bool()
    assert torch.equal(out[known], y[known]) and torch.equal(out[~known], x_hat[~known])
    op, x, y, x_hat = _pair("colorization")
    x_hat = 0.45 + 0.1 * x_hat  # mild colors: y's luminance fits without clamping
    assert (luminance(make_consistent(x_hat, y, op)) - y).abs().max() < 1e-5


def test_every_task_has_a_step_and_bad_input_is_refused():
    assert set(STEPS) == set(tl.TASKS)
    op, x, y, x_hat = _pair("super_resolution")
    with pytest.raises(ValueError, match="same number of images"):
        make_consistent(x_hat[:1], y, op)
    with pytest.raises(ValueError, match="x_hat"):
        make_consistent(x_hat[:, :1], y, op)

    class Blur(tl.Operator):
        name = "blur"

    with pytest.raises(ValueError, match="no consistency step for operator 'blur'"):
        make_consistent(x_hat, y, Blur())
