"""Service functions (keyword-only, `*, session, ...`): the only layer that writes and commits."""

from __future__ import annotations


class ServiceError(Exception):
    """A request the service refuses; the API and pages turn it into one error shape."""


class NotFound(ServiceError, LookupError):
    """The object does not exist (or is not visible to the one asking)."""

    def __init__(self, kind: str, identifier: object):
        self.kind = kind
        self.identifier = identifier
        super().__init__(f"{kind} {identifier!r} not found")
