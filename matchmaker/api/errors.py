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


# The texts most routers' error answers share.
NO_TOKEN = "Not logged in: send a bearer token"
BAD_TOKEN = "Not logged in, or an invalid token"
BAD_BODY = "Invalid request body, with the path of every problem"
BAD_REQUEST = "Invalid request, with the path of every problem"
BAD_INPUT = "Invalid input; `problems` names every field at fault"


def declare(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for these error statuses, each with its body model."""
    return {
        code: {"description": text, "model": InvalidOut if code == 422 else ErrorOut}
        for code, text in descriptions.items()
    }


def refusals(
    *,
    forbidden: str,
    not_found: str,
    conflict: str | None = None,
    login: str = BAD_TOKEN,
    invalid: str | None = BAD_REQUEST,
) -> dict[int | str, dict[str, Any]]:
    """The error answers of a router behind a login: 401, 403, 404, then 409 and 422 unless
    they are None."""
    descriptions = {401: login, 403: forbidden, 404: not_found, 409: conflict, 422: invalid}
    return declare({code: text for code, text in descriptions.items() if text is not None})
