"""The command line: prepare, restore, train, encoder, and its errors: refusing to overwrite
files, missing data, unknown tasks. The table command: tests/test_table.py; the
dictionary command: tests/test_baselines_dictionary.py."""

import pytest
import torch
from PIL import Image

import tutorial_lib.data
from tutorial_lib.__main__ import main
from tutorial_lib.data import load_sample_faces, save_png
from tutorial_lib.operators import TASKS


@pytest.fixture
def face_png(tmp_path):
    path = tmp_path / "face.png"
    save_png(load_sample_faces(1), path, ncols=1)
    return path


def _restore(image, out, *options):
    quick = ["--steps", "2", "--restarts", "1", "--device", "cpu"]
    main(["restore", str(image), "--out", str(out), *options, *quick])


def test_restore_writes_truth_input_and_restoration(tmp_path, face_png):
    out = tmp_path / "out.png"
    _restore(face_png, out, "--task", "inpainting", "--corrupt")
    with Image.open(out) as image:
        assert image.size == (3 * 256, 256)  # enlarged 4x: a picture one can see


def test_restore_takes_an_observation_at_the_task_size(tmp_path):
    low = tmp_path / "low.png"
    save_png(load_sample_faces(1)[..., ::4, ::4], low, ncols=1)  # a 16x16 image
    out = tmp_path / "out.png"
    _restore(low, out, "--task", "super_resolution")
    with Image.open(out) as image:
        assert image.size == (2 * 256, 256)


def test_restore_aligns_a_face_in_an_ordinary_photo(tmp_path, capsys):
    from skimage import data

    photo = tmp_path / "astronaut.png"
    Image.fromarray(data.astronaut()).save(photo)  # 512x512, not from CelebA
    out = tmp_path / "out.png"
    _restore(photo, out, "--task", "denoising", "--align")
    printed = capsys.readouterr().out
    assert "faces found: restoring the largest" in printed  # two false detections
    with Image.open(out) as image:
        assert image.size == (3 * 256, 256)


@pytest.mark.parametrize(
    "make, options, message",
    [
        (lambda p: p.write_text("not a picture"), ["--align"], "expected a photo"),
        (
            lambda p: Image.new("RGB", (200, 160), "gray").save(p, "PNG"),
            ["--align"],
            "no frontal face found in .* \\(200x160\\)",
        ),
        (
            lambda p: Image.new("RGB", (40, 40), "gray").save(p, "PNG"),
            ["--align"],
            "40x40 pixels; a face needs at least 64",
        ),
        (
            lambda p: Image.new("RGB", (512, 300), "gray").save(p, "PNG"),
            [],
            "a denoising observation is 64x64 pixels, .* is 512x300; .* pass --align",
        ),
    ],
    ids=["text file", "no face", "tiny photo", "photo without --align"],
)
def test_restore_says_what_is_wrong_with_the_photo(tmp_path, make, options, message):
    photo, out = tmp_path / "photo.jpg", tmp_path / "out.png"
    make(photo)
    with pytest.raises(SystemExit, match=f"^error: .*{message}"):
        _restore(photo, out, "--task", "denoising", *options)
    assert not out.exists()


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
    assert meta["train_config"]["precision"] in ("fp32", "bf16")  # what ran, not auto
    with pytest.raises(SystemExit, match="exists; pass --force"):
        main(["train", "--data", str(faces), "--weights", str(weights)])


def test_encoder_writes_a_loadable_record_and_refuses_to_overwrite(tmp_path):
    """Two steps of `encoder`: the file loads, its record names the command, the
    training settings that ran and the G it was trained for; a second call stops."""
    from tutorial_lib.encoder import load_encoder

    out = tmp_path / "e.pt"
    command = ["encoder", "--out", str(out), "--steps", "2", "--batch-size", "12"]
    main([*command, "--device", "cpu"])
    load_encoder("cpu", out)
    meta = torch.load(out, weights_only=True)["meta"]
    assert meta["training"]["steps"] == 2 and len(meta["log"]) == 1
    assert meta["training"]["precision"] in ("fp32", "bf16")  # what ran, not auto
    assert len(meta["generator_sha256"]) == 64 and "encoder" in meta["command"]
    before = out.read_bytes()
    with pytest.raises(SystemExit, match=r"e\.pt exists; pass --force"):
        main(command)
    assert out.read_bytes() == before


def test_prepare_refuses_to_overwrite(tmp_path):
    out = tmp_path / "faces.pt"
    out.write_bytes(b"earlier faces")
    with pytest.raises(SystemExit, match=r"faces\.pt exists; pass --force"):
        main(["prepare", "--data", str(tmp_path / "celeba"), "--out", str(out)])
    assert out.read_bytes() == b"earlier faces"


@pytest.fixture
def sample_faces_target(tmp_path, monkeypatch):
    """Where sample-faces writes: a temporary file, never the shipped one."""
    target = tmp_path / "sample_faces.png"
    monkeypatch.setattr(tutorial_lib.data, "SAMPLE_FACES", target)
    return target


def test_sample_faces_without_data_says_it_is_required(capsys):
    with pytest.raises(SystemExit) as info:
        main(["sample-faces"])
    assert info.value.code == 2
    assert "the following arguments are required: --data" in capsys.readouterr().err


def test_sample_faces_refuses_to_overwrite(sample_faces_target, tmp_path):
    sample_faces_target.write_bytes(b"the shipped faces")
    with pytest.raises(SystemExit, match=r"sample_faces\.png exists; pass --force"):
        main(["sample-faces", "--data", str(tmp_path / "celeba")])
    assert sample_faces_target.read_bytes() == b"the shipped faces"


