"""Fixtures for the backup tests: a world worth backing up, an empty place to restore it into,
and the `age` command."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import pytest
from django.db import connection

from tending.backups.services import Database
from tending.practices.models import Practice
from tending.testing.measure_records import measure_records
from tending.testing.practice_records import make_log, make_recording


@pytest.fixture
def records(committed, world, settings, tmp_path):
    settings.MEDIA_DIR = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"
    settings.BACKUP_RECIPIENTS = ""
    settings.BACKUP_PASSPHRASE = ""
    settings.BACKUP_IDENTITY_FILE = ""
    settings.BACKUP_KEY = ""
    builtin = Practice.objects.get(key="soothing-rhythm-breathing")
    for number in range(25):
        make_log(world.client_a, builtin, note=f"Private note {number} CANARY-drill")
    make_recording(world.clinician_a, builtin)
    measure_records(world)
    return world


@pytest.fixture
def empty_target(tmp_path):
    """An empty database of the same kind as the one under test, and its settings."""
    if connection.vendor == "sqlite":
        yield Database(vendor="sqlite", path=tmp_path / "restored" / "tending.sqlite3")
        return
    name = f"tending_drill_{uuid.uuid4().hex[:10]}"
    source = Database.configured()
    target = Database(
        vendor="postgresql",
        name=name,
        host=source.host,
        port=source.port,
        user=source.user,
        password=source.password,
    )
    admin = [*target.pg_arguments()[:-2]]
    subprocess.run(["createdb", *admin, name], check=True, env=target.pg_environment())
    yield target
    subprocess.run(["dropdb", *admin, "--if-exists", name], check=True, env=target.pg_environment())


@pytest.fixture(scope="session")
def age_command() -> str:
    """The `age` command-line tool, installed from Debian's `age` package when missing."""
    found = shutil.which("age")
    if found is None and shutil.which("apt-get") and os.geteuid() == 0:
        quiet = {"capture_output": True, "check": False, "timeout": 600}
        subprocess.run(["apt-get", "update", "-qq"], **quiet)  # type: ignore[call-overload]
        subprocess.run(  # type: ignore[call-overload]
            # Several test processes may try at once: wait for the one holding dpkg's lock.
            ["apt-get", "install", "-y", "-qq", "-o", "DPkg::Lock::Timeout=300", "age"],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            **quiet,
        )
        found = shutil.which("age")
    if found is None:
        pytest.skip("the `age` command is not installed and could not be (apt-get, as root)")
    return found
