"""Who can open a backup: the recipients, identities, passphrase and old key an operator
configures, and the one-line errors a mistake in them gets."""

from __future__ import annotations

import base64
import io
import os

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from pyrage import x25519

from tending.backups import keys
from tending.backups.encryption import DecryptionError, decrypt, encrypt

from .legacy import seal

ARCHIVE = b"a tar of clinical records" * 1000


@pytest.fixture
def backup_settings(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.PRODUCTION = False
    settings.BACKUP_RECIPIENTS = ""
    settings.BACKUP_PASSPHRASE = ""
    settings.BACKUP_IDENTITY_FILE = ""
    settings.BACKUP_KEY = ""
    return settings


def _encrypted() -> bytes:
    out = io.BytesIO()
    encrypt(io.BytesIO(ARCHIVE), out, keys.recipients())
    return out.getvalue()


def _decrypted(data: bytes, identity_file=None) -> bytes:
    out = io.BytesIO()
    decrypt(io.BytesIO(data), out, identity_file=identity_file)
    return out.getvalue()


def test_it_encrypts_to_every_public_key_listed(backup_settings, tmp_path):
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    backup_settings.BACKUP_RECIPIENTS = (
        f" {keys.new_identity(first)} , {keys.new_identity(second)} "
    )

    data = _encrypted()

    assert _decrypted(data, first) == _decrypted(data, second) == ARCHIVE
    assert not (backup_settings.DATA_DIR / keys.DEVELOPMENT_IDENTITY).exists()


def test_it_reads_public_keys_from_a_recipients_file(backup_settings, tmp_path):
    identity = tmp_path / "identity.txt"
    public_key = keys.new_identity(identity)
    recipients = tmp_path / "recipients.txt"
    recipients.write_text(f"# the office laptop\n\n{public_key}\n")
    backup_settings.BACKUP_RECIPIENTS = str(recipients)
    backup_settings.BACKUP_IDENTITY_FILE = str(identity)

    assert _decrypted(_encrypted()) == ARCHIVE


def test_development_makes_its_own_identity_once_and_restores_with_it(backup_settings):
    first = _encrypted()
    second = _encrypted()

    path = backup_settings.DATA_DIR / keys.DEVELOPMENT_IDENTITY
    assert oct(path.stat().st_mode)[-3:] == "600"
    assert _decrypted(first) == _decrypted(second) == ARCHIVE
    public_key = str(keys.identities(path)[0].to_public())
    assert f"# public key: {public_key}" in path.read_text()


def test_development_encrypts_to_the_identity_file_it_restores_with(backup_settings, tmp_path):
    identity = tmp_path / "identity.txt"
    keys.new_identity(identity)
    backup_settings.BACKUP_IDENTITY_FILE = str(identity)

    assert _decrypted(_encrypted()) == ARCHIVE
    assert not (backup_settings.DATA_DIR / keys.DEVELOPMENT_IDENTITY).exists()


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"BACKUP_RECIPIENTS": "age1notakey"},
            "TENDING_BACKUP_RECIPIENTS holds something that is not an age public key (age1...).",
        ),
        (
            {"BACKUP_RECIPIENTS": "/nowhere/recipients.txt"},
            "TENDING_BACKUP_RECIPIENTS must be age public keys (age1...) separated by commas, "
            "or a file of them; /nowhere/recipients.txt is neither.",
        ),
        (
            {"BACKUP_RECIPIENTS": "age1x", "BACKUP_PASSPHRASE": "long enough passphrase"},
            "Set TENDING_BACKUP_RECIPIENTS or TENDING_BACKUP_PASSPHRASE, not both: an age file "
            "opens with public keys or with one passphrase.",
        ),
        (
            {"BACKUP_PASSPHRASE": "short"},
            "TENDING_BACKUP_PASSPHRASE must be at least 12 characters.",
        ),
        (
            {"PRODUCTION": True},
            "TENDING_BACKUP_RECIPIENTS (or TENDING_BACKUP_PASSPHRASE) is required in production.",
        ),
    ],
)
def test_a_bad_configuration_is_named_in_one_line(backup_settings, tmp_path, variables, message):
    for name, value in variables.items():
        setattr(backup_settings, name, value)

    with pytest.raises(CommandError) as raised:
        call_command("backup", "--to", str(tmp_path / "backups"))

    assert str(raised.value) == message
    assert not (tmp_path / "backups").exists()
    errors = run_checks(include_deployment_checks=True, tags=["backups"])
    assert [(error.id, error.msg) for error in errors] == [("backups.E001", message)]


def test_the_deploy_check_accepts_working_recipients(backup_settings, tmp_path):
    backup_settings.PRODUCTION = True
    backup_settings.BACKUP_RECIPIENTS = str(x25519.Identity.generate().to_public())

    assert run_checks(include_deployment_checks=True, tags=["backups"]) == []


def test_it_names_an_identity_file_it_cannot_use(backup_settings, tmp_path):
    data = _encrypted()
    garbled = tmp_path / "garbled.txt"
    garbled.write_text("# a comment\nAGE-SECRET-KEY-1NOTAKEY\n")

    with pytest.raises(keys.BackupKeyError, match="holds a line that is not an age identity"):
        _decrypted(data, garbled)
    with pytest.raises(keys.BackupKeyError, match="Cannot read the backup identity file"):
        _decrypted(data, tmp_path / "missing.txt")
    backup_settings.PRODUCTION = True
    with pytest.raises(keys.BackupKeyError, match="set TENDING_BACKUP_IDENTITY_FILE or pass"):
        _decrypted(data)


def test_a_new_identity_never_overwrites_a_file(backup_settings, tmp_path):
    path = tmp_path / "identity.txt"
    keys.new_identity(path)
    before = path.read_text()

    with pytest.raises(CommandError, match="already exists; choose another file"):
        call_command("backup", "--new-identity", str(path))

    assert path.read_text() == before


def test_an_old_backup_opens_with_the_key_an_older_tending_left_in_the_data_folder(
    backup_settings,
):
    key = os.urandom(32)
    old = io.BytesIO()
    seal(io.BytesIO(ARCHIVE), old, key)
    backup_settings.DATA_DIR.mkdir()
    (backup_settings.DATA_DIR / "backup_key").write_text(base64.urlsafe_b64encode(key).decode())

    assert _decrypted(old.getvalue()) == ARCHIVE
    backup_settings.PRODUCTION = True  # production takes it only from TENDING_BACKUP_KEY
    with pytest.raises(keys.BackupKeyError, match="set TENDING_BACKUP_KEY to the key it was"):
        _decrypted(old.getvalue())
    backup_settings.BACKUP_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()
    with pytest.raises(DecryptionError, match="the key is wrong or the file was altered"):
        _decrypted(old.getvalue())


def test_it_refuses_a_file_that_is_not_a_backup(backup_settings):
    with pytest.raises(DecryptionError, match=r"^This file is not a Tending backup\.$"):
        _decrypted(b"SQLite format 3\x00" + b"\x00" * 100)
