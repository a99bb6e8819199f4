"""The staff pages' main links: the person's own set, the page they are on marked."""

from __future__ import annotations

import re

from django.urls import reverse

from tending.testing.personas import sign_in


def main_links(page: bytes) -> list[tuple[str, str, bool]]:
    """(address, label, marked current) for each link in the main navigation."""
    nav = re.search(rb'<nav class="site-nav" aria-label="Main">(.*?)</nav>', page, re.S)
    assert nav is not None
    return [
        (href.decode(), label.decode(), bool(current))
        for href, current, label in re.findall(
            rb'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav.group(1)
        )
    ]


def test_a_clinician_sees_their_links_with_the_current_page_marked(world, http):
    sign_in(http, world.clinician_a)
    on_dashboard = main_links(http.get(reverse("dashboard")).content)
    assert on_dashboard == [
        ("/dashboard/", "Dashboard", True),
        (reverse("caseload"), "Caseload", False),
        (reverse("practice_list"), "Practices", False),
        (reverse("development"), "My development", False),
        (reverse("account_settings"), "Account", False),
    ]
    on_caseload = main_links(http.get(reverse("caseload")).content)
    assert [label for _, label, current in on_caseload if current] == ["Caseload"]
    # A page that is not in the navigation marks none.
    on_client = main_links(http.get(world.client_a.get_absolute_url()).content)
    assert not any(current for _, _, current in on_client)


def test_an_admin_sees_the_organisation_links_and_none_of_a_clinicians(world, http):
    sign_in(http, world.admin_a)
    links = main_links(http.get(reverse("members")).content)
    assert [(label, current) for _, label, current in links] == [
        ("Organisation", False),
        ("Members", True),
        ("Audit trail", False),
        ("Erasure", False),
        ("Account", False),
    ]
    assert reverse("dashboard") not in {href for href, _, _ in links}
