"""Helpers for fault tests against a real Tending under gunicorn: sign in, post, count rows."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import DEMO_PASSWORD, Server
from tests.test_concurrent_saves import CLIENT_EMAIL, Browser

PHQ9_ITEM_9 = 9


def signed_in_client(server: Server) -> Browser:
    browser = Browser(server.url)
    browser.request("GET", "/sign-in/")
    status, _, _ = browser.request(
        "POST", "/sign-in/", {"username": CLIENT_EMAIL, "password": DEMO_PASSWORD}
    )
    assert status == 302, "the demo client could not sign in"
    return browser


def ask_questionnaires(server: Server, count: int) -> list[str]:
    """Create `count` PHQ-9 requests for the demo client; return their public ids."""
    code = (
        "import json; from tending.accounts.models import ClientProfile; "
        "from tending.measures.models import MeasureRequest; "
        f"c = ClientProfile.objects.get(email='{CLIENT_EMAIL}'); "
        "rs = MeasureRequest.objects.bulk_create([MeasureRequest(client=c, measure_key='phq9', "
        f"requested_by=c.primary_clinician) for _ in range({count})]); "
        "print(json.dumps([str(r.public_id) for r in rs]))"
    )
    return list(json.loads(server.shell(code)))


def phq9_form(token: str, item_9: int) -> dict[str, str]:
    form = {f"item_{n}": "1" for n in range(1, 9)} | {f"item_{PHQ9_ITEM_9}": str(item_9)}
    return form | {"token": token}


@dataclass
class Tally:
    """Writes sent and acknowledged (a redirect), from many threads."""

    attempted: int = 0
    acknowledged: dict[str, int] = field(default_factory=dict)  # token -> item 9 answer
    failures: list[int] = field(default_factory=list)
    unanswered: int = 0  # the connection failed: the server was down or killed mid-request
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, token: str, item_9: int, status: int | None) -> None:
        with self.lock:
            self.attempted += 1
            if status in (302, 303):
                self.acknowledged[token] = item_9
            elif status is None:
                self.unanswered += 1
            else:
                self.failures.append(status)


def submit_questionnaire(browser: Browser, request_id: str, tally: Tally, item_9: int) -> None:
    token = str(uuid.uuid4())
    try:
        status, _, _ = browser.request(
            "POST", f"/questionnaires/{request_id}/", phq9_form(token, item_9)
        )
    except OSError:  # the server was killed mid-request: not acknowledged
        status = None
    tally.add(token, item_9, status)


def stored_questionnaires(server: Server) -> dict[str, dict[str, Any]]:
    """Return token -> {total, item_9, alert} for every stored response of the demo client."""
    code = (
        "import json; from tending.measures.models import Response; "
        "from tending.safety.models import RiskAnswer; "
        "alerts = set(RiskAnswer.objects.values_list('response_id', flat=True)); "
        "print(json.dumps({str(r.token): {'total': r.total, 'alert': r.public_id in alerts, "
        "'answers': r.answers, 'measure': r.measure_key} for r in Response.objects.all()}))"
    )
    return dict(json.loads(server.shell(code)))
