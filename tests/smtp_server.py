"""A real SMTP server (aiosmtpd) on a free local port, for tests of e-mail."""

from __future__ import annotations

import email
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    """What the test SMTP server received, as parsed messages."""

    messages: list[email.message.Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def subjects(self) -> list[str]:
        with self.lock:
            return [str(m["Subject"]) for m in self.messages]

    def wait_for(self, count: int, seconds: float = 30.0) -> list[email.message.Message]:
        """The first `count` messages, waiting for them to arrive (the sender is a thread)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages[:count])
            time.sleep(0.05)
        raise AssertionError(f"expected {count} e-mail(s), got {len(self.messages)}")


def body_of(message: email.message.Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def link_in(message: email.message.Message, path: str) -> str:
    """The path of the first link in the message's body that starts with `path`."""
    found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[^\s]*)", body_of(message))
    assert found, body_of(message)
    return found.group(1)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, str]]:
    """A real SMTP server on a free local port, and its smtp:// URL."""
    inbox = Inbox()
    with socket.socket() as probe:  # a port nobody uses now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()
