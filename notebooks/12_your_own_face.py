# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 12. Your own face
#
# In this notebook we restore a face from a photo of your own, not from CelebA. The GAN
# only knows faces framed the way CelebA's are (eyes level, the face filling most of a
# square), so the work is in the framing. We
# - load a photo: one you upload, or scikit-image's astronaut, a photo the GAN never
#   saw;
# - find the face with a detector that ships with scikit-image, frame it the way the
#   CelebA faces are framed, and adjust the frame by hand;
# - check why the framing matters: how close G can come to the framed face, and to the
#   whole photo squeezed to 64x64;
# - choose a task (for inpainting, where the hole goes) and restore the face with the
#   explorer of notebook 05.
#
# **Where it runs.** A CPU is enough: the face detector takes about half a second
# (it looks at the photo shrunk to 800 pixels at most) and each restoration a few
# seconds. Under `TUTORIAL_FAST=1` each restoration is cut to 20 Adam steps and one
# start, and the explorer's re-runs to 10 steps. The same from the command line:
# `python -m tutorial_lib restore photo.jpg --align --task denoising --out out.png`.

# %%
import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle
from PIL import Image
from skimage import data

import tutorial_lib as tl
from tutorial_lib.data import crop_square, to_png
from tutorial_lib.photo import align_face, find_faces, load_photo
from tutorial_lib.pitfalls import project_on_G
from tutorial_lib.plots import show_faces
from tutorial_lib.widgets import RestorationExplorer

device = tl.default_device()
G, D = tl.load_pretrained(device=device)
fast = dict(steps=tl.fast_or(None, 20), restarts=tl.fast_or(None, 1))  # None: default
device

# %% [markdown]
# ## A photo
#
# Upload a photo of a face with the button (JPEG or PNG; a phone photo is fine, its
# rotation is read from the file), then run the cell after it. Without an upload we
# use the astronaut Eileen Collins, from scikit-image's sample data.

# %%
upload = widgets.FileUpload(accept="image/*", multiple=False, description="photo")
upload

# %%
uploaded = bool(upload.value)
if uploaded:  # the file's bytes; load_photo says what is wrong with them, if anything
    photo = load_photo(upload.value[0].content.tobytes())
else:
    photo = Image.fromarray(data.astronaut())
photo.size

# %% [markdown]
# ## Finding the face
#
# `find_faces` runs scikit-image's LBP frontal-face cascade at many scales and
# positions and keeps one box per face, largest first. It finds faces that look at the
# camera; it also fires, now and then, on a patch that only looks like a face. We
# restore the largest.

# %%
faces = find_faces(photo)
assert faces, "no frontal face found: try a photo that faces the camera"
fig, ax = plt.subplots(figsize=(5, 5))
ax.imshow(photo)
for k, box in enumerate(faces):
    color = "lime" if k == 0 else "orange"
    ax.add_patch(
        Rectangle((box.left, box.top), box.size, box.size, fill=False, ec=color)
    )
ax.set(title=f"{len(faces)} face(s) found; the largest (green) is restored")
ax.axis("off")
plt.show()

# %% [markdown]
# ## Framing it like CelebA
#
# The CelebA faces the GAN learned from are the central 108x108 square of 178x218
# aligned photos, scaled to 64x64. On 500 of those photos
# (`benchmarks/face_crop_calibration.py`) that square is 1.05 times as wide as the
# detector's box and its centre lies 0.15 box widths above the box's: `align_face`
# puts the same square around the face found here. The sliders adjust it (size, and
# shifts right and down in units of the square's side); run the next cell when the
# face looks like the CelebA face beside it.

# %%
size = widgets.FloatSlider(1.0, min=0.6, max=1.6, step=0.05, description="size")
right = widgets.FloatSlider(0.0, min=-0.3, max=0.3, step=0.02, description="right")
down = widgets.FloatSlider(0.0, min=-0.3, max=0.3, step=0.02, description="down")
preview = widgets.Image(format="png")
celeba_face = tl.load_sample_faces(1)


def show_frame(_=None):
    framed = align_face(photo, faces[0], size.value, right.value, down.value)
    preview.value = to_png([framed, celeba_face], scale=3)


