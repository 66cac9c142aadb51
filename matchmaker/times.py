"""Times as people in the Netherlands read and type them: Europe/Amsterdam, stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def amsterdam_time(moment: datetime) -> str:
    """'12 March 2027 at 17:00' in Amsterdam time."""
    local = moment.astimezone(AMSTERDAM)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def from_amsterdam(day: date, clock: time) -> datetime:
    """A date and a wall-clock time in Amsterdam as an aware moment in UTC."""
    return datetime.combine(day, clock, tzinfo=AMSTERDAM).astimezone(UTC)


def amsterdam_iso(moment: datetime) -> str:
    """'2027-03-12T17:00:00+01:00': the moment in Amsterdam time, for files and machines."""
    return moment.astimezone(AMSTERDAM).isoformat(timespec="seconds")
