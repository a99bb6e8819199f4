"""Background tasks, run by `tending db_worker` from the database queue."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from tending.assignments.reminders import send_client_reminder


@task()
def send_reminder(client_id: int, items: list[list[Any]]) -> int:
    """Send one client's due reminders (each occurrence at most once)."""
    return send_client_reminder(client_id, [(int(a), str(d)) for a, d in items])
