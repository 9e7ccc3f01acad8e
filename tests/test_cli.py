"""The command line: prepare, restore, and its refusal to overwrite files."""

import pytest
import torch
from PIL import Image

from tutorial_lib.__main__ import main
from tutorial_lib.data import load_sample_faces, save_png


@pytest.fixture
def face_png(tmp_path):
    path = tmp_path / "face.png"
    save_png(load_sample_faces(1), path, ncols=1)
    return path


def test_restore_writes_truth_input_and_restoration(tmp_path, face_png):
    out = tmp_path / "out.png"
    main(
        [
            str(x)
            for x in [
                "restore",
                face_png,
                "--task",
                "inpainting",
                "--corrupt",
                "--out",
                out,
                "--steps",
                2,
                "--restarts",
                1,
                "--device",
                "cpu",
            ]
        ]
    )
    with Image.open(out) as image:
        assert image.size == (3 * 64, 64)


def test_restore_takes_an_observation_at_the_task_size(tmp_path):
    low = tmp_path / "low.png"
    save_png(load_sample_faces(1)[..., ::4, ::4], low, ncols=1)  # a 16x16 image
    out = tmp_path / "out.png"
    main(
        [
            str(x)
            for x in [
                "restore",
                low,
                "--task",
                "super_resolution",
                "--out",
                out,
                "--steps",
                2,
                "--restarts",
                1,
                "--device",
                "cpu",
            ]
        ]
    )
    with Image.open(out) as image:
        assert image.size == (2 * 64, 64)


def test_nothing_is_overwritten(tmp_path, face_png, capsys):
    out = tmp_path / "mine.png"
    out.write_bytes(b"a user's file")
    with pytest.raises(SystemExit, match="exists; pass --force"):
        main(["restore", str(face_png), "--task", "denoising", "--out", str(out)])
    assert out.read_bytes() == b"a user's file"


def test_missing_image_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="nothere.png not found"):
        main(
            [
                "restore",
                str(tmp_path / "nothere.png"),
                "--task",
                "denoising",
                "--out",
                str(tmp_path / "o.png"),
            ]
        )


def test_prepare_packs_a_split(tmp_path):
    root = tmp_path / "celeba"
    (root / "img_align_celeba").mkdir(parents=True)
    for i in range(3):
        Image.new("RGB", (178, 218), (10 * i, 0, 0)).save(
            root / "img_align_celeba" / f"00000{i + 1}.jpg"
        )
    (root / "list_eval_partition.txt").write_text(
        "000001.jpg 0\n000002.jpg 0\n000003.jpg 1\n"
    )
    out = tmp_path / "faces.pt"
    main(["prepare", "--data", str(root), "--split", "train", "--out", str(out)])
    faces = torch.load(out, weights_only=True)
    assert faces.shape == (2, 3, 64, 64) and faces.dtype == torch.uint8


def test_train_exports_weights_that_load(tmp_path):
    """The command's weights file loads with weights_only=True (plain types only)."""
    from tutorial_lib.models import load_pretrained

    faces = tmp_path / "faces.pt"
    torch.save((load_sample_faces(16) * 255).round().to(torch.uint8), faces)
    weights = tmp_path / "w.pt"
    main(
        [
            str(x)
            for x in [
                "train",
                "--data",
                faces,
                "--epochs",
                1,
                "--batch-size",
                16,
                "--run-dir",
                tmp_path / "run",
                "--weights",
                weights,
                "--device",
                "cpu",
            ]
        ]
    )
    G, D = load_pretrained(device="cpu", path=weights)
    meta = torch.load(weights, weights_only=True)["meta"]
    assert meta["images"] == 16 and meta["train_config"]["epochs"] == 1
    with pytest.raises(SystemExit, match="exists; pass --force"):
        main(["train", "--data", str(faces), "--weights", str(weights)])
