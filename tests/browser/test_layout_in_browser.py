"""In a real browser: every SME page fits a 390 px phone without scrolling sideways (tables
become cards), and the organiser's run page fits 1280 px; a screenshot of each page is kept
(under $MATCHMAKER_SCREENSHOTS if set, else the test's tmp_path)."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlmodel import Session, select

from matchmaker.models import Mission
from matchmaker.services.scenarios import import_scenario
from tests.browser.layout import assert_fits, screenshot_dir, set_size
from tests.browser.pages import adopt_rounds, log_in, register, submit, wait_for_text
from tests.browser.test_journeys_in_browser import (
    ROUND,
    log_out,
    rank,
    register_firm,
    take_ready_scan,
    walk_round,
    write_case,
)

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
    for name, path in (
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
    ):
        assert_fits(browser, base + path, folder, name)
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
    assert_fits(browser, browser.current_url, folder, "organiser-run")
    assert sorted(p.name for p in folder.glob("*.png"))
