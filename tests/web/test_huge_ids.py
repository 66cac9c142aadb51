"""An id beyond the database's integer range names no object: 404, never a server error."""

from __future__ import annotations

import re

from tests.web.test_access_matrix import app_routes

HUGE = "3000000000"


def test_every_get_route_answers_a_huge_id_without_a_server_error(app, clients) -> None:
    organiser, sme, branch = clients.organiser, clients.sme, clients.branch_org
    for method, path in sorted(app_routes(app)):
        if method != "GET" or "{" not in path:
            continue
        url = re.sub(r"\{[^}]*id\}", HUGE, path)
        url = re.sub(r"\{[^}]+\}", "x", url)
        for client in (organiser, sme, branch):
            response = client.get(url, follow_redirects=False)
            assert response.status_code < 500, (path, response.status_code)
