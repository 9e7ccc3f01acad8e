"""Command line: ``python -m tutorial_lib COMMAND ...``; ``--help`` lists the commands.

prepare       CelebA split -> one .pt file of 64x64 faces (uint8), for fast reloads
sample-faces  write data/sample_faces.png from the first 64 test faces (or --split valid)
train         train the DCGAN (tutorial_lib.train) and export the weights
restore       restore a face image with the GAN prior (optionally corrupting it first)
table         the paper's table: every method on every task, ours beside the paper's
shift         the direct network and the priors on corruptions the networks never saw
dictionary    learn the patch dictionary of the sparse-coding baseline (K-SVD)
encoder       train the encoder that starts restore()'s search (init="encoder")
direct        train the direct network of one task (slide 5's other family)
calibrate     train D further against the final G: the D the prior's derivation assumes
handout       student copies of the notebooks, without the solution cells
slides        the lecture's figures at projector size and a reveal.js deck

train and table also run as several processes (tutorial_lib.distributed), e.g.
  torchrun --standalone --nproc_per_node 2 -m tutorial_lib -- table --n 64
"""

from __future__ import annotations

import argparse
import importlib.util
import shlex
import sys
from dataclasses import asdict
from pathlib import Path

import torch

from . import distributed
from .calibrate import CalibrationConfig
from .data import load_faces
from .direct import DirectConfig
from .evaluate import METHODS
from .models import DISCRIMINATORS
from .operators import TASKS
from .shift import SHIFT_METHODS, SHIFTS
from .solver import ARMS


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        sys.exit(f"error: {path} exists; pass --force to overwrite it")


def _begin(args, out: str | Path) -> Path:
    """The start of a command that writes ``out``: refuse to overwrite it without
    --force, then apply --threads before any work."""
    out = Path(out)
    _refuse_overwrite(out, args.force)
    if args.threads:
        torch.set_num_threads(args.threads)
    return out


def _training_options(p) -> None:
    """The options every training command shares: seed, device, threads, precision."""
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default=None, help="cpu, cuda, ... (default: best)")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: torch's)")
    p.add_argument("--precision", default="auto", choices=["auto", "fp32", "bf16"])
    p.add_argument("--force", action="store_true", help="overwrite --out")


def cmd_prepare(args) -> None:
    from .data import load_celeba

    out = Path(args.out)
    _refuse_overwrite(out, args.force)
    faces = load_celeba(args.data, args.split, progress=True)
    torch.save((faces * 255).round().to(torch.uint8), out)
    print(f"wrote {len(faces)} {args.split} faces to {out}")


def cmd_sample_faces(args) -> None:
    from .data import celeba_files, load_celeba, save_png, shipped_faces_file

    target = shipped_faces_file(args.split)
    _refuse_overwrite(target, args.force)
    faces = load_celeba(args.data, args.split, n=64)
    save_png(faces, target)
    ids = [path.name for path in celeba_files(args.data, args.split)[:64]]
    target.with_suffix(".txt").write_text("\n".join(ids) + "\n")
    print(f"wrote {target} ({ids[0]} .. {ids[-1]})")


def cmd_train(args) -> None:
    from .models import default_device

    device = distributed.local_device(args.device or default_device())
    with distributed.process_group(device):  # under torchrun; else nothing
        _train_and_export(args, device)


