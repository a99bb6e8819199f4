"""`{% path_to %}` gives the same addresses as `{% url %}`, though it works each out once."""

from __future__ import annotations

import uuid

from django.template import Context, Template
from django.urls import reverse, set_script_prefix


def _render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_the_same_address_as_url_with_and_without_arguments():
    client_id = uuid.uuid4()
    assert _render("{% path_to 'dashboard' %}") == reverse("dashboard") == "/dashboard/"
    assert _render("{% path_to 'client_csv' id %}", id=client_id) == reverse(
        "client_csv", args=[client_id]
    )
    other = uuid.uuid4()
    assert _render("{% path_to 'client_csv' id %}", id=other) == reverse("client_csv", args=[other])


def test_a_site_served_under_a_prefix_links_under_it():
    _render("{% path_to 'dashboard' %}")  # kept for the root
    set_script_prefix("/clinic/")
    try:
        assert _render("{% path_to 'dashboard' %}") == "/clinic/dashboard/"
    finally:
        set_script_prefix("/")
    assert _render("{% path_to 'dashboard' %}") == "/dashboard/"
