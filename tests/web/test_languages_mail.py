"""Each e-mail is written in its recipient's language: the one the person chose (nl or en),
else the service's default (English in the tests)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from matchmaker.models import User
from matchmaker.services import password_resets
from tests.web.clients import Clients, post_form
from tests.web.test_notifications import _mail
from tests.web.test_runs_support import (
    import_round,
    link_firm,
    placement_of,
    run_round,
    runner,  # noqa: F401  (fixture)
    waiting_round,
)

pytestmark = pytest.mark.usefixtures("runner")


def _speaks(app: FastAPI, email: str, language: str | None) -> None:
    with Session(app.state.engine) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        user.language = language
        session.add(user)
        session.commit()


def test_the_result_and_the_offer_are_mailed_in_each_firms_own_language(
    app: FastAPI, clients: Clients
) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(capacity=2, applicants=5), organiser)
    placed, waiting = clients.new("sme", "placed"), clients.new("sme", "waiting")
    link_firm(app, placed, round_id, "F1")
    link_firm(app, waiting, round_id, "F3")
    _speaks(app, placed.email, "en")  # type: ignore[attr-defined]
    _speaks(app, waiting.email, "nl")  # type: ignore[attr-defined]
    run = run_round(app, organiser, round_id)
    assert organiser.post(f"/api/runs/{run['id']}/publish").status_code == 200

    results = {m.to_address: m for m in _mail(app, "result.published")}
    english = results[placed.email]  # type: ignore[attr-defined]
    assert english.subject.startswith("Result of ")
    assert "Dear entrepreneur," in english.body and "Please answer by " in english.body
    assert "(Amsterdam time)" in english.body
    assert "Beste" not in english.body and "Uitslag" not in english.subject
    dutch = results[waiting.email]  # type: ignore[attr-defined]
    assert dutch.subject.startswith("Uitslag ")
    assert "Beste ondernemer," in dutch.body and "Op de wachtlijst" in dutch.body
    assert "Per aanmelding:" in dutch.body
    assert "On the waiting list" not in dutch.body and "Dear" not in dutch.body

    f1 = placement_of(app, run["id"], "F1")
    assert post_form(placed, f"/sme/placements/{f1.id}/decline").status_code == 303
    (offer,) = _mail(app, "placement.offered")
    assert offer.to_address == waiting.email  # type: ignore[attr-defined]
    assert offer.subject.startswith("Er is een plaats voor u vrij: ")
    assert "uiterlijk" in offer.body and " om 23:59" in offer.body
    assert "A place" not in offer.subject and "(Amsterdam time)" not in offer.body


def test_a_password_link_is_mailed_in_the_users_language_else_the_default(
    app: FastAPI, clients: Clients
) -> None:
    dutch, unset = clients.new("sme", "dutch"), clients.new("sme", "unset")
    _speaks(app, dutch.email, "nl")  # type: ignore[attr-defined]
    with Session(app.state.engine) as session:
        for client in (dutch, unset):
            password_resets.request_reset(
                session=session,
                email=client.email,  # type: ignore[attr-defined]
                public_url="https://matchmaker.example",
            )
    mails = {m.to_address: m for m in _mail(app, "password.reset")}
    nl = mails[dutch.email]  # type: ignore[attr-defined]
    assert nl.subject == "Nieuw wachtwoord voor matchmaker"
    assert "Beste gebruiker," in nl.body and "Kies dan binnen 1 uur" in nl.body
    assert "Someone asked" not in nl.body
    en = mails[unset.email]  # type: ignore[attr-defined]
    assert en.subject == "New password for matchmaker"
    assert "Dear user," in en.body and "within 1 hours" in en.body
    assert "Iemand" not in en.body
