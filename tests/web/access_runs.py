"""Who may call the matching-run routes (rows of the role x route matrix): organisers only."""

ORGANISER = {"organiser"}

ACCESS = {
    ("GET", "/organiser/rounds/{round_id}/runs"): ORGANISER,
    ("POST", "/organiser/rounds/{round_id}/runs"): ORGANISER,
    ("GET", "/organiser/runs/{run_id}"): ORGANISER,
    ("GET", "/organiser/runs/{run_id}/progress"): ORGANISER,
    ("POST", "/organiser/runs/{run_id}/restart"): ORGANISER,
    ("POST", "/organiser/runs/{run_id}/stop"): ORGANISER,
    ("GET", "/organiser/runs/{run_id}/publish/confirm"): ORGANISER,
    ("POST", "/organiser/runs/{run_id}/publish"): ORGANISER,
    ("POST", "/organiser/placements/{placement_id}/lock"): ORGANISER,
    ("POST", "/organiser/placements/{placement_id}/unlock"): ORGANISER,
    ("GET", "/api/rounds/{round_id}/runs"): ORGANISER,
    ("POST", "/api/rounds/{round_id}/runs"): ORGANISER,
    ("GET", "/api/runs/{run_id}"): ORGANISER,
    ("GET", "/api/runs/{run_id}/result"): ORGANISER,
    ("GET", "/api/runs/{run_id}/scenario"): ORGANISER,
    ("GET", "/api/runs/{run_id}/placements"): ORGANISER,
    ("POST", "/api/runs/{run_id}/restart"): ORGANISER,
    ("POST", "/api/runs/{run_id}/stop"): ORGANISER,
    ("POST", "/api/runs/{run_id}/publish"): ORGANISER,
    ("POST", "/api/placements/{placement_id}/lock"): ORGANISER,
    ("POST", "/api/placements/{placement_id}/unlock"): ORGANISER,
}
