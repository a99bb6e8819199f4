"""A clinician's recording uploaded twice at once (a double click, a phone resending) is saved.

Found by the load test (bench/load.py): on PostgreSQL both uploads deleted the old recording,
both inserted a new one, and the second failed on the one-recording-per-clinician constraint:
a server error. Real gunicorn, real threads, on SQLite or on PostgreSQL as the suite runs.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import uuid
from urllib.parse import urlsplit

from tending.testing.practice_records import wav_bytes
from tests.conftest import Server

UPLOADS = 6

# A new clinician (no other test shares them), signed in and two-step verified directly in the
# database, as bench/run.py does; prints the session cookie and the practice's id.
SIGNED_IN_CLINICIAN = """
import json, time
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from tending.web.sessions import SESSION_LAST_SEEN, SESSION_STARTED
from tending.accounts.models import Membership, Organisation, User
from tending.practices.models import Practice
user = User.objects.create_user("EMAIL", "a long test passphrase", name="Rowan Upload")
Membership.objects.create(user=user, organisation=Organisation.objects.first(), role="clinician")
device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session[SESSION_STARTED] = session[SESSION_LAST_SEEN] = int(time.time())
session.create()
practice = Practice.objects.get(key="soothing-rhythm-breathing")
print(json.dumps([settings.SESSION_COOKIE_NAME, session.session_key, str(practice.public_id)]))
"""

STORED = """
import json
from tending.practices.models import PracticeRecording
from tending.practices.services import media_dir
rows = PracticeRecording.objects.filter(clinician__email="EMAIL")
files = {p.name: p.stat().st_size for p in media_dir().iterdir()}
print(json.dumps({
    "rows": [[r.file_name, r.size_bytes] for r in rows],
    "files": files,
    "all_rows": sorted(r.file_name for r in PracticeRecording.objects.all()),
}))
"""


def _request(
    server: Server, method: str, path: str, cookies: dict[str, str], body: bytes = b"", **headers
) -> tuple[int, str, str]:
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    text = response.read().decode(errors="replace")
    for header in response.headers.get_all("Set-Cookie") or []:
        name, value = header.split(";", 1)[0].split("=", 1)
        cookies[name] = value
    connection.close()
    return response.status, response.headers.get("Location", ""), text


def test_the_same_recording_uploaded_at_once_is_saved_once_without_an_error(server: Server):
    email = f"rowan-{uuid.uuid4().hex[:8]}@upload.example"
    cookie_name, session_key, practice_id = json.loads(
        server.shell(SIGNED_IN_CLINICIAN.replace("EMAIL", email))
    )
    cookies = {cookie_name: session_key}
    page = f"/practices/{practice_id}/"
    status, _, html = _request(server, "GET", page, cookies)
    assert status == 200
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert csrf, "the practice page has no upload form"
    audio = wav_bytes(2.0)
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{csrf.group(1)}\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="audio"; filename="breathing.wav"\r\n'
            "Content-Type: audio/wav\r\n\r\n"
        ).encode()
        + audio
        + f"\r\n--{boundary}--\r\n".encode()
    )

    start = threading.Barrier(UPLOADS)
    answers: list[tuple[int, str]] = []

    def upload() -> None:
        start.wait()
        status, location, _ = _request(
            server,
            "POST",
            f"{page}recording/",
            dict(cookies),
            body,
            **{"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        answers.append((status, location))

    threads = [threading.Thread(target=upload) for _ in range(UPLOADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    assert answers == [(302, page)] * UPLOADS  # every upload told "saved", none a 500
    stored = json.loads(server.shell(STORED.replace("EMAIL", email)))
    assert len(stored["rows"]) == 1  # the last one replaced the others
    [(file_name, size)] = stored["rows"]
    assert stored["files"].get(file_name) == size == len(audio)
    # Every replaced upload's file is gone too: no audio without its row.
    assert sorted(stored["files"]) == stored["all_rows"]
