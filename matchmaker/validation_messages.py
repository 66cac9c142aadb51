"""FastAPI's (pydantic's) validation errors as a page says them, in the request's language.

The pages show one 'path: message' line per problem. In English the message is pydantic's
own text, as it always was; in another language the common error types get their own
message (by the error's `type`, filled from its `ctx`), and a type not known here keeps
pydantic's text. The JSON API's body keeps pydantic's messages whatever the language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matchmaker.i18n import SOURCE_LANGUAGE, LazyText, current_language, mark

# The message of each error type, its placeholders named as pydantic's ctx names them.
_MESSAGES: dict[str, LazyText] = {
    "missing": mark("Field required"),
    "int_parsing": mark("Input should be a valid integer, unable to parse string as an integer"),
    "int_type": mark("Input should be a valid integer"),
    "int_from_float": mark("Input should be a valid integer, got a number with a fractional part"),
    "float_parsing": mark("Input should be a valid number, unable to parse string as a number"),
    "float_type": mark("Input should be a valid number"),
    "finite_number": mark("Input should be a finite number"),
    "bool_parsing": mark("Input should be a valid boolean, unable to interpret input"),
    "bool_type": mark("Input should be a valid boolean"),
    "string_type": mark("Input should be a valid string"),
    "string_too_short": mark("String should have at least %(min_length)s characters"),
    "string_too_long": mark("String should have at most %(max_length)s characters"),
    "too_short": mark(
        "%(field_type)s should have at least %(min_length)s items after validation, "
        "not %(actual_length)s"
    ),
    "too_long": mark(
        "%(field_type)s should have at most %(max_length)s items after validation, "
        "not %(actual_length)s"
    ),
    "string_pattern_mismatch": mark("String should match pattern '%(pattern)s'"),
    "greater_than": mark("Input should be greater than %(gt)s"),
    "greater_than_equal": mark("Input should be greater than or equal to %(ge)s"),
    "less_than": mark("Input should be less than %(lt)s"),
    "less_than_equal": mark("Input should be less than or equal to %(le)s"),
    "literal_error": mark("Input should be %(expected)s"),
    "enum": mark("Input should be %(expected)s"),
    "date_parsing": mark("Input should be a valid date in the format YYYY-MM-DD, %(error)s"),
    "date_type": mark("Input should be a valid date"),
    "date_from_datetime_parsing": mark("Input should be a valid date or datetime, %(error)s"),
    "datetime_parsing": mark("Input should be a valid datetime, %(error)s"),
    "datetime_from_date_parsing": mark("Input should be a valid datetime or date, %(error)s"),
    "datetime_type": mark("Input should be a valid datetime"),
    "timezone_aware": mark("Input should have timezone info"),
    "value_error": mark("Value error, %(error)s"),
    "assertion_error": mark("Assertion failed, %(error)s"),
    "list_type": mark("Input should be a valid list"),
    "dict_type": mark("Input should be a valid dictionary"),
    "extra_forbidden": mark("Extra inputs are not permitted"),
    "json_invalid": mark("Invalid JSON: %(error)s"),
    "uuid_parsing": mark("Input should be a valid UUID, %(error)s"),
    "url_parsing": mark("Input should be a valid URL, %(error)s"),
}


def _choices(expected: str) -> str:
    """pydantic's list of allowed values ("'nl' or 'en'") with the language's 'or'."""
    word = str(mark("or"))
    return expected.replace(" or ", f" {word} ")


def message(item: Mapping[str, Any]) -> str:
    """The message of one of `RequestValidationError.errors()` in the current language."""
    text = str(item.get("msg", "invalid"))
    if current_language() == SOURCE_LANGUAGE:
        return text
    kind = str(item.get("type", ""))
    ctx = dict(item.get("ctx") or {})
    template = _MESSAGES.get(kind)
    if template is None:
        return text
    values = {name: str(value) for name, value in ctx.items()}
    if kind in ("literal_error", "enum") and "expected" in values:
        values["expected"] = _choices(values["expected"])
    try:
        return template % values
    except (KeyError, TypeError, ValueError):
        return text
