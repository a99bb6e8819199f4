"""The erasure ledger: what it holds, re-applying it by hand, and the start-up check.

The drill that restores a backup made before an erasure is in tending/backups/tests/test_drill.py.
"""

from __future__ import annotations

import json
import uuid
from io import StringIO

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from tending.accounts.models import ClientProfile, User
from tending.audit.models import AuditEvent
from tending.backups import inventory
from tending.privacy import ledger, linked, services
from tending.privacy.tests.records import CANARY, build_full_client
from tending.testing.personas import World


@pytest.fixture(autouse=True)
def _own_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def _erase(world: World, client: ClientProfile) -> services.Erasure | None:
    request = RequestFactory().post("/", HTTP_USER_AGENT="test")
    request.user = world.admin_a
    return services.erase_client(
        request=request, organisation=world.org_a, client_id=client.public_id
    )


def _as_if_erased_after_the_backup(client: ClientProfile) -> ledger.Entry:
    """The ledger line an erasure made after the restored backup would have left."""
    entry = ledger.Entry(
        client=client.public_id,
        organisation=client.organisation.public_id,
        erased_at=timezone.now(),
        audit_event=uuid.uuid4(),
    )
    ledger.append(entry)
    return entry


def _everything() -> dict[str, dict[str, object]]:
    """Every table's row count and content digest, through Django's own connection."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            tables = inventory.sqlite_tables(cursor)
        else:
            tables = inventory.postgres_tables(cursor)
        return inventory.table_digests(cursor, tables, inventory.quote_identifier)


def _warnings(**kwargs: object) -> dict[str, str]:
    return {m.id: m.msg for m in run_checks(**kwargs) if m.id and m.id.startswith("privacy.")}


def test_it_adds_each_erasure_to_the_ledger_with_no_personal_data(committed, world):
    client = build_full_client(world)
    user = client.user
    assert user is not None
    name, email, account_email = client.name, client.email, user.email

    _erase(world, client)

    text = ledger.path().read_text()
    event = AuditEvent.objects.get(action="client.erased")
    assert json.loads(text) == {
        "client": str(client.public_id),
        "organisation": str(world.org_a.public_id),
        "erased_at": event.occurred_at.isoformat(),
        "audit_event": str(event.public_id),
    }
    for personal in (name, email, account_email, CANARY, str(user.public_id)):
        assert personal.lower() not in text.lower()
    assert oct(ledger.path().stat().st_mode & 0o777) == "0o600"


def test_it_leaves_the_ledger_alone_when_the_erasure_rolls_back(committed, world, monkeypatch):
    client = build_full_client(world)

    def fail(user: User) -> dict[str, int]:
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(services, "_clear_account", fail)
    with pytest.raises(RuntimeError):
        _erase(world, client)

    assert ledger.read() is None
    assert ClientProfile.objects.filter(pk=client.pk).exists()


def test_reapplying_erases_a_client_back_from_a_restore_and_a_second_run_changes_nothing(world):
    client = build_full_client(world)
    client_pk, account = client.pk, client.user
    entry = _as_if_erased_after_the_backup(client)
    out = StringIO()

    call_command("reapply_erasures", stdout=out)

    assert "Re-applied 1 erasure(s)" in out.getvalue()
    for model, paths in linked.client_paths().items():
        if model._meta.label != "therapy_sessions.Reflection":
            assert not linked.rows_for(model, paths, ClientProfile(pk=client_pk)).exists()
    assert account is not None
    account.refresh_from_db()
    assert (account.is_active, account.name, account.has_usable_password()) == (False, "", False)
    event = AuditEvent.objects.get(action="client.erasure_reapplied")
    assert event.client_id == client.public_id
    assert event.detail["erasure"] == str(entry.audit_event)
    assert event.detail["counts"]["journal.JournalEntry"] == 2
    assert services.was_erased(organisation=world.org_a, client_id=client.public_id)

    before = _everything()
    again = StringIO()
    call_command("reapply_erasures", stdout=again)

    assert "Re-applied 0 erasure(s)" in again.getvalue()
    assert _everything() == before
    assert ledger.read() == [entry]
    # Should the ledger be lost now, the database's record of the re-application is noticed.
    ledger.path().unlink()
    assert "records 1 erasure(s)" in _warnings(databases=["default"])["privacy.W002"]


def test_it_warns_at_start_up_when_the_database_holds_an_erased_client(world):
    assert _warnings() == {}
    _as_if_erased_after_the_backup(world.client_a)

    warnings = _warnings()

    assert "holds 1 client(s) that the erasure ledger says were erased" in warnings["privacy.W001"]
    call_command("reapply_erasures", stdout=StringIO())
    assert _warnings() == {}


def test_it_warns_when_the_ledger_lacks_an_erasure_the_database_records(world):
    client = build_full_client(world)
    # In this test's transaction the erasure never commits, so no ledger line is written:
    # as if the ledger file had been lost.
    _erase(world, client)

    assert _warnings() == {}  # a plain `check` without a ledger leaves the database alone
    assert "no erasure ledger" in _warnings(databases=["default"])["privacy.W002"]

    _as_if_erased_after_the_backup(world.client_b)
    assert "missing from the erasure ledger" in _warnings()["privacy.W002"]


def test_it_refuses_to_guess_when_the_ledger_is_lost_until_asked_to_rebuild_it(world):
    client = build_full_client(world)
    _erase(world, client)  # never committed here, so the ledger file is never written

    with pytest.raises(CommandError, match=r"no erasure ledger at .* records 1 erasure"):
        call_command("reapply_erasures", stdout=StringIO())
    assert ledger.read() is None

    out = StringIO()
    call_command("reapply_erasures", "--rebuild-ledger", stdout=out)

    assert "1 added from the audit trail" in out.getvalue()
    event = AuditEvent.objects.get(action="client.erased")
    assert [entry.audit_event for entry in ledger.read() or []] == [event.public_id]
    assert _warnings(databases=["default"]) == {}


def test_a_ledger_line_cut_short_is_left_out_and_the_next_one_starts_afresh(world):
    first = _as_if_erased_after_the_backup(world.client_a)
    with ledger.path().open("ab") as handle:
        handle.write(b'{"client": "half a li')

    assert ledger.read() == [first]
    second = _as_if_erased_after_the_backup(world.client_b)
    assert ledger.read() == [first, second]
    assert ledger.damaged_lines() == [2]
    assert "1 line(s) that cannot be read (line 2)" in _warnings()["privacy.W003"]
