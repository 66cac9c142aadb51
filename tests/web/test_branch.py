"""The branch organisation journey over HTTP: offer national missions in an organiser's round,
edit them with optimistic locking, see who was placed; other organisations' missions are 404."""

from __future__ import annotations

from fastapi import FastAPI
from sqlmodel import Session, select

from matchmaker.models import Application, Firm, Mission, PlacementStatus, RoundStatus
from tests.web.clients import Clients, post_form
from tests.web.test_organiser_builders import (
    add_run,
    import_round,
    organisation_of,
    scenario,
    set_status,
)

DELEGATION = {
    "external_id": "N-WIND",
    "title": "Offshore wind delegation Hull",
    "kind": "business",
    "format": "branch_delegation",
    "scope": "regional",  # ignored: a branch organisation's mission is national
    "organiser": "Holland Home of Wind Energy",
    "country": "GB",
    "start_date": "2027-03-16",
    "end_date": "2027-03-19",
    "capacity": "2",
    "min_participants": "0",
    "sectors": ["energy", "water"],
    "slipstream_max": "",
    "sector_max": "",
    "subsidy_eur": "1500",
}
API_DELEGATION = {
    "title": "Water delegation Chennai",
    "kind": "promotional",
    "format": "branch_delegation",
    "organiser": "Netherlands Water Partnership",
    "country": "IN",
    "start_date": "2027-02-08",
    "end_date": "2027-02-12",
    "capacity": 3,
    "sectors": ["water"],
}


def open_round(clients: Clients, app: FastAPI) -> str:
    """An open round of the organiser's that invites branch missions (by its API)."""
    round_id = import_round(app, clients.organiser, scenario())
    set_status(app, round_id, RoundStatus.open)
    invited = clients.organiser.post(
        f"/api/organiser/rounds/{round_id}/branch-missions", json={"invite": True}
    )
    assert invited.status_code == 200 and invited.json()["invites_branch_missions"] is True
    return round_id


def stored(app: FastAPI, pk: int) -> Mission:
    with Session(app.state.engine) as session:
        mission = session.get(Mission, pk)
        assert mission is not None
        session.expunge(mission)
        return mission


def apply(app: FastAPI, round_id: str, pk: int, kvk: str, rank: int) -> None:
    with Session(app.state.engine) as session:
        firm = session.exec(select(Firm).where(Firm.kvk == kvk)).one()
        session.add(Application(round_id=round_id, firm_id=firm.id, mission_id=pk, rank=rank))
        session.commit()


def test_a_branch_organisation_offers_a_national_mission(clients: Clients, app: FastAPI) -> None:
    branch = clients.new("branch_org", organisation="Holland Home of Wind Energy NL")
    round_id = open_round(clients, app)
    home = branch.get("/branch")
    assert home.status_code == 200
    assert f'href="/branch/rounds/{round_id}/missions/new"' in home.text

    form = branch.get(f"/branch/rounds/{round_id}/missions/new")
    assert form.status_code == 200
    assert "Places offered to this region" in form.text
    assert 'name="scope"' not in form.text

    response = post_form(branch, f"/branch/rounds/{round_id}/missions", DELEGATION)
    assert response.status_code == 303, response.text
    pk = int(response.headers["location"].split("/")[3])
    mission = stored(app, pk)
    assert (mission.scope, mission.format, mission.capacity) == ("national", "branch_delegation", 2)
    assert mission.owner_organisation_id == organisation_of(branch)
    assert mission.sectors == ["energy", "water"]
    assert "Offshore wind delegation Hull" in branch.get("/branch").text

    # The organiser sees it in the round, offered by the branch organisation.
    round_page = clients.organiser.get(f"/organiser/rounds/{round_id}").text
    assert "Offshore wind delegation Hull" in round_page
    assert "Holland Home of Wind Energy NL" in round_page  # the owning organisation


