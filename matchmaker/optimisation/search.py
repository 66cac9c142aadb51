"""What every solve shares: the progress report it sends while it searches, and its workers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# One worker is deterministic: the same input and seed give the same answer. More workers
# search faster on more cores but, for a meeting day, may give another equally good schedule.
DEFAULT_WORKERS = 1


@dataclass(frozen=True, slots=True)
class Progress:
    """Seconds since the start, the best objective so far, the bound on it, and the engine."""

    elapsed: float
    objective: int | None
    bound: int | None
    engine: str = "CP-SAT"


ProgressCallback = Callable[[Progress], None]
