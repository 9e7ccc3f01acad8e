"""Check cells for the exercises: they say whether an answer is right, never what it is.

Each exercise of a notebook ends with three cells. The starter (tagged ``starter``)
names the answer with a placeholder, ``bound = ...``; the solution (tagged
``solution``, removed from the student copies that ``make student`` writes) computes
it; the check (tagged ``check``, kept in the copies) tests it by properties a right
answer must have:

    tl.check_answer("01.2", bound, [
        ("a PSNR in dB (between 10 and 40)", lambda b: 10 < b < 40),
        ("no higher than the worst quantized face", lambda b: b <= worst),
    ], mistakes={"the MSE bound itself, 1/64": 1 / 64})

The descriptions are hints: they say what must hold, not the value. ``mistakes`` are
wrong answers a student might give; once an answer passes, the check confirms that
each mistake would have failed, so every check shows, each time it runs, that it can
fail. Notebook 01 introduces the check cells (its exercises).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

Requirement = tuple[str, Callable[[Any], bool]]


class WrongAnswer(AssertionError):
    """An answer that misses a requirement; the message names the requirement."""


class BrokenCheck(RuntimeError):
    """A check that accepts one of its own known mistakes: a bug in the check."""


def first_miss(answer, requirements: Iterable[Requirement]) -> str | None:
    """The description of the first requirement ``answer`` misses, or None if none.

    A requirement that raises on the answer (a wrong type, a wrong shape) is missed.

    >>> first_miss(3.0, [("positive", lambda a: a > 0), ("below 2", lambda a: a < 2)])
    'below 2'
    >>> first_miss("3", [("a number above 0", lambda a: a > 0)])
    'a number above 0'
    """
    for description, holds in requirements:
        try:
            if not bool(holds(answer)):
                return description
        except Exception:  # noqa: BLE001 - any failure to evaluate is a miss
            return description
    return None


def check_answer(
    exercise: str,
    answer,
    requirements: list[Requirement],
    mistakes: dict[str, Any] | None = None,
) -> None:
    """Say whether ``answer`` meets every requirement; raise WrongAnswer if not.

    exercise: its label, "NN.k" (notebook NN, exercise k). answer: the starter's name;
    ``...`` (the starter's placeholder) means not answered yet: the check says so
    instead of raising, so that a student copy still runs top to bottom.
    requirements: (description, predicate) pairs, checked in order. mistakes: wrong
    answers, by description, that the requirements must reject (else BrokenCheck).
    Returns nothing (a check cell's output is its sentence, no stray True).

    >>> check_answer("00.1", 4, [("even", lambda a: a % 2 == 0)], {"an odd number": 3})
    Exercise 00.1: right (even; and it rules out: an odd number).
    >>> check_answer("00.1", ..., [("even", lambda a: a % 2 == 0)])
    Exercise 00.1: no answer yet: replace the ... in its starter cell and run it.
    >>> check_answer("00.1", 5, [("even", lambda a: a % 2 == 0)])
    Traceback (most recent call last):
        ...
    tutorial_lib.exercises.WrongAnswer: Exercise 00.1: not yet. The answer should be: even.
    """
    if answer is ...:
        print(
            f"Exercise {exercise}: no answer yet: replace the ... in its starter cell "
            "and run it."
        )
        return
    missed = first_miss(answer, requirements)
    if missed is not None:
        raise WrongAnswer(
            f"Exercise {exercise}: not yet. The answer should be: {missed}."
        )
    accepted = [
        m
        for m, wrong in (mistakes or {}).items()
        if first_miss(wrong, requirements) is None
    ]
    if accepted:
        raise BrokenCheck(
            f"Exercise {exercise}: the check accepts a known mistake ({accepted[0]}); "
            "its requirements are too loose"
        )
    said = "; ".join(d for d, _ in requirements)
    ruled_out = f"; and it rules out: {', '.join(mistakes)}" if mistakes else ""
    print(f"Exercise {exercise}: right ({said}{ruled_out}).")
