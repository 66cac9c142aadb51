"""In a real browser: the meeting day end to end. The organiser sets up the day, adds partners
(one through a CSV upload), a placed firm requests meetings, the organiser schedules all
(waiting for the job), locks a meeting, re-runs, publishes; the firm opens its agenda,
downloads its iCalendar file and opens the printable agenda."""

from __future__ import annotations

import time
from pathlib import Path

import icalendar
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlmodel import Session, col, select

from matchmaker import jobs
from matchmaker.models import (
    Application,
    Firm,
    MatchingRun,
    MeetingRequest,
    Mission,
    Placement,
    RoundFirm,
    RoundStatus,
    RunState,
    User,
)
from matchmaker.services import rosters as roster_service
from matchmaker.services import runs as run_service
from matchmaker.services.scenarios import import_scenario
from tests.browser.layout import assert_fits, screenshot_dir
from tests.browser.pages import account_of, fill, log_in, register, submit, wait_for_text
from tests.web.test_runs_support import waiting_round

ORGANISER = "events@kvk-noord.nl"
SME = "export@f1.nl"


def _published_round(app, organiser_email: str) -> tuple[int, int]:
    """Round R1 (mission M1, three places, three firms) matched and published by the
    organiser; returns the mission id and F1's placement id."""
    engine = app.state.engine
    organisation_id = account_of(app, organiser_email).organisation_id
    with Session(engine) as session:
        round_row = import_scenario(
            session=session, document=waiting_round(capacity=3, applicants=3)
        )
        organiser = session.exec(select(User).where(User.email == organiser_email)).one()
        round_row.status = RoundStatus.closed
        round_row.organisation_id = organisation_id
        session.add(round_row)
        session.commit()
        run = run_service.start_run(
            session=session,
            round_id="R1",
            actor=organiser,
            options=run_service.solve_options(time_limit=20),
            enqueue=jobs.queue_for(app).defer,
        )
        run_id = run.id
    deadline = time.monotonic() + 60
    while True:
        with Session(engine) as session:
            state = session.get(MatchingRun, run_id).state  # type: ignore[union-attr]
        if state == RunState.succeeded:
            break
        assert state in (RunState.queued, RunState.running), state
        assert time.monotonic() < deadline, "the matching run did not finish"
        time.sleep(0.1)
    with Session(engine) as session:
        organiser = session.exec(select(User).where(User.email == organiser_email)).one()
        roster_service.publish_run(session=session, run_id=run_id, actor=organiser)
        mission = session.exec(select(Mission).where(Mission.external_id == "M1")).one()
        placement = session.exec(
            select(Placement)
            .join(Application, col(Application.id) == col(Placement.application_id))
            .join(RoundFirm, col(RoundFirm.firm_id) == col(Application.firm_id))
            .where(Placement.run_id == run_id, RoundFirm.external_id == "F1")
        ).one()
        return mission.id or 0, placement.id or 0


def _link_sme(app, email: str) -> None:
    account_of(app, email)  # the browser may still be registering
    with Session(app.state.engine) as session:
        firm = session.exec(
            select(Firm)
            .join(RoundFirm, col(RoundFirm.firm_id) == col(Firm.id))
            .where(RoundFirm.external_id == "F1")
        ).one()
        user = session.exec(select(User).where(User.email == email)).one()
        user.firm_id, firm.owner_user_id = firm.id, user.id
        session.add_all([user, firm])
        session.commit()


def _set(browser, name: str, value: str) -> None:
    """Set a date or time input (typing into them depends on the browser's locale)."""
    element = browser.find_element(By.NAME, name)
    browser.execute_script("arguments[0].value = arguments[1];", element, value)


def _text(browser, selector: str) -> str:
    found = browser.find_elements(By.CSS_SELECTOR, selector)
    return found[0].text if found else ""


def _wait(browser, condition, timeout: float = 20) -> None:
    WebDriverWait(browser, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
        condition
    )


def _switch_user(browser, base: str, email: str) -> None:
    browser.delete_all_cookies()
    log_in(browser, base, email)
    wait_for_text(browser, "Log out")


def _schedule_all(browser, run_number: int) -> None:
    submit(browser, "Schedule all")
    wait_for_text(browser, f"Schedule run {run_number}")
    # The progress bar polls the run and reloads the page when it has ended.
    done = f"schedule run {run_number} succeeded"
    _wait(browser, lambda d: done in _text(d, "body").lower(), timeout=90)
    assert "requested meetings scheduled" in browser.find_element(By.TAG_NAME, "body").text


