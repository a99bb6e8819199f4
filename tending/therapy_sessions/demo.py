"""Demo session notes: five weekly sessions each for two of Asha Patel's clients, and her own
development entries. Fictional people, calm and realistic; written for Tending.

Sam Rivers: four signed notes (one cancelled by Sam, one with an addendum) and this week's
draft. Chris Doyle: five signed notes, one missed, the latest reviewing this week's risk alert.
Runs after the practice, questionnaire and homework demos, so the frozen "between sessions"
summaries hold real demo practice and scores. Clients who already have sessions are skipped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from tending.accounts.demo import ORGANISATIONS
from tending.accounts.models import ClientProfile, User
from tending.assignments.models import Assignment
from tending.practices.models import Practice
from tending.therapy_sessions.models import (
    LayerNote,
    OwnPractice,
    Reflection,
    SessionAddendum,
    TherapySession,
)
from tending.therapy_sessions.prompts import BY_KEY
from tending.therapy_sessions.services import attached_week

CLINICIAN = "Asha Patel"
ORGANISATION = ORGANISATIONS[0].name


@dataclass(frozen=True)
class Layer:
    number: int
    levers: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class DemoSession:
    days_ago: int
    attendance: str = "attended"
    format: str = "in_person"
    minutes: int = 50
    layers: tuple[Layer, ...] = ()
    practices: tuple[str, ...] = ()
    homework: bool = False
    risk_reviewed: bool = False
    risk_note: str = ""
    summary: str = ""
    signed: bool = True
    addendum: str = ""


SAM = (
    DemoSession(
        days_ago=29,
        layers=(
            Layer(
                1,
                ("support", "model"),
                "First meeting. Sam spoke quickly and apologised more than once for taking up "
                "time. I slowed my own pace and voice, and said that coming at all takes some "
                "courage. By the end Sam was sitting back in the chair.",
            ),
            Layer(
                2,
                ("support",),
                "Touched lightly on the idea that our brains are built to scan for danger, "
                "using Sam's own example of lying awake before deadlines.",
            ),
            Layer(
                4,
                ("train",),
                "Three minutes of soothing rhythm breathing. Sam found the slower out-breath "
                "'a bit odd but all right'.",
            ),
        ),
        practices=("soothing-rhythm-breathing",),
        homework=True,
        risk_reviewed=True,
        risk_note="No thoughts of harming self. Sleep poor for a month. Knows the crisis lines.",
        summary="Work stress and a harsh inner voice about performance. Plan: breathing on "
        "Monday, Wednesday and Friday mornings; next time, map the three circles together.",
    ),
    DemoSession(
        days_ago=22,
        format="video",
        layers=(
            Layer(1, ("model",), "Warm start; Sam had practised twice and was keen to tell me."),
            Layer(
                2,
                ("support", "shape"),
                "Drew the three circles together: threat and drive large, soothe small. Sam said "
                "'so it isn't that I'm weak, that circle just never got fed'. I let it rest "
                "there rather than adding more.",
            ),
            Layer(
                3,
                ("shape",),
                "While describing a missed email Sam noticed the critic starting up. We paused "
                "and named it as it happened.",
            ),
        ),
        practices=("three-circles-check-in",),
        homework=True,
        summary="Soothe system under-fed rather than a personal failing. Keep the breathing; "
        "notice the critic once a day without arguing with it.",
    ),
    DemoSession(
        days_ago=15,
        attendance="cancelled_client",
        format="phone",
        minutes=10,
        layers=(
            Layer(
                1,
                ("support",),
                "Sam rang in the morning to cancel because of a deadline. I thanked Sam for "
                "letting me know and offered the usual time next week.",
            ),
        ),
    ),
    DemoSession(
        days_ago=8,
        layers=(
            Layer(
                3,
                ("train",),
                "Mindfulness of sounds for five minutes. Sam's attention wandered to work, and "
                "came back each time with less frustration.",
            ),
            Layer(
                4,
                ("train", "shape"),
                "First go at the compassionate self: Sam imagined a calm, older version of "
                "themselves. I pointed out the softer voice Sam used while describing it.",
            ),
        ),
        practices=("mindfulness-of-sounds", "compassionate-self"),
        homework=True,
        risk_reviewed=True,
        risk_note="No change; no thoughts of harm.",
        summary="Good engagement. Add the compassionate self as an optional practice, no more "
        "than a few minutes at a time.",
        addendum="Sam emailed two days later: the compassionate self practice brought up some "
        "sadness that evening. Spoke briefly by phone. We agreed to go gently and return to "
        "breathing first; sadness can come with opening up to kindness.",
    ),
    DemoSession(
        days_ago=1,
        format="video",
        layers=(
            Layer(
                1,
                ("support", "model"),
                "Sam was flat at first. Took time to check in before any practice.",
            ),
            Layer(4, ("train",), "Returned to the breathing together."),
        ),
        practices=("soothing-rhythm-breathing",),
        homework=True,
        summary="Draft: to finish after supervision.",
        signed=False,
    ),
)

CHRIS = (
    DemoSession(
        days_ago=29,
        layers=(
            Layer(
                1,
                ("support", "model"),
                "Chris was guarded and watched my reactions closely. I kept things unhurried "
                "and was open about how notes are kept.",
            ),
            Layer(
                2,
                ("support",),
                "Chris described a childhood where mistakes were met with criticism. We "
                "wondered together whether the critic learned to protect Chris from worse.",
            ),
        ),
        homework=True,
        risk_reviewed=True,
        risk_note="Past low mood; no current thoughts of harm. Sister is a support.",
        summary="Shame about 'not coping'. Plan: breathing practice; next time, the three systems.",
    ),
    DemoSession(
        days_ago=22,
        layers=(
            Layer(
                3,
                ("shape", "train"),
                "Noticing practice: Chris named three moments this week when the critic spoke "
                "up. I reflected how clearly Chris had noticed them.",
            ),
        ),
        practices=("mindfulness-of-breath",),
        homework=True,
        summary="Noticing is getting easier. Keep practising; short and often.",
    ),
    DemoSession(
        days_ago=15,
        format="video",
        layers=(
            Layer(
                4,
                ("train",),
                "Tried the safe place imagery. Chris found it hard to picture anywhere safe and "
                "felt stirred up. We stopped and grounded with feet on the floor.",
            ),
            Layer(
                1,
                ("model",),
                "Made it clear that stopping was the right call, not a failure.",
            ),
        ),
        practices=("safe-place",),
        homework=True,
        summary="Imagery too much for now. Pause the safe place; stay with breathing and "
        "compassionate colour if wanted.",
    ),
    DemoSession(
        days_ago=8,
        attendance="did_not_attend",
        minutes=50,
        layers=(
            Layer(
                1,
                ("support",),
                "Chris did not come and did not call. Sent a short, warm message offering a new "
                "time this week.",
            ),
        ),
    ),
    DemoSession(
        days_ago=1,
        layers=(
            Layer(
                1,
                ("support", "model"),
                "Chris apologised for missing last week. We talked about how hard it can be to "
                "come back after a gap; no explanation needed.",
            ),
            Layer(
                2,
                ("support",),
                "Linked the stirred-up practice to the threat system doing its job: feeling "
                "safe can feel unfamiliar, and that is understandable.",
            ),
        ),
        practices=("soothing-rhythm-breathing",),
        homework=True,
        risk_reviewed=True,
        risk_note="Asked about safety after a hard week. Passing thoughts that things would be "
        "easier if not here; no plan or intent. Sister and the dog are reasons to stay. Safety "
        "plan updated and crisis numbers shared again.",
        summary="Low week. Gentle focus on safeness and breathing; check in by phone midweek.",
    ),
)

OWN_PRACTICE = (
    (12, "soothing-rhythm-breathing", 10, "Before the morning's sessions."),
    (9, "compassionate-self", 15, ""),
    (5, "mindfulness-of-sounds", 8, "Noisy office; useful practice in itself."),
    (2, "compassionate-letter", 20, "Wrote to myself about a hard week at work."),
)
REFLECTIONS = (
    (
        20,
        "relational-safeness",
        "",
        "I notice I speed up when a client apologises a lot. Slowing down seems to help both "
        "of us.",
    ),
    (
        14,
        "blocks",
        "Chris Doyle",
        "The safe place was too early. Next time, start from the body and let images come "
        "later, if at all.",
    ),
    (
        6,
        "noticed-in-me",
        "",
        "Felt a pull to fix things quickly in a session today. Named it to myself and stayed "
        "with the client instead.",
    ),
    (3, "next-practice", "", "Compassionate colour as a gentler route into imagery."),
)


@transaction.atomic
def load_sessions() -> tuple[int, int]:
    """Add the demo notes and development entries unless they exist. Return (notes, entries)."""
    clinician = User.objects.filter(
        name=CLINICIAN, membership__organisation__name=ORGANISATION
    ).first()
    if clinician is None:
        return 0, 0
    clients = {
        c.name: c
        for c in ClientProfile.objects.filter(
            primary_clinician=clinician, name__in=["Sam Rivers", "Chris Doyle"]
        ).exclude(therapy_sessions__isnull=False)
    }
    practices = {p.key: p for p in Practice.objects.filter(organisation=None)}
    made = 0
    for name, sessions in (("Sam Rivers", SAM), ("Chris Doyle", CHRIS)):
        client = clients.get(name)
        if client is None:
            continue
        homework = list(Assignment.objects.filter(client=client, kind="practice"))
        start = time(10) if name == "Sam Rivers" else time(15, 30)
        for spec in sessions:
            _session(client, clinician, spec, start, practices, homework)
            made += 1
    entries = 0
    if not Reflection.objects.filter(clinician=clinician).exists():
        entries = _development(clinician, practices)
    return made, entries


def _session(
    client: ClientProfile,
    clinician: User,
    spec: DemoSession,
    start: time,
    practices: dict[str, Practice],
    homework: list[Assignment],
) -> TherapySession:
    zone = ZoneInfo(client.time_zone)
    day = timezone.localdate(timezone.now(), zone) - timedelta(days=spec.days_ago)
    session = TherapySession.objects.create(
        client=client,
        clinician=clinician,
        token=uuid.uuid4(),
        date=day,
        start_time=start,
        minutes=spec.minutes,
        attendance=spec.attendance,
        format=spec.format,
        summary=spec.summary,
        risk_reviewed=spec.risk_reviewed,
        risk_note=spec.risk_note,
    )
    for layer in spec.layers:
        LayerNote.objects.create(
            session=session,
            layer=layer.number,
            text=layer.text,
            **{f"lever_{lever}": True for lever in layer.levers},
        )
    session.practices.set([practices[key] for key in spec.practices if key in practices])
    if spec.homework:
        session.homework.set(homework)
    if spec.signed:
        ended = datetime.combine(day, start, zone) + timedelta(minutes=spec.minutes + 90)
        session.attached_week = attached_week(session).as_json()
        session.signed_at = ended
        session.signed_by = clinician
        session.save()
    if spec.addendum:
        addendum = SessionAddendum.objects.create(
            session=session, author=clinician, token=uuid.uuid4(), text=spec.addendum
        )
        written = datetime.combine(day + timedelta(days=2), time(17, 10), zone)
        SessionAddendum.objects.filter(pk=addendum.pk).update(created_at=written)
    return session


def _development(clinician: User, practices: dict[str, Practice]) -> int:
    today = timezone.localdate()
    for days_ago, key, minutes, note in OWN_PRACTICE:
        OwnPractice.objects.create(
            clinician=clinician,
            token=uuid.uuid4(),
            practice=practices[key],
            practised_on=today - timedelta(days=days_ago),
            minutes=minutes,
            note=note,
        )
    caseload = {c.name: c for c in ClientProfile.objects.filter(primary_clinician=clinician)}
    for days_ago, prompt, client_name, text in REFLECTIONS:
        reflection = Reflection.objects.create(
            clinician=clinician,
            token=uuid.uuid4(),
            layer=BY_KEY[prompt].layer,
            prompt=prompt,
            text=text,
            client=caseload.get(client_name),
        )
        Reflection.objects.filter(pk=reflection.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
    return len(OWN_PRACTICE) + len(REFLECTIONS)