def _train_and_export(args, device) -> None:
    """cmd_train's work, done by every process; the main one alone prints and writes."""
    from .models import DCGANConfig, save_weights
    from .precision import resolve_precision
    from .train import TrainConfig, load_snapshot, pick_snapshot, train

    main = distributed.is_main()
    weights = _begin(args, args.weights)
    valid_source = args.valid_data or (None if args.data.endswith(".pt") else args.data)
    for source in filter(None, dict.fromkeys([args.data, valid_source])):
        distributed.found_everywhere(source)  # an error if only some processes see it
    faces = load_faces(args.data, "train")
    valid = load_faces(valid_source, "valid", n=args.valid_n) if valid_source else None
    if valid is None and main:
        print(
            "no validation faces (--valid-data): no quality measures, shipping the "
            "last epoch's averaged generator"
        )
    config = TrainConfig(
        epochs=args.epochs,
        seed=args.seed,
        batch_size=args.batch_size,
        # resolved here so that the weights file records what ran, not "auto"
        precision=resolve_precision(args.precision, device),
        snapshot_every=args.snapshot_every,
    )
    model_config = DCGANConfig(d_norm=args.d_norm)
    try:
        G, D, log = train(
            faces, args.run_dir, config, model_config, device, valid_faces=valid
        )
    except ValueError as error:  # a batch the processes cannot share, another run's
        sys.exit(f"error: {error}")
    if not main:
        return
    chosen = {"epoch": log[-1]["epoch"], "generator": "ema"}
    if valid is not None and config.snapshot_every:
        epoch, kind = pick_snapshot(args.run_dir)
        G, D = load_snapshot(args.run_dir, epoch, kind, model_config)
        chosen = {
            "epoch": epoch,
            "generator": kind,
            "swd_valid": log[epoch - 1][f"swd_{kind}"],
        }
    save_weights(
        G,
        D,
        weights,
        command=args.invocation,
        images=len(faces),
        train_config=asdict(config),
        chosen=chosen,
        log=log,
        seconds=sum(entry["seconds"] for entry in log),
        device=str(args.device or "default"),
        processes=distributed.world_size(),
        torch_version=str(torch.__version__),
    )
    print(
        f"wrote {weights}: epoch {chosen['epoch']} of {log[-1]['epoch']}, "
        f"{chosen['generator']} generator"
    )


def cmd_dictionary(args) -> None:
    import time

    from .baselines.dictionary import learn_dictionary
    from .baselines.sparse import save_dictionary

    out = _begin(args, args.out)
    faces = load_faces(args.data, "train")
    settings = dict(
        atoms=args.atoms,
        patch=args.patch,
        sparsity=args.sparsity,
        iterations=args.iterations,
        patches=args.patches,
        seed=args.seed,
    )
    began = time.perf_counter()
    D, history = learn_dictionary(faces, progress=True, **settings)
    seconds = time.perf_counter() - began
    save_dictionary(
        D,
        out,
        command=f"python -m tutorial_lib dictionary --data {args.data} --out {out} "
        + " ".join(f"--{name} {value}" for name, value in settings.items()),
        images=len(faces),
        **settings,
        rms_error=[round(e, 6) for e in history],
        seconds=round(seconds, 1),
        threads=torch.get_num_threads(),
        torch_version=str(torch.__version__),
    )
    print(
        f"wrote {out}: {D.shape[1]} atoms of {args.patch}x{args.patch}x3, RMS error "
        f"{history[0]:.4f} -> {history[-1]:.4f}, {seconds:.0f} s"
    )


def cmd_encoder(args) -> None:
    import hashlib

    from .encoder import EncoderConfig, save_encoder, train_encoder
    from .models import WEIGHTS_FILE, load_pretrained
    from .precision import resolve_precision

    out = _begin(args, args.out)
    G, _ = load_pretrained(device=args.device, path=args.weights)
    device = next(G.parameters()).device
    config = EncoderConfig(
        steps=args.steps,
        batch_size=args.batch_size,
        lr=args.lr,
        seed=args.seed,
        precision=resolve_precision(args.precision, device),
        log_every=min(100, args.steps),
    )
    E, log = train_encoder(G, config, device=device)
    generator_file = Path(args.weights) if args.weights else WEIGHTS_FILE
    save_encoder(
        E.cpu(),
        out,
        command=args.invocation,
        training=asdict(config),
        device=str(device),
        threads=torch.get_num_threads(),
        torch=str(torch.__version__),
        generator_sha256=hashlib.sha256(generator_file.read_bytes()).hexdigest(),
        log=log,
    )
    print(
        f"wrote {out}: {config.steps} steps, loss {log[-1]['loss']:.3f} "
        f"(per latent entry; 1 = knows nothing), {log[-1]['seconds']:.0f} s"
    )


