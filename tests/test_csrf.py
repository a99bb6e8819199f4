"""Every form post needs its CSRF token; with it, real forms work (ASVS 3.5.1, plan T13).

Django's test client skips CSRF checks unless asked, so these tests use
`Client(enforce_csrf_checks=True)`. The routes come from Django's URL resolver, like the
authorization matrix, so a route added later is checked without anyone listing it here. Each is
posted by a signed-in persona who may use it: without a token the answer is the calm 403 page
and nothing changes; with a token the same request gets through the CSRF check.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

from tending.accounts.models import ClientProfile, RateLimitCount
from tending.audit.models import AuditEvent
from tending.formulation.models import FormulationLink
from tending.journal.models import JournalEntry
from tending.measures.models import MeasureRequest
from tending.practices.models import PracticeRecording
from tending.testing.personas import World, sign_in
from tending.therapy_sessions.models import Reflection
from tending.understanding.models import ModuleProgress
from tests import test_authorization_matrix as matrix
from tests.test_authorization_matrix import (
    ADMIN_ROUTES,
    PERSONAS,
    ROUTES,
    RULES,
    TARGETS,
    _admin_url,
    _snapshot,
    _target_id,
)

# The matrix's records (a practice, a recording, journal entries...), each with a canary.
extras = matrix.extras


def _allowed_request(world: World, records: dict[str, object], route: str) -> tuple[str, str]:
    """Return (persona, URL) for someone who may use `route`."""
    rule = RULES[route]
    argument, targets = TARGETS.get(rule.target, ("", [""]))
    for persona in PERSONAS[1:]:  # signed in, even on public pages
        for target in targets:
            if rule.public:
                allowed = True
            elif rule.owner:
                allowed = rule.owner(world, records, persona, target)
            else:
                allowed = persona in rule.allowed
            if allowed:
                kwargs = dict(rule.kwargs)
                if argument:
                    kwargs[argument] = _target_id(world, records, rule.target, target)
                return persona, reverse(route, kwargs=kwargs)
    raise AssertionError(f"nobody may use {route}")


def _state() -> tuple[object, ...]:
    return (_snapshot(), AuditEvent.objects.count(), RateLimitCount.objects.count())


def _with_token(http: Client) -> str:
    """Give `http` a CSRF cookie, as a page with a form would; return the matching token."""
    token = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    http.cookies[settings.CSRF_COOKIE_NAME] = token
    return token


def assert_refused(response) -> None:
    assert response.status_code == 403
    assert b"This form had expired" in response.content
    assert b"Traceback" not in response.content


NAMED_ROUTES = sorted(name for name in ROUTES if not name.startswith(("admin:", "<unnamed")))


@pytest.mark.parametrize("route", NAMED_ROUTES)
def test_it_refuses_a_post_without_a_token_from_someone_who_may_use_it(world, extras, route):
    assert route in RULES, f"{route} needs a rule in tests/test_authorization_matrix.py"
    persona, url = _allowed_request(world, extras, route)
    http = sign_in(Client(enforce_csrf_checks=True), world.persona(persona))
    before = _state()

    assert_refused(http.post(url, {"anything": "x"}))
    assert _state() == before, f"POST {url} as {persona} changed something"

    # The same person with a token gets past the check: the refusal was the missing token.
    token = _with_token(http)
    answered = http.post(url, {"csrfmiddlewaretoken": token})
    assert answered.status_code != 403, f"POST {url} as {persona} with a token"
    assert answered.status_code < 500


@pytest.mark.parametrize("route", ADMIN_ROUTES)
def test_it_refuses_a_post_to_djangos_admin_without_a_token(db, route):
    http = Client(enforce_csrf_checks=True)
    before = _state()
    assert_refused(http.post(_admin_url(route), {}))
    assert _state() == before


def test_it_refuses_a_token_from_another_browser(world):
    http = sign_in(Client(enforce_csrf_checks=True), world.clinician_a)
    _with_token(http)
    other_token = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    data = {"name": "Robin Ash", "email": "robin@example.org", "csrfmiddlewaretoken": other_token}
    assert_refused(http.post(reverse("client_add"), data))
    assert not ClientProfile.objects.filter(email="robin@example.org").exists()


class FormReader(HTMLParser):
    """Collect the fields a browser would send for the form posting to `action`."""

    def __init__(self, action: str, page: str) -> None:
        super().__init__()
        self.action = action
        self.page = page
        self.inside = False
        self.found = False
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = not self.found and (a.get("action") or self.page) == self.action
            self.found = self.found or self.inside
        elif tag == "option" and self.inside and self._select:
            if "selected" in a or not self.fields.get(self._select):
                self.fields[self._select] = a.get("value", "")
        elif not self.inside or "name" not in a:
            return
        elif tag == "input" and a.get("type") in {"checkbox", "radio"}:
            if "checked" in a:
                self.fields[a["name"]] = a.get("value", "on")
        elif tag == "input" and a.get("type") not in {"submit", "button", "file"}:
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.inside:
            self.fields[self._textarea] += data


def submit(http: Client, page: str, action: str, **typed: Any):
    """Open `page`, fill the form that posts to `action` as a person would, and send it."""
    html = http.get(page).content.decode()
    reader = FormReader(action, page)
    reader.feed(html)
    assert reader.found, f"no form posting to {action} on {page}"
    assert "csrfmiddlewaretoken" in reader.fields
    return http.post(action, {**reader.fields, **typed})


def _records(world: World, records: dict[str, Any], app: str):
    """Return (persona, page, action, typed values, a check that the form did its work)."""
    client_id = world.client_a.public_id
    if app == "accounts":
        return (
            "clinician_a",
            reverse("caseload"),
            reverse("client_add"),
            {"name": "Robin Ash", "email": "robin@example.org"},
            lambda: ClientProfile.objects.filter(email="robin@example.org").exists(),
        )
    if app == "practices":
        recording = records["recording_a"]
        return (
            "clinician_a",
            reverse("practice_detail", args=[recording.practice.public_id]),
            reverse("recording_delete", args=[recording.public_id]),
            {},
            lambda: not PracticeRecording.objects.filter(pk=recording.pk).exists(),
        )
    if app == "measures":
        return (
            "clinician_a",
            reverse("client_measures", args=[client_id]),
            reverse("measure_request", args=[client_id]),
            {"measure": "phq9"},
            lambda: MeasureRequest.objects.filter(
                client=world.client_a, measure_key="phq9", completed_at=None
            ).exists(),
        )
    if app == "assignments":
        return (
            "client_a",
            reverse("reminder_settings"),
            reverse("reminder_settings"),
            {},
            lambda: AuditEvent.objects.filter(action="reminders.updated").exists(),
        )
    if app == "understanding":
        return (
            "client_a",
            reverse("understanding_module", args=["tricky-brain"]),
            reverse("understanding_finish", args=["tricky-brain"]),
            {},
            lambda: ModuleProgress.objects.filter(finished_at__isnull=False).exists(),
        )
    if app == "journal":
        entry = records["journal_private"]
        return (
            "client_a",
            reverse("journal_entry", args=[entry.public_id]),
            reverse("journal_entry_share", args=[entry.public_id]),
            {},
            lambda: JournalEntry.objects.get(pk=entry.pk).is_shared,
        )
    if app == "formulation":
        link = records["formulation_link_a"]
        return (
            "clinician_a",
            reverse("client_formulation", args=[client_id]),
            reverse("formulation_link_remove", args=[link.public_id]),
            {},
            lambda: not FormulationLink.objects.filter(pk=link.pk).exists(),
        )
    assert app == "therapy_sessions"
    before = Reflection.objects.count()
    return (
        "clinician_a",
        reverse("development"),
        reverse("development_reflection"),
        {"reflection-text": "What I noticed in myself today."},
        lambda: Reflection.objects.count() == before + 1,
    )


APPS = [
    "accounts",
    "practices",
    "measures",
    "assignments",
    "understanding",
    "journal",
    "formulation",
    "therapy_sessions",
]


@pytest.mark.parametrize("app", APPS)
def test_it_accepts_a_real_form_with_its_token(world, extras, settings, tmp_path, app):
    settings.MEDIA_DIR = tmp_path
    persona, page, action, typed, done = _records(world, extras, app)
    http = sign_in(Client(enforce_csrf_checks=True), world.persona(persona))

    response = submit(http, page, action, **typed)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert done()
