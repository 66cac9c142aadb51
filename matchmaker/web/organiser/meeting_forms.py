"""The page forms of a meeting day, the day's set-up and a partner: as posted, and the day's
set-up as shown again and read into the service's input."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from pydantic import BaseModel, Field

from matchmaker.i18n import gettext
from matchmaker.models import MeetingDay
from matchmaker.services.errors import Invalid
from matchmaker.services.meetings import DayInput


class DayForm(BaseModel):
    """The day's set-up as posted: text, read by parse_day_form (a missing field is empty)."""

    day: str = Field(default="", max_length=40)
    start_time: str = Field(default="", max_length=40)
    slot_minutes: str = Field(default="", max_length=40)
    slots: str = Field(default="", max_length=40)
    morning_slots: str = Field(default="", max_length=40)
    lunch_minutes: str = Field(default="", max_length=40)
    tables: str = Field(default="", max_length=40)
    fairness: str = Field(default="", max_length=40)
    venue: str = Field(default="", max_length=1000)


class PartnerForm(BaseModel):
    """A partner as posted: text, checked by the service (a missing field is empty)."""

    name: str = Field(default="", max_length=1000)
    organisation: str = Field(default="", max_length=1000)
    country: str = Field(default="", max_length=100)
    sector: str = Field(default="", max_length=1000)
    email: str = Field(default="", max_length=1000)
    forbidden_slots: str = Field(default="", max_length=1000)


def day_form(day: MeetingDay | None) -> dict[str, str]:
    if day is None:
        return {
            "day": "",
            "start_time": "09:00",
            "slot_minutes": "20",
            "slots": "12",
            "morning_slots": "6",
            "lunch_minutes": "60",
            "tables": "10",
            "fairness": "",
            "venue": "",
        }
    return {
        "day": day.day.isoformat(),
        "start_time": day.start_time.strftime("%H:%M"),
        "slot_minutes": str(day.slot_minutes),
        "slots": str(day.slots),
        "morning_slots": str(day.morning_slots),
        "lunch_minutes": str(day.lunch_minutes),
        "tables": str(day.tables),
        "fairness": "" if day.fairness is None else str(day.fairness),
        "venue": day.venue or "",
    }


def parse_day_form(form: dict[str, str]) -> DayInput:
    """The day's form fields as a DayInput; Invalid names every unreadable field."""
    problems: dict[str, str] = {}
    values: dict[str, Any] = {}
    try:
        values["day"] = date.fromisoformat(form.get("day", "").strip())
    except ValueError:
        problems["day"] = gettext("a date like 2027-03-15")
    match = re.fullmatch(
        r"([0-9]{1,2}):([0-9]{2})(?::[0-9]{2})?", form.get("start_time", "").strip()
    )
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        values["start_time"] = time(int(match[1]), int(match[2]))
    else:
        problems["start_time"] = gettext("a time like 09:00")
    for name in ("slot_minutes", "slots", "morning_slots", "lunch_minutes", "tables"):
        text = form.get(name, "").strip() or ("0" if name == "lunch_minutes" else "")
        if re.fullmatch(r"[0-9]{1,4}", text):
            values[name] = int(text)
        else:
            problems[name] = gettext("a whole number")
    fairness = form.get("fairness", "").strip()
    if fairness and not re.fullmatch(r"[0-9]{1,3}", fairness):
        problems["fairness"] = gettext("a whole number, or empty for no bound")
    values["fairness"] = int(fairness) if fairness and "fairness" not in problems else None
    values["venue"] = form.get("venue", "").strip() or None
    if problems:
        raise Invalid(problems)
    return DayInput(**values)
