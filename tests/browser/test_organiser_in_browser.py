"""In a real browser: an organiser opens and closes a round, runs the matching, locks, publishes."""

from __future__ import annotations

import json

from selenium.webdriver.common.by import By
from sqlmodel import Session

from matchmaker import resources
from matchmaker.services.scenarios import import_scenario
from tests.browser.pages import adopt_rounds, register, submit, wait_for_text


def test_organiser_runs_locks_and_publishes(live_server, browser) -> None:
    document = json.loads(resources.resolve_scenario("spring-2027-noord").read_text("utf-8"))
    with Session(live_server.app.state.engine) as session:
        round_id = import_scenario(session=session, document=document).id
        session.commit()
    base = live_server.url
    register(
        browser,
        base,
        "missies@kvk-noord.nl",
        "organiser",
        organisation="KvK Noord",
        app=live_server.app,
    )
    adopt_rounds(live_server.app, "missies@kvk-noord.nl")
    wait_for_text(browser, "Log out")

    browser.get(f"{base}/organiser/rounds/{round_id}")
    submit(browser, "Open the round for applications")
    wait_for_text(browser, "Close the round")
    submit(browser, "Close the round")
    wait_for_text(browser, "you can re-open the round")
    submit(browser, "Yes, close the round")
    wait_for_text(browser, "Closed: applications have ended")

    browser.get(f"{base}/organiser/rounds/{round_id}/runs")
    submit(browser, "Start the matching")
    wait_for_text(browser, "succeeded", timeout=60)
    assert browser.find_elements(By.TAG_NAME, "progress")
    assert (
        "outranked" in browser.page_source
        or "placed_elsewhere" in browser.page_source
        or "Unplaced" in browser.page_source
    )

    locks = browser.find_elements(By.XPATH, "//button[normalize-space()='Lock']")
    assert locks, "the roster offers a lock per placement"
    locks[0].click()
    wait_for_text(browser, "Unlock")

    submit(browser, "Publish this roster")
    wait_for_text(browser, "publishing cannot be undone")
    submit(browser, "Yes, publish the roster")
    wait_for_text(browser, "Published: the placements are offers to the firms", timeout=20)
