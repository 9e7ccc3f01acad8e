"""Training: a run writes its record, is deterministic, and resumes exactly."""
import csv

import pytest
import torch

from tutorial_lib.train import TrainConfig, train

CONFIG = TrainConfig(epochs=2, batch_size=16, seed=1)


@pytest.fixture(scope="module")
def faces():
    return torch.rand(32, 3, 64, 64, generator=torch.Generator().manual_seed(0))


def _params(G):
    return torch.cat([p.flatten() for p in G.parameters()])


def test_run_writes_checkpoint_log_and_samples(tmp_path, faces):
    G, D, log = train(faces, tmp_path, CONFIG, device="cpu", progress=False)
    assert (tmp_path / "checkpoint.pt").is_file()
    assert sorted(p.name for p in tmp_path.glob("samples_*.png")) == [
        "samples_001.png", "samples_002.png", "samples_final.png"]
    rows = list(csv.DictReader(open(tmp_path / "log.csv")))
    assert [r["epoch"] for r in rows] == ["1", "2"]
    assert set(rows[0]) >= {"loss_D", "loss_G", "acc_real", "acc_fake", "seconds"}
    assert all(0 <= float(r["acc_real"]) <= 1 for r in rows)


def test_deterministic_and_resumable(tmp_path, faces):
    full, _, _ = train(faces, tmp_path / "a", CONFIG, device="cpu", progress=False)
    again, _, _ = train(faces, tmp_path / "b", CONFIG, device="cpu", progress=False)
    assert torch.equal(_params(full), _params(again))
    half = TrainConfig(epochs=1, batch_size=16, seed=1)
    train(faces, tmp_path / "c", half, device="cpu", progress=False)
    resumed, _, log = train(faces, tmp_path / "c", CONFIG, device="cpu", progress=False)
    assert len(log) == 2
    assert torch.allclose(_params(resumed), _params(full), atol=1e-6)


def test_training_moves_the_generator(tmp_path, faces):
    from tutorial_lib.models import make_dcgan

    G0, _ = make_dcgan(seed=1)
    G, _, _ = train(faces, tmp_path, CONFIG, device="cpu", progress=False)
    assert not torch.allclose(_params(G), _params(G0))


def test_bad_faces_and_mismatched_resume(tmp_path, faces):
    with pytest.raises(ValueError, match=r"faces must be \(N, 3, 64, 64\)"):
        train(torch.rand(32, 3, 32, 32), tmp_path, CONFIG, progress=False)
    with pytest.raises(ValueError, match="need at least one batch of 16 faces, got 8"):
        train(faces[:8], tmp_path, CONFIG, progress=False)
    train(faces, tmp_path / "r", TrainConfig(epochs=1, batch_size=16, seed=1),
          device="cpu", progress=False)
    with pytest.raises(ValueError, match="use another run folder"):
        train(faces, tmp_path / "r", TrainConfig(epochs=2, batch_size=16, seed=2),
              device="cpu", progress=False)
