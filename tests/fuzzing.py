"""Schema fuzzing shared by the in-process test and the live script (no tests of its own).

`seed_world` fills an empty service, over HTTP only, with two organisations (an organiser
each, one round each), two SMEs with their firm, business case, readiness scan,
applications and published placements, and a branch organisation with a mission. Every
name it writes carries a marker unique to its owner, so a response that shows one tenant's
object to the other is found by looking for the other's markers.

`fuzz` runs schemathesis over every operation of the API schema as one identity, with all
of schemathesis' checks (server errors, status codes, content types, headers and bodies
against the schema, negative data rejected, ignored auth, ...) and the foreign-data check,
and counts operations, examples and failures.

One built-in check is replaced: schemathesis' positive_data_acceptance expects every
schema-valid request to succeed, but the API also checks what no OpenAPI schema can say
(codes of regions and sectors that rounds define, dates against each other, a business
case of the firm's own): such a request is refused with 422 and its problems. The
replacement, `refusals_name_fields`, demands exactly that: every 422 lists at least one
problem, each naming a field.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import unquote

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.auths import AuthStorage
from schemathesis.core.failures import Failure, ServerError
from schemathesis.specs.openapi.checks import positive_data_acceptance

PASSWORD = "correct horse battery"
ROUND_A = "fuzz-round-a"
ROUND_B = "fuzz-round-b"
SEED = 20271127


# Makes an invitation link (a path) for (role, email, organisation name): the operator's
# part, which no HTTP route plays.
Invite = Callable[[str, str, str], str]


class Http(Protocol):
    """What seeding needs of a client: httpx.Client or Starlette's TestClient."""

    cookies: Any

    def get(self, url: str, **kwargs: Any) -> Any: ...

    def post(self, url: str, **kwargs: Any) -> Any: ...

    def put(self, url: str, **kwargs: Any) -> Any: ...


@dataclass
class Identity:
    """One account: its bearer token, and the markers of everything it owns."""

    name: str
    role: str
    email: str
    token: str
    markers: set[str] = field(default_factory=set)
    # Its objects' ids by kind (the path parameter `<kind>_id` names them).
    ids: dict[str, set[Any]] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def auth(self) -> AuthStorage:
        """The identity's token as schemathesis' auth: set on every generated case, except
        where a negative case left the header out on purpose, and known to its auth checks
        (ignored_auth then also sends the request without it and with a wrong one)."""
        token = self.token

        class Bearer:
            def get(self, case: Any, context: Any) -> str:
                return token

            def set(self, case: Any, data: str, context: Any) -> None:
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

        storage = AuthStorage()
        storage(refresh_interval=None)(Bearer)
        return storage


@dataclass
class World:
    identities: dict[str, Identity]
    # Who must not see whose objects.
    peers: dict[str, str]
    # Each identity's client, logged in with a session cookie (for the pages and forms).
    clients: dict[str, Http] = field(default_factory=dict)

    def foreign_markers(self, name: str) -> set[str]:
        peer = self.peer_of(name)
        return set() if peer is None else peer.markers

    def peer_of(self, name: str) -> Identity | None:
        peer = self.peers.get(name)
        return None if peer is None else self.identities[peer]


def _ok(response: Any, *codes: int) -> Any:
    assert response.status_code in (codes or (200, 201, 202, 303)), (
        response.status_code,
        response.text[:2000],
    )
    return response


def _register(client: Http, email: str, role: str, organisation: str, invite: Invite) -> None:
    """An account, logged in on this client: an SME registers and logs in; an organiser or
    a branch organisation accepts an invitation link (`invite` makes it)."""
    page = client.get("/login")
    nonce = client.cookies.get("mm_csrf")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]  # type: ignore[index]
    # Sent by hand: the cookie is Secure, and a live server may be plain HTTP.
    form = {"headers": {"Cookie": f"mm_csrf={nonce}"}, "follow_redirects": False}
    if role == "sme":
        fields = {"csrf_token": token, "email": email, "password": PASSWORD}
        _ok(client.post("/register", data=fields, **form), 303)
        _ok(client.post("/login", data=fields, **form), 303)
        return
    link = invite(role, email, organisation)
    _ok(client.post(link, data={"csrf_token": token, "password": PASSWORD}, **form), 303)


