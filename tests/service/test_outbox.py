"""The outbox delivers every message once, through a real SMTP server (aiosmtpd) started here,
also after a crash between the decision's commit and the sending, and with two senders."""

from __future__ import annotations

import email
import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from matchmaker import mailer
from matchmaker.models import OutboxMessage
from matchmaker.models.common import utcnow
from matchmaker.services import outbox
from matchmaker.services.errors import Invalid
from matchmaker.settings import Settings, SettingsError, load_settings
from tests.smtp_server import Inbox

SENDER = "Kamer van Koophandel Noord <missies@kvk-noord.example>"


def _queue(engine: Engine, subject: str, to: str = "info@zuivel-friesland.example") -> int:
    with Session(engine) as session:
        message = outbox.queue(
            session=session,
            kind="placement.offered",
            to=to,
            subject=subject,
            body="Er is een plaats vrijgekomen op de handelsmissie naar Hamburg.",
        )
        session.commit()
        assert message.id is not None
        return message.id


def _row(engine: Engine, message_id: int) -> OutboxMessage:
    with Session(engine) as session:
        row = session.get(OutboxMessage, message_id)
        assert row is not None
        return row


def test_a_queued_message_is_delivered_once_and_marked_sent(
    migrated_engine: Engine, smtp: tuple[Inbox, str]
) -> None:
    inbox, url = smtp
    message_id = _queue(migrated_engine, "Een plaats op de missie naar Hamburg")
    transport = mailer.SmtpTransport(url)

    first = outbox.deliver_due(engine=migrated_engine, transport=transport, sender=SENDER)
    again = outbox.deliver_due(engine=migrated_engine, transport=transport, sender=SENDER)

    assert (first.sent, again.sent) == (1, 0)
    assert inbox.subjects() == ["Een plaats op de missie naar Hamburg"]
    received = inbox.messages[0]
    assert received["To"] == "info@zuivel-friesland.example"
    assert received["From"] == SENDER
    assert received["Message-ID"].startswith(f"<outbox-{message_id}.")
    assert "handelsmissie naar Hamburg" in received.get_payload(decode=True).decode()
    row = _row(migrated_engine, message_id)
    assert row.sent_at is not None and row.attempts == 1 and row.last_error is None


def test_an_unreachable_server_is_retried_later_and_nothing_is_lost(
    migrated_engine: Engine, smtp: tuple[Inbox, str]
) -> None:
    inbox, url = smtp
    message_id = _queue(migrated_engine, "Uw aanvraag is geplaatst")
    closed_port = mailer.SmtpTransport("smtp://127.0.0.1:9")  # discard port: nobody listens

    failed = outbox.deliver_due(engine=migrated_engine, transport=closed_port, sender=SENDER)
    row = _row(migrated_engine, message_id)
    assert (failed.sent, failed.failed) == (0, 1)
    assert row.sent_at is None and row.attempts == 1 and row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=20)

    # Not due yet: even a working server gets nothing until the retry time has come.
    working = mailer.SmtpTransport(url)
    early = outbox.deliver_due(engine=migrated_engine, transport=working, sender=SENDER)
    assert early.sent == 0 and inbox.subjects() == []
    later = outbox.deliver_due(
        engine=migrated_engine,
        transport=working,
        sender=SENDER,
        now=utcnow() + outbox.retry_delay(1) + timedelta(seconds=1),
    )
    assert later.sent == 1 and inbox.subjects() == ["Uw aanvraag is geplaatst"]
    assert _row(migrated_engine, message_id).attempts == 2


def test_retries_wait_longer_each_time_and_stop_after_the_last_attempt(
    migrated_engine: Engine,
) -> None:
    delays = [outbox.retry_delay(n) for n in range(1, outbox.MAX_ATTEMPTS + 1)]
    assert delays == sorted(delays) and delays[0] == timedelta(seconds=30)
    assert delays[-1] <= timedelta(hours=6)

    def refuse(_message: email.message.EmailMessage) -> None:
        raise ConnectionRefusedError("no mail server")

    message_id = _queue(migrated_engine, "Herinnering")
    now = utcnow()
    given_up = 0
    for _ in range(outbox.MAX_ATTEMPTS + 2):
        now += timedelta(hours=7)
        given_up += outbox.deliver_due(
            engine=migrated_engine, transport=refuse, sender=SENDER, now=now
        ).given_up
    row = _row(migrated_engine, message_id)
    assert row.attempts == outbox.MAX_ATTEMPTS and given_up == 1 and row.sent_at is None
    assert "no mail server" in (row.last_error or "")


CRASH_AFTER_COMMIT = """
import os, sys
from sqlmodel import Session
from matchmaker import db
from matchmaker.services import outbox
engine = db.create_db_engine(sys.argv[1])
with Session(engine) as session:
    outbox.queue(session=session, kind="result.published", to="inkoop@kaas-drenthe.example",
                 subject="De uitslag van de ronde", body="U bent geplaatst.")
    session.commit()
os._exit(17)  # the process dies right after the decision's commit, before any sending
"""


