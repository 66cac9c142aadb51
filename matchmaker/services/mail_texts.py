"""The words of each e-mail: plain-text templates in templates/mail/, whose first line is the
subject ("Subject: ...") and the rest the body."""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from matchmaker import i18n, resources


@functools.cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(resources.templates_dir() / "mail"),
        autoescape=False,  # plain text: nothing is read as HTML
        undefined=StrictUndefined,  # a missing value is a bug, not an empty line
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    i18n.install(environment)
    return environment


def render(name: str, *, language: str | None = None, **context: Any) -> tuple[str, str]:
    """The subject and body of mail template `name` (without .txt) filled with `context`,
    in `language` (the recipient's; the current language when none is given)."""
    with i18n.language(language or i18n.current_language()):
        text = _environment().get_template(f"{name}.txt").render(**context)
    first, _, body = text.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"templates/mail/{name}.txt must start with a 'Subject: ' line")
    return first.removeprefix("Subject: ").strip(), body.lstrip("\n")
