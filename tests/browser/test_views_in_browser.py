"""In a real browser: a branch organisation offers a national delegation and sees who was
placed; the organiser's exports download with the browser's own session; the dashboard's
SVG charts render and the page fetches nothing from elsewhere."""

from __future__ import annotations

import base64
import csv
import io
import json
import time
from typing import Any

import openpyxl
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select
from sqlalchemy import Engine
from sqlmodel import Session, select

from matchmaker import resources
from matchmaker.models import Application, Firm, MatchingRun, Mission, Role, Round, RoundStatus
from matchmaker.services import accounts, run_execution
from matchmaker.services import rosters as roster_service
from matchmaker.services import runs as run_service
from matchmaker.services.scenarios import import_scenario
from tests.browser.pages import PASSWORD, adopt_rounds, fill, register, submit, wait_for_text


def spring_round(engine: Engine, status: RoundStatus = RoundStatus.draft) -> str:
    document = json.loads(resources.resolve_scenario("spring-2027-noord").read_text("utf-8"))
    with Session(engine) as session:
        round_row = import_scenario(session=session, document=document)
        round_row.status = status
        round_row.invites_branch_missions = True
        session.add(round_row)
        session.commit()
        return round_row.id


def match_and_publish(engine: Engine, round_id: str) -> int:
    """Close the round, run the matching to the end and publish it (as the organiser would)."""
    with Session(engine) as session:
        organiser = accounts.register_user(
            session=session,
            email=f"matcher-{round_id}@kvk-noord.nl",
            password=PASSWORD,
            role=Role.organiser,
            organisation_name="KvK Noord",
        )
        round_row = session.get(Round, round_id)
        assert round_row is not None
        round_row.status = RoundStatus.closed
        round_row.organisation_id = organiser.organisation_id
        session.add(round_row)
        session.commit()
        run = run_service.start_run(
            session=session,
            round_id=round_id,
            actor=organiser,
            options=run_service.solve_options(time_limit=30),
            enqueue=lambda _session, _run_id: None,
        )
        run_id = run.id
        assert run_id is not None
    # The server's own runner may claim the run first; then wait for it.
    run_execution.execute_run(engine=engine, run_id=run_id)
    deadline = time.monotonic() + 60
    while True:
        with Session(engine) as session:
            state = session.get(MatchingRun, run_id).state  # type: ignore[union-attr]
        if state == "succeeded":
            break
        assert state in ("queued", "running") and time.monotonic() < deadline, state
        time.sleep(0.2)
    with Session(engine) as session:
        organiser = session.exec(
            select(accounts.User).where(accounts.User.email == f"matcher-{round_id}@kvk-noord.nl")
        ).one()
        roster_service.publish_run(session=session, run_id=run_id, actor=organiser)
    return run_id


