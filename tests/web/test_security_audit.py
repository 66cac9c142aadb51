"""Every state-changing route writes exactly one audit row, and no one can change the log."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, func, select

from matchmaker.models import (
    AuditLog,
    MatchingRun,
    MeetingDay,
    MeetingScheduleRun,
    OutboxMessage,
    RoundFirm,
    RunState,
    User,
)
from matchmaker.models.audit import AuditLogIsAppendOnly
from matchmaker.services import password_resets
from matchmaker.services.placement_audit import FOLLOW_ON_ACTIONS
from tests.web import access_meetings as meetings_routes
from tests.web import test_meetings as meetings
from tests.web import test_organiser_builders as organiser_builders
from tests.web import test_runs_support as run_support
from tests.web.clients import PASSWORD, Clients, csrf, into_world
from tests.web.test_access_matrix import app_routes
from tests.web.test_branch import API_DELEGATION, DELEGATION
from tests.web.test_missions import ROUND_ID
from tests.web.test_missions import open_round as open_catalogue_round
from tests.web.test_organiser_missions import API_BODY, FORM
from tests.web.test_readiness import READY
from tests.web.test_runs_support import runner  # noqa: F401  (fixture)
from tests.web.test_sme_applications import WATER_CASE
from tests.web.test_sme_firm import FIRM, FIRM_JSON, register_firm
from tests.web.test_waiting_list import one_free_place

pytestmark = pytest.mark.usefixtures("runner")

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Rows the matching job itself writes (as the system) while a run it was asked for goes on.
JOB_ACTIONS = tuple(
    f"{kind}.{state}"
    for kind in ("run", "meeting_schedule")
    for state in ("running", "succeeded", "failed", "interrupted")
)


class World:
    """The objects a route needs, made on first use in a fresh database."""

    def __init__(self, app: FastAPI, clients: Clients):
        self.app = app
        self.clients = clients

    # ------------------------------------------------------------------- organiser
    @functools.cached_property
    def organiser_round(self) -> str:
        """An open round of the organiser's organisation (the small builder scenario)."""
        organiser = self.clients.organiser
        round_id = organiser_builders.import_round(
            self.app, organiser, organiser_builders.scenario()
        )
        organiser_builders.set_status(self.app, round_id, organiser_builders.RoundStatus.open)
        organiser_builders.invite_branches(self.app, round_id)
        return round_id

    @functools.cached_property
    def draft_round(self) -> str:
        round_id = organiser_builders.import_round(
            self.app, self.clients.organiser, organiser_builders.scenario("draft-round")
        )
        return round_id

    @functools.cached_property
    def closed_round(self) -> str:
        round_id = organiser_builders.import_round(
            self.app, self.clients.organiser, organiser_builders.scenario("closed-round")
        )
        organiser_builders.set_status(self.app, round_id, organiser_builders.RoundStatus.closed)
        return round_id

    @functools.cached_property
    def mission(self) -> int:
        return organiser_builders.mission_id(self.app, self.organiser_round, "M-HAM")

    @functools.cached_property
    def pending_case(self) -> int:
        """A business case of a firm applying in the organiser's round, waiting for review."""
        self.organiser_round  # noqa: B018
        cases = self.clients.organiser.get("/api/organiser/business-cases").json()
        assert cases, "the builder scenario has cases waiting"
        return cases[0]["id"]

    # ------------------------------------------------------------------- runs, placements
    @functools.cached_property
    def run(self) -> dict[str, Any]:
        """A finished run of a closed round R1: two places for five firms."""
        organiser = self.clients.organiser
        round_id = run_support.import_round(
            self.app, run_support.waiting_round(capacity=2, applicants=5), organiser
        )
        run = run_support.run_round(self.app, organiser, round_id)
        assert run["state"] == "succeeded", run
        return run

    @functools.cached_property
    def failed_run(self) -> int:
        """A run that failed (two locks on one place), so it may be started again."""
        document = run_support.waiting_round("R-FAILED", capacity=1, applicants=3)
        document["locked"] = [{"firm": "F1", "mission": "M1"}, {"firm": "F2", "mission": "M1"}]
        organiser = self.clients.organiser
        round_id = run_support.import_round(self.app, document, organiser)
        run = run_support.run_round(self.app, organiser, round_id)
        assert run["state"] == "failed", run
        return run["id"]

    @functools.cached_property
    def published(self) -> int:
        """The run, published; the SME client owns firm F1 (offered a place)."""
        run_id = self.run["id"]
        assert self.clients.organiser.post(f"/api/runs/{run_id}/publish").status_code == 200
        run_support.link_firm(self.app, self.clients.sme, self.run["round_id"], "F1")
        return run_id

    @functools.cached_property
    def waiting_placement(self) -> int:
        """W1's application in a published round with a place free (another round)."""
        run_id = one_free_place(self.app, self.clients.organiser, 1)
        placement = run_support.placement_of(self.app, run_id, "W1")
        assert placement.id is not None
        return placement.id

    @functools.cached_property
    def running_run(self) -> int:
        """A run of the finished run's round that a worker is solving (as far as the
        database knows: no job runner takes a running run)."""
        with Session(self.app.state.engine) as session:
            run = MatchingRun(
                round_id=self.run["round_id"],
                state=RunState.running,
                input_snapshot={},
                snapshot_sha256="0" * 64,
                ortools_version="test",
            )
            session.add(run)
            session.commit()
            assert run.id is not None
            return run.id

    @functools.cached_property
    def running_schedule(self) -> int:
        """A schedule run of the meeting day, being solved."""
        with Session(self.app.state.engine) as session:
            day_id = session.exec(select(MeetingDay.id)).one()
            run = MeetingScheduleRun(
                meeting_day_id=day_id,
                state=RunState.running,
                input_snapshot={},
                snapshot_sha256="0" * 64,
                ortools_version="test",
            )
            session.add(run)
            session.commit()
            assert run.id is not None
            return run.id

    def placement(self, firm: str) -> int:
        placement = run_support.placement_of(self.app, self.run["id"], firm)
        assert placement.id is not None
        return placement.id

    @functools.cached_property
    def world_firm(self) -> int:
        """A firm of the organiser's round (in its world), by database id."""
        with Session(self.app.state.engine) as session:
            return session.exec(
                select(RoundFirm.firm_id).where(RoundFirm.round_id == self.organiser_round)
            ).first()  # type: ignore[return-value]

    @functools.cached_property
    def external_mission(self) -> int:
        """A mission outside matchmaker the organiser entered for world_firm."""
        added = self.clients.organiser.post(
            f"/api/organiser/firms/{self.world_firm}/external-missions", json=EXTERNAL_MISSION
        )
        assert added.status_code == 201, added.text
        return added.json()["id"]

    # ------------------------------------------------------------------- SME
    @functools.cached_property
    def firm(self) -> dict[str, Any]:
        return register_firm(self.clients.sme, region="GR", sector="water")

    @functools.cached_property
    def case(self) -> int:
        self.firm  # noqa: B018
        created = self.clients.sme.post("/api/sme/cases", json=WATER_CASE)
        assert created.status_code == 201, created.text
        return created.json()["id"]

    @functools.cached_property
    def catalogue(self) -> dict[str, int]:
        """An open round (of no organisation) with its missions' ids by scenario id."""
        return open_catalogue_round(self.app)

    @functools.cached_property
    def application(self) -> int:
        self.firm  # noqa: B018
        body = {"mission_id": self.catalogue["M-FAIR-HANNOVER"], "rank": 1}
        created = self.clients.sme.post("/api/sme/applications", json=body)
        assert created.status_code == 201, created.text
        return created.json()["id"]

    # ------------------------------------------------------------------- accounts
    @functools.cached_property
    def sme_user(self) -> int:
        """The SME's account, its firm in the organiser's world."""
        into_world(self.app, self.clients.organiser, self.clients.sme)
        return self.clients.sme.get("/api/me").json()["id"]

    @functools.cached_property
    def disabled_sme(self) -> int:
        url = f"/api/organiser/accounts/{self.sme_user}/disable"
        assert self.clients.organiser.post(url).status_code == 200
        return self.sme_user

    # ------------------------------------------------------------------- invitations
    def invitation(self, role: str) -> dict[str, Any]:
        """An open invitation made by the organiser's or the branch organisation's client."""
        client = self.clients.get(role)
        prefix = "organiser" if role == "organiser" else "branch"
        created = client.post(
            f"/api/{prefix}/invitations",
            json={"email": f"invited-{role}@example.nl", "role": role},
        )
        assert created.status_code == 201, created.text
        return created.json()

    @functools.cached_property
    def password_reset_path(self) -> str:
        """The path of a reset link mailed to the SME (read from the outbox)."""
        email = self.clients.sme.email  # type: ignore[attr-defined]
        with Session(self.app.state.engine) as session:
            password_resets.request_reset(session=session, email=email, public_url="https://x")
            body = session.exec(
                select(OutboxMessage.body).where(OutboxMessage.kind == "password.reset")
            ).one()
        found = re.search(r"https://x(/password/reset/\S+)", body)
        assert found, body
        return found.group(1)

    @functools.cached_property
    def organiser_invitation(self) -> dict[str, Any]:
        return self.invitation("organiser")

    @functools.cached_property
    def branch_invitation(self) -> dict[str, Any]:
        return self.invitation("branch_org")

    # ------------------------------------------------------------------- branch
    @functools.cached_property
    def branch_mission(self) -> int:
        created = self.clients.branch_org.post(
            f"/api/branch/rounds/{self.organiser_round}/missions", json=API_DELEGATION
        )
        assert created.status_code == 201, created.text
        return created.json()["id"]

    # ------------------------------------------------------------------- meeting days
    @functools.cached_property
    def meetings(self) -> meetings.Setup:
        """A published mission M1 (the SME client owns placed firm F1), no day yet."""
        return meetings.published_mission(self.app, self.clients)

    @functools.cached_property
    def meeting_day(self) -> meetings.Setup:
        """The mission's meeting day set up, with partners Ama and Kofi."""
        s = self.meetings
        meetings.set_up_day(s)
        meetings.add_partners(s, "Ama", "Kofi")
        return s

    def partner(self, name: str) -> int:
        return meetings.partner_ids(self.meeting_day.app)[name]

    @functools.cached_property
    def meeting_request(self) -> int:
        """F1's request to meet Ama, made by the organiser."""
        s = self.meeting_day
        body = {"firm_id": s.firms["F1"], "partner_id": self.partner("Ama")}
        made = s.organiser.post(f"{s.api}/requests", json=body)
        assert made.status_code == 201, made.text
        return made.json()["id"]

    @functools.cached_property
    def scheduled_request(self) -> int:
        """The request, placed by a finished schedule run."""
        request_id = self.meeting_request
        assert meetings.schedule(self.meeting_day)["run"]["state"] == "succeeded"
        return request_id

    @functools.cached_property
    def locked_request(self) -> int:
        request_id = self.scheduled_request
        locked = self.clients.organiser.post(f"/api/meeting-requests/{request_id}/lock")
        assert locked.status_code == 200, locked.text
        return request_id


