"""One module per constraint family of model v1, each with build(data, model, variables)."""

from matchmaker.optimisation.constraints import (
    budget,
    capacity,
    dates,
    locked,
    per_firm,
    regions,
    sectors,
)

# Hard constraints first, the soft region minimum last; locked pairs are added by the model
# itself (as fixed values, or as assumptions when an infeasible lock must be explained).
HARD_FAMILIES = (capacity, per_firm, dates, sectors, budget)
SOFT_FAMILIES = (regions,)

__all__ = [
    "HARD_FAMILIES",
    "SOFT_FAMILIES",
    "budget",
    "capacity",
    "dates",
    "locked",
    "per_firm",
    "regions",
    "sectors",
]
