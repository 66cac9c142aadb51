"""The waiting list: a freed place goes to the best eligible waiting application by re-solving
with every current placement locked, atomically, never past a mission's capacity, even when
withdrawals and offers arrive at the same moment (with a control run that shows the tests
would see an overbooking)."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from matchmaker.models import (
    Application,
    AuditLog,
    BusinessCase,
    MatchingRun,
    Mission,
    Placement,
    RoundFirm,
)
from matchmaker.services import placements as placement_service
from matchmaker.services import runs as run_service
from tests import builders as b
from tests.web.clients import Clients, post_form
from tests.web.test_runs_support import (
    holding_per_mission,
    import_round,
    link_firm,
    placement_of,
    run_round,
    runner,  # noqa: F401  (fixture)
    standings,
    waiting_round,
)

pytestmark = pytest.mark.usefixtures("runner")


def publish(app: FastAPI, organiser: TestClient, document: dict[str, Any]) -> int:
    round_id = import_round(app, document, organiser)
    run = run_round(app, organiser, round_id)
    assert run["state"] == "succeeded"
    assert organiser.post(f"/api/runs/{run['id']}/publish").status_code == 200
    return run["id"]


def test_freed_places_go_down_the_waiting_list_in_score_order(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    run_id = publish(app, organiser, waiting_round(capacity=2, applicants=5))
    f1 = placement_of(app, run_id, "F1")
    link_firm(app, clients.sme, "R1", "F1")

    declined = post_form(clients.sme, f"/sme/placements/{f1.id}/decline")
    assert declined.status_code == 303
    after = standings(app, run_id)
    assert after[("F1", "M1")] == "declined"
    assert after[("F3", "M1")] == "offered"  # 1090 points, the best waiting
    assert holding_per_mission(app, run_id) == {"M1": 2}

    f3 = placement_of(app, run_id, "F3")
    answered = organiser.post(f"/api/placements/{f3.id}/withdraw")  # recorded for the firm
    assert answered.status_code == 200
    assert answered.json()["offers"] == [placement_of(app, run_id, "F4").id]
    after = standings(app, run_id)
    assert after[("F3", "M1")] == "withdrawn" and after[("F4", "M1")] == "offered"
    assert after[("F1", "M1")] == "declined"  # who said no never comes back on

    f2 = placement_of(app, run_id, "F2")
    f4 = placement_of(app, run_id, "F4")
    assert organiser.post(f"/api/placements/{f4.id}/withdraw").status_code == 200
    assert organiser.post(f"/api/placements/{f2.id}/withdraw").status_code == 200
    after = standings(app, run_id)
    assert after[("F5", "M1")] == "offered"
    assert holding_per_mission(app, run_id) == {"M1": 1}  # nobody left to offer the other place

    with Session(app.state.engine) as session:
        answers = session.exec(
            select(AuditLog)
            .where(col(AuditLog.action).in_(["placement.decline", "placement.withdraw"]))
            .order_by(col(AuditLog.id))
        ).all()
    assert [a.action for a in answers] == ["placement.decline"] + ["placement.withdraw"] * 3
    assert all(a.after and len(a.after["resolve"]["snapshot_sha256"]) == 64 for a in answers)
    assert [len(a.after["offers"]) for a in answers if a.after] == [1, 1, 1, 0]

    page = organiser.get(f"/organiser/runs/{run_id}")
    assert page.status_code == 200
    assert "declined" in page.text and "withdrawn" in page.text


def test_an_offer_needs_room_next_to_every_current_placement(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    run_id = publish(app, organiser, waiting_round(capacity=2, applicants=4))
    f4 = placement_of(app, run_id, "F4")
    refused = organiser.post(f"/api/placements/{f4.id}/offer")
    assert refused.status_code == 409
    assert "no room" in refused.json()["detail"]
    page = post_form(organiser, f"/organiser/placements/{f4.id}/offer")
    assert page.status_code == 409 and "no room" in page.text
    assert standings(app, run_id)[("F4", "M1")] == "unplaced"
    f1 = placement_of(app, run_id, "F1")
    assert organiser.post(f"/api/placements/{f1.id}/offer").status_code == 409  # not waiting


def business_round(waiting: int) -> dict[str, Any]:
    """A business mission with two places: F1 and F2 bring verified cases and get them; the
    W firms' cases are not verified yet, so when F1 declines nobody can take its place."""
    verified = [b.firm(f"F{n}", cases=[b.case("BC1")]) for n in (1, 2)]
    unverified = [
        b.firm(f"W{n}", cases=[b.case("BC1", verified=False)]) for n in range(1, waiting + 1)
    ]
    firms = verified + unverified
    return b.round_doc(
        missions=[b.mission("M1", kind="business", capacity=2)],
        firms=firms,
        applications=[b.application(f["id"], "M1", business_case="BC1") for f in firms],
    )


