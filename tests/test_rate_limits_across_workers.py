"""Rate limits hold across web workers: a real gunicorn with two workers shares one count.

A per-process counter (Django's default local-memory cache) would let each worker allow the
limit again, so a person could download about twice as much before being paused.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from django.conf import settings

# An organisation admin whom no browser test uses, so this test spends nobody else's limit.
ADMIN = "morgan@riverside.example"

SESSION = """
import time
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from tending.web.sessions import SESSION_LAST_SEEN, SESSION_STARTED
from tending.accounts.models import User
user = User.objects.get(email="{email}")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
session[SESSION_STARTED] = session[SESSION_LAST_SEEN] = int(time.time())
session.create()
print(settings.SESSION_COOKIE_NAME, session.session_key)
"""


def _status(url: str, cookie: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_it_pauses_downloads_after_the_limit_whichever_worker_answers(server):
    allowed, window = settings.RATE_LIMITS["exports"]
    # Start well inside a window, so the count cannot restart halfway through.
    left = window - time.time() % window
    if left < 120:
        time.sleep(left + 1)
    name, key = server.shell(SESSION.replace("{email}", ADMIN)).split()
    cookie = f"{name}={key}"

    statuses = [_status(f"{server.url}/organisation/audit.csv", cookie) for _ in range(allowed + 1)]

    assert statuses == [200] * allowed + [429]
