"""E-mail through the outbox: a message is written in the transaction of the decision it tells
about, and delivered afterwards, with retries, by whoever calls `deliver_due`.

Nothing is lost: a crash after the decision's commit leaves the message in the table, and the
next delivery sends it. A message is claimed for CLAIM_SECONDS before it is sent, so two
senders (two server processes) never deliver it at the same time; a sender that dies
mid-delivery lets the claim run out and the message is tried again. Its Message-ID is fixed by
its row, so a receiving server can tell a repeat after such a crash from a new message.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from sqlalchemy import event, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from matchmaker.models import OutboxMessage
from matchmaker.models.common import CODE_LENGTH, utcnow
from matchmaker.models.mail import ADDRESS_LENGTH
from matchmaker.services.errors import Invalid

MAX_ATTEMPTS = 8
CLAIM_SECONDS = 120
FIRST_RETRY_SECONDS = 30
LAST_RETRY_SECONDS = 6 * 3600
BATCH = 50
SUBJECT_LENGTH = 300
BODY_LENGTH = 100_000

# Set when a transaction that queued mail commits, so a waiting sender wakes at once.
QUEUED = threading.Event()

Transport = Callable[[EmailMessage], None]


def queue(*, session: Session, kind: str, to: str, subject: str, body: str) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction (the caller commits)."""
    problems = {}
    address = parseaddr(to)[1]
    if not address or "@" not in address or len(to) > ADDRESS_LENGTH or _has_line_break(to):
        problems["to"] = f"{to!r} is not an e-mail address"
    if not subject.strip() or len(subject) > SUBJECT_LENGTH or _has_line_break(subject):
        problems["subject"] = f"must be one line of 1 to {SUBJECT_LENGTH} characters"
    if len(body) > BODY_LENGTH:
        problems["body"] = f"is longer than {BODY_LENGTH:,} characters"
    if not kind or len(kind) > CODE_LENGTH:
        problems["kind"] = f"must be 1 to {CODE_LENGTH} characters"
    if problems:
        raise Invalid(problems)
    message = OutboxMessage(kind=kind, to_address=to, subject=subject.strip(), body=body)
    session.add(message)
    event.listen(session, "after_commit", _wake_senders, once=True)
    return message


def _wake_senders(_session: Session) -> None:
    QUEUED.set()


def _has_line_break(text: str) -> bool:
    return "\r" in text or "\n" in text


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed delivery: doubling, at most 6 hours."""
    seconds = FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, LAST_RETRY_SECONDS))


def email_of(message: OutboxMessage, *, sender: str) -> EmailMessage:
    """The outbox row as an e-mail, with a Message-ID fixed by its row."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(message.created_at.timestamp(), localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = f"<outbox-{message.id}.{int(message.created_at.timestamp())}@{domain}>"
    email.set_content(message.body)
    return email


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one call of deliver_due did."""

    sent: int
    failed: int
    given_up: int


def due_ids(session: Session, now: datetime, limit: int = BATCH) -> list[int]:
    """Messages waiting to be sent whose next attempt is due and that nobody holds."""
    query = (
        select(OutboxMessage.id)
        .where(
            col(OutboxMessage.sent_at).is_(None),
            col(OutboxMessage.attempts) < MAX_ATTEMPTS,
            col(OutboxMessage.next_attempt_at) <= now,
            or_(
                col(OutboxMessage.claimed_until).is_(None),
                col(OutboxMessage.claimed_until) < now,
            ),
        )
        .order_by(col(OutboxMessage.id))
        .limit(limit)
    )
    return [message_id for message_id in session.exec(query) if message_id is not None]


def _claim(session: Session, message_id: int, now: datetime) -> OutboxMessage | None:
    """Hold one message for this sender, or None when another got it first."""
    claimed = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.sent_at).is_(None),
            or_(
                col(OutboxMessage.claimed_until).is_(None),
                col(OutboxMessage.claimed_until) < now,
            ),
        )
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    ).rowcount
    session.commit()
    return session.get(OutboxMessage, message_id) if claimed == 1 else None


def deliver_due(
    *, engine: Engine, transport: Transport, sender: str, now: datetime | None = None
) -> Delivery:
    """Send every due message once through `transport`; a failure is retried later."""
    now = now or utcnow()
    sent = failed = given_up = 0
    with Session(engine, expire_on_commit=False) as session:
        for message_id in due_ids(session, now):
            message = _claim(session, message_id, now)
            if message is None:
                continue
            try:
                transport(email_of(message, sender=sender))
            except Exception as error:  # any failure of delivery is retried later
                message.attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                message.next_attempt_at = utcnow() + retry_delay(message.attempts)
                message.claimed_until = None
                failed += 1
                given_up += message.attempts >= MAX_ATTEMPTS
            else:
                message.attempts += 1
                message.sent_at = utcnow()
                message.claimed_until = None
                message.last_error = None
                sent += 1
            session.add(message)
            session.commit()
    return Delivery(sent=sent, failed=failed, given_up=given_up)
