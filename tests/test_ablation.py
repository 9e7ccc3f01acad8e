"""The ablation's published results: reading them back, and that they agree with the
per-face rows they summarise."""

import csv

import matplotlib.pyplot as plt
import pytest

from tutorial_lib.ablation import (
    COLUMNS,
    effects_rows,
    plot_effects,
    read_differences,
    read_faces,
)
from tutorial_lib.metrics import mean_and_error
from tutorial_lib.operators import TASKS


def _write(path, rows):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _row(task, difference, psnr, psnr_se):
    numbers = dict.fromkeys(COLUMNS[4:], "0")
    return numbers | {
        "task": task,
        "start": "random",
        "difference": difference,
        "isolates": "a term",
        "psnr": psnr,
        "psnr_se": psnr_se,
    }


def test_read_differences_gives_numbers_and_rows_bold_what_is_measured(tmp_path):
    path = tmp_path / "d.csv"
    _write(
        path,
        [
            _row("inpainting", "csgm - data", "0.9", "0.17"),
            _row("colorization", "csgm - data", "0.1", "0.2"),
        ],
    )
    differences = read_differences(path)
    assert differences[("inpainting", "random", "csgm - data")]["psnr"] == (0.9, 0.17)
    rows = effects_rows(differences, "random", {"latent term": "csgm - data"})
    assert rows == {
        "inpainting": {"latent term": "**+0.90 ± 0.17**"},
        "colorization": {"latent term": "+0.10 ± 0.20"},
    }
    fig = plot_effects(differences, "random", {"latent term": "csgm - data"})
    assert [ax.get_title() for ax in fig.axes][0].startswith("PSNR")
    plt.close(fig)


def test_read_differences_refuses_other_columns(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("task,start,psnr\ninpainting,random,1.0\n")
    with pytest.raises(ValueError, match="expected the columns .*got \\('task'"):
        read_differences(path)


def test_the_shipped_differences_cover_every_task_and_agree_with_the_faces():
    """Each published PSNR difference is the mean and standard error of the per-face
    differences in the CSV beside it: the summary and its rows cannot drift apart."""
    differences = read_differences()
    assert {task for task, _, _ in differences} == set(TASKS)
    psnr = read_faces()
    for (task, start, difference), effect in differences.items():
        a, b = difference.split(" - ")
        paired = psnr[(task, start, a)] - psnr[(task, start, b)]  # (64,), face by face
        assert len(paired) == 64
        mean, error = mean_and_error(paired)
        assert effect["psnr"] == pytest.approx((mean, error), abs=2e-4), difference


def test_read_faces_pairs_faces_by_index_and_refuses_an_unknown_metric(tmp_path):
    path = tmp_path / "faces.csv"
    path.write_text(
        "task,start,configuration,lam,lam_D,image,psnr,ssim\n"
        "inpainting,random,csgm,10,1,valid#1,21.0,0.5\n"
        "inpainting,random,csgm,10,1,valid#0,20.0,0.4\n"
    )
    faces = read_faces(path)
    assert faces[("inpainting", "random", "csgm")].tolist() == [20.0, 21.0]
    assert read_faces(path, "ssim")[("inpainting", "random", "csgm")].tolist() == [
        0.4,
        0.5,
    ]
    with pytest.raises(ValueError, match="expected 'psnr' or 'ssim', got 'lpips'"):
        read_faces(path, "lpips")
