"""Operators: shapes, adjoints, known answers and the statistics of each corruption."""

import pytest
import torch

import tutorial_lib as tl
from conftest import rand
from tutorial_lib.operators import hole_mask

OBSERVED_SHAPE = {
    "inpainting": (2, 3, 64, 64),
    "colorization": (2, 1, 64, 64),
    "super_resolution": (2, 3, 16, 16),
    "denoising": (2, 3, 64, 64),
    "quantization": (2, 3, 64, 64),
}


def test_registry_names_the_five_tasks():
    assert tl.TASKS == tuple(OBSERVED_SHAPE)


@pytest.mark.parametrize("name", tl.TASKS)
def test_shapes(name, device):
    op = tl.make_operator(name)
    x = rand(2, 3, 64, 64, device=device)
    assert op.A(x).shape == OBSERVED_SHAPE[name]
    assert op.corrupt(x).shape == OBSERVED_SHAPE[name]
    assert op.corrupt(x).device.type == device
    assert op.A_adjoint(op.A(x)).shape == x.shape
    assert op.naive_inverse(op.corrupt(x)).shape == x.shape


@pytest.mark.parametrize("name", tl.TASKS)
def test_adjoint_dot_product(name, device):
    """<A x, y> = <x, A* y> for random x and y, in float64."""
    op = tl.make_operator(name)
    x = rand(3, 3, 64, 64, seed=1, device=device).double()
    y = rand(*op.A(x).shape, seed=2, device=device).double()
    lhs = (op.A(x) * y).sum()
    rhs = (x * op.A_adjoint(y)).sum()
    assert torch.allclose(lhs, rhs, rtol=1e-10), (lhs.item(), rhs.item())


@pytest.mark.parametrize("name", tl.TASKS)
def test_corruption_is_deterministic_under_a_seed(name):
    op = tl.make_operator(name)
    x = rand(2, 3, 64, 64)
    assert torch.equal(op.corrupt(x, seed=3), op.corrupt(x, seed=3))


@pytest.mark.parametrize("name", tl.TASKS)
def test_corruption_stays_an_image(name):
    y = tl.make_operator(name).corrupt(rand(4, 3, 64, 64))
    assert y.min() >= 0 and y.max() <= 1


def test_inpainting_hole_is_the_central_32x32_patch():
    x = torch.full((1, 3, 64, 64), 0.5)
    y = tl.make_operator("inpainting").corrupt(x)
    assert torch.all(y[..., 16:48, 16:48] == 0)
    assert (y == 0).sum().item() == 3 * 32 * 32
    assert torch.all(y[..., :16, :] == 0.5) and torch.all(y[..., :, 48:] == 0.5)


def test_all_ones_mask_is_the_identity(monkeypatch):
    """With no pixel missing, A and A* give x back, bit for bit: A only masks."""
    x = rand(1, 3, 64, 64)
    op = tl.make_operator("inpainting")
    monkeypatch.setattr(op, "mask", lambda v: torch.ones(1, 1, 64, 64))
    assert torch.equal(op.A(x), x)
    assert torch.equal(op.A_adjoint(x), x)


def test_inpainting_A_zeroes_the_hole_and_keeps_every_other_pixel():
    x = rand(2, 3, 64, 64, seed=1) + 0.5  # no pixel is 0 to begin with
    y = tl.make_operator("inpainting").A(x)
    hole = torch.zeros(64, 64, dtype=torch.bool)
    hole[16:48, 16:48] = True
    assert torch.all(y[..., hole] == 0)
    assert torch.equal(y[..., ~hole], x[..., ~hole])


def test_a_moved_hole_is_where_asked_and_must_leave_a_border():
    M = hole_mask(64, 64, 16, top_left=(5, 40))
    assert M[0, 0, 5:21, 40:56].sum() == 0 and M.sum() == 64 * 64 - 16 * 16
    assert M[0, 0, 4, 40] == 1 and M[0, 0, 21, 40] == 1 and M[0, 0, 5, 56] == 1
    op = tl.make_operator("inpainting", hole=16, top_left=(5, 40))
    assert torch.equal(op.mask(torch.zeros(2, 3, 64, 64)), M)
    for corner in [(0, 10), (10, 48), (-1, 5)]:
        with pytest.raises(ValueError, match=r"must start at a row in \[1, 47\]"):
            tl.make_operator("inpainting", hole=16, top_left=corner)
    with pytest.raises(ValueError, match="hole must be between 1 and 62 pixels"):
        hole_mask(64, 64, 63)


def test_hole_mask_known_values():
    assert hole_mask(4, 6, 2).tolist() == [
        [
            [
                [1, 1, 1, 1, 1, 1],
                [1, 1, 0, 0, 1, 1],
                [1, 1, 0, 0, 1, 1],
                [1, 1, 1, 1, 1, 1],
            ]
        ]
    ]
    M = hole_mask(64, 64, 32)
    assert M.shape == (1, 1, 64, 64) and M.sum() == 64 * 64 - 32 * 32
    assert M[0, 0, 15:17, 15:17].tolist() == [[1, 1], [1, 0]]  # the hole's corner
    assert M[0, 0, 47:49, 47:49].tolist() == [[0, 1], [1, 1]]  # and the opposite one


