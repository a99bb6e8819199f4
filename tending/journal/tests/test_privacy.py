"""Private means private: not in lists, not by address, not in exports, audit or the database."""

from __future__ import annotations

import json
import re
import uuid

from django.db import connection
from django.test import Client
from django.urls import reverse

from tending.audit.models import AuditEvent
from tending.journal.models import JournalEntry
from tending.journal.services import shared_counts_by_kind
from tending.testing.journal_records import make_entry, make_reply
from tending.testing.personas import sign_in

PRIVATE = "CANARY-journal_private"
SHARED = "CANARY-journal_shared"
EVERYONE_BUT_THE_WRITER = ("clinician_a", "clinician_a2", "clinician_b", "admin_a", "client_b")


def _private_entry(world) -> JournalEntry:
    return make_entry(world.client_a, title=f"Title {PRIVATE}", texts={"body": f"Words {PRIVATE}"})


def _pages_about(world, entry: JournalEntry) -> list[str]:
    """Every page where a clinician, admin or other client might come across the entry."""
    return [
        reverse("client_journal", args=[world.client_a.public_id]),
        reverse("client_understanding", args=[world.client_a.public_id]),
        reverse("client_detail", args=[world.client_a.public_id]),
        reverse("client_progress", args=[world.client_a.public_id]),
        reverse("dashboard"),
        reverse("audit_log"),
        reverse("shared_journal_entry", args=[entry.public_id]),
        reverse("journal_entry", args=[entry.public_id]),
        reverse("journal"),
    ]


def test_an_unshared_entry_is_invisible_to_everyone_but_its_writer(world):
    entry = _private_entry(world)
    for persona in EVERYONE_BUT_THE_WRITER:
        http = sign_in(Client(), world.persona(persona))
        for url in _pages_about(world, entry):
            response = http.get(url)
            assert PRIVATE.encode() not in response.content, (persona, url)
        detail = http.get(reverse("shared_journal_entry", args=[entry.public_id]))
        assert detail.status_code == 404, persona
        reply = http.post(
            reverse("journal_reply", args=[entry.public_id]),
            {"token": str(uuid.uuid4()), "body": "Hello"},
        )
        assert reply.status_code == 404, persona
    assert not entry.replies.exists()


def test_the_clinicians_list_gives_no_hint_that_private_entries_exist(world):
    make_entry(world.client_a, title=f"Shared {SHARED}", shared=True)
    http = sign_in(Client(), world.clinician_a)
    url = reverse("client_journal", args=[world.client_a.public_id])

    def page() -> str:
        # The sign-out form's CSRF token is masked afresh on every page.
        return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", http.get(url).content.decode())

    before = page()
    for n in range(3):
        make_entry(world.client_a, title=f"Private {n}")
    make_entry(world.client_a, kind="letter", status="draft")
    assert page() == before
    assert SHARED in before


def test_sharing_then_unsharing_hides_the_entry_and_its_replies_again(world):
    entry = _private_entry(world)
    client = sign_in(Client(), world.client_a.user)
    clinician = sign_in(Client(), world.clinician_a)
    shared_url = reverse("shared_journal_entry", args=[entry.public_id])
    list_url = reverse("client_journal", args=[world.client_a.public_id])

    client.post(reverse("journal_entry_share", args=[entry.public_id]))
    assert PRIVATE.encode() in clinician.get(list_url).content
    assert PRIVATE.encode() in clinician.get(shared_url).content
    clinician.post(
        reverse("journal_reply", args=[entry.public_id]),
        {"token": str(uuid.uuid4()), "noticed": ["warmth"], "body": "Reply CANARY-journal_reply"},
    )
    assert b"CANARY-journal_reply" in clinician.get(shared_url).content

    client.post(reverse("journal_entry_unshare", args=[entry.public_id]))
    assert clinician.get(shared_url).status_code == 404
    listing = clinician.get(list_url).content
    assert PRIVATE.encode() not in listing and b"CANARY-journal_reply" not in listing
    # The client keeps the reply, and is told the clinician cannot see it now.
    own = client.get(entry.get_absolute_url()).content
    assert b"CANARY-journal_reply" in own
    assert b"your therapist cannot see it or these replies" in own

    client.post(reverse("journal_entry_share", args=[entry.public_id]))
    assert b"CANARY-journal_reply" in clinician.get(shared_url).content
    actions = list(
        AuditEvent.objects.filter(action__startswith="journal.entry_").values_list(
            "action", flat=True
        )
    )
    assert actions.count("journal.entry_shared") == 2
    assert actions.count("journal.entry_unshared") == 1


