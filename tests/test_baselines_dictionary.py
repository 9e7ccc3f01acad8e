"""K-SVD (tutorial_lib.baselines.dictionary): a known dictionary is recovered, and the
command that learns the shipped one records how it was made."""

import pytest
import torch

import tutorial_lib as tl
from conftest import random_dictionary, sparse_signals
from tutorial_lib.__main__ import main
from tutorial_lib.baselines.dictionary import ksvd
from tutorial_lib.baselines.sparse import load_dictionary


def test_ksvd_recovers_a_known_dictionary():
    # Aharon et al.'s synthetic test: 20 x 50 dictionary, 1500 signals of 3 atoms
    D_true = random_dictionary(20, 50)
    X, _, _ = sparse_signals(D_true, n=1500, k=3)
    D, history = ksvd(X, 50, 3, 60, torch.Generator().manual_seed(1))
    assert torch.allclose(D.norm(dim=0), torch.ones(50), atol=1e-5)
    best = (D.T @ D_true).abs().max(0).values  # each true atom's closest learned atom
    assert (best > 0.99).float().mean() >= 0.9  # 48 of 50 here; Aharon et al.: ~96 %
    assert history[-1] < history[len(history) // 2] < history[0]
    assert history[-1] < 0.35 * history[0]  # 0.32 -> 0.09


def test_cli_learns_a_dictionary_and_refuses_to_overwrite(tmp_path):
    faces = tmp_path / "faces.pt"
    torch.save((tl.load_sample_faces(8) * 255).round().to(torch.uint8), faces)
    out = tmp_path / "dict.pt"
    args = [
        "dictionary",
        "--data",
        str(faces),
        "--out",
        str(out),
        "--atoms",
        "16",
        "--patches",
        "500",
        "--iterations",
        "2",
        "--seed",
        "3",
    ]
    main(args)
    assert load_dictionary(out).shape == (192, 16)
    meta = torch.load(out, weights_only=True)["meta"]
    assert meta["atoms"] == 16 and meta["seed"] == 3 and len(meta["rms_error"]) == 2
    assert "--patches 500" in meta["command"]
    before = out.read_bytes()
    with pytest.raises(SystemExit, match="exists; pass --force"):
        main(args)
    assert out.read_bytes() == before
