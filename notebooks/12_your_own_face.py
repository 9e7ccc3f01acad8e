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
# closer or farther? Why might it? Test your reason where the answer is known: on a
# few CelebA faces, framed like CelebA's by construction, zoomed out by 30%.

# %% tags=["starter"]
psnr_frame = ...  # your answer: the PSNR (dB) of each projection on G, a dict:
# "yours" and "30% larger" (floats) for your photo; "CelebA" and "CelebA 30% larger"
# (lists, one PSNR per face) for the CelebA faces in their own frame and zoomed out.
# align_face(photo, faces[0], size, right, down) cuts the frame; yours is the sliders'
# size.value, right.value and down.value. A frame 30% larger:
# larger = align_face(photo, faces[0], ..., right.value, down.value).to(device)
# proj = project_on_G(larger, G, D, **fast)  # the closest face G can draw
# Compare tl.psnr(proj.x_hat, larger) with closeness["framed face"] (your frame's).
# The known case: tl.load_sample_faces(4, split="valid") are framed like CelebA's.
# Zoom them out (import torch.nn.functional as F): shrink each face to 49x49 with
# F.interpolate(..., size=49, mode="bicubic", antialias=True), then fill the border
# back to 64x64 by mirroring its edges, F.pad(..., (7, 8, 7, 8), mode="reflect"):
# the face fills 49/64 = 1/1.3 of the frame. Project both sets with
# project_on_G(..., steps=20, restarts=1) (fast settings: a few seconds).
# ...

# %% tags=["solution"] jupyter={"source_hidden": true}
# The cause: G learned CelebA's framing, so a frame that departs from CelebA's crop
# is farther from anything G can draw; a larger one shows hair, neck and background
# that CelebA's crops mostly leave out, around a smaller face. Which way your own two
# numbers go depends on how far your frame was from CelebA's, so the cause is
# checked where the framing is known: CelebA faces, in their own frame and zoomed
# out by 30% (the border mirrored from their own edges).
import torch.nn.functional as F

larger = align_face(photo, faces[0], 1.3 * size.value, right.value, down.value)
larger = larger.to(device)
celeba = tl.load_sample_faces(4, split="valid").to(device)  # CelebA's framing
smaller = F.interpolate(celeba, size=49, mode="bicubic", antialias=True).clamp(0, 1)
zoomed_out = F.pad(smaller, (7, 8, 7, 8), mode="reflect")  # the face fills 1/1.3


def closeness_on_G(images, **settings):  # the PSNR of each image's projection on G
    return tl.psnr(project_on_G(images, G, D, **settings).x_hat, images).tolist()


psnr_frame = {
    "yours": closeness["framed face"],
    "30% larger": closeness_on_G(larger, **fast)[0],
    "CelebA": closeness_on_G(celeba, steps=20, restarts=1),
    "CelebA 30% larger": closeness_on_G(zoomed_out, steps=20, restarts=1),
}
known = {k: sum(v) / len(v) for k, v in psnr_frame.items() if k.startswith("CelebA")}
# measured (the same in both modes): 19.93 against 16.34 dB, lower on every face; on
# the astronaut, 18.74 against 18.38 dB (fast), 20.76 against 19.32 dB (real)
assert known["CelebA 30% larger"] < known["CelebA"] - 1
print(
    f"On your photo G comes to {psnr_frame['30% larger']:.2f} dB of the 30% larger "
    f"frame, against {psnr_frame['yours']:.2f} dB of yours. The cause is the "
    "framing G learned: a frame nearer CelebA's comes closer, and a larger frame "
    "shows hair, neck and background that CelebA's crops mostly leave out, around a "
    "smaller face. The known case measures it: CelebA faces zoomed out by 30% are "
    f"projected at {known['CelebA 30% larger']:.2f} dB on average, against "
    f"{known['CelebA']:.2f} dB in their own frame."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "12.1",
    psnr_frame,
    [
        (
            "a dict: 'yours' and '30% larger' (floats), 'CelebA' and 'CelebA 30% "
            "larger' (lists of the same 3 or more faces), all PSNRs in dB",
            lambda a: (
                sorted(a) == ["30% larger", "CelebA", "CelebA 30% larger", "yours"]
                and len(a["CelebA"]) == len(a["CelebA 30% larger"]) >= 3
                and 5
                < min(
                    a["yours"], a["30% larger"], *a["CelebA"], *a["CelebA 30% larger"]
                )
                and max(
                    a["yours"], a["30% larger"], *a["CelebA"], *a["CelebA 30% larger"]
                )
                < 50
            ),
        ),
        (
            "'yours' is your frame's PSNR measured above (closeness), within 1e-6 dB",
            lambda a: abs(a["yours"] - closeness["framed face"]) < 1e-6,
        ),
        (
            "'30% larger' is another frame's: not the same number as yours",
            lambda a: abs(a["30% larger"] - a["yours"]) > 1e-3,
        ),
        (
            "the cause you test, on average over the CelebA faces: their own frame "
            "projected at least 1 dB closer than the frame zoomed out by 30%",
            lambda a: (
                sum(a["CelebA"]) / len(a["CelebA"])
                > sum(a["CelebA 30% larger"]) / len(a["CelebA 30% larger"]) + 1
            ),
        ),
    ],
    mistakes={
        "your frame's PSNR twice (no larger frame)": {
            "yours": closeness["framed face"],
            "30% larger": closeness["framed face"],
            "CelebA": [21.9, 16.4, 19.5, 22.0],
            "CelebA 30% larger": [19.0, 12.8, 16.9, 16.8],
        },
        "the CelebA faces zoomed in, not out": {
            "yours": closeness["framed face"],
            "30% larger": closeness["framed face"] - 0.4,
            "CelebA": [21.9, 16.4, 19.5, 22.0],
            "CelebA 30% larger": [21.1, 16.4, 19.9, 21.9],
        },
        "MSEs, not PSNRs": {
            "yours": closeness["framed face"],
            "30% larger": 0.015,
            "CelebA": [0.006, 0.023, 0.011, 0.006],
            "CelebA 30% larger": [0.013, 0.053, 0.021, 0.021],
        },
    },
)