def test_another_clinicians_client_is_never_shown_even_when_shared(world):
    theirs = make_entry(world.client_a2, title="Shared CANARY-journal_a2", shared=True)
    http = sign_in(Client(), world.clinician_a)
    assert http.get(reverse("shared_journal_entry", args=[theirs.public_id])).status_code == 404
    assert http.get(reverse("client_journal", args=[world.client_a2.public_id])).status_code == 404
    own = sign_in(Client(), world.clinician_a2)
    assert own.get(reverse("shared_journal_entry", args=[theirs.public_id])).status_code == 200


def test_exports_carry_no_journal_text_shared_or_private(world):
    _private_entry(world)
    shared = make_entry(world.client_a, title=f"T {SHARED}", texts={"body": SHARED}, shared=True)
    make_reply(shared, world.clinician_a, "Reply CANARY-journal_reply")
    http = sign_in(Client(), world.clinician_a)
    for url in (
        reverse("client_csv", args=[world.client_a.public_id]),
        reverse("caseload_csv"),
    ):
        response = http.get(url)
        assert response.status_code == 200
        text = b"".join(response).decode()
        assert "CANARY-journal" not in text, url


def test_no_audit_row_holds_any_journal_text(world):
    client = sign_in(Client(), world.client_a.user)
    clinician = sign_in(Client(), world.clinician_a)
    client.post(
        reverse("journal_entry_new"),
        {"token": str(uuid.uuid4()), "title": f"T {PRIVATE}", "body": f"B {PRIVATE}"},
    )
    entry = JournalEntry.objects.get()
    client.post(
        reverse("journal_entry_edit", args=[entry.public_id]),
        {"version": "1", "title": f"T2 {PRIVATE}", "part_body": f"B2 {PRIVATE}"},
    )
    client.post(reverse("journal_entry_share", args=[entry.public_id]))
    clinician.get(reverse("shared_journal_entry", args=[entry.public_id]))
    clinician.post(
        reverse("journal_reply", args=[entry.public_id]),
        {"token": str(uuid.uuid4()), "body": "R CANARY-journal_reply"},
    )
    client.post(
        reverse("journal_letter_start"),
        {"token": str(uuid.uuid4()), "voice": "first", "writer": "other", "title": PRIVATE},
    )
    letter = JournalEntry.objects.get(kind="letter")
    client.post(
        reverse("journal_letter_step", args=[letter.public_id, 2]),
        {"version": "1", "text": f"L {PRIVATE}", "intent": "next"},
    )
    client.post(reverse("journal_entry_delete", args=[entry.public_id]))

    rows = list(AuditEvent.objects.values())
    assert len(rows) >= 8
    dumped = json.dumps(rows, default=str)
    assert "CANARY-journal" not in dumped
    assert not re.search(r"\b(B2?|T2?|L|R) CANARY", dumped)


def test_every_written_word_is_encrypted_at_rest(world):
    entry = make_entry(world.client_a, title=f"T {PRIVATE}", texts={"body": f"B {PRIVATE}"})
    reply = make_reply(entry, world.clinician_a, "R CANARY-journal_reply")
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM journal_journalentry WHERE id = %s", [entry.pk])
        title = cursor.fetchone()[0]
        cursor.execute("SELECT text FROM journal_entrypart WHERE entry_id = %s", [entry.pk])
        text = cursor.fetchone()[0]
        cursor.execute("SELECT body FROM journal_reply WHERE id = %s", [reply.pk])
        body = cursor.fetchone()[0]
    for raw in (title, text, body):
        assert raw and "CANARY" not in raw
    assert JournalEntry.objects.get().title == f"T {PRIVATE}"  # and it reads back


def test_counts_for_staff_pages_include_shared_entries_only(world):
    make_entry(world.client_a, shared=True)
    make_entry(world.client_a, kind="letter", shared=True)
    make_entry(world.client_a, kind="letter")
    make_entry(world.client_a, kind="reflection", module_key="tricky-brain")
    assert shared_counts_by_kind(world.client_a) == {"free": 1, "letter": 1}
