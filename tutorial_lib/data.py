"""Faces: CelebA in its official layout -> 64x64 tensors, and the shipped sample.

CelebA's aligned release is a folder of JPEGs and a partition file::

    img_align_celeba/000001.jpg ...
    list_eval_partition.txt          "000001.jpg 0" per line; 0 train, 1 valid, 2 test

Every face goes through the usual DCGAN preparation: crop the central square whose
side is 108/178 of the image width (108 pixels of a 178x218 image), then resize it to
64x64 with an antialiasing filter. The crop is relative to the width, so a copy of
CelebA stored at another resolution (half size, say) gives the same faces.

Introduced in notebook 01; the training notebook (11) reads the full data set with it.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import torch
from PIL import Image

IMAGE_SIZE = 64
CROP_FRACTION = 108 / 178
SPLITS = {"train": 0, "valid": 1, "test": 2}

# data/ sits beside the package in the repository (the package is installed editable).
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SAMPLE_FACES = DATA_DIR / "sample_faces.png"  # 64 test faces: demonstrations, the table
# 64 validation faces: for measurements a student repeats (the package's own paired
# measurements use the validation split; test faces are kept for the final table)
VALIDATION_FACES = DATA_DIR / "validation_faces.png"


def shipped_faces_file(split: str = "test") -> Path:
    """The PNG grid of the 64 shipped faces of ``split`` ("test" or "valid").

    >>> shipped_faces_file("valid").name
    'validation_faces.png'
    """
    files = {"test": SAMPLE_FACES, "valid": VALIDATION_FACES}
    if split not in files:
        raise ValueError(f'split must be "test" or "valid", got {split!r}')
    return files[split]


def prepare_face(image: Image.Image, size: int = IMAGE_SIZE) -> torch.Tensor:
    """Central square crop (side 108/178 of the width), antialiased resize to size x size.

    ``image``: a PIL image of any mode (converted to RGB); returns a float32 tensor
    (3, size, size) in [0, 1]. On a 178x218 CelebA photo the crop is the 108x108 square
    at (35, 55): a red square there, on a blue background, gives an all-red face.

    >>> from PIL import ImageDraw
    >>> photo = Image.new("RGB", (178, 218), "blue")
    >>> ImageDraw.Draw(photo).rectangle((35, 55, 142, 162), fill="red")  # corners kept
    >>> face = prepare_face(photo)
    >>> face.shape, face.mean(dim=(1, 2)).tolist()
    (torch.Size([3, 64, 64]), [1.0, 0.0, 0.0])
    """
    width, height = image.size
    side = round(CROP_FRACTION * width)
    return crop_square(image, (height - side) // 2, (width - side) // 2, side, size)


def crop_square(
    image: Image.Image, top: int, left: int, side: int, size: int = IMAGE_SIZE
) -> torch.Tensor:
    """The side x side square at (top, left), resized to (3, size, size) in [0, 1].

    >>> crop_square(Image.new("L", (10, 10), 255), 2, 3, 4, size=2).tolist()
    [[[1.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]]]
    """
    square = image.convert("RGB").crop((left, top, left + side, top + side))
    # PIL's bicubic filter widens its kernel when it shrinks: that is the antialiasing.
    small = square.resize((size, size), Image.Resampling.BICUBIC)
    return torch.from_numpy(np.asarray(small).copy()).permute(2, 0, 1).float() / 255


def celeba_files(root: str | Path, split: str = "train") -> list[Path]:
    r"""The image files of one split ("train", "valid" or "test"), in id order.

    ``root``: a folder in CelebA's layout (module docstring). A tiny one, three gray
    photos of which two are in the training split:

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> root, lines = Path(tmp.name), ["000003.jpg 0", "000002.jpg 2", "000001.jpg 0"]
    >>> _ = (root / "list_eval_partition.txt").write_text("\n".join(lines))
    >>> photos = root / "img_align_celeba"
    >>> photos.mkdir()
    >>> for line in lines:  # gray photos of CelebA's size
    ...     Image.new("RGB", (178, 218), "gray").save(photos / line[:10])
    >>> [path.name for path in celeba_files(root, "train")]
    ['000001.jpg', '000003.jpg']
    >>> tmp.cleanup()
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {sorted(SPLITS)}, got {split!r}")
    root = Path(root)
    partition = root / "list_eval_partition.txt"
    if not partition.is_file():
        raise FileNotFoundError(
            f"{partition} not found: expected CelebA's official layout "
            f"(img_align_celeba/ and list_eval_partition.txt) under {root}"
        )
    wanted = str(SPLITS[split])
    names = []
    for line in partition.read_text().split("\n"):
        fields = line.split()
        if len(fields) == 2 and fields[1] == wanted:
            names.append(fields[0])
    return [root / "img_align_celeba" / name for name in sorted(names)]