for slider in (size, right, down):
    slider.observe(show_frame, names="value")
show_frame()
widgets.VBox([widgets.HBox([size, right, down]), preview])

# %%
face = align_face(photo, faces[0], size.value, right.value, down.value).to(device)
face.shape  # (1, 3, 64, 64) in [0, 1]

# %% [markdown]
# ## Why the framing matters
#
# G draws 64x64 faces framed like CelebA's. Squeeze the whole photo to 64x64 instead
# (what a naive resize does) and the face is a few pixels wide: nothing G ever drew.
# We measure how close G can come to each, by projecting both on G (`project_on_G`,
# notebook 05: the closest image G can draw, found with the same solver), and what D
# makes of each.

# %%
squeezed = photo.resize((64, 64), Image.Resampling.BICUBIC)
whole = crop_square(squeezed, 0, 0, 64)[None]  # as a (1, 3, 64, 64) tensor
targets = {"framed face": face, "whole photo": whole.to(device)}
projections = {name: project_on_G(t, G, D, **fast).x_hat for name, t in targets.items()}
closeness = {name: tl.psnr(projections[name], t).item() for name, t in targets.items()}
closeness  # PSNR (dB) of each projection against its target

# %%
show_faces(
    {
        "framed face": face,
        "G's closest to it": projections["framed face"],
        "whole photo": targets["whole photo"],
        "G's closest to the photo": projections["whole photo"],
    },
    "The closest images G can draw to the framed face and to the whole photo",
)
plt.show()

# %% [markdown]
# The check, on the astronaut: G comes several dB closer to the framed face than to
# the squeezed photo. If it did not, framing would not matter and this notebook would
# teach the wrong thing. (On a photo of your own the gap depends on how much of it the
# face fills: a close-up selfie is nearly framed already, so the check is only made
# for the astronaut.)

# %%
if not uploaded:
    # measured with the shipped GAN: 18.7 against 12.3 dB (fast mode), 20.8 against
    # 13.8 dB (real)
    assert closeness["framed face"] > closeness["whole photo"] + 3
closeness

# %% [markdown]
# What does D make of the two? Its logit is no judge of framing: D only ever saw framed
# faces, real ones and G's, and on an image unlike both, such as the squeezed photo,
# its value is arbitrary (notebook 03). Whichever of the two it scores higher, the
# measure of framing is the projection above.

# %%
logits = {name: D(t).item() for name, t in targets.items()}  # D is frozen: no graph
logits

# %% [markdown]
# ## Choose a task and restore
#
# Pick a corruption; for inpainting, also where the 32x32 hole goes (its top-left
# corner, 1 to 31, so that a known pixel is left on every side for the blending).
# Then run the next cell: it corrupts the framed face and opens the explorer of
# notebook 05 on it, with λ and p sliders, Stop and New start.

# %%
task = widgets.Dropdown(options=tl.TASKS, value="inpainting", description="task")
hole_top = widgets.IntSlider(16, min=1, max=31, description="hole top")
hole_left = widgets.IntSlider(16, min=1, max=31, description="hole left")
widgets.VBox([task, widgets.HBox([hole_top, hole_left])])

# %%
options = {"top_left": (hole_top.value, hole_left.value)}
op = tl.make_operator(task.value, **(options if task.value == "inpainting" else {}))
ex = RestorationExplorer(face, op, G, D)  # fast mode: few steps
ex

# %% [markdown]
# The check, where the lesson of the course says it holds: for inpainting and
# colorization the restoration is closer to the framed face than the input is (much
# is missing there). For the other three tasks it need not be: see the exercise.

# %%
if op.name in ("inpainting", "colorization"):
    assert ex.scores["psnr"] > ex.naive_scores["psnr"]
{"restoration": ex.scores, "input": ex.naive_scores}

