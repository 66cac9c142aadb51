"""The published, reproducible lottery that breaks ties in score: a draw of the round's firms
from a seed (SHA-256 of seed and firm id), the same on every machine and every re-run."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def draw(firms: Iterable[str], seed: int) -> list[str]:
    """The firms in lottery order, luckiest first."""

    def ticket(firm: str) -> tuple[str, str]:
        return hashlib.sha256(f"{seed}:{firm}".encode()).hexdigest(), firm

    return sorted(set(firms), key=ticket)


def weights(order: list[str]) -> dict[str, int]:
    """Each firm's weight in the tie-break objective: the luckiest firm weighs most."""
    return {firm: len(order) - position for position, firm in enumerate(order)}
