"""A client's contact details are in their export, readable, and gone after erasure."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.test import RequestFactory

from tending.privacy.export import build_export
from tending.privacy.services import erase_client
from tending.safety.models import ContactDetails
from tending.testing.personas import World


def test_the_export_has_the_contact_details_decrypted_for_client_and_clinician(world: World):
    details = ContactDetails.objects.create(
        client=world.client_a,
        mobile="+447400123456",
        preferred_times="Evenings",
        emergency_name="Ciara Doyle",
        emergency_relationship="Sister",
        emergency_phone="+442079460018",
        version=3,
        updated_by=world.clinician_a,
    )
    for include_private in (True, False):
        data = json.loads(
            json.dumps(
                build_export(world.client_a, include_private=include_private),
                cls=DjangoJSONEncoder,
            )
        )
        exported = data["contact_details"]
        assert exported["public_id"] == str(details.public_id)
        assert exported["mobile"] == "+447400123456"
        assert exported["other_phone"] == ""
        assert exported["emergency_name"] == "Ciara Doyle"
        assert exported["emergency_relationship"] == "Sister"
        assert exported["emergency_phone"] == "+442079460018"
        assert exported["preferred_times"] == "Evenings"
        assert exported["version"] == 3
        assert exported["updated_by_role"] == "clinician"
    assert build_export(world.client_b, include_private=True)["contact_details"] is None


def test_erasure_removes_the_contact_details_and_only_that_clients(world: World):
    ContactDetails.objects.create(client=world.client_a, mobile="+447400123456")
    ContactDetails.objects.create(client=world.client_b, mobile="+447400654321")
    request = RequestFactory().post("/")
    request.user = world.admin_a

    erasure = erase_client(
        request=request, organisation=world.org_a, client_id=world.client_a.public_id
    )

    assert erasure is not None
    assert erasure.counts["safety.ContactDetails"] == 1
    assert list(ContactDetails.objects.values_list("mobile", flat=True)) == ["+447400654321"]
