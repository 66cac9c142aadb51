"""The application factory: create_app(settings) -> FastAPI, with pages, API and lifespan."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from matchmaker import validation_messages
from matchmaker.db import create_db_engine, is_contention, upgrade_to_head
from matchmaker.deps import LoginRequired
from matchmaker.i18n import gettext, mark
from matchmaker.security import BodyGuard, SecurityHeaders, declare_guard_answers, file_routes
from matchmaker.services.errors import Invalid, ServiceError
from matchmaker.settings import Settings, get_settings
from matchmaker.web.language_choice import LanguageMiddleware
from matchmaker.web.pages import SeeOther, see_other

STATIC_DIR = Path(__file__).resolve().parent / "static"

_TITLES = {
    400: mark("Bad request"),
    401: mark("Please log in"),
    403: mark("Not allowed"),
    404: mark("Not found"),
    405: mark("Not allowed"),
    409: mark("Conflict"),
    413: mark("Too large"),
    415: mark("Unsupported type"),
    422: mark("Check the form"),
    429: mark("Too many attempts"),
    503: mark("Busy, try again"),
}
# Seconds a client is asked to wait before it retries a write the database was too busy for.
BUSY_RETRY_AFTER_SECONDS = 2
BUSY_MESSAGE = "the service is busy right now and did not save anything; try again in a few seconds"
BUSY_PAGE_MESSAGE = mark(
    "The service is busy right now and did not save anything; try again in a few seconds."
)


def _routers() -> list[tuple[APIRouter, bool]]:
    """Every `router` of the modules and packages in matchmaker.web and matchmaker.api, in
    name order, each with whether its routes belong in the OpenAPI schema (the JSON API's
    do; pages and their form posts are for people, not programs).

    Each audience's pages and JSON API are one package each (web/organiser, web/sme,
    web/branch; api/organiser, api/sme, api/branch) whose router checks the role once and
    includes the package's modules; routes anyone may call live in the top-level modules.
    Adding a module here adds its routes.
    """
    import matchmaker.api
    import matchmaker.web

    routers = []
    for package in (matchmaker.web, matchmaker.api):
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            if isinstance(getattr(module, "router", None), APIRouter):
                routers.append((module.router, package is matchmaker.api))
    return routers


def _problem_paths(error: RequestValidationError, *, translated: bool = False) -> list[str]:
    """The spec's error shape: one 'path: message' line per problem (pydantic's messages,
    or for a page `translated` into the request's language; the paths stay as they are)."""
    problems = []
    for item in error.errors():
        location = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
        text = validation_messages.message(item) if translated else item.get("msg", "invalid")
        problems.append(f"{location}: {text}")
    return problems


# Where a problem's path starts with one of these, it already says where the input was.
_LOCATIONS = ("body", "query", "path", "header", "cookie")


