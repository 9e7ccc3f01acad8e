"""The sparse baseline: OMP, patch geometry, restore_sparse, the shipped dictionary.

K-SVD and the dictionary command: tests/test_baselines_dictionary.py."""

import pytest
import torch

import tutorial_lib as tl
from conftest import rand, random_dictionary, sparse_signals
from tutorial_lib.baselines.dictionary import learn_dictionary
from tutorial_lib.baselines.sparse import (
    DICTIONARY_FILE,
    average_patches,
    load_dictionary,
    omp,
    patches,
    restore_sparse,
    save_dictionary,
)


def as_dense(support, coef, K):
    return torch.zeros(len(support), K).scatter_(1, support, coef)


@pytest.fixture(scope="module")
def tiny_dictionary():
    """32 mean-free 8x8x3 atoms learned in a second from the shipped sample faces."""
    D, _ = learn_dictionary(
        tl.load_sample_faces(16), atoms=32, sparsity=3, iterations=3, patches=2000
    )
    return D


def test_omp_recovers_support_and_coefficients():
    D = random_dictionary(64, 128)
    X, support, coef = sparse_signals(D, n=200, k=4)
    found, found_coef = omp(X, D, 4)
    assert torch.equal(found.sort(1).values, support.sort(1).values)
    truth = as_dense(support, coef, 128)
    assert torch.allclose(as_dense(found, found_coef, 128), truth, atol=1e-4)


def test_masked_omp_codes_from_the_observed_entries_only():
    D = random_dictionary(64, 128)
    X, support, coef = sparse_signals(D, n=200, k=3)
    g = torch.Generator().manual_seed(2)
    observed = (torch.rand(X.shape, generator=g) < 0.75).float()  # ~48 of 64 entries
    garbage = torch.where(observed > 0, X, torch.full_like(X, 100.0))
    found, found_coef = omp(garbage, D, 3, weights=observed)
    truth = as_dense(support, coef, 128)
    assert torch.allclose(as_dense(found, found_coef, 128), truth, atol=1e-3)
    filled = as_dense(found, found_coef, 128) @ D.T  # the hidden entries come back
    assert torch.allclose(filled, X, atol=1e-3)


@pytest.mark.parametrize("stride", [1, 2, 4])
def test_averaging_the_patches_of_an_image_gives_it_back(stride):
    x = rand(2, 3, 16, 16)
    P = patches(x, 8, stride)
    assert P.shape[1] == 3 * 64
    assert torch.allclose(average_patches(P, x.shape, 8, stride), x, atol=1e-6)


@pytest.mark.parametrize("task", tl.TASKS)
def test_restore_sparse_runs_on_every_operator(task, device, tiny_dictionary):
    op = tl.make_operator(task)
    x = tl.load_sample_faces(2).to(device)
    y = op.corrupt(x, seed=0)
    x_hat = restore_sparse(y, op, tiny_dictionary, iters=2)
    assert x_hat.shape == x.shape and x_hat.device == x.device
    assert x_hat.dtype == torch.float32
    assert 0 <= x_hat.min() and x_hat.max() <= 1


def test_restore_sparse_is_deterministic_and_images_are_independent(tiny_dictionary):
    op = tl.make_operator("inpainting")
    y = op.corrupt(tl.load_sample_faces(3), seed=0)
    first = restore_sparse(y, op, tiny_dictionary, iters=2)
    assert torch.equal(first, restore_sparse(y, op, tiny_dictionary, iters=2))
    alone = restore_sparse(y[1:2], op, tiny_dictionary, iters=2)
    assert torch.allclose(alone, first[1:2], atol=1e-4)


def test_shipped_dictionary_denoises_a_face():
    op = tl.make_operator("denoising")
    x = tl.load_sample_faces(4)
    y = op.corrupt(x, seed=0)
    gain = tl.psnr(restore_sparse(y, op), x) - tl.psnr(y, x)
    assert (gain > 4).all(), gain  # ~ +8 dB with the tuned defaults


def test_shipped_dictionary_is_small_and_records_its_making():
    D = load_dictionary()
    assert D.shape[0] == 192 and D.shape[1] >= 256
    assert torch.allclose(D.norm(dim=0), torch.ones(D.shape[1]), atol=1e-4)
    assert D.sum(0).abs().max() < 1e-3  # mean-free: the DC atom is added at restoration
    assert DICTIONARY_FILE.stat().st_size < 1_000_000
    meta = torch.load(DICTIONARY_FILE, weights_only=True)["meta"]
    assert meta["command"].startswith("python -m tutorial_lib dictionary")


def test_bad_parameters_are_clear_errors(tiny_dictionary):
    op = tl.make_operator("denoising")
    y = op.corrupt(tl.load_sample_faces(1), seed=0)
    with pytest.raises(ValueError, match="lam must be a number"):
        restore_sparse(y, op, tiny_dictionary, lam=-1.0)
    with pytest.raises(ValueError, match="stride must divide the patch size 8"):
        restore_sparse(y, op, tiny_dictionary, stride=3)
    with pytest.raises(ValueError, match="sparsity must be <= the 33 atoms"):
        restore_sparse(y, op, tiny_dictionary, sparsity=40)
    with pytest.raises(ValueError, match=r"dictionary must have shape \(3 p\^2, K\)"):
        restore_sparse(y, op, torch.randn(50, 10))
    with pytest.raises(ValueError, match="y must have shape"):
        restore_sparse(y, tl.make_operator("colorization"), tiny_dictionary)
    with pytest.raises(ValueError, match="D must have shape"):
        omp(torch.zeros(3, 5), torch.zeros(4, 8), 2)


def test_missing_or_damaged_dictionary_file_names_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m tutorial_lib dictionary"):
        load_dictionary(tmp_path / "none.pt")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a torch file")
    with pytest.raises(ValueError, match="bad.pt is not a usable sparse dictionary"):
        load_dictionary(bad)
    save_dictionary(torch.zeros(10, 4), tmp_path / "shape.pt")
    with pytest.raises(ValueError, match="not a usable sparse dictionary"):
        load_dictionary(tmp_path / "shape.pt")