def load_celeba(
    root: str | Path, split: str = "train", n: int | None = None, progress: bool = False
) -> torch.Tensor:
    r"""Read one split of CelebA as a float32 tensor (N, 3, 64, 64) in [0, 1].

    ``root``: a folder in CelebA's layout (module docstring); ``split``: "train",
    "valid" or "test"; ``n`` keeps the first n faces of the split (in id order);
    ``progress`` shows tqdm. A tiny CelebA of two gray photos, both in the test split:

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> root, lines = Path(tmp.name), ["000001.jpg 2", "000002.jpg 2"]
    >>> _ = (root / "list_eval_partition.txt").write_text("\n".join(lines))
    >>> photos = root / "img_align_celeba"
    >>> photos.mkdir()
    >>> for line in lines:  # gray photos of CelebA's size
    ...     Image.new("RGB", (178, 218), "gray").save(photos / line[:10])
    >>> x = load_celeba(root, "test")
    >>> x.shape, x.dtype, load_celeba(root, "test", n=1).shape
    (torch.Size([2, 3, 64, 64]), torch.float32, torch.Size([1, 3, 64, 64]))
    >>> tmp.cleanup()
    """
    files = celeba_files(root, split)[:n]
    if not files:
        raise ValueError(f"no {split!r} images listed in {Path(root)}")
    if progress:
        from tqdm.auto import tqdm

        files = tqdm(files, desc=f"CelebA {split}", unit="img")
    faces = []
    for path in files:
        with Image.open(path) as image:
            faces.append(prepare_face(image))
    return torch.stack(faces)


