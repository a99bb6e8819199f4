"""Questionnaire workflows: asking, answering, and raising risk answers into `tending.safety`."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from tending.accounts.models import ClientProfile, Organisation, User
from tending.audit.services import record
from tending.measures.definitions import Definition, load_definitions
from tending.measures.models import MeasureRequest, MeasureWording, Response
from tending.measures.scoring import score
from tending.revisions import services as revisions
from tending.safety import episodes
from tending.safety.models import Priority


class NotAnswerableOnline(Exception):
    """A scoring-only questionnaire whose licensed wording the organisation has not imported.

    A client would see only "Item 1", "Item 2"…, so it must not be sent to them (H-005).
    """


@transaction.atomic
def request_measure(
    *,
    request: HttpRequest,
    clinician: User,
    client: ClientProfile,
    definition: Definition,
    show_summary: bool,
) -> tuple[MeasureRequest, bool]:
    """Ask `client` to complete `definition` now. An open request for it is reused.

    Raise NotAnswerableOnline if the client could not read its items (see `answerable_online`).
    """
    if not answerable_online(client.organisation_id, [definition.key]):
        raise NotAnswerableOnline(definition.key)
    # Lock the client's row so two clicks at once cannot both create a request.
    ClientProfile.objects.select_for_update().filter(pk=client.pk).first()
    existing = MeasureRequest.objects.filter(
        client=client, measure_key=definition.key, completed_at=None
    ).first()
    if existing is not None and not existing.from_homework:
        return existing, False
    if existing is not None:
        # The client opened it from a homework item, so it is listed only while that item is
        # due. Asked for directly, it now waits on their Today page like any other request.
        existing.from_homework = False
        existing.requested_by = clinician
        existing.show_summary = show_summary
        existing.save(update_fields=["from_homework", "requested_by", "show_summary"])
        asked = existing
    else:
        asked = MeasureRequest.objects.create(
            client=client,
            measure_key=definition.key,
            requested_by=clinician,
            show_summary=show_summary,
        )
    record(
        action="measure.requested",
        request=request,
        client=client,
        target=asked,
        detail={"measure": definition.key},
    )
    return asked, True


def submit_response(
    *,
    request: HttpRequest,
    client: ClientProfile,
    definition: Definition,
    answers: dict[int, int | None],
    token: UUID,
    entered_by: User,
    source: str,
    measure_request: MeasureRequest | None = None,
) -> tuple[Response, bool]:
    """Score and store a response, and raise a risk alert in the same transaction.

    Return (response, created). The same token sent again returns the first response and
    creates nothing: no second response and no second alert.
    """
    result = score(definition, answers)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                client=client,
                token=token,
                request=measure_request,
                measure_key=definition.key,
                measure_version=definition.version,
                source=source,
                entered_by=entered_by,
                answers={str(number): value for number, value in answers.items()},
                complete=result.complete,
                total=result.total,
                band=result.band or "",
                subscales=result.subscales,
                completed_at=timezone.now(),
            )
            record(
                action="measure.submitted",
                request=request,
                actor=entered_by,
                client=client,
                target=response,
                detail={"measure": definition.key, "source": source},
            )
            revisions.client_changed(client)  # a new score, and any alert with it
            if result.has_risk:
                _raise_risk(
                    request,
                    response,
                    definition,
                    result.risk_items,
                    result.high_priority_risk_items,
                    result.missing_risk_items,
                )
            if measure_request is not None:
                MeasureRequest.objects.filter(pk=measure_request.pk, completed_at=None).update(
                    completed_at=response.completed_at
                )
            return response, True
    except IntegrityError:
        existing = Response.objects.filter(client=client, token=token).first()
        if existing is None:
            raise
        stored = {str(number): value for number, value in answers.items()}
        if existing.measure_key == definition.key and existing.answers == stored:
            return existing, False  # the same submission again: nothing new
        # Same form, different answers (changed after going back): a new response, so that a
        # changed risk answer is scored, stored and alerted, never dropped.
        return submit_response(
            request=request,
            client=client,
            definition=definition,
            answers=answers,
            token=uuid.uuid4(),
            entered_by=entered_by,
            source=source,
            measure_request=measure_request,
        )


def _raise_risk(
    request: HttpRequest,
    response: Response,
    definition: Definition,
    positive: tuple[int, ...],
    high: tuple[int, ...],
    missing: tuple[int, ...],
) -> None:
    """Raise the response's risk items into the client's risk episode (`tending.safety`)."""
    answers = response.answer_map()
    shown = presentation_for(definition, response.client.organisation)
    items = []
    for number in sorted({*positive, *missing}):
        answer = answers.get(number)
        items.append(
            episodes.RiskItem(
                number=number,
                answer=answer,
                text=shown.items[number - 1] if shown.has_wording else "",
                answer_label="" if answer is None else shown.labels[answer - definition.scale.min],
            )
        )
    episodes.raise_risk(
        request=request,
        client=response.client,
        response_id=response.public_id,
        measure_key=definition.key,
        measure_title=definition.short_title,
        items=items,
        # A blank risk item is not a reassuring answer: it gets the same priority as a high one.
        priority=Priority.HIGH if high or missing else Priority.STANDARD,
        answered_at=response.completed_at,
    )


@dataclass(frozen=True)
class Presentation:
    """What a person sees for a measure: licensed wording where it ships or was imported."""

    instructions: str
    items: list[str]
    labels: list[str]
    # False when the items are only "Item 1", "Item 2"…: fit for paper entry by a clinician
    # holding the licensed form, never for a client to answer (H-005).
    has_wording: bool = True


def _labels(definition: Definition) -> list[str]:
    """Scale labels, with the bare number where only the end anchors are known."""
    values = range(definition.scale.min, definition.scale.max + 1)
    return [
        label or str(value) for value, label in zip(values, definition.scale.labels, strict=True)
    ]


def presentation_for(definition: Definition, organisation: Organisation) -> Presentation:
    if definition.includes_wording:
        return Presentation(
            instructions=definition.instructions or "",
            items=[item.text or "" for item in definition.items],
            labels=_labels(definition),
        )
    imported = MeasureWording.objects.filter(
        organisation=organisation, measure_key=definition.key
    ).first()
    if imported is not None and len(imported.items) == definition.item_count:
        return Presentation(imported.instructions, list(imported.items), list(imported.labels))
    return Presentation(
        instructions="Answer each item with the number that fits best.",
        items=[f"Item {item.number}" for item in definition.items],
        labels=_labels(definition),
        has_wording=False,
    )


def answerable_online(organisation_id: int, keys: Iterable[str]) -> set[str]:
    """Return those of `keys` that a client of the organisation can answer online.

    A measure qualifies if its wording ships, or if it is scoring only and the organisation has
    imported wording for every item (the test `presentation_for` applies). One query, and none
    when every key ships with its wording. Unknown keys never qualify.
    """
    definitions = load_definitions()
    known = [definitions[key] for key in set(keys) if key in definitions]
    ready = {d.key for d in known if d.includes_wording}
    scoring_only = {d.key for d in known if not d.includes_wording}
    if scoring_only:
        imported = MeasureWording.objects.filter(
            organisation_id=organisation_id, measure_key__in=scoring_only
        ).values_list("measure_key", "items")
        ready |= {
            key
            for key, items in imported
            if isinstance(items, list) and len(items) == definitions[key].item_count
        }
    return ready


@transaction.atomic
def import_wording(
    *, organisation: Organisation, definition: Definition, data: dict[str, Any]
) -> MeasureWording:
    """Store an organisation's licensed wording for a scoring-only measure."""
    wording, _ = MeasureWording.objects.update_or_create(
        organisation=organisation,
        measure_key=definition.key,
        defaults={
            "measure_version": definition.version,
            "instructions": data.get("instructions") or "",
            "items": data["items"],
            "labels": data["labels"],
            "licence": data["licence"],
        },
    )
    record(
        action="measure.wording_imported",
        organisation=organisation,
        detail={"measure": definition.key, "version": definition.version},
    )
    # Homework with this measure can now be answered online: its weeks count differently.
    revisions.organisation_changed(organisation.pk)
    return wording