def one_free_place(app: FastAPI, organiser: TestClient, waiting: int) -> int:
    """A published round with one free place and `waiting` applications, each eligible for it
    on its own: F1 declined when nobody could follow, then the W cases were verified."""
    run_id = publish(app, organiser, business_round(waiting))
    f1 = placement_of(app, run_id, "F1")
    freed = organiser.post(f"/api/placements/{f1.id}/withdraw")
    assert freed.status_code == 200 and freed.json()["offers"] == []
    with Session(app.state.engine) as session:
        for case in session.exec(select(BusinessCase).where(BusinessCase.verified == False)):  # noqa: E712
            case.verified = True
            session.add(case)
        session.commit()
    assert holding_per_mission(app, run_id) == {"M1": 1}
    return run_id


def offer_all_at_once(
    app: FastAPI, clients: Clients, run_id: int, waiting: int, accepting: TestClient
) -> Counter[int]:
    """Offer the free place to every waiting application while F2 accepts, all at once."""
    organiser = clients.organiser
    targets = [placement_of(app, run_id, f"W{n}").id for n in range(1, waiting + 1)]
    f2 = placement_of(app, run_id, "F2").id

    def offer(placement_id: int) -> int:
        return organiser.post(f"/api/placements/{placement_id}/offer").status_code

    def accept() -> int:
        return accepting.post(f"/api/sme/placements/{f2}/accept").status_code

    with ThreadPoolExecutor(max_workers=waiting + 1) as pool:
        futures = [pool.submit(offer, t) for t in targets] + [pool.submit(accept)]
        return Counter(f.result() for f in futures)