def to_grid(x: torch.Tensor, ncols: int = 8) -> torch.Tensor:
    """Tile a batch (N, C, H, W) into one image (C, rows * H, ncols * W), row-major.

    rows = ceil(N / ncols); the tiles after the last image are black (zeros).

    >>> grid = to_grid(torch.ones(10, 3, 64, 64), ncols=4)  # 3 rows of 4 tiles
    >>> grid.shape, grid[:, 128:, 128:].max().item()  # the last two tiles are empty
    (torch.Size([3, 192, 256]), 0.0)
    """
    N, C, H, W = x.shape
    nrows = -(-N // ncols)
    padded = torch.zeros(nrows * ncols, C, H, W, dtype=x.dtype)
    padded[:N] = x.cpu()
    grid = padded.view(nrows, ncols, C, H, W).permute(2, 0, 3, 1, 4)
    return grid.reshape(C, nrows * H, ncols * W)


def save_png(x: torch.Tensor, path: str | Path, ncols: int = 8) -> None:
    """Save a batch of [0, 1] images as one PNG grid (lossless, 8 bits).

    ``x``: (N, C, H, W), clamped to [0, 1] and rounded to the nearest of 256 levels;
    ``path``: the file to write; ``ncols``: tiles per row (see ``to_grid``).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_png(torch.full((2, 3, 64, 64), 0.5), Path(folder) / "two.png", ncols=2)
    ...     with Image.open(Path(folder) / "two.png") as png:
    ...         size, pixel = png.size, png.getpixel((0, 0))
    >>> size, pixel  # (width, height); 0.5 * 255 = 127.5 rounds to 128
    ((128, 64), (128, 128, 128))
    """
    grid = (to_grid(x.detach().clamp(0, 1), ncols) * 255).round().to(torch.uint8)
    Image.fromarray(grid.permute(1, 2, 0).numpy()).save(path)


def to_png(images: list[torch.Tensor], scale: int = 3) -> bytes:
    """Images (1, C, H, W) in [0, 1] side by side, enlarged, as PNG bytes.

    Gray images (C = 1) are shown in gray; ``scale``: the enlargement (nearest
    neighbour, so pixels stay sharp).

    >>> png = to_png([torch.zeros(1, 3, 64, 64), torch.ones(1, 1, 64, 64)], scale=2)
    >>> picture = Image.open(io.BytesIO(png))
    >>> picture.size, picture.getpixel((0, 0)), picture.getpixel((255, 127))
    ((256, 128), (0, 0, 0), (255, 255, 255))
    """
    row = torch.cat([im[0].expand(3, -1, -1) for im in images], dim=2)  # (3, H, k W)
    array = (row.clamp(0, 1) * 255).round().byte().permute(1, 2, 0).cpu().numpy()
    picture = Image.fromarray(array)
    picture = picture.resize(
        (picture.width * scale, picture.height * scale), Image.Resampling.NEAREST
    )
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def load_sample_faces(n: int = 16, split: str = "test") -> torch.Tensor:
    """The first n of the 64 shipped faces of a split: float32 (n, 3, 64, 64) in [0, 1].

    ``split``: "test" (data/sample_faces.png; demonstrations and the table) or "valid"
    (data/validation_faces.png; for paired measurements, which this course makes on
    validation faces only). They are CelebA faces (data/README.md says which and how
    they were made), each split stored as one lossless 8x8 PNG grid.

    >>> x = load_sample_faces(2)
    >>> x.shape, x.dtype, bool(x.min() >= 0 and x.max() <= 1)
    (torch.Size([2, 3, 64, 64]), torch.float32, True)
    >>> torch.equal(load_sample_faces(64)[:2], x)  # always the same faces, in order
    True
    >>> torch.equal(load_sample_faces(2, split="valid"), x)  # other faces
    False
    """
    path = shipped_faces_file(split)
    if not 1 <= n <= 64:
        raise ValueError(f"n must be between 1 and 64 (64 faces are shipped), got {n}")
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing; it is made by "
            f"`python -m tutorial_lib sample-faces --data /path/to/celeba --split {split}`"
        )
    with Image.open(path) as image:
        grid = torch.from_numpy(np.asarray(image.convert("RGB")).copy())
    grid = grid.permute(2, 0, 1).float() / 255  # (3, 8 * 64, 8 * 64)
    C, S = 3, IMAGE_SIZE
    faces = grid.view(C, 8, S, 8, S).permute(1, 3, 0, 2, 4).reshape(64, C, S, S)
    return faces[:n].contiguous()


def load_faces(data: str | Path, split: str, n: int | None = None) -> torch.Tensor:
    """The first n faces (all by default) of a split, (n, 3, 64, 64) float32 in [0, 1].

    ``data``: a CelebA folder in the official layout (read with `load_celeba`), or a
    .pt file of uint8 faces written by ``python -m tutorial_lib prepare`` (``split`` is
    then only a label: the file holds one split). A .pt file of four 8-bit faces:

    >>> import tempfile
    >>> faces = (load_sample_faces(4) * 255).round().to(torch.uint8)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     torch.save(faces, Path(folder) / "faces_test.pt")
    ...     x = load_faces(Path(folder) / "faces_test.pt", "test", n=3)
    >>> x.shape, torch.equal(x, load_sample_faces(3))  # 8 bits: nothing lost
    (torch.Size([3, 3, 64, 64]), True)
    """
    path = Path(data)
    if path.suffix == ".pt":
        return torch.load(path, weights_only=True)[:n].float() / 255
    return load_celeba(path, split, n=n, progress=True)
