"""tutorial_lib.shift: the changed corruptions, lambda retuned, rows under their names."""

import json

import pytest
import torch

import tutorial_lib as tl
from tutorial_lib import shift
from tutorial_lib.__main__ import main
from tutorial_lib.table import read_rows, run_table


def test_every_task_has_a_changed_corruption_that_really_changes_y():
    assert {s.task for s in shift.SHIFTS.values()} == set(tl.TASKS)
    x = tl.load_sample_faces(2)
    for name, op in shift.shift_operators().items():
        own = tl.make_operator(op.name)
        assert op.adjointness_error() < 1e-12, name
        changed, usual = op.corrupt(x, seed=0), own.corrupt(x, seed=0)
        assert changed.shape == usual.shape, name
        assert (changed - usual).abs().mean() > 1 / 255, name  # bicubic: 2 levels


def test_named_options_reach_the_operator():
    ops = shift.shift_operators(["inpainting_moved_hole", "quantization_3_levels"])
    mask = ops["inpainting_moved_hole"].mask(torch.zeros(1, 3, 64, 64))
    assert (1 - mask).sum() == 24 * 24 and mask[0, 0, 20, 8] == 0
    y = ops["quantization_3_levels"].corrupt(tl.load_sample_faces(1))
    assert sorted(y.unique().tolist()) == [0.0, 0.5, 1.0]
    with pytest.raises(ValueError, match="unknown shift 'blur'; expected one of"):
        shift.shift_operators(["blur"])


def test_run_table_scores_a_changed_corruption_under_its_own_name():
    x, ids = tl.load_sample_faces(2), ["a", "b"]
    ops = shift.shift_operators(["denoising_sigma_0.2", "colorization_mean_gray"])
    rows = run_table(x, ids, ["naive", "tv"], list(ops), operators=ops,
                     settings={"tv": {"iters": 5}})  # fmt: skip
    pairs = {(r["method"], r["task"]) for r in rows}
    # TV is not run on colorization (the paper's table), whatever the gray is
    assert pairs == {
        ("naive", "denoising_sigma_0.2"),
        ("tv", "denoising_sigma_0.2"),
        ("naive", "colorization_mean_gray"),
    }
    noisy = [r["psnr"] for r in rows if r["task"] == "denoising_sigma_0.2"][:2]
    assert 13 < sum(noisy) / 2 < 16  # sigma 0.2: 20 log10(1 / 0.2) = 14 dB, clipped


def test_settings_of_one_method_and_task_apply_to_that_pair_only():
    x, ids = tl.load_sample_faces(2), ["a", "b"]
    ops = shift.shift_operators(["denoising_sigma_0.2", "denoising_sigma_0.05"])
    common = dict(operators=ops, settings={"tv": {"iters": 20}})
    plain = run_table(x, ids, ["tv"], list(ops), **common)
    common["settings"][("tv", "denoising_sigma_0.2")] = {"lam": 0.0}
    changed = run_table(x, ids, ["tv"], list(ops), **common)
    by = {(r["task"], r["image"]): r["psnr"] for r in plain}
    # lam 0 on sigma 0.2 keeps more of the noise; the other pair is untouched
    for r in changed:
        if r["task"] == "denoising_sigma_0.2":
            assert r["psnr"] < by[(r["task"], r["image"])] - 1
        else:
            assert r["psnr"] == by[(r["task"], r["image"])]


def test_retune_picks_the_best_of_the_tuned_lambda_times_each_factor():
    x = tl.load_sample_faces(2)
    op = shift.SHIFTS["denoising_sigma_0.2"].operator()
    lam, scores = shift.retune(x, op, "tv", factors=(0.1, 1.0, 10.0))
    assert sorted(scores) == [0.006, 0.06, 0.6]
    assert scores[lam] == max(scores.values())
    with pytest.raises(ValueError, match="retune knows gan, tv"):
        shift.retune(x, op, "direct")


def test_shift_command_writes_rows_record_and_report_and_resumes(tmp_path, capsys):
    out, valid = tmp_path / "s.csv", tmp_path / "valid.pt"
    torch.save((tl.load_sample_faces(64)[-2:] * 255).round().to(torch.uint8), valid)
    args = ["shift", "--n", "2", "--valid-data", str(valid), "--valid-n", "1",
            "--shifts", "denoising_sigma_0.05", "--methods", "naive", "tv",
            "--out", str(out)]  # fmt: skip
    main(args)
    rows = read_rows(out)
    assert len(rows) == 4 and {r["task"] for r in rows} == {"denoising_sigma_0.05"}
    record = json.loads(out.with_suffix(".json").read_text())
    assert (
        set(record) == {"tv"}
        and len(record["tv"]["denoising_sigma_0.05"]["scores"]) == 3
    )
    assert "denoising_sigma_0.05" in out.with_suffix(".md").read_text()
    with pytest.raises(SystemExit, match="--resume"):
        main(args)
    main(args + ["--resume"])  # nothing left to do: same rows, no new retuning
    assert read_rows(out) == rows
    assert json.loads(out.with_suffix(".json").read_text()) == record
