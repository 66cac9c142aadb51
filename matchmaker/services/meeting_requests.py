"""A meeting day's requests: recorded by the organiser or a placed firm, listed as scheduled."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from matchmaker.i18n import gettext
from matchmaker.models import (
    Firm,
    MeetingDay,
    MeetingDayStatus,
    MeetingRequest,
    MeetingSession,
    Mission,
    Partner,
    Placement,
    RequestedBy,
    ScheduledMeeting,
    User,
)
from matchmaker.services import placement_views, read_back
from matchmaker.services.errors import Invalid, NotFound
from matchmaker.services.meetings import (
    MAX_PRIORITY,
    PLACED_STATUSES,
    MeetingRefused,
    current_schedule,
    day_of,
    editable_day,
    placed_firms,
    plain_reason,
    visible_day,
    visible_request,
)
from matchmaker.services.row_audit import record_change
from matchmaker.services.transactions import committing


@dataclass(frozen=True, slots=True)
class RequestRow:
    """A request with its firm and partner, and where the current schedule put it."""

    request: MeetingRequest
    firm: Firm
    partner: Partner
    scheduled: ScheduledMeeting | None

    @property
    def reason_text(self) -> str:
        return plain_reason(self.scheduled.reason if self.scheduled else None)


def requests_of(
    *, session: Session, day: MeetingDay, firm_id: int | None = None
) -> list[RequestRow]:
    """The day's requests (one firm's, if given) with the current schedule's placement."""
    query = (
        select(MeetingRequest, Firm, Partner)
        .join(Firm, col(Firm.id) == col(MeetingRequest.firm_id))
        .join(Partner, col(Partner.id) == col(MeetingRequest.partner_id))
        .where(MeetingRequest.meeting_day_id == day.id)
        .order_by(col(Firm.name), col(Partner.organisation), col(MeetingRequest.id))
    )
    if firm_id is not None:
        query = query.where(MeetingRequest.firm_id == firm_id)
    run = current_schedule(session=session, day=day)
    placed: dict[int, ScheduledMeeting] = {}
    if run is not None:
        placed = {
            s.request_id: s
            for s in session.exec(select(ScheduledMeeting).where(ScheduledMeeting.run_id == run.id))
        }
    return [
        RequestRow(request, firm, partner, placed.get(request.id or 0))
        for request, firm, partner in session.exec(query)
    ]


@dataclass(frozen=True, slots=True)
class RequestInput:
    """A meeting asked for with a partner of the day: how much it matters, and when."""

    partner_id: int
    priority: int = 1
    session_part: str = "any"


def _add_request(
    session: Session,
    day: MeetingDay,
    mission: Mission,
    actor: User,
    *,
    firm_id: int,
    asked: RequestInput,
    requested_by: RequestedBy,
) -> MeetingRequest:
    partner_id, priority, session_part = asked.partner_id, asked.priority, asked.session_part
    problems: dict[str, str] = {}
    if not 1 <= priority <= MAX_PRIORITY:
        problems["priority"] = gettext(
            "between 1 and %(most)s (higher is more important)", most=MAX_PRIORITY
        )
    if session_part not in {s.value for s in MeetingSession}:
        problems["session"] = gettext("any, morning or afternoon")
    if session_part == MeetingSession.morning and day.morning_slots == 0:
        problems["session"] = gettext("the day has no morning slots")
    if session_part == MeetingSession.afternoon and day.morning_slots >= day.slots:
        problems["session"] = gettext("the day has no afternoon slots")
    if firm_id not in {f.id for f in placed_firms(session=session, mission=mission)}:
        problems["firm_id"] = gettext("not a firm placed on this mission")
    partner = session.get(Partner, partner_id)
    if partner is None or partner.meeting_day_id != day.id:
        problems["partner_id"] = gettext("not a partner of this meeting day")
    if problems:
        raise Invalid(problems)
    with committing(session):
        day = editable_day(session, day)
        duplicate = session.exec(
            select(MeetingRequest.id).where(
                MeetingRequest.meeting_day_id == day.id,
                MeetingRequest.firm_id == firm_id,
                MeetingRequest.partner_id == partner_id,
            )
        ).first()
        if duplicate is not None:
            raise Invalid({"partner_id": gettext("this meeting is already requested")})
        if day.status == MeetingDayStatus.scheduled:
            day.status = MeetingDayStatus.draft  # the schedule lacks this request
        request = MeetingRequest(
            meeting_day_id=day.id or 0,
            firm_id=firm_id,
            partner_id=partner_id,
            priority=priority,
            session=MeetingSession(session_part),
            requested_by=requested_by,
            created_by=actor.id,
        )
        session.add(request)
        session.flush()
        record_change(
            session=session,
            actor=actor,
            action="meeting_request.create",
            row=request,
            after={
                "day": day.id,
                "firm": firm_id,
                "partner": partner_id,
                "priority": priority,
                "session": session_part,
                "requested_by": requested_by.value,
            },
        )
    read_back(session, request)
    return request