def test_table_refuses_an_existing_out_or_report(tmp_path):
    out = tmp_path / "t.csv"
    args = ["table", "--out", str(out), "--methods", "naive", "--n", "1"]
    out.write_text("a user's table\n")
    with pytest.raises(SystemExit, match=r"t\.csv exists; pass --resume .* or --force"):
        main(args)
    assert out.read_text() == "a user's table\n"
    out.unlink()
    report = out.with_suffix(".md")
    report.write_text("a user's notes\n")
    with pytest.raises(SystemExit, match=r"t\.md exists; pass --resume"):
        main(args)
    assert report.read_text() == "a user's notes\n" and not out.exists()


def _missing_data_commands(tmp_path):
    missing = str(tmp_path / "nowhere")
    return {
        "prepare": ["prepare", "--data", missing, "--out", str(tmp_path / "f.pt")],
        "sample-faces": ["sample-faces", "--data", missing],
        "table": ["table", "--data", missing, "--out", str(tmp_path / "t.csv")],
    }


@pytest.mark.parametrize("command", ["prepare", "sample-faces", "table"])
def test_a_missing_data_folder_names_the_expected_layout(
    command, tmp_path, sample_faces_target
):
    """Whatever form the error takes, it names the file that is missing, and nothing
    is written."""
    with pytest.raises(
        (FileNotFoundError, SystemExit),
        match=r"nowhere[/\\]list_eval_partition\.txt not found: expected CelebA",
    ):
        main(_missing_data_commands(tmp_path)[command])
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["prepare", "sample-faces", "table"])
def test_a_missing_data_folder_is_a_one_line_error(
    command, tmp_path, sample_faces_target
):
    with pytest.raises(SystemExit, match="^error: .*list_eval_partition.txt not found"):
        main(_missing_data_commands(tmp_path)[command])


def test_restore_with_an_unknown_task_names_the_tasks(tmp_path, face_png, capsys):
    out = tmp_path / "o.png"
    with pytest.raises(SystemExit) as info:
        main(["restore", str(face_png), "--task", "deblur", "--out", str(out)])
    code = info.value.code
    assert code not in (0, None)
    message = code if isinstance(code, str) else capsys.readouterr().err
    lines = [line for line in message.splitlines() if "deblur" in line]
    assert len(lines) == 1 and all(task in lines[0] for task in TASKS), message
    assert "Traceback" not in message and not out.exists()


def test_calibrate_writes_a_D_for_the_shipped_G_and_refuses_to_overwrite(tmp_path):
    """Two steps of `calibrate`: the file loads for the shipped G, its record holds the
    command, the settings, the kept step and both Ds' margins; a second call stops."""
    from tutorial_lib.models import load_discriminator, load_pretrained

    faces = tmp_path / "faces.pt"
    torch.save((load_sample_faces(16) * 255).round().to(torch.uint8), faces)
    out = tmp_path / "d.pt"
    command = ["calibrate", "--data", str(faces), "--valid-data", str(faces)]
    command += ["--out", str(out), "--steps", "2", "--batch-size", "6"]
    main([*command, "--device", "cpu"])
    from tutorial_lib.calibrate import held_out_scores

    G, _ = load_pretrained("cpu")
    D = load_discriminator(G, out)
    meta = torch.load(out, weights_only=True)["meta"]
    assert meta["calibration"]["steps"] == 2 and "calibrate" in meta["command"]
    assert set(meta["margins"]) == {"gan", "calibrated"}
    # the stored D is the chosen step's: it scores the held-out half (the first 8
    # faces, against calibrate's fixed samples of G) as the log says that step did
    z = torch.randn(8, 100, generator=torch.Generator().manual_seed(10_000))
    with torch.no_grad():
        scores = held_out_scores(D, load_sample_faces(8), G(z))
    chosen = next(e for e in meta["log"] if e["step"] == meta["chosen_step"])
    assert scores["log_loss"] == pytest.approx(chosen["log_loss"], abs=0.02)
    before = out.read_bytes()
    with pytest.raises(SystemExit, match=r"d\.pt exists; pass --force"):
        main(command)
    assert out.read_bytes() == before


def test_restore_runs_an_arm_with_either_discriminator(tmp_path, face_png, monkeypatch):
    """--arm sets the arm's switches, --lam on top; --discriminator picks the D."""
    import tutorial_lib as tl

    seen = []
    restore = tl.restore

    def spy(y, op, G, D, *args, **kwargs):
        r = restore(y, op, G, D, *args, **kwargs)
        seen.append((r.settings, D))
        return r

    monkeypatch.setattr(tl, "restore", spy)
    options = ["--task", "denoising", "--corrupt", "--arm", "authors", "--lam", "0.1"]
    _restore(face_png, tmp_path / "out.png", *options, "--discriminator", "calibrated")
    settings, D = seen[-1]
    assert (settings.latent, settings.clip, settings.use_D, settings.lam) == (
        "none",
        1.0,
        True,
        0.1,
    )
    calibrated = tl.load_pretrained("cpu", discriminator="calibrated")[1]
    x = load_sample_faces(2)
    assert torch.equal(D(x), calibrated(x))


def test_sample_faces_of_the_validation_split_refuse_to_overwrite(
    tmp_path, monkeypatch
):
    target = tmp_path / "validation_faces.png"
    monkeypatch.setattr(tutorial_lib.data, "VALIDATION_FACES", target)
    target.write_bytes(b"the shipped validation faces")
    with pytest.raises(SystemExit, match=r"validation_faces\.png exists; pass --force"):
        main(["sample-faces", "--data", str(tmp_path / "celeba"), "--split", "valid"])
    assert target.read_bytes() == b"the shipped validation faces"
