"""Two real workers race for the same queued reminders: each goes out exactly once."""

from __future__ import annotations

import subprocess
import sys


def test_two_workers_send_each_reminder_once(server):
    setup = """
from datetime import time, timedelta
from django.utils import timezone
from tending.accounts.models import ClientProfile
from tending.assignments.models import Assignment, ReminderPreference
from tending.practices.models import Practice
client = ClientProfile.objects.get(email='alex@clients.riverside.example')
client.time_zone = 'UTC'; client.save()
Assignment.objects.create(client=client, created_by=client.primary_clinician, kind='practice',
    practice=Practice.objects.get(key='compassionate-break'), repeat='daily',
    start_date=timezone.now().date() - timedelta(days=1))
ReminderPreference.objects.update_or_create(client=client, defaults={'at': time(0, 0)})
"""
    server.shell(setup)
    for _ in range(2):  # the scheduler runs twice: the same reminder is queued twice
        subprocess.run(
            [sys.executable, "-m", "tending", "schedule_reminders"],
            env=server.env,
            check=True,
            capture_output=True,
            timeout=60,
        )
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tending",
                "db_worker",
                "--batch",
                "--no-startup-delay",
                "--no-reload",
            ],
            env=server.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    for worker in workers:
        assert worker.wait(timeout=120) == 0
    sent = [
        p
        for p in server.mail_dir.glob("*.log")
        if "To: alex@clients.riverside.example" in p.read_text()
    ]
    assert len(sent) == 1
    # The new assignment's occurrence was claimed and sent exactly once (demo homework due at
    # the same moment rides in the same e-mail; other clients' reminders are not counted).
    sent_for_alex = server.shell(
        "from tending.assignments.models import ReminderDelivery; "
        "print(ReminderDelivery.objects.filter("
        "assignment__client__email='alex@clients.riverside.example',"
        " assignment__practice__key='compassionate-break', sent_at__isnull=False).count())"
    )
    assert sent_for_alex == "1"