def add_request(
    *,
    session: Session,
    mission_id: int,
    actor: User,
    firm_id: int,
    asked: RequestInput,
) -> MeetingRequest:
    """The organiser records a meeting of any firm placed on the mission with a partner."""
    day = visible_day(session=session, mission_id=mission_id, user=actor)
    mission = session.get(Mission, mission_id)
    assert mission is not None
    return _add_request(
        session,
        day,
        mission,
        actor,
        firm_id=firm_id,
        asked=asked,
        requested_by=RequestedBy.organiser,
    )


def delete_request(*, session: Session, request_id: int, actor: User) -> MeetingRequest:
    """The organiser removes a request (before publication)."""
    request = visible_request(session=session, request_id=request_id, user=actor)
    return _delete_request(session, request, actor)


def _delete_request(session: Session, request: MeetingRequest, actor: User) -> MeetingRequest:
    day = session.get(MeetingDay, request.meeting_day_id)
    assert day is not None
    with committing(session):
        editable_day(session, day)
        after = {"firm": request.firm_id, "partner": request.partner_id, "deleted": True}
        for row in session.exec(
            select(ScheduledMeeting).where(ScheduledMeeting.request_id == request.id)
        ):
            session.delete(row)
        session.delete(request)
        record_change(
            session=session,
            actor=actor,
            action="meeting_request.delete",
            row=request,
            after=after,
        )
    return request


# --------------------------------------------------------------------------- the firm's view


@dataclass(frozen=True, slots=True)
class FirmDay:
    """A placed firm's view of its mission's meeting day."""

    placement: Placement
    mission: Mission
    firm: Firm
    day: MeetingDay | None

    @property
    def published_day(self) -> MeetingDay | None:
        """The day once its schedule is published (the firm then sees its agenda), else None."""
        if self.day is not None and self.day.status == MeetingDayStatus.published:
            return self.day
        return None


def firm_day(*, session: Session, placement_id: int, user: User) -> FirmDay:
    """The SME's own placement (offered or accepted, published) and the mission's meeting
    day; any other placement is NotFound."""
    view = placement_views.firm_placement(session=session, placement_id=placement_id, user=user)
    if view.placement.status not in PLACED_STATUSES:
        raise NotFound("placement", placement_id)
    day = day_of(session=session, mission_id=view.mission.id or 0)
    return FirmDay(view.placement, view.mission, view.firm, day)


def add_own_request(
    *,
    session: Session,
    placement_id: int,
    user: User,
    asked: RequestInput,
) -> MeetingRequest:
    """A placed firm requests a meeting with a partner of its mission's day."""
    view = firm_day(session=session, placement_id=placement_id, user=user)
    if view.day is None:
        raise MeetingRefused(
            gettext("the organiser has not set up a meeting day for this mission yet")
        )
    return _add_request(
        session,
        view.day,
        view.mission,
        user,
        firm_id=view.firm.id or 0,
        asked=asked,
        requested_by=RequestedBy.sme,
    )


def delete_own_request(
    *, session: Session, placement_id: int, user: User, request_id: int
) -> MeetingRequest:
    view = firm_day(session=session, placement_id=placement_id, user=user)
    request = session.get(MeetingRequest, request_id)
    if (
        view.day is None
        or request is None
        or request.meeting_day_id != view.day.id
        or request.firm_id != view.firm.id
    ):
        raise NotFound("meeting request", request_id)
    return _delete_request(session, request, user)


def request_row(*, session: Session, request: MeetingRequest) -> RequestRow:
    """One request as requests_of lists it: with its firm, partner and current schedule place."""
    day = session.get(MeetingDay, request.meeting_day_id)
    assert day is not None
    for row in requests_of(session=session, day=day, firm_id=request.firm_id):
        if row.request.id == request.id:
            return row
    raise NotFound("meeting request", request.id)  # pragma: no cover
