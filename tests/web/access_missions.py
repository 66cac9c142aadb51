"""Who may call the public mission routes (rows of the role x route matrix)."""

ANYONE = {"anonymous", "sme", "organiser", "branch_org"}

ACCESS = {
    ("GET", "/missions"): ANYONE,
    ("GET", "/missions/{mission_id}"): ANYONE,
    ("GET", "/api/missions"): ANYONE,
    ("GET", "/api/missions/{mission_id}"): ANYONE,
}
