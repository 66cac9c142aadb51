"""The API's error answers, declared with their body shapes so the schema describes them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    """Any refusal other than invalid input: what went wrong, in words."""

    detail: str | dict[str, Any] | list[Any] = Field(description="what went wrong")


class InvalidOut(BaseModel):
    """Invalid input: every problem, with the path of the field at fault."""

    detail: list[dict[str, Any]] | dict[str, Any] = Field(
        description="the problems in FastAPI's shape (loc, msg, type)"
    )
    problems: list[str] = Field(description="one 'path: message' line per problem")


def declare(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for these error statuses, each with its body model."""
    return {
        code: {"description": text, "model": InvalidOut if code == 422 else ErrorOut}
        for code, text in descriptions.items()
    }
