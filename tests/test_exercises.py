"""tl.check_answer: right, wrong, unanswered, and a check too loose to fail."""

import pytest
import torch

import tutorial_lib as tl
from tutorial_lib.exercises import BrokenCheck, WrongAnswer

BOUND = [  # 01.2: 10 log10(64) = 18.06 dB
    ("a PSNR in dB, between 10 and 40", lambda b: 10 < b < 40),
    ("within 0.01 dB of the tight bound", lambda b: abs(b - 18.0618) < 0.01),
]


def test_a_right_answer_passes_and_says_what_was_checked(capsys):
    tl.check_answer("01.2", 18.06, BOUND, mistakes={"1/64": 1 / 64})
    said = capsys.readouterr().out
    assert said.startswith("Exercise 01.2: right")
    assert "between 10 and 40" in said and "rules out: 1/64" in said


def test_a_wrong_answer_names_the_first_requirement_it_misses():
    with pytest.raises(WrongAnswer, match="between 10 and 40") as caught:
        tl.check_answer("01.2", 1 / 64, BOUND)
    assert "18.06" not in str(caught.value)  # the message never gives the answer
    with pytest.raises(WrongAnswer, match="tight bound"):
        tl.check_answer("01.2", 20.0, BOUND)


def test_a_requirement_that_cannot_be_evaluated_is_a_miss():
    shape = [("shape (1, 3, 64, 64)", lambda x: x.shape == (1, 3, 64, 64))]
    with pytest.raises(WrongAnswer, match="shape"):
        tl.check_answer("05.1", 3.0, shape)  # a float has no .shape
    tl.check_answer("05.1", torch.zeros(1, 3, 64, 64), shape)  # no error


def test_no_answer_yet_is_said_not_raised(capsys):
    tl.check_answer("01.2", ..., BOUND)  # no error
    assert "no answer yet" in capsys.readouterr().out


def test_a_check_that_accepts_a_known_mistake_is_broken():
    loose = BOUND[:1]  # 20 log10(5) = 13.98 dB also lies between 10 and 40
    with pytest.raises(BrokenCheck, match="20 log10"):
        tl.check_answer("01.2", 18.06, loose, mistakes={"20 log10(5)": 13.98})
    tl.check_answer("01.2", 18.06, BOUND, mistakes={"20 log10(5)": 13.98})  # no error
