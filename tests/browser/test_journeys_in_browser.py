"""In a real browser, in Dutch and in English, the issue's walk: SMEs register, write a
business case and apply with ranked preferences; the organiser verifies the case, closes the
round, runs the matching and publishes; each SME sees its place or its reason in plain words
and accepts or declines, and its e-mail comes in its language. The language is chosen with the
switch on the first page; the test's English words are looked up in the catalogue for Dutch."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select
from sqlmodel import Session

from matchmaker.services.scenarios import import_scenario
from tests import builders as b
from tests.browser.pages import (
    adopt_rounds,
    choose_language,
    fill,
    log_in,
    register,
    submit,
    wait_for_text,
)
from tests.browser.words import filled, read_in, words
from tests.live_server import LiveServer
from tests.smtp_server import Inbox, body_of

ROUND = "R-WALK"


def walk_round() -> dict:
    """A business mission to Germany and a promotional fair, one place each; no firms yet."""
    document = b.round_doc(
        missions=[
            b.mission("M-BIZ", kind="business", country="DE", start="2027-05-11", capacity=1),
            b.mission("M-FAIR", country="NL", start="2027-06-14", capacity=1),
        ],
        firms=[],
        applications=[],
        name="Walk round",
    )
    document["round"]["id"] = ROUND
    document["missions"][0]["title"] = "Water business mission Hamburg"
    document["missions"][1]["title"] = "Water fair Amsterdam"
    return document


def log_out(driver: WebDriver) -> None:
    driver.find_element(
        By.XPATH, f"//button[starts-with(normalize-space(), '{words('Log out')}')]"
    ).click()
    wait_for_text(driver, "Log in")
    # The next log-in must not race the browser's removal of this session's cookie.
    for _ in range(100):
        if driver.get_cookie("mm_session") is None:
            return
        time.sleep(0.05)
    raise AssertionError("the session cookie outlived the logout")


def register_firm(driver: WebDriver, base: str, kvk: str, name: str) -> None:
    driver.get(f"{base}/sme/firm")
    fill(driver, kvk=kvk, name=name, employees="24")
    Select(driver.find_element(By.NAME, "region")).select_by_value("GR")
    Select(driver.find_element(By.NAME, "sector")).select_by_value("water")
    submit(driver, "Register the firm")
    wait_for_text(driver, "Your firm is registered")


def take_ready_scan(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}/sme/readiness")
    answers = {
        "export_wish": "yes",
        "market_choice": "yes",
        "organisation_capacity": "yes",
        "export_experience": "occasionally",
        "costs_and_risks": "yes",
        "funding": "yes",
        "product_fit": "yes",
        "contacts": "few",
        "business_case": "yes",
        "support": "together",
    }
    for name, value in answers.items():
        driver.find_element(By.CSS_SELECTOR, f"input[name={name}][value={value}]").click()
    Select(driver.find_element(By.NAME, "target_country")).select_by_value("DE")
    submit(driver, "See the recommendation")
    wait_for_text(driver, "Recommended: %(track)s")
    wait_for_text(driver, "A business mission")


def write_case(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}/sme/cases/new")
    Select(driver.find_element(By.NAME, "country")).select_by_value("DE")
    Select(driver.find_element(By.NAME, "sector")).select_by_value("water")
    fill(driver, summary="Membrane filtration units for the port utilities of Hamburg")
    driver.find_element(By.CSS_SELECTOR, "input[name=evidence][value=letter_of_intent]").click()
    submit(driver, "Save")
    wait_for_text(driver, "waits for the organiser to verify it")


def rank(driver: WebDriver, title: str, value: str) -> None:
    label = filled("Rank for %(title)s", title=title)
    field = driver.find_element(By.CSS_SELECTOR, f"input[aria-label='{label}']")
    field.clear()
    field.send_keys(value)


def result_row(driver: WebDriver, title: str) -> str:
    row = driver.find_element(By.XPATH, f"//tr[.//a[normalize-space()='{title}']]")
    return row.text


@pytest.fixture
def mailing_server(tmp_path: Path, smtp: tuple[Inbox, str]) -> Iterator[LiveServer]:
    """The live server with its e-mail going to the test's own SMTP server."""
    with LiveServer(f"sqlite:///{tmp_path / 'walk.db'}", smtp_url=smtp[1]) as server:
        yield server


@pytest.fixture(params=["nl", "en"])
def reading(request) -> Iterator[str]:
    """The language the walk reads the pages in."""
    token = read_in(request.param)
    yield request.param
    token.var.reset(token)  # type: ignore[attr-defined]


