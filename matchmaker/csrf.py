"""CSRF tokens bound to the browser's session: a keyed hash of its session or pre-login cookie."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping

SESSION_COOKIE = "mm_session"
# Before login a browser has no session: it gets a random nonce in this cookie, and the
# token of its forms (the login and registration forms, an invitation) is bound to that.
NONCE_COOKIE = "mm_csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def binding(cookies: Mapping[str, str]) -> tuple[str, str] | None:
    """What this browser's token is bound to: its session cookie, else its nonce cookie."""
    session = cookies.get(SESSION_COOKIE)
    if session:
        return "session", session
    nonce = cookies.get(NONCE_COOKIE)
    if nonce:
        return "browser", nonce
    return None


def token_for(secret: str, kind: str, value: str) -> str:
    """The token of one session or nonce: HMAC-SHA256 under the service's secret key.

    Nobody without the key can make the token of a cookie, so a cookie planted in the
    browser (a sibling subdomain can set one) comes with no field or header that fits it.
    """
    digest = hmac.new(secret.encode(), f"csrf:{kind}:{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_of(secret: str, cookies: Mapping[str, str]) -> str | None:
    """The token this browser's forms carry, or None when it has no cookie to bind to yet."""
    bound = binding(cookies)
    return token_for(secret, *bound) if bound is not None else None


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def matches(secret: str, cookies: Mapping[str, str], sent: object) -> bool:
    """Whether `sent` (a form field or header) is this browser's token."""
    expected = token_of(secret, cookies)
    return (
        expected is not None
        and isinstance(sent, str)
        and secrets.compare_digest(sent.encode(), expected.encode())
    )
