"""Reminders: which are due now, and sending each exactly once.

The scheduler (`tending schedule-reminders`) finds due reminders and enqueues one task per
client on Django's Tasks framework (database queue); `tending db_worker` runs the tasks. Each
occurrence is claimed by inserting a unique ReminderDelivery row before anything is sent.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tending.accounts.models import ClientProfile
from tending.accounts.services import absolute_url
from tending.assignments import schedules
from tending.assignments.models import Assignment, ReminderDelivery, ReminderPreference
from tending.assignments.services import agenda_for

logger = logging.getLogger(__name__)
DEFAULT_TIME = time(9, 0)


def due_reminders(
    now: datetime, client_ids: list[int] | None = None
) -> dict[int, list[tuple[int, str]]]:
    """Return, per client id, the (assignment id, local day) pairs to remind about now.

    A reminder is due from the client's chosen time (or from when the window opens, if later)
    until the window closes, while the item is not done and has not been reminded about.
    """
    preferences = {p.client_id: p for p in ReminderPreference.objects.all()}
    active = Assignment.objects.filter(status=Assignment.Status.ACTIVE)
    if client_ids is not None:
        active = active.filter(client_id__in=client_ids)
    with_homework = active.values_list("client_id", flat=True).distinct()
    due: dict[int, list[tuple[int, str]]] = {}
    for client in ClientProfile.objects.filter(pk__in=with_homework, user__isnull=False):
        preference = preferences.get(client.pk)
        if preference is not None and not preference.enabled:
            continue
        at = preference.at if preference is not None else DEFAULT_TIME
        today = schedules.local_today(now, client.time_zone)
        from_time = schedules.first_instant_at_or_after(today, at, ZoneInfo(client.time_zone))
        sent = set(
            ReminderDelivery.objects.filter(assignment__client=client, day=today).values_list(
                "assignment_id", flat=True
            )
        )
        for item in agenda_for(client, now).due:
            starts = max(from_time, item.occurrence.opens_at)
            if item.assignment.pk not in sent and starts <= now < item.occurrence.closes_at:
                due.setdefault(client.pk, []).append((item.assignment.pk, today.isoformat()))
    return due


def send_client_reminder(client_id: int, items: list[tuple[int, str]]) -> int:
    """Claim each occurrence, then send one warm e-mail for those this call claimed.

    Return how many occurrences this call reminded about (0 if another worker had them).
    """
    # The task may run late: remind only about what is still due now (not paused, ended,
    # done or resting, and still inside its window).
    still_due = set(due_reminders(timezone.now(), client_ids=[client_id]).get(client_id, []))
    claimed: list[ReminderDelivery] = []
    for assignment_id, day in items:
        if (assignment_id, day) not in still_due:
            continue
        try:
            with transaction.atomic():
                claimed.append(
                    ReminderDelivery.objects.create(
                        assignment_id=assignment_id, day=date.fromisoformat(day)
                    )
                )
        except IntegrityError:
            continue  # already claimed by another worker or an earlier run
    if not claimed:
        return 0
    client = ClientProfile.objects.select_related("user").get(pk=client_id)
    titles = [
        a.title
        for a in Assignment.objects.filter(
            pk__in=[d.assignment_id for d in claimed]
        ).select_related("practice")
    ]
    context = {
        "client": client,
        "titles": titles,
        "link": absolute_url(None, reverse("today")),
        "settings_link": absolute_url(None, reverse("reminder_settings")),
    }
    try:
        send_mail(
            subject="A gentle reminder from Tending",
            message=render_to_string("assignments/email/reminder.txt", context),
            from_email=None,
            recipient_list=[client.user.email if client.user else client.email],
        )
    except Exception:  # the claim stays: a reminder is better missed than sent twice
        logger.exception("Reminder for client %s not sent", client.public_id)
        return 0
    ReminderDelivery.objects.filter(pk__in=[d.pk for d in claimed]).update(sent_at=timezone.now())
    return len(claimed)
