"""Saving a practice is idempotent under real concurrency: gunicorn, threads, one token."""

from __future__ import annotations

import http.client
import re
import threading
import uuid
from urllib.parse import urlencode, urlsplit

from tests.conftest import DEMO_PASSWORD

CLIENT_EMAIL = "sam@clients.riverside.example"


class Browser:
    """Just enough of a browser: cookies and form posts, no redirects followed."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.cookies.get("tending_csrf", "")} | form
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        connection.close()
        return response.status, response.headers, content


def test_the_same_practice_save_posted_at_once_from_eight_threads_is_stored_once(server):
    browser = Browser(server.url)
    browser.request("GET", "/sign-in/")
    status, _, _ = browser.request(
        "POST", "/sign-in/", {"username": CLIENT_EMAIL, "password": DEMO_PASSWORD}
    )
    assert status == 302, "the demo client could not sign in"
    practice_id = server.shell(
        "from tending.practices.models import Practice; "
        "print(Practice.objects.get(key='compassionate-break').public_id)"
    )
    path = f"/practices/{practice_id}/log/"
    token = str(uuid.uuid4())
    form = {"token": token, "outcome": "completed", "minutes": "1", "feeling": "settling"}

    start = threading.Barrier(8)
    results: list[tuple[int, str]] = []

    def post() -> None:
        start.wait()
        status, headers, _ = browser.request("POST", path, form)
        results.append((status, headers.get("Location", "")))

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == 8
    assert {status for status, _ in results} == {302}
    locations = {location for _, location in results}
    assert len(locations) == 1 and re.match(r"^/practice-log/[0-9a-f-]{36}/$", locations.pop())
    stored = server.shell(
        "from tending.practices.models import PracticeLog; "
        f"print(PracticeLog.objects.filter(token='{token}').count())"
    )
    assert stored == "1"
