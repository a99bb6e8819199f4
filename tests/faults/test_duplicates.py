"""T36: the same form posted at once from eight threads is stored once (real gunicorn).

The practice log has its own test in `tests/test_concurrent_saves.py`; these cover the
questionnaire (with its risk answer) and the journal entry.
"""

from __future__ import annotations

import json
import threading
import uuid

import pytest

from tests.conftest import Server

from .live import ask_questionnaires, phq9_form, signed_in_client

THREADS = 8


def _questionnaire(server: Server, token: str) -> tuple[str, dict[str, str]]:
    (request_id,) = ask_questionnaires(server, 1)
    return f"/questionnaires/{request_id}/", phq9_form(token, 2)


def _journal_entry(server: Server, token: str) -> tuple[str, dict[str, str]]:
    return "/journal/new/", {"token": token, "title": "Twice", "body": "Sent twice."}


STORED = {
    _questionnaire: (
        "from tending.measures.models import Response; "
        "from tending.safety.models import RiskAnswer; "
        "r = Response.objects.filter(token='{token}'); "
        "a = RiskAnswer.objects.filter(response_id__in=r.values('public_id')); "
        "print(json.dumps([r.count(), a.count()]))"
    ),
    _journal_entry: (
        "from tending.journal.models import JournalEntry; "
        "print(json.dumps([JournalEntry.objects.filter(token='{token}').count(), 1]))"
    ),
}


@pytest.mark.parametrize("form", list(STORED), ids=lambda f: f.__name__.strip("_"))
def test_the_same_form_sent_from_eight_threads_at_once_is_stored_once(server: Server, form):
    browser = signed_in_client(server)
    token = str(uuid.uuid4())
    path, data = form(server, token)
    start = threading.Barrier(THREADS)
    statuses: list[int] = []

    def post() -> None:
        start.wait()
        status, _, _ = browser.request("POST", path, data)
        statuses.append(status)

    threads = [threading.Thread(target=post) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302] * THREADS
    stored = json.loads(server.shell("import json; " + STORED[form].format(token=token)))
    assert stored == [1, 1]
