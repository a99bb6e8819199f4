"""The data-subject export: every record about one client, as plain JSON (schema in
docs/data-subject-export.md). Reads only; `services.export_client` audits and packs it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, Q
from django.utils import timezone

from tending.accounts.models import ClientProfile, User
from tending.accounts.two_factor import has_two_factor
from tending.assignments.models import Assignment, ReminderPreference
from tending.audit.models import AuditEvent
from tending.formulation.models import CirclesCheckIn, Formulation
from tending.journal.models import JournalEntry, shared_with_clinician
from tending.measures.models import MeasureRequest, Response
from tending.practices.models import PracticeLog
from tending.safety.models import ContactDetails, RiskEpisode, SafetyPlan
from tending.therapy_sessions.models import SessionHomework, SessionPractice, TherapySession
from tending.understanding.models import ModuleProgress

SCHEMA_VERSION = 1


def _pick(obj: Model, *names: str) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _client(client: ClientProfile) -> dict[str, Any]:
    return {
        **_pick(client, "public_id", "name", "email", "time_zone", "created_at"),
        "organisation": {
            "public_id": client.organisation.public_id,
            "name": client.organisation.name,
        },
        "primary_clinician_name": client.primary_clinician.name,
    }


def _account(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    # Never the password hash, one-time-password secrets or recovery codes.
    return {
        **_pick(user, "public_id", "email", "name", "is_active", "date_joined", "last_login"),
        "two_step_sign_in": has_two_factor(user),
    }


def _practice_logs(client: ClientProfile, include_private: bool) -> list[dict[str, Any]]:
    rows = []
    for log in PracticeLog.objects.filter(client=client).select_related("practice"):
        row = _pick(
            log,
            "public_id",
            "practice_version",
            "started_at",
            "ended_at",
            "outcome",
            "seconds_practised",
            "before_threat",
            "before_drive",
            "before_soothe",
            "after_threat",
            "after_drive",
            "after_soothe",
            "feeling",
            "note_shared",
            "created_at",
        )
        row["practice"] = {"public_id": log.practice.public_id, "title": log.practice.title}
        row["note"] = log.note if include_private or log.note_shared else None
        rows.append(row)
    return rows


def _assignments(client: ClientProfile) -> list[dict[str, Any]]:
    rows = []
    queryset = Assignment.objects.filter(client=client).select_related("practice")
    for item in queryset.prefetch_related("history", "reminders"):
        row = _pick(
            item,
            "public_id",
            "kind",
            "measure_key",
            "instructions",
            "repeat",
            "start_date",
            "end_date",
            "weekdays",
            "interval",
            "window_start",
            "window_end",
            "status",
            "version",
            "created_at",
            "updated_at",
        )
        row["practice"] = (
            {"public_id": item.practice.public_id, "title": item.practice.title}
            if item.practice
            else None
        )
        row["history"] = [
            _pick(old, "version", "snapshot", "changed_at") for old in item.history.all()
        ]
        row["reminders"] = [
            _pick(sent, "day", "claimed_at", "sent_at") for sent in item.reminders.all()
        ]
        rows.append(row)
    return rows


def _reminder_preference(client: ClientProfile) -> dict[str, Any] | None:
    preference = ReminderPreference.objects.filter(client=client).first()
    return _pick(preference, "enabled", "at", "updated_at") if preference else None


def _measures(client: ClientProfile) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    requests = [
        {
            **_pick(
                asked,
                "public_id",
                "measure_key",
                "show_summary",
                "from_homework",
                "created_at",
                "completed_at",
            )
        }
        for asked in MeasureRequest.objects.filter(client=client)
    ]
    responses = []
    for response in Response.objects.filter(client=client).select_related("request"):
        row = _pick(
            response,
            "public_id",
            "measure_key",
            "measure_version",
            "source",
            "answers",
            "complete",
            "total",
            "band",
            "subscales",
            "completed_at",
            "created_at",
        )
        row["request"] = response.request.public_id if response.request else None
        responses.append(row)
    return requests, responses


def _risk_episodes(client: ClientProfile) -> list[dict[str, Any]]:
    episodes = []
    for episode in RiskEpisode.objects.filter(client=client).prefetch_related("answers"):
        row = _pick(
            episode,
            "public_id",
            "priority",
            "opened_at",
            "closed_at",
            "actions",
            "note",
            "escalated_at",
        )
        row["answers"] = [
            _pick(
                answer,
                "public_id",
                "response_id",
                "measure_key",
                "measure_title",
                "items",
                "priority",
                "answered_at",
            )
            for answer in episode.answers.all()
        ]
        episodes.append(row)
    return episodes


def _versions(versions: Iterable[Any]) -> list[dict[str, Any]]:
    """Every saved version of a document written together (formulation, safety plan)."""
    return [
        {
            **_pick(version, "public_id", "number", "author_role", "created_at"),
            "parts": version.texts(),
        }
        for version in versions
    ]


def _safety_plan(client: ClientProfile) -> dict[str, Any] | None:
    plan = SafetyPlan.objects.filter(client=client).first()
    if plan is None:
        return None
    versions = _versions(plan.versions.all())
    return {
        **_pick(plan, "public_id", "version", "reviewed_at", "reviewed_version", "created_at"),
        "versions": versions,
    }


def _contact_details(client: ClientProfile) -> dict[str, Any] | None:
    details = ContactDetails.objects.filter(client=client).select_related("updated_by").first()
    if details is None:
        return None
    return {
        **_pick(details, "public_id"),
        **details.values(),
        **_pick(details, "version", "updated_at"),
        "updated_by_role": details.updated_by.role if details.updated_by else "",
    }


def _formulation(client: ClientProfile) -> dict[str, Any] | None:
    formulation = Formulation.objects.filter(client=client).first()
    if formulation is None:
        return None
    versions = _versions(formulation.versions.all())
    links = [
        {
            **_pick(link, "public_id", "part", "created_at"),
            "assignment": link.assignment.public_id,
        }
        for link in formulation.links.select_related("assignment")
    ]
    return {
        **_pick(formulation, "public_id", "version", "created_at", "updated_at"),
        "versions": versions,
        "links": links,
    }


def _circles(client: ClientProfile) -> list[dict[str, Any]]:
    return [
        _pick(
            check_in,
            "public_id",
            "threat",
            "drive",
            "soothe",
            "threat_activators",
            "drive_activators",
            "soothe_activators",
            "note",
            "recorded_by_role",
            "created_at",
        )
        for check_in in CirclesCheckIn.objects.filter(client=client)
    ]


def _modules(client: ClientProfile) -> list[dict[str, Any]]:
    return [
        _pick(
            progress,
            "public_id",
            "module_key",
            "opened_at",
            "opened_version",
            "finished_at",
            "finished_version",
        )
        for progress in ModuleProgress.objects.filter(client=client)
    ]


def _journal(client: ClientProfile, include_private: bool) -> list[dict[str, Any]]:
    entries = JournalEntry.objects.filter(client=client).prefetch_related("parts", "replies")
    if not include_private:
        entries = entries.filter(shared_with_clinician())
    return [
        {
            **_pick(
                entry,
                "public_id",
                "kind",
                "status",
                "title",
                "module_key",
                "module_version",
                "voice",
                "writer",
                "shared_at",
                "version",
                "created_at",
                "updated_at",
            ),
            "parts": [
                _pick(part, "key", "position", "prompt", "text") for part in entry.parts.all()
            ],
            "replies": [
                _pick(reply, "public_id", "noticed", "body", "created_at")
                for reply in entry.replies.all()
            ],
        }
        for entry in entries
    ]


def _sessions(client: ClientProfile) -> list[dict[str, Any]]:
    # A draft is not yet a record: only signed notes are exported (see the schema document).
    sessions = TherapySession.objects.filter(client=client, signed_at__isnull=False)
    rows = []
    for session in sessions.prefetch_related("layers", "addenda"):
        practices = SessionPractice.objects.filter(session=session).select_related("practice")
        homework = SessionHomework.objects.filter(session=session).select_related("assignment")
        rows.append(
            {
                **_pick(
                    session,
                    "public_id",
                    "date",
                    "start_time",
                    "minutes",
                    "attendance",
                    "format",
                    "summary",
                    "risk_reviewed",
                    "risk_note",
                    "version",
                    "signed_at",
                    "attached_week",
                    "created_at",
                ),
                "layer_notes": [
                    {**_pick(note, "layer", "text"), "levers": note.levers}
                    for note in session.layers.all()
                ],
                "practices": [
                    {"public_id": link.practice.public_id, "title": link.practice.title}
                    for link in practices
                ],
                "homework": [link.assignment.public_id for link in homework],
                "addenda": [
                    _pick(added, "public_id", "text", "created_at")
                    for added in session.addenda.all()
                ],
            }
        )
    return rows


def _audit(client: ClientProfile, include_private: bool) -> list[dict[str, Any]]:
    """Events about the client or by their account: what, when, and the actor's role only.

    A clinician's copy leaves out events about journal entries the client keeps private, which
    would otherwise show when they were written.
    """
    about = Q(client_id=client.public_id)
    if client.user is not None:
        about |= Q(actor_id=client.user.public_id)
    events = AuditEvent.objects.filter(about)
    if not include_private:
        private = JournalEntry.objects.filter(client=client).exclude(shared_with_clinician())
        events = events.exclude(
            target_type=JournalEntry.__name__,
            target_id__in=[str(key) for key in private.values_list("public_id", flat=True)],
        )
    own_id = client.user.public_id if client.user is not None else None
    return [
        {
            **_pick(
                event,
                "public_id",
                "occurred_at",
                "action",
                "outcome",
                "actor_role",
                "target_type",
                "target_id",
            ),
            "by_client": own_id is not None and event.actor_id == own_id,
        }
        for event in events.order_by("occurred_at", "id")
    ]


def build_export(client: ClientProfile, *, include_private: bool) -> dict[str, Any]:
    """Return every record about `client` as JSON-ready data, text decrypted.

    `include_private` is True when the client asks for their own copy; a clinician's copy made
    on the client's behalf leaves out what that clinician may not read (private journal entries
    and practice notes the client did not share).
    """
    requests, responses = _measures(client)
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": timezone.now(),
        "complete": include_private,
        "client": _client(client),
        "account": _account(client.user),
        "invitations": [
            _pick(
                invite,
                "public_id",
                "email",
                "created_at",
                "expires_at",
                "accepted_at",
                "revoked_at",
            )
            for invite in client.invitations.all()
        ],
        "reminder_preference": _reminder_preference(client),
        "contact_details": _contact_details(client),
        "practice_logs": _practice_logs(client, include_private),
        "assignments": _assignments(client),
        "measure_requests": requests,
        "responses": responses,
        "risk_episodes": _risk_episodes(client),
        "safety_plan": _safety_plan(client),
        "formulation": _formulation(client),
        "circles_check_ins": _circles(client),
        "module_progress": _modules(client),
        "journal_entries": _journal(client, include_private),
        "therapy_sessions": _sessions(client),
        "audit_events": _audit(client, include_private),
    }
