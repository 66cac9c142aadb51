"""Every page a person can open reads in Dutch: each GET page of the app, filled with its
owner's ids in a seeded world, is asked in Dutch, and no piece of its text reads as English
(two or more words that occur only in English). Text marked `lang="en"` and what the world's
data itself holds (names typed by organisers and firms) do not count."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi import FastAPI

from tests.fuzzing import World
from tests.web.test_access_matrix import app_routes
from tests.web.test_schema_fuzzing import world  # noqa: F401  (fixture)
from tests.web.test_tenant_pages import FIXED, PREFIX

# Words of English that Dutch does not use (so "in", "is", "of", "die" are left out).
ENGLISH = {
    "the", "your", "and", "with", "this", "are", "not", "has", "have", "will", "you",
    "from", "been", "which", "there", "their", "what", "when", "should", "would", "please",
    "must", "yet", "none", "here", "only", "who", "its", "that", "these", "those", "can",
    "for", "into", "after", "before", "about", "each", "every", "was", "were",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z']+")
DUTCH = {"Accept-Language": "nl"}


class _Text(HTMLParser):
    """The text nodes of a page a reader sees, outside script, style and lang="en"."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        hidden = tag in ("script", "style") or dict(attrs).get("lang") == "en"
        if hidden or (self._skip and tag == self._skip[-1]):
            self._skip.append(tag)
        for name, value in attrs:
            if name in ("placeholder", "aria-label", "title", "alt") and value and not self._skip:
                self.nodes.append(value)

    def handle_endtag(self, tag: str) -> None:
        if self._skip and tag == self._skip[-1]:
            self._skip.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.nodes.append(" ".join(data.split()))


def english_in(page: str, data_words: set[str]) -> list[str]:
    parser = _Text()
    parser.feed(page)
    found = []
    for node in parser.nodes:
        words = {w.lower() for w in WORD.findall(node)} - data_words
        if len(words & ENGLISH) >= 2:
            found.append(node)
    return found


def _pages(app: FastAPI, seeded: World) -> list[tuple[str, str]]:
    """(who, url) of every GET page, with each identity's own ids."""
    who = seeded.identities
    pages = []
    for method, path in sorted(app_routes(app)):
        if method != "GET" or path.startswith(("/api", "/docs", "/redoc", "/openapi", "/static")):
            continue
        for name, identity in who.items():
            if not path.startswith(PREFIX.get(identity.role, "/")) and path.startswith(
                tuple(PREFIX.values())
            ):
                continue
            names = re.findall(r"\{([^}]+)\}", path)
            url = path
            for part in names:
                values = FIXED.get(part) or sorted(identity.ids.get(part.removesuffix("_id"), ()))
                if not values:
                    break
                url = url.replace("{" + part + "}", str(values[0]), 1)
            else:
                pages.append((name, url))
    return pages


def test_every_page_reads_in_dutch(app: FastAPI, world: World) -> None:  # noqa: F811
    data_words = {
        w.lower() for i in world.identities.values() for m in i.markers for w in WORD.findall(m)
    }
    failures = []
    asked = 0
    for name, url in _pages(app, world):
        response = world.clients[name].get(url, headers=DUTCH, follow_redirects=False)
        if response.status_code != 200 or "text/html" not in response.headers["content-type"]:
            continue
        asked += 1
        assert '<html lang="nl">' in response.text, url
        for text in english_in(response.text, data_words):
            failures.append(f"{name} {url}: {text[:160]}")
    assert asked > 30, f"only {asked} pages answered"
    assert not failures, f"{len(failures)} English texts on Dutch pages:\n" + "\n".join(
        sorted(set(failures))
    )
