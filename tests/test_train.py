"""Training: a run writes its record, is deterministic, resumes exactly, trains in
either precision, and logs the quality that picks the epoch."""

import csv
import math

import pytest
import torch

from tutorial_lib.models import make_dcgan
from tutorial_lib.quality import swd
from tutorial_lib.train import TrainConfig, load_snapshot, pick_snapshot, train

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


def test_ema_decay_zero_ships_the_plain_generator(tmp_path, faces):
    config = TrainConfig(epochs=1, batch_size=16, seed=1, ema_decay=0)
    G_ema, _, _ = train(faces, tmp_path, config, device="cpu", progress=False)
    state = torch.load(tmp_path / "checkpoint.pt", weights_only=True)
    G_plain = make_dcgan(seed=1)[0]
    G_plain.load_state_dict(state["G"])
    assert torch.equal(_params(G_ema), _params(G_plain))


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
    # every second epoch, and the last
    assert sorted(p.name for p in (tmp_path / "snapshots").iterdir()) == [
        "epoch_002.pt",
        "epoch_003.pt",
    ]
    epoch, kind = pick_snapshot(tmp_path)
    candidates = [
        (float(rows[e - 1][f"swd_{k}"]), e, k) for e in (2, 3) for k in ("ema", "plain")
    ]
    assert (epoch, kind) == min(candidates)[1:]  # epoch 1 had no snapshot
    row = rows[epoch - 1]
    # the snapshot's generator is the one that was measured: same SWD again
    G, D = load_snapshot(tmp_path, epoch, kind)
    z = torch.randn(len(valid), G.config.nz, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        again = swd(G(z), valid, seed=1, per_image=64, directions=128)["swd"]
    assert again == pytest.approx(float(row[f"swd_{kind}"]), rel=0.05)


def test_a_run_shorter_than_snapshot_every_ships_its_last_epoch(tmp_path, faces):
    config = TrainConfig(epochs=1, batch_size=16, seed=1, snapshot_every=5)
    train(faces, tmp_path, config, device="cpu", progress=False, valid_faces=faces[:24])
    assert [p.name for p in (tmp_path / "snapshots").iterdir()] == ["epoch_001.pt"]
    assert pick_snapshot(tmp_path)[0] == 1


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


def test_resume_refuses_another_discriminator(tmp_path, faces):
    from tutorial_lib.models import DCGANConfig

    one = TrainConfig(epochs=1, batch_size=16, seed=1)
    train(faces, tmp_path, one, DCGANConfig(ngf=8, ndf=8), "cpu", progress=False)
    two = TrainConfig(epochs=2, batch_size=16, seed=1)
    with pytest.raises(ValueError, match="d_norm='layer'.*use another run folder"):
        train(
            faces,
            tmp_path,
            two,
            DCGANConfig(ngf=8, ndf=8, d_norm="layer"),
            "cpu",
            progress=False,
        )


def test_the_training_loop_warms_the_average_up(faces):
    """Two steps of train_epoch: the average must follow the warm-up, d_0 = 1/10 and
    d_1 = 2/11 (ema_decay_at), so after step 1 it is
        w_ema = d_1 (d_0 w_init + (1 - d_0) w_1) + (1 - d_1) w_2,
    mostly the trained weights; a loop calling the update with the fixed decay 0.999
    from step 0 would keep 99.8 % of the random initial weights."""
    import copy

    from tutorial_lib.averaging import update_ema
    from tutorial_lib.models import DCGANConfig
    from tutorial_lib.train import train_epoch

    G, D = make_dcgan(DCGANConfig(ngf=8, ndf=8), seed=0)
    G_ema, expected = copy.deepcopy(G), copy.deepcopy(G)
    opt_G, opt_D = (torch.optim.Adam(m.parameters(), 2e-4, betas=(0.5, 0.999))
                    for m in (G, D))  # fmt: skip
    config = TrainConfig(batch_size=16, precision="fp32", channels_last=False)
    after_step = []
    real_step = opt_G.step

    def step_and_keep(*args, **kwargs):  # the weights after each G step
        out = real_step(*args, **kwargs)
        after_step.append(copy.deepcopy(G))
        return out

    opt_G.step = step_and_keep
    train_epoch(G, D, G_ema, opt_G, opt_D, faces, config, 0, "cpu")
    assert len(after_step) == 2
    update_ema(expected, after_step[0], 1 / 10)
    update_ema(expected, after_step[1], 2 / 11)
    assert torch.allclose(_params(G_ema), _params(expected), atol=1e-6)
