"""Small answers every audience's pages share: a redirect after a post (or raised by a
page's dependency), the notice a page shows after a change, a file download."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Depends
from fastapi.responses import RedirectResponse, Response


def see_other(url: str) -> RedirectResponse:
    """The answer to a form post that worked: read the page at `url` (303)."""
    return RedirectResponse(url, status_code=303)


def download(content: bytes | str, media_type: str, filename: str) -> Response:
    """A file to save under `filename`."""
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


class SeeOther(Exception):
    """Raised where a page cannot be shown yet (in a dependency): the browser is sent on to
    `url` instead (303; the handler is in main.py)."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def notices(words: Mapping[str, str]) -> Any:
    """A dependency for a page's `notice` query parameter: the words it stands for in
    `words` (none for an unknown or missing notice)."""

    def notice(notice: str | None = None) -> str | None:
        return words.get(notice or "")

    return Depends(notice)
