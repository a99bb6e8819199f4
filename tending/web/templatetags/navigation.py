"""`{% staff_nav %}`: the staff pages' main links, the current one marked for screen readers.

The links depend only on the person's role and the page they are on, so each combination is
built once per process (with the addresses, as `{% path_to %}` keeps them) instead of being
worked out through a dozen template conditions on every staff page.
"""

from __future__ import annotations

import functools

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tending.web.paths import path_for, site

register = template.Library()

# (URL name, label), in the order shown.
LINKS: dict[str, tuple[tuple[str, str], ...]] = {
    "clinician": (
        ("dashboard", "Dashboard"),
        ("caseload", "Caseload"),
        ("practice_list", "Practices"),
        ("development", "My development"),
    ),
    "admin": (
        ("organisation_settings", "Organisation"),
        ("members", "Members"),
        ("audit_log", "Audit trail"),
        ("privacy_erase_start", "Erasure"),
    ),
}
EVERYONE = (("account_settings", "Account"),)


@functools.lru_cache(maxsize=256)
def _links(site: tuple[str, str | None, str], role: str, current: str | None) -> SafeString:
    def item(name: str, label: str) -> SafeString:
        address = path_for(name)
        if name == current:
            return format_html('<li><a href="{}" aria-current="page">{}</a></li>', address, label)
        return format_html('<li><a href="{}">{}</a></li>', address, label)

    links = LINKS.get(role, ()) + EVERYONE
    return format_html_join("\n", "{}", ((item(name, label),) for name, label in links))


@register.simple_tag(takes_context=True)
def staff_nav(context: template.Context) -> SafeString:
    """The list items of the main links for the signed-in staff member."""
    request = context["request"]
    match = getattr(request, "resolver_match", None)
    return _links(
        site(),
        getattr(request.user, "role", ""),
        match.url_name if match is not None else None,
    )
