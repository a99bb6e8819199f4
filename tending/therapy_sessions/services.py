"""Session-record and therapist-development workflows, each with its audit row.

Every write is idempotent (a token from the form) and audited with identifiers only. A signed
session note refuses changes here as well as on the model.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from tending.accounts.models import ClientProfile, Membership, User
from tending.assignments.models import Assignment
from tending.audit.services import record
from tending.measures.definitions import load_definitions
from tending.measures.models import Response
from tending.practices import library
from tending.practices.models import Practice, PracticeLog
from tending.therapy_sessions import between_sessions
from tending.therapy_sessions.models import (
    LayerNote,
    OwnPractice,
    Reflection,
    SessionAddendum,
    SessionLocked,
    SessionPractice,
    TherapySession,
)


class StaleSession(Exception):
    """The note was saved by someone else after this form was opened."""

    def __init__(self, current: TherapySession) -> None:
        super().__init__("The session note changed after the form was opened.")
        self.current = current


class NotSigned(Exception):
    """Addenda belong below a signed note; a draft is simply edited."""


class NotAuthor(Exception):
    """Only the clinician who wrote a draft may change, sign or delete it."""


@dataclass(frozen=True)
class LayerValues:
    text: str = ""
    levers: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and not self.levers


@dataclass(frozen=True)
class SessionValues:
    date: date
    start_time: time | None
    minutes: int
    attendance: str
    format: str
    summary: str = ""
    risk_reviewed: bool = False
    risk_note: str = ""
    layers: dict[int, LayerValues] = field(default_factory=dict)
    practices: tuple[Practice, ...] = ()
    homework: tuple[Assignment, ...] = ()

    FIELDS = (
        "date",
        "start_time",
        "minutes",
        "attendance",
        "format",
        "summary",
        "risk_reviewed",
        "risk_note",
    )


def _write_parts(session: TherapySession, values: SessionValues) -> None:
    """Write the layer notes and links of a draft to match `values`."""
    existing = {note.layer: note for note in session.layers.all()}
    for number in library.LAYERS:
        layer = values.layers.get(number, LayerValues())
        note = existing.get(number)
        if layer.is_empty:
            if note is not None:
                note.delete()
            continue
        note = note or LayerNote(session=session, layer=number)
        note.text = layer.text
        for lever in library.LEVERS:
            setattr(note, f"lever_{lever}", lever in layer.levers)
        note.save()
    session.practices.set(values.practices)
    session.homework.set(values.homework)


def _apply(session: TherapySession, values: SessionValues) -> None:
    for name in SessionValues.FIELDS:
        setattr(session, name, getattr(values, name))


def _check_links(client: ClientProfile, values: SessionValues) -> None:
    # The forms offer only these; the service refuses anything else all the same.
    if any(a.client_id != client.pk for a in values.homework):
        raise PermissionError("Homework must be the client's own.")
    visible = {None, client.organisation_id}
    if any(p.organisation_id not in visible for p in values.practices):
        raise PermissionError("Practices must come from the organisation's library.")


def create_session(
    *,
    request: HttpRequest,
    clinician: User,
    client: ClientProfile,
    token: uuid.UUID,
    values: SessionValues,
) -> tuple[TherapySession, bool]:
    """Record a draft session note for a client on `clinician`'s caseload. Return (it, created).

    The same token sent again returns the first record unchanged.
    """
    if client.primary_clinician_id != clinician.pk:
        raise PermissionError("Only the client's own clinician records their sessions.")
    _check_links(client, values)
    existing = TherapySession.objects.filter(client=client, token=token).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            session = TherapySession(client=client, clinician=clinician, token=token)
            _apply(session, values)
            session.save()
            _write_parts(session, values)
            record(
                action="session.created",
                request=request,
                client=client,
                target=session,
                detail={"version": session.version},
            )
            return session, True
    except IntegrityError:
        existing = TherapySession.objects.filter(client=client, token=token).first()
        if existing is None:
            raise
        return existing, False


@transaction.atomic
def update_session(
    *,
    request: HttpRequest,
    clinician: User,
    session: TherapySession,
    version: int,
    token: uuid.UUID,
    values: SessionValues,
) -> TherapySession:
    """Save an edit of a draft and return it.

    Raise SessionLocked if it was signed, NotAuthor for anyone but its author, and
    StaleSession if it was saved since `version` was read. The same token twice saves once.
    """
    locked = TherapySession.objects.select_for_update().select_related("client").get(pk=session.pk)
    if locked.last_edit_token == token:
        return locked  # this edit was already saved (a double submit or a retry)
    if locked.is_signed:
        raise SessionLocked("Signed session notes cannot be changed.")
    if locked.clinician_id != clinician.pk:
        raise NotAuthor
    if locked.version != version:
        raise StaleSession(locked)
    _check_links(locked.client, values)
    _apply(locked, values)
    locked.version += 1
    locked.last_edit_token = token
    locked.save()
    _write_parts(locked, values)
    record(
        action="session.updated",
        request=request,
        client=locked.client,
        target=locked,
        detail={"version": locked.version},
    )
    return locked


@transaction.atomic
def sign_session(
    *, request: HttpRequest, clinician: User, session: TherapySession, version: int
) -> bool:
    """Sign and lock a draft, freezing what was attached to it. Return False if already signed.

    Raise StaleSession if the note changed after the signer read `version`.
    """
    locked = TherapySession.objects.select_for_update().select_related("client").get(pk=session.pk)
    if locked.is_signed:
        return False
    if locked.clinician_id != clinician.pk:
        raise NotAuthor
    if locked.version != version:
        raise StaleSession(locked)
    locked.attached_week = attached_week(locked).as_json()
    locked.signed_at = timezone.now()
    locked.signed_by = clinician
    locked.save()
    record(
        action="session.signed",
        request=request,
        client=locked.client,
        target=locked,
        detail={"version": locked.version},
    )
    return True


def add_addendum(
    *,
    request: HttpRequest,
    clinician: User,
    session: TherapySession,
    token: uuid.UUID,
    text: str,
) -> tuple[SessionAddendum, bool]:
    """Add a dated note below a signed session note. Return (addendum, created)."""
    if not session.is_signed:
        raise NotSigned
    existing = SessionAddendum.objects.filter(session=session, token=token).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            addendum = SessionAddendum.objects.create(
                session=session, author=clinician, token=token, text=text
            )
            record(
                action="session.addendum_added",
                request=request,
                client=session.client,
                target=session,
                detail={"addendum": str(addendum.public_id)},
            )
            return addendum, True
    except IntegrityError:
        existing = SessionAddendum.objects.filter(session=session, token=token).first()
        if existing is None:
            raise
        return existing, False


@transaction.atomic
def delete_session(*, request: HttpRequest, clinician: User, session: TherapySession) -> None:
    """Delete a draft by its author. A signed note is never deleted (SessionLocked)."""
    locked = TherapySession.objects.select_for_update().select_related("client").get(pk=session.pk)
    if locked.is_signed:
        raise SessionLocked("Signed session notes cannot be deleted.")
    if locked.clinician_id != clinician.pk:
        raise NotAuthor
    record(action="session.deleted", request=request, client=locked.client, target=locked)
    locked.delete()


def previous_session(session: TherapySession) -> TherapySession | None:
    """Return the latest attended session with the client on an earlier day, if any."""
    return (
        TherapySession.objects.filter(
            client_id=session.client_id,
            attendance=TherapySession.Attendance.ATTENDED,
            date__lt=session.date,
        )
        .exclude(pk=session.pk)
        .only("date", "start_time")
        .first()
    )


def attached_week(session: TherapySession) -> between_sessions.BetweenSessions:
    """Return practice and score change between the previous session and this one.

    A signed note returns what was frozen when it was signed. Four queries for a draft.
    """
    if session.attached_week is not None:
        return between_sessions.BetweenSessions.from_json(session.attached_week)
    client = session.client
    zone = ZoneInfo(client.time_zone)
    previous = previous_session(session)
    starts, ends = between_sessions.window(
        session.date,
        session.start_time,
        (previous.date, previous.start_time) if previous else None,
        zone,
    )
    feelings = dict(PracticeLog.Feeling.choices)
    logs = [
        between_sessions.LogRow(
            started_at=started,
            title=title,
            seconds=seconds,
            feeling=feeling,
            feeling_label=feelings.get(feeling, ""),
            stopped=outcome == PracticeLog.Outcome.STOPPED,
        )
        for started, title, seconds, feeling, outcome in PracticeLog.objects.filter(
            client=client, started_at__gte=starts, started_at__lt=ends
        ).values_list("started_at", "practice__title", "seconds_practised", "feeling", "outcome")
    ]
    scored = Response.objects.filter(client=client, complete=True, total__isnull=False)
    in_window = _score_rows(scored.filter(completed_at__gte=starts, completed_at__lt=ends))
    keys = {row.measure_key for row in in_window}
    latest_before = (
        scored.filter(measure_key=OuterRef("measure_key"), completed_at__lt=starts)
        .order_by("-completed_at", "-id")
        .values("pk")[:1]
    )
    before = _score_rows(
        scored.filter(measure_key__in=keys, completed_at__lt=starts).filter(
            pk=Subquery(latest_before)
        )
    )
    return between_sessions.summarise(
        starts=starts,
        ends=ends,
        previous_date=previous.date if previous else None,
        logs=logs,
        in_window=in_window,
        before_window={row.measure_key: row for row in before},
        definitions=load_definitions(),
    )


def _score_rows(responses: QuerySet[Response]) -> list[between_sessions.ScoreRow]:
    return [
        between_sessions.ScoreRow(
            measure_key=key, completed_at=completed_at, total=total, band=band
        )
        for key, completed_at, total, band in responses.values_list(
            "measure_key", "completed_at", "total", "band"
        )
        if total is not None
    ]


# Therapist development: private to the author, never in an export, audited without text.


def log_own_practice(
    *, request: HttpRequest, clinician: Membership, token: uuid.UUID, values: dict[str, Any]
) -> tuple[OwnPractice, bool]:
    """Save a time the clinician practised themselves, once. Return (entry, created)."""
    practice: Practice = values["practice"]
    if practice.organisation_id not in {None, clinician.organisation_id}:
        raise PermissionError("Practices must come from the organisation's library.")
    existing = OwnPractice.objects.filter(clinician_id=clinician.user_id, token=token).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            entry = OwnPractice.objects.create(
                clinician_id=clinician.user_id, token=token, **values
            )
            record(
                action="development.practice_logged",
                request=request,
                organisation=clinician.organisation,
                target=entry,
                detail={"practice": practice.key, "minutes": entry.minutes},
            )
            return entry, True
    except IntegrityError:
        existing = OwnPractice.objects.filter(clinician_id=clinician.user_id, token=token).first()
        if existing is None:
            raise
        return existing, False


def add_reflection(
    *,
    request: HttpRequest,
    clinician: Membership,
    token: uuid.UUID,
    layer: int,
    prompt: str,
    text: str,
    client: ClientProfile | None,
) -> tuple[Reflection, bool]:
    """Save a reflection, once. Return (reflection, created).

    `client`, if given, must be on the author's own caseload.
    """
    if client is not None and client.primary_clinician_id != clinician.user_id:
        raise PermissionError("A reflection can name only a client on your own caseload.")
    existing = Reflection.objects.filter(clinician_id=clinician.user_id, token=token).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            reflection = Reflection.objects.create(
                clinician_id=clinician.user_id,
                token=token,
                layer=layer,
                prompt=prompt,
                text=text,
                client=client,
            )
            record(
                action="development.reflection_added",
                request=request,
                organisation=clinician.organisation,
                target=reflection,
                detail={"layer": layer, "prompt": prompt, "tagged": client is not None},
            )
            return reflection, True
    except IntegrityError:
        existing = Reflection.objects.filter(clinician_id=clinician.user_id, token=token).first()
        if existing is None:
            raise
        return existing, False


# What the layer map reads.


@dataclass(frozen=True)
class LayerSummary:
    layer: int
    name: str
    sessions: int  # sessions with a note or a lever in this layer
    levers: dict[str, int]  # lever key -> sessions that used it in this layer
    last_date: date | None
    practices_in_session: int  # practices of this layer done in sessions


def layer_summary(client: ClientProfile, *, signed_only: bool = False) -> list[LayerSummary]:
    """Return, for each of the four layers, what the client's session notes record. Two queries.

    Counts sessions with a note in the layer, how often each lever was used there and the date
    of the latest such session; with `signed_only`, drafts are left out.
    """
    notes = LayerNote.objects.filter(session__client=client)
    done = SessionPractice.objects.filter(session__client=client)
    if signed_only:
        notes = notes.filter(session__signed_at__isnull=False)
        done = done.filter(session__signed_at__isnull=False)
    rows = {
        row["layer"]: row
        for row in notes.values("layer").annotate(
            sessions=Count("session", distinct=True),
            last_date=Max("session__date"),
            **{
                lever: Count("pk", filter=Q(**{f"lever_{lever}": True})) for lever in library.LEVERS
            },
        )
    }
    practised = dict(
        done.values_list("practice__layer")
        .annotate(count=Count("pk"))
        .values_list("practice__layer", "count")
    )
    return [
        LayerSummary(
            layer=number,
            name=name,
            sessions=rows.get(number, {}).get("sessions", 0),
            levers={lever: rows.get(number, {}).get(lever, 0) for lever in library.LEVERS},
            last_date=rows.get(number, {}).get("last_date"),
            practices_in_session=practised.get(number, 0),
        )
        for number, name in sorted(library.LAYERS.items())
    ]
