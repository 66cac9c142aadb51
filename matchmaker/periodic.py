"""Background work of the server that repeats: a daemon thread per task that runs it at once,
then every few seconds or when woken, and that the app starts and stops by name."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from fastapi import FastAPI

log = logging.getLogger(__name__)

STOP_WAIT_SECONDS = 5.0


class Periodic:
    """Runs `work` in a daemon thread: at once, then every `interval` seconds or as soon as
    `wake` is set, until closed. A failing pass is logged and tried again next time."""

    def __init__(
        self,
        name: str,
        work: Callable[[], object],
        interval: float,
        wake: threading.Event | None = None,
    ):
        self.name = name
        self._work = work
        self._interval = interval
        self._wake = wake or threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                self._work()
            except Exception:  # the database may be away for a moment: try again later
                log.exception("%s: this pass failed", self.name)
            self._wake.wait(self._interval)

    def close(self) -> None:
        self._stopping.set()
        self._wake.set()
        self._thread.join(STOP_WAIT_SECONDS)


_state_lock = threading.Lock()


def start(app: FastAPI, name: str, make: Callable[[], Periodic]) -> None:
    """Start the app's task `name` (idempotent: each start needs its own stop)."""
    with _state_lock:
        tasks = _tasks(app)
        task, users = tasks.get(name) or (make(), 0)
        tasks[name] = (task, users + 1)


def stop(app: FastAPI, name: str) -> None:
    """Stop the app's task `name` once its last user stops."""
    with _state_lock:
        tasks = _tasks(app)
        if name not in tasks:
            return
        task, users = tasks[name]
        if users > 1:
            tasks[name] = (task, users - 1)
            return
        del tasks[name]
    task.close()


def running(app: FastAPI, name: str) -> Periodic | None:
    """The app's running task `name`, if any."""
    with _state_lock:
        found = _tasks(app).get(name)
    return found[0] if found else None


def _tasks(app: FastAPI) -> dict[str, tuple[Periodic, int]]:
    """The app's running tasks with the count of their users (under _state_lock)."""
    tasks = getattr(app.state, "periodic_tasks", None)
    if tasks is None:
        tasks = app.state.periodic_tasks = {}
    return tasks