def test_a_crash_between_commit_and_send_still_sends_the_message_once(
    migrated_engine: Engine, smtp: tuple[Inbox, str], tmp_path: Path
) -> None:
    inbox, url = smtp
    database_url = migrated_engine.url.render_as_string(hide_password=False)
    script = tmp_path / "crash.py"
    script.write_text(CRASH_AFTER_COMMIT)
    crashed = subprocess.run(
        [sys.executable, str(script), database_url],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert crashed.returncode == 17, crashed.stderr

    # The next sender (a restarted server) finds the message and sends it, once.
    transport = mailer.SmtpTransport(url)
    for _ in range(3):
        outbox.deliver_due(engine=migrated_engine, transport=transport, sender=SENDER)
    assert inbox.subjects() == ["De uitslag van de ronde"]


def test_a_sender_that_dies_holding_a_message_lets_go_when_its_claim_runs_out(
    migrated_engine: Engine, smtp: tuple[Inbox, str]
) -> None:
    inbox, url = smtp
    message_id = _queue(migrated_engine, "Uw bedrijfscase is geverifieerd")
    with Session(migrated_engine) as session:
        assert outbox._claim(session, message_id, utcnow()) is not None  # then it dies
    transport = mailer.SmtpTransport(url)
    held = outbox.deliver_due(engine=migrated_engine, transport=transport, sender=SENDER)
    assert held.sent == 0
    freed = outbox.deliver_due(
        engine=migrated_engine,
        transport=transport,
        sender=SENDER,
        now=utcnow() + timedelta(seconds=outbox.CLAIM_SECONDS + 1),
    )
    assert freed.sent == 1 and inbox.subjects() == ["Uw bedrijfscase is geverifieerd"]


def test_two_senders_at_once_deliver_each_message_exactly_once(
    migrated_engine: Engine, smtp: tuple[Inbox, str]
) -> None:
    inbox, url = smtp
    subjects = [f"Bericht {n}" for n in range(12)]
    for subject in subjects:
        _queue(migrated_engine, subject)
    transport = mailer.SmtpTransport(url)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def send() -> None:
        try:
            start.wait()
            outbox.deliver_due(engine=migrated_engine, transport=transport, sender=SENDER)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(inbox.subjects()) == sorted(subjects)
    with Session(migrated_engine) as session:
        rows = session.exec(select(OutboxMessage)).all()
        assert all(r.sent_at is not None and r.attempts == 1 for r in rows)


def test_the_sender_thread_delivers_soon_after_the_commit(
    migrated_engine: Engine, smtp: tuple[Inbox, str]
) -> None:
    inbox, url = smtp
    settings = Settings(smtp_url=url, mail_from=SENDER)
    sender = mailer.MailSender(migrated_engine, settings, poll_seconds=60)
    try:
        _queue(migrated_engine, "Direct bezorgd")
        deadline = utcnow() + timedelta(seconds=20)
        while not inbox.subjects() and utcnow() < deadline:
            threading.Event().wait(0.05)
    finally:
        sender.close()
    assert inbox.subjects() == ["Direct bezorgd"]  # woken by the commit, not the 60 s poll


@pytest.mark.parametrize(
    ("to", "subject", "field_name"),
    [
        ("not an address", "Onderwerp", "to"),
        ("a@example.nl\nBcc: everyone@example.nl", "Onderwerp", "to"),
        ("a@example.nl", "Onderwerp\r\nBcc: everyone@example.nl", "subject"),
        ("a@example.nl", "   ", "subject"),
    ],
)
def test_a_message_that_could_inject_headers_is_refused_naming_the_field(
    session: Session, to: str, subject: str, field_name: str
) -> None:
    with pytest.raises(Invalid) as refused:
        outbox.queue(session=session, kind="test", to=to, subject=subject, body="tekst")
    assert [p.path for p in refused.value.problems] == [field_name]
    session.rollback()
    assert session.exec(select(OutboxMessage)).all() == []


def test_without_smtp_mail_goes_to_a_folder_or_the_log_and_waits_in_production(
    migrated_engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "mail"
    message_id = _queue(migrated_engine, "Naar de map")
    delivery = mailer.deliver_now(migrated_engine, Settings(mail_folder=str(folder)))
    assert delivery.sent == 1
    (written,) = folder.glob("*.eml")
    assert email.message_from_bytes(written.read_bytes())["Subject"] == "Naar de map"
    assert _row(migrated_engine, message_id).sent_at is not None

    assert mailer.transport_for(Settings()) is mailer.log_transport
    production = Settings(environment="production", secret_key="x" * 40)
    waiting = _queue(migrated_engine, "Wacht op SMTP_URL")
    assert mailer.deliver_now(migrated_engine, production).sent == 0
    assert _row(migrated_engine, waiting).sent_at is None


def test_a_bad_smtp_url_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_URL", "http://mail.example.nl")
    with pytest.raises(SettingsError, match="SMTP_URL"):
        load_settings()
