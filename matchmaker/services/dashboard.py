"""The round dashboard's figures: places by region and by sector, fill rate per mission, and
how many placed firms got their first choice, from the latest succeeded run.

`compute` is a pure function of plain rows, so the figures are tested without a database;
`round_dashboard` loads the rows. Each chart carries its title and a sentence saying what
it shows, for screen readers and for anyone who prefers words to bars. Templates draw the
bars as inline SVG from `Bar.fraction` (0..1 of the chart's width).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from matchmaker.i18n import gettext, ngettext
from matchmaker.models import (
    Application,
    ApplicationStatus,
    Firm,
    MatchingRun,
    Mission,
    Placement,
    Round,
)
from matchmaker.services import exports
from matchmaker.services import rounds as round_service
from matchmaker.services import runs as run_service

TAKEN = {s.value for s in exports.TAKEN}


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    fraction: float  # the bar's length, 0..1 of the chart's width
    text: str  # the value in words, shown beside the bar
    tone: str = "normal"  # normal, focus, full, low, cancelled, empty


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    summary: str  # one sentence with the chart's message, for assistive technology
    bars: list[Bar]
    note: str = ""
    marker: float | None = None  # where a reference line crosses the bars, 0..1


@dataclass(frozen=True, slots=True)
class Segment:
    label: str
    count: int
    fraction: float  # the segment's width, 0..1 of the bar
    offset: float  # where it starts, 0..1
    tone: str


@dataclass(frozen=True, slots=True)
class Dashboard:
    run_id: int | None
    applicants: int
    applications: int
    places_taken: int
    capacity: int
    firms_placed: int
    first_choice_share: float | None
    by_region: Chart
    by_sector: Chart
    fill_rate: Chart
    demand: Chart
    choices: list[Segment] = field(default_factory=list)
    choices_summary: str = ""


@dataclass(frozen=True, slots=True)
class MissionFigures:
    external_id: str
    title: str
    capacity: int
    min_participants: int


@dataclass(frozen=True, slots=True)
class ApplicationFigures:
    firm_id: int
    mission: str  # external id
    rank: int
    region: str
    sector: str
    status: str | None  # placement status in the run; None before any run


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def _places_chart(
    title: str,
    labels: dict[str, str],
    counts: Counter[str],
    focus: set[str] | None = None,
) -> Chart:
    largest = max(counts.values(), default=0)
    bars = [
        Bar(
            label=gettext("%(label)s (focus)", label=labels.get(code, code))
            if focus and code in focus
            else labels.get(code, code),
            value=counts.get(code, 0),
            fraction=_share(counts.get(code, 0), largest),
            text=ngettext("%(num)s place", "%(num)s places", counts.get(code, 0)),
            tone="focus"
            if focus and code in focus
            else ("empty" if not counts.get(code) else "normal"),
        )
        for code in sorted(set(labels) | set(counts), key=lambda c: (-counts[c], labels.get(c, c)))
    ]
    if largest == 0:
        summary = gettext("No places yet.")
    else:
        leaders = [b.label for b in bars if b.value == largest]
        empty = [b.label for b in bars if b.value == 0]
        summary = gettext(
            "Most places: %(names)s (%(count)s).", names=", ".join(leaders), count=largest
        )
        if empty:
            summary += " " + gettext("None for %(names)s.", names=", ".join(empty))
    return Chart(title=title, summary=summary, bars=bars)


def compute(
    *,
    region_names: dict[str, str],
    sector_names: dict[str, str],
    focus_sectors: set[str],
    missions: Sequence[MissionFigures],
    applications: Sequence[ApplicationFigures],
    run_id: int | None,
    cancelled: Set[str] = frozenset(),
) -> Dashboard:
    """The dashboard of one round from its missions and its applications' placements."""
    taken = [a for a in applications if a.status in TAKEN]
    by_region = _places_chart(
        gettext("Places by region"), region_names, Counter(a.region for a in taken)
    )
    by_sector = _places_chart(
        gettext("Places by sector"),
        sector_names,
        Counter(a.sector for a in taken),
        focus=focus_sectors,
    )

    on_mission = Counter(a.mission for a in taken)
    fill_bars = []
    for mission in missions:
        count = on_mission.get(mission.external_id, 0)
        share = _share(count, mission.capacity)
        if mission.external_id in cancelled:
            tone = "cancelled"
            text = gettext(
                "cancelled: too few firms (needs %(count)s)", count=mission.min_participants
            )
        elif run_id is None:
            tone, text = "empty", gettext("not yet matched")
        else:
            tone = "full" if count >= mission.capacity else ("low" if share < 0.5 else "normal")
            text = gettext(
                "%(count)s of %(capacity)s places (%(percent)s)",
                count=count,
                capacity=mission.capacity,
                percent=_percent(share),
            )
        fill_bars.append(
            Bar(label=mission.title, value=count, fraction=min(share, 1.0), text=text, tone=tone)
        )
    if run_id is None:
        fill_summary = gettext("No matching run yet, so no mission has places filled.")
    else:
        full = [b.label for b in fill_bars if b.tone == "full"]
        low = [b.label for b in fill_bars if b.tone in ("low", "cancelled")]
        fill_summary = gettext(
            "%(full)s of %(count)s missions are full.", full=len(full), count=len(fill_bars)
        )
        if low:
            fill_summary += " " + gettext(
                "Less than half full or cancelled: %(names)s.", names=", ".join(low)
            )
    fill_rate = Chart(title=gettext("Fill rate per mission"), summary=fill_summary, bars=fill_bars)

    wanted = Counter(a.mission for a in applications if a.status != "withdrawn")
    largest_ratio = max(
        (_share(wanted.get(m.external_id, 0), m.capacity) for m in missions if m.capacity),
        default=0.0,
    )
    demand_bars = []
    for mission in missions:
        count = wanted.get(mission.external_id, 0)
        ratio = _share(count, mission.capacity)
        demand_bars.append(
            Bar(
                label=mission.title,
                value=count,
                fraction=_share(ratio, max(largest_ratio, 1.0)),
                text=gettext(
                    "%(count)s applications for %(capacity)s places",
                    count=count,
                    capacity=mission.capacity,
                ),
                tone="full" if count > mission.capacity else "normal",
            )
        )
    crowded = [b.label for b in demand_bars if b.tone == "full"]
    demand = Chart(
        title=gettext("Applications per place"),
        summary=(
            gettext("More applications than places: %(names)s.", names=", ".join(crowded))
            if crowded
            else gettext("Every mission has room for all its applications.")
        ),
        bars=demand_bars,
        note=gettext(
            "The line marks one application per place: bars past it have more applicants "
            "than places."
        ),
        marker=_share(1, max(largest_ratio, 1.0)),
    )

    best_rank: dict[int, int] = {}
    for application in applications:
        if application.status != "withdrawn":
            best_rank[application.firm_id] = min(
                application.rank, best_rank.get(application.firm_id, application.rank)
            )
    placed_firms = {a.firm_id for a in taken}
    first_choice = {a.firm_id for a in taken if a.rank == best_rank.get(a.firm_id)}
    share = _share(len(first_choice), len(placed_firms)) if placed_firms else None
    choice_counts = Counter(
        "first" if a.rank == best_rank.get(a.firm_id) else "later" for a in taken
    )
    choices = []
    offset = 0.0
    for key, label, tone in (
        ("first", gettext("first choice"), "focus"),
        ("later", gettext("a later choice"), "normal"),
    ):
        if choice_counts[key]:
            width = _share(choice_counts[key], len(taken))
            choices.append(Segment(label, choice_counts[key], width, offset, tone))
            offset += width
    choices_summary = (
        gettext(
            "%(percent)s of the placed firms got their first choice (%(first)s of %(placed)s).",
            percent=_percent(share),
            first=len(first_choice),
            placed=len(placed_firms),
        )
        if share is not None
        else gettext("Nobody is placed yet.")
    )
    return Dashboard(
        run_id=run_id,
        applicants=len({a.firm_id for a in applications if a.status != "withdrawn"}),
        applications=sum(wanted.values()),
        places_taken=len(taken),
        capacity=sum(m.capacity for m in missions if m.external_id not in cancelled),
        firms_placed=len(placed_firms),
        first_choice_share=share,
        by_region=by_region,
        by_sector=by_sector,
        fill_rate=fill_rate,
        demand=demand,
        choices=choices,
        choices_summary=choices_summary,
    )


