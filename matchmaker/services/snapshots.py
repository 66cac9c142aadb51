"""How a round's rows are named in the scenario a solve reads, written once: the firm-key rule
and the index from a scenario's (firm, mission) pairs back to application ids."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from matchmaker.models import Application, Firm, Mission, RoundFirm

Pair = tuple[str, str]


def member_keys(*, session: Session, round_id: str) -> dict[int, str]:
    """The ids under which the round knows the firms that joined it (RoundFirm.external_id)."""
    return dict(
        session.exec(
            select(RoundFirm.firm_id, RoundFirm.external_id).where(RoundFirm.round_id == round_id)
        ).all()
    )


def firm_key(firm: Firm, members: dict[int, str]) -> str:
    """The firm's id in the round's scenario: its id in the round's file when it joined the
    round, else its KvK number (a firm that applied without joining, so an export never
    fails on it)."""
    return members.get(firm.id or 0, firm.kvk)


def firm_keys(*, session: Session, round_id: str, firms: Iterable[Firm]) -> dict[int, str]:
    """firm_key of each firm, by firm id."""
    members = member_keys(session=session, round_id=round_id)
    return {firm.id or 0: firm_key(firm, members) for firm in firms}


def application_ids(*, session: Session, round_id: str) -> dict[Pair, int]:
    """Application ids of the round by their (firm, mission) ids in its scenario."""
    missions = dict(
        session.exec(
            select(Mission.id, Mission.external_id).where(Mission.round_id == round_id)
        ).all()
    )
    applications = session.exec(
        select(Application.id, Application.firm_id, Application.mission_id).where(
            Application.round_id == round_id
        )
    ).all()
    members = member_keys(session=session, round_id=round_id)
    strangers = {firm_id for _, firm_id, _ in applications} - members.keys()
    keys = dict(members)
    if strangers:
        for firm in session.exec(select(Firm).where(col(Firm.id).in_(strangers))):
            keys[firm.id or 0] = firm_key(firm, members)
    return {
        (keys[firm_id], missions[mission_id]): application_id
        for application_id, firm_id, mission_id in applications
        if application_id is not None
    }
