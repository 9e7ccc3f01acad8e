"""A face from an ordinary photo, cropped and scaled the way the CelebA faces are.

The GAN only knows faces framed like CelebA's aligned photos: eyes level, the face
filling most of a square crop. A photo of your own is framed any way, so we find the
face with scikit-image's LBP frontal-face cascade (it ships with scikit-image:
nothing to download), put a square around it with the size and offset that the
detector's box has on CelebA's own photos, and scale that square to 64x64:

    photo = load_photo("me.jpg")              # RGB, EXIF rotation applied
    faces = find_faces(photo)                 # boxes, largest first
    face = align_face(photo, faces[0])        # (1, 3, 64, 64) in [0, 1], like CelebA

``align_face`` takes ``scale``, ``dx`` and ``dy`` for a user's adjustments. The two
constants below were measured by ``benchmarks/face_crop_calibration.py`` on CelebA
validation photos: the median detector box against the crop of ``data.prepare_face``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from . import data

SIDE_PER_BOX = 1.05  # CelebA's crop side / the detector's box width (median)
SHIFT_PER_BOX = -0.15  # crop centre's row minus the box centre's, / box width (median)
MIN_SIDE = 64  # a smaller photo has too few pixels for a 64x64 face
DETECT_SIDE = 800  # the detector sees the photo shrunk to this longer side, at most


@dataclass(frozen=True)
class FaceBox:
    """A detected face: the detector's square, in pixels of the photo."""

    top: int
    left: int
    size: int

    @property
    def centre(self) -> tuple[float, float]:
        return self.top + self.size / 2, self.left + self.size / 2


def load_photo(source, min_side: int = MIN_SIDE) -> Image.Image:
    """An RGB photo from a path or bytes, turned upright as its EXIF tag says.

    Gray, palette and RGBA photos become RGB (transparency over white). Raises
    ValueError, saying what came, for something that is not an image or is smaller
    than ``min_side`` pixels on a side (64: a face needs them).

    >>> load_photo(b"not a picture")
    Traceback (most recent call last):
    ...
    ValueError: expected a photo (JPEG, PNG or another format Pillow reads), got 13 bytes
    """
    what = f"{source}" if isinstance(source, (str, Path)) else f"{len(source)} bytes"
    try:
        file = source if isinstance(source, (str, Path)) else io.BytesIO(source)
        with Image.open(file) as opened:
            image = ImageOps.exif_transpose(opened)
            image.load()
    except (UnidentifiedImageError, OSError) as error:
        if isinstance(source, (str, Path)) and not Path(source).is_file():
            raise FileNotFoundError(f"{source} not found") from error
        raise ValueError(
            f"expected a photo (JPEG, PNG or another format Pillow reads), got {what}"
        ) from error
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image)
    image = image.convert("RGB")
    if min(image.size) < min_side:
        raise ValueError(
            f"the photo is {image.width}x{image.height} pixels; a face needs at "
            f"least {min_side} on each side"
        )
    return image


def find_faces(photo: Image.Image, min_size: int = 32) -> list[FaceBox]:
    """Frontal faces in the photo, largest first, one box per face.

    The cascade runs on a copy at most ``DETECT_SIDE`` pixels on its longer side (a
    phone photo has ten times more pixels than a face needs, and the scan's time grows
    with them); the boxes are scaled back to the photo. It often fires several times
    on one face at nearby scales: those boxes are merged (``distinct``). ``min_size``:
    the smallest face looked for, in pixels of the photo.
    """
    from skimage.data import lbp_frontal_face_cascade_filename
    from skimage.feature import Cascade

    shrink = min(1.0, DETECT_SIDE / max(photo.size))
    small = photo.convert("L")
    if shrink < 1:
        size = (round(photo.width * shrink), round(photo.height * shrink))
        small = small.resize(size, Image.Resampling.BILINEAR)
    gray = np.asarray(small, dtype=np.float64) / 255
    side = max(1, round(min_size * shrink))
    found = Cascade(lbp_frontal_face_cascade_filename()).detect_multi_scale(
        img=gray,
        scale_factor=1.1,
        step_ratio=1,
        min_size=(side, side),
        max_size=(min(small.size), min(small.size)),
    )
    boxes = [
        FaceBox(
            round(b["r"] / shrink), round(b["c"] / shrink), round(b["width"] / shrink)
        )
        for b in found
    ]
    return distinct(boxes)


def distinct(boxes: list[FaceBox]) -> list[FaceBox]:
    """Largest first, without the boxes whose centre lies inside a larger kept box.

    >>> distinct([FaceBox(12, 12, 20), FaceBox(10, 10, 30), FaceBox(100, 10, 30)])
    [FaceBox(top=10, left=10, size=30), FaceBox(top=100, left=10, size=30)]
    """
    kept: list[FaceBox] = []
    for box in sorted(boxes, key=lambda b: -b.size):
        row, col = box.centre
        inside = any(
            k.top <= row <= k.top + k.size and k.left <= col <= k.left + k.size
            for k in kept
        )
        if not inside:
            kept.append(box)
    return kept


def face_square(
    photo_size: tuple[int, int], box: FaceBox, scale=1.0, dx=0.0, dy=0.0
) -> tuple[int, int, int]:
    """(top, left, side) of the CelebA-like square around ``box``, inside the photo.

    side = SIDE_PER_BOX * box width * ``scale`` (> 0); the centre is the box's, moved
    down by SHIFT_PER_BOX box widths (negative: up), then down by ``dy`` and right by
    ``dx`` (in crop sides).
    A square that would leave the photo is moved back in (and shrunk to the photo's
    shorter side if it must be).

    >>> face_square((400, 300), FaceBox(top=100, left=150, size=100))
    (82, 148, 105)
    """
    if not scale > 0:
        raise ValueError(f"scale must be > 0 (1: CelebA's framing), got {scale}")
    width, height = photo_size
    side = min(max(1, round(SIDE_PER_BOX * box.size * scale)), width, height)
    row, col = box.centre
    row += SHIFT_PER_BOX * box.size + dy * side
    col += dx * side
    top = int(np.clip(round(row - side / 2), 0, height - side))
    left = int(np.clip(round(col - side / 2), 0, width - side))
    return top, left, side


def align_face(
    photo: Image.Image, box: FaceBox, scale=1.0, dx=0.0, dy=0.0
) -> torch.Tensor:
    """The face in ``box`` cropped like CelebA and scaled to (1, 3, 64, 64) in [0, 1].

    ``scale``, ``dx``, ``dy``: adjustments of the square (``face_square``).

    >>> photo = Image.new("RGB", (400, 300), "red")
    >>> face = align_face(photo, FaceBox(top=100, left=150, size=100))
    >>> face.shape, face[0, :, 0, 0].tolist()
    (torch.Size([1, 3, 64, 64]), [1.0, 0.0, 0.0])
    """
    top, left, side = face_square(photo.size, box, scale, dx, dy)
    return data.crop_square(photo, top, left, side)[None]
