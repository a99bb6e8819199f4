"""T34: kill -9 of the server during questionnaire submissions loses no acknowledged one.

Tending runs under gunicorn on its own database (a file SQLite, or PostgreSQL when the suite
runs there). Threads submit questionnaires, some with a positive item 9; at a random moment
the whole server (master and workers) or one worker is SIGKILLed, and the server is started
again. Afterwards every acknowledged submission must be stored complete, with its score and,
for a positive item 9, its risk answer, and no stored response may lack them.
`TENDING_FAULT_ROUNDS` sets the number of kills (1 in `.ci/run`, 10 in `make verify`).
"""

from __future__ import annotations

import json
import os
import random
import threading
import time

import pytest

from tests.conftest import (
    Server,
)

from .live import (
    Tally,
    ask_questionnaires,
    signed_in_client,
    stored_questionnaires,
    submit_questionnaire,
)

ROUNDS = int(os.environ.get("TENDING_FAULT_ROUNDS", "1"))
THREADS = 4
pytestmark = pytest.mark.faults_heavy


def _integrity(server: Server) -> str:
    return server.shell(
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA integrity_check').fetchone()[0] "
        "if connection.vendor == 'sqlite' else 'ok')"
    )


def test_kill_9_during_submissions_loses_no_acknowledged_one(gunicorn):
    process, server = gunicorn
    browser = signed_in_client(server)
    requests = iter(ask_questionnaires(server, ROUNDS * 400))
    tally = Tally()
    restarts: list[float] = []
    for round_number in range(ROUNDS):
        stop = threading.Event()
        pick = threading.Lock()

        def submit_until_stopped(stop: threading.Event = stop, pick: threading.Lock = pick) -> None:
            while not stop.is_set():
                with pick:
                    request_id = next(requests)
                submit_questionnaire(browser, request_id, tally, random.choice([0, 0, 1, 3]))  # noqa: S311

        threads = [threading.Thread(target=submit_until_stopped) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        # Kill only once this round has had a submission acknowledged, so every round tests
        # something however slow the machine is.
        acknowledged = len(tally.acknowledged)
        deadline = time.monotonic() + 30
        while len(tally.acknowledged) == acknowledged and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(random.uniform(0.0, 0.5))  # noqa: S311
        if round_number % 2:
            process.kill_a_worker()
            time.sleep(random.uniform(0.3, 1.0))  # noqa: S311
        process.kill_all()
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        restarts.append(process.start())

    stored = stored_questionnaires(server)
    lost = [token for token in tally.acknowledged if token not in stored]
    half_saved = [
        token
        for token, row in stored.items()
        if row["total"] is None
        or (row["measure"] == "phq9" and row["alert"] != (int(row["answers"]["9"]) > 0))
    ]
    wrong = [
        t
        for t, item_9 in tally.acknowledged.items()
        if t in stored and stored[t]["total"] != 8 + item_9
    ]
    print(
        "T34",
        json.dumps(
            {
                "rounds": ROUNDS,
                "attempted": tally.attempted,
                "acknowledged": len(tally.acknowledged),
                "unanswered": tally.unanswered,
                "other answers": sorted(set(tally.failures)),
                "stored": len(stored),
                "lost": len(lost),
                "half saved": len(half_saved),
                "restart seconds (max)": round(max(restarts), 1),
                "integrity": _integrity(server),
            }
        ),
    )
    assert tally.acknowledged, "nothing was acknowledged before the kill"
    assert lost == []
    assert half_saved == []
    assert wrong == []
    assert _integrity(server) == "ok"