# %% [markdown]
# ## Summary
#
# In this notebook we have:
# - loaded a photo that is not from CelebA (yours, or the astronaut), turned upright
#   as its file says;
# - found the face with scikit-image's LBP cascade and framed it the way CelebA's
#   faces are framed, with the frame's size and position measured on CelebA itself;
# - measured why framing matters: G comes several dB closer to the framed face than
#   to the whole photo squeezed to 64x64 (and D, which never saw a squeezed photo, is
#   no judge of that);
# - restored the framed face with the explorer, for a task and a hole of our choice.

# %% [markdown]
# ## Exercises
#
# Each exercise has a starter cell: fill in the `...`, uncomment the lines and run it.
# (In a copy with solutions, each solution follows its starter, collapsed.)
#
# ### Exercise 1: move the frame
#
# Make the frame 30% larger than yours and project it on G as above. Does G come
# closer or farther? Why might it?

# %% tags=["starter"]
# align_face(photo, faces[0], size, right, down) cuts the frame; yours is the sliders'
# size.value, right.value and down.value. A frame 30% larger:
# larger = align_face(photo, faces[0], ..., right.value, down.value).to(device)
# proj = project_on_G(larger, G, D, **fast)  # the closest face G can draw
# Compare tl.psnr(proj.x_hat, larger) with closeness["framed face"] (your frame's).
# ...

# %% tags=["solution"] jupyter={"source_hidden": true}
larger = align_face(photo, faces[0], 1.3 * size.value, right.value, down.value)
larger = larger.to(device)
psnr_frame = {
    "yours": closeness["framed face"],
    "30% larger": tl.psnr(project_on_G(larger, G, D, **fast).x_hat, larger).item(),
}
farther = psnr_frame["30% larger"] < psnr_frame["yours"]
why = (
    "A larger frame shows hair, neck and background that CelebA's crops mostly leave "
    "out, around a smaller face: farther from what G learned to draw."
    if farther
    else "Your frame may have been tighter than CelebA's: a larger one comes nearer "
    "the framing that G learned."
)
print(
    f"G comes {'farther from' if farther else 'closer to'} the 30% larger frame: "
    f"{psnr_frame['30% larger']:.2f} dB against {psnr_frame['yours']:.2f} dB for "
    f"yours. {why}"
)

# %% [markdown]
# ### Exercise 2: every task on your face
#
# Restore the framed face with each of the five tasks (fast settings) and compare the
# restoration's PSNR with the input's for each.

# %% tags=["starter"]
# For each task name in tl.TASKS:
#     op_k = tl.make_operator(name)
#     y_k = op_k.corrupt(face, seed=0)
#     r_k = tl.restore(y_k, op_k, G, D, **fast)
#     then tl.psnr(r_k.x_hat, face) against tl.psnr(op_k.naive_inverse(y_k), face)
# ...

# %% tags=["solution"] jupyter={"source_hidden": true}
# On PSNR the GAN prior wins where much is missing (inpainting: a quarter of the face;
# colorization: all color) and can lose to the input where y is already close to the
# face (bicubic upsampling, the noisy and the quantized image), as on the CelebA test
# faces of notebook 10: G(z_hat) is only as close as G can draw this face.
by_task = {}
for name in tl.TASKS:
    op_k = tl.make_operator(name)
    y_k = op_k.corrupt(face, seed=0)
    r_k = tl.restore(y_k, op_k, G, D, **fast)
    by_task[name] = {
        "input": tl.psnr(op_k.naive_inverse(y_k), face).item(),
        "GAN": tl.psnr(r_k.x_hat, face).item(),
    }
wins = {name: v["GAN"] > v["input"] for name, v in by_task.items()}
assert wins["inpainting"] and wins["colorization"]  # both modes, by 3 dB or more
gain = {name: v["GAN"] - v["input"] for name, v in by_task.items()}  # dB
won, lost = (
    ", ".join(f"{name} ({gain[name]:+.1f} dB)" for name in gain if wins[name] == side)
    for side in (True, False)
)
if lost:
    answer = (
        f"The restoration beats its input on PSNR for {won}, and loses to it for "
        f"{lost}. It wins where much of the face is missing; where y is already close "
        "to the face, G(ẑ), only as close as G can draw it, has little to add."
    )
else:
    answer = f"The restoration beats its input on PSNR for all five tasks: {won}."
print(answer)
