"""Who may invite, list and revoke invitations, and open a link (role x route matrix rows)."""

ANYONE = {"anonymous", "sme", "organiser", "branch_org"}
ORGANISER = {"organiser"}
BRANCH = {"branch_org"}

ACCESS = {
    ("GET", "/organiser/invitations"): ORGANISER,
    ("POST", "/organiser/invitations"): ORGANISER,
    ("POST", "/organiser/invitations/{invitation_id}/revoke"): ORGANISER,
    ("GET", "/branch/invitations"): BRANCH,
    ("POST", "/branch/invitations"): BRANCH,
    ("POST", "/branch/invitations/{invitation_id}/revoke"): BRANCH,
    ("GET", "/api/organiser/invitations"): ORGANISER,
    ("POST", "/api/organiser/invitations"): ORGANISER,
    ("POST", "/api/organiser/invitations/{invitation_id}/revoke"): ORGANISER,
    ("GET", "/api/branch/invitations"): BRANCH,
    ("POST", "/api/branch/invitations"): BRANCH,
    ("POST", "/api/branch/invitations/{invitation_id}/revoke"): BRANCH,
    # The one-time link: whoever holds it (the token is the credential).
    ("GET", "/invitations/{token}"): ANYONE,
    ("POST", "/invitations/{token}"): ANYONE,
    ("GET", "/api/invitations/{token}"): ANYONE,
    ("POST", "/api/invitations/{token}/accept"): ANYONE,
}
