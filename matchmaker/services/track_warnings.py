"""The warning a firm gets, and the flag its organiser sees, when its latest readiness scan
recommends no mission now: the not_now and innovation_support tracks."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func
from sqlmodel import Session, col, select

from matchmaker.models import ReadinessScan, Track

# The tracks whose advice is "no mission yet"; applying stays possible (the scan advises,
# it does not decide), but the firm is told before it applies and the organiser sees it.
WARNED_TRACKS = (Track.not_now, Track.innovation_support)

_WARNINGS = {
    Track.not_now: (
        "Uw laatste exportscan raadt nu geen missie aan: u gaf aan nu niet te willen "
        "exporteren. U kunt toch aanmelden; doe de scan opnieuw als dat verandert. / "
        "Your latest readiness scan recommends no mission now: you told us you do not want "
        "to export at the moment. You may still apply; take the scan again when that changes."
    ),
    Track.innovation_support: (
        "Uw laatste exportscan raadt eerst innovatieondersteuning aan: uw product moet nog "
        "worden aangepast of gecertificeerd. U kunt toch aanmelden. / Your latest readiness "
        "scan recommends innovation support first: your product still needs adapting or "
        "certifying. You may still apply."
    ),
}

# What the organiser's roster shows next to such a firm (no scores, the track in words).
FLAGS = {
    Track.not_now: "scan: niet nu / not now",
    Track.innovation_support: "scan: eerst innovatie / innovation support first",
}


def latest_track(*, session: Session, firm_id: int | None) -> Track | None:
    """The track of the firm's latest readiness scan (None if it has taken none)."""
    if firm_id is None:
        return None
    track = session.exec(
        select(ReadinessScan.track)
        .where(ReadinessScan.firm_id == firm_id)
        .order_by(col(ReadinessScan.id).desc())
        .limit(1)
    ).first()
    return Track(track) if track is not None else None


def warning_for(*, session: Session, firm_id: int | None) -> str | None:
    """The warning to show the firm before it applies, or None when its latest scan (if
    any) does not advise against a mission now."""
    track = latest_track(session=session, firm_id=firm_id)
    return _WARNINGS.get(track) if track is not None else None


def flagged_firms(*, session: Session, firm_ids: Iterable[int]) -> dict[int, str]:
    """The flag text of each of these firms whose latest scan is a warned track."""
    wanted = sorted(set(firm_ids))
    if not wanted:
        return {}
    latest = (
        select(func.max(ReadinessScan.id))
        .where(col(ReadinessScan.firm_id).in_(wanted))
        .group_by(col(ReadinessScan.firm_id))
    )
    rows = session.exec(
        select(ReadinessScan.firm_id, ReadinessScan.track).where(col(ReadinessScan.id).in_(latest))
    ).all()
    return {firm_id: FLAGS[Track(track)] for firm_id, track in rows if Track(track) in FLAGS}
