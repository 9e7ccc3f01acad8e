"""tutorial_lib.evaluate: methods by name, and evaluate_method's per-batch timing."""

import pytest

from tutorial_lib.data import load_sample_faces
from tutorial_lib.evaluate import evaluate_method, restore_with
from tutorial_lib.operators import make_operator


def test_gan_needs_its_networks():
    op = make_operator("denoising")
    with pytest.raises(ValueError, match="needs the generator"):
        restore_with("gan", op.corrupt(load_sample_faces(3)), op)


def test_unknown_method_names_the_known_ones():
    op = make_operator("denoising")
    with pytest.raises(
        ValueError, match="unknown method 'wiener'; expected one of naive"
    ):
        restore_with("wiener", op.corrupt(load_sample_faces(1)), op)


def test_seconds_are_one_entry_per_batch(quarter_second_per_face):
    """19 faces at batch size 16: two batches, of 16 and 3 faces (0.25 s a face)."""
    scores = evaluate_method(load_sample_faces(19), "denoising", "naive", batch_size=16)
    assert scores["seconds"].tolist() == [4.0, 0.75]
    assert scores["psnr"].shape == (19,) and scores["ssim"].shape == (19,)
