"""Every read and write leaves an audit row with identifiers only, never the words."""

from __future__ import annotations

import json
import uuid

from django.test import Client
from django.urls import reverse

from tending.audit.models import AuditEvent
from tending.formulation.parts import PART_KEYS
from tending.testing.formulation_records import practice_homework
from tending.testing.personas import sign_in

WORDS = "Sensitive-words-never-in-the-audit"


def test_reads_and_writes_are_audited_without_clinical_text(world):
    client_http = sign_in(Client(), world.client_a.user)
    clinician_http = sign_in(Client(), world.clinician_a)
    client_id = world.client_a.public_id
    homework = practice_homework(world.client_a, world.clinician_a)

    client_http.post(
        reverse("my_formulation_edit"),
        dict.fromkeys(PART_KEYS, WORDS) | {"based_on": "0", "token": str(uuid.uuid4())},
    )
    client_http.get(reverse("my_formulation"))
    client_http.get(reverse("my_formulation_history"))
    client_http.get(reverse("my_formulation_changes"))
    clinician_http.get(reverse("client_formulation", args=[client_id]))
    clinician_http.post(
        reverse("formulation_link_add", args=[client_id]),
        {"part": "history", "assignment": str(homework.public_id)},
    )
    client_http.post(
        reverse("my_circles_new"),
        {"token": str(uuid.uuid4()), "threat": "3", "drive": "3", "soothe": "3", "note": WORDS},
    )
    clinician_http.get(reverse("client_circles", args=[client_id]))

    events = list(AuditEvent.objects.filter(client_id=client_id))
    actions = [e.action for e in events]
    assert actions.count("formulation.version_saved") == 1
    assert actions.count("formulation.link_added") == 1
    assert actions.count("circles.checkin_saved") == 1
    assert actions.count("circles.viewed") == 1
    pages = {e.detail.get("page") for e in events if e.action == "formulation.viewed"}
    assert {"formulation", "history", "changes"} <= pages
    saved = next(e for e in events if e.action == "formulation.version_saved")
    assert saved.detail == {"version": 1, "author_role": "client"}
    assert saved.actor_role == "client"
    viewed_by_clinician = [
        e for e in events if e.action == "formulation.viewed" and e.actor_role == "clinician"
    ]
    assert viewed_by_clinician
    for event in events:
        assert WORDS not in json.dumps(event.detail)
        assert WORDS not in event.target_id
