"""tutorial_lib.photo: a face from an ordinary photo, framed like CelebA."""

import io
from pathlib import Path
from statistics import median

import pytest
import torch
from PIL import Image
from skimage import data

from tutorial_lib import photo
from tutorial_lib.data import celeba_files
from tutorial_lib.photo import FaceBox, align_face, face_square, find_faces, load_photo

CELEBA = Path(__file__).resolve().parents[2] / "shared" / "celeba"


def _png(image: Image.Image, **save) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=save.pop("format", "PNG"), **save)
    return buffer.getvalue()


def test_finds_the_astronauts_face_first():
    """skimage's astronaut (not CelebA): her face spans rows ~60-190, cols ~170-290."""
    astronaut = Image.fromarray(data.astronaut())
    faces = find_faces(astronaut)
    row, col = faces[0].centre
    assert 60 < row < 190 and 170 < col < 290
    assert all(f.size < faces[0].size for f in faces[1:])  # largest first
    face = align_face(astronaut, faces[0])
    assert face.shape == (1, 3, 64, 64) and 0 <= face.min() and face.max() <= 1


def test_a_large_photo_is_searched_shrunk_and_boxed_at_full_size():
    """A 2048x2048 astronaut: the detector sees 800x800, the box is in the photo's
    pixels, 4x the 512x512 photo's box (up to the shrink's rounding)."""
    astronaut = Image.fromarray(data.astronaut())
    small = find_faces(astronaut)[0]
    large = find_faces(astronaut.resize((2048, 2048), Image.Resampling.BICUBIC))[0]
    assert large.size == pytest.approx(4 * small.size, rel=0.15)
    assert large.centre == pytest.approx(tuple(4 * v for v in small.centre), rel=0.1)


def test_no_face_in_a_plain_picture():
    assert find_faces(Image.new("RGB", (200, 200), "gray")) == []


def test_one_box_per_face():
    """The cascade fires at several scales on one face; we keep one box for it."""
    faces = find_faces(Image.fromarray(data.astronaut()))
    for i, big in enumerate(faces):
        for small in faces[i + 1 :]:
            row, col = small.centre
            inside = big.top <= row <= big.top + big.size
            assert not (inside and big.left <= col <= big.left + big.size)


@pytest.mark.skipif(not CELEBA.is_dir(), reason=f"no CelebA at {CELEBA}")
def test_on_celeba_photos_the_square_is_celebas_own_crop():
    """CelebA's crop is the central 108x108 square at (55, 35) of a 178x218 photo."""
    tops, lefts, sides = [], [], []
    for path in celeba_files(CELEBA, "valid")[:40]:
        image = Image.open(path).convert("RGB")
        faces = find_faces(image)
        if faces:
            top, left, side = face_square(image.size, faces[0])
            tops.append(top), lefts.append(left), sides.append(side)
    assert len(sides) >= 35
    assert abs(median(tops) - 55) <= 4 and abs(median(lefts) - 35) <= 4
    assert abs(median(sides) - 108) <= 6


def test_square_known_values_and_adjustments():
    box, size = FaceBox(top=100, left=150, size=100), (400, 300)
    top, left, side = face_square(size, box)
    assert side == round(photo.SIDE_PER_BOX * 100)
    assert left + side / 2 == pytest.approx(200, abs=1)  # centred on the box's column
    assert top + side / 2 == pytest.approx(150 + photo.SHIFT_PER_BOX * 100, abs=1)
    bigger = face_square(size, box, scale=1.5)
    assert bigger[2] == round(1.5 * side)
    moved = face_square(size, box, dx=0.1, dy=-0.1)
    assert moved[1] - left == round(0.1 * side) and top - moved[0] == round(0.1 * side)


def test_square_stays_inside_the_photo():
    top, left, side = face_square((120, 100), FaceBox(top=0, left=90, size=60))
    assert top >= 0 and left >= 0 and left + side <= 120 and top + side <= 100
    assert face_square((120, 100), FaceBox(0, 0, 200))[2] == 100  # shrunk to fit
    with pytest.raises(ValueError, match="scale must be > 0 .*got 0"):
        face_square((120, 100), FaceBox(0, 0, 50), scale=0)


def test_exif_rotation_is_applied():
    image = Image.new("RGB", (100, 80), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was turned 90 degrees
    upright = load_photo(_png(image, format="JPEG", exif=exif))
    assert upright.size == (80, 100)


def test_gray_and_transparent_photos_become_rgb():
    gray = load_photo(_png(Image.new("L", (80, 80), 100)))
    assert gray.mode == "RGB" and gray.getpixel((0, 0)) == (100, 100, 100)
    clear = load_photo(_png(Image.new("RGBA", (80, 80), (255, 0, 0, 0))))
    assert clear.getpixel((0, 0)) == (255, 255, 255)  # transparent: over white


def test_bad_photos_say_what_came(tmp_path):
    with pytest.raises(ValueError, match=r"expected a photo \(JPEG, PNG.*got 5 bytes"):
        load_photo(b"hello")
    text = tmp_path / "face.jpg"
    text.write_text("not a picture")
    with pytest.raises(ValueError, match="got .*face.jpg"):
        load_photo(text)
    with pytest.raises(FileNotFoundError, match="nothere.jpg not found"):
        load_photo(tmp_path / "nothere.jpg")
    with pytest.raises(ValueError, match="is 50x90 pixels; a face needs at least 64"):
        load_photo(_png(Image.new("RGB", (50, 90))))
    assert load_photo(_png(Image.new("RGB", (16, 16))), min_side=1).size == (16, 16)


def test_align_face_of_a_known_square():
    image = Image.new("RGB", (300, 300), "blue")
    top, left, side = face_square(image.size, FaceBox(100, 100, 100))
    image.paste((255, 0, 0), (left, top, left + side, top + side))
    face = align_face(image, FaceBox(100, 100, 100))
    assert torch.allclose(
        face[0, :, 5:-5, 5:-5].mean((1, 2)), torch.tensor([1.0, 0, 0])
    )


def test_a_face_at_the_edge_of_a_non_square_photo_is_moved_in_along_its_own_axis():
    """PIL gives (width, height). A face at the right edge of a wide photo is moved
    left until the square touches that edge; at the bottom of a tall photo, up. With
    width and height swapped both squares would stop short of the edge."""
    side = round(photo.SIDE_PER_BOX * 60)  # 63
    wide = face_square((120, 100), FaceBox(top=20, left=90, size=60))
    assert wide[1:] == (120 - side, side)  # touches the right edge
    assert wide[0] == round(50 + photo.SHIFT_PER_BOX * 60 - side / 2)  # row kept
    tall = face_square((100, 120), FaceBox(top=90, left=20, size=60))
    assert tall[0] == 120 - side  # touches the bottom edge
    assert tall[1] == round(50 - side / 2)  # column kept
