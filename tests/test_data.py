"""CelebA in its official layout, read from a tiny folder the test writes itself."""

import numpy as np
import pytest
import torch
from PIL import Image

import tutorial_lib as tl
from tutorial_lib.data import celeba_files, prepare_face, to_grid


def _face(width, height, center, background=(0, 0, 255)):
    """An image with a colored central square of side 108/178 of the width."""
    a = np.zeros((height, width, 3), np.uint8)
    a[:] = background
    side = round(108 / 178 * width)
    top, left = (height - side) // 2, (width - side) // 2
    a[top : top + side, left : left + side] = center
    return Image.fromarray(a)


@pytest.fixture
def celeba(tmp_path):
    """Six images, two per split, in the two resolutions of ../shared/celeba."""
    (tmp_path / "img_align_celeba").mkdir()
    lines = []
    for i, (split, size) in enumerate(
        [
            (0, (178, 218)),
            (0, (89, 109)),
            (1, (178, 218)),
            (1, (89, 109)),
            (2, (178, 218)),
            (2, (178, 218)),
        ],
        start=1,
    ):
        name = f"{i:06d}.jpg"
        _face(*size, center=(40 * i, 200, 0)).save(
            tmp_path / "img_align_celeba" / name, quality=100, subsampling=0
        )
        lines.append(f"{name} {split}")
    (tmp_path / "list_eval_partition.txt").write_text("\n".join(reversed(lines)) + "\n")
    return tmp_path


def test_splits_in_id_order(celeba):
    assert [p.name for p in celeba_files(celeba, "valid")] == [
        "000003.jpg",
        "000004.jpg",
    ]
    assert len(celeba_files(celeba, "train")) == 2


def test_faces_are_64x64_float_in_unit_range(celeba):
    x = tl.load_celeba(celeba, "train")
    assert x.shape == (2, 3, 64, 64) and x.dtype == torch.float32
    assert x.min() >= 0 and x.max() <= 1


def test_crop_is_the_central_square_at_both_resolutions(celeba):
    """The crop is exactly the colored square: every pixel is its color, none blue."""
    x = tl.load_celeba(celeba, "train")  # 178x218 and 89x109 originals
    for face, red in zip(x, (40, 80)):
        color = torch.tensor([red, 200, 0]).view(3, 1, 1) / 255
        assert (face - color).abs().max() < 0.05


def test_n_keeps_the_first_faces(celeba):
    assert len(tl.load_celeba(celeba, "test", n=1)) == 1


def test_resize_is_antialiased():
    """A one-pixel checkerboard must average to gray, not alias into stripes."""
    a = (np.indices((218, 178)).sum(0) % 2 * 255).astype(np.uint8)
    x = prepare_face(Image.fromarray(a).convert("RGB"))
    assert abs(x.mean().item() - 0.5) < 0.02 and x.std().item() < 0.05


def test_bad_split_and_folder(tmp_path, celeba):
    with pytest.raises(ValueError, match="split must be one of"):
        tl.load_celeba(celeba, "validation")
    with pytest.raises(FileNotFoundError, match="list_eval_partition.txt not found"):
        tl.load_celeba(tmp_path / "nowhere")


def test_sample_faces():
    x = tl.load_sample_faces(64)
    assert x.shape == (64, 3, 64, 64) and x.dtype == torch.float32
    assert 0 <= x.min() and x.max() <= 1
    assert x.std() > 0.1  # faces, not an empty grid
    assert torch.equal(tl.load_sample_faces(4), x[:4])
    with pytest.raises(ValueError, match="n must be between 1 and 64"):
        tl.load_sample_faces(65)


def test_grid_round_trip():
    x = torch.rand(10, 3, 8, 8)
    grid = to_grid(x, ncols=4)
    assert grid.shape == (3, 24, 32)
    assert torch.equal(grid[:, 8:16, 0:8], x[4])


def test_the_shipped_validation_faces_are_the_first_64_of_their_split():
    """data/validation_faces.txt names the first 64 validation-partition ids (162771
    to 182637 by CelebA's rule), and the faces differ from the test faces."""
    import tutorial_lib as tl
    from tutorial_lib.data import VALIDATION_FACES

    ids = VALIDATION_FACES.with_suffix(".txt").read_text().split()
    assert len(ids) == 64 and ids == sorted(ids)
    assert all(162771 <= int(name[:6]) <= 182637 for name in ids)
    valid = tl.load_sample_faces(64, split="valid")
    assert valid.shape == (64, 3, 64, 64)
    assert (valid - tl.load_sample_faces(64)).abs().mean() > 0.1


def test_an_unknown_split_of_shipped_faces_is_named():
    import tutorial_lib as tl

    with pytest.raises(
        ValueError, match='split must be "test" or "valid", got \'train\''
    ):
        tl.load_sample_faces(4, split="train")
