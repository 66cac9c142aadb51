"""Publishing records which run it published: firms, exports, branch organisations and the
dashboard keep showing that run's roster, whatever other runs of the round exist."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from matchmaker.models import (
    Application,
    AuditLog,
    MatchingRun,
    Placement,
    PlacementStatus,
    Round,
    RoundFirm,
    RunState,
)
from tests.web.clients import Clients
from tests.web.test_runs_support import (
    import_round,
    link_firm,
    placement_of,
    run_round,
    runner,  # noqa: F401  (fixture)
    waiting_round,
)
from tests.web.test_sme_firm import bearer

pytestmark = pytest.mark.usefixtures("runner")


def newer_run_placing(app: FastAPI, round_id: str, firm_key: str) -> int:
    """A succeeded run of the round, newer than any other, that places only `firm_key` (a
    roster the organiser did not publish)."""
    with Session(app.state.engine) as session:
        run = MatchingRun(
            round_id=round_id,
            state=RunState.succeeded,
            input_snapshot={},
            snapshot_sha256="0" * 64,
            ortools_version="test",
        )
        session.add(run)
        session.flush()
        for application, key in session.exec(
            select(Application, RoundFirm.external_id)
            .join(RoundFirm, RoundFirm.firm_id == Application.firm_id)
            .where(Application.round_id == round_id, RoundFirm.round_id == round_id)
        ):
            placed = key == firm_key
            session.add(
                Placement(
                    run_id=run.id or 0,
                    application_id=application.id or 0,
                    status=PlacementStatus.offered if placed else PlacementStatus.unplaced,
                    score=1 if placed else None,
                    reason=None if placed else "outranked",
                )
            )
        session.commit()
        assert run.id is not None
        return run.id


def test_people_see_the_published_run_not_a_newer_one(app: FastAPI, clients: Clients) -> None:
    organiser = clients.organiser
    headers = bearer(organiser)
    round_id = import_round(app, waiting_round(capacity=1, applicants=3), organiser)
    published = run_round(app, organiser, round_id)["id"]
    assert placement_of(app, published, "F1").status == PlacementStatus.placed

    response = organiser.post(f"/api/runs/{published}/publish", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["published_run_id"] == published
    with Session(app.state.engine) as session:
        round_row = session.get(Round, round_id)
        assert round_row is not None and round_row.published_run_id == published
        [audit] = session.exec(select(AuditLog).where(AuditLog.action == "round.publish")).all()
        assert audit.after["run"] == published  # type: ignore[index]

    # Another succeeded run turns up (nothing publishes it): it changes nothing people see.
    other = newer_run_placing(app, round_id, "F2")
    sme = clients.sme
    link_firm(app, sme, round_id, "F1")
    [result] = [a["result"] for a in sme.get("/api/sme/applications").json()]
    assert result["status"] == "offered"
    assert result["placement_id"] == placement_of(app, published, "F1").id
    assert [p["id"] for p in sme.get("/api/sme/placements").json()] == [result["placement_id"]]

    mission = organiser.get(f"/api/organiser/rounds/{round_id}/missions", headers=headers).json()
    roster_url = f"/organiser/rounds/{round_id}/missions/{mission[0]['id']}/roster.csv"
    rows = list(csv.DictReader(io.StringIO(organiser.get(roster_url).content.decode("utf-8-sig"))))
    assert {r["Firm id"]: r["Status"] for r in rows}["F1"] == "offered"
    assert [r["Firm id"] for r in rows if r["Status"] == "offered"] == ["F1"]

    assert (
        "Published: the placements are offers" in organiser.get(f"/organiser/runs/{published}").text
    )
    assert (
        "Published: the placements are offers" not in organiser.get(f"/organiser/runs/{other}").text
    )

    # The firm answers the offer of the published run; the other run's offer is no offer.
    accepted = sme.post(f"/api/sme/placements/{result['placement_id']}/accept")
    assert accepted.status_code == 200, accepted.text
    link_firm(app, sme, round_id, "F2")
    stray = placement_of(app, other, "F2").id
    refused = sme.post(f"/api/sme/placements/{stray}/accept")
    assert refused.status_code == 409
    assert "only placements of a published roster can change" in refused.text
