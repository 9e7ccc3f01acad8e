"""Precision: "auto" resolves by the hardware; bad names are clear errors."""

import pytest

from tutorial_lib.precision import bf16_is_fast, resolve_precision


def test_resolve_precision():
    assert resolve_precision("fp32", "cpu") == "fp32"
    assert resolve_precision("bf16", "cpu") == "bf16"
    assert resolve_precision("auto", "cpu") == (
        "bf16" if bf16_is_fast("cpu") else "fp32"
    )
    with pytest.raises(ValueError, match=r"precision must be one of .* got 'fp16'"):
        resolve_precision("fp16", "cpu")