@dataclass(frozen=True)
class Call:
    """How to make one route succeed: who calls it, and with what."""

    who: str  # a Clients name, or "anonymous"
    url: Callable[[World], str]
    form: Callable[[World], dict[str, Any]] | None = None
    json: Callable[[World], Any] | None = None
    files: dict[str, Any] | None = None


def _day(w: World) -> str:
    return w.meeting_day.day


def _api_day(w: World) -> str:
    return w.meeting_day.api


def _firm_page(w: World) -> str:
    return f"/sme/placements/{w.meeting_day.placements['F1']}"


PARTNERS_CSV = {
    "file": (
        "partners.csv",
        b"name,organisation,country,sector,email,forbidden_slots\n"
        b"Esi Owusu,Tema Port,GH,logistics,esi@tema.gh,\n",
        "text/csv",
    )
}
PARTNER_FORM = {
    "name": "Yaw",
    "organisation": "Volta Power",
    "country": "GH",
    "sector": "energy",
    "email": "yaw@volta.gh",
    "forbidden_slots": "",
}


EXTERNAL_MISSION = {"title": "Hannover Messe", "country": "DE", "mission_date": "2025-04-01"}


def _fixed(value: Any) -> Callable[[World], Any]:
    return lambda _w: value


def _mission_form(w: World) -> dict[str, Any]:
    return {k: v for k, v in FORM.items() if k != "external_id"} | {"version": "1"}


