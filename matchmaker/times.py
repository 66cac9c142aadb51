"""Times as people in the Netherlands read and type them: Europe/Amsterdam, stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def amsterdam_time(moment: datetime) -> str:
    """'12 March 2027 at 17:00' in Amsterdam time."""
    local = moment.astimezone(AMSTERDAM)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def from_amsterdam(day: date, clock: time) -> datetime:
    """A date and a wall-clock time in Amsterdam as an aware moment in UTC."""
    return datetime.combine(day, clock, tzinfo=AMSTERDAM).astimezone(UTC)


_DUTCH_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def amsterdam_time_nl(moment: datetime) -> str:
    """'12 maart 2027 om 17:00' in Amsterdam time (for the Dutch half of an e-mail)."""
    local = moment.astimezone(AMSTERDAM)
    return f"{local.day} {_DUTCH_MONTHS[local.month - 1]} {local.year} om {local:%H:%M}"


def end_of_day_after(moment: datetime, days: int) -> datetime:
    """23:59 in Amsterdam on the day `days` days after the Amsterdam day of `moment`."""
    day = moment.astimezone(AMSTERDAM).date() + timedelta(days=days)
    return from_amsterdam(day, time(23, 59))
