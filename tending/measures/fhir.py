"""FHIR R4 exports: a definition as a Questionnaire, a response as a QuestionnaireResponse.

LOINC codes are used only where the definition carries them (shared/clinical-facts.md F);
every other measure and item is coded in Tending's own code system, never with invented LOINC
codes.
"""

from __future__ import annotations

from typing import Any

from tending.measures.definitions import Definition, Item
from tending.measures.models import Response
from tending.measures.services import Presentation

LOINC = "http://loinc.org"
LOCAL = "https://tending.example/fhir/CodeSystem/measures"  # a local, documented code system
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"


def _answer_coding(
    definition: Definition, presentation: Presentation, value: int
) -> dict[str, Any]:
    index = value - definition.scale.min
    codes = definition.scale.loinc_answers
    coding: dict[str, Any] = {
        "system": LOINC if codes else f"{LOCAL}/{definition.key}/answers",
        "code": codes[index] if codes else str(value),
        "display": presentation.labels[index],
    }
    return coding


def _item_code(definition: Definition, item: Item) -> list[dict[str, str]]:
    if item.loinc:
        return [{"system": LOINC, "code": item.loinc}]
    return [{"system": LOCAL, "code": f"{definition.key}-{item.number}"}]


def questionnaire(definition: Definition, presentation: Presentation) -> dict[str, Any]:
    """Return the definition as a FHIR R4 Questionnaire resource (a plain dict)."""
    options = []
    for value in range(definition.scale.min, definition.scale.max + 1):
        options.append(
            {
                "extension": [{"url": ORDINAL, "valueDecimal": value}],
                "valueCoding": _answer_coding(definition, presentation, value),
            }
        )
    code = (
        [{"system": LOINC, "code": definition.loinc_panel}]
        if definition.loinc_panel
        else [{"system": LOCAL, "code": definition.key}]
    )
    return {
        "resourceType": "Questionnaire",
        "id": f"{definition.key}-v{definition.version}",
        "url": f"{LOCAL}/Questionnaire/{definition.key}",
        "version": str(definition.version),
        "name": definition.key.replace("-", "_").upper(),
        "title": definition.title,
        "status": "active",
        "code": code,
        "copyright": definition.licence,
        "description": definition.instructions or definition.construct,
        "item": [
            {
                "linkId": str(item.number),
                "code": _item_code(definition, item),
                "text": text,
                "type": "choice",
                "required": item.scored,
                "answerOption": options,
            }
            for item, text in zip(definition.items, presentation.items, strict=True)
        ],
    }


def questionnaire_response(
    response: Response, definition: Definition, presentation: Presentation
) -> dict[str, Any]:
    """Return a stored response as a FHIR R4 QuestionnaireResponse (a plain dict)."""
    answers = response.answer_map()
    items = []
    for item, text in zip(definition.items, presentation.items, strict=True):
        entry: dict[str, Any] = {"linkId": str(item.number), "text": text}
        value = answers.get(item.number)
        if value is not None:
            entry["answer"] = [{"valueCoding": _answer_coding(definition, presentation, value)}]
        items.append(entry)
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.public_id),
        "questionnaire": f"{LOCAL}/Questionnaire/{definition.key}|{response.measure_version}",
        # Every stored response was submitted; blank items are simply left unanswered.
        "status": "completed",
        "subject": {
            "identifier": {"system": f"{LOCAL}/client", "value": str(response.client.public_id)}
        },
        "authored": response.completed_at.isoformat(),
        "item": items,
    }
