"""The accessibility check of a page in the browser: axe-core's WCAG 2.1 A and AA rules
(labels, headings, contrast, language of the page, ...); any violation fails the test."""

from __future__ import annotations

from selenium.webdriver.remote.webdriver import WebDriver
from selenium_axe_python import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The rules of good practice axe also has, beyond WCAG, that these pages keep to as well.
PRACTICE_RULES = ["heading-order", "page-has-heading-one", "landmark-one-main", "region"]


def violations(driver: WebDriver) -> list[dict]:
    """axe-core's violations on the page the browser shows now."""
    axe = Axe(driver)
    axe.inject()
    wcag = axe.run(options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    practice = axe.run(options={"runOnly": {"type": "rule", "values": PRACTICE_RULES}})
    return wcag["violations"] + practice["violations"]


def describe(found: list[dict]) -> str:
    lines = []
    for violation in found:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary']}")
    return "\n".join(lines)


def assert_accessible(driver: WebDriver, name: str) -> None:
    """The page the browser shows now has no accessibility violation."""
    found = violations(driver)
    assert not found, f"{name}: {len(found)} accessibility violations\n{describe(found)}"