def _token(client: Http, email: str) -> str:
    response = _ok(client.post("/api/tokens", json={"email": email, "password": PASSWORD}), 201)
    return response.json()["token"]


def round_document(round_id: str, marker: str) -> dict[str, Any]:
    """A round with a promotional and a business mission, and no firms yet (SMEs apply)."""

    def mission(key: str, kind: str, start: str) -> dict[str, Any]:
        return {
            "id": key,
            "title": f"{marker} mission {key}",
            "kind": kind,
            "format": "trade_mission",
            "scope": "regional",
            "organiser": "KvK Noord",
            "country": "DE",
            "start": start,
            "end": start,
            "capacity": 1,
        }

    return {
        "format": "matchmaker-scenario/1",
        "name": f"{marker} round",
        "round": {"id": round_id, "max_places_per_firm": 2},
        "regions": [
            {"code": "GR", "name": "Groningen", "priority": 0},
            {"code": "FR", "name": "Fryslân", "priority": 0},
        ],
        "sectors": [
            {"code": "water", "name": "Watertechnologie", "focus": True},
            {"code": "energy", "name": "Energie", "focus": False},
        ],
        "missions": [
            mission("M1", "promotional", "2027-05-11"),
            mission("M2", "business", "2027-06-15"),
        ],
        "firms": [],
        "applications": [],
    }


def _sme(client: Http, identity: Identity, kvk: str, mission_ids: list[int]) -> None:
    headers = identity.headers
    firm = _ok(
        client.post(
            "/api/sme/firm",
            headers=headers,
            json={
                "kvk": kvk,
                "name": f"{identity.name}-marker firm BV",
                "region": "GR",
                "sector": "water",
                "employees": 12,
                "exports_to": ["BE"],
            },
        ),
        201,
    ).json()
    identity.markers |= {firm["name"], kvk, identity.email}
    identity.ids["firm"] = {firm["id"]}
    case = _ok(
        client.post(
            "/api/sme/cases",
            headers=headers,
            json={
                "country": "DE",
                "sector": "water",
                "summary": f"{identity.name}-marker case summary",
                "evidence": "letter_of_intent",
            },
        ),
        201,
    ).json()
    identity.markers.add(case["summary"])
    identity.ids["case"] = {case["id"]}
    questions = _ok(client.get("/api/sme/readiness/questions", headers=headers)).json()
    answers = {q["key"]: (q["options"][0]["value"] if q["options"] else "DE") for q in questions}
    scan = _ok(client.post("/api/sme/readiness", headers=headers, json={"answers": answers}), 201)
    identity.ids["scan"] = {scan.json()["id"]}
    identity.ids["application"] = set()
    for rank, mission_id in enumerate(mission_ids, start=1):
        applied = _ok(
            client.post(
                "/api/sme/applications",
                headers=headers,
                json={"mission_id": mission_id, "rank": rank, "business_case_id": case["id"]},
            ),
            201,
        ).json()
        identity.ids["application"].add(applied["id"])


def _meeting_day(client: Http, organiser: Identity, sme_client: Http, sme: Identity) -> None:
    """A meeting day of organiser A on a mission where sme_a has a place, with a partner and
    sme_a's firm's request to meet it."""
    placed = [
        p
        for p in _ok(sme_client.get("/api/sme/placements", headers=sme.headers)).json()
        if p["status"] in ("offered", "accepted")
    ]
    assert placed, "sme_a has a place in round A"
    organiser.ids["meeting_mission"] = {placed[0]["mission_id"]}
    sme.ids["meeting_placement"] = {placed[0]["id"]}
    day = f"/api/missions/{placed[0]['mission_id']}/meeting-day"
    headers = organiser.headers
    body = {
        "date": "2027-06-15",
        "start_time": "09:00",
        "slot_minutes": 20,
        "slots": 4,
        "morning_slots": 2,
        "tables": 2,
        "venue": f"{organiser.name}-marker venue",
    }
    _ok(client.put(day, headers=headers, json=body))
    partner = {
        "name": f"{organiser.name}-marker partner",
        "organisation": f"{organiser.name}-marker company",
        "country": "DE",
        "sector": "water",
    }
    made = _ok(client.post(f"{day}/partners", headers=headers, json=partner), 201).json()
    organiser.ids["partner"] = {made["id"]}
    organiser.markers |= {partner["name"], partner["organisation"], body["venue"]}
    firm_id = min(sme.ids["firm"])
    wish = {"firm_id": firm_id, "partner_id": made["id"]}
    request = _ok(client.post(f"{day}/requests", headers=headers, json=wish), 201).json()
    organiser.ids["request"] = {request["id"]}


