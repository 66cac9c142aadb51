"""The language of a request: the user's choice, the switch's cookie, the browser, the default."""

from __future__ import annotations

from anyio import to_thread
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matchmaker import db, i18n
from matchmaker.csrf import SESSION_COOKIE
from matchmaker.services import accounts

LANGUAGE_COOKIE = "mm_language"
MAX_ACCEPT_LANGUAGE = 500  # longer headers are read only this far


def from_accept_language(header: str | None) -> str | None:
    """The known language the browser prefers most (`nl-NL,nl;q=0.9,en;q=0.8` → nl);
    none when it names no language we have."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((header or "")[:MAX_ACCEPT_LANGUAGE].split(",")):
        tag, _, parameters = part.strip().partition(";")
        language = tag.strip().lower().split("-")[0]
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if language not in i18n.LANGUAGES or not 0 < quality <= 1:
            continue
        candidate = (-quality, position, language)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else None


def choose(
    *, saved: str | None, cookie: str | None, accept_language: str | None, default: str
) -> str:
    """The user's saved choice, then the switch's cookie, then the browser, then the default."""
    for language in (saved, cookie):
        if language in i18n.LANGUAGES:
            return language
    return from_accept_language(accept_language) or default


def switched_to(connection: HTTPConnection) -> str | None:
    """The language this browser chose with the switch (its cookie), if any: a new account
    keeps it."""
    language = connection.cookies.get(LANGUAGE_COOKIE)
    return language if language in i18n.LANGUAGES else None


def _saved_language(engine, token: str) -> str | None:
    """The saved choice of the session's user; none when the database cannot say now (busy,
    or down): the page then answers by cookie and browser, and the route's own handling of
    the database (a 503 page when busy) still applies."""
    try:
        with Session(engine) as session:
            session.connection(execution_options={db.READ_ONLY: True})
            return accounts.language_of_session(session=session, token=token)
    except SQLAlchemyError:
        return None


def _default(connection: HTTPConnection) -> str:
    """Pages fall back to the service's default language (nl unless set); the JSON API,
    read by programs more than people, to English."""
    if connection.url.path.startswith("/api/"):
        return i18n.SOURCE_LANGUAGE
    return connection.app.state.settings.default_language


class LanguageMiddleware:
    """Makes the chosen language current while the request is answered (pages, messages made
    in code, e-mails sent from the request) and says it in `Content-Language`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith("/static/"):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        token = connection.cookies.get(SESSION_COOKIE)
        saved = None
        if token:
            engine = connection.app.state.engine
            saved = await to_thread.run_sync(_saved_language, engine, token)
        language = choose(
            saved=saved,
            cookie=connection.cookies.get(LANGUAGE_COOKIE),
            accept_language=connection.headers.get("accept-language"),
            default=_default(connection),
        )

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["content-language"] = language
                headers.add_vary_header("Accept-Language")
                headers.add_vary_header("Cookie")
            await send(message)

        reset = i18n.set_language(language)
        try:
            await self.app(scope, receive, send_with_language)
        finally:
            i18n.reset_language(reset)