def test_weighted_mask_is_largest_next_to_the_hole():
    op = tl.make_operator("inpainting", weighted=True)
    W = op.weights(torch.zeros(1, 3, 64, 64))[0, 0]
    assert torch.all(W[16:48, 16:48] == 0)  # missing pixels carry no weight
    assert W[15, 32] > W[10, 32] > 0  # one pixel above the hole beats six above
    assert W[0, 0] == 0  # farther than the window from the hole
    assert tl.make_operator("inpainting").weights(torch.zeros(1, 3, 64, 64)) is None


def test_colorization_is_bt601_luma():
    x = torch.zeros(1, 3, 4, 4)
    x[:, 0], x[:, 1], x[:, 2] = 1.0, 0.5, 0.25
    gray = tl.make_operator("colorization").A(x)
    assert torch.allclose(
        gray, torch.full((1, 1, 4, 4), 0.299 + 0.5 * 0.587 + 0.25 * 0.114)
    )


def test_downsampling_a_constant_image_gives_the_constant():
    y = tl.make_operator("super_resolution").A(torch.full((1, 3, 64, 64), 0.3))
    assert torch.allclose(y, torch.full((1, 3, 16, 16), 0.3))


def test_super_resolution_averages_blocks():
    x = torch.arange(16.0).view(1, 1, 4, 4).expand(1, 3, 4, 4) / 16
    y = tl.make_operator("super_resolution").A(x)
    assert torch.allclose(y, x.mean(dim=(2, 3), keepdim=True))


def test_denoising_noise_has_std_0_1():
    x = torch.full((8, 3, 64, 64), 0.5)  # mid-gray: clipping at 0 and 1 is 5 sigma away
    noise = tl.make_operator("denoising").corrupt(x, seed=0) - x
    assert abs(noise.mean().item()) < 2e-3
    assert abs(noise.std().item() - 0.1) < 2e-3


def test_quantization_has_five_levels():
    y = tl.make_operator("quantization").corrupt(rand(4, 3, 64, 64))
    levels = torch.unique(y)
    assert torch.allclose(levels, torch.tensor([0, 0.25, 0.5, 0.75, 1.0]))


def test_quantization_rounds_to_the_nearest_level():
    x = torch.tensor([0.0, 0.12, 0.13, 0.6, 0.9]).view(1, 1, 1, 5).expand(1, 3, 1, 5)
    y = tl.make_operator("quantization").corrupt(x.contiguous())
    assert torch.allclose(y[0, 0, 0], torch.tensor([0.0, 0.0, 0.25, 0.5, 1.0]))


def test_naive_inverses():
    x = rand(1, 3, 64, 64)
    gray = tl.make_operator("colorization").corrupt(x)
    rgb = tl.make_operator("colorization").naive_inverse(gray)
    assert torch.equal(rgb[:, 0], gray[:, 0]) and torch.equal(rgb[:, 2], gray[:, 0])
    sr = tl.make_operator("super_resolution")
    const = torch.full((1, 3, 16, 16), 0.4)
    assert torch.allclose(sr.naive_inverse(const), torch.full((1, 3, 64, 64), 0.4))


def test_unknown_operator_name_is_a_clear_error():
    with pytest.raises(
        ValueError, match="unknown operator 'deblurring'; expected one of"
    ):
        tl.make_operator("deblurring")


@pytest.mark.parametrize(
    "x, message",
    [
        (torch.rand(3, 64, 64), r"shape \(N, C, H, W\) with C = 3, got \(3, 64, 64\)"),
        (torch.rand(1, 4, 64, 64), r"C = 3, got \(1, 4, 64, 64\)"),
        (torch.rand(1, 3, 64, 64) * 255, r"values in \[0, 1\], got range"),
        (torch.full((1, 3, 64, 64), float("nan")), "contains NaN"),
        (torch.zeros(1, 3, 64, 64, dtype=torch.uint8), "float tensor"),
    ],
)
def test_corrupt_rejects_bad_images(x, message):
    with pytest.raises(ValueError, match=message):
        tl.make_operator("denoising").corrupt(x)


def test_bad_operator_options():
    with pytest.raises(ValueError, match="levels must be >= 2, got 1"):
        tl.make_operator("quantization", levels=1)
    with pytest.raises(ValueError, match="sigma must be >= 0"):
        tl.make_operator("denoising", sigma=-0.1)
    with pytest.raises(
        ValueError, match="hole must be between 1 and 62 pixels, got 64"
    ):
        tl.make_operator("inpainting", hole=64)  # refused when made, not when used


@pytest.mark.parametrize("name", tl.TASKS)
def test_each_operator_passes_its_own_dot_test(name):
    assert tl.make_operator(name).adjointness_error() < 1e-12


def test_the_dot_test_catches_a_wrong_adjoint():
    class HalfAdjoint(type(tl.make_operator("super_resolution"))):
        def A_adjoint(self, y):  # off by a factor of 2
            return 2 * super().A_adjoint(y)

    assert HalfAdjoint().adjointness_error() > 0.5


