"""Small answers every audience's pages share: a redirect after a post, a file download."""

from __future__ import annotations

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
