"""Delivering the outbox: SMTP, a folder of .eml files or the log, and the sender thread that
runs in the server (it wakes when a transaction queues mail, and every POLL_SECONDS)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from matchmaker import periodic
from matchmaker.periodic import Periodic
from matchmaker.services import outbox
from matchmaker.settings import Settings

log = logging.getLogger("matchmaker.mail")

POLL_SECONDS = 15.0
SENDER = "mail-sender"
SMTP_TIMEOUT_SECONDS = 30.0


class SmtpTransport:
    """Hands each message to an SMTP server: smtps:// speaks TLS from the start, smtp:// uses
    STARTTLS when the server offers it; user and password in the URL log in."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.implicit_tls = parts.scheme.lower() == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None

    def __call__(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        if self.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS, context=context
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
        with client:
            if not self.implicit_tls:
                client.ehlo()
                if client.has_extn("starttls"):
                    client.starttls(context=context)
                    client.ehlo()
            if self.user is not None:
                client.login(self.user, self.password or "")
            client.send_message(message)


class FolderTransport:
    """Writes each message to a folder as <Message-ID>.eml (for development)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def __call__(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = str(message["Message-ID"]).strip("<>").replace("/", "_").replace("@", "_at_")
        (self.folder / f"{name}.eml").write_bytes(bytes(message))


def log_transport(message: EmailMessage) -> None:
    """Writes each message to the log (development without SMTP_URL or a mail folder)."""
    log.info("e-mail (not sent: no SMTP_URL)\n%s", message.as_string())


def transport_for(settings: Settings) -> outbox.Transport | None:
    """SMTP when SMTP_URL is set, else the mail folder when set, else (outside production)
    the log. In production without either, None: mail waits in the outbox until one is set,
    rather than links that sign people in ending up in a log."""
    if settings.smtp_url is not None:
        return SmtpTransport(settings.smtp_url.get_secret_value())
    if settings.mail_folder:
        return FolderTransport(settings.mail_folder)
    return None if settings.is_production else log_transport


def deliver_now(engine: Engine, settings: Settings) -> outbox.Delivery:
    """Send what is due once (the `matchmaker mail send` command and the sender thread)."""
    transport = transport_for(settings)
    if transport is None:
        return outbox.Delivery(sent=0, failed=0, given_up=0)
    return outbox.deliver_due(engine=engine, transport=transport, sender=settings.mail_from)


class MailSender(Periodic):
    """The daemon thread that delivers the outbox until closed."""

    def __init__(self, engine: Engine, settings: Settings, poll_seconds: float = POLL_SECONDS):
        def deliver() -> None:
            delivery = deliver_now(engine, settings)
            if delivery.failed:
                log.warning(
                    "e-mail: %d sent, %d failed (retried later), %d given up",
                    delivery.sent,
                    delivery.failed,
                    delivery.given_up,
                )

        super().__init__("mail-sender", deliver, poll_seconds, wake=outbox.QUEUED)


def start(app: FastAPI) -> None:
    """Start the sender of the app's outbox (each start needs its own stop)."""
    settings: Settings = app.state.settings
    if periodic.running(app, SENDER) is None and transport_for(settings) is None:
        log.warning("e-mail: SMTP_URL is not set; messages wait in the outbox until it is")
    periodic.start(app, SENDER, lambda: MailSender(app.state.engine, settings))


def stop(app: FastAPI) -> None:
    """Stop the sender once its last user stops."""
    periodic.stop(app, SENDER)
