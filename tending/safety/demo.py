"""Demo safety records: Chris Doyle (Riverside), whose latest PHQ-9 opened a risk episode (see
`tending.measures.demo`), wrote a safety plan with their clinician a month ago and added to it
since; it has not been reviewed since that answer, so the dashboard says so. Chris shared a
mobile number and named their sister for emergencies. Fictional people; the phone numbers are
in the range Ofcom keeps for drama, so they reach nobody."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tending.accounts.demo import ORGANISATIONS
from tending.accounts.models import ClientProfile
from tending.safety.models import Author, ContactDetails, SafetyPlan, SafetyPlanVersion

DEMO_CLIENT = ORGANISATIONS[0].clients[4]  # Chris Doyle

FIRST = {
    "warning_signs": "Lying awake past 2am going over everything.\nCancelling on friends.\n"
    "The thought “they'd be better off without me” coming back.",
    "on_my_own": "Soothing rhythm breathing for five minutes.\nA hot shower.\n"
    "Walking round the park with music on.",
    "distractions": "Ciara's kitchen.\nThe climbing wall on Tuesday evenings.\nThe library café.",
    "people_to_ask": "Ciara (my sister) 07700 900456\nDev from work 07700 900789",
    "professionals": "Samaritans 116 123, any time\nNHS 111, option 2, any time\n"
    "Riverside Compassion Clinic, weekdays 9 to 5",
    "safer_surroundings": "Ciara keeps my spare medication.\nStay at Ciara's if a night looks bad.",
}
SECOND = FIRST | {
    "compassionate_words": "This is the threat system doing its job too loudly. It is not "
    "your fault, and it passes. You have got through nights like this before; let's just do "
    "the next small thing.",
    "feeling_safe": "My safe place: the beach at Inch in the early morning.\n"
    "The weighted blanket.\nCiara's voice.",
}


@transaction.atomic
def load_safety_demo() -> str:
    client = (
        ClientProfile.objects.filter(
            name=DEMO_CLIENT, organisation__name=ORGANISATIONS[0].name, user__isnull=False
        )
        .select_related("user", "primary_clinician")
        .first()
    )
    if client is None or SafetyPlan.objects.filter(client=client).exists():
        return "Demo safety plan: already loaded or no demo client."
    clinician = client.primary_clinician
    if clinician is None or client.user is None:
        return "Demo safety plan: the demo client has no clinician or no account."
    now = timezone.now()
    plan = SafetyPlan.objects.create(client=client, version=2)
    for number, (author, role, texts, days_ago) in enumerate(
        (
            (clinician, Author.CLINICIAN, FIRST, 30),
            (client.user, Author.CLIENT, SECOND, 18),
        ),
        start=1,
    ):
        SafetyPlanVersion.objects.create(
            plan=plan,
            number=number,
            token=uuid.uuid4(),
            author=author,
            author_role=role,
            author_name=author.name,
            created_at=now - timedelta(days=days_ago),
            **texts,
        )
    # Reviewed together when the second version was written: before the latest risk answer.
    SafetyPlan.objects.filter(pk=plan.pk).update(
        reviewed_at=now - timedelta(days=18), reviewed_by=clinician, reviewed_version=2
    )
    ContactDetails.objects.create(
        client=client,
        mobile="+447700900123",
        preferred_times="Weekday evenings after 6",
        emergency_name="Ciara Doyle",
        emergency_relationship="Sister",
        emergency_phone="+447700900456",
        version=1,
        updated_by=client.user,
    )
    return f"Demo safety plan and contact details for {client.name}."
