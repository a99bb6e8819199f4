"""A client's risk history: every risk episode with its answers and what was done, and the
risk parts of session notes, each placed with the episode it followed.

A session's risk entry belongs to the latest episode opened on or before the session's day;
entries from before the first episode are listed on their own. Nothing is left out: every
answer, every episode and every session note with a risk entry appears once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tending.accounts.models import ClientProfile
from tending.assignments.schedules import local_today
from tending.safety.models import RiskEpisode
from tending.therapy_sessions.models import TherapySession


@dataclass
class Period:
    episode: RiskEpisode | None  # None: the time before the first episode
    sessions: list[TherapySession] = field(default_factory=list)


def risk_history(client: ClientProfile) -> list[Period]:
    """Return the client's episodes, newest first, each with the session risk entries that
    followed it, then the entries from before the first episode (if any). Three queries."""
    episodes = list(
        RiskEpisode.objects.filter(client=client)
        .select_related("closed_by")
        .prefetch_related("answers")
        .order_by("-opened_at", "-id")
    )
    periods = [Period(episode) for episode in episodes]
    before = Period(None)
    starts = [
        (local_today(episode.opened_at, client.time_zone), period)
        for episode, period in zip(episodes, periods, strict=True)
    ]
    # The risk note is encrypted, so which sessions have one is decided here, not in SQL.
    for session in TherapySession.objects.filter(client=client).select_related("clinician"):
        if not session.risk_reviewed and not session.risk_note:
            continue
        home = next((period for day, period in starts if day <= session.date), before)
        home.sessions.append(session)
    return periods + ([before] if before.sessions else [])
