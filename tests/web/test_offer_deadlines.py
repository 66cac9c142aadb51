"""Answer-by dates of offered places: the round's answer days, the date on the firm's page and
e-mail, a reminder a day before, and the lapse to the next firm on the waiting list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlmodel import Session, col, select

from matchmaker import i18n, times
from matchmaker.models import AuditLog, OutboxMessage, Placement, PlacementStatus
from matchmaker.models.common import utcnow
from matchmaker.services import mail_texts, offer_deadlines
from tests.web.clients import Clients, post_form
from tests.web.test_placements import published_round
from tests.web.test_runs_support import placement_of, runner  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("runner")


def _kinds(app: FastAPI) -> list[str]:
    with Session(app.state.engine) as session:
        return list(session.exec(select(OutboxMessage.kind).order_by(col(OutboxMessage.id))).all())


def _reload(app: FastAPI, placement_id: int) -> Placement:
    with Session(app.state.engine) as session:
        placement = session.get(Placement, placement_id)
        assert placement is not None
        session.expunge(placement)
        return placement


def test_an_offer_is_answered_by_the_end_of_the_fifth_day_in_amsterdam(
    clients: Clients, app: FastAPI
) -> None:
    before = utcnow()
    run_id = published_round(app, clients)
    mine = placement_of(app, run_id, "F1")
    assert mine.status == PlacementStatus.offered and mine.answer_by is not None
    assert mine.answer_by == times.end_of_day_after(before, 5) or mine.answer_by == (
        times.end_of_day_after(utcnow(), 5)  # published just after midnight
    )
    local = mine.answer_by.astimezone(times.AMSTERDAM)
    assert (local.hour, local.minute) == (23, 59)

    page = clients.sme.get(f"/sme/placements/{mine.id}")
    assert "Please answer by " + times.amsterdam_time(mine.answer_by) in page.text
    shown = clients.sme.get(f"/api/sme/placements/{mine.id}").json()
    assert shown["answer_by"] is not None
    # The offer e-mails name the date, in Dutch to a Dutch reader and in English to others.
    bodies = {}
    for language in ("nl", "en"):
        with i18n.language(language):
            _subject, bodies[language] = mail_texts.render(
                "place_offered",
                mission="Hamburg",
                dates="2027-01-10",
                answer_by=mail_texts.moment(mine.answer_by),
            )
    assert times.amsterdam_time_nl(mine.answer_by) in bodies["nl"]
    assert times.amsterdam_time(mine.answer_by) in bodies["en"]
    assert " om 23:59" in bodies["nl"] and " at 23:59" in bodies["en"]


def test_the_organiser_sets_the_answer_days_and_bad_values_name_the_field(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    published_round(app, clients)
    for bad in (0, 61, "vijf"):
        refused = organiser.put("/api/organiser/rounds/R1/answer-days", json={"answer_days": bad})
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"][-1] == "answer_days"
    page = post_form(organiser, "/organiser/rounds/R1/answer-days", {"answer_days": "-3"})
    assert page.status_code == 422 and "Answer days: -3 is not a whole number" in page.text
    page = post_form(organiser, "/organiser/rounds/R1/answer-days", {"answer_days": "90"})
    assert page.status_code == 422
    assert "Answer days: must be a whole number of days from 1 to 60" in page.text
    changed = organiser.put("/api/organiser/rounds/R1/answer-days", json={"answer_days": 2})
    assert changed.status_code == 200 and changed.json()["answer_days"] == 2
    form = post_form(organiser, "/organiser/rounds/R1/answer-days", {"answer_days": "3"})
    assert form.status_code == 303
    assert "3 days to accept or decline" in organiser.get("/organiser/rounds/R1").text
    with Session(app.state.engine) as session:
        rows = session.exec(select(AuditLog).where(AuditLog.action == "round.answer_days")).all()
        assert [(r.before, r.after) for r in rows] == [
            ({"answer_days": 5}, {"answer_days": 2}),
            ({"answer_days": 2}, {"answer_days": 3}),
        ]

    other = clients.new("organiser", organisation="Exportclub Drenthe")
    peer = other.put("/api/organiser/rounds/R1/answer-days", json={"answer_days": 9})
    assert peer.status_code == 404
    assert (
        post_form(other, "/organiser/rounds/R1/answer-days", {"answer_days": "9"}).status_code
        == 404
    )


def test_an_unanswered_offer_is_reminded_once_then_lapses_to_the_next_firm(
    clients: Clients, app: FastAPI
) -> None:
    run_id = published_round(app, clients)
    mine = placement_of(app, run_id, "F1")
    assert mine.answer_by is not None
    engine = app.state.engine

    # Three days before: nothing due.
    assert offer_deadlines.sweep(engine, mine.answer_by - timedelta(days=3)).reminded == 0
    # Twelve hours before: one reminder, and only one however often the job runs.
    day_before = mine.answer_by - timedelta(hours=12)
    assert offer_deadlines.sweep(engine, day_before).reminded >= 1
    assert offer_deadlines.sweep(engine, day_before).reminded == 0
    assert _kinds(app).count("placement.lapsing") == 1  # only F1 has an owner to mail
    assert _reload(app, mine.id or 0).reminded_at is not None

    # A minute after the date: the offer lapses and the best waiting firm (F3) is offered it.
    late = mine.answer_by + timedelta(minutes=1)
    swept = offer_deadlines.sweep(engine, late)
    assert swept.lapsed == 2  # F1's and F2's offers (both unanswered)
    lapsed = _reload(app, mine.id or 0)
    assert (lapsed.status, lapsed.reason) == (PlacementStatus.declined, "lapsed")
    next_up = placement_of(app, run_id, "F3")
    assert next_up.status == PlacementStatus.offered
    assert next_up.answer_by == times.end_of_day_after(late, 5)
    assert placement_of(app, run_id, "F4").status == PlacementStatus.offered
    assert "placement.lapsed" in _kinds(app)
    with Session(engine) as session:
        entry = session.exec(
            select(AuditLog).where(
                AuditLog.action == "placement.lapse", AuditLog.object_id == str(mine.id)
            )
        ).one()
        assert entry.actor_user_id is None and entry.before == {"status": "offered"}
        assert entry.after is not None and next_up.id in entry.after["offers"]

    page = clients.sme.get(f"/sme/placements/{mine.id}")
    assert "Offer lapsed" in page.text and "Accept the place" not in page.text
    refused = post_form(clients.sme, f"/sme/placements/{mine.id}/accept")
    assert refused.status_code == 409
    # Running again changes nothing: the new offers are not due yet.
    assert offer_deadlines.sweep(engine, late).lapsed == 0


def test_an_answered_offer_never_lapses(clients: Clients, app: FastAPI) -> None:
    run_id = published_round(app, clients)
    mine = placement_of(app, run_id, "F1")
    assert post_form(clients.sme, f"/sme/placements/{mine.id}/accept").status_code == 303
    assert mine.answer_by is not None
    offer_deadlines.sweep(app.state.engine, mine.answer_by + timedelta(days=1))
    assert _reload(app, mine.id or 0).status == PlacementStatus.accepted
    assert "placement.lapsed" not in _kinds(app)


def test_the_organisers_waiting_list_is_per_mission_with_positions(
    clients: Clients, app: FastAPI
) -> None:
    run_id = published_round(app, clients)
    page = clients.organiser.get(f"/organiser/runs/{run_id}")
    assert "Waiting list per mission" in page.text
    # Ties in score are broken by the published lottery, its seed shown with the run.
    run = clients.organiser.get(f"/api/runs/{run_id}").json()
    assert f"by a published draw with seed {run['seed']}" in page.text
    waiting = page.text.split('id="waiting-heading"')[1].split("Roster per mission")[0]
    # F3, F4, F5 in score order, numbered 1..3; the firms holding a place are not listed.
    names = [f"F{n}" for n in (3, 4, 5)]
    positions = [waiting.find(f'value="{i}"') for i in (1, 2, 3)]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert "would swap" not in waiting
    for held in ("F1", "F2"):
        assert f"#placement-{placement_of(app, run_id, held).id}" not in waiting
    for name in names:
        assert f"#placement-{placement_of(app, run_id, name).id}" in waiting
