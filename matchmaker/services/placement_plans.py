"""The plan of a change to a published roster: the round as a scenario with every placement
that holds a place locked, so a re-solve or the waiting list works on the places as they are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from matchmaker.i18n import gettext
from matchmaker.models import MatchingRun, Placement, PlacementStatus
from matchmaker.optimisation import parse_scenario
from matchmaker.optimisation.round_data import RoundData, prepare
from matchmaker.services.errors import Conflict
from matchmaker.services.rosters import HOLDING_STATUSES
from matchmaker.services.scenario_exports import take_snapshot

GONE_STATUSES = (PlacementStatus.declined, PlacementStatus.withdrawn)


class PlacementRefused(Conflict):
    """The placement cannot change this way now (HTTP 409)."""


@dataclass(slots=True)
class Plan:
    """The re-solve's input: the round with every place-holding placement locked."""

    document: dict[str, Any]
    pair_of: dict[int, tuple[str, str]]  # application id -> (firm, mission) in the scenario
    placements: dict[int, Placement]  # application id -> its placement in the roster
    locked: set[tuple[str, str]]

    @property
    def application_ids(self) -> dict[tuple[str, str], int]:
        """The application id of each (firm, mission) pair in the scenario."""
        return {pair: application_id for application_id, pair in self.pair_of.items()}

    def prepared(self) -> RoundData:
        """The plan's scenario prepared for the waiting list's rules (no solve)."""
        return prepare(parse_scenario(self.document))

    def holding(
        self, data: RoundData, *, without: Placement | None = None
    ) -> tuple[dict[tuple[str, str], int], dict[int, bool]]:
        """The application id of each (firm, mission) pair, and each place-holding
        application's index in the prepared round (but `without`'s) with whether it is an
        open offer (one its firm may give back for a better choice)."""
        index_of = {(a.firm, a.mission): i for i, a in enumerate(data.applications)}
        application_of = self.application_ids
        holding = {
            index_of[self.pair_of[application_id]]: placement.status == PlacementStatus.offered
            for application_id, placement in self.placements.items()
            if placement.status in HOLDING_STATUSES
            and placement is not without
            and self.pair_of.get(application_id) in index_of
        }
        return application_of, holding


def plan_change(
    session: Session,
    round_id: str,
    run: MatchingRun,
    *,
    freed: Placement | None = None,
    offered: Placement | None = None,
) -> Plan:
    """The round as a scenario with every placement that holds a place locked (the freed one
    not, the offered one too), and without the applications that declined or withdrew:
    they never come back on."""
    snapshot = take_snapshot(session=session, round_id=round_id)
    document, pair_of = snapshot.document, snapshot.pair_of
    placements = {
        p.application_id: p
        for p in session.exec(
            select(Placement)
            .where(Placement.run_id == run.id)
            .execution_options(populate_existing=True)
        ).all()
    }
    gone = {
        pair_of[a]
        for a, p in placements.items()
        if (p.status in GONE_STATUSES or p is freed) and a in pair_of
    }
    holding = {
        pair_of[a]
        for a, p in placements.items()
        if p.status in HOLDING_STATUSES and p is not freed and a in pair_of
    }
    present = {(a["firm"], a["mission"]) for a in document["applications"]} - gone
    if offered is not None:
        pair = pair_of.get(offered.application_id)
        if pair is None or pair not in present:
            raise PlacementRefused(
                gettext("the application was withdrawn; it cannot be offered a place")
            )
        holding.add(pair)
    document["applications"] = [
        a for a in document["applications"] if (a["firm"], a["mission"]) in present
    ]
    locked = holding & present
    # A place held by an application no longer in the round (withdrawn as an application)
    # still takes a seat: the mission has one place less to give.
    ghosts: dict[str, int] = {}
    for _, mission in holding - present:
        ghosts[mission] = ghosts.get(mission, 0) + 1
    for mission in document["missions"]:
        if mission["id"] in ghosts:
            mission["capacity"] = max(0, mission["capacity"] - ghosts[mission["id"]])
            mission["min_participants"] = min(mission["min_participants"], mission["capacity"])
    document["locked"] = [{"firm": firm, "mission": mission} for firm, mission in sorted(locked)]
    return Plan(document, pair_of, placements, locked)
