"""Organiser missions and fairs over HTTP: every SPEC field, field-named errors, and optimistic
locking so a save based on an old version never overwrites someone else's change."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from matchmaker.models import AuditLog, Mission, MissionUpdate, RoundStatus, User
from matchmaker.services import missions as mission_service
from tests.web.clients import Clients, post_form
from tests.web.test_organiser_builders import import_round, mission_id, scenario, set_status

FORM = {
    "external_id": "M-BRE",
    "title": "Energy fair Bremen",
    "kind": "business",
    "format": "trade_fair",
    "scope": "regional",
    "organiser": "Exportclub Groningen",
    "country": "de",
    "start_date": "2027-09-14",
    "end_date": "2027-09-16",
    "capacity": "6",
    "min_participants": "3",
    "sectors": ["energy", "water"],
    "slipstream_max": "",
    "sector_max": "4",
    "region_min_GR": "1",
    "region_min_DR": "2",
    "region_min_FR": "",
    "subsidy_eur": "1800",
}
API_BODY = {
    "external_id": "M-API",
    "title": "Water mission Aarhus",
    "kind": "promotional",
    "format": "trade_mission",
    "scope": "regional",
    "organiser": "KvK Noord",
    "country": "DK",
    "start_date": "2027-10-04",
    "end_date": "2027-10-06",
    "capacity": 5,
    "min_participants": 0,
    "sectors": [],
    "slipstream_max": 2,
    "sector_max": None,
    "region_min": {"FR": 1},
    "subsidy_eur": 900,
}


def stored(app: FastAPI, pk: int) -> Mission:
    with Session(app.state.engine) as session:
        mission = session.get(Mission, pk)
        assert mission is not None
        session.expunge(mission)
        return mission


def test_an_organiser_adds_a_mission_with_every_field(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    round_id = import_round(app, organiser, scenario())
    form = organiser.get(f"/organiser/rounds/{round_id}/missions/new")
    assert form.status_code == 200
    assert 'name="region_min_GR"' in form.text and 'value="water"' in form.text

    response = post_form(organiser, f"/organiser/rounds/{round_id}/missions", FORM)
    assert response.status_code == 303, response.text
    mission = stored(app, mission_id(app, round_id, "M-BRE"))
    assert (mission.title, mission.kind, mission.format, mission.scope) == (
        "Energy fair Bremen",
        "business",
        "trade_fair",
        "regional",
    )
    assert (mission.organiser, mission.country) == ("Exportclub Groningen", "DE")
    assert (mission.start_date.isoformat(), mission.end_date.isoformat()) == (
        "2027-09-14",
        "2027-09-16",
    )
    assert (mission.capacity, mission.min_participants) == (6, 3)
    assert mission.sectors == ["energy", "water"]
    assert (mission.slipstream_max, mission.sector_max) == (None, 4)
    assert mission.region_min == {"GR": 1, "DR": 2}
    assert (mission.subsidy_eur, mission.version) == (1800, 1)
    assert "Energy fair Bremen" in organiser.get(f"/organiser/rounds/{round_id}").text

    exported = organiser.get(f"/api/organiser/rounds/{round_id}/scenario").json()
    assert exported["missions"][-1] == {
        "id": "M-BRE",
        "title": "Energy fair Bremen",
        "kind": "business",
        "format": "trade_fair",
        "scope": "regional",
        "organiser": "Exportclub Groningen",
        "country": "DE",
        "start": "2027-09-14",
        "end": "2027-09-16",
        "capacity": 6,
        "min_participants": 3,
        "sectors": ["energy", "water"],
        "slipstream_max": None,
        "sector_max": 4,
        "region_min": {"GR": 1, "DR": 2},
        "subsidy_eur": 1800,
    }


def test_a_blank_mission_id_gets_the_next_free_one(clients: Clients, app: FastAPI) -> None:
    round_id = import_round(app, clients.organiser, scenario())
    form = {**FORM, "external_id": ""}
    assert (
        post_form(clients.organiser, f"/organiser/rounds/{round_id}/missions", form).status_code
        == 303
    )
    assert mission_id(app, round_id, "M003")


def test_bad_mission_values_are_named_by_field(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    round_id = import_round(app, organiser, scenario())
    bad = {
        **FORM,
        "external_id": "M-HAM",
        "title": " ",
        "country": "XX",
        "start_date": "2027-09-16",
        "end_date": "2027-09-14",
        "capacity": "2",
        "min_participants": "3",
        "sector_max": "four",
        "region_min_DR": "-1",
    }
    response = post_form(organiser, f"/organiser/rounds/{round_id}/missions", bad)
    assert response.status_code == 422
    text = response.text
    assert 'id="external_id-error">the round has a mission &#39;M-HAM&#39; already' in text
    assert 'id="title-error">must not be empty' in text
    assert 'id="country-error">&#39;XX&#39; is not an ISO 3166-1 alpha-2 code' in text
    assert 'id="end_date-error">2027-09-14 is before the start 2027-09-16' in text
    assert 'id="min_participants-error">3 is more than the capacity 2' in text
    assert 'id="sector_max-error">&#39;four&#39; is not a whole number' in text
    assert "must be 0 or more, got -1" in text
    assert 'value="four"' in text  # the form keeps what was typed
    with Session(app.state.engine) as session:
        assert len(session.exec(select(Mission)).all()) == 2

    api = organiser.post(
        f"/api/organiser/rounds/{round_id}/missions",
        json={**API_BODY, "sectors": ["water", "textiles"], "region_min": {"ZZ": 1}},
    )
    assert api.status_code == 422
    problems = api.json()["problems"]
    assert "sectors[1]: 'textiles' is not a sector of the round" in problems
    assert any(p.startswith("region_min.ZZ: is not a region of the round") for p in problems)


def test_an_edit_saves_and_bumps_the_version(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    round_id = import_round(app, organiser, scenario())
    pk = mission_id(app, round_id, "M-HAM")
    page = organiser.get(f"/organiser/rounds/{round_id}/missions/{pk}")
    assert page.status_code == 200
    assert 'name="version" value="1"' in page.text
    assert 'value="Water business mission Hamburg"' in page.text

    changed = {**FORM, "title": "Water mission Hamburg and Bremen", "version": "1"}
    changed.pop("external_id")
    response = post_form(organiser, f"/organiser/rounds/{round_id}/missions/{pk}", changed)
    assert response.status_code == 303, response.text
    mission = stored(app, pk)
    assert (mission.title, mission.version, mission.capacity) == (
        "Water mission Hamburg and Bremen",
        2,
        6,
    )
    assert mission.external_id == "M-HAM"
    with Session(app.state.engine) as session:
        entry = session.exec(
            select(AuditLog).where(
                AuditLog.action == "mission.update", AuditLog.object_id == str(pk)
            )
        ).one()
        assert entry.before["version"] == 1 and entry.after["version"] == 2
        assert entry.after["title"] == "Water mission Hamburg and Bremen"


def test_a_save_based_on_an_old_version_is_refused_not_overwritten(
    clients: Clients, app: FastAPI
) -> None:
    first = clients.organiser
    round_id = import_round(app, first, scenario())
    pk = mission_id(app, round_id, "M-HAM")
    url = f"/organiser/rounds/{round_id}/missions/{pk}"
    base = {key: value for key, value in FORM.items() if key != "external_id"}

    # Both open the form at version 1; the first saves, then the second.
    assert post_form(first, url, {**base, "capacity": "8", "version": "1"}).status_code == 303
    late = post_form(first, url, {**base, "capacity": "3", "title": "Mine", "version": "1"})
    assert late.status_code == 409
    assert "changed by someone else since you opened it" in late.text
    assert "Your changes, not saved" in late.text
    assert 'name="version" value="2"' in late.text  # the form now shows the current mission
    mission = stored(app, pk)
    assert (mission.capacity, mission.version, mission.title) == (8, 2, "Energy fair Bremen")

    api = first.patch(
        f"/api/organiser/rounds/{round_id}/missions/{pk}", json={"version": 1, "capacity": 1}
    )
    assert api.status_code == 409
    assert "changed by someone else since you opened it" in api.json()["detail"]
    assert stored(app, pk).capacity == 8


def test_the_api_creates_gets_lists_and_patches_missions(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    round_id = import_round(app, organiser, scenario())
    created = organiser.post(f"/api/organiser/rounds/{round_id}/missions", json=API_BODY)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["external_id"], body["version"], body["region_min"]) == ("M-API", 1, {"FR": 1})
    pk = body["id"]
    assert organiser.get(f"/api/organiser/rounds/{round_id}/missions/{pk}").json() == body
    listed = organiser.get(f"/api/organiser/rounds/{round_id}/missions").json()
    assert [m["external_id"] for m in listed] == ["M-HAM", "M-GDA", "M-API"]

    patched = organiser.patch(
        f"/api/organiser/rounds/{round_id}/missions/{pk}",
        json={"version": 1, "slipstream_max": None, "capacity": 7},
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["slipstream_max"], patched.json()["capacity"]) == (None, 7)
    assert patched.json()["version"] == 2

    invalid = organiser.patch(
        f"/api/organiser/rounds/{round_id}/missions/{pk}",
        json={"version": 2, "min_participants": 9},
    )
    assert invalid.status_code == 422
    assert invalid.json()["problems"] == ["min_participants: 9 is more than the capacity 7"]
    no_version = organiser.patch(f"/api/organiser/rounds/{round_id}/missions/{pk}", json={})
    assert no_version.status_code == 422
    assert any(p.startswith("version: ") for p in no_version.json()["problems"])


def test_a_published_round_keeps_its_missions(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    round_id = import_round(app, organiser, scenario())
    pk = mission_id(app, round_id, "M-HAM")
    set_status(app, round_id, RoundStatus.published)
    response = organiser.patch(
        f"/api/organiser/rounds/{round_id}/missions/{pk}", json={"version": 1, "capacity": 9}
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "the round is published; its missions can no longer change"
    form = post_form(organiser, f"/organiser/rounds/{round_id}/missions", FORM)
    assert form.status_code == 409
    assert "its missions can no longer change" in form.text


def test_another_organisations_missions_answer_404(clients: Clients, app: FastAPI) -> None:
    round_id = import_round(app, clients.organiser, scenario())
    pk = mission_id(app, round_id, "M-HAM")
    other = clients.new("organiser", organisation="Exportclub Drenthe")
    own_round = import_round(app, other, scenario("other-round", kvk_offset=100))
    assert other.get(f"/organiser/rounds/{round_id}/missions/{pk}").status_code == 404
    assert other.get(f"/api/organiser/rounds/{round_id}/missions/{pk}").status_code == 404
    # Not through a round of its own either.
    assert other.get(f"/organiser/rounds/{own_round}/missions/{pk}").status_code == 404
    assert (
        other.patch(
            f"/api/organiser/rounds/{own_round}/missions/{pk}", json={"version": 1, "capacity": 0}
        ).status_code
        == 404
    )
    base = {key: value for key, value in FORM.items() if key != "external_id"}
    assert (
        post_form(
            other, f"/organiser/rounds/{round_id}/missions/{pk}", {**base, "version": "1"}
        ).status_code
        == 404
    )
    assert stored(app, pk).capacity == 2


def test_the_version_check_holds_when_both_editors_read_before_either_saved(
    clients: Clients, app: FastAPI
) -> None:
    """Both read version 1; the second UPDATE finds version 2 and changes nothing."""
    round_id = import_round(app, clients.organiser, scenario())
    pk = mission_id(app, round_id, "M-HAM")
    with Session(app.state.engine) as session:
        user = session.exec(select(User).where(User.email == clients.organiser.email)).one()  # type: ignore[attr-defined]
        session.expunge(user)
    with (
        Session(app.state.engine, expire_on_commit=False) as first,
        Session(app.state.engine, expire_on_commit=False) as second,
    ):
        # Both read version 1 and keep it in memory, outside any transaction.
        mine = first.get(Mission, pk)
        first.commit()
        theirs = second.get(Mission, pk)
        second.commit()
        assert mine is not None and theirs is not None
        mission_service.update_mission(
            session=first, actor=user, mission=mine, changes=MissionUpdate(version=1, capacity=7)
        )
        first.commit()  # end the read that refreshed the saved mission (SQLite has one writer)
        with pytest.raises(mission_service.Stale) as refused:
            mission_service.update_mission(
                session=second,
                actor=user,
                mission=theirs,
                changes=MissionUpdate(version=1, capacity=1),
            )
        assert refused.value.current_version == 2
    assert (stored(app, pk).capacity, stored(app, pk).version) == (7, 2)
    with Session(app.state.engine) as session:
        updates = session.exec(select(AuditLog).where(AuditLog.action == "mission.update")).all()
        assert len(updates) == 1
