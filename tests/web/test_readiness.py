"""The readiness scan's scoring rules (a pure module): one test per track, then the flags,
the answer checks, the referrals and the mission links."""

from __future__ import annotations

from typing import Any

import pytest

from matchmaker.models import Track
from matchmaker.services import readiness, readiness_referrals

# A firm ready for a business mission: every step in order, a product that competes abroad,
# a concrete business case, going with the region's support.
READY: dict[str, str] = {
    "export_wish": "yes",
    "market_choice": "yes",
    "target_country": "DE",
    "organisation_capacity": "yes",
    "export_experience": "occasionally",
    "costs_and_risks": "yes",
    "funding": "yes",
    "product_fit": "yes",
    "contacts": "few",
    "business_case": "yes",
    "support": "together",
}


def outcome(**changes: str) -> readiness.Outcome:
    return readiness.recommend(readiness.parse_answers({**READY, **changes}))


# --------------------------------------------------------------------------- one test per track


def test_business_mission_when_every_step_is_in_order_and_there_is_a_case() -> None:
    result = outcome()
    assert result.track is Track.business_mission
    assert "have a concrete business case" in result.reason
    assert "in Germany" in result.reason
    # Writing the case is enough to be ready for it.
    assert outcome(business_case="can_write").track is Track.business_mission


def test_promotional_mission_while_the_exploration_is_open() -> None:
    result = outcome(market_choice="exploring", target_country="")
    assert result.track is Track.promotional_mission
    assert "the product and country are not chosen yet" in result.reason
    assert "promotional mission or a fair visit" in result.reason
    # Ready in every step but without a business case: still exploring demand.
    no_case = outcome(business_case="no")
    assert no_case.track is Track.promotional_mission
    assert "there is no concrete business case yet" in no_case.reason
    unknown_fit = outcome(product_fit="unknown")
    assert unknown_fit.track is Track.promotional_mission
    assert "whether your product competes abroad" in unknown_fit.reason


def test_innovation_support_when_the_product_is_not_yet_competitive_abroad() -> None:
    result = outcome(product_fit="needs_work")
    assert result.track is Track.innovation_support
    assert "needs adapting or certifying" in result.reason
    # It comes before a business mission: the product first.
    assert outcome(product_fit="needs_work", business_case="yes").track is (
        Track.innovation_support
    )


def test_network_support_when_ready_in_product_but_without_contacts_or_people() -> None:
    no_contacts = outcome(contacts="none", business_case="no")
    assert no_contacts.track is Track.network_support
    assert "you lack contacts there" in no_contacts.reason
    no_people = outcome(organisation_capacity="partly", business_case="yes")
    assert no_people.track is Track.network_support
    assert "the people to build contacts alone" in no_people.reason


def test_no_support_needed_when_ready_and_going_alone() -> None:
    result = outcome(support="alone")
    assert result.track is Track.no_support_needed
    assert "organise it yourselves" in result.reason
    # Going alone while a step is open still gets the advice for that step.
    assert outcome(support="alone", funding="no", business_case="no").track is (
        Track.promotional_mission
    )


def test_not_now_without_a_wish_to_export() -> None:
    for wish in ("no", "later"):
        result = outcome(export_wish=wish)
        assert result.track is Track.not_now
        assert "do not want to export at the moment" in result.reason


# --------------------------------------------------------------------------- flags and answers


def test_the_three_readiness_flags() -> None:
    assert outcome().readiness == readiness.Readiness(True, True, True)
    assert outcome(market_choice="exploring").readiness.strategy is False
    assert outcome(export_wish="later").readiness.strategy is False
    assert outcome(organisation_capacity="partly").readiness.organisation is False
    assert outcome(costs_and_risks="partly").readiness.finance is False
    assert outcome(funding="no").readiness.finance is False


def test_every_required_question_needs_one_of_its_answers() -> None:
    answers: dict[str, Any] = {**READY, "funding": "maybe", "contacts": ""}
    del answers["support"]
    answers["colour"] = "blue"
    answers["target_country"] = "Germany"
    with pytest.raises(readiness.Invalid) as caught:
        readiness.parse_answers(answers)
    assert caught.value.fields() == {
        "colour": "is not a question of the scan",
        "funding": "choose one of yes, no",
        "contacts": "choose an answer",
        "support": "choose an answer",
        "target_country": "'Germany' is not an ISO 3166-1 alpha-2 country code (e.g. DE, PL)",
    }


def test_the_target_country_is_optional_and_upper_cased() -> None:
    parsed = readiness.parse_answers({**READY, "target_country": " cn "})
    assert parsed["target_country"] == "CN"
    assert "target_country" not in readiness.parse_answers({**READY, "target_country": ""})


# --------------------------------------------------------------------------- referrals and links


def _keys(track: Track, **kwargs: Any) -> list[str]:
    options = {"region": "GR", "sector": "metal", "target_country": None, **kwargs}
    return [r.key for r in readiness_referrals.referrals(track, **options)]


def test_each_track_refers_onward() -> None:
    assert _keys(Track.innovation_support) == ["spinn", "hanze_entrepreneurship", "nhl_stenden"]
    assert _keys(Track.innovation_support, sector="water") == [
        "spinn",
        "water_alliance",
        "hanze_entrepreneurship",
        "nhl_stenden",
    ]
    assert _keys(Track.network_support, region="DR", sector="healthy_ageing") == [
        "export_club_drenthe",
        "hannn",
        "spinn",
    ]
    assert _keys(Track.network_support, region="XX", sector="energy") == [
        "export_club_drenthe",
        "export_club_groningen",
        "export_club_friesland",
        "energy_valley",
        "spinn",
    ]
    assert _keys(Track.promotional_mission, region="FR") == [
        "hanze_entrepreneurship",
        "export_club_friesland",
    ]
    assert _keys(Track.business_mission, target_country="CN") == [
        "export_club_groningen",
        "confucius_institute",
    ]
    assert _keys(Track.no_support_needed) == []
    assert _keys(Track.not_now, target_country="CN") == []


def test_mission_tracks_point_to_the_filtered_mission_list() -> None:
    assert readiness_referrals.mission_filter(Track.business_mission, target_country="DE") == {
        "kind": "business",
        "country": "DE",
    }
    assert readiness_referrals.mission_filter(Track.business_mission, target_country=None) == {
        "kind": "business"
    }
    assert readiness_referrals.mission_filter(Track.promotional_mission, target_country="DE") == {
        "kind": "promotional"
    }
    assert readiness_referrals.mission_filter(Track.no_support_needed, target_country=None) == {}
    for track in (Track.innovation_support, Track.network_support, Track.not_now):
        assert readiness_referrals.mission_filter(track, target_country="DE") is None


def test_every_track_has_a_title_and_the_questions_cover_every_section() -> None:
    assert set(readiness.TRACK_TITLES) == set(Track)
    assert {q.section for q in readiness.QUESTIONS} == set(readiness.SECTIONS)
    assert len({q.key for q in readiness.QUESTIONS}) == len(readiness.QUESTIONS)
