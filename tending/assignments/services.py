"""Homework workflows and the client's agenda: what is due, done and coming, and adherence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tending.accounts.models import ClientProfile, User
from tending.assignments import schedules
from tending.assignments.models import Assignment, AssignmentVersion
from tending.audit.services import record
from tending.measures.models import MeasureRequest, Response
from tending.measures.services import NotAnswerableOnline, answerable_online
from tending.practices.models import PracticeLog
from tending.revisions import services as revisions
from tending.safety.episodes import has_open_episode

# While a risk alert is open, these kinds of practice wait for the clinician's review: imagery
# and letter writing can stir up strong feelings (shared/clinical-facts.md C-general).
PAUSED_DURING_ALERT = {"imagery", "writing"}
SNAPSHOT_FIELDS = [
    "instructions",
    "repeat",
    "start_date",
    "end_date",
    "weekdays",
    "interval",
    "window_start",
    "window_end",
    "status",
]


def _snapshot(assignment: Assignment) -> dict[str, Any]:
    return {name: str(getattr(assignment, name)) for name in SNAPSHOT_FIELDS}


@transaction.atomic
def save_assignment(
    *,
    request: HttpRequest,
    clinician: User,
    client: ClientProfile,
    assignment: Assignment | None,
    values: dict[str, Any],
) -> Assignment:
    """Create an assignment, or save a new version of one (the old one is kept in history).

    Raise NotAnswerableOnline when setting a questionnaire the client could not read (H-005);
    an existing one can still be paused, ended or changed in other ways.
    """
    key = values.get("measure_key") or ""
    changes_measure = assignment is None or key != assignment.measure_key
    if key and changes_measure and not answerable_online(client.organisation_id, [key]):
        raise NotAnswerableOnline(key)
    if assignment is None:
        token = values.get("token")
        existing = Assignment.objects.filter(client=client, token=token).first() if token else None
        if existing is not None:
            return existing  # the same form sent twice
        assignment = Assignment(client=client, created_by=clinician)
        action = "assignment.created"
    else:
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        values = {k: v for k, v in values.items() if k != "token"}
        if all(getattr(assignment, name) == value for name, value in values.items()):
            return assignment  # nothing changed: no new version
        AssignmentVersion.objects.create(
            assignment=assignment,
            version=assignment.version,
            snapshot=_snapshot(assignment),
            changed_by=clinician,
        )
        assignment.version += 1
        action = "assignment.updated"
    for name, value in values.items():
        setattr(assignment, name, value)
    assignment.schedule()  # raises ScheduleError for an impossible schedule
    assignment.save()
    record(
        action=action,
        request=request,
        client=client,
        target=assignment,
        detail={"version": assignment.version},
    )
    revisions.client_changed(client)
    return assignment


@transaction.atomic
def set_status(
    *, request: HttpRequest, clinician: User, assignment: Assignment, status: str
) -> None:
    locked = Assignment.objects.select_for_update().select_related("client").get(pk=assignment.pk)
    if locked.status == status:
        return  # pressing "pause" twice, or two at once, changes nothing
    values: dict[str, Any] = {"status": status}
    if status == Assignment.Status.ENDED:
        today = schedules.local_today(timezone.now(), locked.client.time_zone)
        if locked.end_date is None or locked.end_date > today:
            values["end_date"] = max(today, locked.start_date)
    saved = save_assignment(
        request=request,
        clinician=clinician,
        client=locked.client,
        assignment=locked,
        values=values,
    )
    if status != Assignment.Status.ACTIVE:
        _close_homework_questionnaires(saved, timezone.now())


def safety_pause_applies(assignment: Assignment, open_alert: bool) -> bool:
    """Return True if this assignment waits while a risk alert is open."""
    practice = assignment.practice
    return open_alert and practice is not None and practice.kind in PAUSED_DURING_ALERT


@dataclass
class Item:
    assignment: Assignment
    occurrence: schedules.Occurrence
    done: bool = False
    opens_later: bool = False  # due today, but its window has not opened yet


@dataclass
class Agenda:
    due: list[Item] = field(default_factory=list)
    done: list[Item] = field(default_factory=list)
    coming: list[Item] = field(default_factory=list)
    paused_for_safety: list[Assignment] = field(default_factory=list)
    # Questionnaires the client could not read (no licensed wording yet): never due (H-005).
    needs_wording: list[Assignment] = field(default_factory=list)


DoneTimes = tuple[dict[int, list[datetime]], dict[str, list[datetime]]]


def done_times(client: ClientProfile, since: datetime) -> DoneTimes:
    """When each practice was practised and each questionnaire answered, since `since`.

    Two queries per page: pass the result to `adherence` for every assignment shown.
    """
    practised: dict[int, list[datetime]] = {}
    for practice_id, started in PracticeLog.objects.filter(
        client=client, started_at__gte=since
    ).values_list("practice_id", "started_at"):
        practised.setdefault(practice_id, []).append(started)
    answered: dict[str, list[datetime]] = {}
    for key, completed in Response.objects.filter(
        client=client, completed_at__gte=since
    ).values_list("measure_key", "completed_at"):
        answered.setdefault(key, []).append(completed)
    return practised, answered


def _is_done(
    item_assignment: Assignment,
    occurrence: schedules.Occurrence,
    practised: dict[int, list[datetime]],
    answered: dict[str, list[datetime]],
) -> bool:
    moments = (
        practised.get(item_assignment.practice_id or 0, [])
        if item_assignment.kind == Assignment.Kind.PRACTICE
        else answered.get(item_assignment.measure_key, [])
    )
    return any(occurrence.opens_at <= moment < occurrence.closes_at for moment in moments)


def active_assignments(client: ClientProfile) -> list[Assignment]:
    """The client's active homework, with what `agenda_for` and `adherence` read."""
    return list(
        Assignment.objects.filter(client=client, status=Assignment.Status.ACTIVE)
        .select_related("practice", "client")
        .prefetch_related("history")
    )