def test_the_meeting_day_end_to_end(live_server, browser, tmp_path: Path) -> None:
    base, app = live_server.url, live_server.app
    register(browser, base, ORGANISER, "organiser", organisation="KvK Noord", app=live_server.app)
    wait_for_text(browser, "Log out")
    mission_id, placement_id = _published_round(app, ORGANISER)
    day_page = f"{base}/organiser/missions/{mission_id}/meetings"

    # The organiser sets up the day.
    browser.get(f"{base}/organiser/rounds/R1")
    browser.find_element(By.LINK_TEXT, "Meeting day").click()
    wait_for_text(browser, "Set up the meeting day")
    _set(browser, "day", "2027-01-12")
    _set(browser, "start_time", "09:00")
    fill(browser, slot_minutes="30", slots="4", morning_slots="2", lunch_minutes="60", tables="2")
    fill(browser, venue="Kempinski Hotel, Accra")
    submit(browser, "Set up the meeting day")
    wait_for_text(browser, "The meeting day is saved.")

    # ... adds a partner by hand ...
    fill(browser, name="Ama Mensah", organisation="Ghana Grid", country="GH", sector="energy")
    fill(browser, forbidden_slots="4")
    submit(browser, "Add the partner")
    wait_for_text(browser, "The partner is added.")

    # ... and two from a CSV file.
    upload = tmp_path / "partners.csv"
    upload.write_text(
        "name,organisation,country,sector,email,forbidden_slots\n"
        "Kofi Boateng,Volta Power,GH,energy,kofi@volta.example,\n"
        "Efua Owusu,Tema Port,GH,logistics,,1\n",
        encoding="utf-8",
    )
    browser.find_element(By.CSS_SELECTOR, "input[type=file][name=file]").send_keys(str(upload))
    submit(browser, "Upload the partners")
    wait_for_text(browser, "The partners of the file are added.")
    assert "Partners (3)" in browser.find_element(By.TAG_NAME, "body").text

    # A placed firm requests meetings on its own page.
    browser.delete_all_cookies()
    register(browser, base, SME, "sme")
    wait_for_text(browser, "Log out")
    _link_sme(app, SME)
    browser.get(f"{base}/sme/placements/{placement_id}")
    browser.find_element(By.PARTIAL_LINK_TEXT, "Meeting day").click()
    wait_for_text(browser, "Your meeting requests")
    for partner in ("Ama Mensah", "Kofi Boateng"):
        Select(browser.find_element(By.NAME, "partner_id")).select_by_visible_text(
            next(
                option.text
                for option in browser.find_elements(
                    By.CSS_SELECTOR, "select[name=partner_id] option"
                )
                if option.text.startswith(partner)
            )
        )
        submit(browser, "Request the meeting")
        # The notice of the first request is already on the page: wait for the new row.
        _wait(browser, lambda d, p=partner: p in _text(d, "table.requests"))
    assert "Your meeting request is recorded." in _text(browser, "body")

    # The organiser adds a request for another firm and schedules all.
    _switch_user(browser, base, ORGANISER)
    browser.get(day_page)
    Select(browser.find_element(By.NAME, "firm_id")).select_by_index(1)
    Select(browser.find_element(By.NAME, "partner_id")).select_by_index(0)
    submit(browser, "Add the request")
    wait_for_text(browser, "The meeting request is recorded.")
    _schedule_all(browser, 1)
    assert browser.find_elements(By.TAG_NAME, "progress")
    assert "3 of 3" in browser.find_element(By.TAG_NAME, "body").text
    assert browser.find_element(By.CSS_SELECTOR, "table.schedule-grid")
    assert "Lunch pause, 60 minutes" in _text(browser, "table.schedule-grid")
    assert_fits(browser, day_page, screenshot_dir(tmp_path), "organiser-meeting-grid")

    # Lock one meeting, re-run: it stays in its slot at its table.
    browser.find_elements(By.XPATH, "//button[normalize-space()='Lock']")[0].click()
    wait_for_text(browser, "The meeting is locked")
    with Session(app.state.engine) as session:
        locked = session.exec(
            select(MeetingRequest).where(col(MeetingRequest.locked_slot).is_not(None))
        ).one()
        pinned = (locked.locked_slot, locked.locked_table)
    _schedule_all(browser, 2)
    row = browser.find_element(By.ID, f"request-{locked.id}").text
    assert f"slot {pinned[0]}, table {pinned[1]}" in row and "locked" in row

    submit(browser, "Publish the agendas")
    wait_for_text(browser, "publishing the agendas cannot be undone")
    submit(browser, "Yes, publish the agendas")
    wait_for_text(browser, "The schedule is published")

    # The firm opens its agenda and downloads its iCalendar file.
    _switch_user(browser, base, SME)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    browser.get(f"{base}/sme/placements/{placement_id}/meetings")
    wait_for_text(browser, "Your agenda")
    agenda = browser.find_element(By.CSS_SELECTOR, "table.agenda-table").text
    assert "Table" in agenda and "Ama Mensah" in agenda and "Kofi Boateng" in agenda
    browser.find_element(By.LINK_TEXT, "Download the iCalendar file (.ics)").click()
    deadline = time.monotonic() + 20
    while not list(downloads.glob("*.ics")):
        assert time.monotonic() < deadline, "the iCalendar file was not downloaded"
        time.sleep(0.1)
    calendar = icalendar.Calendar.from_ical(next(downloads.glob("*.ics")).read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2
    for event in events:
        assert "table" in str(event["summary"]).lower()
        assert event.decoded("dtstart").date().isoformat() == "2027-01-12"

    # The printable agenda carries the print stylesheet.
    browser.find_element(By.LINK_TEXT, "Printable agenda").click()
    wait_for_text(browser, "laid out for paper")
    has_print_rules = browser.execute_script(
        "return Array.from(document.styleSheets).some(function (sheet) {"
        "  return Array.from(sheet.cssRules).some(function (rule) {"
        "    return rule.media && rule.media.mediaText.indexOf('print') >= 0; }); });"
    )
    assert has_print_rules, "the printable agenda has an @media print stylesheet"
    assert "Agenda · " in browser.find_element(By.TAG_NAME, "h1").text