@pytest.mark.parametrize(
    "name, expected",
    [
        ("inpainting", 1.0),
        ("denoising", 1.0),
        ("quantization", 1.0),
        ("super_resolution", 1 / 16),
        ("colorization", 0.299**2 + 0.587**2 + 0.114**2),
    ],
)
def test_norm_squared_known_values(name, expected):
    """||A||^2 with the 2 % safety margin: masks and identities 1, 4x4 averaging 1/16,
    the luma row (w_R, w_G, w_B) its squared length."""
    estimate = tl.make_operator(name).norm_squared(torch.zeros(1, 3, 64, 64))
    assert estimate == pytest.approx(1.02 * expected, rel=1e-3)


def test_corrupt_is_sensor_of_noise_of_A():
    """Inpainting of a noisy photo is a composition, not a new class."""
    from tutorial_lib.operators import Clip, GaussianNoise

    op = tl.make_operator("inpainting", noise=GaussianNoise(0.05))
    x = rand(2, 3, 64, 64, seed=3)
    y = op.corrupt(x, seed=4)
    g = torch.Generator().manual_seed(4)
    expected = Clip()(op.A(x) + 0.05 * torch.randn(x.shape, generator=g))
    assert torch.equal(y, expected)
    assert (
        y[..., 16:48, 16:48].std() > 0.01
    )  # the hole got noise too (A first, then noise)
    assert torch.equal(tl.make_operator("inpainting").corrupt(x, seed=4), op.A(x))


def test_denoising_and_quantization_are_named_parts():
    from tutorial_lib.operators import Clip, GaussianNoise, NoNoise, Quantize

    denoising, quantization = (
        tl.make_operator("denoising"),
        tl.make_operator("quantization"),
    )
    assert (denoising.noise, denoising.sensor) == (GaussianNoise(0.1), Clip())
    assert (quantization.noise, quantization.sensor) == (NoNoise(), Quantize(5))
    assert tl.make_operator("denoising", sigma=0.2).noise == GaussianNoise(0.2)


# --- the changed corruptions of notebook 13 ------------------------------------------


def test_bicubic_downsampler_is_linear_with_an_exact_adjoint():
    op = tl.make_operator("super_resolution", downsampler="bicubic")
    x = rand(2, 3, 64, 64, seed=3).double()
    y = rand(2, 3, 16, 16, seed=4).double()
    assert op.A(x).shape == (2, 3, 16, 16)
    assert torch.allclose(op.A(2 * x + 1), 2 * op.A(x) + 1)  # weights sum to 1
    lhs, rhs = (op.A(x) * y).sum(), (x * op.A_adjoint(y)).sum()
    assert abs(lhs - rhs) / abs(lhs) < 1e-12


def test_bicubic_downsampler_is_another_camera_than_the_block_average():
    """Same constant, same answer; on a face the two low-resolution images differ by
    more than a gray level in places (else the 'shift' would be no shift)."""
    box = tl.make_operator("super_resolution")
    bicubic = tl.make_operator("super_resolution", downsampler="bicubic")
    flat = torch.full((1, 3, 64, 64), 0.4)
    assert torch.allclose(bicubic.A(flat), box.A(flat), atol=1e-6)
    x = tl.load_sample_faces(2)
    assert (bicubic.A(x) - box.A(x)).abs().max() > 8 / 255
    with pytest.raises(ValueError, match="downsampler must be one of box, bicubic"):
        tl.make_operator("super_resolution", downsampler="lanczos")


def test_colorization_with_another_gray_conversion():
    op = tl.make_operator("colorization", weights=(1 / 3, 1 / 3, 1 / 3))
    x = rand(2, 3, 8, 8, seed=5)
    assert torch.allclose(op.A(x), x.mean(dim=1, keepdim=True), atol=1e-6)
    assert op.adjointness_error() < 1e-12
    # the blend keeps the observation's gray exactly where nothing is clamped
    x_hat = 0.25 + 0.5 * rand(2, 3, 8, 8, seed=6)
    y = 0.4 + 0.2 * rand(2, 1, 8, 8, seed=7)
    assert torch.allclose(op.A(op.blend(x_hat, y)), y, atol=1e-6)
    # and the default conversion still blends through YCbCr, to the same effect
    default = tl.make_operator("colorization")
    assert torch.allclose(default.A(default.blend(x_hat, y)), y, atol=1e-5)
    with pytest.raises(ValueError, match="summing to 1"):
        tl.make_operator("colorization", weights=(0.5, 0.5, 0.5))


@pytest.mark.parametrize("name", tl.TASKS)
def test_data_term_weights_are_a_method_giving_none_or_a_tensor(name):
    """An option stored as self.weights once hid the method, and restore() failed."""
    for options in (
        {},
        {"weights": (1 / 3, 1 / 3, 1 / 3)} if name == "colorization" else {},
    ):
        op = tl.make_operator(name, **options)
        y = op.corrupt(tl.load_sample_faces(1))
        w = op.weights(y)
        assert w is None or (torch.is_tensor(w) and w.shape[-2:] == y.shape[-2:])
