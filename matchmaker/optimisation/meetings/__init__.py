"""B2B meeting scheduling (Bofill et al., JAIR 2022, plus priorities and reasons): problem in,
schedule out. Pure: imports ortools, nothing from the web or database layers.

    load_problem(path) -> MeetingProblem           a .dzn instance or a matchmaker-meetings/1 file
    validate(document) -> MeetingProblem           raises MeetingProblemError listing every problem
    solve_meetings(problem, *, fairness=None, time_limit=None, seed=0, workers=1,
                   progress=None, locked=None) -> MeetingResult
    MeetingResult.to_document() -> dict            the matchmaker-meetings-result/1 document

Formats: problem.py (input) and result.py (result) document them field by field.
"""

from matchmaker.optimisation.meetings.explain import Conflict, Unscheduled
from matchmaker.optimisation.meetings.files import load_problem
from matchmaker.optimisation.meetings.model import solve_meetings
from matchmaker.optimisation.meetings.problem import (
    MEETINGS_FORMAT,
    Meeting,
    MeetingProblem,
    MeetingProblemError,
    Participant,
    validate,
)
from matchmaker.optimisation.meetings.result import RESULT_FORMAT, MeetingResult
from matchmaker.optimisation.search import DEFAULT_WORKERS, ProgressCallback

__all__ = [
    "DEFAULT_WORKERS",
    "MEETINGS_FORMAT",
    "RESULT_FORMAT",
    "Conflict",
    "Meeting",
    "MeetingProblem",
    "MeetingProblemError",
    "MeetingResult",
    "Participant",
    "ProgressCallback",
    "Unscheduled",
    "load_problem",
    "solve_meetings",
    "validate",
]
