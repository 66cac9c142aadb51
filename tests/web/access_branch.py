"""Who may call the branch organisation's mission routes."""

BRANCH = {"branch_org"}

ACCESS = {
    # Pages
    ("GET", "/branch"): BRANCH,
    ("GET", "/branch/rounds/{round_id}/missions/new"): BRANCH,
    ("POST", "/branch/rounds/{round_id}/missions"): BRANCH,
    ("GET", "/branch/missions/{mission_id}"): BRANCH,
    ("POST", "/branch/missions/{mission_id}"): BRANCH,
    ("GET", "/branch/missions/{mission_id}/placed"): BRANCH,
    # API
    ("GET", "/api/branch/rounds"): BRANCH,
    ("GET", "/api/branch/missions"): BRANCH,
    ("POST", "/api/branch/rounds/{round_id}/missions"): BRANCH,
    ("GET", "/api/branch/missions/{mission_id}"): BRANCH,
    ("PATCH", "/api/branch/missions/{mission_id}"): BRANCH,
    ("GET", "/api/branch/missions/{mission_id}/placements"): BRANCH,
}
