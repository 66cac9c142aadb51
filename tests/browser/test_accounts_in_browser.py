"""In a real browser: register, log out, log in again; a forged form post is refused."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from tests.browser.pages import PASSWORD, firm_into_world, log_in, register, wait_for_text


def test_register_log_out_and_log_in_again(live_server, browser) -> None:
    base = live_server.url
    register(browser, base, "inkoop@aquanoord.nl", "sme")
    wait_for_text(browser, "Log out (inkoop@aquanoord.nl)")

    browser.find_element(By.XPATH, "//button[starts-with(normalize-space(), 'Log out')]").click()
    wait_for_text(browser, "Register")
    cookie_names = {c["name"] for c in browser.get_cookies()}
    assert "mm_session" not in cookie_names

    log_in(browser, base, "inkoop@aquanoord.nl")
    wait_for_text(browser, "Log out (inkoop@aquanoord.nl)")
    session = next(c for c in browser.get_cookies() if c["name"] == "mm_session")
    assert session["httpOnly"] and session["secure"] and session["sameSite"] == "Lax"


def test_wrong_password_is_refused_with_a_message(live_server, browser) -> None:
    base = live_server.url
    register(browser, base, "info@energiek-drenthe.nl", "sme")
    wait_for_text(browser, "Log out")
    browser.delete_all_cookies()
    browser.get(f"{base}/login")
    browser.find_element(By.NAME, "email").send_keys("info@energiek-drenthe.nl")
    browser.find_element(By.NAME, "password").send_keys("not the password")
    browser.find_element(By.XPATH, "//button[normalize-space()='Log in']").click()
    wait_for_text(browser, "wrong password")
    assert "wrong password" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text


def test_an_organiser_disables_an_account_and_its_browser_session_ends(
    live_server, browser
) -> None:
    base = live_server.url
    register(browser, base, "verkoop@zuivelnoord.nl", "sme")
    wait_for_text(browser, "Log out (verkoop@zuivelnoord.nl)")
    sme_session = next(c for c in browser.get_cookies() if c["name"] == "mm_session")

    browser.delete_all_cookies()
    register(
        browser,
        base,
        "beheer@kvk-noord.nl",
        "organiser",
        organisation="KvK Noord",
        app=live_server.app,
    )
    firm_into_world(live_server.app, "beheer@kvk-noord.nl", "verkoop@zuivelnoord.nl")
    wait_for_text(browser, "Log out")
    browser.get(f"{base}/organiser")
    browser.find_element(By.LINK_TEXT, "Accounts").click()
    wait_for_text(browser, "verkoop@zuivelnoord.nl")
    browser.find_element(
        By.CSS_SELECTOR, "button[aria-label='Disable verkoop@zuivelnoord.nl']"
    ).click()
    wait_for_text(browser, "The account is disabled")
    assert "disabled" in browser.find_element(By.CSS_SELECTOR, "table.accounts").text

    # The SME's browser, with its session cookie as it was: the next page asks for a login.
    browser.delete_all_cookies()
    browser.add_cookie({k: sme_session[k] for k in ("name", "value", "path", "secure", "httpOnly")})
    browser.get(f"{base}/sme")
    wait_for_text(browser, "Log in")
    assert browser.current_url.startswith(f"{base}/login")
    assert "Log out" not in browser.find_element(By.TAG_NAME, "header").text
    log_in(browser, base, "verkoop@zuivelnoord.nl")
    wait_for_text(browser, "wrong password")


def test_an_organiser_invites_a_colleague_who_accepts_in_the_browser(live_server, browser) -> None:
    base = live_server.url
    register(
        browser,
        base,
        "beheer@kvk-noord.nl",
        "organiser",
        organisation="KvK Noord",
        app=live_server.app,
    )
    wait_for_text(browser, "Log out")
    browser.get(f"{base}/organiser")
    browser.find_element(By.LINK_TEXT, "Invitations").click()
    wait_for_text(browser, "No open invitations")
    browser.find_element(By.NAME, "email").send_keys("collega@kvk-noord.nl")
    browser.find_element(By.XPATH, "//button[normalize-space()='Create invitation']").click()
    wait_for_text(browser, "pass this link on")
    link = browser.find_element(By.ID, "invitation-link").text
    assert link.startswith(f"{base}/invitations/")

    browser.delete_all_cookies()
    browser.get(link)
    wait_for_text(browser, "You are invited as organiser of KvK Noord")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.XPATH, "//button[normalize-space()='Create account']").click()
    wait_for_text(browser, "Log out (collega@kvk-noord.nl)")
    browser.get(link)
    wait_for_text(browser, "This invitation link cannot be used")