def test_sme_applies_organiser_matches_and_publishes_sme_answers(
    mailing_server: LiveServer, smtp: tuple[Inbox, str], browser, reading: str
) -> None:
    live_server, (inbox, _) = mailing_server, smtp
    with Session(live_server.app.state.engine) as session:
        import_scenario(session=session, document=walk_round())
        session.commit()
    base = live_server.url
    choose_language(browser, f"{base}/login", reading)

    register(
        browser,
        base,
        "rondes@kvk-noord.nl",
        "organiser",
        organisation="KvK Noord",
        app=live_server.app,
    )
    adopt_rounds(live_server.app, "rondes@kvk-noord.nl")
    wait_for_text(browser, "Log out")
    browser.get(f"{base}/organiser/rounds/{ROUND}")
    submit(browser, "Open the round for applications")
    wait_for_text(browser, "Close the round")
    log_out(browser)

    # The first SME: firm, scan, a business case, and two ranked preferences.
    register(browser, base, "directie@aquanoord.nl", "sme")
    wait_for_text(browser, "Log out")
    register_firm(browser, base, "01234567", "Aqua Noord BV")
    take_ready_scan(browser, base)
    write_case(browser, base)
    browser.get(f"{base}/sme/rounds/{ROUND}/preferences")
    rank(browser, "Water business mission Hamburg", "1")
    Select(
        browser.find_element(
            By.CSS_SELECTOR,
            "select[aria-label='"
            + filled("Business case for %(title)s", title="Water business mission Hamburg")
            + "']",
        )
    ).select_by_index(1)
    rank(browser, "Water fair Amsterdam", "2")
    submit(browser, "Save my preferences")
    wait_for_text(browser, "Your preferences for this round are saved")
    assert words("not verified") in result_row(browser, "Water business mission Hamburg")
    log_out(browser)

    # The second SME wants only the fair.
    register(browser, base, "info@pompenfabriek.nl", "sme")
    wait_for_text(browser, "Log out")
    register_firm(browser, base, "07654321", "Pompenfabriek Delfzijl BV")
    browser.get(f"{base}/sme/rounds/{ROUND}/preferences")
    rank(browser, "Water fair Amsterdam", "1")
    submit(browser, "Save my preferences")
    wait_for_text(browser, "Your preferences for this round are saved")
    log_out(browser)

    # The organiser verifies the case, closes the round, matches and publishes.
    log_in(browser, base, "rondes@kvk-noord.nl")
    wait_for_text(browser, "Log out")
    browser.get(f"{base}/organiser/business-cases")
    wait_for_text(browser, "Aqua Noord BV", as_written=True)
    assert "Walk round: Water business mission Hamburg" in browser.page_source
    submit(browser, "Verify")
    wait_for_text(browser, "No pending business cases")
    browser.get(f"{base}/organiser/rounds/{ROUND}")
    submit(browser, "Close the round")
    wait_for_text(browser, "you can re-open the round")
    submit(browser, "Yes, close the round")
    wait_for_text(browser, "Closed: applications have ended")
    browser.get(f"{base}/organiser/rounds/{ROUND}/runs")
    submit(browser, "Start the matching")
    wait_for_text(browser, "succeeded", timeout=60)
    submit(browser, "Publish this roster")
    wait_for_text(browser, "publishing cannot be undone")
    submit(browser, "Yes, publish the roster")
    wait_for_text(browser, "Published: the placements are offers to the firms", timeout=20)
    log_out(browser)

    # The first SME has its first choice, and the fair's application says why it is not placed.
    log_in(browser, base, "directie@aquanoord.nl")
    wait_for_text(browser, "Log out")
    browser.get(f"{base}/sme/applications")
    hamburg = result_row(browser, "Water business mission Hamburg")
    assert words("A place on this mission is offered to you. Accept or decline it.") in hamburg
    fair = result_row(browser, "Water fair Amsterdam")
    assert words("You already have as many places as a firm may get in this round") in fair
    assert words("waiting list") in fair
    browser.find_element(By.LINK_TEXT, words("Your place")).click()
    wait_for_text(browser, "Your result")
    submit(browser, "Accept the place")
    wait_for_text(browser, "You have taken this place")
    log_out(browser)

    # The second SME declines its place on the fair.
    log_in(browser, base, "info@pompenfabriek.nl")
    wait_for_text(browser, "Log out")
    browser.get(f"{base}/sme/applications")
    assert words("is offered to you") in result_row(browser, "Water fair Amsterdam")
    browser.find_element(By.LINK_TEXT, words("Your place")).click()
    wait_for_text(browser, "Your result")
    submit(browser, "Decline")
    wait_for_text(browser, "You declined this place")
    log_out(browser)

    # The first SME withdraws from Hamburg: the waiting list now offers it the free fair place.
    log_in(browser, base, "directie@aquanoord.nl")
    wait_for_text(browser, "Log out")
    browser.get(f"{base}/sme/applications")
    browser.find_element(By.LINK_TEXT, words("Your place")).click()
    wait_for_text(browser, "You have taken this place")
    submit(browser, "Withdraw")
    wait_for_text(browser, "Your firm withdrew from this mission")
    browser.get(f"{base}/sme/applications")
    assert words("You withdrew from this mission") in result_row(
        browser, "Water business mission Hamburg"
    )
    assert words("is offered to you") in result_row(browser, "Water fair Amsterdam")

    # The offer reached the firm by e-mail, with its answer-by date; it accepts the fair place.
    deadline = time.monotonic() + 30
    offered: list = []
    while not offered and time.monotonic() < deadline:
        offered = [
            m
            for m in list(inbox.messages)
            if m["To"] == "directie@aquanoord.nl"
            and words("A place is free for you") in str(m["Subject"])
            and "Water fair Amsterdam" in str(m["Subject"])
        ]
        time.sleep(0.1)
    assert offered, inbox.subjects()
    body = " ".join(body_of(offered[0]).split())  # the mail's lines are wrapped
    assert words('on your "Placements" page by ') in body
    # The answer-by moment, in Amsterdam time as the reader writes it.
    assert ("om 23:59" if reading == "nl" else "at 23:59 (Amsterdam time)") in body
    browser.get(f"{base}/sme/placements")
    browser.find_element(By.LINK_TEXT, "Water fair Amsterdam").click()
    wait_for_text(browser, "Without an answer by then the offer lapses")
    submit(browser, "Accept the place")
    wait_for_text(browser, "You have taken this place")
