"""Quality measures: the pyramid inverts, SWD has known answers, D's margins are exact."""

import math

import pytest
import torch
from torch import nn

from tutorial_lib.quality import (
    collapse_pyramid,
    corrupted_versions,
    discriminator_margins,
    laplacian_pyramid,
    sliced_wasserstein,
    swd,
)


@pytest.fixture(scope="module")
def faces():
    """Smooth random 'faces': low-frequency noise upsampled, so the levels differ."""
    g = torch.Generator().manual_seed(0)
    coarse = torch.rand(48, 3, 8, 8, generator=g)
    return nn.functional.interpolate(coarse, size=64, mode="bicubic").clamp(0, 1)


def test_pyramid_shapes_and_exact_collapse(faces):
    pyramid = laplacian_pyramid(faces, levels=3)
    assert [tuple(level.shape[-2:]) for level in pyramid] == [
        (64, 64),
        (32, 32),
        (16, 16),
    ]
    torch.testing.assert_close(collapse_pyramid(pyramid), faces, atol=1e-6, rtol=0)


def test_pyramid_detail_of_a_constant_image_is_zero():
    flat = torch.full((2, 3, 64, 64), 0.3)
    detail, _, low = laplacian_pyramid(flat)
    assert detail.abs().max() < 1e-6
    torch.testing.assert_close(low, torch.full_like(low, 0.3))


def test_sliced_wasserstein_of_a_shift_is_the_mean_projected_shift():
    """b = a + s: every projection moves by u.s, so W1 along u is exactly |u.s|."""
    g = torch.Generator().manual_seed(1)
    a = torch.randn(500, 6, generator=g, dtype=torch.float64)
    s = torch.tensor([0.5, -1.0, 0.0, 2.0, 0.25, 0.0], dtype=torch.float64)
    distance = sliced_wasserstein(
        a, a + s, directions=64, generator=torch.Generator().manual_seed(2)
    )
    u = torch.randn(6, 64, generator=torch.Generator().manual_seed(2)).double()
    u = u / u.norm(dim=0)
    torch.testing.assert_close(distance, (s @ u).abs().mean())
    # and in expectation |s| E|u_1|, E|u_1| = Gamma(d/2) / (sqrt(pi) Gamma((d+1)/2))
    many = sliced_wasserstein(
        a, a + s, directions=20_000, generator=torch.Generator().manual_seed(3)
    )
    d = 6
    expected = (
        s.norm() * math.gamma(d / 2) / (math.sqrt(math.pi) * math.gamma((d + 1) / 2))
    )
    assert abs(many.item() - expected.item()) < 0.02 * expected.item()


def test_sliced_wasserstein_ignores_the_order_of_the_points():
    g = torch.Generator().manual_seed(4)
    a = torch.randn(300, 5, generator=g)
    shuffled = a[torch.randperm(300, generator=g)]
    assert sliced_wasserstein(a, shuffled, 32, torch.Generator().manual_seed(0)) < 1e-6


def test_swd_is_zero_for_the_same_set_and_grows_with_noise(faces):
    same = swd(faces, faces)
    assert set(same) == {"swd_64", "swd_32", "swd_16", "swd"}
    assert all(value == 0 for value in same.values())
    g = torch.Generator().manual_seed(5)
    noise = torch.randn(faces.shape, generator=g)
    finest = [
        swd((faces + sigma * noise).clamp(0, 1), faces)["swd_64"]
        for sigma in (0.01, 0.05, 0.2)
    ]
    assert finest[0] < finest[1] < finest[2]


def test_swd_sees_blur_mostly_at_the_finest_level(faces):
    g = torch.Generator().manual_seed(6)
    sharp = (faces + 0.05 * torch.randn(faces.shape, generator=g)).clamp(0, 1)
    blurred = nn.functional.avg_pool2d(
        sharp, 3, stride=1, padding=1, count_include_pad=False
    )
    result = swd(blurred, sharp)
    assert result["swd_64"] > 5 * result["swd_16"]


def test_swd_refuses_sets_of_different_shapes(faces):
    with pytest.raises(
        ValueError, match=r"same shape .* got \(48, 3, 64, 64\) and \(8, 3"
    ):
        swd(faces, faces[:8])
    with pytest.raises(ValueError, match="two .n, d. point sets"):
        sliced_wasserstein(torch.zeros(4, 3), torch.zeros(5, 3))


class MeanBrightness(nn.Module):
    """A 'discriminator' whose logit is 10 x the mean pixel value: margins are known."""

    def __init__(self):
        super().__init__()
        self.unused = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return 10 * x.mean(dim=(1, 2, 3))


def test_discriminator_margins_are_differences_of_mean_logits(faces):
    D = MeanBrightness()
    fake = faces * 0.5
    margins = discriminator_margins(D, faces, {"ema": fake}, batch_size=7)
    real = 10 * faces.mean().item()
    assert margins["logit_real"] == pytest.approx(real, rel=1e-5)
    assert margins["margin_generated_ema"] == pytest.approx(
        real - 10 * fake.mean().item(), rel=1e-4
    )
    for name, images in corrupted_versions(faces).items():
        assert margins[f"margin_{name}"] == pytest.approx(
            real - 10 * images.mean().item(), abs=1e-4
        )


def test_corrupted_versions_are_the_paper_corruptions(faces):
    versions = corrupted_versions(faces)
    assert set(versions) == {"noisy", "quantized", "blurred"}
    assert (versions["noisy"] - faces).std() == pytest.approx(0.1, rel=0.1)
    assert len(torch.unique(versions["quantized"])) == 5
    assert all(v.shape == faces.shape for v in versions.values())
