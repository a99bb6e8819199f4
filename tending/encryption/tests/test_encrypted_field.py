from __future__ import annotations

import uuid

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tending.encryption.keys import DecryptionError
from tending.practices.models import Practice, PracticeLog

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
SECRET_NOTE = "I felt my chest loosen CANARY-note"


@pytest.fixture
def keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    return settings


def make_log(world, note: str = SECRET_NOTE) -> PracticeLog:
    now = timezone.now()
    return PracticeLog.objects.create(
        client=world.client_a,
        token=uuid.uuid4(),
        practice=Practice.objects.get(key="soothing-rhythm-breathing"),
        practice_version=1,
        started_at=now,
        ended_at=now,
        outcome="completed",
        seconds_practised=300,
        note=note,
    )


def stored_note(log: PracticeLog) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM practices_practicelog WHERE id = %s", [log.pk])
        return cursor.fetchone()[0]


def test_it_stores_only_ciphertext_and_reads_back_the_text(world, keys):
    log = make_log(world)

    raw = stored_note(log)
    assert raw.startswith("f1:")
    assert "CANARY" not in raw and "chest" not in raw
    assert PracticeLog.objects.get(pk=log.pk).note == SECRET_NOTE


def test_the_same_text_encrypts_differently_each_time(world, keys):
    assert stored_note(make_log(world)) != stored_note(make_log(world))


def test_a_wrong_key_raises_instead_of_showing_ciphertext(world, keys):
    log = make_log(world)
    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY]

    with pytest.raises(DecryptionError):
        PracticeLog.objects.get(pk=log.pk)
    # Nothing was rewritten: with the right key the note is intact.
    keys.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    assert PracticeLog.objects.get(pk=log.pk).note == SECRET_NOTE


@pytest.mark.parametrize("stored", ["plain text someone wrote in", "f1:gAAAAAtampered"])
def test_anything_not_decryptable_raises(world, keys, stored):
    log = make_log(world)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE practices_practicelog SET note = %s WHERE id = %s", [stored, log.pk])
    with pytest.raises(DecryptionError):
        PracticeLog.objects.get(pk=log.pk)


def test_an_empty_note_needs_no_key(world, keys):
    log = make_log(world, note="")
    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    assert PracticeLog.objects.get(pk=log.pk).note == ""


def test_encrypted_text_cannot_be_searched_by_content(world, keys):
    make_log(world)
    with pytest.raises(FieldError):
        list(PracticeLog.objects.filter(note=SECRET_NOTE))
    assert PracticeLog.objects.filter(note__isnull=False).count() == 1


def test_rotation_moves_every_note_to_the_new_key_and_can_run_again(world, keys, capsys):
    logs = [make_log(world, note=f"note {n}") for n in range(3)]
    before = [stored_note(log) for log in logs]

    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    call_command("rotate_field_keys")
    call_command("rotate_field_keys")  # stopping and running again is safe
    assert "Re-encrypted 3 values" in capsys.readouterr().out

    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key is gone
    assert [PracticeLog.objects.get(pk=log.pk).note for log in logs] == [
        "note 0",
        "note 1",
        "note 2",
    ]
    assert [stored_note(log) for log in logs] != before


def test_rotation_stops_without_changes_when_a_key_is_missing(world, keys):
    from django.core.management.base import CommandError

    log = make_log(world)
    before = stored_note(log)
    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_field_keys")
    assert stored_note(log) == before


def test_a_raw_encrypted_value_saved_back_is_never_encrypted_twice(world, keys):
    log = make_log(world)
    log.note = stored_note(log)  # e.g. copied from a raw query or a dump
    log.save()
    assert PracticeLog.objects.get(pk=log.pk).note == SECRET_NOTE


def test_text_that_merely_looks_encrypted_is_still_encrypted(world, keys):
    log = make_log(world, note="f1:gAAAAA this is what I typed")
    assert stored_note(log) != "f1:gAAAAA this is what I typed"
    assert PracticeLog.objects.get(pk=log.pk).note == "f1:gAAAAA this is what I typed"


def test_a_dump_holds_ciphertext_and_loads_back_intact(world, keys, tmp_path):
    import json

    log = make_log(world)
    dump = tmp_path / "logs.json"
    call_command("dumpdata", "practices.practicelog", output=str(dump))
    fields = json.loads(dump.read_text())[0]["fields"]
    assert fields["note"].startswith("f1:") and "CANARY" not in dump.read_text()
    PracticeLog.objects.all().delete()
    call_command("loaddata", str(dump))
    assert PracticeLog.objects.get(pk=log.pk).note == SECRET_NOTE