def _locations(error: Invalid) -> list[dict[str, object]]:
    """A service's problems in the shape of FastAPI's own 422 detail (loc, msg, type)."""
    detail = []
    for problem in error.problems:
        location = problem.location()
        if location[0] not in _LOCATIONS:
            location = ("body", *location)
        detail.append({"loc": list(location), "msg": problem.message, "type": "value_error"})
    return detail


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.headers.get(
        "authorization", ""
    ).lower().startswith("bearer ")


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """The matchmaker web service. Tests pass their own settings (and may share an engine)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from matchmaker import jobs, mailer, periodic
        from matchmaker.services import offer_deadlines

        jobs.start(app)  # marks runs a crash or restart cut off as interrupted
        mailer.start(app)
        # Offers not answered in time lapse, also those that fell due while the server was down.
        periodic.start(
            app,
            offer_deadlines.TASK,
            lambda: periodic.Periodic(
                offer_deadlines.TASK,
                lambda: offer_deadlines.sweep(app.state.engine),
                offer_deadlines.SWEEP_SECONDS,
            ),
        )
        try:
            yield
        finally:
            periodic.stop(app, offer_deadlines.TASK)
            mailer.stop(app)
            jobs.stop(app)
        if engine is None:
            app.state.engine.dispose()

    app = FastAPI(
        title="matchmaker",
        summary="Fair, explained matchmaking of SMEs to trade missions, fairs and delegations.",
        version="0.1.0",
        lifespan=lifespan,
        # The schema and its documentation pages are for developers, not the public.
        openapi_url=None if settings.is_production else "/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine or create_db_engine(
        settings.database_url, lock_timeout=settings.db_lock_timeout
    )
    upgrade_to_head(app.state.engine)

    # Outermost last: headers go on every answer, including the guards' refusals.
    uploads: list = []  # the routes that take files, known once the routers are included
    app.add_middleware(BodyGuard, error=_refusal, file_routes=uploads)
    app.add_middleware(LanguageMiddleware)  # the guards' refusals are in the user's language
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.host_names())
    app.add_middleware(SecurityHeaders)
    declare_guard_answers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router, documented in _routers():
        app.include_router(router, include_in_schema=documented)
    uploads.extend(file_routes(app.routes))

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": "log in or send a bearer token"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(SeeOther)
    async def sent_on(request: Request, error: SeeOther) -> Response:
        return see_other(error.url)

    @app.exception_handler(DataError)
    async def out_of_range(request: Request, error: DataError) -> Response:
        # A path id beyond the column's range (PostgreSQL refuses to compare it) names no object.
        if _wants_json(request):
            return JSONResponse({"detail": "not found"}, status_code=404)
        return _error_page(request, 404, gettext("There is no such page or object."))

    @app.exception_handler(OverflowError)
    async def beyond_sqlite(request: Request, error: OverflowError) -> Response:
        # The same on SQLite: its driver cannot even bind an id beyond 64 bits.
        if "SQLite INTEGER" not in str(error):
            raise error
        return await out_of_range(request, error)  # type: ignore[arg-type]

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def database_busy(request: Request, error: Exception) -> Response:
        # A lock or a connection not had within the lock timeout: the transaction was rolled
        # back (the session closed before this handler runs), so the client may simply retry.
        if not is_contention(error):
            raise error
        headers = {"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)}
        if _wants_json(request):
            return JSONResponse({"detail": BUSY_MESSAGE}, status_code=503, headers=headers)
        # The user the request had found belongs to the session just rolled back and closed;
        # the page's navigation looks it up again, or shows none while the pool is exhausted.
        from matchmaker.web.rendering import page_user

        if hasattr(request.state, "user"):
            del request.state.user
        try:
            page_user(request)
        except (OperationalError, PoolTimeout) as again:
            if not is_contention(again):
                raise
            request.state.user = None
        page = _error_page(request, 503, str(BUSY_PAGE_MESSAGE))
        page.headers.update(headers)
        return page

    @app.exception_handler(ServiceError)
    async def refused(request: Request, error: ServiceError) -> Response:
        # The one place a service's refusal becomes an answer: its status, its message,
        # and for invalid input every problem with its path.
        if not _wants_json(request):
            page = _error_page(request, error.status, str(error))
            page.headers.update(error.headers)
            return page
        if isinstance(error, Invalid):
            return JSONResponse(
                {"detail": _locations(error), "problems": error.lines()},
                status_code=error.status,
                headers=error.headers,
            )
        return JSONResponse({"detail": str(error)}, status_code=error.status, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        problems = _problem_paths(error)
        if _wants_json(request):
            return JSONResponse(
                {"detail": jsonable_encoder(error.errors()), "problems": problems}, status_code=422
            )
        return _error_page(request, 422, "; ".join(_problem_paths(error, translated=True)))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if _wants_json(request) and error.status_code == 400:
            # FastAPI's answer to a body it cannot decode (not JSON, not UTF-8): invalid
            # input like any other, so the API's 422 with its problem list.
            problem = {
                "loc": ["body"],
                "msg": "the body is not readable JSON",
                "type": "json_invalid",
            }
            return JSONResponse(
                {"detail": [problem], "problems": [f"body: {problem['msg']}"]}, status_code=422
            )
        if _wants_json(request):
            return JSONResponse(
                {"detail": error.detail},
                status_code=error.status_code,
                headers=getattr(error, "headers", None),
            )
        return _error_page(request, error.status_code, str(error.detail))

    return app


def _refusal(request: Request, status_code: int, message: str, problems: list[str]) -> Response:
    """The answer of a request the guards refuse before any route sees it."""
    if _wants_json(request):
        if not problems:
            return JSONResponse({"detail": message}, status_code=status_code)
        # Invalid input answers like FastAPI's own 422: each problem with its location.
        detail = []
        for line in problems:
            path, _, text = line.partition(": ")
            detail.append({"loc": ["body", path], "msg": text, "type": "value_error"})
        return JSONResponse({"detail": detail, "problems": problems}, status_code=status_code)
    return _error_page(request, status_code, message)


def _error_page(request: Request, status_code: int, message: str) -> Response:
    from matchmaker.web.rendering import render

    return render(
        request,
        "error.html",
        status_code=status_code,
        title=str(_TITLES.get(status_code) or gettext("Something went wrong")),
        message=message,
    )