def round_dashboard(*, session: Session, round_row: Round) -> Dashboard:
    """The dashboard of a round from its roster run (the published one once published)."""
    run: MatchingRun | None = run_service.roster_run(session=session, round_row=round_row)
    regions = round_service.regions_of(session=session, round_id=round_row.id)
    sectors = round_service.sectors_of(session=session, round_id=round_row.id)
    missions = list(
        session.exec(
            select(Mission)
            .where(Mission.round_id == round_row.id)
            .order_by(col(Mission.start_date), col(Mission.id))
        )
    )
    statuses: dict[int, str] = {}
    if run is not None:
        statuses = {
            application_id: str(status)
            for application_id, status in session.exec(
                select(Placement.application_id, Placement.status).where(Placement.run_id == run.id)
            )
        }
    external = {m.id: m.external_id for m in missions}
    rows = session.exec(
        select(Application, Firm)
        .join(Firm, col(Firm.id) == col(Application.firm_id))
        .where(Application.round_id == round_row.id)
    )
    applications = []
    for application, firm in rows:
        status = statuses.get(application.id)
        if application.status == ApplicationStatus.withdrawn:
            status = "withdrawn"
        applications.append(
            ApplicationFigures(
                firm_id=firm.id,
                mission=external[application.mission_id],
                rank=application.rank,
                region=firm.region,
                sector=firm.sector,
                status=status,
            )
        )
    return compute(
        region_names={r.code: r.name for r in regions},
        sector_names={s.code: s.name for s in sectors},
        focus_sectors={s.code for s in sectors if s.focus},
        missions=[
            MissionFigures(m.external_id, m.title, m.capacity, m.min_participants) for m in missions
        ],
        applications=applications,
        run_id=run.id if run is not None else None,
        cancelled=exports.missions_not_running(run),
    )
