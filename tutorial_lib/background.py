"""Run the latest request in a background thread: the explorer's threading, alone.

A lecturer drags the lambda slider three times while one restoration runs. The notebook
must keep taking the moves (the kernel's thread must not wait for Adam), the run in
progress is stale at the first move, and of the three moves only the last one matters.
A ``LatestRunner`` does that and nothing else; it knows nothing of images, torch or
widgets, so this file reads on its own:

- ``request()`` asks for a run of the job. If no run is going, a worker thread starts
  one; if one is, it is told to stop, and the worker takes the request when it has.
  Requests made meanwhile are coalesced into one (a flag, not a queue): moves made
  during a run cost one run, not one each.
- The job calls ``check()`` after each of its own steps (the explorer: after every Adam
  step). Once Stop or a newer request came, ``check()`` raises ``Stopped``, which ends
  the job there, so a stale run wastes at most one step.
- ``stop()`` ends the run in progress and drops a request not yet started.
- ``wait()`` blocks until every request has run (tests, ``RestorationExplorer.run``).

A thread has no notebook cell to raise into: an error in the job goes to ``on_error``
(the explorer writes it under its picture), and the next request runs as usual.

Introduced with the explorer in notebook 05 (tutorial_lib.widgets); a job that records
what it saw:

>>> ran = []
>>> runner = LatestRunner(lambda: ran.append(len(ran)), on_error=print)
>>> runner.request()
>>> runner.wait()
>>> ran
[0]
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Stopped(Exception):
    """Raised by ``LatestRunner.check`` in a run that Stop or a newer request ended."""


class LatestRunner:
    """Runs ``job()`` in a background thread: one run at a time, the latest request.

    ``job``: called with no arguments on the worker thread; it should call ``check()``
    between its steps. ``on_error(error)``: called on the worker thread with any
    exception the job raises other than ``Stopped``.
    """

    def __init__(
        self, job: Callable[[], object], on_error: Callable[[Exception], None]
    ):
        self.job, self.on_error = job, on_error
        self._lock = threading.Lock()  # guards _wanted and _busy
        self._wanted = False  # a request not yet started
        self._busy = False  # a worker thread is serving requests
        self._stop = threading.Event()  # set: the running job ends at its next check
        self._idle = threading.Event()
        self._idle.set()

    def request(self) -> None:
        """Run the job as soon as possible: the run in progress stops at its next
        ``check()``; requests made meanwhile are coalesced into one."""
        with self._lock:
            self._wanted = True
            self._stop.set()
            if self._busy:
                return  # the worker takes the request when the current run stops
            self._busy = True
            self._idle.clear()
        threading.Thread(target=self._serve, daemon=True).start()

    def stop(self) -> None:
        """End the run in progress at its next ``check()``, and drop a request not yet
        started."""
        with self._lock:
            self._wanted = False
            if self._busy:  # idle: nothing to stop, and a later run must not stop
                self._stop.set()

    def wait(self, timeout: float | None = None) -> None:
        """Block until every request has run (or ``timeout`` seconds have passed)."""
        self._idle.wait(timeout)

    def check(self) -> None:
        """Raise ``Stopped`` if Stop or a newer request came since this run began."""
        if self._stop.is_set():
            raise Stopped

    def _serve(self) -> None:
        """The worker thread: take the latest request, run it, until none is left."""
        while True:
            with self._lock:
                wanted, self._wanted = self._wanted, False
                if not wanted:
                    self._busy = False
                    self._stop.clear()  # a Stop pressed at the end stops nothing later
                    self._idle.set()
                    return
                self._stop.clear()
            try:
                self.job()
            except Stopped:
                pass
            except Exception as error:  # a thread has no cell to raise into: pass it on
                self.on_error(error)
