"""Closing a round and publishing a roster or a meeting day's agendas take two steps on the
pages: the first shows what will happen and changes nothing, the second (confirm=yes) does it."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlmodel import Session, func, select

from matchmaker.models import MeetingDay, OutboxMessage, Round, RoundStatus
from tests.web.clients import Clients, post_form
from tests.web.test_meetings import add_partners, partner_ids, published_mission, schedule
from tests.web.test_meetings import set_up_day as set_up_meeting_day
from tests.web.test_organiser_rounds import audit_actions
from tests.web.test_runs_support import (
    import_round,
    link_firm,
    run_round,
    runner,  # noqa: F401  (fixture)
    waiting_round,
)

pytestmark = pytest.mark.usefixtures("runner")
YES = {"confirm": "yes"}


def round_status(app: FastAPI, round_id: str) -> RoundStatus:
    with Session(app.state.engine) as session:
        round_row = session.get(Round, round_id)
        assert round_row is not None
        return RoundStatus(round_row.status)


def mails(app: FastAPI, kind: str) -> int:
    with Session(app.state.engine) as session:
        return session.exec(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind)
        ).one()


def test_closing_a_round_asks_first_and_changes_nothing_until_confirmed(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(), organiser, status=RoundStatus.open)
    url = f"/organiser/rounds/{round_id}"
    assert f'action="{url}/close/confirm"' in organiser.get(url).text

    page = organiser.get(f"{url}/close/confirm")
    assert page.status_code == 200
    assert "you can re-open the round for applications until a roster is published" in page.text
    assert "Yes, close the round" in page.text and f'action="{url}/close"' in page.text
    assert 'name="confirm" value="yes"' in page.text and 'name="csrf_token"' in page.text
    assert f'href="{url}"' in page.text, "a way back"
    # A post without the confirmation shows the same question.
    asked = post_form(organiser, f"{url}/close")
    assert asked.status_code == 200 and "Yes, close the round" in asked.text
    unsure = post_form(organiser, f"{url}/close", {"confirm": "maybe"})
    assert unsure.status_code == 200 and "Yes, close the round" in unsure.text
    assert round_status(app, round_id) == RoundStatus.open
    assert "round.close" not in audit_actions(app, round_id)

    closed = post_form(organiser, f"{url}/close", YES)
    assert closed.status_code == 303 and closed.headers["location"] == url
    assert round_status(app, round_id) == RoundStatus.closed
    assert audit_actions(app, round_id).count("round.close") == 1


def test_publishing_a_roster_asks_first_and_mails_nobody_until_confirmed(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(), organiser)
    link_firm(app, clients.sme, round_id, "F1")
    run = run_round(app, organiser, round_id)
    run_url = f"/organiser/runs/{run['id']}"
    assert f'action="{run_url}/publish/confirm"' in organiser.get(run_url).text

    page = organiser.get(f"{run_url}/publish/confirm")
    assert page.status_code == 200
    assert "publishing cannot be undone" in page.text and "e-mail" in page.text
    assert "Yes, publish the roster" in page.text and f'href="{run_url}"' in page.text
    asked = post_form(organiser, f"{run_url}/publish")
    assert asked.status_code == 200 and "Yes, publish the roster" in asked.text
    assert round_status(app, round_id) == RoundStatus.closed
    assert mails(app, "result.published") == 0
    assert "round.publish" not in audit_actions(app, round_id)

    published = post_form(organiser, f"{run_url}/publish", YES)
    assert published.status_code == 303
    assert round_status(app, round_id) == RoundStatus.published
    assert mails(app, "result.published") == 1, "F1's owner is told"
    assert audit_actions(app, round_id).count("round.publish") == 1


def test_publishing_the_agendas_asks_first_and_changes_nothing_until_confirmed(
    clients: Clients, app: FastAPI
) -> None:
    s = published_mission(app, clients)
    set_up_meeting_day(s, tables="1")
    add_partners(s, "Kofi")
    added = s.organiser.post(
        f"{s.api}/requests", json={"firm_id": s.firms["F1"], "partner_id": partner_ids(app)["Kofi"]}
    )
    assert added.status_code == 201, added.text
    schedule(s)
    assert f'action="{s.day}/publish/confirm"' in s.organiser.get(s.day).text

    page = s.organiser.get(f"{s.day}/publish/confirm")
    assert page.status_code == 200
    assert "publishing the agendas cannot be undone" in page.text
    assert "Yes, publish the agendas" in page.text and f'href="{s.day}"' in page.text
    assert post_form(s.organiser, f"{s.day}/publish").status_code == 200
    assert s.organiser.get(s.api).json()["status"] == "scheduled"

    assert post_form(s.organiser, f"{s.day}/publish", YES).status_code == 303
    assert s.organiser.get(s.api).json()["status"] == "published"


def test_another_organisation_reaches_no_confirmation(clients: Clients, app: FastAPI) -> None:
    s = published_mission(app, clients)
    set_up_meeting_day(s)
    open_id = import_round(app, waiting_round("R-OPEN"), s.organiser, status=RoundStatus.open)
    stranger = clients.new("organiser", "organiser-other", organisation="Export Club Drenthe")
    for url in (
        f"/organiser/rounds/{open_id}/close",
        f"/organiser/runs/{s.run_id}/publish",
        f"{s.day}/publish",
    ):
        assert stranger.get(f"{url}/confirm").status_code == 404, url
        assert post_form(stranger, url).status_code == 404, url
        assert post_form(stranger, url, YES).status_code == 404, url
    assert round_status(app, open_id) == RoundStatus.open
    with Session(app.state.engine) as session:
        day = session.exec(select(MeetingDay).where(MeetingDay.mission_id == s.mission_id)).one()
        assert day.status == "draft"
