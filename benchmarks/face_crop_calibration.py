"""Where CelebA's crop sits relative to the face detector's box: photo.py's constants.

    python benchmarks/face_crop_calibration.py --data ../shared/celeba [--n 500]

On the first n CelebA validation photos (aligned, 178x218), runs the detector of
tutorial_lib.photo and compares its largest box with the crop that data.prepare_face
takes (the central 108x108 square): prints the medians of crop side / box width and
of (crop centre row - box centre row) / box width, which photo.py uses as
SIDE_PER_BOX and SHIFT_PER_BOX, and how close align_face then comes to prepare_face
(PSNR of the two 64x64 faces: quartiles).
"""

from __future__ import annotations

import argparse

import numpy as np
from PIL import Image

from tutorial_lib import photo
from tutorial_lib.data import CROP_FRACTION, celeba_files, prepare_face
from tutorial_lib.metrics import psnr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CelebA folder (official layout)")
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()

    sides, shifts, columns, agreement, missed = [], [], [], [], 0
    for path in celeba_files(args.data, "valid")[: args.n]:
        image = Image.open(path).convert("RGB")
        faces = photo.find_faces(image)
        if not faces:
            missed += 1
            continue
        box = faces[0]
        width, height = image.size
        side = round(CROP_FRACTION * width)
        row, col = box.centre
        sides.append(side / box.size)
        shifts.append((height / 2 - row) / box.size)
        columns.append((width / 2 - col) / box.size)
        aligned = photo.align_face(image, box)
        agreement.append(psnr(aligned, prepare_face(image)[None]).item())
    print(f"{len(sides)} photos with a face, {missed} without")
    print(f"crop side / box width: median {np.median(sides):.3f}")
    print(
        f"(crop centre - box centre) / box width: rows {np.median(shifts):.3f}, "
        f"columns {np.median(columns):.3f}"
    )
    q = np.percentile(agreement, [25, 50, 75])
    print(
        "align_face against prepare_face, PSNR (dB) quartiles: "
        + ", ".join(f"{v:.1f}" for v in q)
    )


if __name__ == "__main__":
    main()