def _delegation_form(w: World) -> dict[str, Any]:
    return {k: v for k, v in DELEGATION.items() if k != "external_id"} | {"version": "1"}


def _scenario_file() -> dict[str, Any]:
    import json

    document = organiser_builders.scenario("uploaded", kvk_offset=500)
    return {"scenario": ("round.json", json.dumps(document).encode(), "application/json")}


ROUND_FORM = {
    "id": "form-round",
    "name": "Noorden 2028",
    "max_places_per_firm": "1",
    "regions": "GR, Groningen\nFR, Fryslân",
    "sectors": "water, Water\nenergy, Energy, focus",
}
ROUND_JSON = {
    "id": "api-round",
    "name": "Noorden 2029",
    "max_places_per_firm": 1,
    "regions": [{"code": "GR", "name": "Groningen"}],
    "sectors": [{"code": "water", "name": "Water"}],
}

CALLS: dict[tuple[str, str], Call] = {
    # accounts
    ("POST", "/login"): Call(
        "anonymous-with-account",
        _fixed("/login"),
        form=lambda w: {"email": w.clients.sme.email, "password": PASSWORD},  # type: ignore[attr-defined]
    ),
    ("POST", "/register"): Call(
        "anonymous",
        _fixed("/register"),
        form=_fixed({"email": "new@example.nl", "password": PASSWORD, "role": "sme"}),
    ),
    ("POST", "/logout"): Call("sme", _fixed("/logout"), form=_fixed({})),
    ("POST", "/language"): Call("sme", _fixed("/language"), form=_fixed({"language": "nl"})),
    ("POST", "/password/forgot"): Call(
        "anonymous-with-account",
        _fixed("/password/forgot"),
        form=lambda w: {"email": w.clients.sme.email},  # type: ignore[attr-defined]
    ),
    ("POST", "/password/reset/{token}"): Call(
        "anonymous",
        lambda w: w.password_reset_path,
        form=_fixed({"password": "een-nieuw-wachtwoord-2027"}),
    ),
    ("POST", "/api/tokens"): Call(
        "anonymous-with-account",
        _fixed("/api/tokens"),
        json=lambda w: {"email": w.clients.sme.email, "password": PASSWORD},  # type: ignore[attr-defined]
    ),
    # organiser pages
    ("POST", "/organiser/rounds"): Call(
        "organiser", _fixed("/organiser/rounds"), form=_fixed(ROUND_FORM)
    ),
    ("POST", "/organiser/import"): Call(
        "organiser", _fixed("/organiser/import"), files=_scenario_file()
    ),
    ("POST", "/organiser/rounds/{round_id}/open"): Call(
        "organiser", lambda w: f"/organiser/rounds/{w.draft_round}/open", form=_fixed({})
    ),
    ("POST", "/organiser/rounds/{round_id}/close"): Call(
        "organiser",
        lambda w: f"/organiser/rounds/{w.organiser_round}/close",
        form=_fixed({"confirm": "yes"}),
    ),
    ("POST", "/organiser/rounds/{round_id}/reopen"): Call(
        "organiser", lambda w: f"/organiser/rounds/{w.closed_round}/reopen", form=_fixed({})
    ),
    ("POST", "/organiser/rounds/{round_id}/deadline"): Call(
        "organiser",
        lambda w: f"/organiser/rounds/{w.organiser_round}/deadline",
        form=_fixed({"close_date": "2099-01-15", "close_time": "17:00"}),
    ),
    ("POST", "/organiser/rounds/{round_id}/answer-days"): Call(
        "organiser",
        lambda w: f"/organiser/rounds/{w.organiser_round}/answer-days",
        form=_fixed({"answer_days": "7"}),
    ),
    ("POST", "/organiser/rounds/{round_id}/branch-missions"): Call(
        "organiser",
        lambda w: f"/organiser/rounds/{w.draft_round}/branch-missions",
        form=_fixed({"invite": "1"}),
    ),
    ("POST", "/organiser/rounds/{round_id}/missions"): Call(
        "organiser",
        lambda w: f"/organiser/rounds/{w.organiser_round}/missions",
        form=_fixed(FORM),
    ),
    ("POST", "/organiser/rounds/{round_id}/missions/{mission_id}"): Call(
        "organiser",
        lambda w: f"/organiser/rounds/{w.organiser_round}/missions/{w.mission}",
        form=_mission_form,
    ),
    ("POST", "/organiser/business-cases/{case_id}/verify"): Call(
        "organiser",
        lambda w: f"/organiser/business-cases/{w.pending_case}/verify",
        form=_fixed({}),
    ),
    ("POST", "/organiser/business-cases/{case_id}/reject"): Call(
        "organiser",
        lambda w: f"/organiser/business-cases/{w.pending_case}/reject",
        form=_fixed({"note": "no letter attached"}),
    ),
    # organiser API
    ("POST", "/api/organiser/rounds"): Call(
        "organiser", _fixed("/api/organiser/rounds"), json=_fixed(ROUND_JSON)
    ),
    ("POST", "/api/organiser/rounds/import"): Call(
        "organiser",
        _fixed("/api/organiser/rounds/import"),
        json=lambda w: organiser_builders.scenario("api-import", kvk_offset=700),
    ),
    ("POST", "/api/organiser/rounds/{round_id}/open"): Call(
        "organiser", lambda w: f"/api/organiser/rounds/{w.draft_round}/open"
    ),
    ("POST", "/api/organiser/rounds/{round_id}/close"): Call(
        "organiser", lambda w: f"/api/organiser/rounds/{w.organiser_round}/close"
    ),
    ("POST", "/api/organiser/rounds/{round_id}/reopen"): Call(
        "organiser", lambda w: f"/api/organiser/rounds/{w.closed_round}/reopen"
    ),
    ("PUT", "/api/organiser/rounds/{round_id}/deadline"): Call(
        "organiser",
        lambda w: f"/api/organiser/rounds/{w.organiser_round}/deadline",
        json=_fixed({"applications_close_at": "2099-01-15T17:00:00+01:00"}),
    ),
    ("PUT", "/api/organiser/rounds/{round_id}/answer-days"): Call(
        "organiser",
        lambda w: f"/api/organiser/rounds/{w.organiser_round}/answer-days",
        json=_fixed({"answer_days": 7}),
    ),
    ("POST", "/api/organiser/rounds/{round_id}/branch-missions"): Call(
        "organiser",
        lambda w: f"/api/organiser/rounds/{w.draft_round}/branch-missions",
        json=_fixed({"invite": True}),
    ),
    ("POST", "/api/organiser/rounds/{round_id}/missions"): Call(
        "organiser",
        lambda w: f"/api/organiser/rounds/{w.organiser_round}/missions",
        json=_fixed(API_BODY),
    ),
    ("PATCH", "/api/organiser/rounds/{round_id}/missions/{mission_id}"): Call(
        "organiser",
        lambda w: f"/api/organiser/rounds/{w.organiser_round}/missions/{w.mission}",
        json=_fixed({"version": 1, "capacity": 5}),
    ),
    ("POST", "/api/organiser/business-cases/{case_id}/verify"): Call(
        "organiser", lambda w: f"/api/organiser/business-cases/{w.pending_case}/verify"
    ),
    ("POST", "/api/organiser/business-cases/{case_id}/reject"): Call(
        "organiser",
        lambda w: f"/api/organiser/business-cases/{w.pending_case}/reject",
        json=_fixed({"note": "no letter attached"}),
    ),
    # runs
    ("POST", "/organiser/rounds/{round_id}/runs"): Call(
        "organiser",
        lambda w: f"/organiser/rounds/{w.closed_round}/runs",
        form=_fixed({"time_limit": "5"}),
    ),
    ("POST", "/organiser/firms/{firm_id}/history"): Call(
        "organiser",
        lambda w: f"/organiser/firms/{w.world_firm}/history",
        form=_fixed(EXTERNAL_MISSION),
    ),
    ("POST", "/organiser/external-missions/{entry_id}/delete"): Call(
        "organiser",
        lambda w: f"/organiser/external-missions/{w.external_mission}/delete",
        form=_fixed({}),
    ),
    ("POST", "/api/organiser/firms/{firm_id}/external-missions"): Call(
        "organiser",
        lambda w: f"/api/organiser/firms/{w.world_firm}/external-missions",
        json=_fixed(EXTERNAL_MISSION),
    ),
    ("DELETE", "/api/organiser/external-missions/{entry_id}"): Call(
        "organiser", lambda w: f"/api/organiser/external-missions/{w.external_mission}"
    ),
    ("POST", "/api/rounds/{round_id}/runs"): Call(
        "organiser", lambda w: f"/api/rounds/{w.closed_round}/runs", json=_fixed({})
    ),
    ("POST", "/organiser/runs/{run_id}/restart"): Call(
        "organiser", lambda w: f"/organiser/runs/{w.failed_run}/restart", form=_fixed({})
    ),
    ("POST", "/api/runs/{run_id}/restart"): Call(
        "organiser", lambda w: f"/api/runs/{w.failed_run}/restart"
    ),
    ("POST", "/organiser/runs/{run_id}/stop"): Call(
        "organiser", lambda w: f"/organiser/runs/{w.running_run}/stop", form=_fixed({})
    ),
    ("POST", "/api/runs/{run_id}/stop"): Call(
        "organiser", lambda w: f"/api/runs/{w.running_run}/stop"
    ),
    ("POST", "/organiser/meeting-runs/{run_id}/stop"): Call(
        "organiser",
        lambda w: w.meeting_day and f"/organiser/meeting-runs/{w.running_schedule}/stop",
        form=_fixed({}),
    ),
    ("POST", "/api/meeting-runs/{run_id}/stop"): Call(
        "organiser", lambda w: w.meeting_day and f"/api/meeting-runs/{w.running_schedule}/stop"
    ),
    ("POST", "/organiser/runs/{run_id}/publish"): Call(
        "organiser",
        lambda w: f"/organiser/runs/{w.run['id']}/publish",
        form=_fixed({"confirm": "yes"}),
    ),
    ("POST", "/api/runs/{run_id}/publish"): Call(
        "organiser", lambda w: f"/api/runs/{w.run['id']}/publish"
    ),
    ("POST", "/organiser/placements/{placement_id}/lock"): Call(
        "organiser", lambda w: f"/organiser/placements/{w.placement('F1')}/lock", form=_fixed({})
    ),
    ("POST", "/api/placements/{placement_id}/lock"): Call(
        "organiser", lambda w: f"/api/placements/{w.placement('F1')}/lock"
    ),
    ("POST", "/organiser/placements/{placement_id}/unlock"): Call(
        "organiser-locked",
        lambda w: f"/organiser/placements/{w.placement('F1')}/unlock",
        form=_fixed({}),
    ),
    ("POST", "/api/placements/{placement_id}/unlock"): Call(
        "organiser-locked", lambda w: f"/api/placements/{w.placement('F1')}/unlock"
    ),
    # placements after publication
    ("POST", "/sme/placements/{placement_id}/accept"): Call(
        "sme-published", lambda w: f"/sme/placements/{w.placement('F1')}/accept", form=_fixed({})
    ),
    ("POST", "/sme/placements/{placement_id}/decline"): Call(
        "sme-published", lambda w: f"/sme/placements/{w.placement('F1')}/decline", form=_fixed({})
    ),
    ("POST", "/sme/placements/{placement_id}/withdraw"): Call(
        "sme-published",
        lambda w: f"/sme/placements/{w.placement('F1')}/withdraw",
        form=_fixed({}),
    ),
    ("POST", "/api/sme/placements/{placement_id}/accept"): Call(
        "sme-published", lambda w: f"/api/sme/placements/{w.placement('F1')}/accept"
    ),
    ("POST", "/api/sme/placements/{placement_id}/decline"): Call(
        "sme-published", lambda w: f"/api/sme/placements/{w.placement('F1')}/decline"
    ),
    ("POST", "/api/sme/placements/{placement_id}/withdraw"): Call(
        "sme-published", lambda w: f"/api/sme/placements/{w.placement('F1')}/withdraw"
    ),
    ("POST", "/organiser/placements/{placement_id}/withdraw"): Call(
        "organiser-published",
        lambda w: f"/organiser/placements/{w.placement('F2')}/withdraw",
        form=_fixed({}),
    ),
    ("POST", "/api/placements/{placement_id}/withdraw"): Call(
        "organiser-published", lambda w: f"/api/placements/{w.placement('F2')}/withdraw"
    ),
    ("POST", "/organiser/placements/{placement_id}/offer"): Call(
        "organiser",
        lambda w: f"/organiser/placements/{w.waiting_placement}/offer",
        form=_fixed({}),
    ),
    ("POST", "/api/placements/{placement_id}/offer"): Call(
        "organiser", lambda w: f"/api/placements/{w.waiting_placement}/offer"
    ),
    # SME pages
    ("POST", "/sme/firm"): Call("sme", _fixed("/sme/firm"), form=_fixed(FIRM)),
    ("POST", "/sme/firm/edit"): Call(
        "sme-firm",
        _fixed("/sme/firm/edit"),
        form=_fixed({**FIRM, "region": "GR", "sector": "water", "employees": "30"}),
    ),
    ("POST", "/sme/readiness"): Call("sme-firm", _fixed("/sme/readiness"), form=_fixed(READY)),
    ("POST", "/sme/cases"): Call("sme-firm", _fixed("/sme/cases"), form=_fixed(WATER_CASE)),
    ("POST", "/sme/cases/{case_id}/edit"): Call(
        "sme-firm",
        lambda w: f"/sme/cases/{w.case}/edit",
        form=_fixed({**WATER_CASE, "summary": "filters and pumps"}),
    ),
    ("POST", "/sme/applications"): Call(
        "sme-firm",
        _fixed("/sme/applications"),
        form=lambda w: {"mission_id": str(w.catalogue["M-FAIR-HANNOVER"]), "rank": "1"},
    ),
    ("POST", "/sme/applications/{application_id}/withdraw"): Call(
        "sme-firm", lambda w: f"/sme/applications/{w.application}/withdraw", form=_fixed({})
    ),
    ("POST", "/sme/rounds/{round_id}/preferences"): Call(
        "sme-firm",
        lambda w: f"/sme/rounds/{w.catalogue and ROUND_ID}/preferences",
        form=lambda w: {
            "mission_id": [str(w.catalogue["M-FAIR-HANNOVER"])],
            "rank": ["1"],
            "business_case_id": [""],
        },
    ),
    # SME API
    ("POST", "/api/sme/firm"): Call("sme", _fixed("/api/sme/firm"), json=_fixed(FIRM_JSON)),
    ("PATCH", "/api/sme/firm"): Call(
        "sme-firm", _fixed("/api/sme/firm"), json=_fixed({"employees": 40})
    ),
    ("POST", "/api/sme/readiness"): Call(
        "sme-firm", _fixed("/api/sme/readiness"), json=_fixed({"answers": READY})
    ),
    ("POST", "/api/sme/cases"): Call("sme-firm", _fixed("/api/sme/cases"), json=_fixed(WATER_CASE)),
    ("PATCH", "/api/sme/cases/{case_id}"): Call(
        "sme-firm", lambda w: f"/api/sme/cases/{w.case}", json=_fixed({"summary": "pumps"})
    ),
    ("POST", "/api/sme/applications"): Call(
        "sme-firm",
        _fixed("/api/sme/applications"),
        json=lambda w: {"mission_id": w.catalogue["M-FAIR-HANNOVER"], "rank": 1},
    ),
    ("PATCH", "/api/sme/applications/{application_id}"): Call(
        "sme-firm", lambda w: f"/api/sme/applications/{w.application}", json=_fixed({"rank": 2})
    ),
    ("POST", "/api/sme/applications/{application_id}/withdraw"): Call(
        "sme-firm", lambda w: f"/api/sme/applications/{w.application}/withdraw"
    ),
    ("PUT", "/api/sme/rounds/{round_id}/preferences"): Call(
        "sme-firm",
        lambda w: f"/api/sme/rounds/{w.catalogue and ROUND_ID}/preferences",
        json=lambda w: {"choices": [{"mission_id": w.catalogue["M-FAIR-HANNOVER"], "rank": 1}]},
    ),
    # account administration
    ("POST", "/organiser/accounts/{user_id}/disable"): Call(
        "organiser", lambda w: f"/organiser/accounts/{w.sme_user}/disable", form=_fixed({})
    ),
    ("POST", "/organiser/accounts/{user_id}/enable"): Call(
        "organiser", lambda w: f"/organiser/accounts/{w.disabled_sme}/enable", form=_fixed({})
    ),
    ("POST", "/api/organiser/accounts/{user_id}/disable"): Call(
        "organiser", lambda w: f"/api/organiser/accounts/{w.sme_user}/disable"
    ),
    ("POST", "/api/organiser/accounts/{user_id}/enable"): Call(
        "organiser", lambda w: f"/api/organiser/accounts/{w.disabled_sme}/enable"
    ),
    # invitations
    ("POST", "/organiser/invitations"): Call(
        "organiser",
        _fixed("/organiser/invitations"),
        form=_fixed({"email": "colleague@example.nl", "role": "organiser"}),
    ),
    ("POST", "/organiser/invitations/{invitation_id}/revoke"): Call(
        "organiser",
        lambda w: f"/organiser/invitations/{w.organiser_invitation['id']}/revoke",
        form=_fixed({}),
    ),
    ("POST", "/branch/invitations"): Call(
        "branch_org", _fixed("/branch/invitations"), form=_fixed({"email": "b@example.nl"})
    ),
    ("POST", "/branch/invitations/{invitation_id}/revoke"): Call(
        "branch_org",
        lambda w: f"/branch/invitations/{w.branch_invitation['id']}/revoke",
        form=_fixed({}),
    ),
    ("POST", "/api/organiser/invitations"): Call(
        "organiser",
        _fixed("/api/organiser/invitations"),
        json=_fixed({"email": "wind@example.nl", "role": "branch_org", "organisation": "Wind"}),
    ),
    ("POST", "/api/organiser/invitations/{invitation_id}/revoke"): Call(
        "organiser", lambda w: f"/api/organiser/invitations/{w.organiser_invitation['id']}/revoke"
    ),
    ("POST", "/api/branch/invitations"): Call(
        "branch_org",
        _fixed("/api/branch/invitations"),
        json=_fixed({"email": "c@example.nl", "role": "branch_org"}),
    ),
    ("POST", "/api/branch/invitations/{invitation_id}/revoke"): Call(
        "branch_org", lambda w: f"/api/branch/invitations/{w.branch_invitation['id']}/revoke"
    ),
    ("POST", "/invitations/{token}"): Call(
        "anonymous",
        lambda w: w.organiser_invitation["path"],
        form=_fixed({"password": PASSWORD}),
    ),
    ("POST", "/api/invitations/{token}/accept"): Call(
        "anonymous",
        lambda w: f"/api{w.branch_invitation['path']}/accept",
        json=_fixed({"password": PASSWORD}),
    ),
    # meeting days: pages
    ("POST", meetings_routes.DAY): Call(
        "organiser", lambda w: w.meetings.day, form=_fixed(meetings.DAY_FORM)
    ),
    ("POST", meetings_routes.DAY + "/partners"): Call(
        "organiser", lambda w: f"{_day(w)}/partners", form=_fixed(PARTNER_FORM)
    ),
    ("POST", meetings_routes.DAY + "/partners/import"): Call(
        "organiser", lambda w: f"{_day(w)}/partners/import", files=PARTNERS_CSV
    ),
    ("POST", meetings_routes.DAY + "/partners/{partner_id}/delete"): Call(
        "organiser", lambda w: f"{_day(w)}/partners/{w.partner('Kofi')}/delete", form=_fixed({})
    ),
    ("POST", meetings_routes.DAY + "/requests"): Call(
        "organiser",
        lambda w: f"{_day(w)}/requests",
        form=lambda w: {"firm_id": w.meeting_day.firms["F3"], "partner_id": w.partner("Ama")},
    ),
    ("POST", meetings_routes.DAY + "/schedule"): Call(
        "organiser",
        lambda w: w.meeting_request and f"{_day(w)}/schedule",
        form=_fixed({"time_limit": "10"}),
    ),
    ("POST", meetings_routes.DAY + "/publish"): Call(
        "organiser",
        lambda w: w.scheduled_request and f"{_day(w)}/publish",
        form=_fixed({"confirm": "yes"}),
    ),
    ("POST", "/organiser/meeting-requests/{request_id}/delete"): Call(
        "organiser",
        lambda w: f"/organiser/meeting-requests/{w.meeting_request}/delete",
        form=_fixed({}),
    ),
    ("POST", "/organiser/meeting-requests/{request_id}/lock"): Call(
        "organiser",
        lambda w: f"/organiser/meeting-requests/{w.scheduled_request}/lock",
        form=_fixed({}),
    ),
    ("POST", "/organiser/meeting-requests/{request_id}/unlock"): Call(
        "organiser",
        lambda w: f"/organiser/meeting-requests/{w.locked_request}/unlock",
        form=_fixed({}),
    ),
    ("POST", meetings_routes.FIRM + "/meetings"): Call(
        "sme",
        lambda w: f"{_firm_page(w)}/meetings",
        form=lambda w: {"partner_id": w.partner("Kofi"), "session": "morning"},
    ),
    ("POST", meetings_routes.FIRM + "/meetings/{request_id}/delete"): Call(
        "sme",
        lambda w: f"{_firm_page(w)}/meetings/{w.meeting_request}/delete",
        form=_fixed({}),
    ),
    # meeting days: API
    ("PUT", meetings_routes.API_DAY): Call(
        "organiser",
        lambda w: w.meetings.api,
        json=_fixed(
            {
                "date": "2027-01-12",
                "start_time": "09:00",
                "slot_minutes": 20,
                "slots": 3,
                "morning_slots": 2,
                "tables": 1,
            }
        ),
    ),
    ("POST", meetings_routes.API_DAY + "/partners"): Call(
        "organiser",
        lambda w: f"{_api_day(w)}/partners",
        json=_fixed({k: v for k, v in PARTNER_FORM.items() if k != "forbidden_slots"}),
    ),
    ("POST", meetings_routes.API_DAY + "/partners/import"): Call(
        "organiser", lambda w: f"{_api_day(w)}/partners/import", files=PARTNERS_CSV
    ),
    ("DELETE", meetings_routes.API_DAY + "/partners/{partner_id}"): Call(
        "organiser", lambda w: f"{_api_day(w)}/partners/{w.partner('Kofi')}"
    ),
    ("POST", meetings_routes.API_DAY + "/requests"): Call(
        "organiser",
        lambda w: f"{_api_day(w)}/requests",
        json=lambda w: {"firm_id": w.meeting_day.firms["F3"], "partner_id": w.partner("Ama")},
    ),
    ("POST", meetings_routes.API_DAY + "/schedule"): Call(
        "organiser",
        lambda w: w.meeting_request and f"{_api_day(w)}/schedule",
        json=_fixed({"time_limit": 10}),
    ),
    ("POST", meetings_routes.API_DAY + "/publish"): Call(
        "organiser", lambda w: w.scheduled_request and f"{_api_day(w)}/publish"
    ),
    ("DELETE", "/api/meeting-requests/{request_id}"): Call(
        "organiser", lambda w: f"/api/meeting-requests/{w.meeting_request}"
    ),
    ("POST", "/api/meeting-requests/{request_id}/lock"): Call(
        "organiser", lambda w: f"/api/meeting-requests/{w.scheduled_request}/lock"
    ),
    ("POST", "/api/meeting-requests/{request_id}/unlock"): Call(
        "organiser", lambda w: f"/api/meeting-requests/{w.locked_request}/unlock"
    ),
    ("POST", "/api" + meetings_routes.FIRM + "/meeting-requests"): Call(
        "sme",
        lambda w: f"/api{_firm_page(w)}/meeting-requests",
        json=lambda w: {"partner_id": w.partner("Kofi")},
    ),
    # branch organisation
    ("POST", "/branch/rounds/{round_id}/missions"): Call(
        "branch_org",
        lambda w: f"/branch/rounds/{w.organiser_round}/missions",
        form=_fixed(DELEGATION),
    ),
    ("POST", "/branch/missions/{mission_id}"): Call(
        "branch_org", lambda w: f"/branch/missions/{w.branch_mission}", form=_delegation_form
    ),
    ("POST", "/api/branch/rounds/{round_id}/missions"): Call(
        "branch_org",
        lambda w: f"/api/branch/rounds/{w.organiser_round}/missions",
        json=_fixed(API_DELEGATION),
    ),
    ("PATCH", "/api/branch/missions/{mission_id}"): Call(
        "branch_org",
        lambda w: f"/api/branch/missions/{w.branch_mission}",
        json=_fixed({"version": 1, "capacity": 4}),
    ),
}


