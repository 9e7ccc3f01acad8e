"""Tests of tutorial_lib.metrics: known answers, agreement with skimage, bad input, and
the helpers that score sets of images for the notebooks."""

import math

import numpy as np
import pytest
import torch
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

import tutorial_lib as tl
from conftest import rand
from tutorial_lib.data import load_sample_faces
from tutorial_lib.metrics import (
    chroma_error,
    is_measured,
    markdown_table,
    metric_table,
    psnr,
    score_images,
    sharpness,
    ssim,
)

TOL = 1e-4


def _noisy(x, std=0.05, seed=1):
    g = torch.Generator().manual_seed(seed)
    return (x + std * torch.randn(x.shape, generator=g)).clamp(0, 1)


def _blur(x):
    # 3x3 box blur with edge replication: a smooth, structured degradation
    padded = torch.nn.functional.pad(x, (1, 1, 1, 1), mode="replicate")
    return torch.nn.functional.avg_pool2d(padded, 3, stride=1)


def _hwc(img):
    # one (C, H, W) tensor to a float64 (H, W, C) array, so skimage works in float64
    return img.permute(1, 2, 0).double().numpy()


def _skimage_ssim(x, y):
    return np.array(
        [
            structural_similarity(
                _hwc(a),
                _hwc(b),
                channel_axis=-1,
                data_range=1,
                gaussian_weights=True,
                sigma=1.5,
                use_sample_covariance=False,
            )
            for a, b in zip(x, y)
        ]
    )


def _skimage_psnr(x, y):
    return np.array(
        [peak_signal_noise_ratio(_hwc(a), _hwc(b), data_range=1) for a, b in zip(x, y)]
    )


def _pairs():
    x = rand(4, 3, 64, 64)
    faces = load_sample_faces(8)
    return {
        "random vs random": (x, rand(4, 3, 64, 64, seed=2)),
        "random vs noisy": (x, _noisy(x)),
        "faces vs noisy": (faces, _noisy(faces, std=0.1)),
        "faces vs blurred": (faces, _blur(faces)),
    }


# --- known answers ------------------------------------------------------------


def test_psnr_known_answer():
    # MSE = 0.1^2 = 0.01, so PSNR = 10 log10(100) = 20 dB
    out = psnr(torch.zeros(2, 3, 16, 16), torch.full((2, 3, 16, 16), 0.1))
    assert out.shape == (2,)
    assert torch.allclose(out, torch.full((2,), 20.0), atol=1e-4)


def test_identical_images():
    x = rand(3, 3, 32, 32)
    assert torch.isinf(psnr(x, x)).all() and (psnr(x, x) > 0).all()
    assert torch.allclose(ssim(x, x), torch.ones(3), atol=1e-6)


def test_output_shape_and_dtype():
    x, y = rand(5, 3, 20, 24), rand(5, 3, 20, 24, seed=3)
    for f in (psnr, ssim):
        assert f(x, y).shape == (5,) and f(x, y).dtype == torch.float32
        assert f(x.double(), y.double()).dtype == torch.float64


def test_ssim_drops_with_degradation():
    faces = load_sample_faces(4)
    mild, strong = ssim(faces, _noisy(faces, 0.02)), ssim(faces, _noisy(faces, 0.2))
    assert (strong < mild).all() and (mild < 1).all()


# --- agreement with scikit-image ----------------------------------------------


@pytest.mark.parametrize("case", list(_pairs()))
def test_agrees_with_skimage(case):
    x, y = _pairs()[case]
    np.testing.assert_allclose(
        psnr(x, y).double().numpy(), _skimage_psnr(x, y), rtol=0, atol=TOL
    )
    np.testing.assert_allclose(
        ssim(x, y).double().numpy(), _skimage_ssim(x, y), rtol=0, atol=TOL
    )


