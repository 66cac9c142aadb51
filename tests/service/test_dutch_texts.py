"""The words a firm reads that code makes (reasons, statuses, the readiness scan's questions
and advice, the e-mails) are Dutch in Dutch and, in English, exactly what they always were."""

from __future__ import annotations

from datetime import UTC, datetime

from matchmaker import i18n
from matchmaker.models import PlacementStatus, Track
from matchmaker.services import mail_texts, readiness, readiness_referrals, reasons
from tests.web.test_readiness import READY

OUTRANKED = (
    "The mission was full, and every firm placed on it came before yours on the round's "
    "criteria: how high each firm ranked the mission, the priority of its region, a first "
    "participation and the strength of its business case."
)


def test_a_reason_is_dutch_in_dutch_and_unchanged_in_english() -> None:
    with i18n.language("nl"):
        assert reasons.for_firm("outranked").startswith("De missie was vol")
        assert reasons.for_firm("unknown_code") == "U bent niet geplaatst op deze missie."
        assert reasons.LABEL["budget"] == "het subsidiebudget van de ronde is op"
        assert reasons.status_for_firm(PlacementStatus.unplaced, "outranked") == (
            "Op de wachtlijst"
        )
        assert reasons.STATUS_FOR_FIRM[PlacementStatus.accepted] == "Plaats geaccepteerd"
    with i18n.language("en"):
        assert reasons.for_firm("outranked") == OUTRANKED
        assert reasons.for_firm("unknown_code") == "You were not placed on this mission."
        assert reasons.LABEL["budget"] == "the round's subsidy budget is used up"
        assert reasons.status_for_firm(PlacementStatus.unplaced, "outranked") == (
            "On the waiting list"
        )
        assert dict(reasons.STATUS_FOR_FIRM)[PlacementStatus.accepted] == "Place accepted"


def test_a_scan_advice_is_dutch_in_dutch_and_unchanged_in_english() -> None:
    answers = readiness.parse_answers({**READY, "product_fit": "needs_work"})
    with i18n.language("nl"):
        outcome = readiness.recommend(answers)
        assert outcome.track is Track.innovation_support
        assert outcome.reason.startswith("U wilt exporteren, maar uw product of dienst")
        assert "in Duitsland kan concurreren" in outcome.reason
        assert readiness.TRACK_TITLES[Track.innovation_support] == "Eerst innovatieondersteuning"
        question = readiness.QUESTION_BY_KEY["export_wish"]
        assert question.text.startswith("Wil uw bedrijf")
        assert [o.label for o in question.options] == [
            "Ja, binnen twee jaar",
            "Misschien later, nu niet",
            "Nee",
        ]
        assert readiness.SECTION_TITLES["finance"].startswith("Financiën en risico")
    with i18n.language("en"):
        assert readiness.recommend(answers).reason == (
            "You want to export, but your product or service needs adapting or certifying "
            "before it can compete in Germany. Work on the product first, with innovation "
            "support and the knowledge institutions below; a mission makes sense after that."
        )
        assert readiness.TRACK_TITLES[Track.innovation_support] == "Innovation support first"
        assert readiness.QUESTION_BY_KEY["export_wish"].options[2].label == "No"


def test_a_stored_english_reason_is_shown_in_the_readers_language() -> None:
    answers = readiness.parse_answers({**READY, "business_case": "no", "contacts": "none"})
    with i18n.language("nl"):
        dutch = readiness.recommend(answers).reason
    with i18n.language("en"):
        english = readiness.recommend(answers).reason  # what record_scan stores
    assert dutch != english and dutch.startswith("Uw product is klaar")
    with i18n.language("nl"):
        assert readiness.advice(answers, english) == dutch
        # Words stored under older rules stay as they were written.
        assert readiness.advice(answers, "Older advice.") == "Older advice."
    with i18n.language("en"):
        assert readiness.advice(answers, english) == english


def test_the_referrals_keep_their_names_and_say_their_offer_in_the_language() -> None:
    found = readiness_referrals.referrals(
        Track.innovation_support, region="GR", sector="water", target_country="CN"
    )
    with i18n.language("nl"):
        assert [r.name for r in found][:2] == ["SPINN", "Water Alliance"]
        assert found[-1].name == "Confucius Instituut Groningen"
        assert found[-1].offer == "Kennis over zakendoen met China."
    with i18n.language("en"):
        assert found[-1].name == "Confucius Institute Groningen"
        assert found[-1].offer == "Knowledge about doing business with China."


def test_an_email_renders_in_the_language_it_is_given() -> None:
    when = datetime(2027, 3, 12, 16, 0, tzinfo=UTC)
    context = {"mission": "Hamburg", "dates": "2027-04-10"}
    with i18n.language("nl"):
        subject, body = mail_texts.render(
            "offer_lapsing", answer_by=mail_texts.moment(when), **context
        )
    assert subject == "Uw aangeboden plaats vervalt bijna: Hamburg"
    assert body.startswith("Beste ondernemer,\n\nU heeft een plaats aangeboden gekregen")
    assert "12 maart 2027 om 17:00" in body and "You were offered" not in body
    with i18n.language("nl"):  # the language argument wins over the current one
        subject, body = mail_texts.render(
            "offer_lapsing", language="en", answer_by="12 March 2027 at 17:00", **context
        )
    assert subject == "Your offered place lapses soon: Hamburg"
    assert "by 12 March 2027 at 17:00 (Amsterdam time)" in body and "Beste" not in body
