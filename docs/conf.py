"""Sphinx configuration of the rendered course: `make site` (docs/build_site.py).

The source directory is the repository's root, so that the notebooks are rendered from
where they live (notebooks/NN_*.ipynb, executed by MyST-NB at build time) beside the
pages of docs/. Why Sphinx with MyST-NB: it is the engine under Jupyter Book 1,
maintained by the Executable Books project, pure Python (it installs from PyPI like the
rest of the course, no Node), executes the notebooks itself with one error message per
failing cell, caches executions, and with ``-W`` turns every broken cross-reference
into a failed build.
"""

import os

project = "Image restoration with a GAN prior"
author = "the tutorial_lib authors"
copyright = "2026, " + author
root_doc = "docs/index"
extensions = ["myst_nb"]
include_patterns = ["docs/*.md", "notebooks/[0-9][0-9]_*.ipynb"]
exclude_patterns = ["_build", ".venv", "**/.ipynb_checkpoints"]

# Execution: every notebook runs top to bottom in a fresh kernel, in the directory it
# lives in. The kernels inherit this process's environment: TUTORIAL_FAST (set by the
# caller) picks fast or real settings, and TUTORIAL_STATIC makes the explorers draw a
# strip of frames, since nobody can move a slider on a static page.
os.environ["TUTORIAL_STATIC"] = "1"
nb_execution_mode = os.environ.get("SITE_EXECUTION", "cache")
nb_execution_cache_path = os.environ.get("SITE_CACHE", "_build/site-cache")
nb_execution_timeout = 1800  # seconds per cell; notebook 04's slowest is about 60 s
nb_execution_raise_on_error = True  # a failing cell fails the build, named
nb_execution_show_tb = True
# A widget needs its kernel: on the page its place stays empty (the explorers show
# frames instead, tutorial_lib.widgets).
nb_mime_priority_overrides = [
    ("html", "application/vnd.jupyter.widget-view+json", None),
    ("html", "application/vnd.jupyter.widget-state+json", None),
]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type"]

html_theme = "sphinx_book_theme"
html_title = project
html_extra_path = ["_redirect"]  # index.html at the site's root -> the landing page
html_theme_options = {"show_toc_level": 2, "use_download_button": True}
