from __future__ import annotations

from tending.accounts.demo import DemoSecrets, load_demo_data
from tending.assignments.demo import load_homework
from tending.measures.demo import load_measure_history
from tending.practices.demo import load_practice_history
from tending.therapy_sessions.demo import load_sessions
from tending.therapy_sessions.models import (
    OwnPractice,
    Reflection,
    SessionAddendum,
    TherapySession,
)


def test_the_demo_tells_two_clients_stories_once(db):
    load_demo_data(DemoSecrets(password="demo", totp_secret="JBSWY3DPEHPK3PXP", changed=True))
    load_practice_history()
    load_measure_history()
    load_homework()

    assert load_sessions() == (10, 8)
    assert load_sessions() == (0, 0)  # a second run adds nothing

    sessions = TherapySession.objects.select_related("client")
    assert {s.client.name for s in sessions} == {"Sam Rivers", "Chris Doyle"}
    assert sessions.filter(signed_at__isnull=True).count() == 1
    assert SessionAddendum.objects.count() == 1
    signed = sessions.filter(signed_at__isnull=False)
    assert all(s.attached_week is not None for s in signed)
    assert any(s.attached_week["total_times"] for s in signed)  # real demo practice attached
    assert all(s.layers.exists() for s in sessions)
    assert sessions.filter(homework__isnull=False).distinct().count() >= 6
    assert OwnPractice.objects.count() == 4 and Reflection.objects.count() == 4
    assert Reflection.objects.filter(client__name="Chris Doyle").count() == 1
