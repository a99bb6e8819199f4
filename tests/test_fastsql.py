"""The fast loaders give exactly what the ORM gives (tending/fastsql.py).

They replace the ORM's query building on the queries every signed-in request makes: the
user with their membership, the two-step device, the client a clinician opens (the caseload
rule, compiled once), the risk banner, and the audit event. A wrong converter would show a
clinician the wrong organisation, break two-step checks or write an unreadable audit row, so
each is compared field by field with the ORM, on both databases.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from tending.accounts.models import ClientProfile, Membership, User
from tending.audit.models import AuditEvent
from tending.audit.services import record
from tending.fastsql import Precompiled, fetch_one


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


def _clinician_request(rf, world, clinician=None):
    request = rf.get("/")
    # As AccountBackend loads a signed-in clinician: with their membership.
    request.user = User.objects.select_related("membership__organisation").get(
        pk=(clinician or world.clinician_a).pk
    )
    request.user.is_verified = lambda: True
    return request


def test_a_client_record_loads_with_its_organisation_clinician_and_user(world, rf):
    from tending.accounts.access import get_client_for_user

    client = world.client_a
    expected = ClientProfile.objects.select_related(
        "organisation", "primary_clinician", "user"
    ).get(pk=client.pk)
    request = _clinician_request(rf, world)
    with CaptureQueriesContext(connection) as queries:
        loaded = get_client_for_user(request, client.public_id)
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        assert _values(loaded) == _values(expected)
        assert loaded.public_id == client.public_id  # a UUID, not the stored text
        assert _values(loaded.organisation) == _values(expected.organisation)
        assert _values(loaded.primary_clinician) == _values(expected.primary_clinician)
        assert _values(loaded.user) == _values(expected.user)
    assert len(queries) == 0


def test_a_precompiled_query_gives_what_its_orm_query_gives_for_any_values(world):
    query: Precompiled[ClientProfile] = Precompiled(
        lambda organisation, client: ClientProfile.objects.filter(
            organisation_id=organisation, public_id=client
        ).select_related("primary_clinician"),
        organisation=int,
        client=__import__("uuid").UUID,
    )
    for profile in ClientProfile.objects.all():
        for organisation in (world.org_a.pk, world.org_b.pk):
            expected = (
                ClientProfile.objects.filter(
                    organisation_id=organisation, public_id=profile.public_id
                )
                .select_related("primary_clinician")
                .first()
            )
            loaded = query.first(organisation=organisation, client=profile.public_id)
            assert (loaded is None) == (expected is None)
            if loaded is not None:
                assert _values(loaded) == _values(expected)
                assert _values(loaded.primary_clinician) == _values(expected.primary_clinician)


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
    from tending.safety.banner import open_alerts_for
    from tending.safety.models import RiskEpisode
    from tending.testing.measure_records import PHQ9_POSITIVE, answer_phq9

    answer_phq9(world, PHQ9_POSITIVE | {9: 1})
    answer_phq9(world)  # joins the open episode: one row, two answers
    expected = [
        (episode.public_id, episode.priority, episode.opened_at, episode.client.name, 2)
        for episode in RiskEpisode.objects.filter(client=world.client_a, closed_at=None)
    ]
    banner = open_alerts_for(world.clinician_a.membership)
    rows = [(a.public_id, a.priority, a.opened_at, a.client_name, a.answers) for a in banner]
    assert rows == expected and len(rows) == 1
    assert rows[0][1] == "high"
    # Another clinician's banner stays empty.
    assert open_alerts_for(world.clinician_a2.membership) == []


def test_annotations_come_in_the_same_query_as_the_row(world, rf):
    from tending.accounts.access import get_client_for_user
    from tending.revisions import services as revisions

    before = revisions.caseload_number(world.clinician_a.pk)
    revisions.client_changed(world.client_a)
    revisions.client_changed(world.client_a)
    request = _clinician_request(rf, world)
    with CaptureQueriesContext(connection) as queries:
        loaded = get_client_for_user(
            request, world.client_a.public_id, annotations=revisions.REVISIONS
        )
    assert len(queries) == 1
    assert loaded.name == world.client_a.name
    from tending.revisions.models import ClientRevision

    assert loaded.client_revision == ClientRevision.objects.get(pk=world.client_a.pk).number  # type: ignore[attr-defined]
    assert loaded.caseload_revision == revisions.caseload_number(world.clinician_a.pk)  # type: ignore[attr-defined]
    assert loaded.caseload_revision == before + 2  # type: ignore[attr-defined]
