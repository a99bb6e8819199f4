"""T32: many writers at once on a real gunicorn: no "database is locked", every ack stored.

Threads post questionnaires (every third with a positive item 9, so a risk answer is written
too) and practice logs to the test server (two workers, two threads each) on its own file
SQLite database, or PostgreSQL when the suite runs there. `TENDING_FAULT_WRITERS` and
`TENDING_FAULT_WRITES` make the run larger (`make verify` runs 8 x 150).
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from pathlib import Path

from tests.conftest import Server
from tests.test_concurrent_saves import Browser

from .live import (
    Tally,
    ask_questionnaires,
    signed_in_client,
    stored_questionnaires,
    submit_questionnaire,
)

WRITERS = int(os.environ.get("TENDING_FAULT_WRITERS", "8"))
WRITES = int(os.environ.get("TENDING_FAULT_WRITES", "12"))


def _practice_path(server: Server) -> str:
    practice_id = server.shell(
        "from tending.practices.models import Practice; "
        "print(Practice.objects.get(key='compassionate-break').public_id)"
    )
    return f"/practices/{practice_id}/log/"


def _stored_logs(server: Server, tokens: list[str]) -> int:
    code = (
        "import json, sys; from tending.practices.models import PracticeLog; "
        f"tokens = json.loads('{json.dumps(tokens)}'); "
        "print(PracticeLog.objects.filter(token__in=tokens).count())"
    )
    return int(server.shell(code))


def test_many_writers_at_once_lose_nothing_and_never_hit_a_locked_database(server: Server):
    browser: Browser = signed_in_client(server)
    requests = ask_questionnaires(server, WRITERS * WRITES)
    practice_path = _practice_path(server)
    questionnaires, logs = Tally(), Tally()
    start = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        start.wait()
        for i in range(WRITES):
            request_id = requests[number * WRITES + i]
            item_9 = 1 if i % 3 == 0 else 0
            submit_questionnaire(browser, request_id, questionnaires, item_9)
            token = str(uuid.uuid4())
            form = {"token": token, "outcome": "completed", "minutes": "1", "feeling": "settling"}
            status, _, _ = browser.request("POST", practice_path, form)
            logs.add(token, 0, status)

    began = time.monotonic()
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    seconds = time.monotonic() - began

    log = (Path(server.env["TENDING_DATA_DIR"]) / "server.log").read_text()
    stored = stored_questionnaires(server)
    figures = {
        "writes attempted": questionnaires.attempted + logs.attempted,
        "acknowledged": len(questionnaires.acknowledged) + len(logs.acknowledged),
        "seconds": round(seconds, 1),
        "database is locked": log.count("database is locked"),
    }
    print("T32", json.dumps(figures))
    assert "database is locked" not in log
    assert questionnaires.failures == [] and logs.failures == []
    assert len(questionnaires.acknowledged) == len(logs.acknowledged) == WRITERS * WRITES
    for token, item_9 in questionnaires.acknowledged.items():
        assert stored[token]["total"] == 8 + item_9
        assert stored[token]["alert"] == (item_9 > 0)
    assert _stored_logs(server, list(logs.acknowledged)) == WRITERS * WRITES