def seed_world(
    new_client: Callable[[], Http],
    finish_runs: Callable[[], None],
    invite: Invite,
    tag: str = "",
) -> World:
    """Fill an empty service with two tenants of each audience (see the module docstring).

    `new_client` gives a fresh client (own cookies) on the service; `finish_runs` waits
    until no matching run is queued or running (a worker's job on PostgreSQL); `invite`
    makes the invitation links of the organiser and branch organisation accounts.
    """
    identities: dict[str, Identity] = {}
    clients: dict[str, Http] = {}

    def account(name: str, role: str, organisation: str) -> tuple[Http, Identity]:
        client = new_client()
        clients[name] = client
        email = f"{name}{tag}@fuzz.example"
        _register(client, email, role, organisation, invite)
        identity = Identity(name, role, email, _token(client, email))
        identity.markers.add(email)
        identities[name] = identity
        return client, identity

    org_a, organiser_a = account("organiser_a", "organiser", "Organisation A-marker")
    org_b, organiser_b = account("organiser_b", "organiser", "Organisation B-marker")
    sme_a_client, sme_a = account("sme_a", "sme", "")
    sme_b_client, sme_b = account("sme_b", "sme", "")
    branch_client, branch = account("branch", "branch_org", "Branch-marker association")
    branch_b_client, branch_b = account("branch_b", "branch_org", "Second branch association")

    for client, organiser, round_id in (
        (org_a, organiser_a, ROUND_A),
        (org_b, organiser_b, ROUND_B),
    ):
        document = round_document(round_id, f"{organiser.name}-marker")
        _ok(client.post("/api/organiser/rounds/import", headers=organiser.headers, json=document))
        missions = _ok(
            client.get(f"/api/organiser/rounds/{round_id}/missions", headers=organiser.headers)
        ).json()
        organiser.ids["mission"] = {m["id"] for m in missions}
        organiser.ids["round"] = {round_id}
        if round_id == ROUND_B:  # round A opens, and the catalogue shows open rounds to all
            organiser.markers |= {round_id, document["name"], *(m["title"] for m in missions)}

    # Round A: both SMEs apply, the matching runs and the roster is published.
    headers_a = organiser_a.headers
    _ok(org_a.post(f"/api/organiser/rounds/{ROUND_A}/open", headers=headers_a))
    missions_a = sorted(organiser_a.ids["mission"])
    invite = {"invite": True}
    _ok(
        org_a.post(
            f"/api/organiser/rounds/{ROUND_A}/branch-missions", headers=headers_a, json=invite
        )
    )
    # Round A invites branch missions while it is open: the branch organisation offers one
    # (public, like every mission of an open round, so not a marker). Round B stays a draft.
    for client, who in ((branch_client, branch), (branch_b_client, branch_b)):
        mission = _ok(
            client.post(
                f"/api/branch/rounds/{ROUND_A}/missions",
                headers=who.headers,
                json={
                    "title": f"Delegation of {who.name}",
                    "kind": "promotional",
                    "format": "trade_mission",
                    "organiser": "Branch association",
                    "country": "FR",
                    "start_date": "2027-09-01",
                    "end_date": "2027-09-02",
                    "capacity": 3,
                    "sectors": ["water"],
                },
            ),
            201,
        ).json()
        who.ids["mission"] = {mission["id"]}
    _sme(sme_a_client, sme_a, "10000001", missions_a)
    _sme(sme_b_client, sme_b, "20000002", missions_a)
    _ok(org_a.post(f"/api/organiser/rounds/{ROUND_A}/close", headers=headers_a))
    # sme_a and sme_b tie on every mission; the lottery of seed 5 draws sme_a first, so
    # sme_a gets the places the meeting day below needs.
    run = _ok(org_a.post(f"/api/rounds/{ROUND_A}/runs", headers=headers_a, json={"seed": 5})).json()
    finish_runs()
    finished = _ok(org_a.get(f"/api/runs/{run['id']}", headers=headers_a)).json()
    assert finished["state"] == "succeeded", finished
    organiser_a.ids["run"] = {run["id"]}
    _ok(org_a.post(f"/api/runs/{run['id']}/publish", headers=headers_a))
    placements = {
        name: {p["id"] for p in _ok(client.get("/api/sme/placements", headers=who.headers)).json()}
        for name, client, who in (("sme_a", sme_a_client, sme_a), ("sme_b", sme_b_client, sme_b))
    }
    sme_a.ids["placement"], sme_b.ids["placement"] = placements["sme_a"], placements["sme_b"]
    assert placements["sme_a"] and placements["sme_b"]
    _meeting_day(org_a, organiser_a, sme_a_client, sme_a)
    # What organiser A's world holds of its firms: their placements, cases and accounts.
    organiser_a.ids["placement"] = placements["sme_a"] | placements["sme_b"]
    organiser_a.ids["case"] = sme_a.ids["case"] | sme_b.ids["case"]
    organiser_a.ids["user"] = {
        _ok(client.get("/api/me", headers=who.headers)).json()["id"]
        for client, who in ((sme_a_client, sme_a), (sme_b_client, sme_b))
    }

    return World(
        clients=clients,
        identities=identities,
        peers={
            "sme_a": "sme_b",
            "sme_b": "sme_a",
            "organiser_a": "organiser_b",
            "organiser_b": "organiser_a",
            "branch": "branch_b",
            "branch_b": "branch",
        },
    )


