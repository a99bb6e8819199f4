"""A safety plan in templates: `{{ version|written_parts }}` lists the parts that have words.
Phone numbers in the words become tap-to-call links with `safety_phones`' `phone_links`.
"""

from __future__ import annotations

from django import template

from tending.safety.models import SafetyPlanVersion
from tending.safety.plan_parts import PLAN_PARTS, PlanPart

register = template.Library()


@register.filter
def written_parts(version: SafetyPlanVersion | None) -> list[tuple[PlanPart, str]]:
    """Return (part, words) for each part of `version` that has words, in crisis order."""
    if version is None:
        return []
    texts = version.texts()
    return [(part, texts[part.key]) for part in PLAN_PARTS if texts[part.key]]
