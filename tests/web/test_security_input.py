"""Input limits: body size (413) before the body is read, content types (415), clean text
(NUL, control characters, bidirectional overrides, NFC, invisible marks, length caps) and
uploads checked whole before anything is written."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from matchmaker import security
from matchmaker.models import AuditLog, BusinessCase, Firm, Round
from matchmaker.text import MAX_FIELD_CHARACTERS, TextError, clean, clean_tree
from tests.web.clients import Clients, csrf, post_form
from tests.web.test_organiser_builders import scenario
from tests.web.test_sme_applications import WATER_CASE
from tests.web.test_sme_firm import FIRM, FIRM_JSON, register_firm


def count(app: FastAPI, model: Any) -> int:
    with Session(app.state.engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def firm_names(app: FastAPI) -> list[str]:
    with Session(app.state.engine) as session:
        return list(session.exec(select(Firm.name)).all())


# --------------------------------------------------------------------------- the text rules


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("Acme\x00BV", "must not contain NUL characters"),
        ("Acme\x07BV", "must not contain control characters (U+0007)"),
        ("Acme\x1bBV", "must not contain control characters (U+001B)"),
        ("Acme\x85BV", "must not contain control characters (U+0085)"),
        ("invoice\u202egpj.exe", "must not contain characters that reorder text (U+202E)"),
        ("a\u2066b\u2069", "must not contain characters that reorder text (U+2066)"),
        ("\ud800", "is not valid Unicode text (lone surrogate)"),
        ("x" * (MAX_FIELD_CHARACTERS + 1), "is 20,001 characters long, at most 20,000"),
    ],
)
def test_text_that_is_refused_says_why(raw: str, reason: str) -> None:
    with pytest.raises(TextError) as refused:
        clean(raw)
    assert str(refused.value) == reason


def test_text_is_normalised_and_invisible_marks_dropped() -> None:
    assert clean("Cafe\u0301") == "Café" == "Caf\u00e9"  # NFC
    assert clean("Acme\u200bBV\ufeff") == "AcmeBV"  # zero-width space, byte order mark
    assert clean("line one\r\nline two\tend") == "line one\r\nline two\tend"
    assert clean("שלום world 👩\u200d💻") == "שלום world 👩\u200d💻"  # ZWJ stays (emoji, scripts)
    document, problems = clean_tree({"firms": [{"name": "Cafe\u0301", "note": "a\x00"}]})
    assert document == {"firms": [{"name": "Café", "note": "a\x00"}]}
    assert problems == ["firms[0].note: must not contain NUL characters"]


def _refusable(character: str) -> bool:
    """A character clean() refuses: controls (but tab, newline, CR), surrogates, bidi marks."""
    if character in "\t\n\r":
        return False
    return unicodedata.category(character) in ("Cc", "Cs") or character in (
        "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
    )


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.characters(codec="utf-8") | st.sampled_from("\u200b\ufeff\u0301\x00\u202e"),
        max_size=40,
    )
)
def test_clean_text_is_normalised_printable_and_stable(raw: str) -> None:
    if any(_refusable(c) for c in raw):
        with pytest.raises(TextError):
            clean(raw)
        return
    cleaned = clean(raw)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert not any(c in cleaned for c in "\u200b\ufeff\u2060")
    assert clean(cleaned) == cleaned


# --------------------------------------------------------------------------- body size


def test_a_declared_body_over_the_cap_is_refused_before_it_is_read(
    app: FastAPI, clients: Clients
) -> None:
    sme = clients.sme
    big = b"x" * (security.MAX_BODY_BYTES + 1)
    api = sme.post("/api/sme/firm", content=big, headers={"content-type": "application/json"})
    assert api.status_code == 413
    assert api.json() == {"detail": "the request body is larger than 1,048,576 bytes"}
    page = sme.post(
        "/sme/firm",
        content=big,
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert page.status_code == 413
    assert "larger than 1,048,576 bytes" in page.text
    assert count(app, Firm) == 0


def test_a_chunked_body_is_counted_as_it_streams_in(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:
        for _ in range(40):  # 40 x 64 KiB = 2.5 MiB, no Content-Length
            sent.append(1)
            yield b"{" + b" " * (64 * 1024 - 1)

    response = sme.post(
        "/api/sme/firm", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert count(app, Firm) == 0


def test_a_body_under_the_cap_passes(app: FastAPI, clients: Clients) -> None:
    response = clients.sme.post("/api/sme/firm", json=FIRM_JSON)
    assert response.status_code == 201, response.text


def test_scenario_uploads_have_a_larger_cap_and_are_held_to_it(
    app: FastAPI, clients: Clients
) -> None:
    organiser = clients.organiser
    document = json.dumps(scenario("padded")) + " " * (3 * 1024 * 1024)  # 3 MiB file
    accepted = organiser.post(
        "/organiser/import",
        data={"csrf_token": csrf(organiser)},
        files={"scenario": ("round.json", document.encode(), "application/json")},
        follow_redirects=False,
    )
    assert accepted.status_code == 303, accepted.text
    too_big = b" " * (security.MAX_UPLOAD_BODY_BYTES + 1)
    refused = organiser.post(
        "/organiser/import",
        data={"csrf_token": csrf(organiser)},
        files={"scenario": ("round.json", too_big, "application/json")},
        follow_redirects=False,
    )
    assert refused.status_code == 413
    api = organiser.post(
        "/api/organiser/rounds/import",
        content=b"[" + b" " * (security.MAX_UPLOAD_BODY_BYTES + 1) + b"]",
        headers={"content-type": "application/json"},
    )
    assert api.status_code == 413
    assert count(app, Round) == 1


# --------------------------------------------------------------------------- content types


def test_the_api_takes_json_only(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    form = sme.post("/api/sme/firm", data={"kvk": "12345678", "name": "Acme"})
    assert form.status_code == 415
    assert form.json()["detail"] == (
        "send the body as application/json, not application/x-www-form-urlencoded"
    )
    plain = sme.post(
        "/api/sme/firm", content=json.dumps(FIRM_JSON), headers={"content-type": "text/plain"}
    )
    assert plain.status_code == 415
    untyped = sme.post("/api/sme/firm", content=json.dumps(FIRM_JSON).encode())
    assert untyped.status_code == 415
    assert count(app, Firm) == 0
    merge = sme.post(
        "/api/sme/firm",
        content=json.dumps(FIRM_JSON),
        headers={"content-type": "application/merge-patch+json"},
    )
    assert merge.status_code == 201, merge.text


def test_forms_take_form_bodies_only(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    token = csrf(sme)
    as_json = sme.post("/sme/firm", json={**FIRM, "csrf_token": token}, follow_redirects=False)
    assert as_json.status_code == 415
    assert "application/x-www-form-urlencoded" in as_json.text
    # Multipart only where a file is uploaded: elsewhere it would dodge the text checks.
    multipart = sme.post(
        "/sme/firm",
        data={**FIRM, "csrf_token": token},
        files={"unused": ("x.txt", b"x", "text/plain")},
        follow_redirects=False,
    )
    assert multipart.status_code == 415
    assert count(app, Firm) == 0
    assert post_form(sme, "/sme/firm", FIRM).status_code == 303


# --------------------------------------------------------------------------- text in bodies


def test_nul_and_control_characters_are_refused_naming_the_field(
    app: FastAPI, clients: Clients
) -> None:
    sme = clients.sme
    api = sme.post("/api/sme/firm", json={**FIRM_JSON, "name": "Acme\x00 BV"})
    assert api.status_code == 422
    assert api.json()["problems"] == ["name: must not contain NUL characters"]
    assert api.json()["detail"] == [
        {"loc": ["body", "name"], "msg": "must not contain NUL characters", "type": "value_error"}
    ]
    nested = sme.post("/api/sme/firm", json={**FIRM_JSON, "exports_to": ["DE", "B\x1bE"]})
    assert nested.status_code == 422
    assert nested.json()["problems"] == [
        "exports_to[1]: must not contain control characters (U+001B)"
    ]
    page = post_form(sme, "/sme/firm", {**FIRM, "name": "Acme\x00 BV"})
    assert page.status_code == 422
    assert "name: must not contain NUL characters" in page.text
    override = post_form(sme, "/sme/firm", {**FIRM, "name": "Acme \u202eVB"})
    assert override.status_code == 422
    assert "name: must not contain characters that reorder text (U+202E)" in override.text
    assert count(app, Firm) == 0


def test_text_is_stored_normalised_without_invisible_marks(app: FastAPI, clients: Clients) -> None:
    register_firm(clients.sme, name="Cafe\u0301 Noord\u200b BV")
    api_client = clients.new("sme")
    created = api_client.post(
        "/api/sme/firm", json={**FIRM_JSON, "kvk": "87654321", "name": "Bru\u0308gge\ufeff BV"}
    )
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "Brügge BV"
    assert sorted(firm_names(app)) == ["Brügge BV", "Café Noord BV"]


def test_free_text_fields_have_length_caps(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    long_name = post_form(sme, "/sme/firm", {**FIRM, "name": "N" * 201})
    assert long_name.status_code == 400
    assert "has at most 200 characters" in long_name.text
    api = sme.post("/api/sme/firm", json={**FIRM_JSON, "name": "N" * 401})
    assert api.status_code == 422
    assert any(p.startswith("name: ") for p in api.json()["problems"])
    register_firm(sme)
    summary = sme.post("/api/sme/cases", json={**WATER_CASE, "summary": "s" * 5001})
    assert summary.status_code == 422
    page = post_form(sme, "/sme/cases", {**WATER_CASE, "summary": "s" * 5001})
    assert page.status_code == 400
    huge = post_form(sme, "/sme/cases", {**WATER_CASE, "summary": "s" * 20_001})
    assert huge.status_code == 422
    assert "summary: is 20,001 characters long, at most 20,000" in huge.text
    assert count(app, BusinessCase) == 0


def test_every_free_text_field_of_the_api_has_a_cap(app: FastAPI) -> None:
    """Each string in a request body is bounded: by maxLength, a pattern or a list of values."""
    schema = app.openapi()
    components = schema["components"]["schemas"]
    unbounded: list[str] = []

    def check(node: dict[str, Any], where: str, seen: set[str]) -> None:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            if name not in seen:
                check(components[name], name, seen | {name})
            return
        for key in ("anyOf", "allOf", "oneOf"):
            for index, option in enumerate(node.get(key, [])):
                check(option, f"{where}|{index}", seen)
        if node.get("type") == "string" and not (
            "maxLength" in node or "pattern" in node or "enum" in node or "format" in node
        ):
            unbounded.append(where)
        if "items" in node:
            check(node["items"], f"{where}[]", seen)
        if isinstance(node.get("additionalProperties"), dict):
            check(node["additionalProperties"], f"{where}{{}}", seen)
        for name, child in node.get("properties", {}).items():
            check(child, f"{where}.{name}", seen)

    bodies = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                bodies += 1
                check(body["schema"], f"{method.upper()} {path}", set())
    assert bodies >= 15
    assert unbounded == []


# --------------------------------------------------------------------------- uploads


def test_an_upload_with_bad_text_anywhere_writes_nothing(app: FastAPI, clients: Clients) -> None:
    organiser = clients.organiser
    document = scenario("hostile")
    document["firms"][-1]["name"] = "Last firm\x00"
    document["missions"][0]["title"] = "Hamburg \u202etxt.exe"
    before = {model: count(app, model) for model in (Round, Firm, AuditLog)}
    page = organiser.post(
        "/organiser/import",
        data={"csrf_token": csrf(organiser)},
        files={"scenario": ("round.json", json.dumps(document).encode(), "application/json")},
        follow_redirects=False,
    )
    assert page.status_code == 422
    assert "must not contain NUL characters" in page.text
    assert "must not contain characters that reorder text" in page.text
    api = organiser.post("/api/organiser/rounds/import", json=document)
    assert api.status_code == 422
    assert {p.split(":")[0] for p in api.json()["problems"]} == {
        f"firms[{len(document['firms']) - 1}].name",
        "missions[0].title",
    }
    assert {model: count(app, model) for model in (Round, Firm, AuditLog)} == before


def test_an_unreadable_upload_writes_nothing(app: FastAPI, clients: Clients) -> None:
    organiser = clients.organiser
    before = count(app, Round)
    for content in (b"\xff\xfe not utf-8", b"", b'{"format": "matchmaker-scenario/1", "round": ['):
        response = organiser.post(
            "/organiser/import",
            data={"csrf_token": csrf(organiser)},
            files={"scenario": ("round.json", content, "application/json")},
            follow_redirects=False,
        )
        assert response.status_code == 422, content
    assert count(app, Round) == before


def test_the_schema_declares_the_guards_answers(app: FastAPI) -> None:
    schema = app.openapi()
    with_body = [
        (method, path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]
    assert len(with_body) >= 15
    for method, path, operation in with_body:
        for code in ("413", "415"):
            answer = operation["responses"].get(code)
            assert answer is not None and "application/json" in answer["content"], (method, path)
    assert app.openapi() is schema  # built once
