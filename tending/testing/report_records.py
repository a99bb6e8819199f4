"""Scored questionnaire histories for report tests: a PHQ-9 total on a given day."""

from __future__ import annotations

import uuid
from datetime import datetime

from tending.accounts.models import ClientProfile
from tending.measures import scoring
from tending.measures.definitions import get_definition
from tending.measures.models import Response
from tending.revisions import services as revisions


def phq9_answers(total: int) -> dict[int, int | None]:
    """Answers adding up to `total` (at most 24), with item 9 (the risk item) left at 0."""
    answers: dict[int, int | None] = {}
    left = total
    for number in range(1, 9):
        answer = min(3, left)
        answers[number] = answer
        left -= answer
    answers[9] = 0
    if left:
        raise ValueError("a PHQ-9 total above 24 needs item 9, which would raise an alert")
    return answers


def scored_response(
    client: ClientProfile,
    when: datetime,
    total: int | None = None,
    *,
    measure: str = "phq9",
    answers: dict[int, int | None] | None = None,
) -> Response:
    definition = get_definition(measure)
    if answers is None:
        answers = phq9_answers(total or 0)
    result = scoring.score(definition, answers)
    response = Response.objects.create(
        client=client,
        token=uuid.uuid4(),
        measure_key=measure,
        measure_version=definition.version,
        source=Response.Source.CLIENT,
        entered_by=client.primary_clinician,
        answers={str(number): value for number, value in answers.items()},
        complete=result.complete,
        total=result.total,
        band=result.band or "",
        subscales=result.subscales,
        completed_at=when,
    )
    revisions.client_changed(client)  # as submit_response does
    return response
