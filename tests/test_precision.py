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


@pytest.mark.parametrize("fast", [True, False])
def test_auto_takes_bf16_only_on_fast_hardware_and_large_batches(monkeypatch, fast):
    """Whatever this machine's CPU: with bfloat16 declared fast, "auto" gives bf16
    from BF16_MIN_BATCH images per pass up (and without a batch size), float32 below;
    declared slow, float32 always. (The tests once passed with the threshold inverted
    on any CPU without bfloat16, where "auto" is float32 whatever the batch.)"""
    import tutorial_lib.precision as precision

    monkeypatch.setattr(precision, "bf16_is_fast", lambda device: fast)
    limit = precision.BF16_MIN_BATCH
    batches = (1, limit - 1, limit, 64, None)
    got = {b: resolve_precision("auto", "cpu", batch=b) for b in batches}
    high = "bf16" if fast else "fp32"
    assert got == {1: "fp32", limit - 1: "fp32", limit: high, 64: high, None: high}
