"""The Dutch catalogue holds every message of the templates and the code, translated and checked."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog

from matchmaker import i18n
from scripts.catalogue import catalogue, extracted, key, missing

TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.SOURCE_LANGUAGE]


@pytest.fixture(scope="module")
def found() -> Catalog:
    return extracted()


def test_the_extraction_finds_the_templates_and_the_code(found: Catalog) -> None:
    files = {location[0] for message in found for location in message.locations}
    assert "templates/base.html" in files
    assert "matchmaker/main.py" in files  # mark() in code is extracted too
    assert len(found) > 20


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_has_a_translation_that_is_not_fuzzy(language: str) -> None:
    lacking = missing(language)
    assert not lacking, f"{len(lacking)} messages without a {language} translation " + (
        "(python scripts/catalogue.py missing):\n" + "\n".join(lacking)
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_holds_no_stale_messages_and_its_placeholders_match(
    found: Catalog, language: str
) -> None:
    known = catalogue(language)
    wanted = {(key(message.id), message.context) for message in found if message.id}
    stale = [
        key(message.id)
        for message in known
        if message.id and (key(message.id), message.context) not in wanted
    ]
    assert not stale, (
        f"{language} entries nothing uses any more (scripts/catalogue.py tidy): {stale}"
    )
    errors = [
        f"{message.id!r}: {error}" for message, problems in known.check() for error in problems
    ]
    assert not errors, "\n".join(errors)
    assert not known.fuzzy, "the catalogue's header is marked fuzzy"


def test_the_catalogue_changes_what_a_page_says() -> None:
    with i18n.language("nl"):
        assert i18n.gettext("My applications") == "Mijn aanmeldingen"
        assert i18n.ngettext("%(num)s place", "%(num)s places", 2) == "2 plaatsen"
        assert i18n.ngettext("%(num)s place", "%(num)s places", 1) == "1 plaats"
    with i18n.language("en"):
        assert i18n.gettext("My applications") == "My applications"
        assert i18n.ngettext("%(num)s place", "%(num)s places", 0) == "0 places"


def test_dates_numbers_and_countries_follow_the_language() -> None:
    from datetime import date

    with i18n.language("nl"):
        assert i18n.format_date(date(2027, 3, 12)) == "12 maart 2027"
        assert i18n.format_euros(1234.5) == "€\xa01.234,50"  # a no-break space
        assert i18n.country_name("DE") == "Duitsland"
    with i18n.language("en"):
        assert i18n.format_date(date(2027, 3, 12)) == "12 March 2027"
        assert i18n.format_euros(1234.5) == "€1,234.50"
        assert i18n.country_name("DE") == "Germany"


def test_the_built_in_sectors_have_both_languages() -> None:
    from matchmaker.services.firm_codes import DEFAULT_SECTORS

    water = next(code for code in DEFAULT_SECTORS if code.code == "water")
    with i18n.language("nl"):
        assert str(water.name) == "Watertechnologie"
    with i18n.language("en"):
        assert str(water.name) == "Water technology"


def test_a_moment_is_written_in_amsterdam_time_in_the_readers_language() -> None:
    from datetime import UTC, datetime

    moment = datetime(2027, 3, 12, 16, 0, tzinfo=UTC)  # 17:00 in Amsterdam (winter time)
    with i18n.language("nl"):
        assert i18n.format_moment(moment) == "12 maart 2027 om 17:00"
    with i18n.language("en"):
        assert i18n.format_moment(moment) == "12 March 2027 at 17:00"
