"""Building an API shape from a row: the row's attributes named as the shape's fields, with
the values the caller computes (ids, names, words) on top."""

from __future__ import annotations

from collections.abc import Container
from typing import Any, TypeVar

from pydantic import BaseModel

Shape = TypeVar("Shape", bound=BaseModel)


def columns(row: object, shape: type[BaseModel], *, skip: Container[str] = ()) -> dict[str, Any]:
    """The row's attributes named as the shape's fields (those it has, and not in `skip`)."""
    return {
        name: getattr(row, name)
        for name in shape.model_fields
        if name not in skip and hasattr(row, name)
    }


def shape_of(shape: type[Shape], row: object, **values: Any) -> Shape:
    """The shape of the row's attributes, with `values` in place of (or beside) them."""
    return shape.model_validate({**columns(row, shape, skip=values), **values})
