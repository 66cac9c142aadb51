"""uvicorn serving create_app() in a thread, over real HTTP on a free localhost port."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from matchmaker.main import create_app
from matchmaker.settings import Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """The real server on its own thread; `url` is where it answers."""

    def __init__(self, database_url: str, **settings: object):
        values = {"environment": "test", "secret_key": "b" * 48, **settings}
        self.app = create_app(Settings(database_url=database_url, **values))  # type: ignore[arg-type]
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.app.state.engine.dispose()
