"""A safety plan in templates: `{{ text|with_phone_links }}` makes phone numbers in its words
tap-to-call links; `{{ version|written_parts }}` lists the parts that have words.

Everything else in the text is escaped. Numbers are found by `phonenumbers` in the region of
`settings.TENDING_PHONE_REGION` (default "GB"): full numbers it can parse (at least nine
digits of national number, or valid), and short numbers it knows for the region that are
free to call or reach the emergency services (116 123, 999), so "walk for 100 metres" and
"option 2" stay plain words.
"""

from __future__ import annotations

import re

import phonenumbers
from django import template
from django.conf import settings
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from phonenumbers import shortnumberinfo
from phonenumbers.shortnumberinfo import ShortNumberCost

from tending.safety.models import SafetyPlanVersion
from tending.safety.plan_parts import PLAN_PARTS, PlanPart

register = template.Library()

# Three to six digits, optionally as two groups ("116 123"), standing alone.
_SHORT = re.compile(r"(?<![\w+])(\d{3}(?: \d{3})?|\d{4,6})(?![\w])")


def _region() -> str:
    return str(getattr(settings, "TENDING_PHONE_REGION", "GB"))


def _full_numbers(text: str, region: str) -> list[tuple[int, int, str]]:
    found = []
    matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE)
    for match in matcher:
        number = match.number
        national = phonenumbers.national_significant_number(number)
        if len(national) >= 9 or phonenumbers.is_valid_number(number):
            dial = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            found.append((match.start, match.end, dial))
    return found


def _short_numbers(text: str, region: str) -> list[tuple[int, int, str]]:
    found = []
    for match in _SHORT.finditer(text):
        digits = match.group(1).replace(" ", "")
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if not shortnumberinfo.is_valid_short_number_for_region(number, region):
            continue
        cost = shortnumberinfo.expected_cost_for_region(number, region)
        if cost == ShortNumberCost.TOLL_FREE or shortnumberinfo.is_emergency_number(digits, region):
            found.append((match.start(1), match.end(1), digits))
    return found


def phone_spans(text: str, region: str) -> list[tuple[int, int, str]]:
    """Return (start, end, number to dial) for each phone number in `text`, in order."""
    spans = _full_numbers(text, region)
    for start, end, dial in _short_numbers(text, region):
        if not any(start < other_end and other_start < end for other_start, other_end, _ in spans):
            spans.append((start, end, dial))
    return sorted(spans)


@register.filter(is_safe=True)
def with_phone_links(text: object) -> SafeString:
    """Return `text` escaped, with each phone number in it a `tel:` link."""
    value = str(text or "")
    pieces: list[str] = []
    position = 0
    for start, end, dial in phone_spans(value, _region()):
        pieces.append(conditional_escape(value[position:start]))
        pieces.append(format_html('<a href="tel:{}" class="tel">{}</a>', dial, value[start:end]))
        position = end
    pieces.append(conditional_escape(value[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


@register.filter
def written_parts(version: SafetyPlanVersion | None) -> list[tuple[PlanPart, str]]:
    """Return (part, words) for each part of `version` that has words, in crisis order."""
    if version is None:
        return []
    texts = version.texts()
    return [(part, texts[part.key]) for part in PLAN_PARTS if texts[part.key]]