def test_branch_mission_values_are_checked_by_field(clients: Clients, app: FastAPI) -> None:
    round_id = open_round(clients, app)
    bad = {**DELEGATION, "country": "UK", "capacity": "-1", "sectors": ["energy"]}
    response = post_form(clients.branch_org, f"/branch/rounds/{round_id}/missions", bad)
    assert response.status_code == 422
    assert 'id="country-error">&#39;UK&#39; is not an ISO 3166-1 alpha-2 code' in response.text
    assert 'id="capacity-error">must be 0 or more, got -1' in response.text
    api = clients.branch_org.post(
        f"/api/branch/rounds/{round_id}/missions", json={**API_DELEGATION, "scope": "regional"}
    )
    assert api.status_code == 422
    assert any(p.startswith("scope: ") for p in api.json()["problems"])


def test_a_branch_organisation_edits_its_mission_with_the_version(
    clients: Clients, app: FastAPI
) -> None:
    branch = clients.branch_org
    round_id = open_round(clients, app)
    pk = int(
        post_form(branch, f"/branch/rounds/{round_id}/missions", DELEGATION)
        .headers["location"]
        .split("/")[3]
    )
    page = branch.get(f"/branch/missions/{pk}")
    assert 'name="version" value="1"' in page.text

    edit = {key: value for key, value in DELEGATION.items() if key != "external_id"}
    saved = post_form(branch, f"/branch/missions/{pk}", {**edit, "capacity": "4", "version": "1"})
    assert saved.status_code == 303
    assert (stored(app, pk).capacity, stored(app, pk).version) == (4, 2)
    stale = post_form(branch, f"/branch/missions/{pk}", {**edit, "capacity": "1", "version": "1"})
    assert stale.status_code == 409
    assert "changed by someone else since you opened it" in stale.text
    assert stored(app, pk).capacity == 4

    api = branch.patch(f"/api/branch/missions/{pk}", json={"version": 2, "capacity": 5})
    assert api.status_code == 200 and api.json()["scope"] == "national"
    late = branch.patch(f"/api/branch/missions/{pk}", json={"version": 2, "capacity": 6})
    assert late.status_code == 409
    assert stored(app, pk).capacity == 5


def test_another_organisations_mission_answers_404(clients: Clients, app: FastAPI) -> None:
    round_id = open_round(clients, app)
    pk = clients.branch_org.post(
        f"/api/branch/rounds/{round_id}/missions", json=API_DELEGATION
    ).json()["id"]
    organiser_mission = clients.organiser.get(f"/api/organiser/rounds/{round_id}/missions").json()[
        0
    ]["id"]
    other = clients.new("branch_org", organisation="FME")
    for mission in (pk, organiser_mission):
        assert other.get(f"/branch/missions/{mission}").status_code == 404
        assert other.get(f"/branch/missions/{mission}/placed").status_code == 404
        assert other.get(f"/api/branch/missions/{mission}").status_code == 404
        assert other.get(f"/api/branch/missions/{mission}/placements").status_code == 404
        assert (
            other.patch(f"/api/branch/missions/{mission}", json={"version": 1, "capacity": 0})
        ).status_code == 404
        assert (
            post_form(other, f"/branch/missions/{mission}", {**DELEGATION, "version": "1"})
        ).status_code == 404
    assert other.get("/api/branch/missions").json() == []
    assert "Water delegation Chennai" not in other.get("/branch").text
    assert stored(app, pk).capacity == 3


