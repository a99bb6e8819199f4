"""Contact details sent four times at once with one form's token are saved once: gunicorn,
threads, a real database; every request is answered as a save."""

from __future__ import annotations

import threading
import uuid

from tests.conftest import DEMO_PASSWORD
from tests.test_concurrent_saves import Browser

CLIENT_EMAIL = "quinn.contact@clients.riverside.example"
SETUP = f"""
from tending.accounts.models import ClientProfile, Membership, Organisation, User
organisation = Organisation.objects.get(name="Riverside Compassion Clinic")
lee = User.objects.create_user("lee.contact@riverside.example", None, name="Lee Park")
Membership.objects.create(user=lee, organisation=organisation, role="clinician")
kit = User.objects.create_user({CLIENT_EMAIL!r}, {DEMO_PASSWORD!r}, name="Kit Moss")
ClientProfile.objects.create(
    organisation=organisation, primary_clinician=lee, user=kit, name="Kit Moss",
    email={CLIENT_EMAIL!r},
)
"""


def test_the_same_contact_details_posted_at_once_from_four_threads_are_saved_once(server):
    server.shell(SETUP)
    browser = Browser(server.url)
    browser.request("GET", "/sign-in/")
    status, _, _ = browser.request(
        "POST", "/sign-in/", {"username": CLIENT_EMAIL, "password": DEMO_PASSWORD}
    )
    assert status == 302, "the client could not sign in"
    path = "/my/contact-details/"
    form = {"version": "0", "token": str(uuid.uuid4()), "mobile": "07400 123456"}

    start = threading.Barrier(4)
    results: list[int] = []

    def post() -> None:
        start.wait()
        status, _, _ = browser.request("POST", path, form)
        results.append(status)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results == [302] * 4
    stored = server.shell(
        "from tending.audit.models import AuditEvent; "
        "from tending.safety.models import ContactDetails; "
        f"d = ContactDetails.objects.get(client__email={CLIENT_EMAIL!r}); "
        "print(d.version, d.mobile, "
        "AuditEvent.objects.filter(action='contact_details.saved', "
        "client_id=d.client.public_id).count())"
    )
    assert stored == "1 +447400123456 1"
