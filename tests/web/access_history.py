"""Who may call the routes of a firm's missions outside matchmaker (organisers only)."""

ORGANISER = {"organiser"}

ACCESS = {
    ("GET", "/organiser/firms/{firm_id}/history"): ORGANISER,
    ("POST", "/organiser/firms/{firm_id}/history"): ORGANISER,
    ("POST", "/organiser/external-missions/{entry_id}/delete"): ORGANISER,
    ("GET", "/api/organiser/firms/{firm_id}/external-missions"): ORGANISER,
    ("POST", "/api/organiser/firms/{firm_id}/external-missions"): ORGANISER,
    ("DELETE", "/api/organiser/external-missions/{entry_id}"): ORGANISER,
}
