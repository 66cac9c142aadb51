"""Eligibility reason codes in spec order, and every reason for an eligible application left out."""

from __future__ import annotations

import pytest

from tests.builders import (
    applicants,
    application,
    case,
    details,
    firm,
    mission,
    pairs,
    reasons,
    round_doc,
)
from tests.solving import solve_checked


def reason_of(doc: dict, pair: tuple[str, str] = ("F1", "M1")) -> str:
    result = solve_checked(doc)
    assert pair not in pairs(result)
    return reasons(result)[pair]


def business_doc(*, mission_sectors=(), firm_options=None, app_case="BC1", kind="business"):
    """F1 (water, ready) applies to business mission M1 (DE) naming its case BC1."""
    options = {"cases": [case()], **(firm_options or {})}
    return round_doc(
        missions=[mission(kind=kind, sectors=list(mission_sectors))],
        firms=[firm("F1", **options)],
        applications=[application("F1", "M1", 1, app_case)],
    )


def test_business_application_with_everything_in_order_is_placed():
    result = solve_checked(business_doc())
    assert pairs(result) == {("F1", "M1")}


# (what fails, the expected first reason); several failures at once keep the spec order.
CASES = [
    ("sector", {"mission_sectors": ["energy"]}, "sector_mismatch"),
    ("no case", {"app_case": None}, "no_business_case"),
    ("unverified", {"firm_options": {"cases": [case(verified=False)]}}, "business_case_unverified"),
    ("country", {"firm_options": {"cases": [case(country="DK")]}}, "business_case_wrong_country"),
    (
        "strategy",
        {"firm_options": {"readiness": {"strategy": False, "organisation": True}}},
        "not_ready",
    ),
    (
        "organisation",
        {"firm_options": {"readiness": {"strategy": True, "organisation": False}}},
        "not_ready",
    ),
    ("no readiness", {"firm_options": {"readiness": {}}}, "not_ready"),
    ("readiness omitted", {"firm_options": {"readiness": None}}, "not_ready"),
    (
        "sector before case",
        {"mission_sectors": ["energy"], "app_case": None, "firm_options": {"ready": False}},
        "sector_mismatch",
    ),
    (
        "case before readiness",
        {"app_case": None, "firm_options": {"ready": False}},
        "no_business_case",
    ),
    (
        "unverified before country and readiness",
        {"firm_options": {"cases": [case(verified=False, country="DK")], "ready": False}},
        "business_case_unverified",
    ),
    (
        "country before readiness",
        {"firm_options": {"cases": [case(country="DK")], "ready": False}},
        "business_case_wrong_country",
    ),
]


@pytest.mark.parametrize(("label", "options", "expected"), CASES, ids=[c[0] for c in CASES])
def test_eligibility_reason(label, options, expected):
    doc = business_doc(**options)
    if doc["firms"][0].get("readiness") is None:
        del doc["firms"][0]["readiness"]
    assert reason_of(doc) == expected


def test_finance_readiness_is_not_required():
    readiness = {"strategy": True, "organisation": True, "finance": False}
    result = solve_checked(business_doc(firm_options={"readiness": readiness}))
    assert pairs(result) == {("F1", "M1")}


def test_promotional_missions_need_no_case_and_no_readiness():
    doc = business_doc(kind="promotional", app_case=None, firm_options={"ready": False})
    assert pairs(solve_checked(doc)) == {("F1", "M1")}


def test_promotional_mission_ignores_an_unverified_foreign_case():
    doc = business_doc(
        kind="promotional",
        firm_options={"cases": [case(verified=False, country="CN")], "ready": False},
    )
    assert pairs(solve_checked(doc)) == {("F1", "M1")}


def test_promotional_mission_still_checks_the_sector():
    doc = business_doc(kind="promotional", mission_sectors=["energy", "metal"])
    assert reason_of(doc) == "sector_mismatch"


def test_mission_without_sectors_takes_every_sector():
    doc = business_doc(firm_options={"sector": "logistics", "cases": [case(sector="logistics")]})
    assert pairs(solve_checked(doc)) == {("F1", "M1")}