def test_grayscale_agrees_with_skimage():
    x = load_sample_faces(3).mean(dim=1, keepdim=True)  # (3, 1, 64, 64)
    y = _noisy(x)
    ours = ssim(x, y).double().numpy()
    # a 2-D image with channel_axis=None and a one-channel image give the same answer
    for i in range(3):
        a, b = x[i, 0].double().numpy(), y[i, 0].double().numpy()
        ref = structural_similarity(
            a,
            b,
            data_range=1,
            gaussian_weights=True,
            sigma=1.5,
            use_sample_covariance=False,
        )
        assert abs(ours[i] - ref) < TOL
        ref = peak_signal_noise_ratio(a, b, data_range=1)
        assert abs(psnr(x, y)[i].item() - ref) < TOL
    np.testing.assert_allclose(ours, _skimage_ssim(x, y), rtol=0, atol=TOL)


def test_non_square_agrees_with_skimage():
    x = rand(2, 3, 40, 23, seed=5)
    y = _noisy(x, 0.1)
    np.testing.assert_allclose(
        ssim(x, y).double().numpy(), _skimage_ssim(x, y), rtol=0, atol=TOL
    )


# --- each image of a batch is scored on its own -------------------------------


@pytest.mark.parametrize("metric", [psnr, ssim])
def test_per_image_independence(metric):
    x = load_sample_faces(4)
    y = _noisy(x, std=0.1)
    batch = metric(x, y)
    for i in range(4):
        alone = metric(x[i : i + 1], y[i : i + 1])
        assert torch.allclose(batch[i : i + 1], alone, atol=1e-6)
    # changing one image changes only its own score
    y2 = y.clone()
    y2[0] = _blur(y[:1])[0]
    changed = metric(x, y2)
    assert not math.isclose(changed[0].item(), batch[0].item(), abs_tol=1e-3)
    assert torch.allclose(changed[1:], batch[1:], atol=1e-6)


# --- bad input ----------------------------------------------------------------


@pytest.mark.parametrize("metric", [psnr, ssim])
def test_shape_mismatch(metric):
    with pytest.raises(ValueError, match="same shape"):
        metric(torch.rand(2, 3, 16, 16), torch.rand(2, 3, 16, 15))


@pytest.mark.parametrize("metric", [psnr, ssim])
def test_wrong_ndim(metric):
    with pytest.raises(ValueError, match=r"shape \(N, C, H, W\)"):
        metric(torch.rand(3, 16, 16), torch.rand(3, 16, 16))


@pytest.mark.parametrize("metric", [psnr, ssim])
def test_wrong_channels(metric):
    with pytest.raises(ValueError, match="C = 1 or 3"):
        metric(torch.rand(1, 2, 16, 16), torch.rand(1, 2, 16, 16))


@pytest.mark.parametrize("metric", [psnr, ssim])
def test_values_out_of_range(metric):
    x = torch.rand(1, 3, 16, 16)
    with pytest.raises(ValueError, match=r"y must have values in \[0, 1\]"):
        metric(x, x * 255)


@pytest.mark.parametrize("metric", [psnr, ssim])
def test_nan(metric):
    x = torch.rand(1, 3, 16, 16)
    y = x.clone()
    y[0, 0, 3, 3] = float("nan")
    with pytest.raises(ValueError, match="y contains NaN"):
        metric(x, y)


def test_integer_input():
    x = torch.randint(0, 256, (1, 3, 16, 16), dtype=torch.uint8)
    with pytest.raises(ValueError, match="float tensor"):
        psnr(x, x)


def test_ssim_too_small():
    with pytest.raises(ValueError, match="at least 11 x 11"):
        ssim(torch.rand(1, 3, 10, 16), torch.rand(1, 3, 10, 16))


def test_sharpness_of_known_images():
    flat = torch.full((2, 3, 16, 16), 0.4)
    assert torch.equal(sharpness(flat), torch.zeros(2))
    stripes = torch.zeros(1, 1, 8, 8)
    stripes[..., 1::2] = 1.0  # every horizontal step is 1, every vertical step 0
    assert sharpness(stripes).item() == pytest.approx(1.0)


def test_blur_lowers_sharpness():
    x = load_sample_faces(4)
    blurred = torch.nn.functional.avg_pool2d(
        x, 3, stride=1, padding=1, count_include_pad=False
    )
    assert (sharpness(blurred) < 0.8 * sharpness(x)).all()


# --- scoring sets of images (notebook captions and tables) ---------------------------


