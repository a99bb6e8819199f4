"""T35, integration: the data disk really fills up (a small tmpfs) under a real server.

Tending runs under gunicorn with its SQLite database on a tmpfs; a filler file takes all but a
little of the space. Questionnaires are then submitted until one is refused: it must get the
calm 503 page and leave nothing behind, reads must still work, and once the filler is removed
the same form must be stored, without a restart. Needs root (mount); SQLite only.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tending.testing.disks import tmpfs
from tests.conftest import Server

from .gunicorn import Gunicorn, own_gunicorn
from .live import ask_questionnaires, phq9_form, signed_in_client, stored_questionnaires

LEFT_FREE = 192 * 1024
pytestmark = [
    pytest.mark.faults_heavy,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the database disk is only ours to fill with SQLite",
    ),
]


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "disk", "64m") as mount:
        yield mount


@pytest.fixture
def full_server(tmp_path: Path, disk: Path) -> Iterator[tuple[Gunicorn, Server]]:
    yield from own_gunicorn(tmp_path, data_dir=disk)


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free - LEFT_FREE
    with filler.open("wb") as out:
        out.truncate(0)
        chunk = b"\0" * (1024 * 1024)
        while free > 0:
            out.write(chunk[: min(free, len(chunk))])
            free -= len(chunk)
    return filler


def test_a_full_data_disk_refuses_a_questionnaire_whole_and_takes_it_once_freed(
    full_server, disk: Path
):
    _, server = full_server
    browser = signed_in_client(server)
    requests = ask_questionnaires(server, 400)
    filler = _fill(disk)
    accepted = 0
    for request_id in requests:
        path, form = f"/questionnaires/{request_id}/", phq9_form(str(uuid.uuid4()), 1)
        status, _, body = browser.request("POST", path, form)
        if status != 302:
            break
        accepted += 1
    assert status == 503, f"the disk never filled up ({accepted} accepted)"
    assert b"try again" in body and b"Traceback" not in body
    stored = stored_questionnaires(server)
    assert form["token"] not in stored
    assert all(
        row["total"] is not None and row["alert"]
        for row in stored.values()
        if row["answers"].get("9")
    )
    # Reads still work on a full disk.
    assert browser.request("GET", "/today/")[0] == 200

    filler.unlink()
    status, _, _ = browser.request("POST", path, form)
    assert status == 302, "the same form was refused after space came back"
    stored = stored_questionnaires(server)
    assert stored[form["token"]]["alert"] is True
    integrity = server.shell(
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA integrity_check').fetchone()[0])"
    )
    print("T35", json.dumps({"accepted before full": accepted, "integrity": integrity}))
    assert integrity == "ok"