# --------------------------------------------------------------------------- checks


def foreign_data_check(markers: Iterable[str]) -> Callable[..., bool | None]:
    """A schemathesis check failing when a response shows any of another tenant's markers."""
    wanted = sorted(set(markers))

    def no_foreign_objects(ctx: Any, response: Any, case: Any) -> bool | None:
        text = response.text if isinstance(response.text, str) else ""
        # A refusal may echo what the request named (an id in the path): that shows nothing.
        sent = unquote(str(response.request.url)) + repr(case.body)
        shown = [marker for marker in wanted if marker in text and marker not in sent]
        if shown:
            raise AssertionError(
                f"{case.method} {case.formatted_path} answered {response.status_code} showing "
                f"another tenant's objects: {shown}"
            )
        return None

    return no_foreign_objects


def refusals_name_fields(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 422 lists its problems, each as 'path: message' (see the module docstring)."""
    if response.status_code != 422:
        return None
    problems = json.loads(response.text).get("problems")
    if not problems or not all(isinstance(p, str) and ": " in p for p in problems):
        raise AssertionError(f"{case.method} {case.formatted_path}: 422 without problems")
    return None


# --------------------------------------------------------------------------- the run


@dataclass
class Report:
    """Figures of one fuzzing pass."""

    identity: str
    operations: int = 0
    examples: int = 0
    peer_probes: int = 0
    server_errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    # Operations that answered at least once with a success (2xx): reached, not only refused.
    succeeded: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "identity": self.identity,
            "operations": self.operations,
            "examples": self.examples,
            "operations_with_a_2xx": len(self.succeeded),
            "peer_object_probes": self.peer_probes,
            "server_errors": self.server_errors,
            "failures": len(self.failures),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "seconds": round(self.seconds, 1),
        }


def fuzz(
    schema: schemathesis.BaseSchema,
    identity: Identity,
    foreign_markers: Iterable[str],
    *,
    peer: Identity | None = None,
    max_examples: int,
    base_url: str | None = None,
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
) -> Report:
    """Every operation of the schema, `max_examples` per generation mode, as `identity`;
    then, with a `peer`, every operation on each of the peer's objects by id."""
    report = Report(identity.name)
    check = foreign_data_check(foreign_markers)
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        report.operations += 1
        for mode in modes:
            _fuzz_operation(operation, mode, identity, check, report, max_examples, base_url)
    if peer is not None:
        for result in schema.get_all_operations():
            _probe_peer_objects(result.ok(), identity, peer, check, report, base_url)
    report.seconds = time.monotonic() - started
    return report


# Paths where another tenant's object may be read by design: the public catalogue.
PUBLIC_PATHS = ("/api/missions",)


def _probe_peer_objects(
    operation: Any,
    identity: Identity,
    peer: Identity,
    check: Callable[..., bool | None],
    report: Report,
    base_url: str | None,
) -> None:
    """Ask for each of the peer's objects by its id on every operation naming such an id:
    never a success (outside the public catalogue), never the peer's markers."""
    names = [p.name for p in operation.path_parameters]
    if not names or operation.path.startswith(PUBLIC_PATHS):
        return
    kinds = [name.removesuffix("_id") for name in names]
    if not all(peer.ids.get(kind) for kind in kinds):
        return
    combos: list[dict[str, Any]] = [{}]
    for name, kind in zip(names, kinds, strict=True):
        combos = [{**combo, name: value} for combo in combos for value in sorted(peer.ids[kind])]
    for path_parameters in combos:
        strategy = operation.as_strategy(
            path_parameters=path_parameters, auth_storage=identity.auth()
        )
        case = _example_of(strategy)
        report.examples += 1
        report.peer_probes += 1
        kwargs: dict[str, Any] = {}
        if base_url is not None:
            kwargs["base_url"] = base_url
        label = f"{operation.label} with {peer.name}'s {path_parameters}"
        try:
            response = case.call_and_validate(
                additional_checks=[check, refusals_name_fields],
                excluded_checks=[positive_data_acceptance],
                timeout=30,
                **kwargs,
            )
        except (Exception, BaseExceptionGroup) as error:
            report.server_errors += _is_server_error(error)
            report.failures.append(f"{label}: {_first_lines(error)}")
            continue
        status = response.status_code
        report.statuses[status] = report.statuses.get(status, 0) + 1
        if status < 400:
            report.failures.append(f"{label}: answered {status}, not 403/404")


def _example_of(strategy: Any) -> Any:
    """One fixed example of a strategy (the first that derandomised generation gives)."""
    found: list[Any] = []

    @seed(SEED)
    @settings(
        max_examples=1,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def take(case: Any) -> None:
        if not found:
            found.append(case)

    take()
    return found[0]


def _fuzz_operation(
    operation: Any,
    mode: GenerationMode,
    identity: Identity,
    check: Callable[..., bool | None],
    report: Report,
    max_examples: int,
    base_url: str | None,
) -> None:
    failures: list[str] = []
    auth = identity.auth()

    @seed(SEED)
    @settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode, auth_storage=auth))
    def example(case: Any) -> None:
        report.examples += 1
        kwargs: dict[str, Any] = {}
        if base_url is not None:
            kwargs["base_url"] = base_url
        try:
            response = case.call_and_validate(
                additional_checks=[check, refusals_name_fields],
                excluded_checks=[positive_data_acceptance],
                timeout=30,
                **kwargs,
            )
            status = response.status_code
        except (Exception, BaseExceptionGroup) as error:  # a failed check: count it, go on
            report.server_errors += _is_server_error(error)
            failures.append(f"{operation.label} [{mode.value}]: {_first_lines(error)}")
        else:
            report.statuses[status] = report.statuses.get(status, 0) + 1
            if 200 <= status < 300:
                report.succeeded.add(operation.label)

    with contextlib.suppress(Unsatisfiable):
        example()
    # One line per distinct failure title, so the report stays readable.
    seen = set(report.failures)
    for line in failures:
        if line not in seen:
            seen.add(line)
            report.failures.append(line)


def _is_server_error(error: BaseException) -> bool:
    """A 5xx answer (schemathesis' ServerError), or the app's own exception (in process)."""
    if isinstance(error, BaseExceptionGroup):
        return any(isinstance(e, ServerError) for e in error.exceptions)
    return not isinstance(error, (AssertionError, Failure))


def _first_lines(error: BaseException, limit: int = 40) -> str:
    lines = [line for line in str(error).splitlines() if line.strip()]
    return " | ".join(lines[:limit])


def summary(reports: list[Report]) -> dict[str, Any]:
    return {
        "passes": [r.as_dict() for r in reports],
        "operations": max((r.operations for r in reports), default=0),
        "examples": sum(r.examples for r in reports),
        "failures": sum(len(r.failures) for r in reports),
    }


def dump(reports: list[Report]) -> str:
    return json.dumps(summary(reports), indent=2)
