"""The mixed clinic workload for `bench/load.py` (reliability plan T41). Not run on its own.

Many clients, few clinicians: clients open Today, answer a questionnaire their clinician asked
for, and log a practice; clinicians read the dashboard and a client's progress page and write
session notes; a few upload a practice recording (a 30 s WAV, about 480 KB). Every write first
GETs its real form (for the CSRF token and the form's own idempotency token), then POSTs it.

A flaky phone is simulated on every kind of write: sometimes the first POST is abandoned after
20 ms (the server may or may not commit it; the client never learns) and sent again with the
same body; sometimes an answered POST is sent a second time. Every POST's outcome is written
to `LOAD_LOG` (one JSON object a line) for the reconciliation in `bench/load.py`.

Reads `LOAD_PLAN` (the accounts, cookies and ids that `bench/load.py --prepare` made).
"""

from __future__ import annotations

import io
import itertools
import json
import math
import os
import random
import re
import struct
import time
import uuid
import wave
from pathlib import Path
from typing import Any

import requests
from locust import HttpUser, between, events, task


def wav_bytes(seconds: float, rate: int = 8000) -> bytes:
    """A real WAV file: a quiet 440 Hz tone (as `tending.testing.practice_records`, which
    needs Django; locust runs without it)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * n / rate)))
                for n in range(int(seconds * rate))
            )
        )
    return buffer.getvalue()


PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
LOG: list[dict[str, Any]] = []
AUDIO = wav_bytes(seconds=30)
ABANDON_AFTER = 0.02  # seconds: the phone gives up before the answer arrives
P_ABANDON = 0.15  # share of writes whose first POST is abandoned, then resent
P_DOUBLE = 0.10  # share of answered writes sent a second time

_client_accounts = itertools.count()
_clinician_accounts = itertools.count()
HIDDEN = re.compile(r'name="(csrfmiddlewaretoken|token)" value="([^"]+)"')


@events.quitting.add_listener
def _write_log(**_: Any) -> None:
    with Path(os.environ["LOAD_LOG"]).open("w") as out:
        for line in LOG:
            out.write(json.dumps(line) + "\n")


def _hidden(html: str) -> dict[str, str]:
    return dict(HIDDEN.findall(html))


class _Writer(HttpUser):
    abstract = True
    cookie: str

    def on_start(self) -> None:
        self.client.cookies.set(PLAN["session_cookie"], self.cookie)

    def _form(self, url: str, name: str) -> dict[str, str] | None:
        with self.client.get(url, name=name, catch_response=True) as answer:
            fields = _hidden(answer.text) if answer.status_code == 200 else {}
            if "csrfmiddlewaretoken" not in fields:
                answer.failure(f"no form on {url}: status {answer.status_code}")
                return None
        return fields

    def _post(
        self,
        url: str,
        name: str,
        kind: str,
        data: dict[str, Any],
        expect: dict[str, Any],
        files: dict[str, Any] | None = None,
        ack: str = "",
    ) -> None:
        """POST as a phone would; log what the client learnt about each attempt."""
        entry = {"kind": kind, "token": data.get("token", ""), "expect": expect, "answers": []}
        LOG.append(entry)  # now: a POST cut short by the end of the run is still known
        if random.random() < P_ABANDON:
            try:
                requests.post(
                    f"{self.host}{url}",
                    data=data,
                    files=files,
                    cookies=self.client.cookies,
                    headers={"Referer": f"{self.host}{url}"},
                    allow_redirects=False,
                    timeout=ABANDON_AFTER,
                )
            except requests.RequestException:
                entry["abandoned"] = True
        tries = 2 if random.random() < P_DOUBLE else 1
        for _ in range(tries):
            with self.client.post(
                url,
                data=data,
                files=files,
                name=name,
                allow_redirects=False,
                catch_response=True,
            ) as answer:
                location = answer.headers.get("Location", "")
                acknowledged = answer.status_code in (302, 303) and location.startswith(ack)
                entry["answers"].append(
                    {"status": answer.status_code, "location": location, "ack": acknowledged}
                )
                if not acknowledged:
                    answer.failure(f"status {answer.status_code} location {location!r}")


class ClientUser(_Writer):
    """A client on a phone: Today, a questionnaire their clinician sent, a practice."""

    weight = 70
    wait_time = between(  # type: ignore[no-untyped-call]
        1, 3
    )

    def on_start(self) -> None:
        accounts = PLAN["clients"]
        self.account = accounts[next(_client_accounts) % len(accounts)]
        self.cookie = self.account["cookie"]
        super().on_start()

    @task(3)
    def today(self) -> None:
        self.client.get("/today/", name="GET /today/")

    @task(2)
    def questionnaire(self) -> None:
        waiting = self.account["requests"]
        if not waiting:
            return
        asked = waiting.pop()
        url = f"/questionnaires/{asked['id']}/"
        fields = self._form(url, "GET /questionnaires/[id]/")
        if fields is None:
            return
        answers = {n: random.choice([0, 0, 1, 1, 2, 3]) for n in range(1, asked["items"] + 1)}
        data = {**fields, **{f"item_{n}": str(v) for n, v in answers.items()}}
        expect = {"request": asked["id"], "total": sum(answers.values()), "answers": answers}
        self._post(url, "POST /questionnaires/[id]/", "response", data, expect, ack="/responses/")

    @task(2)
    def practice(self) -> None:
        practice = PLAN["practice"]
        fields = self._form(f"/practices/{practice}/play/", "GET /practices/[id]/play/")
        if fields is None:
            return
        note = f"load note {uuid.uuid4()}"
        data = {
            **fields,
            "minutes": str(random.choice([3, 5, 10])),
            "outcome": "completed",
            "before_threat": "6",
            "after_threat": "3",
            "before_soothe": "2",
            "after_soothe": "6",
            "feeling": "settling",
            "note": note,
        }
        self._post(
            f"/practices/{practice}/log/",
            "POST /practices/[id]/log/",
            "practice_log",
            data,
            {"note": note, "seconds": int(data["minutes"]) * 60},
            ack="/practice-log/",
        )


class ClinicianUser(_Writer):
    """A clinician between sessions: dashboard, a client's progress, a session note."""

    weight = 25
    wait_time = between(  # type: ignore[no-untyped-call]
        1, 3
    )

    def on_start(self) -> None:
        accounts = PLAN["clinicians"]
        self.account = accounts[next(_clinician_accounts) % len(accounts)]
        self.cookie = self.account["cookie"]
        super().on_start()

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/dashboard/", name="GET /dashboard/")

    @task(3)
    def progress(self) -> None:
        client = random.choice(self.account["caseload"])
        self.client.get(f"/clients/{client}/progress/", name="GET /clients/[id]/progress/")

    @task(2)
    def session_note(self) -> None:
        client = random.choice(self.account["caseload"])
        url = f"/clients/{client}/sessions/new/"
        fields = self._form(url, "GET /clients/[id]/sessions/new/")
        if fields is None:
            return
        mark = uuid.uuid4()
        layers = {1: f"Safeness steadier {mark}", 4: f"Breathing practised {mark}"}
        data = {
            **fields,
            "date": time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400)),
            "start_time": "10:00",
            "minutes": "50",
            "attendance": "attended",
            "format": "in_person",
            "layer_1_levers": ["support", "model"],
            "layer_1_note": layers[1],
            "layer_4_levers": ["train"],
            "layer_4_note": layers[4],
            "risk_reviewed": "yes",
            "risk_note": "No thoughts of harm.",
            "summary": f"Plan: breathing three mornings a week. {mark}",
        }
        self._post(
            url,
            "POST /clients/[id]/sessions/new/",
            "session",
            data,
            {"client": client, "layers": layers},
            ack="/sessions/",
        )


class RecordingUser(_Writer):
    """A clinician recording their own voice for a practice and uploading it."""

    weight = 5
    wait_time = between(  # type: ignore[no-untyped-call]
        2, 5
    )

    def on_start(self) -> None:
        accounts = PLAN["clinicians"]
        self.account = accounts[next(_clinician_accounts) % len(accounts)]
        self.cookie = self.account["cookie"]
        super().on_start()

    @task
    def upload(self) -> None:
        practice = PLAN["practice"]
        fields = self._form(f"/practices/{practice}/", "GET /practices/[id]/")
        if fields is None:
            return
        self._post(
            f"/practices/{practice}/recording/",
            "POST /practices/[id]/recording/",
            "recording",
            {"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"]},
            {"clinician": self.account["email"], "bytes": len(AUDIO)},
            files={"audio": ("breathing.wav", AUDIO, "audio/wav")},
            ack=f"/practices/{practice}/",
        )
