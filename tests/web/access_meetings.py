"""Who may call the meeting-day routes (rows of the role x route matrix): organisers manage the
day; an SME reaches only its own placement's meeting pages."""

ORGANISER = {"organiser"}
SME = {"sme"}
DAY = "/organiser/missions/{mission_id}/meetings"
AGENDA = DAY + "/{kind}/{participant_id}/agenda"
API_DAY = "/api/missions/{mission_id}/meeting-day"
FIRM = "/sme/placements/{placement_id}"

ACCESS = {
    ("GET", DAY): ORGANISER,
    ("POST", DAY): ORGANISER,
    ("POST", DAY + "/partners"): ORGANISER,
    ("POST", DAY + "/partners/import"): ORGANISER,
    ("POST", DAY + "/partners/{partner_id}/delete"): ORGANISER,
    ("GET", DAY + "/partners.csv"): ORGANISER,
    ("GET", DAY + "/schedule.{extension}"): ORGANISER,
    ("POST", DAY + "/requests"): ORGANISER,
    ("POST", DAY + "/schedule"): ORGANISER,
    ("GET", DAY + "/publish/confirm"): ORGANISER,
    ("POST", DAY + "/publish"): ORGANISER,
    ("GET", AGENDA): ORGANISER,
    ("GET", AGENDA + ".ics"): ORGANISER,
    ("GET", AGENDA + "/print"): ORGANISER,
    ("POST", "/organiser/meeting-requests/{request_id}/delete"): ORGANISER,
    ("POST", "/organiser/meeting-requests/{request_id}/lock"): ORGANISER,
    ("POST", "/organiser/meeting-requests/{request_id}/unlock"): ORGANISER,
    ("GET", "/organiser/meeting-runs/{run_id}/progress"): ORGANISER,
    ("POST", "/organiser/meeting-runs/{run_id}/stop"): ORGANISER,
    ("GET", FIRM + "/meetings"): SME,
    ("POST", FIRM + "/meetings"): SME,
    ("POST", FIRM + "/meetings/{request_id}/delete"): SME,
    ("GET", FIRM + "/agenda"): SME,
    ("GET", FIRM + "/agenda.ics"): SME,
    ("GET", FIRM + "/agenda/print"): SME,
    ("GET", API_DAY): ORGANISER,
    ("PUT", API_DAY): ORGANISER,
    ("GET", API_DAY + "/partners"): ORGANISER,
    ("POST", API_DAY + "/partners"): ORGANISER,
    ("POST", API_DAY + "/partners/import"): ORGANISER,
    ("DELETE", API_DAY + "/partners/{partner_id}"): ORGANISER,
    ("GET", API_DAY + "/requests"): ORGANISER,
    ("POST", API_DAY + "/requests"): ORGANISER,
    ("GET", API_DAY + "/schedule"): ORGANISER,
    ("GET", API_DAY + "/agendas"): ORGANISER,
    ("POST", API_DAY + "/schedule"): ORGANISER,
    ("POST", API_DAY + "/publish"): ORGANISER,
    ("DELETE", "/api/meeting-requests/{request_id}"): ORGANISER,
    ("POST", "/api/meeting-requests/{request_id}/lock"): ORGANISER,
    ("POST", "/api/meeting-requests/{request_id}/unlock"): ORGANISER,
    ("GET", "/api/meeting-runs/{run_id}"): ORGANISER,
    ("POST", "/api/meeting-runs/{run_id}/stop"): ORGANISER,
    ("GET", "/api" + FIRM + "/meeting-requests"): SME,
    ("POST", "/api" + FIRM + "/meeting-requests"): SME,
    ("GET", "/api" + FIRM + "/meeting-partners"): SME,
    ("GET", "/api" + FIRM + "/agenda"): SME,
}
