"""The audit log in words: Dutch and English for each action, object type and recorded value."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from matchmaker import times


class Words(NamedTuple):
    """One text in Dutch (shown first) and English."""

    nl: str
    en: str


# Every action code the services record (grep audit.record / commit_change), in plain words.
ACTIONS: dict[str, Words] = {
    # Accounts and access
    "register": Words("Account aangemaakt", "Account registered"),
    "register_existing": Words(
        "Registratie met een bestaand e-mailadres", "Registration with an existing e-mail address"
    ),
    "login": Words("Ingelogd", "Logged in"),
    "login_failed": Words("Inloggen mislukt", "Login failed"),
    "logout": Words("Uitgelogd", "Logged out"),
    "language": Words("Taal gekozen", "Chose a language"),
    "create_token": Words("API-sleutel aangemaakt", "API token created"),
    "enable": Words("Account ingeschakeld", "Account enabled"),
    "disable": Words("Account uitgeschakeld", "Account disabled"),
    "invite": Words("Uitnodiging verstuurd", "Invitation made"),
    "accept_invitation": Words("Uitnodiging aangenomen", "Invitation accepted"),
    "revoke_invitation": Words("Uitnodiging ingetrokken", "Invitation withdrawn"),
    "password.reset_requested": Words("Nieuw wachtwoord aangevraagd", "Password reset requested"),
    "password.reset": Words("Wachtwoord opnieuw ingesteld", "Password reset"),
    "demo.load": Words("Demonstratieronde geladen", "Demonstration round loaded"),
    "demo.password": Words("Demo-wachtwoord ingesteld", "Demo password set"),
    # Firms, business cases, readiness
    "firm.register": Words("Bedrijf geregistreerd", "Firm registered"),
    "firm.update": Words("Bedrijfsprofiel gewijzigd", "Firm profile changed"),
    "business_case.create": Words("Business case geschreven", "Business case written"),
    "business_case.update": Words("Business case gewijzigd", "Business case changed"),
    "business_case.verify": Words("Business case goedgekeurd", "Business case verified"),
    "business_case.reject": Words("Business case afgewezen", "Business case rejected"),
    "readiness_scan.create": Words("Exportscan ingevuld", "Readiness scan taken"),
    "external_mission.create": Words(
        "Missie buiten matchmaker toegevoegd", "Mission outside matchmaker added"
    ),
    "external_mission.delete": Words(
        "Missie buiten matchmaker verwijderd", "Mission outside matchmaker removed"
    ),
    # Rounds and missions
    "round.create": Words("Ronde aangemaakt", "Round created"),
    "round.import": Words("Ronde geïmporteerd", "Round imported"),
    "round.open": Words("Aanmelding geopend", "Applications opened"),
    "round.close": Words("Aanmelding gesloten", "Applications closed"),
    "round.reopen": Words("Aanmelding heropend", "Applications reopened"),
    "round.deadline": Words("Aanmeldtermijn gewijzigd", "Application deadline changed"),
    "round.answer_days": Words("Antwoordtermijn gewijzigd", "Answer days changed"),
    "round.invite_branch_missions": Words(
        "Branchemissies uitgenodigd of niet", "Branch missions invited or not"
    ),
    "round.publish": Words("Indeling gepubliceerd", "Roster published"),
    "mission.create": Words("Missie aangemaakt", "Mission created"),
    "mission.update": Words("Missie gewijzigd", "Mission changed"),
    # Applications
    "application.create": Words("Aanmelding verstuurd", "Application sent"),
    "application.update": Words("Aanmelding gewijzigd", "Application changed"),
    "application.resubmit": Words("Aanmelding opnieuw verstuurd", "Application sent again"),
    "application.withdraw": Words("Aanmelding ingetrokken", "Application withdrawn"),
    # Matching runs
    "run.start": Words("Indeling gestart", "Matching run started"),
    "run.queued": Words("Indeling in de wachtrij", "Matching run queued"),
    "run.running": Words("Indeling loopt", "Matching run running"),
    "run.succeeded": Words("Indeling klaar", "Matching run finished"),
    "run.failed": Words("Indeling mislukt", "Matching run failed"),
    "run.stopped": Words("Indeling gestopt", "Matching run stopped"),
    "run.interrupted": Words("Indeling onderbroken", "Matching run interrupted"),
    "run.stop": Words("Stoppen van de indeling gevraagd", "Stop of the matching run asked"),
    # Placements
    "placement.lock": Words("Plaats vastgezet", "Placement locked"),
    "placement.unlock": Words("Plaats losgemaakt", "Placement unlocked"),
    "placement.offer": Words("Plaats aangeboden", "Place offered"),
    "placement.publish": Words("Uitslag gepubliceerd", "Result published"),
    "placement.offer_from_waiting_list": Words(
        "Plaats aangeboden van de wachtlijst", "Place offered from the waiting list"
    ),
    "placement.give_back": Words(
        "Aanbod vervallen: een plaats op een hogere keuze is aangeboden",
        "Offer given back: a place on a higher choice was offered",
    ),
    "placement.accept": Words("Plaats geaccepteerd", "Place accepted"),
    "placement.decline": Words("Plaats afgeslagen", "Place declined"),
    "placement.withdraw": Words("Deelname ingetrokken", "Participation withdrawn"),
    "placement.lapse": Words(
        "Aanbod verlopen (niet op tijd beantwoord)", "Offer lapsed (not answered in time)"
    ),
    # Meeting days
    "meeting_day.create": Words("Matchmakingdag aangemaakt", "Meeting day created"),
    "meeting_day.update": Words("Matchmakingdag gewijzigd", "Meeting day changed"),
    "meeting_day.publish": Words("Agenda's gepubliceerd", "Agendas published"),
    "meeting_partner.create": Words("Gesprekspartner toegevoegd", "Meeting partner added"),
    "meeting_partner.import": Words("Gesprekspartners geïmporteerd", "Meeting partners imported"),
    "meeting_partner.delete": Words("Gesprekspartner verwijderd", "Meeting partner removed"),
    "meeting_request.create": Words("Gespreksverzoek toegevoegd", "Meeting request added"),
    "meeting_request.delete": Words("Gespreksverzoek verwijderd", "Meeting request removed"),
    "meeting_request.lock": Words("Gesprek vastgezet", "Meeting locked"),
    "meeting_request.unlock": Words("Gesprek losgemaakt", "Meeting unlocked"),
    "meeting_schedule.start": Words("Gespreksrooster gestart", "Meeting schedule started"),
    "meeting_schedule.queued": Words("Gespreksrooster in de wachtrij", "Meeting schedule queued"),
    "meeting_schedule.running": Words("Gespreksrooster loopt", "Meeting schedule running"),
    "meeting_schedule.succeeded": Words("Gespreksrooster klaar", "Meeting schedule finished"),
    "meeting_schedule.failed": Words("Gespreksrooster mislukt", "Meeting schedule failed"),
    "meeting_schedule.stopped": Words("Gespreksrooster gestopt", "Meeting schedule stopped"),
    "meeting_schedule.interrupted": Words(
        "Gespreksrooster onderbroken", "Meeting schedule interrupted"
    ),
    "meeting_schedule.stop": Words(
        "Stoppen van het gespreksrooster gevraagd", "Stop of the meeting schedule asked"
    ),
}

OBJECT_TYPES: dict[str, Words] = {
    "user": Words("Account", "Account"),
    "api_token": Words("API-sleutel", "API token"),
    "invitation": Words("Uitnodiging", "Invitation"),
    "firm": Words("Bedrijf", "Firm"),
    "business_case": Words("Business case", "Business case"),
    "readiness_scan": Words("Exportscan", "Readiness scan"),
    "external_mission": Words("Missie buiten matchmaker", "Mission outside matchmaker"),
    "round": Words("Ronde", "Round"),
    "mission": Words("Missie", "Mission"),
    "matching_run": Words("Indeling", "Matching run"),
    "application": Words("Aanmelding", "Application"),
    "placement": Words("Plaats", "Placement"),
    "meeting_day": Words("Matchmakingdag", "Meeting day"),
    "meeting_partner": Words("Gesprekspartner", "Meeting partner"),
    "meeting_request": Words("Gespreksverzoek", "Meeting request"),
    "meeting_schedule_run": Words("Gespreksrooster", "Meeting schedule"),
}

# Action families: the part before the dot ("placement" for every placement.* code).
FAMILIES = frozenset(code.split(".")[0] for code in ACTIONS if "." in code)

SYSTEM = Words("Het systeem", "The system")
YOU = Words("U", "You")
ORGANISER = Words("De organisator", "The organiser")
NOTHING = Words("—", "—")

# Field names of before/after, where a plain word reads better than the key.
_FIELDS: dict[str, Words] = {
    "status": Words("status", "status"),
    "state": Words("stand", "state"),
    "note": Words("reden", "reason"),
    "answer_by": Words("antwoorden vóór", "answer by"),
    "verified_by": Words("beoordeeld door (account)", "reviewed by (account)"),
    "verified_at": Words("beoordeeld op", "reviewed at"),
    "locked": Words("vastgezet", "locked"),
    "offers": Words("aanbiedingen", "offers"),
    "run": Words("indeling", "matching run"),
    "objective": Words("doelwaarde", "objective"),
    "snapshot_sha256": Words("vingerafdruk van de invoer", "input fingerprint"),
    "resolve.snapshot_sha256": Words("vingerafdruk van de invoer", "input fingerprint"),
    "resolve.status": Words("herberekening", "re-solve"),
    "resolve.locked": Words("vastgezette plaatsen", "locked places"),
    "resolve.moved_up": Words("opgeschoven plaatsen", "places moved up"),
    "rank": Words("voorkeur", "rank"),
    "reason": Words("waarom", "why"),
    "waiting_list": Words("op de wachtlijst", "on the waiting list"),
    "freed": Words("vrijgekomen plaats", "freed place"),
    "active": Words("actief", "active"),
    "email": Words("e-mailadres", "e-mail address"),
    "role": Words("rol", "role"),
}

# Recorded status and state values, in the words a firm reads them.
_VALUES: dict[str, Words] = {
    "placed": Words("geplaatst", "placed"),
    "unplaced": Words("niet geplaatst", "not placed"),
    "offered": Words("plaats aangeboden", "place offered"),
    "accepted": Words("plaats geaccepteerd", "place accepted"),
    "declined": Words("plaats afgeslagen", "place declined"),
    "withdrawn": Words("ingetrokken", "withdrawn"),
    "submitted": Words("verstuurd", "submitted"),
    "pending": Words("wacht op beoordeling", "waiting for review"),
    "verified": Words("goedgekeurd", "verified"),
    "rejected": Words("afgewezen", "rejected"),
    "queued": Words("in de wachtrij", "queued"),
    "running": Words("loopt", "running"),
    "succeeded": Words("klaar", "finished"),
    "failed": Words("mislukt", "failed"),
    "stopped": Words("gestopt", "stopped"),
    "interrupted": Words("onderbroken", "interrupted"),
    "draft": Words("concept", "draft"),
    "open": Words("open", "open"),
    "closed": Words("gesloten", "closed"),
    "published": Words("gepubliceerd", "published"),
}
# The engine's reason codes (services/reasons.py), short and without scores, for firm and
# organiser alike.
_REASONS: dict[str, Words] = {
    "sector_mismatch": Words(
        "de missie is niet voor de sector van het bedrijf", "the mission is not for the sector"
    ),
    "no_business_case": Words(
        "een zakelijke missie vraagt een business case", "a business mission needs a business case"
    ),
    "business_case_unverified": Words(
        "de business case was niet goedgekeurd", "the business case was not verified"
    ),
    "business_case_wrong_country": Words(
        "de business case is voor een ander land", "the business case is for another country"
    ),
    "not_ready": Words(
        "exportstrategie of organisatie nog niet op orde",
        "export strategy or organisation not ready yet",
    ),
    "placed_elsewhere": Words(
        "al het maximum aantal plaatsen op andere missies",
        "already the most places a firm may get, on other missions",
    ),
    "date_conflict": Words(
        "geplaatst op een andere missie op dezelfde data",
        "placed on another mission on the same dates",
    ),
    "mission_cancelled": Words(
        "de missie gaat niet door: te weinig deelnemers",
        "the mission does not run: too few participants",
    ),
    "outranked": Words(
        "de missie is vol en alle geplaatste bedrijven gingen voor",
        "the mission is full and every placed firm came first",
    ),
    "slipstream_full": Words(
        "de plaatsen voor bedrijven buiten de topsectoren zijn bezet",
        "the places for firms outside the focus sectors are taken",
    ),
    "sector_cap": Words(
        "de plaatsen voor deze sector zijn bezet", "the places for this sector are taken"
    ),
    "budget": Words("het subsidiebudget is op", "the subsidy budget is used up"),
    "not_selected": Words(
        "de beste indeling als geheel liet deze aanmelding weg (geen enkele regel besliste)",
        "the best roster overall left it out (no single rule decided)",
    ),
    "lapsed": Words("het aanbod is niet op tijd beantwoord", "the offer was not answered in time"),
}
# Recorded texts longer than this are cut on screen (the raw rows keep them whole).
_LONGEST_VALUE = 300


def _known_or_plain(table: dict[str, Words], code: str, plain: str) -> Words:
    """The code's words from `table`, or else `plain` (the code made readable) in each language."""
    known = table.get(code)
    return known if known is not None else Words(plain, plain)


