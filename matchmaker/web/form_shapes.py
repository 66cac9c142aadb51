"""Page forms read into the services' input shapes: each posted text as the value it stands for."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel

Shape = TypeVar("Shape", bound=BaseModel)
Reader = Callable[[str], Any]


def unchecked(shape: type[Shape], **values: Any) -> Shape:
    """The input shape holding `values` as they are, without pydantic's checks: the service
    checks every value and names each field it refuses, in the words the form shows next to
    that field (pydantic's would name them differently, and stop at the first type)."""
    return shape.model_construct(**values)


def form_shape(
    shape: type[Shape],
    fields: Mapping[str, str],
    names: Iterable[str],
    readers: Mapping[str, Reader] | None = None,
) -> Shape:
    """The shape of a posted form: each of `names` as posted (blank if missing), read by its
    reader in `readers` (the text as posted otherwise)."""
    readers = readers or {}
    return unchecked(
        shape, **{name: readers.get(name, str)(fields.get(name, "")) for name in names}
    )


def whole_number(text: str) -> int | None:
    """The number typed (ASCII digits, blanks around allowed); None when it is no number."""
    return int(text) if re.fullmatch(r"\s*[0-9]+\s*", text) else None


def day(text: str) -> date | None:
    """The day typed as YYYY-MM-DD; None when it is no day."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def words(text: str) -> list[str]:
    """The words typed, separated by blanks, commas or semicolons (e.g. country codes)."""
    return [part for part in re.split(r"[\s,;]+", text) if part]


def text_or_none(text: str) -> str | None:
    """The text typed; None when the field was left blank."""
    return text or None


def sent(_text: str) -> None:
    """A field sent that the form does not fill in: its name reaches the service (which
    refuses it by name), its value does not."""
    return None
