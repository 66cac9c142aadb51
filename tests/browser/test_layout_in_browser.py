"""In a real browser, in Dutch and in English: every SME page fits a 390 px phone without
scrolling sideways (tables become cards), the organiser's round and run pages fit 1280 px,
each passes the accessibility check (axe-core), and a screenshot of each page is kept (under
$MATCHMAKER_SCREENSHOTS if set, else the test's tmp_path). The language is chosen with the
switch on the page, as a person would."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlmodel import Session, select

from matchmaker.models import Mission
from matchmaker.services.scenarios import import_scenario
from tests.browser.layout import assert_fits, screenshot_dir, set_size
from tests.browser.pages import (
    adopt_rounds,
    choose_language,
    log_in,
    register,
    submit,
    wait_for_text,
)
from tests.browser.test_journeys_in_browser import (
    ROUND,
    log_out,
    rank,
    register_firm,
    take_ready_scan,
    walk_round,
    write_case,
)

LANGUAGES = ("nl", "en")
PHONE = (390, 844)
DESKTOP = (1280, 900)
ORGANISER = "rondes@kvk-noord.nl"
SME = "directie@aquanoord.nl"


def test_sme_pages_fit_a_phone_and_the_run_page_a_laptop(live_server, browser, tmp_path) -> None:
    folder = screenshot_dir(tmp_path)
    base, app = live_server.url, live_server.app
    with Session(app.state.engine) as session:
        import_scenario(session=session, document=walk_round())
        session.commit()
        hamburg = session.exec(select(Mission).where(Mission.external_id == "M-BIZ")).one().id
    register(browser, base, ORGANISER, "organiser", organisation="KvK Noord", app=app)
    adopt_rounds(app, ORGANISER)
    browser.get(f"{base}/organiser/rounds/{ROUND}")
    submit(browser, "Open the round for applications")
    wait_for_text(browser, "Close the round")
    log_out(browser)

    register(browser, base, SME, "sme")
    wait_for_text(browser, "Log out")
    register_firm(browser, base, "01234567", "Aqua Noord BV met een lange naam")
    take_ready_scan(browser, base)
    write_case(browser, base)
    browser.get(f"{base}/sme/rounds/{ROUND}/preferences")
    rank(browser, "Water business mission Hamburg", "1")
    Select(
        browser.find_element(
            By.CSS_SELECTOR, "select[aria-label='Business case for Water business mission Hamburg']"
        )
    ).select_by_index(1)
    submit(browser, "Save my preferences")
    wait_for_text(browser, "Your preferences for this round are saved")

    set_size(browser, PHONE)
    assert browser.execute_script("return window.innerWidth") == PHONE[0]
    sme_pages = (
        ("sme-home", "/sme"),
        ("sme-firm", "/sme/firm"),
        ("sme-readiness", "/sme/readiness"),
        ("sme-cases", "/sme/cases"),
        ("sme-case-new", "/sme/cases/new"),
        ("sme-applications", "/sme/applications"),
        ("sme-preferences", f"/sme/rounds/{ROUND}/preferences"),
        ("sme-placements", "/sme/placements"),
        ("sme-decisions", "/sme/decisions"),
        ("missions", "/missions"),
        ("mission-detail", f"/missions/{hamburg}"),
    )
    walk_in_both_languages(browser, base, folder, sme_pages)
    # Radio buttons sit beside their text, not above it.
    browser.get(f"{base}/sme/readiness")
    radio = browser.find_element(By.CSS_SELECTOR, "label.check input[type=radio]")
    label = radio.find_element(By.XPATH, "..")
    assert radio.rect["y"] + radio.rect["height"] > label.rect["y"] + label.rect["height"] / 2 - 12
    assert label.rect["height"] < 3 * radio.rect["height"] + 24, "one line, not stacked"
    browser.get(f"{base}/sme/cases")
    assert (
        browser.find_element(By.LINK_TEXT, "apply for missions")
        .get_attribute("href")
        .endswith("/sme/applications")
    )

    set_size(browser, DESKTOP)
    log_out(browser)
    log_in(browser, base, ORGANISER)
    wait_for_text(browser, "Log out")
    browser.get(f"{base}/organiser/rounds/{ROUND}")
    submit(browser, "Close the round")
    submit(browser, "Yes, close the round")
    wait_for_text(browser, "Closed: applications have ended")
    browser.get(f"{base}/organiser/rounds/{ROUND}/runs")
    submit(browser, "Start the matching")
    wait_for_text(browser, "succeeded", timeout=60)
    run_page = browser.current_url.removeprefix(base)
    submit(browser, "Publish this roster")
    wait_for_text(browser, "publishing cannot be undone")
    submit(browser, "Yes, publish the roster")
    wait_for_text(browser, "Published: the placements are offers to the firms", timeout=20)
    organiser_pages = (
        ("organiser-home", "/organiser"),
        ("organiser-round", f"/organiser/rounds/{ROUND}"),
        ("organiser-runs", f"/organiser/rounds/{ROUND}/runs"),
        ("organiser-run", run_page),
        ("organiser-cases", "/organiser/business-cases"),
    )
    walk_in_both_languages(browser, base, folder, organiser_pages)
    # Each page was kept in each language.
    kept = {p.name for p in folder.glob("*.png")}
    for language in LANGUAGES:
        for name, _ in organiser_pages + sme_pages:
            assert f"{language}-{name}.png" in kept


def walk_in_both_languages(browser, base, folder, pages) -> None:
    """Each page, in Dutch then in English (chosen with the page's switch): `<html lang>`
    says the language, the page fits the window, passes the accessibility check, and is kept."""
    for language in LANGUAGES:
        choose_language(browser, base + pages[0][1], language)
        assert browser.current_url == base + pages[0][1], "the switch returns to the same page"
        for name, path in pages:
            assert_fits(browser, base + path, folder, f"{language}-{name}")
            assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == language
