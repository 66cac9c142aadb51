"""Who may list, disable and enable accounts (rows of the role x route matrix)."""

ORGANISER = {"organiser"}

ACCESS = {
    ("GET", "/organiser/accounts"): ORGANISER,
    ("POST", "/organiser/accounts/{user_id}/disable"): ORGANISER,
    ("POST", "/organiser/accounts/{user_id}/enable"): ORGANISER,
    ("GET", "/api/organiser/accounts"): ORGANISER,
    ("POST", "/api/organiser/accounts/{user_id}/disable"): ORGANISER,
    ("POST", "/api/organiser/accounts/{user_id}/enable"): ORGANISER,
}
