"""Fast mode, the one switch: ``TUTORIAL_FAST=1`` makes the notebooks small and quick.

Notebooks read ``FAST`` and scale their work with ``fast_or(real, fast)``, so that the
whole test suite (nbval over every notebook) runs on two CPU cores in minutes, while a
student without the variable gets the real settings.
"""

from __future__ import annotations

import os

FAST = os.environ.get("TUTORIAL_FAST", "0") not in ("", "0", "false", "False")


def fast_or(real, fast):
    """``fast`` under TUTORIAL_FAST=1, else ``real``."""
    return fast if FAST else real
