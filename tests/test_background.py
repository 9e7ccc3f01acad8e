"""The explorer's threading on its own: a LatestRunner over jobs that need no torch.

Each job reads a shared ``setting`` when it starts (as the explorer reads its sliders)
and calls ``check()`` between its steps; events hold a run at its start, so that a test
acts *during* a run without racing it.
"""

import threading

import pytest

from tutorial_lib.background import LatestRunner, Stopped


class Jobs:
    """A job that logs [setting, "started" | "finished"] per run; a run of the setting
    ``hold`` waits at its start until ``release`` is set."""

    def __init__(self, hold=None):
        self.setting, self.hold, self.log, self.errors = None, hold, [], []
        self.started, self.release = threading.Event(), threading.Event()
        self.runner = LatestRunner(self.job, on_error=self.errors.append)

    def job(self):
        setting = self.setting
        self.log.append([setting, "started"])
        if setting == self.hold:
            self.started.set()
            assert self.release.wait(10)
        for _ in range(3):  # three steps, checked after each as the explorer does
            self.runner.check()
        if setting == "fail":
            raise ValueError("a bad setting")
        self.log[-1][1] = "finished"

    def ask(self, setting):
        self.setting = setting
        self.runner.request()


def test_a_newer_request_stops_the_running_job_and_only_the_latest_runs():
    jobs = Jobs(hold="A")
    jobs.ask("A")
    assert jobs.started.wait(10)
    jobs.ask("B")  # B and C arrive while A runs: coalesced into one run, of C
    jobs.ask("C")
    jobs.release.set()
    jobs.runner.wait(10)
    assert jobs.log == [["A", "started"], ["C", "finished"]]
    assert jobs.errors == []  # a stopped run is no error


def test_stop_ends_the_run_and_drops_a_request_not_yet_started():
    jobs = Jobs(hold="A")
    jobs.ask("A")
    assert jobs.started.wait(10)
    jobs.ask("B")  # waits behind A
    jobs.runner.stop()
    jobs.release.set()
    jobs.runner.wait(10)
    assert jobs.log == [["A", "started"]]


def test_a_stop_leaves_nothing_behind_to_stop_a_later_run():
    jobs = Jobs(hold="A")
    jobs.runner.stop()  # idle: nothing to stop
    jobs.runner.check()  # a run here and now (the explorer's run()) goes on
    jobs.ask("A")
    assert jobs.started.wait(10)
    jobs.runner.stop()
    jobs.release.set()
    jobs.runner.wait(10)
    jobs.runner.check()  # the Stop ended A, and ends nothing after it
    jobs.ask("B")
    jobs.runner.wait(10)
    assert jobs.log == [["A", "started"], ["B", "finished"]]


def test_an_error_goes_to_on_error_and_the_next_request_runs():
    jobs = Jobs()
    jobs.ask("fail")
    jobs.runner.wait(10)
    assert [type(e) for e in jobs.errors] == [ValueError]
    assert str(jobs.errors[0]) == "a bad setting"
    jobs.ask("B")
    jobs.runner.wait(10)
    assert jobs.log[-1] == ["B", "finished"]


def test_check_raises_stopped_only_once_a_newer_request_came():
    jobs = Jobs(hold="A")
    jobs.ask("A")
    assert jobs.started.wait(10)
    jobs.runner.check()  # A's own request does not stop A
    jobs.runner.request()
    with pytest.raises(Stopped):
        jobs.runner.check()
    jobs.release.set()
    jobs.runner.wait(10)