# %% [markdown]
# ### Exercise 2: every task on your face
#
# Restore the framed face with each of the five tasks (fast settings) and compare the
# restoration's PSNR with the input's for each.

# %% tags=["starter"]
by_task = ...  # your answer: {task: {"input": PSNR, "GAN": PSNR}} in dB, for each task
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
# where nothing is blended in, G(z_hat) is an image G draws: no more than the
# solver's noise above the projection of the face on G (measured: +0.11 dB fast,
# +0.20 dB real on the astronaut)
unblended = ("super_resolution", "denoising", "quantization")
assert max(by_task[name]["GAN"] for name in unblended) < closeness["framed face"] + 1
print(
    f"The restoration beats its input on PSNR for {won or 'no task'}, and loses to "
    f"it for {lost or 'no task'}. It wins where much of the face is missing (a "
    "quarter of it for inpainting, all its color for colorization: asserted above); "
    "where y is already close to the face, G(ẑ) has little to add: it is only as "
    "close as G can draw this face, and on the three tasks without blending it "
    "scores at most 1 dB above the face's projection on G "
    f"({closeness['framed face']:.2f} dB; asserted above)."
)

# %% [markdown]
# Check your answer (the check says whether it is right, not what it is):

# %% jupyter={"source_hidden": true} tags=["check"]
tl.check_answer(
    "12.2",
    by_task,
    [
        (
            "a dict over the five tasks, each {'input': .., 'GAN': ..}, PSNRs in dB",
            lambda a: (
                sorted(a) == sorted(tl.TASKS)
                and all(
                    map(lambda v: 5 < v["input"] < 60 and 5 < v["GAN"] < 60, a.values())
                )
            ),
        ),
        (
            "'input' is the PSNR of each task's naive inverse of "
            "op.corrupt(face, seed=0), within 0.01 dB",
            lambda a: all(
                map(
                    lambda name, op_k: (
                        abs(
                            a[name]["input"]
                            - tl.psnr(
                                op_k.naive_inverse(op_k.corrupt(face, seed=0)), face
                            ).item()
                        )
                        < 0.01
                    ),
                    tl.TASKS,
                    map(tl.make_operator, tl.TASKS),
                )
            ),
        ),
        (
            "the GAN prior above its input on inpainting and colorization, where much "
            "of the face is missing",
            lambda a: (
                a["inpainting"]["GAN"] > a["inpainting"]["input"]
                and a["colorization"]["GAN"] > a["colorization"]["input"]
            ),
        ),
        (
            "on the three tasks without blending, at most 1 dB above G's closest image "
            "to your face (closeness above): G(ẑ) is an image G draws",
            lambda a: (
                max(
                    a["super_resolution"]["GAN"],
                    a["denoising"]["GAN"],
                    a["quantization"]["GAN"],
                )
                < closeness["framed face"] + 1
            ),
        ),
    ],
    mistakes={
        "MSEs, not PSNRs": dict.fromkeys(tl.TASKS, {"input": 0.01, "GAN": 0.005}),
        "the input's PSNR for the restoration too": dict(
            zip(
                tl.TASKS,
                map(
                    lambda op_k: dict.fromkeys(
                        ("input", "GAN"),
                        tl.psnr(
                            op_k.naive_inverse(op_k.corrupt(face, seed=0)), face
                        ).item(),
                    ),
                    map(tl.make_operator, tl.TASKS),
                ),
            )
        ),
    },
)
