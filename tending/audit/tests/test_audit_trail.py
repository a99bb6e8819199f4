from __future__ import annotations

import csv
import io

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from tending.audit.models import AppendOnlyError, AuditEvent
from tending.audit.services import record
from tending.testing.personas import sign_in


@pytest.fixture
def event(db):
    return record(action="test.happened", detail={"n": 1})


def test_it_refuses_to_change_an_event_through_the_model(event):
    event.action = "something.else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.action == "test.happened"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'rewritten'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
    ],
)
def test_the_database_itself_refuses_to_change_or_delete_events(event, statement):
    if statement.startswith("TRUNCATE") and connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE is refused above")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.get(pk=event.pk).action == "test.happened"


def test_djangos_admin_offers_no_add_change_or_delete(event, world):
    request = RequestFactory().get("/admin/")
    request.user = world.admin_a
    model_admin = site._registry[AuditEvent]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)


def test_it_records_who_opened_which_clients_record(world, http):
    sign_in(http, world.clinician_a)
    http.get(reverse("client_detail", args=[world.client_a.public_id]))
    http.get(reverse("client_detail", args=[world.client_a2.public_id]))  # not hers: 404

    opened = AuditEvent.objects.get(action="client.record_opened")
    assert opened.actor_id == world.clinician_a.public_id
    assert opened.actor_role == "clinician"
    assert opened.client_id == world.client_a.public_id
    assert opened.organisation_id == world.org_a.public_id
    assert len(opened.request_id) == 32


def test_the_event_is_undone_with_the_change_it_describes(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        record(action="client.created", client=world.client_a)
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.filter(action="client.created").exists()


def test_an_admin_sees_only_their_own_organisations_events(world, http):
    record(action="sign.a", organisation=world.org_a)
    record(action="sign.b", organisation=world.org_b)
    sign_in(http, world.admin_a)

    page = http.get(reverse("audit_log"))
    actions = [row["event"].action for row in page.context["rows"]]
    assert "sign.a" in actions
    assert "sign.b" not in actions


def test_an_admin_filters_events_by_client_and_action(world, http):
    sign_in(http, world.clinician_a)
    http.get(reverse("client_detail", args=[world.client_a.public_id]))
    http.get(reverse("client_detail", args=[world.client_b.public_id]))
    admin = sign_in(type(http)(), world.admin_a)

    page = admin.get(
        reverse("audit_log"),
        {"client": str(world.client_b.public_id), "action": "client.record_opened"},
    )
    rows = page.context["rows"]
    # Admins see a pseudonymous reference for clients, never their names.
    assert [row["client"] for row in rows] == [f"Client {str(world.client_b.public_id)[:8]}"]
    assert rows[0]["actor"] == "Staff CANARY-clinician_a"
    assert b"CANARY-client" not in page.content


def test_an_admin_downloads_the_trail_as_csv_and_the_download_is_recorded(world, http):
    world.clinician_a.name = "=HYPERLINK(1)"
    world.clinician_a.save()
    record(action="client.record_opened", actor=world.clinician_a, client=world.client_a)
    sign_in(http, world.admin_a)

    response = http.get(reverse("audit_log_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    opened = next(row for row in rows if row["action"] == "client.record_opened")
    assert opened["actor_name"] == "'=HYPERLINK(1)"  # never a live spreadsheet formula
    assert opened["client_id"] == str(world.client_a.public_id)
    # Every value sits under its own heading (the client reference once went missing).
    assert opened["client_reference"] == f"Client {str(world.client_a.public_id)[:8]}"
    assert opened["target_type"] == "" and opened["detail"] == "{}"
    assert all(None not in row for row in rows)  # no row longer than the header
    assert "CANARY-client" not in str(rows)
    export = AuditEvent.objects.get(action="audit.exported")
    assert export.actor_id == world.admin_a.public_id


def test_a_request_id_sent_by_a_browser_is_not_trusted_without_a_proxy(world, http):
    sign_in(http, world.clinician_a)
    response = http.get(
        reverse("client_detail", args=[world.client_a.public_id]),
        HTTP_X_REQUEST_ID="forged-request-id-123",
    )
    event = AuditEvent.objects.get(action="client.record_opened")
    assert event.request_id != "forged-request-id-123"
    assert response["X-Request-ID"] == event.request_id


def test_an_impossible_date_in_the_filter_is_explained_not_a_crash(world, http, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    sign_in(http, world.admin_a)
    page = http.get(reverse("audit_log"), {"start": "0001-01-01", "end": "9999-12-31"})
    assert page.status_code == 200
    assert b"between the years 2000 and 2100" in page.content


def test_a_look_at_someone_elses_record_is_recorded_for_the_lookers_organisation(world, http):
    sign_in(http, world.clinician_b)
    response = http.get(reverse("client_detail", args=[world.client_a.public_id]))

    assert response.status_code == 404
    denied = AuditEvent.objects.get(action="access.denied")
    assert denied.outcome == "denied"
    assert denied.actor_id == world.clinician_b.public_id
    assert denied.organisation_id == world.org_b.public_id  # filed with the looker
    assert denied.client_id is None  # and files nothing under the other organisation's client
    assert denied.detail == {"requested_client": str(world.client_a.public_id)}
