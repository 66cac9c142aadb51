"""Small helpers to fill and submit forms in the browser as a person would."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser.words import words
from tests.web.clients import invite

PASSWORD = "correct horse battery"


def fill(driver: WebDriver, **fields: str) -> None:
    for name, value in fields.items():
        element = driver.find_element(By.NAME, name)
        element.clear()
        element.send_keys(value)


def submit(driver: WebDriver, label: str) -> None:
    """Click the button with this (English) label, as the page says it in the test's language."""
    driver.find_element(By.XPATH, f'//button[normalize-space()="{words(label)}"]').click()


def register(
    driver: WebDriver,
    base: str,
    email: str,
    role: str,
    organisation: str = "",
    *,
    app: Any = None,
) -> None:
    """A new account, logged in: an SME registers on the form and then logs in; an
    organiser or branch organisation (`app`: the live server's) accepts an invitation into a
    new organisation of that name on the invitation page."""
    if role == "sme":
        driver.get(f"{base}/register")
        fill(driver, email=email, password=PASSWORD)
        submit(driver, "Create account")
        wait_for_text(driver, "If this e-mail address was new")
        log_in(driver, base, email)
        return
    assert app is not None, "organisers and branch organisations come by invitation"
    driver.get(base + invite(app, role, email=email, organisation=organisation or "Organisation"))
    wait_for_text(driver, "Your invitation")
    fill(driver, password=PASSWORD)
    submit(driver, "Create account")
    wait_for_text(driver, "Log out", timeout=30)  # accepted, and logged in
    wait_for_text(driver, email, as_written=True)


def log_in(driver: WebDriver, base: str, email: str) -> None:
    driver.get(f"{base}/login")
    fill(driver, email=email, password=PASSWORD)
    submit(driver, "Log in")


def wait_for_text(
    driver: WebDriver, text: str, timeout: float = 10, *, as_written: bool = False
) -> None:
    """Wait until the page shows this (English) text in the test's language, or `as_written`
    (data such as a name) (after a click the next page loads asynchronously)."""
    text = text if as_written else words(text)
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def shows(d: WebDriver) -> bool:
        try:
            return text in d.find_element(By.TAG_NAME, "body").text
        except WebDriverException:
            # The old page's body went away while it was read ("stale element", or Chromium's
            # "node does not belong to the document"): the next page is loading; look again.
            return False

    WebDriverWait(driver, timeout).until(shows)


def account_of(app, email: str):
    """The account with this e-mail address, waiting for it: after a click the browser may
    still be accepting the invitation or registering."""
    import time

    from sqlmodel import Session, select

    from matchmaker.models import User

    deadline = time.monotonic() + 30
    with Session(app.state.engine) as session:
        while (user := session.exec(select(User).where(User.email == email)).first()) is None:
            assert time.monotonic() < deadline, f"no account {email}"
            time.sleep(0.1)
            session.rollback()
        return user


def adopt_rounds(app, email: str) -> None:
    """Give the test's rounds to this organiser's organisation, inviting branch missions, as
    `matchmaker import --organisation` and the round page's toggle would."""
    from sqlmodel import Session, select

    from matchmaker.models import Round

    organisation_id = account_of(app, email).organisation_id
    with Session(app.state.engine) as session:
        for round_row in session.exec(select(Round)):
            round_row.organisation_id = organisation_id
            round_row.invites_branch_missions = True
            session.add(round_row)
        session.commit()


def firm_into_world(app, organiser_email: str, sme_email: str) -> None:
    """A firm for the SME's account, taking part in a round of the organiser's organisation
    (as importing a round with that firm does), so the organiser may manage the account."""
    from sqlmodel import Session

    from matchmaker.models import Firm, Round, RoundFirm, User

    organisation_id = account_of(app, organiser_email).organisation_id
    sme_id = account_of(app, sme_email).id
    with Session(app.state.engine) as session:
        sme = session.get(User, sme_id)
        firm = Firm(
            kvk="87654321",
            name="Zuivel Noord BV",
            region="FR",
            sector="agrifood",
            employees=8,
            owner_user_id=sme.id,
        )
        round_row = Round(id="world", name="World", organisation_id=organisation_id)
        session.add_all([firm, round_row])
        session.flush()
        sme.firm_id = firm.id
        session.add_all([sme, RoundFirm(round_id="world", firm_id=firm.id, external_id="F1")])
        session.commit()


def choose_language(driver: WebDriver, url: str, language: str) -> None:
    """Open `url` and use the switch on it to read the site in `language` (as a Dutch firm
    or chamber would); waits through the page's reload."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    button = driver.find_elements(By.CSS_SELECTOR, f"button[name=language][value={language}]")
    if button:
        button[0].click()
    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == language
    )