def cmd_direct(args) -> None:
    from .direct import save_direct, train_direct
    from .models import default_device
    from .precision import resolve_precision

    out = _begin(args, args.out or f"data/weights/direct/{args.task}.pt")
    device = torch.device(args.device) if args.device else default_device()
    faces = load_faces(args.data, "train")
    config = DirectConfig(
        width=args.width,
        steps=args.steps,
        batch_size=args.batch_size,
        lr=args.lr,
        seed=args.seed,
        precision=resolve_precision(args.precision, device),
    )
    checkpoint = args.checkpoint or f"runs/direct/{args.task}.ckpt"
    h, log = train_direct(args.task, faces, config, device, checkpoint=checkpoint)
    seconds = sum(entry["seconds"] for entry in log)
    save_direct(
        h.cpu(), args.task, out, command=args.invocation, training=asdict(config),
        data=str(args.data), faces=len(faces), device=str(device),
        threads=torch.get_num_threads(), torch=str(torch.__version__), log=log,
    )  # fmt: skip
    print(
        f"wrote {out}: {config.steps} steps, L1 {log[-1]['loss']:.4f} per pixel, "
        f"{seconds:.0f} s of training (resumable from {checkpoint})"
    )


def cmd_calibrate(args) -> None:
    from .calibrate import CalibrationConfig, calibrate
    from .models import load_pretrained, save_discriminator
    from .precision import resolve_precision
    from .quality import discriminator_margins

    out = _begin(args, args.out)
    G, D = load_pretrained(device=args.device, path=args.weights)
    device = next(G.parameters()).device
    faces = load_faces(args.data, "train")
    # load_faces gives float32 in [0, 1]; calibrate keeps the training faces as 8-bit
    # numbers, as prepare stores them (a quarter of the memory)
    faces = (faces * 255).round().to(torch.uint8)
    valid = load_faces(args.valid_data, "valid")
    # the first half picks the step (held-out log loss); the second half, never used
    # for any choice, gives the margins recorded with the weights
    pick, check = valid[: len(valid) // 2], valid[len(valid) // 2 :]
    config = CalibrationConfig(
        steps=args.steps,
        batch_size=args.batch_size,
        lr=args.lr,
        beta=args.beta,
        gamma=args.gamma,
        seed=args.seed,
        precision=resolve_precision(args.precision, device),
    )
    D_cal, log = calibrate(G, D, faces, pick, config)
    margins = {
        name: discriminator_margins(net, check.to(device))
        for name, net in (("gan", D), ("calibrated", D_cal))
    }
    best = min(log, key=lambda entry: entry["log_loss"])
    save_discriminator(
        D_cal,
        G,
        out,
        command=args.invocation,
        calibration=asdict(config),
        chosen_step=best["step"],
        log=log,
        margins=margins,
        device=str(device),
        threads=torch.get_num_threads(),
        torch=str(torch.__version__),
    )
    print(
        f"wrote {out}: step {best['step']} of {config.steps}, held-out log loss "
        f"{log[0]['log_loss']:.3f} -> {best['log_loss']:.3f}, accuracy "
        f"{best['accuracy']:.3f}; margins on {len(check)} other validation faces:"
    )
    for name, values in margins.items():
        print(f"  {name:10s} " + ", ".join(f"{k} {v:+.2f}" for k, v in values.items()))


def cmd_restore(args) -> None:
    import tutorial_lib as tl
    from tutorial_lib.data import crop_square, prepare_face, to_png
    from tutorial_lib.photo import align_face, find_faces, load_photo

    out = Path(args.out)
    _refuse_overwrite(out, args.force)
    op = tl.make_operator(args.task)
    clean = args.align or args.corrupt
    try:  # an observation may be small (16x16 for super-resolution)
        photo = load_photo(args.image, min_side=64 if clean else 1)
    except ValueError as error:  # the message names what came: no need to repeat it
        sys.exit(f"error: {error}")
    if args.align:  # an ordinary photo: find the face, frame it like CelebA
        faces = find_faces(photo)
        if not faces:
            sys.exit(
                f"error: no frontal face found in {args.image} "
                f"({photo.width}x{photo.height}); try a photo facing the camera"
            )
        if len(faces) > 1:
            print(f"{len(faces)} faces found: restoring the largest")
        truth = align_face(photo, faces[0])
    elif args.corrupt:  # a CelebA photo (178x218) or a face already at 64x64
        whole = photo.size == (64, 64)
        truth = (crop_square(photo, 0, 0, 64) if whole else prepare_face(photo))[None]
    if clean:
        y = op.corrupt(truth, seed=args.seed)
    else:  # already an observation of this task, at its size
        y = _observation(photo, op, args)
    G, D = tl.load_pretrained(device=args.device, discriminator=args.discriminator)
    device = next(G.parameters()).device
    given = dict(
        lam=args.lam,
        lam_D=args.lam_D,
        p=args.p,
        steps=args.steps,
        restarts=args.restarts,
    )
    arm = tl.ARMS[args.arm] if args.arm else {}
    r = tl.restore(
        y.to(device),
        op,
        G,
        D,
        seed=args.seed,
        **arm | {k: v for k, v in given.items() if v is not None},
    )
    panels = ([truth] if clean else []) + [op.naive_inverse(y), r.x_hat.cpu()]
    out.write_bytes(to_png(panels, scale=4))  # 64x64 faces are too small to look at
    names = ["truth"] * clean + ["input", "restored"]
    print(f"wrote {out} ({len(panels)} faces, enlarged 4x): " + " | ".join(names))


def _observation(photo, op, args) -> torch.Tensor:
    """The photo as an observation y of ``op``: (1, C, h, w) in [0, 1], checked."""
    import numpy as np

    expected = op.A(torch.zeros(1, 3, 64, 64)).shape[1:]  # (C, h, w)
    channels, height, width = expected
    if photo.size != (width, height):
        sys.exit(
            f"error: a {args.task} observation is {width}x{height} pixels, "
            f"{args.image} is {photo.width}x{photo.height}; for a photo of a face "
            "pass --align (or --corrupt for a 178x218 CelebA photo)"
        )
    mode = "L" if channels == 1 else "RGB"
    y = torch.from_numpy(np.asarray(photo.convert(mode)).copy()).float() / 255
    return y[None, None] if y.ndim == 2 else y.permute(2, 0, 1)[None]


def _table_inputs(args, files: list[Path]):
    """What table and shift share: refuse to overwrite ``files`` without --resume or
    --force, set the threads, load the test faces and their ids, and read back the
    rows of a resumed run (or write the CSV's header). Returns (x, ids, done). Under
    torchrun the main process alone checks, reads and writes the files; the others
    get its answer (or its error)."""
    distributed.on_main(_refuse_to_overwrite, args, files)
    if args.threads:
        torch.set_num_threads(args.threads)
    x, ids = _test_faces(args)
    done = distributed.on_main(_rows_so_far, args, files[0], ids)
    return x, ids, done


def _refuse_to_overwrite(args, files: list[Path]) -> None:
    for path in files:
        if path.exists() and not (args.resume or args.force):
            sys.exit(
                f"error: {path} exists; pass --resume to go on with it, or --force "
                "to start again and overwrite it"
            )


def _test_faces(args):
    """The first --n test faces of --data (default: the shipped sample) and their ids."""
    import tutorial_lib as tl
    from tutorial_lib.data import SAMPLE_FACES, celeba_files

    if args.data is None:  # the shipped sample: the first 64 test faces
        x = tl.load_sample_faces(args.n)
        ids = (SAMPLE_FACES.with_suffix(".txt").read_text().split())[: args.n]
    else:
        x = load_faces(args.data, "test", args.n)
        folder = Path(args.data).suffix != ".pt"
        ids = (
            [p.name for p in celeba_files(args.data, "test")[: args.n]]
            if folder
            else [f"test#{i}" for i in range(len(x))]
        )
    return x, ids


def _rows_so_far(args, out: Path, ids: list[str]) -> list[dict]:
    """The finished rows of a resumed --out (rewritten without the pairs to redo), or
    none: then the CSV's header is written, and rows are appended as pairs finish."""
    from tutorial_lib.table import finished_rows, read_rows, write_rows

    if not (args.resume and out.exists()):
        write_rows([], out)
        return []
    rows = read_rows(out)
    if not {r["image"] for r in rows} <= set(ids):
        sys.exit(
            f"error: {out} holds other images than these {len(ids)}; "
            "use another --out, or --force to start again"
        )
    done = finished_rows(rows, ids)
    if len(done) < len(rows):  # without the pairs to redo, or they would count twice
        partial = out.with_name(out.name + ".partial")
        write_rows(done, partial)
        partial.replace(out)
    return done


def _device_line(G) -> str:
    device = next(G.parameters()).device
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    return (
        f"device {device} ({name}, {torch.get_num_threads()} CPU threads); "
        f"torch {torch.__version__}"
    )


def cmd_table(args) -> None:
    from .models import default_device

    device = distributed.local_device(args.device or default_device())
    with distributed.process_group(device):  # under torchrun; else nothing
        _table(args, device)


def _table(args, device) -> None:
    """cmd_table's work, done by every process on its share of the faces; the main
    one alone prints and writes."""
    import time

    import tutorial_lib as tl
    from tutorial_lib.table import run_table_sharded, slide_table, summarize, write_rows

    main = distributed.is_main()
    out, report = Path(args.out), Path(args.out).with_suffix(".md")
    if "bm3d" in args.methods and importlib.util.find_spec("bm3d") is None:
        if main:
            print(
                "no bm3d package (pip install -e '.[bm3d]'): the BM3D row is left out"
            )
        args.methods = [m for m in args.methods if m != "bm3d"]
    x, ids, done = _table_inputs(args, [out, report])
    G, D = tl.load_pretrained(device=device)
    quick = {
        k: v for k, v in dict(steps=args.steps, restarts=args.restarts).items() if v
    }
    began = time.perf_counter()
    try:
        rows = run_table_sharded(
            x,
            ids,
            done=done,
            on_pair=lambda new: write_rows(new, out, append=True),
            batch_size=args.batch_size,
            progress=True,
            methods=args.methods,
            tasks=args.tasks,
            G=G,
            D=D,
            settings={"gan": quick},
        )
    except ValueError as error:  # more processes than batches
        sys.exit(f"error: {error}")
    seconds = time.perf_counter() - began
    if not main:
        return
    table = slide_table(summarize(rows))
    report.write_text(
        f"command: {args.invocation}\n\n"
        f"{len(x)} test faces; {_device_line(G)}; {seconds:.0f} s for this invocation"
        f"{'; GAN settings ' + str(quick) if quick else ''}\n\n{table}\n"
    )
    print(table)
    print(f"wrote {out} (per image) and {report} (this table), {seconds:.0f} s")


def cmd_shift(args) -> None:
    import json
    import time

    import tutorial_lib as tl
    from tutorial_lib.shift import shift_report, shift_table
    from tutorial_lib.table import read_rows, write_rows

    out = Path(args.out)
    record, report = out.with_suffix(".json"), out.with_suffix(".md")
    x, ids, done = _table_inputs(args, [out, record, report])
    tuned = json.loads(record.read_text()) if args.resume and record.exists() else {}
    x_valid = load_faces(args.valid_data, "valid", args.valid_n)
    G, D = tl.load_pretrained(device=args.device)
    began = time.perf_counter()
    rows, tuned = shift_table(
        x, ids, x_valid, G, D, args.shifts, args.methods, tuned=tuned, done=done,
        on_tuned=lambda t: record.write_text(json.dumps(t, indent=1) + "\n"),
        progress=True, batch_size=args.batch_size,
        on_pair=lambda new: write_rows(new, out, append=True),
    )  # fmt: skip
    seconds = time.perf_counter() - began
    reference = read_rows(args.reference) if args.reference else []
    table = shift_report(rows, reference, tuned)
    report.write_text(
        f"command: {args.invocation}\n\n{len(x)} test faces, lambda retuned on "
        f"{len(x_valid)} validation faces; {_device_line(G)}; {seconds:.0f} s for "
        f"this invocation\n\n{table}\n"
    )
    print(table)
    print(f"wrote {out} (per image), {record} (lambda) and {report}, {seconds:.0f} s")


def cmd_handout(args) -> None:
    from .handout import write_handout

    written = write_handout(Path(args.out), force=args.force)
    print(f"wrote {len(written)} student notebooks (no solution cells) to {args.out}/")


def cmd_slides(args) -> None:
    from .slides import DECK, build_slides

    try:
        written = build_slides(
            Path(args.out), force=args.force, reveal_url_prefix=args.reveal_url_prefix
        )
    except ValueError as error:  # a label too small for the projector
        sys.exit(f"error: {error}")
    print(f"wrote {len(written) - 1} figures and {DECK} to {args.out}/")


def _options_prepare(sub) -> None:
    p = sub.add_parser("prepare", help="CelebA split -> .pt file of 64x64 faces")
    p.add_argument("--data", required=True, help="CelebA folder (official layout)")
    p.add_argument("--split", default="train", choices=["train", "valid", "test"])
    p.add_argument("--out", required=True)
    p.add_argument("--force", action="store_true", help="overwrite --out")
    p.set_defaults(run=cmd_prepare)


def _options_sample_faces(sub) -> None:
    p = sub.add_parser(
        "sample-faces", help="write data/sample_faces.png (or validation_faces.png)"
    )
    p.add_argument("--data", required=True, help="CelebA folder (official layout)")
    p.add_argument(
        "--split",
        default="test",
        choices=["test", "valid"],
        help="test: data/sample_faces.png; valid: data/validation_faces.png",
    )
    p.add_argument("--force", action="store_true")
    p.set_defaults(run=cmd_sample_faces)


def _several_processes(command: str) -> str:
    """The epilog of the commands that run under torchrun."""
    return (
        "Several processes (tutorial_lib.distributed): torchrun --standalone "
        f"--nproc_per_node N -m tutorial_lib -- {command} ... (the -- keeps torchrun "
        "from reading the options as its own)"
    )


def _options_train(sub) -> None:
    p = sub.add_parser(
        "train",
        help="train the DCGAN and export its weights",
        epilog=_several_processes("train")
        + "; --batch-size is the global batch, shared by the N processes",
    )
    p.add_argument("--data", required=True, help="CelebA folder, or a .pt from prepare")
    p.add_argument("--epochs", type=int, default=25)
    p.add_argument(
        "--batch-size",
        type=int,
        default=128,
        help="the global batch (default %(default)s): under torchrun each of N "
        "processes takes batch-size / N faces; the learning rate is for this batch",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default=None, help="cpu, cuda, ... (default: best)")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: torch's)")
    p.add_argument(
        "--valid-data",
        default=None,
        help="validation faces for the quality log (CelebA folder or .pt; "
        "default: --data's validation split when it is a folder)",
    )
    p.add_argument(
        "--valid-n",
        type=int,
        default=512,
        help="how many validation faces the per-epoch measures use",
    )
    p.add_argument(
        "--precision",
        default="auto",
        choices=["auto", "fp32", "bf16"],
        help="auto: bfloat16 where the device runs it fast",
    )
    p.add_argument(
        "--snapshot-every",
        type=int,
        default=10,
        help="keep G and D every this many epochs; the one with the lowest "
        "validation SWD is exported (0: export the last epoch)",
    )
    p.add_argument(
        "--d-norm",
        default="batch",
        choices=["batch", "layer", "none"],
        help="the discriminator's normalisation (models.DCGANConfig.d_norm)",
    )
    p.add_argument("--run-dir", default="runs/dcgan", help="checkpoints, log, samples")
    p.add_argument("--weights", default="data/weights/dcgan_celeba64.pt")
    p.add_argument("--force", action="store_true", help="overwrite --weights")
    p.set_defaults(run=cmd_train)


def _options_dictionary(sub) -> None:
    p = sub.add_parser(
        "dictionary", help="learn the sparse baseline's patch dictionary"
    )
    p.add_argument("--data", required=True, help="CelebA folder, or a .pt from prepare")
    p.add_argument("--out", default="data/weights/sparse_dictionary.pt")
    p.add_argument("--atoms", type=int, default=256)
    p.add_argument("--patch", type=int, default=8, help="patch side in pixels")
    p.add_argument("--sparsity", type=int, default=6, help="atoms per training patch")
    p.add_argument("--iterations", type=int, default=20, help="K-SVD iterations")
    p.add_argument(
        "--patches", type=int, default=100_000, help="random training patches"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: torch's)")
    p.add_argument("--force", action="store_true", help="overwrite --out")
    p.set_defaults(run=cmd_dictionary)


def _options_encoder(sub) -> None:
    p = sub.add_parser("encoder", help="train the encoder that starts the search")
    p.add_argument("--out", default="data/weights/encoder_celeba64.pt")
    p.add_argument(
        "--weights", default=None, help="the DCGAN to invert (default: the shipped)"
    )
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--batch-size", type=int, default=120)
    p.add_argument("--lr", type=float, default=2e-4)
    _training_options(p)
    p.set_defaults(run=cmd_encoder)


def _options_direct(sub) -> None:
    p = sub.add_parser("direct", help="train the direct network of one task")
    p.add_argument("--task", required=True, choices=TASKS)
    p.add_argument("--data", required=True, help="training faces: CelebA folder or .pt")
    p.add_argument("--out", default=None, help="default: data/weights/direct/TASK.pt")
    p.add_argument(
        "--checkpoint",
        default=None,
        help="resumed if it exists (runs/direct/TASK.ckpt)",
    )
    direct = DirectConfig()  # the defaults live in one place
    p.add_argument("--width", type=int, default=direct.width)
    p.add_argument("--steps", type=int, default=direct.steps)
    p.add_argument("--batch-size", type=int, default=direct.batch_size)
    p.add_argument("--lr", type=float, default=direct.lr)
    _training_options(p)
    p.set_defaults(run=cmd_direct)


def _options_calibrate(sub) -> None:
    p = sub.add_parser("calibrate", help="train D further against the final G")
    p.add_argument("--data", required=True, help="training faces: CelebA folder or .pt")
    p.add_argument(
        "--valid-data", required=True, help="validation faces: CelebA folder or .pt"
    )
    p.add_argument("--out", default="data/weights/discriminator_calibrated.pt")
    p.add_argument("--weights", default=None, help="the DCGAN (default: the shipped)")
    defaults = CalibrationConfig()
    for name in ("steps", "batch_size"):
        flag = "--" + name.replace("_", "-")
        p.add_argument(flag, type=int, default=getattr(defaults, name))
    for name in ("lr", "beta", "gamma"):
        p.add_argument(f"--{name}", type=float, default=getattr(defaults, name))
    _training_options(p)
    p.set_defaults(run=cmd_calibrate)


def _options_restore(sub) -> None:
    p = sub.add_parser("restore", help="restore one face image with the GAN prior")
    p.add_argument(
        "image",
        help="a PNG/JPEG: the observation, a clean CelebA face (--corrupt) or a "
        "photo of a face (--align)",
    )
    p.add_argument("--task", required=True, choices=TASKS)
    clean = p.add_mutually_exclusive_group()
    clean.add_argument("--corrupt", action="store_true", help="corrupt the image first")
    clean.add_argument(
        "--align",
        action="store_true",
        help="an ordinary photo: find the face, crop it like CelebA, corrupt it",
    )
    p.add_argument("--out", required=True, help="PNG: [truth |] input | restored")
    p.add_argument(
        "--arm",
        choices=list(ARMS),
        default=None,
        help="the objective's terms (solver.ARMS; default: the task's tuned ones)",
    )
    p.add_argument(
        "--discriminator",
        choices=list(DISCRIMINATORS),
        default="gan",
        help="the GAN's own D or the one calibrated to G (models.load_pretrained)",
    )
    for name in ("lam", "lam_D", "p"):
        flag = "--" + name.replace("_", "-")
        p.add_argument(flag, type=float, default=None, dest=name)
    for name in ("steps", "restarts"):
        p.add_argument(f"--{name}", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default=None)
    p.add_argument("--force", action="store_true", help="overwrite --out")
    p.set_defaults(run=cmd_restore)


def _scoring_options(p, out: str, out_help: str) -> None:
    """The options table and shift share: which faces, where the rows go, resuming."""
    p.add_argument("--n", type=int, default=64, help="the first n test faces")
    p.add_argument(
        "--data",
        default=None,
        help="CelebA folder or test .pt (default: the shipped 64 faces)",
    )
    p.add_argument("--device", default=None)
    p.add_argument("--out", default=out, help=out_help)
    p.add_argument("--resume", action="store_true", help="go on with an existing --out")
    p.add_argument("--force", action="store_true", help="overwrite --out")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: torch's)")


def _options_table(sub) -> None:
    p = sub.add_parser(
        "table",
        help="the paper's table: every method on every task",
        epilog=_several_processes("table")
        + "; each process restores a block of whole batches, and the CSV is the one "
        "a single process writes",
    )
    _scoring_options(p, "table.csv", "per-image CSV (+ .md table)")
    p.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    p.add_argument("--tasks", nargs="+", default=list(TASKS), choices=TASKS)
    p.add_argument(
        "--steps", type=int, default=None, help="GAN steps (quick look only)"
    )
    p.add_argument(
        "--restarts", type=int, default=None, help="GAN restarts (quick look)"
    )
    p.set_defaults(run=cmd_table)


def _options_shift(sub) -> None:
    p = sub.add_parser("shift", help="direct network and priors on changed corruptions")
    _scoring_options(p, "shift.csv", "per-image CSV (+ .json, .md)")
    p.add_argument(
        "--valid-data", required=True, help="validation faces: CelebA folder or .pt"
    )
    p.add_argument("--valid-n", type=int, default=32, help="faces to retune lambda on")
    p.add_argument("--shifts", nargs="+", default=list(SHIFTS), choices=list(SHIFTS))
    p.add_argument(
        "--methods", nargs="+", default=list(SHIFT_METHODS), choices=SHIFT_METHODS
    )
    p.add_argument(
        "--reference",
        default=None,
        help="the table's CSV on the same faces (the trained corruptions' rows)",
    )
    p.set_defaults(run=cmd_shift)


def _options_handout(sub) -> None:
    p = sub.add_parser("handout", help="student copies of the notebooks (no solutions)")
    p.add_argument("--out", default="student", help="folder for the copies")
    p.add_argument("--force", action="store_true", help="replace existing copies")
    p.set_defaults(run=cmd_handout)


def _options_slides(sub) -> None:
    p = sub.add_parser("slides", help="projector figures and a reveal.js deck")
    p.add_argument("--out", default="slides", help="folder for figures/ and the deck")
    p.add_argument("--force", action="store_true", help="replace earlier output")
    p.add_argument(
        "--reveal-url-prefix",
        default=None,
        help="where the deck loads reveal.js from (default: nbconvert's CDN)",
    )
    p.set_defaults(run=cmd_slides)


# One function per subcommand adds its options, beside the order --help lists them
SUBCOMMANDS = [
    _options_prepare,
    _options_sample_faces,
    _options_train,
    _options_dictionary,
    _options_encoder,
    _options_direct,
    _options_calibrate,
    _options_restore,
    _options_table,
    _options_shift,
    _options_handout,
    _options_slides,
]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tutorial_lib",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for add_options in SUBCOMMANDS:
        add_options(sub)

    given = sys.argv[1:] if argv is None else list(argv)
    if given[:1] == ["--"]:  # torchrun's form (it drops the --) typed without torchrun
        given = given[1:]
    args = parser.parse_args(given)
    if distributed.launched() and args.command not in ("train", "table"):
        sys.exit(
            f"error: under torchrun only train and table share their work; run "
            f"{args.command} as python -m tutorial_lib {args.command}"
        )
    # The records name the command that wrote them: the arguments given, not sys.argv
    # (which is another program's when main() is called from Python, as the tests do).
    args.invocation = shlex.join([*distributed.command_words(), *given])
    try:
        args.run(args)
    except (FileNotFoundError, FileExistsError) as error:  # one line, no trace
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
