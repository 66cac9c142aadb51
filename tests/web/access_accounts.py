"""Who may call the account routes (rows of the role x route matrix)."""

ANYONE = {"anonymous", "sme", "organiser", "branch_org"}
LOGGED_IN = {"sme", "organiser", "branch_org"}

ACCESS = {
    ("GET", "/"): ANYONE,
    ("GET", "/login"): ANYONE,
    ("POST", "/login"): ANYONE,
    ("GET", "/register"): ANYONE,
    ("POST", "/register"): ANYONE,
    ("POST", "/logout"): ANYONE,
    ("POST", "/language"): ANYONE,  # the language switch on every page
    # A forgotten password: anyone may ask; the one-time link is the credential.
    ("GET", "/password/forgot"): ANYONE,
    ("POST", "/password/forgot"): ANYONE,
    ("GET", "/password/reset/{token}"): ANYONE,
    ("POST", "/password/reset/{token}"): ANYONE,
    ("POST", "/api/tokens"): ANYONE,
    ("GET", "/api/me"): LOGGED_IN,
    # The API schema and its documentation pages.
    ("GET", "/openapi.json"): ANYONE,
    ("GET", "/docs"): ANYONE,
    ("GET", "/docs/oauth2-redirect"): ANYONE,
    ("GET", "/redoc"): ANYONE,
}
