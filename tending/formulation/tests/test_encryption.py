"""Formulation words and check-in notes are unreadable in the database itself."""

from __future__ import annotations

from django.db import connection

from tending.formulation.models import CirclesCheckIn, FormulationVersion
from tending.formulation.parts import PART_KEYS
from tending.testing.formulation_records import add_check_in, add_version


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def test_every_part_of_a_version_is_encrypted_at_rest(world):
    texts = {key: f"Plain words for {key}" for key in PART_KEYS}
    version = add_version(world.client_a, world.client_a.user, "client", **texts)
    table = FormulationVersion._meta.db_table
    for key in PART_KEYS:
        stored = _raw(table, key, version.pk)
        assert stored and "Plain words" not in stored
    assert FormulationVersion.objects.get(pk=version.pk).texts() == texts


def test_check_in_notes_and_activators_are_encrypted_at_rest(world):
    check_in = add_check_in(
        world.client_a,
        threat_activators="Plain threat words",
        drive_activators="Plain drive words",
        soothe_activators="Plain soothe words",
        note="Plain note words",
    )
    table = CirclesCheckIn._meta.db_table
    for column in ("threat_activators", "drive_activators", "soothe_activators", "note"):
        assert "Plain" not in _raw(table, column, check_in.pk)
    assert CirclesCheckIn.objects.get(pk=check_in.pk).note == "Plain note words"
