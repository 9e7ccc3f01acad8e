"""Sphinx configuration of the rendered course: `make site` (docs/build_site.py).

The source directory is staged by docs/build_site.py: docs/*.md and the executed
notebooks, in the repository's layout (docs/, notebooks/). Why Sphinx with MyST-NB: it is the engine under Jupyter Book 1,
maintained by the Executable Books project, pure Python (it installs from PyPI like the
rest of the course, no Node), renders every output type a notebook holds (figures,
HTML tables, math), folds cells by tag, and with ``-W`` turns every broken
cross-reference into a failed build.
"""

project = "Image restoration with a GAN prior"
author = "the tutorial_lib authors"
copyright = "2026, " + author
root_doc = "docs/index"
extensions = ["myst_nb"]
include_patterns = ["docs/*.md", "notebooks/[0-9][0-9]_*.ipynb"]
exclude_patterns = ["**/.ipynb_checkpoints"]

# The notebooks come executed (docs/build_site.py runs them, or takes those nbval ran):
# MyST-NB renders what they hold and runs nothing.
nb_execution_mode = "off"
# A widget needs its kernel: build_site.py puts a sentence in its place (and the
# explorers draw frames instead, tutorial_lib.widgets).
nb_mime_priority_overrides = [
    ("html", "application/vnd.jupyter.widget-view+json", None),
    ("html", "application/vnd.jupyter.widget-state+json", None),
]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type"]

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["course.css"]  # long printed lines wrap
html_extra_path = ["_redirect"]  # index.html at the site's root -> the landing page
html_theme_options = {"show_toc_level": 2, "use_download_button": True}
