"""The plain-SQL loaders give exactly what the ORM gives (tending/fastsql.py).

They replace the ORM on the queries every signed-in request makes: the user with their
membership, the two-step device, the client a clinician opens, and the audit event. A wrong
converter would show a clinician the wrong organisation, break two-step checks or write an
unreadable audit row, so each is compared field by field with the ORM, on both databases.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from tending.accounts.models import ClientProfile, Membership, User
from tending.audit.models import AuditEvent
from tending.audit.services import record
from tending.fastsql import fetch_one, fetch_values, uuid_param


def _values(instance: models.Model) -> dict[str, Any]:
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def test_a_staff_member_loads_with_their_membership_and_organisation_as_the_orm_gives(world):
    expected = User.objects.select_related("membership__organisation").get(pk=world.clinician_a.pk)
    loaded = fetch_one(
        User, "t0.id = %s", [world.clinician_a.pk], joins=("membership", "membership__organisation")
    )
    assert loaded is not None
    with CaptureQueriesContext(connection) as queries:
        assert _values(loaded) == _values(expected)
        assert _values(loaded.membership) == _values(expected.membership)
        assert _values(loaded.membership.organisation) == _values(expected.membership.organisation)
        assert loaded.membership.user is loaded
        assert loaded.membership.role == Membership.Role.CLINICIAN
    assert len(queries) == 0  # everything came with the one row


def test_a_client_has_no_membership_and_asking_costs_no_query(world):
    loaded = fetch_one(
        User,
        "t0.id = %s",
        [world.client_a.user.pk],
        joins=("membership", "membership__organisation"),
    )
    assert loaded is not None and loaded.email == world.client_a.user.email
    with CaptureQueriesContext(connection) as queries:
        assert getattr(loaded, "membership", None) is None
    assert len(queries) == 0


def test_nothing_is_found_for_a_user_that_does_not_exist(db):
    assert fetch_one(User, "t0.id = %s", [987654]) is None


def test_a_client_record_loads_with_its_organisation_clinician_and_user(world):
    client = world.client_a
    expected = ClientProfile.objects.select_related(
        "organisation", "primary_clinician", "user"
    ).get(pk=client.pk)
    loaded = fetch_one(
        ClientProfile,
        "t0.public_id = %s",
        [uuid_param(ClientProfile, "public_id", client.public_id)],
        joins=("organisation", "primary_clinician", "user"),
    )
    assert loaded is not None
    with CaptureQueriesContext(connection) as queries:
        assert _values(loaded) == _values(expected)
        assert loaded.public_id == client.public_id  # a UUID, not the stored text
        assert _values(loaded.organisation) == _values(expected.organisation)
        assert _values(loaded.primary_clinician) == _values(expected.primary_clinician)
        assert _values(loaded.user) == _values(expected.user)
    assert len(queries) == 0


def test_the_authenticator_device_loads_as_the_orm_gives(world):
    device = TOTPDevice.objects.filter(user=world.clinician_a).get()
    loaded = fetch_one(TOTPDevice, "t0.id = %s", [device.pk])
    assert loaded is not None
    assert _values(loaded) == _values(device)
    assert loaded.persistent_id == device.persistent_id
    assert loaded.confirmed is True  # a boolean, also on SQLite


def test_an_audit_event_written_in_plain_sql_reads_back_whole_through_the_orm(world, rf):
    request = rf.get("/", HTTP_USER_AGENT="Phone browser")
    request.user = world.clinician_a
    event = record(
        action="client.progress_viewed",
        request=request,
        client=world.client_a,
        target=world.client_a,
        detail={"period": "6m", "start": ""},
    )
    assert event.pk is not None
    stored = AuditEvent.objects.get(pk=event.pk)
    assert _values(stored) == _values(event)
    assert stored.detail == {"period": "6m", "start": ""}
    assert stored.organisation_id == world.org_a.public_id
    assert stored.actor_id == world.clinician_a.public_id
    assert stored.occurred_at is not None
    assert stored.user_agent == "Phone browser"


def test_the_risk_banner_rows_come_back_as_the_orm_gives_them(world):
    from tending.measures.context_processors import _banner_sql
    from tending.measures.models import RiskAlert
    from tending.testing.measure_records import answer_phq9

    answer_phq9(world)
    expected = list(
        RiskAlert.objects.filter(client=world.client_a).values_list(
            "public_id", "priority", "created_at", "client__name"
        )
    )
    rows = fetch_values(
        _banner_sql(),
        [world.org_a.pk, world.clinician_a.pk],
        [
            RiskAlert._meta.get_field("public_id"),
            RiskAlert._meta.get_field("priority"),
            RiskAlert._meta.get_field("created_at"),
            ClientProfile._meta.get_field("name"),
        ],
        using="default",
    )
    assert rows == expected and len(rows) == 1
    # Another clinician's banner stays empty.
    assert not fetch_values(
        _banner_sql(),
        [world.org_a.pk, world.admin_a.pk],
        [RiskAlert._meta.get_field("public_id")] * 4,
        using="default",
    )


def test_annotations_come_in_the_same_query_as_the_row(world):
    sql = "SELECT COUNT(*) FROM accounts_clientprofile c WHERE c.primary_clinician_id = t2.id"
    with CaptureQueriesContext(connection) as queries:
        loaded = fetch_one(
            ClientProfile,
            "t0.id = %s",
            [world.client_a.pk],
            joins=("organisation", "primary_clinician"),
            annotations=(("clients_of_their_clinician", sql), ("answer", "SELECT 42")),
        )
    assert len(queries) == 1
    assert loaded is not None and loaded.name == world.client_a.name
    expected = ClientProfile.objects.filter(primary_clinician=world.clinician_a).count()
    assert loaded.clients_of_their_clinician == expected == 2  # type: ignore[attr-defined]
    assert loaded.answer == 42  # type: ignore[attr-defined]
