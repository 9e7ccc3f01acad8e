"""BM3D baseline: the sigma it is told, agreement with the package called directly,
gains on sample faces, shapes, devices, determinism, the tasks it serves, clear errors.

BM3D costs ~1 s per image (mostly a fixed cost inside the compiled library, whatever
the size), so the faces are restored once per module and shared."""

import sys

import bm3d
import numpy as np
import pytest
import torch

import tutorial_lib as tl
from tutorial_lib import evaluate, table
from tutorial_lib.baselines.bm3d import TUNED_SETTINGS, noise_sigma, restore_bm3d
from tutorial_lib.operators import GaussianNoise, Quantize


@pytest.fixture(scope="module")
def faces():
    return tl.load_sample_faces(4)


@pytest.fixture(scope="module")
def denoised(faces):
    """(y, x_hat): the four faces with noise of sigma 0.1, and BM3D's answer."""
    op = tl.make_operator("denoising")
    y = op.corrupt(faces, seed=0)
    return y, restore_bm3d(y, op)


@pytest.fixture(scope="module")
def dequantized(faces):
    """(y, x_hat): two faces rounded to 5 levels, and BM3D's answer."""
    op = tl.make_operator("quantization")
    y = op.corrupt(faces[:2], seed=0)
    return y, restore_bm3d(y, op)


def test_noise_sigma_by_hand():
    """Gaussian: its sigma; rounding with step Delta: Delta / sqrt(12); both: the
    variances add."""
    assert noise_sigma(tl.make_operator("denoising")) == pytest.approx(0.1)
    assert noise_sigma(tl.make_operator("quantization")) == pytest.approx(0.0721688)
    three_levels = tl.make_operator("quantization", levels=3)  # Delta = 1/2
    assert noise_sigma(three_levels) == pytest.approx(0.1443376)
    both = tl.make_operator("denoising", sensor=Quantize(5))
    assert noise_sigma(both) == pytest.approx((0.01 + 1 / 192) ** 0.5)
    assert noise_sigma(tl.make_operator("denoising", noise=GaussianNoise(0.3))) == 0.3


def test_agrees_with_the_package_called_directly(dequantized):
    """Our quantization answer is bm3d_rgb in the opponent colour space with sigma =
    1.25 (the tuned scale) * 1 / (4 sqrt(12)), written out here."""
    assert TUNED_SETTINGS["quantization"]["sigma_scale"] == 1.25
    y, x_hat = dequantized
    profile = bm3d.BM3DProfile()
    profile.num_threads = 1
    v = y[0].double().permute(1, 2, 0).numpy()  # (H, W, 3)
    ref = bm3d.bm3d_rgb(v, 1.25 / (4 * 12**0.5), profile, colorspace="opp")
    ref = torch.from_numpy(np.clip(ref, 0, 1)).permute(2, 0, 1).float()
    assert (x_hat[0] - ref).abs().max() < 1e-6


def test_denoising_beats_the_noisy_faces(faces, denoised):
    """Measured per face: +8.1 to +10.7 dB PSNR (29.8 dB on average, about the
    published 29.9), +0.33 to +0.49 SSIM; a broken sigma or colour handling loses
    most of that."""
    y, x_hat = denoised
    assert (tl.psnr(x_hat, faces) - tl.psnr(y, faces) > 5).all()
    assert (tl.ssim(x_hat, faces) - tl.ssim(y, faces) > 0.15).all()


def test_quantization_beats_the_quantized_faces(faces, dequantized):
    """Measured per face: +3.2 and +4.3 dB PSNR, +0.16 and +0.13 SSIM."""
    y, x_hat = dequantized
    assert (tl.psnr(x_hat, faces[:2]) - tl.psnr(y, faces[:2]) > 1.5).all()
    assert (tl.ssim(x_hat, faces[:2]) - tl.ssim(y, faces[:2]) > 0.05).all()


def test_same_call_twice_gives_the_same_result(denoised):
    """Single-threaded, so bit for bit; and a face's answer ignores its batch mates."""
    y, x_hat = denoised
    assert torch.equal(restore_bm3d(y[:1], tl.make_operator("denoising")), x_hat[:1])


def test_output_shape_dtype_range_and_device(denoised, device):
    """float64 y on any device: float32 x_hat in [0, 1] on y's device, the same
    numbers as from the float32 y on the CPU."""
    y, x_hat = denoised
    out = restore_bm3d(y[:1].to(device, torch.float64), tl.make_operator("denoising"))
    assert out.shape == (1, 3, 64, 64) and out.dtype == torch.float32
    assert out.device.type == torch.device(device).type
    assert 0 <= out.min() and out.max() <= 1
    assert torch.equal(out.cpu(), x_hat[:1])


def test_a_gray_image_stays_where_it_is():
    """A flat gray image at a quantization level is its own rounding: the answer is
    that level. Its chroma is constant, where the package's colour routine divides 0
    by 0 (NaN); we go around it."""
    op = tl.make_operator("quantization")
    y = op.corrupt(torch.full((1, 3, 16, 16), 0.5))
    x_hat = restore_bm3d(y, op)
    assert (x_hat - 0.5).abs().max() < 1e-3


@pytest.mark.parametrize("task", ["inpainting", "colorization", "super_resolution"])
def test_other_tasks_are_refused(task):
    op = tl.make_operator(task)
    y = op.corrupt(tl.load_sample_faces(1))
    for params in ({}, {"sigma_scale": 1.0, "profile": "np"}):
        with pytest.raises(
            ValueError, match=f"denoising and quantization, not '{task}'"
        ):
            restore_bm3d(y, op, **params)


def test_bad_parameters_are_named():
    op = tl.make_operator("denoising")
    y = op.corrupt(torch.full((1, 3, 16, 16), 0.5))
    with pytest.raises(ValueError, match="sigma_scale must be a number >= 0, got -1"):
        restore_bm3d(y, op, sigma_scale=-1)
    with pytest.raises(
        ValueError, match="unknown BM3D profile 'fast'; expected one of np"
    ):
        restore_bm3d(y, op, profile="fast")
    with pytest.raises(ValueError, match=r"8x8 blocks.*got \(8, 8\)"):
        restore_bm3d(y[..., :8, :8], op)  # the library itself would crash here
    with pytest.raises(ValueError, match="Gaussian noise or none"):
        noise_sigma(tl.make_operator("denoising", noise="salt"))


def test_missing_package_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "bm3d", None)  # import bm3d -> ImportError
    op = tl.make_operator("denoising")
    with pytest.raises(ImportError, match="pip install bm3d"):
        restore_bm3d(op.corrupt(torch.full((1, 3, 16, 16), 0.5)), op)


def test_table_runs_bm3d_on_denoising_and_quantization_only():
    served = {task for task in tl.TASKS if not table.skipped("bm3d", task)}
    assert served == {"denoising", "quantization"}
    assert "bm3d" in evaluate.METHODS and table.NAMES["bm3d"] == "BM3D"
    order = table.ROW_ORDER
    assert order.index("sparse") + 1 == order.index("bm3d") == order.index("gan") - 1
    assert "bm3d" not in table.PAPER
