"""The layer map: what has happened in each of CFT's four layers for one client.

CFT works in four layers at once (relationship, understanding, mindful awareness, compassion
practices; see DESIGN.md section 1). The map gathers, per layer, the session notes written
under it and the levers used, the practices that serve it (in session and between sessions),
the client's own work on it, and the questionnaires that speak to it, with the date of the
latest activity. It describes; it does not judge: a layer is marked "quiet" only by the plain
fact that nothing was recorded in it for `QUIET_DAYS`.

Each source is read with one aggregate query, whatever the length of the history. The journal
is counted only as far as the client has shared it: private entries are not even counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from tending.accounts.models import ClientProfile
from tending.assignments.models import Assignment
from tending.formulation.models import Author, CirclesCheckIn, FormulationVersion
from tending.journal.models import JournalEntry, Reply, shared_with_clinician
from tending.measures.definitions import load_definitions
from tending.measures.models import Response
from tending.practices import library
from tending.practices.models import PracticeLog
from tending.therapy_sessions.models import LayerNote, SessionPractice, TherapySession
from tending.understanding.definitions import all_modules
from tending.understanding.models import ModuleProgress

QUIET_DAYS = 28
LEVER_KEYS = tuple(library.LEVERS)
# Questionnaires that speak to a layer (clinical-facts.md A3-A8): shame and self-criticism to
# the understanding layer; self-compassion, compassion's flows and its fears to the practices.
LAYER_MEASURES = {
    1: (),
    2: ("fscrs", "oas2"),
    3: (),
    4: (
        "scs",
        "scs-sf",
        "ceas-self",
        "ceas-to-others",
        "ceas-from-others",
        "fcs-self",
        "fcs-to-others",
        "fcs-from-others",
    ),
}


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    when: date | None = None


@dataclass
class Layer:
    number: int
    name: str
    notes: int = 0  # sessions with a note or lever under this layer
    levers: dict[str, int] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    last: date | None = None

    def saw(self, when: date | None) -> None:
        if when is not None and (self.last is None or when > self.last):
            self.last = when

    @property
    def lever_items(self) -> list[tuple[str, int]]:
        return [(library.LEVERS[key], self.levers.get(key, 0)) for key in LEVER_KEYS]

    def is_quiet(self, today: date) -> bool:
        return self.last is None or (today - self.last).days > QUIET_DAYS


@dataclass(frozen=True)
class LayerMap:
    layers: list[Layer]
    today: date

    @property
    def quiet(self) -> list[Layer]:
        return [layer for layer in self.layers if layer.is_quiet(self.today)]


def _day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return timezone.localdate(moment, zone) if moment is not None else None


def _minutes(seconds: int | None) -> str:
    minutes = round((seconds or 0) / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else (many or one + 's')}"


def build(client: ClientProfile, now: datetime) -> LayerMap:
    zone = ZoneInfo(client.time_zone)
    today = timezone.localdate(now, zone)
    layers = {number: Layer(number, name) for number, name in library.LAYERS.items()}
    _session_notes(client, layers)
    _session_facts(client, layers, zone)
    _practice(client, layers, zone, now)
    _understanding(client, layers[2], zone)
    _awareness(client, layers[3], zone)
    _journal(client, layers, zone)
    _homework(client, layers[4])
    _measures(client, layers, zone)
    return LayerMap([layers[number] for number in sorted(layers)], today)


def _session_notes(client: ClientProfile, layers: dict[int, Layer]) -> None:
    rows = (
        LayerNote.objects.filter(session__client=client)
        .values("layer")
        .annotate(
            notes=Count("id"),
            last=Max("session__date"),
            **{key: Count("id", filter=Q(**{f"lever_{key}": True})) for key in LEVER_KEYS},
        )
    )
    for row in rows:
        layer = layers[row["layer"]]
        layer.notes = row["notes"]
        layer.levers = {key: row[key] for key in LEVER_KEYS}
        layer.saw(row["last"])


def _session_facts(client: ClientProfile, layers: dict[int, Layer], zone: ZoneInfo) -> None:
    attended = TherapySession.Attendance.ATTENDED
    totals = TherapySession.objects.filter(client=client).aggregate(
        attended=Count("id", filter=Q(attendance=attended)),
        missed=Count("id", filter=~Q(attendance=attended)),
        last=Max("date", filter=Q(attendance=attended)),
    )
    relationship = layers[1]
    relationship.facts.append(Fact("Sessions attended", str(totals["attended"]), totals["last"]))
    if totals["missed"]:
        relationship.facts.append(Fact("Sessions cancelled or missed", str(totals["missed"])))
    relationship.saw(totals["last"])
    in_session = (
        SessionPractice.objects.filter(session__client=client)
        .values("practice__layer")
        .annotate(count=Count("id"), last=Max("session__date"))
    )
    for row in in_session:
        layer = layers[row["practice__layer"]]
        layer.facts.append(
            Fact("Practices done together in session", str(row["count"]), row["last"])
        )
        layer.saw(row["last"])


def _practice(
    client: ClientProfile, layers: dict[int, Layer], zone: ZoneInfo, now: datetime
) -> None:
    recent = now - timedelta(days=QUIET_DAYS)
    rows = (
        PracticeLog.objects.filter(client=client)
        .values("practice__layer")
        .annotate(
            count=Count("id"),
            seconds=Sum("seconds_practised"),
            recent=Sum("seconds_practised", filter=Q(started_at__gte=recent)),
            last=Max("started_at"),
        )
    )
    for row in rows:
        layer = layers[row["practice__layer"]]
        when = _day(row["last"], zone)
        layer.facts.append(
            Fact(
                "Practice between sessions",
                f"{_count(row['count'], 'time')}, {_minutes(row['seconds'])} "
                f"({_minutes(row['recent'])} in the last {QUIET_DAYS} days)",
                when,
            )
        )
        layer.saw(when)


def _understanding(client: ClientProfile, layer: Layer, zone: ZoneInfo) -> None:
    versions = FormulationVersion.objects.filter(formulation__client=client).aggregate(
        count=Count("id"),
        by_client=Count("id", filter=Q(author_role=Author.CLIENT)),
        last=Max("created_at"),
    )
    if versions["count"]:
        when = _day(versions["last"], zone)
        layer.facts.append(
            Fact(
                "Formulation",
                f"{_count(versions['count'], 'version')}, "
                f"{versions['by_client']} written by the client",
                when,
            )
        )
        layer.saw(when)
    else:
        layer.facts.append(Fact("Formulation", "Not started"))
    checkins = list(
        CirclesCheckIn.objects.filter(client=client)
        .order_by("-created_at")
        .values("threat", "drive", "soothe", "created_at")[:1]
    )
    count = CirclesCheckIn.objects.filter(client=client).count()
    if checkins:
        latest = checkins[0]
        when = _day(latest["created_at"], zone)
        layer.facts.append(
            Fact(
                "Three circles",
                f"{_count(count, 'check-in')}; latest: threat {latest['threat']}, "
                f"drive {latest['drive']}, soothe {latest['soothe']} (out of 10)",
                when,
            )
        )
        layer.saw(when)
    else:
        layer.facts.append(Fact("Three circles", "No check-ins yet"))
    _modules(client, layer, zone)


def _modules(client: ClientProfile, layer: Layer, zone: ZoneInfo) -> None:
    progress = ModuleProgress.objects.filter(client=client).aggregate(
        opened=Count("id"),
        finished=Count("id", filter=Q(finished_at__isnull=False)),
        last=Max("updated_at"),
    )
    total = len(all_modules())
    when = _day(progress["last"], zone) if progress["opened"] else None
    layer.facts.append(
        Fact(
            '"Not my fault" modules',
            f"{progress['finished']} of {total} finished"
            + (
                f", {progress['opened'] - progress['finished']} opened"
                if progress["opened"] > progress["finished"]
                else ""
            ),
            when,
        )
    )
    layer.saw(when)


def _awareness(client: ClientProfile, layer: Layer, zone: ZoneInfo) -> None:
    noticed = PracticeLog.objects.filter(client=client).aggregate(
        count=Count("id", filter=Q(before_threat__isnull=False) | Q(after_threat__isnull=False)),
        last=Max(
            "started_at", filter=Q(before_threat__isnull=False) | Q(after_threat__isnull=False)
        ),
    )
    when = _day(noticed["last"], zone)
    layer.facts.append(Fact("Check-ins before or after practice", str(noticed["count"]), when))
    layer.saw(when)


def _journal(client: ClientProfile, layers: dict[int, Layer], zone: ZoneInfo) -> None:
    shared = (
        JournalEntry.objects.filter(shared_with_clinician(), client=client)
        .annotate(from_module=~Q(module_key=""))
        .values("kind", "from_module")
        .annotate(count=Count("id"), last=Max("shared_at"))
    )
    rows = list(shared)
    replies = Reply.objects.filter(
        shared_with_clinician(via="entry__"), entry__client=client
    ).count()
    total = sum(row["count"] for row in rows)
    layers[1].facts.append(
        Fact(
            "Journal entries the client chose to share",
            f"{total}; {_count(replies, 'reply', 'replies')} from you",
            _day(max((row["last"] for row in rows), default=None), zone),
        )
    )
    # Letters are a compassion practice; a reflection on a "not my fault" module belongs to
    # understanding; other reflections and free entries are noticing, i.e. awareness.
    places = {
        (JournalEntry.Kind.LETTER, False): (4, "Compassionate letters shared"),
        (JournalEntry.Kind.LETTER, True): (4, "Compassionate letters shared"),
        (JournalEntry.Kind.REFLECTION, True): (2, "Module reflections shared"),
        (JournalEntry.Kind.REFLECTION, False): (3, "Reflections shared"),
        (JournalEntry.Kind.FREE, False): (3, "Journal entries shared"),
        (JournalEntry.Kind.FREE, True): (3, "Journal entries shared"),
    }
    merged: dict[tuple[int, str], tuple[int, datetime]] = {}
    for row in rows:
        number, label = places[(row["kind"], bool(row["from_module"]))]
        count, last = merged.get((number, label), (0, row["last"]))
        merged[(number, label)] = (count + row["count"], max(last, row["last"]))
    for (number, label), (count, last) in merged.items():
        when = _day(last, zone)
        layers[number].facts.append(Fact(label, str(count), when))
        layers[number].saw(when)


def _homework(client: ClientProfile, layer: Layer) -> None:
    active = Assignment.objects.filter(
        client=client, kind=Assignment.Kind.PRACTICE, status=Assignment.Status.ACTIVE
    ).count()
    layer.facts.append(Fact("Practice homework active now", str(active)))


def _measures(client: ClientProfile, layers: dict[int, Layer], zone: ZoneInfo) -> None:
    keys = [key for keys in LAYER_MEASURES.values() for key in keys]
    rows = (
        Response.objects.filter(client=client, measure_key__in=keys, complete=True)
        .values("measure_key")
        .annotate(count=Count("id"), last=Max("completed_at"))
    )
    found = {row["measure_key"]: row for row in rows}
    definitions = load_definitions()
    for number, measure_keys in LAYER_MEASURES.items():
        for key in measure_keys:
            row = found.get(key)
            if row is None or key not in definitions:
                continue
            when = _day(row["last"], zone)
            layers[number].facts.append(
                Fact(definitions[key].short_title, _count(row["count"], "answer"), when)
            )
            layers[number].saw(when)