def browser_fetch(driver: WebDriver, path: str) -> dict[str, Any]:
    """GET a path with the browser's own cookies (fetch in the page); the body in base64."""
    return driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0], {credentials: "same-origin"}).then(async (response) => {
          const bytes = new Uint8Array(await response.arrayBuffer());
          let binary = "";
          for (const b of bytes) binary += String.fromCharCode(b);
          done({status: response.status, type: response.headers.get("content-type"),
                disposition: response.headers.get("content-disposition"), body: btoa(binary)});
        }).catch((error) => done({status: 0, type: String(error), body: ""}));
        """,
        path,
    )


# --------------------------------------------------------------------------- branch organisation


def test_branch_organisation_offers_a_delegation_and_sees_who_was_placed(
    live_server, browser
) -> None:
    engine = live_server.app.state.engine
    round_id = spring_round(engine, RoundStatus.open)
    base = live_server.url
    register(
        browser,
        base,
        "delegaties@windenergie.nl",
        "branch_org",
        organisation="Wind NL",
        app=live_server.app,
    )
    wait_for_text(browser, "Log out")
    browser.get(f"{base}/branch")
    browser.find_element(By.LINK_TEXT, "Offer a national mission").click()
    wait_for_text(browser, "Offer a national mission")
    fill(
        browser,
        external_id="N-WIND-HULL",
        title="Offshore wind delegation Hull",
        organiser="Holland Home of Wind Energy",
        country="GB",
        capacity="2",
        subsidy_eur="1500",
    )
    browser.find_element(By.CSS_SELECTOR, "input[name=kind][value=promotional]").click()
    Select(browser.find_element(By.NAME, "format")).select_by_value("branch_delegation")
    for name, value in (("start_date", "2027-03-16"), ("end_date", "2027-03-19")):
        # A date input takes the value through script: typing depends on the browser's locale.
        browser.execute_script(
            "document.querySelector(`input[name=${arguments[0]}]`).value = arguments[1]",
            name,
            value,
        )
    submit(browser, "Offer the places")
    wait_for_text(browser, "Who was placed")
    assert "has not published the results" in browser.find_element(By.TAG_NAME, "main").text

    with Session(engine) as session:
        mission = session.exec(select(Mission).where(Mission.external_id == "N-WIND-HULL")).one()
        assert mission.scope == "national" and mission.round_id == round_id
        firms = session.exec(select(Firm).order_by(Firm.id).limit(3)).all()
        for firm in firms:
            # Each firm's most wanted choice, so it is not placed elsewhere instead.
            session.add(
                Application(round_id=round_id, firm_id=firm.id, mission_id=mission.id, rank=1)
            )
        for application in session.exec(
            select(Application).where(
                Application.mission_id != mission.id,
                Application.firm_id.in_([f.id for f in firms]),  # type: ignore[union-attr]
            )
        ):
            session.delete(application)
        session.commit()
        names = {f.name for f in firms}
    match_and_publish(engine, round_id)

    browser.get(f"{base}/branch")
    browser.find_element(By.LINK_TEXT, "Who was placed").click()
    wait_for_text(browser, "2 of 2 places taken")
    table = browser.find_element(By.TAG_NAME, "table").text
    placed = [name for name in names if name in table]
    assert len(placed) == 2, table
    assert "offered, awaiting the firm's answer" in table


# --------------------------------------------------------------------------- organiser exports


def test_organiser_exports_download_with_the_browser_session(live_server, browser) -> None:
    engine = live_server.app.state.engine
    round_id = spring_round(engine)
    match_and_publish(engine, round_id)
    base = live_server.url
    register(
        browser,
        base,
        "export@kvk-noord.nl",
        "organiser",
        organisation="KvK Noord",
        app=live_server.app,
    )
    wait_for_text(browser, "Log out")
    adopt_rounds(live_server.app, "export@kvk-noord.nl")
    browser.get(f"{base}/organiser/rounds/{round_id}")
    links = {
        link.get_attribute("href").removeprefix(base)
        for link in browser.find_elements(By.TAG_NAME, "a")
    }
    csv_links = sorted(link for link in links if link.endswith("/roster.csv"))
    xlsx_links = sorted(link for link in links if link.endswith("/roster.xlsx"))
    calendar = f"/organiser/rounds/{round_id}/calendar.ics"
    assert csv_links and len(csv_links) == len(xlsx_links)
    assert calendar in links

    with Session(engine) as session:
        mission = session.exec(
            select(Mission).where(
                Mission.round_id == round_id, Mission.external_id == "M-HAM-WATER"
            )
        ).one()
    roster_path = f"/organiser/rounds/{round_id}/missions/{mission.id}/roster"
    assert f"{roster_path}.csv" in csv_links

    got = browser_fetch(browser, f"{roster_path}.csv")
    assert got["status"] == 200 and got["type"].startswith("text/csv"), got["type"]
    assert "attachment" in got["disposition"]
    rows = list(csv.reader(io.StringIO(base64.b64decode(got["body"]).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Firm id", "Firm", "KvK"]
    statuses = {row[rows[0].index("Status")] for row in rows[1:]}
    assert "offered" in statuses, statuses

    got = browser_fetch(browser, f"{roster_path}.xlsx")
    assert got["status"] == 200
    assert got["type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(got["body"])))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]][:2] == ["Firm id", "Firm"]
    assert sheet.max_row == len(rows)

    got = browser_fetch(browser, calendar)
    assert got["status"] == 200 and got["type"].startswith("text/calendar"), got["type"]
    text = base64.b64decode(got["body"]).decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in text
    assert mission.title.split()[0] in text

    # Without the session the same link is no download.
    browser.delete_all_cookies()
    assert browser_fetch(browser, f"{roster_path}.csv")["type"].startswith("text/html")


# --------------------------------------------------------------------------- dashboard


def test_dashboard_charts_render_with_nothing_from_elsewhere(live_server, browser) -> None:
    engine = live_server.app.state.engine
    round_id = spring_round(engine)
    match_and_publish(engine, round_id)
    base = live_server.url
    register(
        browser,
        base,
        "cijfers@kvk-noord.nl",
        "organiser",
        organisation="KvK Noord",
        app=live_server.app,
    )
    wait_for_text(browser, "Log out")
    adopt_rounds(live_server.app, "cijfers@kvk-noord.nl")
    browser.get(f"{base}/organiser/rounds/{round_id}/dashboard")
    charts = browser.find_elements(By.CSS_SELECTOR, "main svg.chart-svg")
    assert len(charts) >= 4, len(charts)
    for chart in charts:
        assert chart.size["width"] > 50 and chart.size["height"] > 20, chart.size
        assert chart.find_elements(By.CSS_SELECTOR, "rect, path, circle, line")
    labels = " ".join(chart.text for chart in charts) + browser.page_source
    assert "Groningen" in labels and "Water" in labels

    resources_loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert all(name.startswith(base) for name in resources_loaded), resources_loaded
    page = browser.page_source
    for attribute in ("src=", "href=", "xlink:href="):
        for piece in page.split(attribute)[1:]:
            target = piece[1:].split(piece[0], 1)[0]
            assert not target.startswith(("http:", "https:", "//")), target
