"""Concurrent edits: two organisers saving the same mission (the second is refused with a
clear message, never a silent overwrite), and double submits that make one application."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from matchmaker.models import Application, AuditLog, Mission, User
from tests.web.clients import Clients, csrf, post_form
from tests.web.test_missions import open_round
from tests.web.test_organiser_builders import import_round, mission_id, scenario
from tests.web.test_organiser_missions import FORM
from tests.web.test_sme_firm import register_firm

EDIT = {key: value for key, value in FORM.items() if key != "external_id"}
STALE = "changed by someone else since you opened it"


def colleagues(app: FastAPI, clients: Clients) -> tuple[TestClient, TestClient]:
    """Two organisers of the same organisation, each logged in in their own browser."""
    first = clients.organiser
    second = clients.new("organiser", "colleague")
    with Session(app.state.engine) as session:
        one = session.exec(select(User).where(User.email == first.email)).one()  # type: ignore[attr-defined]
        two = session.exec(select(User).where(User.email == second.email)).one()  # type: ignore[attr-defined]
        two.organisation_id = one.organisation_id
        session.add(two)
        session.commit()
    return first, second


def mission(app: FastAPI, pk: int) -> Mission:
    with Session(app.state.engine) as session:
        found = session.get(Mission, pk)
        assert found is not None
        session.expunge(found)
        return found


def updates(app: FastAPI, pk: int) -> list[AuditLog]:
    with Session(app.state.engine) as session:
        return list(
            session.exec(
                select(AuditLog).where(
                    AuditLog.action == "mission.update", AuditLog.object_id == str(pk)
                )
            ).all()
        )


def test_the_second_organisers_save_is_refused_on_the_pages_and_the_api(
    app: FastAPI, clients: Clients
) -> None:
    alice, bob = colleagues(app, clients)
    round_id = import_round(app, alice, scenario())
    pk = mission_id(app, round_id, "M-HAM")
    page = f"/organiser/rounds/{round_id}/missions/{pk}"
    api = f"/api/organiser/rounds/{round_id}/missions/{pk}"

    # Both open the form at version 1; Alice saves first, then Bob.
    for person in (alice, bob):
        assert 'name="version" value="1"' in person.get(page).text
    assert post_form(alice, page, {**EDIT, "capacity": "8", "version": "1"}).status_code == 303
    refused = post_form(bob, page, {**EDIT, "capacity": "3", "title": "Bob's", "version": "1"})
    assert refused.status_code == 409
    assert STALE in refused.text
    assert "Your changes, not saved" in refused.text and "Bob&#39;s" in refused.text
    assert 'name="version" value="2"' in refused.text  # he now sees Alice's mission
    saved = mission(app, pk)
    assert (saved.capacity, saved.title, saved.version) == (8, "Energy fair Bremen", 2)

    # Over the API: both read version 2, Bob saves first this time.
    assert alice.get(api).json()["version"] == bob.get(api).json()["version"] == 2
    assert bob.patch(api, json={"version": 2, "capacity": 5}).status_code == 200
    late = alice.patch(api, json={"version": 2, "capacity": 1, "title": "Alice's"})
    assert late.status_code == 409
    assert STALE in late.json()["detail"]
    saved = mission(app, pk)
    assert (saved.capacity, saved.title, saved.version) == (5, "Energy fair Bremen", 3)

    # Across the two: a form opened at version 3 loses to an API save made meanwhile.
    assert 'name="version" value="3"' in alice.get(page).text
    assert bob.patch(api, json={"version": 3, "capacity": 6}).status_code == 200
    crossed = post_form(alice, page, {**EDIT, "capacity": "2", "version": "3"})
    assert crossed.status_code == 409 and STALE in crossed.text
    assert (mission(app, pk).capacity, mission(app, pk).version) == (6, 4)
    # Only the saves that happened are in the audit log, each with its versions.
    assert [(u.before["version"], u.after["version"]) for u in updates(app, pk)] == [
        (1, 2),
        (2, 3),
        (3, 4),
    ]


def _at_once(count: int, send: Callable[[int], int]) -> list[int]:
    """Run send(0..count-1) in threads released together; their status codes."""
    statuses: list[int] = []
    start = threading.Barrier(count)

    def run(index: int) -> None:
        start.wait()
        statuses.append(send(index))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_two_simultaneous_saves_of_the_same_version_make_one_change(
    app: FastAPI, clients: Clients
) -> None:
    alice, bob = colleagues(app, clients)
    round_id = import_round(app, alice, scenario())
    pk = mission_id(app, round_id, "M-HAM")
    page = f"/organiser/rounds/{round_id}/missions/{pk}"
    people = [alice, bob]
    tokens = [csrf(alice), csrf(bob)]

    def save(index: int) -> int:
        # Each thread its own client (no `with`: entering would run the app's lifespan).
        client = TestClient(app, base_url="https://testserver", cookies=people[index].cookies)
        fields = {**EDIT, "capacity": str(4 + index), "version": "1", "csrf_token": tokens[index]}
        return client.post(page, data=fields, follow_redirects=False).status_code

    assert _at_once(2, save) == [303, 409]
    saved = mission(app, pk)
    assert saved.version == 2 and saved.capacity in (4, 5)
    assert len(updates(app, pk)) == 1


def _applications(app: FastAPI, firm_id: int, mission_pk: int) -> int:
    with Session(app.state.engine) as session:
        return session.exec(
            select(func.count())
            .select_from(Application)
            .where(col(Application.firm_id) == firm_id, col(Application.mission_id) == mission_pk)
        ).one()


def test_a_simultaneous_double_submit_of_the_application_form_makes_one(
    app: FastAPI, clients: Clients
) -> None:
    ids = open_round(app)
    sme = clients.sme
    firm = register_firm(sme, region="GR", sector="water")
    token = csrf(sme)
    form: dict[str, Any] = {
        "mission_id": str(ids["M-FAIR-HANNOVER"]),
        "rank": "1",
        "csrf_token": token,
    }
    locations: list[str] = []

    def submit(_: int) -> int:
        client = TestClient(app, base_url="https://testserver", cookies=sme.cookies)
        response = client.post("/sme/applications", data=form, follow_redirects=False)
        locations.append(response.headers.get("location", ""))
        return response.status_code

    assert _at_once(3, submit) == [303, 303, 303]
    assert sorted(locations) == [
        "/sme/applications?notice=already_applied",
        "/sme/applications?notice=already_applied",
        "/sme/applications?notice=applied",
    ]
    assert _applications(app, firm["id"], ids["M-FAIR-HANNOVER"]) == 1
    # And one after the other (the browser's back button and submit again).
    again = post_form(sme, "/sme/applications", form)
    assert again.headers["location"] == "/sme/applications?notice=already_applied"
    api = sme.post("/api/sme/applications", json={"mission_id": ids["M-FAIR-HANNOVER"], "rank": 1})
    assert api.status_code == 200  # the existing application, not a new one
    assert _applications(app, firm["id"], ids["M-FAIR-HANNOVER"]) == 1
