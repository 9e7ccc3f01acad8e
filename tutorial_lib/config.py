"""Fast mode, the one switch: ``TUTORIAL_FAST=1`` makes the notebooks small and quick.

Notebooks read ``FAST`` and scale their work with ``fast_or(real, fast)``, so that the
whole test suite (nbval over every notebook) runs on two CPU cores in minutes, while a
student without the variable gets the real settings.
"""

from __future__ import annotations

import os

FAST = os.environ.get("TUTORIAL_FAST", "0") not in ("", "0", "false", "False")
# Set by the rendered site's build (docs/conf.py): no one can move a slider on a static
# page, so the explorers draw a strip of frames there instead (tutorial_lib.widgets).
STATIC = os.environ.get("TUTORIAL_STATIC", "0") not in ("", "0", "false", "False")


def fast_or(real, fast):
    """``fast`` under TUTORIAL_FAST=1, else ``real``.

    ``real``: the value a student gets (e.g. 300 Adam steps); ``fast``: the small one
    the test suite runs with. Any values work, of any type.

    >>> steps = fast_or(300, 20)
    >>> steps == (20 if FAST else 300)
    True
    """
    return fast if FAST else real
