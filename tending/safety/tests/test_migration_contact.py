"""Contact details saved before they had public ids each get their own (safety 0002)."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tending.safety.models import ContactDetails
from tending.testing.personas import build_world

BEFORE = [("safety", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_each_earlier_row_gets_a_public_id_of_its_own(committed):
    world = build_world()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate(BEFORE)
    OldDetails = old.get_model("safety", "ContactDetails")
    for client in (world.client_a, world.client_b):
        OldDetails.objects.create(client_id=client.pk, mobile="+447400123456", version=1)

    _migrate(latest)

    ids = set(ContactDetails.objects.values_list("public_id", flat=True))
    assert len(ids) == 2 and None not in ids
    assert {d.mobile for d in ContactDetails.objects.all()} == {"+447400123456"}
    assert ContactDetails.objects.filter(token=None).count() == 2