def test_ineligible_application_has_a_sentence_as_detail():
    result = solve_checked(business_doc(firm_options={"cases": [case(country="DK")]}))
    (row,) = result["unplaced"]
    assert row["reason"] == "business_case_wrong_country"
    assert "DK" in row["detail"] and "DE" in row["detail"]


# --------------------------------------------------------------------------- unplaced, eligible


def test_reason_placed_elsewhere():
    doc = round_doc(
        missions=[mission("M1"), mission("M2", start="2026-06-01")],
        applications=[application("F1", "M1", 1), application("F1", "M2", 2)],
    )
    assert reason_of(doc, ("F1", "M2")) == "placed_elsewhere"


def test_reason_date_conflict():
    doc = round_doc(
        missions=[
            mission("M1", start="2026-05-11", end="2026-05-13"),
            mission("M2", start="2026-05-13", end="2026-05-14"),
        ],
        applications=[application("F1", "M1", 1), application("F1", "M2", 2)],
        max_places_per_firm=2,
    )
    assert reason_of(doc, ("F1", "M2")) == "date_conflict"


def test_reason_mission_cancelled():
    doc = round_doc(missions=[mission(min_participants=2)])
    assert reason_of(doc) == "mission_cancelled"


def test_reason_outranked_with_the_lowest_placed_score():
    # F1 placed with rank 2 (1110), F2 applied with rank 4 (1060).
    doc = round_doc(
        missions=[mission(capacity=1)],
        firms=[firm("F1"), firm("F2")],
        applications=[application("F1", "M1", 2), application("F2", "M1", 4)],
    )
    result = solve_checked(doc)
    assert reasons(result) == {("F2", "M1"): "outranked"}
    assert details(result) == {("F2", "M1"): "mission full; lowest placed score 1110 > 1060"}


def test_reason_outranked_with_equal_scores():
    doc = round_doc(
        missions=[mission(capacity=1)],
        firms=[firm("F1"), firm("F2")],
        applications=applicants("F1", "F2"),
    )
    result = solve_checked(doc)
    assert list(details(result).values()) == [
        "mission full; lowest placed score 1150 = 1150; "
        "lost the lottery against an equal score (seed 0)"
    ]


def test_reason_slipstream_full():
    doc = round_doc(
        missions=[mission(slipstream_max=1)],
        firms=[firm("F1", sector="metal"), firm("F2", sector="metal", history=1)],
        applications=applicants("F1", "F2"),
    )
    assert reason_of(doc, ("F2", "M1")) == "slipstream_full"


def test_reason_sector_cap():
    doc = round_doc(
        missions=[mission(sector_max=1)],
        firms=[firm("F1"), firm("F2", history=1)],
        applications=applicants("F1", "F2"),
    )
    assert reason_of(doc, ("F2", "M1")) == "sector_cap"


def test_reason_budget():
    doc = round_doc(
        missions=[mission(subsidy_eur=1500)],
        firms=[firm("F1"), firm("F2", history=1)],
        applications=applicants("F1", "F2"),
        budget_eur=2000,
    )
    result = solve_checked(doc)
    assert reasons(result) == {("F2", "M1"): "budget"}
    assert "1500" in details(result)[("F2", "M1")]


def test_every_application_appears_once_with_a_reason_in_a_mixed_round():
    doc = round_doc(
        missions=[
            mission("M1", capacity=1),
            mission("M2", kind="business", start="2026-06-01"),
            mission("M3", start="2026-07-01", min_participants=3),
        ],
        firms=[firm("F1"), firm("F2", history=2), firm("F3", sector="metal")],
        applications=[
            application("F1", "M1", 1),
            application("F2", "M1", 1),
            application("F2", "M2", 2),
            application("F3", "M3", 1),
            application("F3", "M1", 2),
        ],
    )
    result = solve_checked(doc)
    assert pairs(result) == {("F1", "M1")}
    assert reasons(result) == {
        ("F2", "M1"): "outranked",
        ("F2", "M2"): "no_business_case",
        ("F3", "M3"): "mission_cancelled",
        ("F3", "M1"): "outranked",
    }