def slowed_solve(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Make each re-solve take a while, so the requests overlap for certain."""
    solve = placement_service._solve

    def slow(*args: Any) -> Any:
        time.sleep(seconds)
        return solve(*args)

    monkeypatch.setattr(placement_service, "_solve", slow)


WAITING = 10


def test_concurrent_offers_for_the_last_place_give_exactly_one(
    clients: Clients, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = one_free_place(app, clients.organiser, WAITING)
    link_firm(app, clients.sme, "R1", "F2")
    slowed_solve(monkeypatch, 0.05)
    codes = offer_all_at_once(app, clients, run_id, WAITING, clients.sme)
    assert codes == Counter({409: WAITING - 1, 200: 2})  # one offer, and F2's accept
    assert holding_per_mission(app, run_id) == {"M1": 2}
    assert standings(app, run_id)[("F2", "M1")] == "accepted"


def test_control_without_the_round_lock_the_same_requests_overbook(
    clients: Clients, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = one_free_place(app, clients.organiser, WAITING)
    link_firm(app, clients.sme, "R1", "F2")
    slowed_solve(monkeypatch, 0.3)
    without_the_round_lock(monkeypatch)
    codes = offer_all_at_once(app, clients, run_id, WAITING, clients.sme)
    assert set(codes) <= {200, 409}
    assert holding_per_mission(app, run_id)["M1"] > 2, "the race went unseen"


def without_the_round_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: read the round without its lock, and end the reading transaction once
    the change is planned, so others get in between the decision and the write."""
    lock_round, plan = run_service.lock_round, placement_service._plan

    def unlocked(session: Session, round_id: str, *, for_update: bool = True) -> Any:
        return lock_round(session, round_id, for_update=False)

    def plan_then_let_others_in(session: Session, *args: Any, **kwargs: Any) -> Any:
        planned = plan(session, *args, **kwargs)
        keep, session.expire_on_commit = session.expire_on_commit, False
        session.commit()
        session.expire_on_commit = keep
        return planned

    monkeypatch.setattr(run_service, "lock_round", unlocked)
    monkeypatch.setattr(placement_service, "_plan", plan_then_let_others_in)


def test_simultaneous_withdrawals_and_offers_never_pass_capacity(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    run_id = publish(app, organiser, waiting_round(capacity=3, applicants=10))
    holders = [placement_of(app, run_id, f"F{n}").id for n in (1, 2, 3)]
    waiting = [placement_of(app, run_id, f"F{n}").id for n in range(4, 11)]
    assert holding_per_mission(app, run_id) == {"M1": 3}

    def call(url: str) -> int:
        return organiser.post(url).status_code

    urls = [f"/api/placements/{p}/withdraw" for p in holders]
    urls += [f"/api/placements/{p}/offer" for p in waiting]
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        codes = Counter(pool.map(call, urls))
    assert set(codes) <= {200, 409}
    assert codes[200] >= 3  # every withdrawal went through
    after = standings(app, run_id)
    assert holding_per_mission(app, run_id) == {"M1": 3}  # every freed place refilled, once
    assert [after[(f"F{n}", "M1")] for n in (1, 2, 3)] == ["withdrawn"] * 3
    assert after[("F4", "M1")] == "offered"  # the best waiting application got one


def test_a_freed_first_choice_goes_to_the_firm_holding_its_second_and_that_place_passes_on(
    clients: Clients, app: FastAPI
) -> None:
    # Reproduced from a user's report: M1 had 1 place; the placed firm declined; F2, whose
    # first choice M1 was and who held only an offer on its second choice M2, was not
    # offered M1 and the place stayed empty. Now F2 moves up and M2 passes on to F3.
    document = b.round_doc(
        missions=[
            b.mission("M1", capacity=1, start="2027-03-10"),
            b.mission("M2", capacity=1, start="2027-04-10"),
        ],
        firms=[b.firm("F1"), b.firm("F2", history=1), b.firm("F3", history=3)],
        applications=[
            b.application("F1", "M1", 1),
            b.application("F2", "M1", 1),
            b.application("F2", "M2", 2),
            b.application("F3", "M2", 3),  # its third choice: it scores below F2 there
        ],
        max_places_per_firm=1,
    )
    organiser = clients.organiser
    run_id = publish(app, organiser, document)
    assert standings(app, run_id) == {
        ("F1", "M1"): "offered",
        ("F2", "M1"): "unplaced",
        ("F2", "M2"): "offered",
        ("F3", "M2"): "unplaced",
    }
    f2 = clients.new("sme", "f2")
    link_firm(app, f2, "R1", "F2")
    f2_m1 = placement_id_of(app, run_id, "F2", "M1")
    f2_m2 = placement_id_of(app, run_id, "F2", "M2")
    # F2 sees its position: first in line for M1 (it would give back its offer on M2).
    assert "On the waiting list: number 1" in f2.get(f"/sme/placements/{f2_m1}").text

    f1 = placement_of(app, run_id, "F1")
    link_firm(app, clients.sme, "R1", "F1")
    assert post_form(clients.sme, f"/sme/placements/{f1.id}/decline").status_code == 303
    given_back = f2.get(f"/sme/placements/{f2_m2}").text
    assert "Not placed" in given_back and "waiting list" not in given_back
    assert standings(app, run_id) == {
        ("F1", "M1"): "declined",
        ("F2", "M1"): "offered",  # moved up to its first choice
        ("F2", "M2"): "unplaced",  # given back, and not waiting: it holds a better place
        ("F3", "M2"): "offered",  # the place passed on
    }
    assert holding_per_mission(app, run_id) == {"M1": 1, "M2": 1}
    # F2 reads both decisions about it: the better place offered, the other one given back.
    decided = [d["what"]["en"] for d in f2.get("/api/sme/decisions").json()["decisions"]]
    assert decided[:2] == [
        "Offer given back: a place on a higher choice was offered",
        "Place offered from the waiting list",
    ]


def placement_id_of(app: FastAPI, run_id: int, firm: str, mission: str) -> int:
    """The id of the run's placement of (firm, mission), by their ids in the round."""
    with Session(app.state.engine) as session:
        run = session.get(MatchingRun, run_id)
        assert run is not None
        found = session.exec(
            select(Placement.id)
            .join(Application, col(Application.id) == col(Placement.application_id))
            .join(Mission, col(Mission.id) == col(Application.mission_id))
            .join(RoundFirm, col(RoundFirm.firm_id) == col(Application.firm_id))
            .where(
                Placement.run_id == run_id,
                RoundFirm.round_id == run.round_id,
                RoundFirm.external_id == firm,
                Mission.external_id == mission,
            )
        ).one()
        assert found is not None
        return found