def agenda_for(
    client: ClientProfile,
    now: datetime,
    days_ahead: int = 6,
    *,
    assignments: list[Assignment] | None = None,
    done: DoneTimes | None = None,
) -> Agenda:
    """Return today's homework for `client` (in their time zone) and what is coming up.

    Something due earlier today whose window has closed simply leaves the page: an expired
    questionnaire does not linger, and nothing is marked as missed. A questionnaire the client
    cannot answer online (no licensed wording) is never due: it is listed apart, neither shown
    as due nor reminded about. A page that has already loaded the active assignments, or done
    times reaching back at least two days, passes them.
    """
    today = schedules.local_today(now, client.time_zone)
    if assignments is None:
        assignments = active_assignments(client)
    open_alert = has_open_episode(client)
    practised, answered = done or done_times(client, now - timedelta(days=2))
    # No query unless a scoring-only questionnaire is set.
    online = answerable_online(
        client.organisation_id, {a.measure_key for a in assignments if a.measure_key}
    )
    agenda = Agenda()
    for assignment in assignments:
        if assignment.measure_key and assignment.measure_key not in online:
            agenda.needs_wording.append(assignment)
            continue
        if safety_pause_applies(assignment, open_alert):
            agenda.paused_for_safety.append(assignment)
            continue
        schedule = assignment.schedule()
        todays = schedules.occurrence_on(schedule, today)
        if todays is not None:
            item = Item(assignment, todays, done=_is_done(assignment, todays, practised, answered))
            if item.done:
                agenda.done.append(item)
            elif now < todays.closes_at:
                item.opens_later = now < todays.opens_at
                agenda.due.append(item)
        for occurrence in schedules.occurrences(
            schedule, today + timedelta(days=1), today + timedelta(days=days_ahead)
        ):
            agenda.coming.append(Item(assignment, occurrence))
    agenda.due.sort(key=lambda i: i.occurrence.opens_at)
    agenda.coming.sort(key=lambda i: i.occurrence.opens_at)
    return agenda


