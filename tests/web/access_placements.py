"""Who may call the placement routes (rows of the role x route matrix): the firm answers its
own offers, organisers offer places from the waiting list and record withdrawals."""

SME = {"sme"}
ORGANISER = {"organiser"}

ACCESS = {
    ("GET", "/sme/placements"): SME,
    ("GET", "/sme/placements/{placement_id}"): SME,
    ("POST", "/sme/placements/{placement_id}/accept"): SME,
    ("POST", "/sme/placements/{placement_id}/decline"): SME,
    ("POST", "/sme/placements/{placement_id}/withdraw"): SME,
    ("POST", "/organiser/placements/{placement_id}/offer"): ORGANISER,
    ("POST", "/organiser/placements/{placement_id}/withdraw"): ORGANISER,
    ("GET", "/api/sme/placements"): SME,
    ("GET", "/api/sme/placements/{placement_id}"): SME,
    ("POST", "/api/sme/placements/{placement_id}/accept"): SME,
    ("POST", "/api/sme/placements/{placement_id}/decline"): SME,
    ("POST", "/api/sme/placements/{placement_id}/withdraw"): SME,
    ("POST", "/api/placements/{placement_id}/offer"): ORGANISER,
    ("POST", "/api/placements/{placement_id}/withdraw"): ORGANISER,
}