def _prepare(world: World, who: str) -> tuple[TestClient, int | None]:
    """The client making the call (after the state its route needs) and its user's id."""
    clients = world.clients
    if who == "anonymous":
        client = TestClient(world.app, base_url="https://testserver")
        return client, None
    if who == "anonymous-with-account":
        clients.sme  # noqa: B018  (the account logged in to)
        return TestClient(world.app, base_url="https://testserver"), None
    role, _, state = who.partition("-")
    if state == "firm":
        world.firm  # noqa: B018
    elif state == "published":
        world.published  # noqa: B018
    elif state == "locked":
        locked = clients.organiser.post(f"/api/placements/{world.placement('F1')}/lock")
        assert locked.status_code == 200, locked.text
    client = clients.get(role)
    email = client.email  # type: ignore[attr-defined]
    with Session(world.app.state.engine) as session:
        user_id = session.exec(select(User.id).where(User.email == email)).one()
    return client, user_id


def _audit_rows(app: FastAPI, after_id: int) -> list[AuditLog]:
    with Session(app.state.engine) as session:
        rows = session.exec(
            select(AuditLog).where(col(AuditLog.id) > after_id).order_by(col(AuditLog.id))
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def _last_audit_id(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        return session.exec(select(func.coalesce(func.max(AuditLog.id), 0))).one()


def state_changing_routes(app: FastAPI) -> set[tuple[str, str]]:
    return {(method, path) for method, path in app_routes(app) if method in STATE_CHANGING}


def test_every_state_changing_route_has_a_call(app: FastAPI) -> None:
    routes = state_changing_routes(app)
    assert routes - CALLS.keys() == set(), "state-changing routes this test does not call"
    assert CALLS.keys() - routes == set(), "calls of routes that do not exist"
    assert len(routes) >= 60


@pytest.mark.parametrize("route", sorted(CALLS), ids=lambda r: f"{r[0]} {r[1]}")
def test_the_route_writes_exactly_one_audit_row(
    app: FastAPI, clients: Clients, route: tuple[str, str]
) -> None:
    method = route[0]
    call = CALLS[route]
    world = World(app, clients)
    client, user_id = _prepare(world, call.who)
    url = call.url(world)
    assert not re.search(r"\{[^}]+\}", url), url
    kwargs: dict[str, Any] = {"follow_redirects": False}
    if call.json is not None:
        kwargs["json"] = call.json(world)
    if not url.startswith("/api/"):
        kwargs["data"] = {"csrf_token": csrf(client), **(call.form(world) if call.form else {})}
    if call.files is not None:
        kwargs["files"] = call.files
    last = _last_audit_id(app)
    started = datetime.now(UTC)

    response = client.request(method, url, **kwargs)

    assert response.status_code in (200, 201, 202, 204, 303), (route, response.text)
    if response.status_code == 303:  # not sent to log in first (registering sends there after)
        assert not response.headers["location"].startswith("/login?next="), route
    written = _audit_rows(app, last)
    rows = [
        row
        for row in written
        if not (row.actor_user_id is None and row.action in JOB_ACTIONS)
        and row.action not in FOLLOW_ON_ACTIONS
    ]
    assert len(rows) == 1, (route, [(r.action, r.object_type, r.object_id) for r in rows])
    # The rows about the other firms a change affects (a published result, a passed-on
    # offer) carry the request's actor, or none where the waiting list decided.
    for follow_on in (r for r in written if r.action in FOLLOW_ON_ACTIONS):
        assert follow_on.object_type == "placement" and follow_on.firm_id is not None, route
        assert follow_on.actor_user_id in (None, rows[0].actor_user_id), route
    row = rows[0]
    assert row.object_type and row.object_id, route
    assert row.at.tzinfo is not None and row.at.utcoffset() == timedelta(0)
    assert started - timedelta(seconds=1) <= row.at <= datetime.now(UTC) + timedelta(seconds=1)
    if user_id is not None:
        assert row.actor_user_id == user_id, (route, row.action)
    elif route == ("POST", "/register"):
        assert row.action == "register" and row.actor_user_id is not None
    elif route in (("POST", "/invitations/{token}"), ("POST", "/api/invitations/{token}/accept")):
        assert row.action == "accept_invitation" and row.actor_user_id is not None
    elif route == ("POST", "/password/forgot"):  # asked by someone not logged in
        assert row.action == "password.reset_requested" and row.actor_user_id is None
    elif route == ("POST", "/password/reset/{token}"):  # the account whose password it is
        assert row.action == "password.reset" and row.actor_user_id is not None
    else:  # a login by name and password: the account that logged in
        assert row.actor_user_id is not None and row.action in ("login", "create_token")


def test_a_failed_login_is_audited_once_without_the_password(
    app: FastAPI, clients: Clients
) -> None:
    email = clients.sme.email  # type: ignore[attr-defined]
    client = TestClient(app, base_url="https://testserver")
    last = _last_audit_id(app)
    response = client.post(
        "/login",
        data={"csrf_token": csrf(client), "email": email, "password": "not the password"},
        follow_redirects=False,
    )
    assert response.status_code == 400
    rows = _audit_rows(app, last)
    assert [(r.action, r.actor_user_id) for r in rows] == [("login_failed", None)]
    assert "not the password" not in repr(rows[0].model_dump())


def test_the_application_cannot_change_or_delete_audit_rows(app: FastAPI, clients: Clients) -> None:
    clients.sme  # noqa: B018  (registering writes a row)
    engine = app.state.engine
    with Session(engine) as session:
        row = session.exec(select(AuditLog)).first()
        assert row is not None
        row.action = "forged"
        with pytest.raises(AuditLogIsAppendOnly):
            session.commit()
        session.rollback()
        with pytest.raises(AuditLogIsAppendOnly):
            session.delete(row)
            session.commit()
        session.rollback()
        with pytest.raises(AuditLogIsAppendOnly):
            session.exec(update(AuditLog).values(action="forged"))  # type: ignore[call-overload]
        with pytest.raises(AuditLogIsAppendOnly):
            session.exec(delete(AuditLog))  # type: ignore[call-overload]
    # Below the ORM, the database itself refuses (a trigger on SQLite and PostgreSQL).
    for statement in ("UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"):
        with engine.connect() as connection, pytest.raises(DBAPIError) as refused:
            connection.execute(text(statement))
        assert "append-only" in str(refused.value)
    with Session(engine) as session:
        assert session.exec(select(func.count()).where(AuditLog.action == "forged")).one() == 0
        assert session.exec(select(func.count()).select_from(AuditLog)).one() >= 1