def action(code: str) -> Words:
    """The action in plain words (an unknown code as itself, without underscores)."""
    return _known_or_plain(ACTIONS, code, code.replace("_", " ").replace(".", ": "))


def object_type(code: str) -> Words:
    return _known_or_plain(OBJECT_TYPES, code, code.replace("_", " "))


def field(path: str) -> Words:
    """A before/after key ("resolve.status" for a nested one) in words."""
    return _known_or_plain(_FIELDS, path, path.replace("_", " "))


def when(moment: datetime) -> Words:
    """A moment in Amsterdam time, as each language writes it."""
    return Words(times.amsterdam_time_nl(moment), times.amsterdam_time(moment))


def value(item: Any) -> Words:
    """A recorded value as a reader takes it: statuses in words, moments in Amsterdam time,
    lists comma-separated, nothing as a dash."""
    if item is None or item == "" or item == []:
        return NOTHING
    if isinstance(item, bool):
        return Words("ja", "yes") if item else Words("nee", "no")
    if isinstance(item, str):
        known = _VALUES.get(item) or _REASONS.get(item)
        if known is not None:
            return known
        moment = _moment(item)
        if moment is not None:
            return when(moment)
        text = item if len(item) <= _LONGEST_VALUE else item[:_LONGEST_VALUE] + "…"
        return Words(text, text)
    if isinstance(item, list):
        parts = [value(element) for element in item]
        return Words(", ".join(p.nl for p in parts), ", ".join(p.en for p in parts))
    text = str(item)
    return Words(text, text)


def _moment(text: str) -> datetime | None:
    """An aware ISO 8601 moment as the services record them ("2027-03-12T16:00:00+00:00")."""
    if len(text) < 19 or text[4:5] != "-" or "T" not in text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
