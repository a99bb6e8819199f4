"""`{% safety_panel client %}`: a client's safety at a glance on their clinician's pages.

A template tag, so the client's record page (in `accounts`, which must not import this app)
can show it: whether risk answers are waiting, whether the safety plan exists and was
reviewed since the last risk answer, and the ways to the contact details, plan and history.
"""

from __future__ import annotations

from typing import Any

from django import template

from tending.accounts.models import ClientProfile
from tending.safety.models import ContactDetails, RiskEpisode, SafetyPlan
from tending.safety.review import needs_review

register = template.Library()


@register.inclusion_tag("safety/snippets/safety_panel.html")
def safety_panel(client: ClientProfile) -> dict[str, Any]:
    plan = SafetyPlan.objects.filter(client=client).first()
    contact = ContactDetails.objects.filter(client=client).first()
    return {
        "client": client,
        "open_episode": RiskEpisode.objects.filter(client=client, closed_at=None).first(),
        "plan": plan if plan and plan.version else None,
        "plan_needs_review": needs_review(client),
        "contact": contact,
    }
