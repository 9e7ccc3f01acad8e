"""Training: a run writes its record, is deterministic, resumes exactly, averages its
generator without keeping the random start, and logs the quality that picks the epoch."""

import csv
import math

import pytest
import torch

from tutorial_lib.models import make_dcgan
from tutorial_lib.quality import swd
from tutorial_lib.train import (
    TrainConfig,
    bf16_is_fast,
    ema_decay_at,
    initial_share,
    load_snapshot,
    pick_snapshot,
    resolve_precision,
    train,
    update_ema,
)

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
        "samples_001.png",
        "samples_002.png",
        "samples_final.png",
    ]
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
    G0, _ = make_dcgan(seed=1)
    G, _, _ = train(faces, tmp_path, CONFIG, device="cpu", progress=False)
    assert not torch.allclose(_params(G), _params(G0))


def test_bad_faces_and_mismatched_resume(tmp_path, faces):
    with pytest.raises(ValueError, match=r"faces must be \(N, 3, 64, 64\)"):
        train(torch.rand(32, 3, 32, 32), tmp_path, CONFIG, progress=False)
    with pytest.raises(ValueError, match="need at least one batch of 16 faces, got 8"):
        train(faces[:8], tmp_path, CONFIG, progress=False)
    train(
        faces,
        tmp_path / "r",
        TrainConfig(epochs=1, batch_size=16, seed=1),
        device="cpu",
        progress=False,
    )
    with pytest.raises(ValueError, match="use another run folder"):
        train(
            faces,
            tmp_path / "r",
            TrainConfig(epochs=2, batch_size=16, seed=2),
            device="cpu",
            progress=False,
        )


# --- the weight average -------------------------------------------------------------


def test_initial_share_known_values():
    # without warm-up: decay^t; the shipped 16-epoch run kept 17 % of its random start
    assert initial_share(1776, 0.999, warmup=False) == pytest.approx(0.999**1776)
    assert initial_share(1776, 0.999, warmup=False) == pytest.approx(0.169, abs=1e-3)
    # with warm-up the first factors are 1/10, 2/11, 3/12, ...
    assert initial_share(3, 0.999) == pytest.approx(1 / 10 * 2 / 11 * 3 / 12)
    assert initial_share(100, 0.999) < 1e-12
    assert initial_share(1776, 0.999) < 1e-20
    assert ema_decay_at(0, 0.999) == pytest.approx(0.1)
    assert ema_decay_at(10_000, 0.999) == 0.999  # capped at the configured decay


@pytest.mark.parametrize("warmup", [True, False])
def test_average_keeps_the_share_of_the_start_that_initial_share_says(warmup):
    """Average a fixed target w1 into a start w0: w_ema = s w0 + (1 - s) w1, s measured."""
    from torch import nn

    start, target = nn.Linear(4, 4), nn.Linear(4, 4)
    with torch.no_grad():
        start.weight.fill_(1.0), target.weight.fill_(0.0)
    steps = 50
    for t in range(steps):
        decay = ema_decay_at(t, 0.99) if warmup else 0.99
        update_ema(start, target, decay)
    share = start.weight.mean().item()  # (s * 1 + (1 - s) * 0)
    assert share == pytest.approx(initial_share(steps, 0.99, warmup=warmup), rel=1e-4)
    assert (share < 1e-8) if warmup else (share > 0.6)


def test_ema_decay_zero_ships_the_plain_generator(tmp_path, faces):
    config = TrainConfig(epochs=1, batch_size=16, seed=1, ema_decay=0)
    G_ema, _, _ = train(faces, tmp_path, config, device="cpu", progress=False)
    state = torch.load(tmp_path / "checkpoint.pt", weights_only=True)
    G_plain = make_dcgan(seed=1)[0]
    G_plain.load_state_dict(state["G"])
    assert torch.equal(_params(G_ema), _params(G_plain))


# --- precision -----------------------------------------------------------------------


def test_resolve_precision():
    assert resolve_precision("fp32", "cpu") == "fp32"
    assert resolve_precision("bf16", "cpu") == "bf16"
    assert resolve_precision("auto", "cpu") == (
        "bf16" if bf16_is_fast("cpu") else "fp32"
    )
    with pytest.raises(ValueError, match=r"precision must be one of .* got 'fp16'"):
        resolve_precision("fp16", "cpu")


def test_bf16_and_fp32_runs_are_each_deterministic_and_close(tmp_path, faces):
    runs = {}
    for precision in ("fp32", "bf16", "bf16"):
        config = TrainConfig(epochs=1, batch_size=16, seed=1, precision=precision)
        folder = tmp_path / f"{precision}{len(runs)}"
        G, _, log = train(faces, folder, config, device="cpu", progress=False)
        runs.setdefault(precision, []).append((_params(G), log[0]["loss_D"]))
    ((p32, loss32),) = runs["fp32"]
    (p16, loss16), (p16_again, _) = runs["bf16"]
    assert torch.equal(p16, p16_again)
    assert not torch.equal(p16, p32)  # bf16 really ran
    assert abs(loss16 - loss32) < 0.05 * loss32  # two steps: the same game
    state = torch.load(tmp_path / "bf161" / "checkpoint.pt", weights_only=True)
    assert state["train_config"]["precision"] == "bf16"


def test_resume_refuses_another_precision(tmp_path, faces):
    train(
        faces,
        tmp_path,
        TrainConfig(epochs=1, batch_size=16, seed=1, precision="fp32"),
        device="cpu",
        progress=False,
    )
    with pytest.raises(ValueError, match="use another run folder"):
        train(
            faces,
            tmp_path,
            TrainConfig(epochs=2, batch_size=16, seed=1, precision="bf16"),
            device="cpu",
            progress=False,
        )


# --- quality log, snapshots and the choice of the generator --------------------------


def test_quality_is_logged_and_the_best_snapshot_is_picked(tmp_path, faces):
    config = TrainConfig(epochs=3, batch_size=16, seed=1, snapshot_every=2)
    valid = faces[:24]
    train(faces, tmp_path, config, device="cpu", progress=False, valid_faces=valid)
    rows = list(csv.DictReader(open(tmp_path / "log.csv")))
    for key in (
        "swd_ema",
        "swd_plain",
        "swd_64_ema",
        "logit_real",
        "margin_noisy",
        "margin_quantized",
        "margin_blurred",
        "margin_generated_ema",
    ):
        assert key in rows[0] and all(math.isfinite(float(r[key])) for r in rows)
    assert sorted(p.name for p in (tmp_path / "snapshots").iterdir()) == [
        "epoch_002.pt"
    ]
    epoch, kind = pick_snapshot(tmp_path)
    row = rows[1]  # epoch 2, the only snapshot
    best = "ema" if float(row["swd_ema"]) <= float(row["swd_plain"]) else "plain"
    assert (epoch, kind) == (2, best)
    # the snapshot's generator is the one that was measured: same SWD again
    G, D = load_snapshot(tmp_path, epoch, kind)
    z = torch.randn(len(valid), G.config.nz, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        again = swd(G(z), valid, seed=1, per_image=64, directions=128)["swd"]
    assert again == pytest.approx(float(row[f"swd_{kind}"]), rel=0.05)


def test_pick_snapshot_without_a_quality_log_says_why(tmp_path, faces):
    train(
        faces,
        tmp_path,
        TrainConfig(epochs=1, batch_size=16, seed=1, snapshot_every=1),
        device="cpu",
        progress=False,
    )
    with pytest.raises(ValueError, match="train with valid_faces"):
        pick_snapshot(tmp_path)
