"""Layout checks in the browser: a page scrolls only up and down at the window's width, and
its screenshot is kept (under $MATCHMAKER_SCREENSHOTS if set, else the test's tmp_path)."""

from __future__ import annotations

import os
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser.accessibility import assert_accessible


def screenshot_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("MATCHMAKER_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def assert_fits(driver: WebDriver, url: str, folder: Path, name: str) -> None:
    """The page at `url` scrolls only up and down at the window's width and passes the
    accessibility check; kept as `name`.png."""
    driver.get(url)
    assert driver.find_element(By.TAG_NAME, "h1").text
    driver.save_screenshot(str(folder / f"{name}.png"))
    scroll, inner = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    wide = driver.execute_script(
        "return [...document.querySelectorAll('main *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    assert scroll <= inner, f"{name} scrolls sideways at {inner} px ({scroll} px wide): {wide}"
    assert_accessible(driver, name)


def set_size(driver: WebDriver, size: tuple[int, int]) -> None:
    driver.set_window_size(*size)
    # The window's outer size includes the frame; make the page itself the wanted width.
    inner = driver.execute_script("return window.innerWidth")
    driver.set_window_size(size[0] + (size[0] - inner), size[1])