@pytest.fixture
def faces():
    return rand(2, 3, 64, 64)


def test_scores_skip_the_truth_and_images_of_another_shape(faces):
    images = {"truth": faces, "small": faces[..., :16, :16], "half": faces / 2}
    out = score_images(images, faces)
    assert list(out) == ["half"]
    psnr, ssim = out["half"]
    assert torch.equal(psnr, tl.psnr(faces / 2, faces))
    assert torch.equal(ssim, tl.ssim(faces / 2, faces))


def test_metric_table_known_values(dcgan):
    G, D = dcgan
    x = torch.full((2, 3, 64, 64), 0.5)
    images = {"truth": x, "off by 0.1": x + 0.1}
    table = metric_table(images, x, D, brightness=lambda v: v.mean(dim=(1, 2, 3)))
    assert math.isinf(table["truth"]["PSNR"]) and table["truth"]["SSIM"] == 1
    assert table["off by 0.1"]["PSNR"] == pytest.approx(20.0, abs=1e-4)  # MSE 0.01
    assert table["off by 0.1"]["brightness"] == pytest.approx(0.6)
    with torch.no_grad():
        assert table["truth"]["D logit"] == pytest.approx(D(x).mean().item(), rel=1e-5)
    assert "D logit" not in metric_table(images, x)["truth"]  # no D, no logit


def test_markdown_table_has_a_header_and_one_row_per_image():
    rows = {"a": {"PSNR": 20.0, "SSIM": 0.5}, "b": {"PSNR": 25.25, "SSIM": 1}}
    text = markdown_table(rows)
    lines = text.splitlines()
    assert lines[0] == "| | PSNR | SSIM |" and lines[1] == "|---|---|---|"
    assert lines[2:] == ["| a | 20 | 0.5 |", "| b | 25.25 | 1 |"]


def test_psnr_where_equals_psnr_of_the_selected_region():
    x, y = rand(2, 3, 64, 64, seed=1), rand(2, 3, 64, 64, seed=2)
    hole = torch.zeros(1, 1, 64, 64)
    hole[..., 16:48, 16:48] = 1
    inside = psnr(x[..., 16:48, 16:48], y[..., 16:48, 16:48])
    assert torch.allclose(psnr(x, y, where=hole), inside, atol=1e-4)
    assert torch.equal(psnr(x, y, where=torch.ones(1, 1, 64, 64)), psnr(x, y))


@pytest.mark.parametrize(
    "where, message",
    [
        (torch.ones(64, 64), "4-D"),
        (torch.ones(1, 1, 32, 32), "does not broadcast"),
        (torch.full((1, 1, 64, 64), 0.5), "only 0 and 1"),
        (torch.zeros(1, 1, 64, 64), "no pixel"),
    ],
)
def test_psnr_where_refuses_bad_masks(where, message):
    x = rand(1, 3, 64, 64)
    with pytest.raises(ValueError, match=message):
        psnr(x, x.flip(-1), where=where)


def test_chroma_error_sees_colors_and_ignores_brightness():
    x = 0.2 + 0.6 * rand(2, 3, 16, 16)
    brighter = x + 0.1  # the same d added to R, G and B leaves Cb and Cr unchanged
    assert chroma_error(brighter, x).max() < 1e-6
    gray = x.mean(dim=1, keepdim=True).expand_as(x)  # no chroma at all
    _, cb, cr = tl.blending.rgb_to_ycbcr(x.double())
    magnitude = (cb**2 + cr**2).flatten(1).mean(dim=1).sqrt()
    assert torch.allclose(chroma_error(gray, x).double(), magnitude, atol=1e-6)
    with pytest.raises(ValueError, match="color images"):
        chroma_error(x[:, :1], x[:, :1])


def test_is_measured_means_two_errors_from_zero():
    assert is_measured((0.2, 0.1)) and is_measured((-0.2, 0.1))
    assert not is_measured((0.19, 0.1))
    assert not is_measured((0.0, 0.0))  # identical results are no effect
    assert is_measured((0.31, 0.1), errors=3.0) and not is_measured((0.29, 0.1), 3.0)
