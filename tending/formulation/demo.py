"""Demo formulation and three circles: Sam Rivers (Riverside) and their clinician built a
formulation over three versions, one of them Sam's own, with practice homework linked to two
parts; four months of three-circles check-ins show soothe slowly growing. Fictional people."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from tending.accounts.demo import ORGANISATIONS
from tending.accounts.models import ClientProfile, User
from tending.assignments.models import Assignment
from tending.formulation.models import (
    Author,
    CirclesCheckIn,
    Formulation,
    FormulationLink,
    FormulationVersion,
)
from tending.formulation.parts import PART_KEYS

DEMO_CLIENT = ORGANISATIONS[0].clients[0]  # Sam Rivers
CHECK_INS = 16

FIRST = {
    "history": (
        "Dad's moods were hard to predict: home could go from fine to frightening quickly.\n"
        "At school I was often compared with my older sister.\n"
        "We moved twice before I was twelve, so I was always the new one."
    ),
    "threats_external": "People will lose patience with me and leave.",
    "threats_internal": "I'll be overwhelmed by panic. Deep down, I'm not good enough.",
    "strategies_external": "Keep everyone happy. Say yes to everything at work.",
    "strategies_internal": "Stay on alert. Push feelings down until they pass.",
}
SECOND = FIRST | {
    "threats_internal": (
        "I'll be overwhelmed by panic and won't cope. Deep down, I'm not good enough."
    ),
    "consequences": (
        "Worn out most evenings. Nobody really knows me, so I can feel lonely even with "
        "friends. The panic comes anyway, often at night."
    ),
    "self_relating": (
        "When something goes wrong I tell myself I'm useless and should have tried harder."
    ),
}
THIRD = SECOND | {
    "strategies_internal": (
        "Stay on alert. Push feelings down until they pass.\n"
        "Go over conversations again and again, looking for what I got wrong."
    ),
    "self_relating": (
        "When something goes wrong I tell myself I'm useless and should have tried harder.\n"
        "The critic sounds a lot like the voice at home used to. It has been trying to keep "
        "me safe by keeping me in line."
    ),
}
ACTIVATORS = {
    "threat": ["Deadline at work.", "The phone call with Dad.", "Waking at 3 a.m. again."],
    "drive": ["Finishing the course module.", "Planning the allotment.", "New project at work."],
    "soothe": [
        "Walk by the river with Jo.",
        "Breathing practice before bed.",
        "Tea in the garden, phone off.",
    ],
}
NOTES = ["Calmer week than I expected.", "Hard few days, but I noticed it sooner."]


@transaction.atomic
def load_formulation_demo() -> str:
    client = (
        ClientProfile.objects.filter(
            organisation__name=ORGANISATIONS[0].name, name=DEMO_CLIENT, user__isnull=False
        )
        .select_related("user", "primary_clinician")
        .first()
    )
    if client is None or client.user is None:
        return "Formulation: no demo client found."
    now = timezone.now()
    versions = links = 0
    if not Formulation.objects.filter(client=client).exists():
        versions, links = _formulation(client, client.user, client.primary_clinician, now)
    check_ins = 0
    if not CirclesCheckIn.objects.filter(client=client).exists():
        check_ins = _check_ins(client, client.user, client.primary_clinician, now)
    return (
        f"Formulation: {versions} new versions and {links} practice links; "
        f"{check_ins} new three-circles check-ins."
    )


def _formulation(
    client: ClientProfile, person: User, clinician: User, now: datetime
) -> tuple[int, int]:
    formulation = Formulation.objects.create(client=client, version=3)
    authors = [
        (clinician, Author.CLINICIAN),
        (person, Author.CLIENT),
        (clinician, Author.CLINICIAN),
    ]
    for number, (texts, weeks, (author, role)) in enumerate(
        zip([FIRST, SECOND, THIRD], [9, 8, 5], authors, strict=True), start=1
    ):
        FormulationVersion.objects.create(
            formulation=formulation,
            number=number,
            token=uuid.uuid4(),
            author=author,
            author_role=role,
            author_name=author.name,
            created_at=now - timedelta(weeks=weeks, hours=number),
            **{key: texts.get(key, "") for key in PART_KEYS},
        )
    practice = (
        Assignment.objects.filter(client=client, kind=Assignment.Kind.PRACTICE)
        .order_by("created_at")
        .first()
    )
    if practice is None:
        return 3, 0
    for part in ("threats_internal", "self_relating"):
        FormulationLink.objects.create(
            formulation=formulation, part=part, assignment=practice, created_by=clinician
        )
    return 3, 2


def _check_ins(client: ClientProfile, person: User, clinician: User, now: datetime) -> int:
    chance = random.Random(f"tending-circles-{client.email}")  # noqa: S311 (demo data)
    rows = []
    for index in range(CHECK_INS):
        progress = index / (CHECK_INS - 1)  # 0 four months ago, 1 this week
        in_session = index in (0, 9)
        rows.append(
            CirclesCheckIn(
                client=client,
                token=uuid.uuid4(),
                threat=_rating(8 - 3 * progress, chance),
                drive=_rating(6 - 1 * progress, chance),
                soothe=_rating(2 + 4 * progress, chance),
                threat_activators=chance.choice(ACTIVATORS["threat"]) if index % 3 == 0 else "",
                drive_activators=chance.choice(ACTIVATORS["drive"]) if index % 4 == 1 else "",
                soothe_activators=chance.choice(ACTIVATORS["soothe"]) if index % 3 == 2 else "",
                note=NOTES[index % 2] if index % 5 == 4 else "",
                recorded_by=clinician if in_session else person,
                recorded_by_role=Author.CLINICIAN if in_session else Author.CLIENT,
                created_at=now - timedelta(days=7 * (CHECK_INS - 1 - index) + 2, hours=index % 5),
            )
        )
    CirclesCheckIn.objects.bulk_create(rows)
    return len(rows)


def _rating(centre: float, chance: random.Random) -> int:
    return max(0, min(10, round(centre + chance.uniform(-0.8, 0.8))))
