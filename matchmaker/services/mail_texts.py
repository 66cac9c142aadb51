"""The words of each e-mail: plain-text templates in templates/mail/, whose first line is the
subject ("Subject: ...") and the rest the body. Each e-mail is written in its recipient's
language: the one the person chose (User.language), else the service's default
(MATCHMAKER_DEFAULT_LANGUAGE)."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from matchmaker import i18n, resources, times
from matchmaker.models import User
from matchmaker.settings import Settings, SettingsError, get_settings


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


def default_language() -> str:
    """The service's default language (MATCHMAKER_DEFAULT_LANGUAGE): the language of an
    e-mail to someone who chose none (or has no account yet, like an invitee)."""
    try:
        return get_settings().default_language
    except SettingsError:  # the service would not start; a command still mails
        return str(Settings.model_fields["default_language"].default)


def language_of(user: User | None) -> str:
    """The language to write to `user` in: their own choice, else the service's default."""
    chosen = user.language if user is not None else None
    return chosen if chosen in i18n.LANGUAGES else default_language()


def moment(when: datetime) -> str:
    """A moment in Amsterdam time as the current language writes it in an e-mail
    ('12 maart 2027 om 17:00', '12 March 2027 at 17:00'; as times.amsterdam_time_nl and
    times.amsterdam_time write it)."""
    clock = f"{when.astimezone(times.AMSTERDAM):%H:%M}"
    return i18n.gettext("%(day)s at %(time)s", day=i18n.format_date(when), time=clock)
