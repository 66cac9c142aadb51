"""Who may call the organiser's round, mission, verification, export and dashboard routes."""

ORGANISER = {"organiser"}

ACCESS = {
    # Pages
    ("GET", "/organiser"): ORGANISER,
    ("GET", "/organiser/new-round"): ORGANISER,
    ("POST", "/organiser/rounds"): ORGANISER,
    ("GET", "/organiser/import"): ORGANISER,
    ("POST", "/organiser/import"): ORGANISER,
    ("GET", "/organiser/rounds/{round_id}"): ORGANISER,
    ("POST", "/organiser/rounds/{round_id}/open"): ORGANISER,
    ("POST", "/organiser/rounds/{round_id}/close"): ORGANISER,
    ("GET", "/organiser/rounds/{round_id}/scenario.json"): ORGANISER,
    ("GET", "/organiser/rounds/{round_id}/dashboard"): ORGANISER,
    ("GET", "/organiser/rounds/{round_id}/calendar.ics"): ORGANISER,
    ("GET", "/organiser/rounds/{round_id}/missions/new"): ORGANISER,
    ("POST", "/organiser/rounds/{round_id}/missions"): ORGANISER,
    ("GET", "/organiser/rounds/{round_id}/missions/{mission_id}"): ORGANISER,
    ("POST", "/organiser/rounds/{round_id}/missions/{mission_id}"): ORGANISER,
    ("GET", "/organiser/rounds/{round_id}/missions/{mission_id}/roster.csv"): ORGANISER,
    ("GET", "/organiser/rounds/{round_id}/missions/{mission_id}/roster.xlsx"): ORGANISER,
    ("GET", "/organiser/business-cases"): ORGANISER,
    ("POST", "/organiser/business-cases/{case_id}/verify"): ORGANISER,
    ("POST", "/organiser/business-cases/{case_id}/reject"): ORGANISER,
    # API
    ("GET", "/api/organiser/rounds"): ORGANISER,
    ("POST", "/api/organiser/rounds"): ORGANISER,
    ("POST", "/api/organiser/rounds/import"): ORGANISER,
    ("GET", "/api/organiser/rounds/{round_id}"): ORGANISER,
    ("POST", "/api/organiser/rounds/{round_id}/open"): ORGANISER,
    ("POST", "/api/organiser/rounds/{round_id}/close"): ORGANISER,
    ("GET", "/api/organiser/rounds/{round_id}/scenario"): ORGANISER,
    ("GET", "/api/organiser/rounds/{round_id}/dashboard"): ORGANISER,
    ("GET", "/api/organiser/rounds/{round_id}/missions"): ORGANISER,
    ("POST", "/api/organiser/rounds/{round_id}/missions"): ORGANISER,
    ("GET", "/api/organiser/rounds/{round_id}/missions/{mission_id}"): ORGANISER,
    ("PATCH", "/api/organiser/rounds/{round_id}/missions/{mission_id}"): ORGANISER,
    ("GET", "/api/organiser/rounds/{round_id}/missions/{mission_id}/roster"): ORGANISER,
    ("GET", "/api/organiser/business-cases"): ORGANISER,
    ("POST", "/api/organiser/business-cases/{case_id}/verify"): ORGANISER,
    ("POST", "/api/organiser/business-cases/{case_id}/reject"): ORGANISER,
}
