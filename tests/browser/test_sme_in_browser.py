"""In a real browser: an SME registers its firm (a bad KvK number is named) and browses missions."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.pages import fill, register, submit, wait_for_text


def test_sme_registers_its_firm_after_a_kvk_mistake(live_server, browser) -> None:
    base = live_server.url
    register(browser, base, "directie@aquanoord.nl", "sme")
    wait_for_text(browser, "Log out")
    browser.get(f"{base}/sme/firm")
    fill(browser, kvk="1234567", name="Aqua Noord BV", employees="24")
    Select(browser.find_element(By.NAME, "region")).select_by_value("GR")
    Select(browser.find_element(By.NAME, "sector")).select_by_value("water")
    # The browser checks the pattern too; switch that off to see the server's own message.
    browser.execute_script("document.querySelector('form.stack').noValidate = true")
    submit(browser, "Register the firm")
    wait_for_text(browser, "8 digits")
    assert "8 digits" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text

    fill(browser, kvk="01234567")
    browser.execute_script("document.querySelector('form.stack').noValidate = true")
    submit(browser, "Register the firm")
    wait_for_text(browser, "Aqua Noord BV")
    browser.get(f"{base}/sme/firm")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Aqua Noord BV" in page and "01234567" in page


def test_anyone_browses_the_open_missions(live_server, browser) -> None:
    browser.get(f"{live_server.url}/missions")
    assert browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_elements(By.CSS_SELECTOR, "form select, form input")
