"""Only the client's own clinician reaches session notes; development is its author's alone."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from tending.practices.models import Practice
from tending.testing.personas import sign_in
from tending.testing.session_records import (
    make_own_practice,
    make_reflection,
    make_session,
    session_form,
)
from tending.therapy_sessions.models import (
    LayerNote,
    OwnPractice,
    Reflection,
    SessionAddendum,
    TherapySession,
)

OUTSIDERS = ["clinician_a2", "clinician_b", "admin_a", "admin_b", "client_a", "client_b"]


def state():
    return (
        list(TherapySession.objects.values_list("pk", "version", "signed_at").order_by("pk")),
        list(LayerNote.objects.values_list("pk", "layer").order_by("pk")),
        SessionAddendum.objects.count(),
        Reflection.objects.count(),
        OwnPractice.objects.count(),
    )


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_nobody_but_the_clients_clinician_reaches_a_session(world, persona):
    draft = make_session(world.client_a, on=date(2026, 11, 2), text="CANARY-draft_text")
    signed = make_session(world.client_a, on=date(2026, 11, 9), text="CANARY-signed_text")
    signed.signed_at, signed.signed_by = signed.created_at, world.clinician_a
    signed.save()
    http = sign_in(Client(), world.persona(persona))
    before = state()
    client_id = world.client_a.public_id
    pages = [
        ("get", reverse("client_sessions", args=[client_id]), {}),
        ("get", reverse("session_create", args=[client_id]), {}),
        ("post", reverse("session_create", args=[client_id]), session_form()),
    ]
    for session in (draft, signed):
        sid = session.public_id
        pages += [
            ("get", reverse("session_detail", args=[sid]), {}),
            ("get", reverse("session_edit", args=[sid]), {}),
            ("post", reverse("session_edit", args=[sid]), session_form(version="1")),
            ("get", reverse("session_sign", args=[sid]), {}),
            ("post", reverse("session_sign", args=[sid]), {"version": "1"}),
            (
                "post",
                reverse("session_addendum", args=[sid]),
                {"token": str(uuid.uuid4()), "text": "x"},
            ),
            ("post", reverse("session_delete", args=[sid]), {}),
        ]
    for method, url, data in pages:
        response = getattr(http, method)(url, data)
        assert response.status_code == 404, f"{method} {url} as {persona}"
        assert b"CANARY-draft_text" not in response.content
        assert b"CANARY-signed_text" not in response.content
    assert state() == before


def test_a_client_never_sees_session_notes_on_their_own_pages(world):
    make_session(world.client_a, on=date(2026, 11, 2), text="CANARY-draft_text")
    http = sign_in(Client(), world.client_a.user)
    for name in ("today", "my_practice", "home"):
        response = http.get(reverse(name), follow=True)
        assert b"CANARY-draft_text" not in response.content


def test_only_the_author_changes_a_draft_after_the_client_moves_caseload(world):
    # Written by clinician A2 while client A was theirs; client A is now clinician A's.
    draft = make_session(world.client_a, on=date(2026, 11, 2))
    TherapySession.objects.filter(pk=draft.pk).update(clinician=world.clinician_a2)
    http = sign_in(Client(), world.clinician_a)
    detail = http.get(draft.get_absolute_url())
    assert detail.status_code == 200
    assert b"who can change or sign it" in detail.content
    for name in ("session_edit", "session_sign"):
        assert http.get(reverse(name, args=[draft.public_id])).status_code == 404
    assert http.post(reverse("session_delete", args=[draft.public_id])).status_code == 404
    assert TherapySession.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("persona", ["clinician_a2", "clinician_b", "admin_a", "client_a"])
def test_development_is_private_to_its_author(world, persona):
    breathing = Practice.objects.get(key="soothing-rhythm-breathing")
    make_reflection(world.clinician_a, "CANARY-reflection_text", client=world.client_a)
    make_own_practice(world.clinician_a, breathing, "CANARY-own_practice_text")
    http = sign_in(Client(), world.persona(persona))
    before = state()
    response = http.get(reverse("development"))
    body = response.content
    assert b"CANARY-reflection_text" not in body and b"CANARY-own_practice_text" not in body
    if persona.startswith("clinician"):
        assert response.status_code == 200  # their own, empty space
    else:
        assert response.status_code == 404
        for name in ("development_practice", "development_reflection"):
            assert http.post(reverse(name), {}).status_code == 404
        assert state() == before

    owner = sign_in(Client(), world.clinician_a).get(reverse("development")).content
    assert b"CANARY-reflection_text" in owner and b"CANARY-own_practice_text" in owner


def test_a_tagged_reflection_shows_on_the_clients_sessions_for_its_author_only(world):
    make_reflection(world.clinician_a, "CANARY-mine", client=world.client_a)
    make_reflection(world.clinician_a2, "CANARY-theirs", client=world.client_a)  # before a move
    http = sign_in(Client(), world.clinician_a)
    page = http.get(reverse("client_sessions", args=[world.client_a.public_id])).content
    assert b"CANARY-mine" in page and b"CANARY-theirs" not in page
    other = http.get(reverse("client_sessions", args=[world.client_b.public_id])).content
    assert b"CANARY-mine" not in other
