"""Several processes (tutorial_lib.distributed): the helpers on two gloo processes, then
train and table under torchrun against one process, and their errors.

Every process runs with one thread (OMP_NUM_THREADS=1, --threads 1): the machines that
run this suite may have two cores, and more threads than cores would only slow it.
"""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

import tutorial_lib.table as table
from tutorial_lib import distributed
from tutorial_lib.__main__ import main
from tutorial_lib.data import load_sample_faces
from tutorial_lib.models import DCGANConfig, make_dcgan
from tutorial_lib.train import TrainConfig, gan_step, train

ONE_THREAD = {**os.environ, "OMP_NUM_THREADS": "1"}


def _run(args: list[str], processes: int = 1) -> subprocess.CompletedProcess:
    """``python -m tutorial_lib ARGS --threads 1``, or the same under torchrun with
    ``processes``; --standalone lets torchrun pick a free port, so that runs side by
    side do not collide."""
    launch = [sys.executable, "-m", "tutorial_lib"]
    if processes > 1:
        launch = [sys.executable, "-m", "torch.distributed.run", "--standalone",
                  "--nproc_per_node", str(processes), "-m", "tutorial_lib", "--"]  # fmt: skip
    return subprocess.run(
        [*launch, *args, "--threads", "1"],
        env=ONE_THREAD,
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- the helpers, on two processes started here ----------------------------------------


def _two_process_checks(rank: int, folder: str) -> None:
    """What the tests below check, computed by each of two gloo processes; each saves
    its findings to folder/rank{rank}.pt."""
    torch.set_num_threads(1)
    folder = Path(folder)
    dist.init_process_group(
        "gloo", init_method=f"file://{folder / 'meeting'}", rank=rank, world_size=2
    )
    found = {
        "shard": distributed.shard(list(range(7))),
        "block": list(distributed.block(5)),
        "gathered": distributed.all_gather(f"rank {rank}"),
    }
    # the training data on rank 0's disk only: both processes must stop
    (folder / "faces.pt").touch()
    path = folder / ("faces.pt" if rank == 0 else "elsewhere/faces.pt")
    for name, check in {
        "missing": lambda: distributed.found_everywhere(path),
        "main_fails": lambda: distributed.on_main(int, "not a number"),
        "batch": lambda: train(torch.rand(32, 3, 64, 64), folder, TrainConfig(
            batch_size=15), progress=False),
        "few_batches": lambda: table.run_table_sharded(torch.rand(3, 3, 64, 64),
            ["a", "b", "c"], batch_size=16, methods=["naive"], tasks=["denoising"]),
    }.items():  # fmt: skip
        try:
            check()
            found[name] = None
        except (ValueError, FileNotFoundError) as error:
            found[name] = f"{type(error).__name__}: {error}"
    found |= _global_batch_norm(rank) | _step_of_two(rank)
    torch.save(found, folder / f"rank{rank}.pt")
    dist.destroy_process_group()


def _images_and_weights():
    """6 images (6, 4, 5, 5) of mean 1 and deviation 3, and the weights w of a loss
    sum(w y) on batch norm's output y, both in float64."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(6, 4, 5, 5, dtype=torch.float64, generator=g) * 3 + 1
    return x, torch.randn(6, 4, 5, 5, dtype=torch.float64, generator=g)


def _global_batch_norm(rank: int) -> dict:
    """GlobalBatchNorm2d on this process's half of 6 images, in float64: its output,
    the gradient of its half, and the statistics it keeps."""
    x, w = _images_and_weights()
    norm = distributed.with_global_batch_norm(torch.nn.BatchNorm2d(4).double())
    half = slice(3 * rank, 3 * rank + 3)
    mine = x[half].requires_grad_(True)
    y = norm(mine)
    (w[half] * y).sum().backward()
    return {
        "bn_y": y.detach(),
        "bn_grad": mine.grad,
        "bn_stats": (norm.running_mean.clone(), norm.running_var.clone()),
    }


def _tiny_gan_step(G, D, x, z):
    """One `gan_step` (Adam, lr 2e-4) of G and D on faces x and codes z; the
    resulting weights."""
    opt_G, opt_D = (
        torch.optim.Adam(net.parameters(), 2e-4, betas=(0.5, 0.999)) for net in (G, D)
    )
    config = TrainConfig(precision="fp32", channels_last=False)
    gan_step(G, D, opt_G, opt_D, x, z, config, "cpu")


def _step_of_two(rank: int) -> dict:
    """One training step of a tiny DCGAN in float64, over the two processes: each
    takes every other face and code of a batch of 8 (`distributed.shard`)."""
    G, D = (net.double() for net in make_dcgan(DCGANConfig(ngf=8, ndf=8), seed=0))
    g = torch.Generator().manual_seed(1)
    x = torch.rand(8, 3, 64, 64, generator=g, dtype=torch.float64)
    z = torch.randn(8, 100, generator=g, dtype=torch.float64)
    G_ddp, D_ddp = (distributed.data_parallel(net, "cpu") for net in (G, D))
    _tiny_gan_step(G_ddp, D_ddp, distributed.shard(x), distributed.shard(z))
    return {"step_G": G.state_dict(), "step_D": D.state_dict(), "step_xz": (x, z)}


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """The findings of each of two processes: [rank 0's, rank 1's]."""
    folder = tmp_path_factory.mktemp("two")
    mp.spawn(_two_process_checks, args=(str(folder),), nprocs=2)
    return [torch.load(folder / f"rank{r}.pt", weights_only=False) for r in (0, 1)]


def test_shares_cover_the_work_once_and_gather_in_rank_order(two):
    assert [t["shard"] for t in two] == [[0, 2, 4, 6], [1, 3, 5]]  # DistributedSampler
    assert [t["block"] for t in two] == [[0, 1], [2, 3, 4]]
    assert [t["gathered"] for t in two] == [["rank 0", "rank 1"]] * 2


def test_a_file_that_only_some_processes_find_stops_all_of_them(two):
    for t in two:  # both stop, neither waits for the other
        assert "found by process(es) [0] but not by [1] of 2" in t["missing"]
        assert t["missing"].startswith("FileNotFoundError")


def test_an_error_of_the_main_process_reaches_every_process(two):
    assert [t["main_fails"] for t in two] == [
        "ValueError: invalid literal for int() with base 10: 'not a number'"
    ] * 2


def test_a_batch_that_the_processes_cannot_share_is_refused(two):
    for t in two:
        assert t["batch"] == (
            "ValueError: the batch size 15 is the global batch, shared by 2 "
            "processes: it must be a multiple of 2 (say 16)"
        )


def test_a_table_with_fewer_batches_than_processes_is_refused(two):
    for t in two:
        assert t["few_batches"] == (
            "ValueError: 3 faces in batches of 16 make 1 batch(es), fewer than the 2 "
            "processes: use a smaller --batch-size"
        )


def test_global_batch_norm_is_batch_norm_over_all_the_images(two):
    """Two halves of 6 images give what one nn.BatchNorm2d gives the whole batch: its
    output, its gradient (every image's statistics feed every output) and its
    running statistics, to float64 rounding."""
    x, w = _images_and_weights()
    norm = torch.nn.BatchNorm2d(4).double()
    x.requires_grad_(True)
    y = norm(x)
    (w * y).sum().backward()
    ours = {key: torch.cat([t[key] for t in two]) for key in ("bn_y", "bn_grad")}
    assert torch.allclose(ours["bn_y"], y, rtol=0, atol=1e-12)
    assert torch.allclose(ours["bn_grad"], x.grad, rtol=0, atol=1e-12)
    assert ours["bn_grad"].abs().max() > 0.1  # a gradient that could be wrong
    for t in two:
        mean, var = t["bn_stats"]
        assert torch.allclose(mean, norm.running_mean, rtol=0, atol=1e-12)
        assert torch.allclose(var, norm.running_var, rtol=0, atol=1e-12)


def test_a_step_of_two_processes_is_the_step_of_one(two):
    """In float64 (no rounding to speak of) one step of G and D over two processes,
    each with half of the batch, gives one process's weights and batch-norm
    statistics on the whole batch, to 1e-10. Per-process batch norm misses by 4e-4 on
    weights (Adam's first step, +-lr, turned around) and 8e-3 on the statistics."""
    G, D = (net.double() for net in make_dcgan(DCGANConfig(ngf=8, ndf=8), seed=0))
    _tiny_gan_step(G, D, *two[0]["step_xz"])
    for name, net in (("step_G", G), ("step_D", D)):
        for key, value in net.state_dict().items():
            for t in two:  # every process holds the same weights
                assert torch.allclose(t[name][key].double(), value.double(),
                                      rtol=0, atol=1e-10), key  # fmt: skip


# --- train under torchrun ------------------------------------------------------------


def _train_args(data, run_dir, weights, epochs=1) -> list[str]:
    return ["train", "--data", str(data), "--run-dir", str(run_dir), "--weights",
            str(weights), "--epochs", str(epochs), "--batch-size", "16", "--seed", "3",
            "--precision", "fp32", "--snapshot-every", "0", "--device", "cpu"]  # fmt: skip


@pytest.fixture(scope="module")
def faces_file(tmp_path_factory):
    """32 shipped test faces as prepare writes them (uint8): two batches of 16."""
    path = tmp_path_factory.mktemp("faces") / "faces.pt"
    torch.save((load_sample_faces(32) * 255).round().to(torch.uint8), path)
    return path


@pytest.fixture(scope="module")
def runs(faces_file, tmp_path_factory):
    """The same training (one epoch, two steps of 16 faces) by one process and by two
    under torchrun: {processes: (run folder, completed process)}."""
    folder = tmp_path_factory.mktemp("runs")
    done = {}
    for n in (1, 2):
        run_dir, weights = folder / f"run{n}", folder / f"w{n}.pt"
        done[n] = run_dir, _run(_train_args(faces_file, run_dir, weights), n)
        assert done[n][1].returncode == 0, done[n][1].stderr[-3000:]
    return done


def _update(run_dir: Path, net: str) -> torch.Tensor:
    """The change a run made to the weights of G or D (batch-norm statistics aside),
    from their seeded start (seed 3), as one vector."""
    start = dict(zip("GD", make_dcgan(DCGANConfig(), seed=3)))[net].state_dict()
    end = torch.load(run_dir / "checkpoint.pt", weights_only=True)[net]
    return torch.cat(
        [(end[k] - start[k]).flatten() for k in end if end[k].is_floating_point()
         and "running" not in k]
    )  # fmt: skip


def test_two_processes_train_the_gan_one_process_trains(runs):
    """The two runs take the same two steps, up to the order of float sums (the
    all-reduce adds the processes' gradients in another order than one process adds
    its batch's). Measured: losses within 3e-4 (relative), the updates of D within
    4 % and of G within 13 % (relative L2). Why that much for G: Adam's first step is
    lr g / |g|, so a weight whose gradient is ~0 moves by +-lr on the sign of a
    rounding error; ~1 % of G's weights do so after the first step. A bug shows at
    once: per-process batch norm (8 images each) gives 3.7e-2 on the losses, 46 %
    and 80 % on the updates; a batch taken twice or a face skipped, a loss off by far
    more still."""
    (one, _), (two, _) = runs[1], runs[2]
    log1, log2 = (list(csv.DictReader(open(run / "log.csv"))) for run in (one, two))
    for key in ("loss_D", "loss_G"):
        assert float(log2[0][key]) == pytest.approx(float(log1[0][key]), rel=2e-3)
    for net, bound in (("D", 0.15), ("G", 0.4)):
        u1, u2 = _update(one, net), _update(two, net)
        assert 1e-4 < u1.abs().mean() < 1e-3  # it moved: about lr = 2e-4 a step
        assert (u2 - u1).norm() / u1.norm() < bound, net
    assert torch.load(two / "checkpoint.pt", weights_only=True)["world_size"] == 2


def test_only_the_main_process_writes_and_prints(runs):
    (one, _), (two, result) = runs[1], runs[2]
    assert sorted(p.name for p in two.iterdir()) == sorted(
        p.name for p in one.iterdir()
    )
    assert result.stdout.count("wrote ") == 1, result.stdout
    meta = torch.load(two.parent / "w2.pt", weights_only=True)["meta"]
    assert meta["processes"] == 2 and meta["command"].startswith("torchrun")


def test_resuming_with_another_number_of_processes_names_both(
    runs, faces_file, tmp_path
):
    """The two-process run, resumed by one process for a second epoch: refused."""
    args = _train_args(faces_file, runs[2][0], tmp_path / "w.pt", epochs=2)
    with pytest.raises(SystemExit, match=r"trained by 2 process\(es\), this run has 1"):
        main(args)


def test_a_batch_that_two_processes_cannot_share_stops_torchrun(faces_file, tmp_path):
    args = _train_args(faces_file, tmp_path / "run", tmp_path / "w.pt")
    result = _run([*args, "--batch-size", "15"], processes=2)
    assert result.returncode != 0
    assert (
        "error: the batch size 15 is the global batch, shared by 2 processes: "
        "it must be a multiple of 2 (say 16)" in result.stderr
    )
    assert not (tmp_path / "run").exists()


# --- the table under torchrun -------------------------------------------------------

TABLE = ["table", "--n", "8", "--methods", "naive", "gan", "--tasks", "denoising",
         "--steps", "2", "--restarts", "2", "--batch-size", "4", "--device", "cpu"]  # fmt: skip


@pytest.fixture(scope="module")
def one_table(tmp_path_factory):
    """The rows of one process's table: 8 faces in 2 batches, the naive inverse and a
    short GAN search (2 steps, 2 restarts) on denoising."""
    out = tmp_path_factory.mktemp("table") / "one.csv"
    result = _run([*TABLE, "--out", str(out)])
    assert result.returncode == 0, result.stderr[-3000:]
    return table.read_rows(out)


def _scores(rows: list[dict]) -> list[dict]:
    """Rows without their seconds (a clock's reading, never the same twice)."""
    return [{k: v for k, v in row.items() if k != "seconds"} for row in rows]


def test_two_processes_write_the_table_of_one(one_table, tmp_path):
    """Each process restores a batch of 4 faces with that batch's seeds: the CSV is
    one process's, row for row, every score to the digit written."""
    result = _run([*TABLE, "--out", str(tmp_path / "two.csv")], processes=2)
    assert result.returncode == 0, result.stderr[-3000:]
    assert _scores(table.read_rows(tmp_path / "two.csv")) == _scores(one_table)
    assert result.stdout.count("wrote ") == 1
    assert "torchrun --nproc_per_node 2" in (tmp_path / "two.md").read_text()


def test_two_processes_resume_a_table_cut_mid_pair(one_table, tmp_path):
    """The naive pair done and 3 of the GAN pair's 8 rows written (a kill): the
    naive rows are kept as they are, the GAN pair is redone by both processes."""
    out = tmp_path / "cut.csv"
    table.write_rows(one_table[:11], out)
    result = _run([*TABLE, "--out", str(out), "--resume"], processes=2)
    assert result.returncode == 0, result.stderr[-3000:]
    back = table.read_rows(out)
    assert back[:8] == one_table[:8]  # seconds and all: not recomputed
    assert _scores(back) == _scores(one_table)


# --- the command line ----------------------------------------------------------------


def test_the_command_line_takes_torchruns_form_without_torchrun(tmp_path):
    """`-- table ...`, as a torchrun line has it, typed after python -m tutorial_lib."""
    out = tmp_path / "t.csv"
    main(["--", "table", "--n", "2", "--methods", "naive", "--tasks", "denoising",
          "--out", str(out)])  # fmt: skip
    assert [row["image"] for row in table.read_rows(out)] == [
        "182739.jpg",
        "182752.jpg",
    ]


def test_under_torchrun_only_train_and_table_run(monkeypatch, tmp_path):
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(SystemExit, match="under torchrun only train and table share "
                       "their work; run handout as python -m tutorial_lib handout"):  # fmt: skip
        main(["handout", "--out", str(tmp_path / "student")])
    assert not (tmp_path / "student").exists()
