"""The paper's table: rows per image, resuming, summaries, and the table command."""

import pytest
import torch

import tutorial_lib.table as table
from tutorial_lib.__main__ import main
from tutorial_lib.data import load_sample_faces
from tutorial_lib.evaluate import evaluate_method
from tutorial_lib.metrics import psnr
from tutorial_lib.operators import make_operator


@pytest.fixture(scope="module")
def faces():
    return load_sample_faces(3), ["a.jpg", "b.jpg", "c.jpg"]


def test_rows_are_the_naive_inverse_scores_of_each_face(faces):
    x, ids = faces
    rows = table.run_table(x, ids, methods=["naive"], tasks=["denoising"])
    op = make_operator("denoising")
    expected = psnr(op.naive_inverse(op.corrupt(x, seed=0)), x)  # one batch, seed 0
    assert [r["image"] for r in rows] == ids
    assert torch.allclose(torch.tensor([r["psnr"] for r in rows]), expected)


def test_baselines_skip_colorization_as_in_the_paper():
    assert table.skipped("tv", "colorization") and table.skipped(
        "sparse", "colorization"
    )
    assert not table.skipped("gan", "colorization")
    assert not table.skipped("naive", "colorization")
    assert not table.skipped("tv", "inpainting")


def test_resume_keeps_finished_pairs_and_redoes_partial_ones(faces, monkeypatch):
    x, ids = faces
    first = table.run_table(
        x, ids, methods=["naive"], tasks=["denoising", "inpainting"]
    )
    partial = [r for r in first if r["task"] == "denoising"] + first[3:4]  # 1 of 3
    calls = []

    def counting(*args, **kwargs):
        calls.append(args[1].name)  # run_table passes the operator
        return evaluate_method(*args, **kwargs)

    monkeypatch.setattr(table, "evaluate_method", counting)
    again = table.run_table(
        x, ids, methods=["naive"], tasks=["denoising", "inpainting"], done=partial
    )
    assert calls == ["inpainting"]  # denoising was complete; inpainting is redone

    def scores(rows):
        return sorted((r["task"], r["image"], r["psnr"]) for r in rows)

    assert scores(again) == scores(first)


def test_rows_survive_a_csv_round_trip(faces, tmp_path):
    x, ids = faces
    rows = table.run_table(x, ids, methods=["naive"], tasks=["quantization"])
    table.write_rows(rows[:1], tmp_path / "r.csv")
    table.write_rows(rows[1:], tmp_path / "r.csv", append=True)
    back = table.read_rows(tmp_path / "r.csv")
    assert [r["image"] for r in back] == ids
    assert all(abs(a["psnr"] - b["psnr"]) < 1e-4 for a, b in zip(back, rows))


def test_reading_a_foreign_csv_says_what_columns_were_expected(tmp_path):
    (tmp_path / "other.csv").write_text("name,score\na,1\n")
    with pytest.raises(ValueError, match="expected columns"):
        table.read_rows(tmp_path / "other.csv")


def test_summary_means_and_the_paper_rows():
    rows = [
        dict(method="tv", task="denoising", image=str(i), psnr=p, ssim=s, seconds=1.0)
        for i, (p, s) in enumerate([(20.0, 0.5), (22.0, 0.7)])
    ]
    summary = table.summarize(rows)
    assert summary[("tv", "denoising")] == {
        "n": 2,
        "psnr": 21.0,
        "ssim": 0.6,
        "seconds": 1.0,
    }
    text = table.slide_table(summary)
    assert "| TV (ours) | 0.6000 / 21.00 |" in text
    assert "| TV (paper) | 0.7373 / 21.97 |" in text


def test_ids_must_match_the_faces(faces):
    x, ids = faces
    with pytest.raises(ValueError, match="got 3 faces but 2 ids"):
        table.run_table(x, ids[:2], methods=["naive"], tasks=["denoising"])


def test_seconds_per_image_divide_each_batch_by_its_own_size(quarter_second_per_face):
    """19 faces at batch size 16: batches of 16 and 3 faces take 4 s and 0.75 s, so
    every face took 0.25 s (the last batch over 16 would give 0.047 s)."""
    x = load_sample_faces(19)
    ids = [f"{i}.jpg" for i in range(19)]
    rows = table.run_table(
        x, ids, methods=["naive"], tasks=["denoising"], batch_size=16
    )
    assert [r["seconds"] for r in rows] == pytest.approx([0.25] * 19)
    summary = table.summarize(rows)[("naive", "denoising")]
    assert summary["seconds"] == pytest.approx(0.25)


def test_table_command_writes_rows_and_table_and_resumes(tmp_path, capsys):
    out = tmp_path / "t.csv"
    args = [
        "table",
        "--n",
        "2",
        "--methods",
        "naive",
        "gan",
        "--tasks",
        "denoising",
        "--steps",
        "2",
        "--restarts",
        "1",
        "--device",
        "cpu",
        "--out",
        str(out),
    ]
    main(args)
    rows = table.read_rows(out)
    assert [(r["method"], r["image"]) for r in rows] == [
        ("naive", "182739.jpg"),
        ("naive", "182752.jpg"),
        ("gan", "182739.jpg"),
        ("gan", "182752.jpg"),
    ]
    assert (
        "| GAN prior (paper) | 0.6161 / 19.31 |" in out.with_suffix(".md").read_text()
    )
    with pytest.raises(SystemExit, match="pass --resume"):
        main(args)
    main(args + ["--resume"])  # everything done: nothing recomputed, nothing added
    assert table.read_rows(out) == rows


def _table_args(out, n):
    return ["table", "--n", str(n), "--methods", "naive", "--tasks", "denoising",
            "--out", str(out)]  # fmt: skip


def test_resume_with_more_faces_redoes_the_pair_without_counting_faces_twice(tmp_path):
    """The bug of issue 25: 3 faces, then --n 5 --resume appended 5 rows to the 3
    (8 rows, 3 faces twice in every mean read back from the CSV)."""
    out = tmp_path / "t.csv"
    main(_table_args(out, 3))
    main(_table_args(out, 5) + ["--resume"])
    rows = table.read_rows(out)
    assert len(rows) == 5 and len({r["image"] for r in rows}) == 5
    assert table.summarize(rows)[("naive", "denoising")]["n"] == 5


def test_resume_after_a_kill_mid_write_drops_the_cut_line_and_redoes_the_pair(
    tmp_path,
):
    out = tmp_path / "t.csv"
    main(_table_args(out, 4))
    whole = table.read_rows(out)
    lines = out.read_text().splitlines()
    out.write_text("\n".join(lines[:3]) + "\n" + lines[3][:12])  # 2 rows and a half
    assert len(table.read_rows(out)) == 2  # the cut line is not a row
    main(_table_args(out, 4) + ["--resume"])

    def scores(rows):  # the redone pair's times differ, its scores do not
        return [(r["image"], r["psnr"], r["ssim"]) for r in rows]

    assert scores(table.read_rows(out)) == scores(whole)


def test_a_bad_line_before_the_last_is_an_error(tmp_path):
    out = tmp_path / "t.csv"
    main(_table_args(out, 3))
    lines = out.read_text().splitlines()
    lines[1] = lines[1][:12]
    out.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match="line 2 is not a whole row"):
        table.read_rows(out)
