"""Every page route with an id, from the app's own route list, asked by a peer of each role
(the other organiser, SME, branch organisation) for the other tenant's objects: 404, and no
write; the owner's own objects answer. (The JSON API's routes are probed the same way by the
schema fuzzing test, tests/web/test_schema_fuzzing.py.)"""

from __future__ import annotations

import re
from itertools import product
from typing import Any

from fastapi import FastAPI
from sqlmodel import Session, func, select

from matchmaker.models import AuditLog
from tests.fuzzing import World
from tests.web.clients import csrf
from tests.web.test_access_matrix import app_routes
from tests.web.test_schema_fuzzing import world  # noqa: F401  (fixture)

# Path parameters that are no tenant object's id, with the values to try.
FIXED = {"kind": ["partner"], "extension": ["csv"]}
# Page routes with an id that belong to no tenant: the public catalogue, the invitation and
# password reset links (their token is the secret), and the SME's preference form for an
# open round (rounds in the catalogue are public).
PUBLIC = {
    "/missions/{mission_id}",
    "/invitations/{token}",
    "/password/reset/{token}",
    "/sme/rounds/{round_id}/preferences",
}
# Who asks for whose objects (both ways round for each role).
PEERS = [
    ("sme_a", "sme_b"),
    ("sme_b", "sme_a"),
    ("organiser_a", "organiser_b"),
    ("organiser_b", "organiser_a"),
    ("branch", "branch_b"),
    ("branch_b", "branch"),
]
PREFIX = {"sme": "/sme", "organiser": "/organiser", "branch_org": "/branch"}


def audits(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        return session.exec(select(func.count()).select_from(AuditLog)).one()


def _urls(path: str, ids: dict[str, set[Any]]) -> list[str] | None:
    """The path filled with the owner's ids (every combination), or None when the owner has
    no object of a kind the path names."""
    names = re.findall(r"\{([^}]+)\}", path)
    choices = []
    for name in names:
        if name in FIXED:
            choices.append(FIXED[name])
            continue
        values = ids.get(name.removesuffix("_id"))
        if not values:
            return None
        choices.append(sorted(values))
    urls = []
    for combo in product(*choices):
        url = path
        for name, value in zip(names, combo, strict=True):
            url = url.replace("{" + name + "}", str(value), 1)
        urls.append(url)
    return urls


def test_a_peer_of_each_role_gets_404_for_every_page_with_an_id(
    app: FastAPI,
    world: World,  # noqa: F811
) -> None:
    who = world.identities
    for name, audience, role in (
        ("organiser_a", "organiser", "organiser"),
        ("organiser_b", "organiser", "organiser"),
        ("branch", "branch", "branch_org"),
        ("branch_b", "branch", "branch_org"),
    ):  # an invitation each, to probe revoking
        made = world.clients[name].post(
            f"/api/{audience}/invitations", json={"email": f"x-{name}@example.nl", "role": role}
        )
        assert made.status_code == 201, made.text
        who[name].ids["invitation"] = {made.json()["id"]}
    # The meeting day's participants are organiser A's partners; the firm's meeting requests
    # on its placement page are those organiser A made for it.
    who["organiser_a"].ids["participant"] = who["organiser_a"].ids["partner"]
    who["sme_a"].ids["request"] = who["organiser_a"].ids["request"]
    # Organiser A's world holds SME A's firm; A enters a mission outside matchmaker for it.
    who["organiser_a"].ids["firm"] = who["sme_a"].ids["firm"]
    (firm_id,) = who["sme_a"].ids["firm"]
    entry = world.clients["organiser_a"].post(
        f"/api/organiser/firms/{firm_id}/external-missions",
        json={"title": "Hannover Messe", "country": "DE", "mission_date": "2026-04-20"},
    )
    assert entry.status_code == 201, entry.text
    who["organiser_a"].ids["entry"] = {entry.json()["id"]}
    # Rounds are the organisers': to a branch organisation, a round that does not invite it
    # (organiser B's draft) is as much another's as a peer's mission.
    for name in ("branch", "branch_b"):
        who[name].ids["round"] = who["organiser_b"].ids["round"]
    routes = sorted(
        (method, path)
        for method, path in app_routes(app)
        if "{" in path and not path.startswith("/api") and path not in PUBLIC
    )
    failures: list[str] = []
    probed: dict[tuple[str, str], set[str]] = {}
    owner_answers = 0
    for (method, path), (asker, owner) in product(routes, PEERS):
        if not path.startswith(PREFIX[who[asker].role]):
            continue  # another role's page: the role check refuses it (test_access_matrix)
        urls = _urls(path, who[owner].ids)
        if urls is None:
            continue
        probed.setdefault((method, path), set()).add(asker)
        client = world.clients[asker]
        for url in urls:
            before = audits(app)
            if method == "GET":
                response = client.get(url, follow_redirects=False)
            else:
                response = client.post(
                    url, data={"csrf_token": csrf(client)}, follow_redirects=False
                )
            # A form missing its fields may be refused (422) before the object is looked up;
            # either way nothing of the owner's is shown or changed.
            allowed = (404,) if method == "GET" else (404, 422)
            if response.status_code not in allowed:
                failures.append(f"{asker} {method} {url}: {response.status_code}")
            if audits(app) != before:
                failures.append(f"{asker} {method} {url}: wrote an audit row")
        if method == "GET":
            mine = world.clients[owner]
            owner_answers += any(
                mine.get(u, follow_redirects=False).status_code < 400 for u in urls
            )
    assert failures == [], "\n".join(failures)
    # Every page route with an id was probed by a peer, so a new one cannot slip through.
    unprobed = [route for route in routes if route not in probed]
    assert unprobed == [], "\n".join(f"{m} {p}" for m, p in unprobed) + str(
        {n: sorted(i.ids) for n, i in world.identities.items()}
    )
    # The probes use real ids: the owners see their own objects on most of these pages.
    gets = sum(1 for method, _ in probed if method == "GET")
    assert owner_answers >= gets * 3 // 4, (owner_answers, gets)
    print(f"\npage IDOR probes: {len(probed)} routes, {len(PEERS)} peer pairs")