def todays_window_closes(assignment: Assignment, now: datetime) -> datetime | None:
    """When today's window of `assignment` closes, if it asks for something today (the
    client's day) and the window is open now; else None."""
    today = schedules.local_today(now, assignment.client.time_zone)
    occurrence = schedules.occurrence_on(assignment.schedule(), today)
    return occurrence.closes_at if occurrence is not None and occurrence.is_open(now) else None


def open_homework_questionnaire(*, assignment: Assignment, open_until: datetime) -> MeasureRequest:
    """The questionnaire request a homework item opens, offered until `open_until` (the end of
    today's window): the client's open request for it is reused, its window moved on."""
    client = assignment.client
    asked = MeasureRequest.objects.filter(
        client=client, measure_key=assignment.measure_key, completed_at=None
    ).first()
    if asked is None:
        return MeasureRequest.objects.create(
            client=client,
            measure_key=assignment.measure_key,
            requested_by=assignment.created_by,
            from_homework=True,
            open_until=open_until,
        )
    if asked.from_homework and asked.open_until != open_until:
        asked.open_until = open_until
        asked.save(update_fields=["open_until"])
    return asked


def _close_homework_questionnaires(assignment: Assignment, now: datetime) -> None:
    """A paused or ended homework item no longer offers its questionnaire, unless another
    active item asks for the same one now."""
    if assignment.kind != Assignment.Kind.MEASURE:
        return
    others = Assignment.objects.filter(
        client=assignment.client,
        kind=Assignment.Kind.MEASURE,
        status=Assignment.Status.ACTIVE,
        measure_key=assignment.measure_key,
    ).select_related("client")
    if any(todays_window_closes(other, now) for other in others):
        return
    MeasureRequest.objects.filter(
        client=assignment.client,
        measure_key=assignment.measure_key,
        from_homework=True,
        completed_at=None,
    ).update(open_until=now)


@dataclass(frozen=True)
class WeekAdherence:
    starts: date
    expected: int
    done: int


def active_periods(assignment: Assignment) -> list[tuple[datetime | None, datetime | None]]:
    """Return the [from, to) periods in which the assignment was active (None = open-ended).

    Each history row holds the state before a change, so the timeline is rebuilt from them.
    """
    periods: list[tuple[datetime | None, datetime | None]] = []
    since: datetime | None = None
    # Sorted here rather than in SQL, so a prefetched history needs no further query.
    for version in sorted(assignment.history.all(), key=lambda v: v.version):
        if version.snapshot.get("status") == Assignment.Status.ACTIVE:
            periods.append((since, version.changed_at))
        since = version.changed_at
    if assignment.status == Assignment.Status.ACTIVE:
        periods.append((since, None))
    return periods


def _was_active(periods: list[tuple[datetime | None, datetime | None]], moment: datetime) -> bool:
    return any(
        (start is None or start <= moment) and (end is None or moment < end)
        for start, end in periods
    )


def adherence(
    assignment: Assignment,
    now: datetime,
    weeks: int = 6,
    done: DoneTimes | None = None,
    answerable: bool = True,
) -> list[WeekAdherence]:
    """Return expected and done occurrences per week (Monday to Sunday), oldest first.

    Only occurrences whose window has closed, or that were done, count as expected, so a day
    that is still open is never shown as missed. A questionnaire the client cannot answer
    online (`answerable=False`: scoring only, wording not imported) was never on their Today
    page, so only the times it was done (entered from paper) count: nothing counts as missed.
    """
    client = assignment.client
    today = schedules.local_today(now, client.time_zone)
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    found = schedules.occurrences(assignment.schedule(), first, today)
    periods = active_periods(assignment)
    practised, answered = done or done_times(client, now - timedelta(weeks=weeks, days=1))
    rows = []
    for week in range(weeks):
        starts = first + timedelta(weeks=week)
        week_items = [o for o in found if starts <= o.day < starts + timedelta(days=7)]
        did = [o for o in week_items if _is_done(assignment, o, practised, answered)]
        # Only occurrences that closed while the homework was active count as expected.
        expected = [
            o
            for o in week_items
            if o in did or (answerable and o.closes_at <= now and _was_active(periods, o.opens_at))
        ]
        rows.append(WeekAdherence(starts=starts, expected=len(expected), done=len(did)))
    return rows
