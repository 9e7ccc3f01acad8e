"""tutorial_lib.config: TUTORIAL_FAST, read once from the environment, picks between the
real and the fast setting."""

import importlib.util

import pytest

import tutorial_lib.config


def _fresh_config(monkeypatch, value):
    """tutorial_lib/config.py executed anew under TUTORIAL_FAST=value (None: unset), as
    a module of its own, so the package's FAST of this session is left alone."""
    if value is None:
        monkeypatch.delenv("TUTORIAL_FAST", raising=False)
    else:
        monkeypatch.setenv("TUTORIAL_FAST", value)
    spec = importlib.util.spec_from_file_location(
        "fresh_config", tutorial_lib.config.__file__
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "value, fast, picked",
    [
        ("1", True, "fast"),
        ("yes", True, "fast"),
        ("0", False, "real"),
        ("", False, "real"),
        ("false", False, "real"),
        ("False", False, "real"),
        (None, False, "real"),
    ],
)
def test_fast_switch_is_read_from_the_environment(monkeypatch, value, fast, picked):
    config = _fresh_config(monkeypatch, value)
    assert config.FAST is fast
    assert config.fast_or("real", "fast") == picked
