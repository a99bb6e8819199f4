"""Downloading a copy of one's records, and an admin erasing a client, through the pages."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from tending.accounts.models import ClientProfile
from tending.audit.models import AuditEvent
from tending.privacy import services
from tending.privacy.export import build_export
from tending.privacy.services import EXPORT_FILE
from tending.privacy.tests.records import build_full_client
from tending.testing.personas import World, sign_in

SCHEMA_DOC = Path(__file__).resolve().parents[3] / "docs" / "data-subject-export.md"


def _export_in(response: Any) -> dict[str, Any]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == [EXPORT_FILE]
    return json.loads(archive.read(EXPORT_FILE))


def test_it_gives_clients_a_complete_copy_from_their_account_page(world: World) -> None:
    client = build_full_client(world)
    http = sign_in(Client(), client.user)

    assert reverse("privacy_export_own") in http.get(reverse("account_settings")).content.decode()
    response = http.get(reverse("privacy_export_own"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = _export_in(response)
    assert data["schema_version"] == 1
    assert data["client"]["public_id"] == str(client.public_id)
    assert "Private words CANARY-erase" in json.dumps(data)
    event = AuditEvent.objects.get(action="client.data_exported_for_subject")
    assert (event.client_id, event.actor_role) == (client.public_id, "client")


def test_it_lets_the_clinician_download_a_copy_for_their_client(world: World) -> None:
    client = build_full_client(world)
    http = sign_in(Client(), world.clinician_a)
    url = reverse("privacy_export_client", args=[client.public_id])

    assert url in http.get(reverse("client_detail", args=[client.public_id])).content.decode()
    data = _export_in(http.get(url))

    text = json.dumps(data)
    assert "Shared words CANARY-erase" in text
    assert "Private words CANARY-erase" not in text
    assert AuditEvent.objects.filter(
        action="client.data_exported_for_subject", actor_id=world.clinician_a.public_id
    ).exists()


def test_it_refuses_other_clinicians(world: World) -> None:
    client = build_full_client(world)
    http = sign_in(Client(), world.clinician_a2)

    response = http.get(reverse("privacy_export_client", args=[client.public_id]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="client.data_exported_for_subject").exists()


def test_it_walks_the_admin_through_a_confirmed_erasure(world: World) -> None:
    client = build_full_client(world)
    http = sign_in(Client(), world.admin_a)

    found = http.get(reverse("privacy_erase_start"), {"reference": str(client.public_id)})
    assert found.status_code == 302
    page = http.get(found["Location"])
    assert page.status_code == 200
    assert "CANARY-erase" not in page.content.decode()  # admins see clients by reference only
    total = sum(services.record_counts(client).values())
    assert f"{total} records about this client" in page.content.decode()

    url = reverse("privacy_erase", args=[client.public_id])
    wrong = http.post(url, {"confirmation": "yes"})
    assert wrong.status_code == 400
    assert ClientProfile.objects.filter(pk=client.pk).exists()

    done = http.post(url, {"confirmation": "Erase"})
    assert done.status_code == 302
    assert not ClientProfile.objects.filter(pk=client.pk).exists()
    assert "were erased" in http.get(done["Location"]).content.decode()
    # A double submit lands on the same calm page and erases nothing more.
    assert http.post(url, {"confirmation": "erase"}).status_code == 302
    assert AuditEvent.objects.filter(action="client.erased").count() == 1


def test_it_says_when_a_reference_is_not_one_of_the_organisations_clients(world: World) -> None:
    http = sign_in(Client(), world.admin_a)

    response = http.get(
        reverse("privacy_erase_start"), {"reference": str(world.client_other.public_id)}
    )

    assert response.status_code == 400
    assert "No client of your organisation" in response.content.decode()


def test_it_documents_every_key_of_the_export(world: World) -> None:
    data = build_export(build_full_client(world), include_private=True)
    documented = set(re.findall(r"`([a-z_]+)`", SCHEMA_DOC.read_text()))

    keys: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                # A response's answers and the parts are keyed by item number or part name:
                # values, not schema. A risk episode's answers are a list of records: schema.
                keyed_by_value = key in {"subscales", "snapshot", "attached_week"} or (
                    key == "answers" and isinstance(inner, dict)
                )
                if not keyed_by_value:
                    walk(inner)
                keys.add(key)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    formulation_parts = set(data["formulation"]["versions"][0]["parts"])
    plan_parts = set(data["safety_plan"]["versions"][0]["parts"])
    assert data["risk_episodes"][0]["answers"]  # walked, so its keys are checked too
    assert keys - formulation_parts - plan_parts - documented == set()
