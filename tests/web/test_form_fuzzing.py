"""Hostile input to every form of the pages (they are not in the API schema): huge strings,
NUL bytes, odd Unicode, missing and unknown fields, wrong types, negative and huge numbers,
posted by a logged-in user of the right role with a valid CSRF token. Never a server error,
and a refused form writes nothing."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import Session

from matchmaker.models import OutboxMessage, metadata
from matchmaker.services import password_resets
from matchmaker.services.firms import CASE_FIELDS, FIRM_FIELDS
from matchmaker.services.missions import MISSION_FIELDS
from matchmaker.services.readiness import QUESTIONS
from tests.fuzzing import ROUND_A, ROUND_B, World
from tests.web.clients import csrf
from tests.web.test_schema_fuzzing import world  # noqa: F401  (fixture)

EXAMPLES = 12
# What a refused form must leave as it was (sessions, tokens and the audit log may change).
BUSINESS_TABLES = (
    "organisation",
    "user_account",
    "invitation",
    "firm",
    "round",
    "region",
    "sector",
    "mission",
    "round_firm",
    "business_case",
    "readiness_scan",
    "application",
    "matching_run",
    "placement",
    "locked_pair",
    "meeting_day",
    "meeting_partner",
    "meeting_request",
    "meeting_schedule_run",
    "scheduled_meeting",
    "external_mission",
)

NUMBERS = ["-1", "0", "-99999999999999999999", "99999999999999999999", "1e309", "NaN", "inf"]
ODD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "2027-02-30",
    "9999-12-31",
    "0001-01-01",
    "<script>alert(1)</script>",
    '=HYPERLINK("x")',
    "\u202e\ufeff\u200b",
    "e\u0301",
    "\U0001f1f3\U0001f1f1",
    "Ｚ",
    "null",
    "[]",
    "true",
    "../../etc/passwd",
]
HOSTILE = st.one_of(
    st.text(max_size=40),
    st.sampled_from(NUMBERS + ODD),
    st.builds(
        lambda char, count: char * count,
        st.sampled_from(["A", "é", "\U0001d538", "\x00", "9"]),
        st.sampled_from([1_000, 70_000]),
    ),
)
VALUE = st.one_of(HOSTILE, st.lists(HOSTILE, min_size=2, max_size=3))

# The forms taking a file (path -> the file's field), fuzzed by the upload test.
MEETINGS = "/organiser/missions/{meeting_mission}/meetings"
UPLOADS = {
    "/organiser/import": "scenario",
    MEETINGS + "/partners/import": "file",
}
MISSION = (*MISSION_FIELDS, "external_id", "sectors", "version")
DAY = (
    "day",
    "start_time",
    "slot_minutes",
    "slots",
    "morning_slots",
    "lunch_minutes",
    "tables",
    "fairness",
    "venue",
)
PARTNER = ("name", "organisation", "country", "sector", "email", "forbidden_slots")
EXTERNAL = ("title", "country", "mission_date", "note")
REQUEST = ("firm_id", "partner_id", "priority", "session")
# (role, path with {kind} placeholders for the seeded objects, form fields)
FORMS: list[tuple[str, str, tuple[str, ...]]] = [
    ("anonymous", "/login", ("email", "password", "next")),
    ("anonymous", "/register", ("email", "password")),
    ("sme", "/language", ("language", "next")),
    ("sme", "/sme/firm", (*FIRM_FIELDS, "exports_to")),
    ("sme", "/sme/firm/edit", (*FIRM_FIELDS, "exports_to")),
    ("sme", "/sme/readiness", tuple(q.key for q in QUESTIONS)),
    ("sme", "/sme/cases", CASE_FIELDS),
    ("sme", "/sme/cases/{case}/edit", CASE_FIELDS),
    ("sme", "/sme/applications", ("mission_id", "rank", "business_case_id")),
    ("sme", "/sme/applications/{application}/withdraw", ()),
    ("sme", "/sme/rounds/{round_a}/preferences", ("mission_id", "rank", "business_case_id")),
    ("sme", "/sme/placements/{placement}/accept", ()),
    ("sme", "/sme/placements/{placement}/decline", ()),
    ("sme", "/sme/placements/{placement}/withdraw", ()),
    (
        "organiser",
        "/organiser/rounds",
        ("id", "name", "description", "max_places_per_firm", "budget_eur", "regions", "sectors"),
    ),
    ("organiser", "/organiser/rounds/{round_b}/open", ()),
    ("organiser", "/organiser/rounds/{round_b}/branch-missions", ("invite",)),
    ("organiser", "/organiser/rounds/{round_b}/close", ("confirm",)),
    ("organiser", "/organiser/rounds/{round_b}/reopen", ()),
    ("organiser", "/organiser/rounds/{round_b}/deadline", ("close_date", "close_time")),
    ("organiser", "/organiser/rounds/{round_b}/answer-days", ("answer_days",)),
    ("organiser", "/organiser/rounds/{round_b}/close", ("confirm",)),
    ("organiser", "/organiser/rounds/{round_b}/missions", MISSION),
    ("organiser", "/organiser/rounds/{round_b}/missions/{mission_b}", MISSION),
    ("organiser", "/organiser/rounds/{round_a}/missions/{mission_a}", MISSION),
    ("organiser", "/organiser/business-cases/{case}/verify", ("back",)),
    ("organiser", "/organiser/business-cases/{case}/reject", ("note", "back")),
    ("organiser", "/organiser/placements/{placement}/offer", ()),
    ("organiser", "/organiser/placements/{placement}/withdraw", ()),
    ("organiser", "/organiser/placements/{placement}/lock", ()),
    ("organiser", "/organiser/placements/{placement}/unlock", ()),
    ("organiser", "/organiser/rounds/{round_a}/runs", ("time_limit", "seed", "workers")),
    ("organiser", "/organiser/runs/{run}/restart", ()),
    ("organiser", "/organiser/runs/{run}/stop", ()),
    ("organiser", "/organiser/meeting-runs/{run}/stop", ()),
    ("organiser", "/organiser/runs/{run}/publish", ("confirm",)),
    ("organiser", "/organiser/firms/{world_firm}/history", EXTERNAL),
    ("organiser", "/organiser/external-missions/{external_mission}/delete", ()),
    ("branch_org", "/branch/rounds/{round_b}/missions", MISSION),
    ("branch_org", "/branch/missions/{branch_mission}", MISSION),
    # The meeting day of organiser A's mission where sme_a has a place.
    ("organiser", MEETINGS, DAY),
    ("organiser", MEETINGS + "/partners", PARTNER),
    ("organiser", MEETINGS + "/requests", REQUEST),
    ("sme", "/sme/placements/{meeting_placement}/meetings", REQUEST),
    ("organiser", "/organiser/meeting-requests/{request}/lock", ()),
    ("organiser", "/organiser/meeting-requests/{request}/unlock", ()),
    ("organiser", MEETINGS + "/schedule", ("time_limit", "seed")),
    ("organiser", MEETINGS + "/publish", ("confirm",)),
    ("sme", "/sme/placements/{meeting_placement}/meetings/{request}/delete", ()),
    ("organiser", "/organiser/meeting-requests/{request}/delete", ()),
    ("organiser", MEETINGS + "/partners/{partner}/delete", ()),
    ("organiser", "/organiser/invitations", ("email", "role", "organisation")),
    ("organiser", "/organiser/invitations/{invitation}/revoke", ()),
    ("branch_org", "/branch/invitations", ("email", "role")),
    ("branch_org", "/branch/invitations/{branch_invitation}/revoke", ()),
    ("anonymous", "/invitations/{invitation_token}", ("password", "email")),
    ("anonymous", "/password/forgot", ("email",)),
    ("anonymous", "/password/reset/{reset_token}", ("password",)),
    # Last: sme_b's account (no later form uses it) disabled, then enabled again.
    ("organiser", "/organiser/accounts/{user_b}/disable", ()),
    ("organiser", "/organiser/accounts/{user_b}/enable", ()),
]


def test_every_form_of_the_pages_is_fuzzed(app: FastAPI) -> None:
    from tests.web.test_access_matrix import app_routes

    posted = {path for method, path in app_routes(app) if method == "POST"}
    pages = {p for p in posted if not p.startswith("/api")}
    covered = {re.sub(r"\{[^}]+\}", "{}", path) for _, path, _ in FORMS}
    left = {re.sub(r"\{[^}]+\}", "{}", p) for p in pages} - covered
    # Logging out has no fields; importing takes a file (test below).
    assert left == {"/logout", *(re.sub(r"\{[^}]+\}", "{}", p) for p in UPLOADS)}


def _ids(seeded: World) -> dict[str, Any]:
    who = seeded.identities
    return {
        "case": min(who["sme_a"].ids["case"]),
        "application": min(who["sme_a"].ids["application"]),
        "placement": min(who["sme_a"].ids["placement"]),
        "round_a": ROUND_A,
        "round_b": ROUND_B,
        "mission_a": min(who["organiser_a"].ids["mission"]),
        "mission_b": min(who["organiser_b"].ids["mission"]),
        "branch_mission": min(who["branch"].ids["mission"]),
        "run": min(who["organiser_a"].ids["run"]),
        "world_firm": min(who["sme_a"].ids["firm"]),
        "external_mission": _external_mission(seeded),
        "meeting_placement": min(who["sme_a"].ids["meeting_placement"]),
        "meeting_mission": min(who["organiser_a"].ids["meeting_mission"]),
        "partner": min(who["organiser_a"].ids["partner"]),
        "request": min(who["organiser_a"].ids["request"]),
        "user_b": seeded.clients["sme_b"].get("/api/me").json()["id"],
        "invitation": _invitation(seeded, "organiser_b", "organiser")["id"],
        "branch_invitation": _invitation(seeded, "branch", "branch")["id"],
        "invitation_token": _invitation(seeded, "organiser_b", "organiser")["token"],
    }


def _reset_token(app: FastAPI, seeded: World) -> str:
    """The token of a password reset link mailed to sme_b (read from the outbox)."""
    with Session(app.state.engine) as session:
        password_resets.request_reset(
            session=session, email=seeded.identities["sme_b"].email, public_url="https://x"
        )
        body = session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.kind == "password.reset")
        ).one()
    found = re.search(r"/password/reset/(\S+)", body)
    assert found, body
    return found.group(1)


def _external_mission(seeded: World) -> int:
    """A mission outside matchmaker organiser A entered for sme_a's firm."""
    firm_id = min(seeded.identities["sme_a"].ids["firm"])
    created = seeded.clients["organiser_a"].post(
        f"/api/organiser/firms/{firm_id}/external-missions",
        json={"title": "Hannover Messe", "country": "DE", "mission_date": "2025-04-01"},
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def _invitation(seeded: World, name: str, audience: str) -> dict[str, Any]:
    role = "organiser" if audience == "organiser" else "branch_org"
    created = seeded.clients[name].post(
        f"/api/{audience}/invitations", json={"email": f"fuzz-{name}@example.nl", "role": role}
    )
    assert created.status_code == 201, created.text
    return created.json()


def _counts(app: FastAPI) -> dict[str, int]:
    tables = {t.name: t for t in metadata.sorted_tables}
    with Session(app.state.engine) as session:
        return {
            name: session.execute(select(func.count()).select_from(tables[name])).scalar_one()
            for name in BUSINESS_TABLES
            if name in tables
        }


def _client(app: FastAPI, seeded: World, role: str, path: str) -> TestClient:
    # Organiser B owns round B and its missions; round A (and its run) is organiser A's.
    names = {"sme": "sme_a", "organiser": "organiser_b", "branch_org": "branch"}
    theirs = (
        "{round_a}",
        "{run}",
        "{meeting_mission}",
        "{request}",
        "{user_b}",
        "{world_firm}",
        "{external_mission}",
    )
    if role == "organiser" and any(kind in path for kind in theirs):
        names["organiser"] = "organiser_a"
    if role == "anonymous":
        return TestClient(app, base_url="https://testserver")
    client = seeded.clients[names[role]]
    assert isinstance(client, TestClient)
    return client


def test_hostile_form_input_never_breaks_the_server_nor_half_writes(
    app: FastAPI,
    world: World,  # noqa: F811
) -> None:
    failures: list[str] = []
    ids = {**_ids(world), "reset_token": _reset_token(app, world)}
    for role, path, fields in FORMS:
        url = path.format(**ids)
        try:
            _fuzz_form(app, _client(app, world, role, path), url, fields)
        except Exception as error:  # every form is tried; the failures are listed together
            failures.append(f"{url}: {str(error)[:1500]}")
    assert failures == [], "\n\n".join(failures)


def _fuzz_form(app: FastAPI, client: TestClient, url: str, fields: tuple[str, ...]) -> None:
    token = csrf(client)
    extra = ("firm_id", "status", "role", "score", "\x00")
    form_strategy = st.fixed_dictionaries(
        {}, optional={name: VALUE for name in dict.fromkeys((*fields, *extra))}
    )

    @seed(20271127)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(form=form_strategy)
    def post(form: dict[str, Any]) -> None:
        before = _counts(app)
        response = client.post(url, data={**form, "csrf_token": token}, follow_redirects=False)
        assert response.status_code < 500, (url, form, response.text[:1000])
        if response.status_code >= 400:
            assert _counts(app) == before, (url, form, response.status_code)

    post()


def test_hostile_scenario_uploads_never_break_the_server_nor_half_write(
    app: FastAPI,
    world: World,  # noqa: F811
) -> None:
    client = world.clients["organiser_a"]
    assert isinstance(client, TestClient)
    token = csrf(client)
    mission = min(world.identities["organiser_a"].ids["meeting_mission"])
    targets = {path.format(meeting_mission=mission): name for path, name in UPLOADS.items()}
    contents = st.one_of(
        st.binary(max_size=200),
        st.sampled_from(
            [
                b"",
                b"\x00" * 1000,
                b"{" * 5000,
                b"[" * 100_000,
                b'{"format": "matchmaker-scenario/1", "round": {"id": "\x00"}}',
                b"\xff\xfe\x00{",
                b"a: &a [*a, *a]\nb: *a",
                b"- " * 20_000,
                "\u202e{}".encode(),
            ]
        ),
    )
    names = st.sampled_from(
        ["round.json", "round.yaml", "round.xlsx", "p.csv", "x", "\x00.json", ""]
    )

    @seed(20271127)
    @settings(
        max_examples=EXAMPLES * 4,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(content=contents, name=names, url=st.sampled_from(sorted(targets)))
    def upload(content: bytes, name: str, url: str) -> None:
        before = _counts(app)
        response = client.post(
            url,
            data={"csrf_token": token},
            files={targets[url]: (name, content, "application/octet-stream")},
            follow_redirects=False,
        )
        assert response.status_code < 500, (url, name, content[:100], response.text[:1000])
        if response.status_code >= 400:
            assert _counts(app) == before

    upload()