def test_only_open_rounds_that_invite_them_take_branch_missions(
    clients: Clients, app: FastAPI
) -> None:
    """The issue: a branch organisation listed every organisation's draft rounds. Now it
    sees open rounds that invite branch missions, and no other."""
    branch, organiser = clients.branch_org, clients.organiser
    draft = import_round(app, organiser, scenario("draft-invited", kvk_offset=500))
    invite = {"invite": True}
    assert organiser.post(f"/api/organiser/rounds/{draft}/branch-missions", json=invite).is_success
    uninvited = import_round(app, organiser, scenario("open-uninvited", kvk_offset=600))
    set_status(app, uninvited, RoundStatus.open)
    round_id = open_round(clients, app)
    pk = branch.post(f"/api/branch/rounds/{round_id}/missions", json=API_DELEGATION).json()["id"]
    assert [r["id"] for r in branch.get("/api/branch/rounds").json()] == [round_id]
    listed = branch.get("/branch").text
    assert draft not in listed and uninvited not in listed
    for hidden in (draft, uninvited):
        assert branch.get(f"/branch/rounds/{hidden}/missions/new").status_code == 404
        refused = branch.post(f"/api/branch/rounds/{hidden}/missions", json=API_DELEGATION)
        assert refused.status_code == 404
    # The organiser stops inviting: the round is gone from the branch's list.
    stop = {"invite": False}
    assert organiser.post(f"/api/organiser/rounds/{round_id}/branch-missions", json=stop).is_success
    assert branch.get("/api/branch/rounds").json() == []
    again = organiser.post(f"/api/organiser/rounds/{round_id}/branch-missions", json=invite)
    assert again.is_success

    set_status(app, round_id, RoundStatus.closed)
    assert branch.get("/api/branch/rounds").json() == []
    assert branch.get(f"/branch/rounds/{round_id}/missions/new").status_code == 404
    refused = branch.post(f"/api/branch/rounds/{round_id}/missions", json=API_DELEGATION)
    assert refused.status_code == 404
    change = branch.patch(f"/api/branch/missions/{pk}", json={"version": 1, "capacity": 9})
    assert change.status_code == 409
    assert "only while it is draft or open" in change.json()["detail"]
    assert (
        branch.post("/api/branch/rounds/nowhere/missions", json=API_DELEGATION).status_code == 404
    )


def test_the_branch_organisation_sees_who_was_placed_once_published(
    clients: Clients, app: FastAPI
) -> None:
    branch = clients.branch_org
    round_id = open_round(clients, app)
    created = branch.post(
        f"/api/branch/rounds/{round_id}/missions",
        json={**API_DELEGATION, "external_id": "N-WATER"},
    ).json()
    pk = created["id"]
    apply(app, round_id, pk, "10000001", 3)  # Aqua Noord BV, water
    apply(app, round_id, pk, "10000004", 2)  # Wind & Water Friesland, water
    apply(app, round_id, pk, "10000002", 2)  # an energy firm: sector mismatch
    add_run(
        app,
        round_id,
        {
            ("F1", "N-WATER"): {"status": PlacementStatus.placed, "score": 1030},
            ("F4", "N-WATER"): {"status": PlacementStatus.accepted, "score": 1060},
            ("F2", "N-WATER"): {"status": PlacementStatus.unplaced, "reason": "sector_mismatch"},
        },
    )

    before = branch.get(f"/branch/missions/{pk}/placed")
    assert before.status_code == 200
    assert "has not published the results" in before.text
    assert "Aqua Noord" not in before.text
    assert branch.get(f"/api/branch/missions/{pk}/placements").json()["placed"] == []

    set_status(app, round_id, RoundStatus.published)
    page = branch.get(f"/branch/missions/{pk}/placed").text
    assert "2 of 3 places taken" in page
    assert "Aqua Noord BV" in page and "Wind &amp; Water Friesland" in page
    assert "accepted the place" in page and "Fryslân" in page
    assert "HYPERLINK" not in page  # unplaced applications stay with the organiser
    api = branch.get(f"/api/branch/missions/{pk}/placements").json()
    assert api["published"] is True
    assert [(p["firm_name"], p["status"]) for p in api["placed"]] == [
        ("Wind & Water Friesland", "accepted"),
        ("Aqua Noord BV", "placed"),
    ]
    assert branch.get(f"/api/branch/missions/{pk}").json()["external_id"] == "N-WATER"
    assert [m["id"] for m in branch.get("/api/branch/missions").json()] == [pk]
