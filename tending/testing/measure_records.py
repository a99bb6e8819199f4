"""Questionnaire records for tests: a request, a response with a positive item 9, and the
risk episode it opened."""

from __future__ import annotations

import uuid

from django.test import RequestFactory

from tending.accounts.models import Organisation
from tending.measures.definitions import get_definition
from tending.measures.models import MeasureRequest, MeasureWording, Response
from tending.measures.services import import_wording, submit_response
from tending.safety.models import RiskAnswer
from tending.testing.personas import World

PHQ9_POSITIVE: dict[int, int | None] = {
    1: 2,
    2: 2,
    3: 1,
    4: 2,
    5: 1,
    6: 2,
    7: 1,
    8: 0,
    9: 2,
}  # total 13, item 9 = 2


def answer_phq9(world: World, answers: dict[int, int | None] | None = None) -> Response:
    request = RequestFactory().post("/")
    request.user = world.client_a.user  # type: ignore[assignment]
    response, _ = submit_response(
        request=request,
        client=world.client_a,
        definition=get_definition("phq9"),
        answers=answers or PHQ9_POSITIVE,
        token=uuid.uuid4(),
        entered_by=world.client_a.user,  # type: ignore[arg-type]
        source=Response.Source.CLIENT,
    )
    return response


def measure_records(world: World) -> dict[str, object]:
    asked = MeasureRequest.objects.create(
        client=world.client_a, measure_key="gad7", requested_by=world.clinician_a
    )
    response = answer_phq9(world)
    return {
        "request_a": asked,
        "response_a": response,
        "alert_a": RiskAnswer.objects.get(response_id=response.public_id),
        "episode_a": RiskAnswer.objects.get(response_id=response.public_id).episode,
    }


def import_licensed_wording(organisation: Organisation, key: str) -> MeasureWording:
    """Import made-up 'licensed' wording for a scoring-only measure, as the CLI would."""
    definition = get_definition(key)
    return import_wording(
        organisation=organisation,
        definition=definition,
        data={
            "licence": "Used with written permission (test)",
            "instructions": f"Licensed {definition.short_title} instructions",
            "labels": [f"Licensed answer {n}" for n in range(len(definition.scale.labels))],
            "items": [f"Licensed {key} item {n}" for n in range(1, definition.item_count + 1)],
        },
    )
