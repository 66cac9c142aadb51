"""HTTP guards around the app: security headers, body size and type limits, clean text, and
the client's address behind trusted proxies."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matchmaker import text
from matchmaker.i18n import format_number, gettext

# A form or JSON body is a few kilobytes; 1 MiB leaves room and stops memory exhaustion.
MAX_BODY_BYTES = 1024 * 1024
# Scenario uploads may be as large as services.rounds.MAX_UPLOAD_BYTES (20 MiB) plus the
# multipart envelope around the file.
MAX_UPLOAD_BODY_BYTES = 21 * 1024 * 1024
# Routes that take a file (found in the app's routes, see file_routes) take multipart bodies
# up to this larger cap; every other form is urlencoded. The JSON scenario import too.
JSON_UPLOAD_PATHS = frozenset({"/api/organiser/rounds/import"})

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The interactive API docs (never served in production) load Swagger UI and ReDoc from
# their CDN and start them with an inline script; only those two pages get this policy.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
    "https://cdn.redoc.ly; worker-src blob:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})

SECURITY_HEADERS = {
    "strict-transport-security": "max-age=63072000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

ErrorResponder = Callable[[Request, int, str, list[str]], Response]


class SecurityHeaders:
    """Adds the security headers to every response, errors and static files included;
    everything but static files is `Cache-Control: no-store` (pages show personal data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                headers["content-security-policy"] = (
                    DOCS_CONTENT_SECURITY_POLICY if path in DOCS_PATHS else CONTENT_SECURITY_POLICY
                )
                if not path.startswith("/static/"):
                    headers["cache-control"] = "no-store"
                    headers["pragma"] = "no-cache"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(Exception):
    pass


class BodyGuard:
    """Checks a request body before the app sees it.

    - More than the route's cap (Content-Length or counted while it streams in, so chunked
      bodies are held to it too): 413, and the rest is never read.
    - A body of the wrong type: 415 (JSON on /api, urlencoded forms on pages, multipart only
      where a file is uploaded).
    - Every text value of a JSON or urlencoded body (keys too) is NFC-normalised with
      invisible marks dropped; NUL and other control characters, bidirectional overrides and
      over-long values are refused with 422 naming the field.
    """

    def __init__(
        self, app: ASGIApp, *, error: ErrorResponder, file_routes: list[re.Pattern[str]]
    ) -> None:
        self.app = app
        self.error = error
        self.file_routes = file_routes  # filled in once the app's routes are known

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        headers = Headers(scope=scope)
        takes_file = any(pattern.match(path) for pattern in self.file_routes)
        limit = MAX_UPLOAD_BODY_BYTES if takes_file or path in JSON_UPLOAD_PATHS else MAX_BODY_BYTES

        async def refuse(status: int, message: str, problems: list[str] | None = None) -> None:
            response = self.error(Request(scope), status, message, problems or [])
            await response(scope, receive, send)

        declared = headers.get("content-length")
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                await refuse(400, gettext("the Content-Length header is not a number"))
                return
            if too_large:
                await refuse(413, _too_large(limit))
                return
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        try:
            body = await _read_body(receive, limit)
        except _TooLarge:
            await refuse(413, _too_large(limit))
            return
        except _Disconnected:
            return

        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if body:
            expected = _expected_types(path, takes_file)
            if not _type_fits(media_type, expected):
                await refuse(
                    415,
                    gettext(
                        "send the body as %(expected)s, not %(sent)s",
                        expected=f" {gettext('or')} ".join(expected),
                        sent=media_type or gettext("untyped"),
                    ),
                )
                return
            body, problems = _cleaned(body, media_type)
            if problems:
                await refuse(422, "; ".join(problems), problems)
                return
        scope = dict(scope)
        if body is not None:
            raw = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-length"]
            scope["headers"] = [*raw, (b"content-length", str(len(body)).encode())]
        await self.app(scope, _replay(body, receive), send)


def _too_large(limit: int) -> str:
    return gettext("the request body is larger than %(limit)s bytes", limit=format_number(limit))


class _Disconnected(Exception):
    pass


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Callable[[], Awaitable[Message]]:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _expected_types(path: str, takes_file: bool) -> tuple[str, ...]:
    if takes_file:
        return FORM_TYPES
    if path.startswith("/api/"):
        return ("application/json",)
    return ("application/x-www-form-urlencoded",)


def file_routes(routes: Iterable[Any]) -> list[re.Pattern[str]]:
    """The path patterns of the routes that take an uploaded file (multipart bodies)."""
    from fastapi import params
    from fastapi.routing import APIRoute

    patterns = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            patterns.extend(file_routes(inner.routes))
        elif isinstance(route, APIRoute) and any(
            isinstance(field.field_info, params.File) for field in route.dependant.body_params
        ):
            patterns.append(route.path_regex)
    return patterns


def _type_fits(media_type: str, expected: Iterable[str]) -> bool:
    if media_type in expected:
        return True
    # application/merge-patch+json, application/problem+json, ... are JSON as well
    return "application/json" in expected and media_type.endswith("+json")


def _cleaned(body: bytes, media_type: str) -> tuple[bytes, list[str]]:
    """The body with its text cleaned, or the problems; bodies that do not parse are left to
    the route (which answers 422 with its own message)."""
    if media_type == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(
                body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, errors="strict"
            )
        except (UnicodeDecodeError, ValueError):
            return body, ["(form): " + gettext("is not UTF-8 text")]
        problems: list[str] = []
        cleaned: list[tuple[str, str]] = []
        for key, value in pairs:
            try:
                name = text.clean(key, maximum=200)
            except text.TextError as error:
                problems.append(f"(field name): {error}")
                continue
            try:
                cleaned.append((name, text.clean(value)))
            except text.TextError as error:
                problems.append(f"{name}: {error}")
        if problems:
            return body, problems
        return urlencode(cleaned).encode("ascii"), []
    if media_type == "application/json" or media_type.endswith("+json"):
        try:
            document = json.loads(body)
        except (ValueError, RecursionError):
            return body, []
        document, problems = text.clean_tree(document)
        if problems:
            return body, problems
        return json.dumps(document, ensure_ascii=False).encode("utf-8"), []
    return body, []


# --------------------------------------------------------------------------- client address


def client_address(request: Request, trusted_proxies: Iterable[str]) -> str:
    """The address of the client: the peer, unless the peer is a configured proxy, then the
    nearest address in X-Forwarded-For that is not a trusted proxy.

    A client cannot choose its address by sending X-Forwarded-For itself: the header is only
    read when the connection comes from a trusted proxy.
    """
    peer = request.client.host if request.client else "unknown"
    networks = [_network(p) for p in trusted_proxies]
    networks = [n for n in networks if n is not None]
    if not networks or not _in(peer, networks):
        return peer
    forwarded = [
        part.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for part in header.split(",")
        if part.strip()
    ]
    for address in reversed(forwarded):
        if not _in(address, networks):
            return address
    return forwarded[0] if forwarded else peer


def _network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None


def _in(address: str, networks: list) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


# --------------------------------------------------------------------------- schema


def declare_guard_answers(app: Any) -> None:
    """Add the guards' answers (413, 415) to every API operation that takes a body, and the
    busy database's 503 to every operation, so the OpenAPI schema lists every status the API
    can give."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        error = {
            "application/json": {
                "schema": {"type": "object", "properties": {"detail": {"type": "string"}}}
            }
        }
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if not isinstance(operation, dict):
                    continue
                operation.setdefault("responses", {}).setdefault(
                    "503",
                    {
                        "description": "The database was too busy; nothing was saved, retry "
                        "after the seconds in Retry-After",
                        "content": error,
                        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                    },
                )
                if "requestBody" in operation:
                    answers = operation.setdefault("responses", {})
                    answers.setdefault(
                        "413", {"description": "The body is larger than allowed", "content": error}
                    )
                    answers.setdefault(
                        "415", {"description": "The body is not JSON", "content": error}
                    )
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
