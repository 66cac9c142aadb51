"""Each audit row is written into the log of the organisation and firm its object belongs to
(services/audit_scope.py): a round's objects in the round owner's, an SME's firm rows by firm."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from matchmaker.models import AuditLog, Firm, User
from matchmaker.services.audit_scope import ROUND_OBJECTS
from tests.web.clients import Clients
from tests.web.test_placements import published_round
from tests.web.test_runs_support import placement_of, runner  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("runner")


def _organisation(app: FastAPI, email: str) -> int | None:
    with Session(app.state.engine) as session:
        return session.exec(select(User.organisation_id).where(User.email == email)).one()


def test_rows_carry_the_round_owner_and_the_firm(app: FastAPI, clients: Clients) -> None:
    run_id = published_round(app, clients)
    stranger = clients.new("organiser", organisation="Vreemde Kamer")
    mine = _organisation(app, clients.organiser.email)  # type: ignore[attr-defined]
    theirs = _organisation(app, stranger.email)  # type: ignore[attr-defined]
    assert mine is not None and theirs is not None and mine != theirs
    placement = placement_of(app, run_id, "F1")
    assert clients.sme.post(f"/api/sme/placements/{placement.id}/accept").status_code == 200
    with Session(app.state.engine) as session:
        firm_id = session.exec(select(Firm.id).where(Firm.owner_user_id.isnot(None))).first()  # type: ignore[union-attr]
        rows = session.exec(select(AuditLog)).all()
        by_action = {row.action: row for row in rows}
        # The organiser's round decisions are in its organisation's log, none in the stranger's.
        for action in ("run.start", "round.publish"):
            assert by_action[action].organisation_id == mine, action
        round_rows = [row for row in rows if row.object_type in ROUND_OBJECTS]
        assert round_rows and all(row.organisation_id == mine for row in round_rows)
        # The firm's answer is in the round owner's log and about the firm.
        accepted = by_action["placement.accept"]
        assert (accepted.organisation_id, accepted.firm_id) == (mine, firm_id)
        # The stranger's own account rows are in its own log.
        joined = [
            r for r in rows if r.action == "accept_invitation" and r.organisation_id == theirs
        ]
        assert len(joined) == 1
