"""Stopping a solve from another thread: the solve ends early and keeps the best answer found.

The job that runs a solve makes a `StopRequest` and solves inside `stoppable(request)`; every
solver the solve starts is registered with `watching(solver)` while it searches. Another
thread (the job's progress writer, which sees the organiser's stop in the database) calls
`request.stop()`: each registered CP-SAT search is asked to stop (`stop_search`), a SCIP
search is interrupted, and `requested()` turns true, so the solve starts no further phase and
returns what it has. Calling `stop()` again is harmless; it reaches a search that had not yet
begun when the first call came.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class StopRequest:
    """One solve's stop button (thread-safe)."""

    def __init__(self) -> None:
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._searching: list[Any] = []

    @property
    def requested(self) -> bool:
        return self._stopped.is_set()

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:
            searching = list(self._searching)
        for solver in searching:
            _interrupt(solver)

    def _enter(self, solver: Any) -> None:
        with self._lock:
            self._searching.append(solver)
        if self.requested:
            _interrupt(solver)

    def _leave(self, solver: Any) -> None:
        with self._lock:
            self._searching.remove(solver)


def _interrupt(solver: Any) -> None:
    if hasattr(solver, "stop_search"):  # CP-SAT
        solver.stop_search()
    elif hasattr(solver, "InterruptSolve"):  # pywraplp (SCIP)
        solver.InterruptSolve()


_current = threading.local()


@contextmanager
def stoppable(request: StopRequest) -> Iterator[StopRequest]:
    """Solves in this thread, inside the block, listen to `request`."""
    previous = getattr(_current, "request", None)
    _current.request = request
    try:
        yield request
    finally:
        _current.request = previous


@contextmanager
def watching(solver: Any) -> Iterator[None]:
    """Register a solver while it searches, so a stop request reaches it."""
    request: StopRequest | None = getattr(_current, "request", None)
    if request is None:
        yield
        return
    request._enter(solver)
    try:
        yield
    finally:
        request._leave(solver)


def requested() -> bool:
    """Whether the solve running in this thread was asked to stop."""
    request: StopRequest | None = getattr(_current, "request", None)
    return request is not None and request.requested
