"""Phone numbers in templates: `{{ number|phone }}` shows a stored number as people write it,
`{{ number|tel }}` is the tel: URI that dials it, and `{{ text|phone_links }}` shows free
text with every phone number in it as a tap-to-call link (the rest escaped as usual).

`phone_links` returns safe HTML, so it can be followed by `linebreaksbr`:
`{{ plan.people_to_ask|phone_links|linebreaksbr }}`.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tending.safety import phones

register = template.Library()


@register.filter
def phone(stored: str | None) -> str:
    return phones.display(stored or "")


@register.filter
def tel(stored: str | None) -> str:
    return phones.tel_uri(stored or "")


@register.filter
def phone_links(text: str | None) -> SafeString:
    pieces: list[str] = []
    for segment in phones.segments(str(text or "")):
        if segment.tel:
            pieces.append(format_html('<a href="{}" class="tel">{}</a>', segment.tel, segment.text))
        else:
            pieces.append(segment.text)
    # format_html_join escapes the plain pieces and keeps the links as they are.
    return format_html_join("", "{}", ((piece,) for piece in pieces))
