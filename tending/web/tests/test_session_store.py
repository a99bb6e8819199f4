from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from tending.web.session_store import SessionStore


def test_it_reads_back_a_saved_session(db):
    session = SessionStore()
    session["colour"] = "green"
    session.create()

    assert SessionStore(session.session_key)["colour"] == "green"


def test_it_forgets_an_expired_or_unknown_session(db):
    session = SessionStore()
    session["colour"] = "green"
    session.create()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    expired = SessionStore(session.session_key)
    assert expired.get("colour") is None
    assert expired.session_key is None
    assert SessionStore("x" * 32).get("colour") is None
