"""Risk episodes: raising a risk answer into its client's episode, telling the clinician,
escalating to cover clinicians, and closing an episode with what was done.

A positive (or blank) risk answer opens an episode for its client, or joins the open one.
Grouping never hides an answer: each one is stored in the episode with its time, measure
and items, each one e-mails the clinician, and a higher priority raises the episode's. An
episode is closed only by a clinician who has seen every answer in it (`close_episode`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from tending.accounts.access import signed_in_user
from tending.accounts.models import ESCALATION_HOURS_MIN, ClientProfile
from tending.accounts.services import absolute_url
from tending.audit.services import record
from tending.revisions import services as revisions
from tending.safety.models import Action, Priority, RiskAnswer, RiskEpisode

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RiskItem:
    """One risk item of a response as the client saw it and answered it."""

    number: int
    answer: int | None  # None when left blank
    text: str
    answer_label: str

    def as_json(self) -> dict[str, Any]:
        return {
            "item": self.number,
            "answer": self.answer,
            "text": self.text,
            "answer_label": self.answer_label,
        }


def raise_risk(
    *,
    request: HttpRequest | None,
    client: ClientProfile,
    response_id: UUID,
    measure_key: str,
    measure_title: str,
    items: Sequence[RiskItem],
    priority: str,
    answered_at: datetime,
) -> RiskAnswer:
    """Store a risk answer in the client's open episode (opened now if there is none).

    Runs inside the caller's transaction: the answer is saved with the response or not at
    all. The clinician is e-mailed once the transaction commits.
    """
    with transaction.atomic():
        # One open episode per client: lock the client's row so two answers arriving at once
        # join one episode (the database's partial unique index also guarantees it).
        ClientProfile.objects.select_for_update().filter(pk=client.pk).first()
        episode = RiskEpisode.objects.filter(client=client, closed_at=None).first()
        opened = episode is None
        if episode is None:
            episode = RiskEpisode.objects.create(
                client=client, priority=priority, opened_at=answered_at
            )
        elif priority == Priority.HIGH and episode.priority != Priority.HIGH:
            episode.priority = Priority.HIGH
            episode.save(update_fields=["priority"])
        answer = RiskAnswer.objects.create(
            episode=episode,
            client=client,
            response_id=response_id,
            measure_key=measure_key,
            measure_title=measure_title,
            items=[item.as_json() for item in items],
            priority=priority,
            answered_at=answered_at,
        )
        if opened:
            record(
                action="risk_episode.opened",
                request=request,
                client=client,
                target=episode,
                detail={"priority": episode.priority},
            )
        record(
            action="risk_answer.raised",
            request=request,
            client=client,
            target=answer,
            detail={
                "episode": str(episode.public_id),
                "measure": measure_key,
                "priority": priority,
                "episode_priority": episode.priority,
            },
        )
        revisions.client_changed(client)  # the dashboard row and the banner
        transaction.on_commit(lambda: notify_clinician(answer.pk))
    return answer


def notify_clinician(answer_id: int) -> bool:
    """E-mail the client's clinician that an answer is waiting. No clinical content is sent.

    Every answer is told, also one that joined an open episode. Return True if sent. A
    failure leaves `notified_at` empty, so `tending send-risk-notifications` tries again; the
    answer itself is already saved and on screen.
    """
    answer = RiskAnswer.objects.select_related("episode", "client__primary_clinician").get(
        pk=answer_id
    )
    clinician = answer.client.primary_clinician
    if clinician is None:
        return False
    context = {
        "clinician": clinician,
        "link": absolute_url(None, answer.episode.get_absolute_url()),
        "joined": answer.episode.answers.filter(answered_at__lt=answer.answered_at).exists(),
    }
    try:
        send_mail(
            subject="Tending: an answer needs your attention",
            message=render_to_string("safety/email/risk_answer.txt", context),
            from_email=None,
            recipient_list=[clinician.email],
        )
    except Exception:  # any mail failure: the answer stays on screen; retried by command
        logger.exception("Risk answer %s: notification not sent", answer.public_id)
        return False
    RiskAnswer.objects.filter(pk=answer.pk).update(notified_at=timezone.now())
    return True


def send_pending_notifications() -> tuple[int, int]:
    """Send every notification a mail failure held back. Return (sent, pending before)."""
    pending = list(
        RiskAnswer.objects.filter(
            notified_at=None, episode__closed_at=None, client__primary_clinician__isnull=False
        )
        .order_by("answered_at", "pk")
        .values_list("pk", flat=True)
    )
    return sum(notify_clinician(pk) for pk in pending), len(pending)


# A claim this old without recipients recorded belongs to a run that died between claiming and
# sending (sending gives up after EMAIL_TIMEOUT, 10 s): the next run may take it over.
ESCALATION_CLAIM_TIMEOUT = timedelta(minutes=15)


def escalate_waiting_episodes(now: datetime) -> int:
    """E-mail the organisation's cover clinicians about each open episode nobody closed
    within the organisation's `escalation_hours`. Return how many this call escalated.

    Each episode is escalated once, however many answers join it and however many runs
    overlap; see `escalate_episode`.
    """
    candidates = RiskEpisode.objects.filter(
        Q(escalated_at=None) | Q(escalated_at__lt=now - ESCALATION_CLAIM_TIMEOUT),
        closed_at=None,
        opened_at__lte=now - timedelta(hours=ESCALATION_HOURS_MIN),
    ).values_list("pk", flat=True)
    return sum(escalate_episode(episode_id, now) for episode_id in list(candidates))


def escalate_episode(episode_id: int, now: datetime) -> bool:
    """Tell the cover clinicians that episode `episode_id` is waiting, if it is due. No
    clinical content is sent: not the client's name, the answers nor a score.

    Return True if this call sent it. The episode is claimed first by a conditional UPDATE of
    `escalated_at`, so of two overlapping runs only one sends. A failed send clears the claim
    for the next run; the recipients are recorded, and may open the episode, once it has gone.
    """
    episode = RiskEpisode.objects.select_related(
        "client__organisation", "client__primary_clinician"
    ).get(pk=episode_id)
    hours = episode.client.organisation.escalation_hours
    if not episode.is_open or episode.opened_at > now - timedelta(hours=hours):
        return False
    seen = episode.escalated_at
    if seen is not None and (seen >= now - ESCALATION_CLAIM_TIMEOUT or episode.escalated_to):
        return False  # escalated already, or another run is sending it now
    recipients = list(episode.cover_recipients())
    if not recipients:
        return False  # nobody to tell: the settings page warns the organisation's admins
    claimed = RiskEpisode.objects.filter(pk=episode.pk, closed_at=None, escalated_at=seen)
    if not claimed.update(escalated_at=now):
        return False
    context = {
        "clinician": episode.client.primary_clinician,
        "hours": int((now - episode.opened_at).total_seconds() // 3600),
        "link": absolute_url(None, episode.get_absolute_url()),
    }
    try:
        send_mail(
            subject="Tending: a colleague's alert is waiting",
            message=render_to_string("safety/email/risk_episode_escalated.txt", context),
            from_email=None,
            recipient_list=[person.email for person in recipients],
        )
    except Exception:  # any mail failure: give the claim back so the next run tries again
        logger.exception("Risk episode %s: escalation not sent", episode.public_id)
        RiskEpisode.objects.filter(pk=episode.pk, escalated_at=now).update(escalated_at=None)
        return False
    told = [str(person.public_id) for person in recipients]
    with transaction.atomic():
        RiskEpisode.objects.filter(pk=episode.pk).update(escalated_to=told)
        record(
            action="risk_episode.escalated",
            client=episode.client,
            target=episode,
            detail={"hours": hours, "to": told},
        )
    return True


class NewAnswerArrived(Exception):
    """An answer joined the episode after the clinician opened it: they have not seen it."""


@transaction.atomic
def close_episode(
    *,
    request: HttpRequest,
    episode: RiskEpisode,
    actions: Sequence[str],
    note: str,
    answers_seen: int,
) -> bool:
    """Close an open episode with what was done. Return False if it was already closed.

    `answers_seen` is how many answers the clinician's page showed; if more have arrived
    since, raise NewAnswerArrived and close nothing, so no answer is acknowledged unread.
    """
    locked = RiskEpisode.objects.select_for_update().get(pk=episode.pk)
    if locked.closed_at is not None:
        return False
    if locked.answers.count() > answers_seen:
        raise NewAnswerArrived(str(locked.public_id))
    known = {value for value, _ in Action.choices}
    locked.actions = [action for action in actions if action in known]
    locked.note = note
    locked.closed_at = timezone.now()
    user = signed_in_user(request)
    if user is None:
        raise PermissionDenied("Only a signed-in clinician closes a risk episode.")
    locked.closed_by = user
    locked.save(update_fields=["actions", "note", "closed_at", "closed_by"])
    record(
        action="risk_episode.closed",
        request=request,
        client=locked.client,
        target=locked,
        detail={"actions": locked.actions, "answers": answers_seen},
    )
    revisions.client_changed(locked.client)
    return True


def open_episode_of(client: ClientProfile) -> RiskEpisode | None:
    return RiskEpisode.objects.filter(client=client, closed_at=None).first()


def has_open_episode(client: ClientProfile) -> bool:
    return RiskEpisode.objects.filter(client=client, closed_at=None).exists()
