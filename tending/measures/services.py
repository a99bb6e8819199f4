"""Questionnaire workflows: asking, answering, raising and acknowledging risk alerts."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tending.accounts.models import ESCALATION_HOURS_MIN, ClientProfile, Organisation, User
from tending.accounts.services import absolute_url
from tending.audit.services import record
from tending.measures.definitions import Definition, load_definitions
from tending.measures.models import MeasureRequest, MeasureWording, Response, RiskAlert
from tending.measures.scoring import score
from tending.revisions import services as revisions

logger = logging.getLogger(__name__)


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
                _raise_alert(
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


def _raise_alert(
    request: HttpRequest,
    response: Response,
    definition: Definition,
    positive: tuple[int, ...],
    high: tuple[int, ...],
    missing: tuple[int, ...],
) -> RiskAlert:
    answers = response.answer_map()
    alert = RiskAlert.objects.create(
        client=response.client,
        response=response,
        measure_key=definition.key,
        items=[{"item": n, "answer": answers.get(n)} for n in sorted({*positive, *missing})],
        # A blank risk item is not a reassuring answer: it gets the same priority as a high one.
        priority=RiskAlert.Priority.HIGH if high or missing else RiskAlert.Priority.STANDARD,
    )
    record(
        action="risk_alert.created",
        request=request,
        client=response.client,
        target=alert,
        detail={"measure": definition.key, "priority": alert.priority},
    )
    transaction.on_commit(lambda: notify_clinician(alert.pk))
    return alert


def notify_clinician(alert_id: int) -> bool:
    """E-mail the client's clinician that an alert is waiting. No clinical content is sent.

    Return True if sent. A failure leaves `notified_at` empty, so
    `tending send-risk-notifications` can try again; the alert itself is already saved.
    """
    alert = RiskAlert.objects.select_related("client__primary_clinician").get(pk=alert_id)
    clinician = alert.client.primary_clinician
    context = {
        "clinician": clinician,
        "link": absolute_url(None, reverse("risk_alert_detail", args=[alert.public_id])),
    }
    try:
        send_mail(
            subject="Tending: an answer needs your attention",
            message=render_to_string("measures/email/risk_alert.txt", context),
            from_email=None,
            recipient_list=[clinician.email],
        )
    except Exception:  # any mail failure: the alert stays on screen; retried by command
        logger.exception("Risk alert %s: notification not sent", alert.public_id)
        return False
    RiskAlert.objects.filter(pk=alert.pk).update(notified_at=timezone.now())
    return True


# A claim this old without recipients recorded belongs to a run that died between claiming and
# sending (sending gives up after EMAIL_TIMEOUT, 10 s): the next run may take it over.
ESCALATION_CLAIM_TIMEOUT = timedelta(minutes=15)


def escalate_waiting_alerts(now: datetime) -> int:
    """E-mail the organisation's cover clinicians about each open alert nobody acknowledged
    within the organisation's `escalation_hours`. Return how many alerts this call escalated.

    Each alert is escalated once, however many runs overlap; see `escalate_alert`.
    """
    candidates = RiskAlert.objects.filter(
        Q(escalated_at=None) | Q(escalated_at__lt=now - ESCALATION_CLAIM_TIMEOUT),
        acknowledged_at=None,
        created_at__lte=now - timedelta(hours=ESCALATION_HOURS_MIN),
    ).values_list("pk", flat=True)
    return sum(escalate_alert(alert_id, now) for alert_id in list(candidates))


def escalate_alert(alert_id: int, now: datetime) -> bool:
    """Tell the cover clinicians that alert `alert_id` is waiting, if it is due. No clinical
    content is sent: not the client's name, the answers nor a score.

    Return True if this call sent it. The alert is claimed first by a conditional UPDATE of
    `escalated_at`, so of two overlapping runs only one sends. A failed send clears the claim
    for the next run; the recipients are recorded, and may open the alert, once it has gone.
    """
    alert = RiskAlert.objects.select_related(
        "client__organisation", "client__primary_clinician"
    ).get(pk=alert_id)
    hours = alert.client.organisation.escalation_hours
    if not alert.is_open or alert.created_at > now - timedelta(hours=hours):
        return False
    seen = alert.escalated_at
    if seen is not None and (seen >= now - ESCALATION_CLAIM_TIMEOUT or alert.escalated_to):
        return False  # escalated already, or another run is sending it now
    recipients = list(alert.cover_recipients())
    if not recipients:
        return False  # nobody to tell: the settings page warns the organisation's admins
    claimed = RiskAlert.objects.filter(pk=alert.pk, acknowledged_at=None, escalated_at=seen)
    if not claimed.update(escalated_at=now):
        return False
    context = {
        "clinician": alert.client.primary_clinician,
        "hours": int((now - alert.created_at).total_seconds() // 3600),
        "link": absolute_url(None, reverse("risk_alert_detail", args=[alert.public_id])),
    }
    try:
        send_mail(
            subject="Tending: a colleague's alert is waiting",
            message=render_to_string("measures/email/risk_alert_escalated.txt", context),
            from_email=None,
            recipient_list=[person.email for person in recipients],
        )
    except Exception:  # any mail failure: give the claim back so the next run tries again
        logger.exception("Risk alert %s: escalation not sent", alert.public_id)
        RiskAlert.objects.filter(pk=alert.pk, escalated_at=now).update(escalated_at=None)
        return False
    told = [str(person.public_id) for person in recipients]
    with transaction.atomic():
        RiskAlert.objects.filter(pk=alert.pk).update(escalated_to=told)
        record(
            action="risk_alert.escalated",
            client=alert.client,
            target=alert,
            detail={"hours": hours, "to": told},
        )
    return True


@transaction.atomic
def acknowledge_alert(*, request: HttpRequest, alert: RiskAlert, note: str) -> bool:
    """Close an open alert with the clinician's note. Return False if it was already closed."""
    locked = RiskAlert.objects.select_for_update().get(pk=alert.pk)
    if locked.acknowledged_at is not None:
        return False
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = request.user  # type: ignore[assignment]
    locked.acknowledgement = note
    locked.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement"])
    record(
        action="risk_alert.acknowledged",
        request=request,
        client=locked.client,
        target=locked,
    )
    revisions.client_changed(locked.client)
    return True


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
