"""The guided compassionate letter: every step kept as a draft, assembled at the end."""

from __future__ import annotations

import uuid

from django.test import Client
from django.urls import reverse

from tending.audit.models import AuditEvent
from tending.journal import letters
from tending.journal.models import JournalEntry
from tending.testing.personas import sign_in


def _start(http: Client, token: str | None = None, voice: str = "third") -> JournalEntry:
    response = http.post(
        reverse("journal_letter_start"),
        {"token": token or str(uuid.uuid4()), "voice": voice, "writer": "self", "title": ""},
    )
    entry = JournalEntry.objects.latest("id")
    assert response["Location"] == reverse("journal_letter_step", args=[entry.public_id, 1])
    return entry


def _step(http: Client, entry: JournalEntry, number: int, **data: str):
    return http.post(reverse("journal_letter_step", args=[entry.public_id, number]), data)


def _write(http: Client, entry: JournalEntry, number: int, text: str, intent: str = "next"):
    entry.refresh_from_db()
    return _step(http, entry, number, version=str(entry.version), text=text, intent=intent)


def test_starting_twice_with_the_same_token_makes_one_private_draft(world, http):
    sign_in(http, world.client_a.user)
    token = str(uuid.uuid4())
    _start(http, token)
    _start(http, token)
    entry = JournalEntry.objects.get()
    assert (entry.kind, entry.status, entry.is_shared) == ("letter", "draft", False)
    assert list(entry.texts) == [step.key for step in letters.WRITING_STEPS]


def test_every_step_is_kept_as_a_draft_and_the_letter_assembled_in_order(world, http):
    sign_in(http, world.client_a.user)
    entry = _start(http)
    assert _step(http, entry, 1, intent="next")["Location"].endswith("/step/2/")
    written = {
        2: "I am writing to you because this week was hard.",
        3: "You froze in the meeting.",
        4: "It makes sense that you feel shaky because you were tired.",
        5: "Freezing was your mind protecting you. It is not your fault.",
        6: "You did your best. Perhaps rest this evening.",
    }
    for number, text in written.items():
        response = _write(http, entry, number, text)
        assert response["Location"].endswith(f"/step/{number + 1}/")
    # "Back" and "stop for now" save the step too.
    assert _write(http, entry, 3, "You froze in the meeting, again.", intent="back")[
        "Location"
    ].endswith("/step/2/")
    assert _write(http, entry, 6, written[6] + " Be gentle.", intent="leave")["Location"] == (
        reverse("journal")
    )
    entry.refresh_from_db()
    assert entry.is_draft
    assert b"Unfinished" in http.get(reverse("journal")).content

    last = http.get(reverse("journal_letter_step", args=[entry.public_id, letters.LAST_STEP]))
    body = last.content.decode()
    expected = [
        written[2],
        "You froze in the meeting, again.",
        written[4],
        written[5],
        written[6] + " Be gentle.",
    ]
    positions = [body.index(text) for text in expected]
    assert positions == sorted(positions)
    assert "out loud if you can" in body

    finished = _step(http, entry, letters.LAST_STEP, intent="finish")
    assert finished["Location"] == entry.get_absolute_url()
    entry.refresh_from_db()
    assert entry.status == "saved" and not entry.is_shared
    assert entry.letter_paragraphs() == expected
    assert AuditEvent.objects.filter(action="journal.letter_finished").count() == 1
    assert AuditEvent.objects.filter(action="journal.letter_step_saved").count() == 7


def test_each_step_page_works_without_javascript_and_carries_the_caution(world, http):
    sign_in(http, world.client_a.user)
    entry = _start(http)
    for step in letters.STEPS:
        page = http.get(reverse("journal_letter_step", args=[entry.public_id, step.number]))
        assert page.status_code == 200
        body = page.content.decode()
        assert f"step {step.number} of {letters.LAST_STEP}" in body
        assert all(paragraph in body for paragraph in step.guidance)
        assert 'type="submit"' in body
        if step.writes:
            assert '<textarea name="text"' in body
            assert "sound harsh or critical" in body and "with your therapist" in body
    first = http.get(reverse("journal_letter_step", args=[entry.public_id, 1])).content
    assert b"compassionate self" in first and b"compassionate other" in first
    assert b"Soothing rhythm breathing" in first


def test_the_letter_can_be_written_as_i_or_as_you(world, http):
    sign_in(http, world.client_a.user)
    as_you = _start(http, voice="third")
    as_i = _start(http, voice="first")
    you = http.get(reverse("journal_letter_step", args=[as_you.public_id, 4])).content
    me = http.get(reverse("journal_letter_step", args=[as_i.public_id, 4])).content
    assert b"It makes sense that you feel" in you
    assert b"It makes sense that I feel" in me
    start = http.get(reverse("journal_letter_start")).content
    assert b"many people find this easier" in start


def test_autosave_keeps_the_words_and_returns_the_new_version(world, http):
    sign_in(http, world.client_a.user)
    entry = _start(http)
    response = _write(http, entry, 3, "Half a thought", intent="autosave")
    assert response.status_code == 204
    assert response["X-Entry-Version"] == "2"
    entry.refresh_from_db()
    assert entry.texts["difficulty"] == "Half a thought"
    # The same words again (a blur right after a save) write nothing.
    assert _step(http, entry, 3, version="1", text="Half a thought", intent="autosave").status_code
    assert AuditEvent.objects.filter(action="journal.letter_step_saved").count() == 1


def test_a_change_from_another_tab_is_never_silently_overwritten(world, http):
    sign_in(http, world.client_a.user)
    entry = _start(http)
    _write(http, entry, 3, "From the laptop.")
    stale_autosave = _step(http, entry, 3, version="1", text="From the phone.", intent="autosave")
    assert stale_autosave.status_code == 409
    stale = _step(http, entry, 3, version="1", text="From the phone.", intent="next")
    assert stale.status_code == 409
    assert b"From the laptop." in stale.content and b"From the phone." in stale.content
    entry.refresh_from_db()
    assert entry.texts["difficulty"] == "From the laptop."


def test_a_draft_cannot_be_shared_until_it_is_finished(world, http):
    sign_in(http, world.client_a.user)
    entry = _start(http)
    http.post(reverse("journal_entry_share", args=[entry.public_id]))
    entry.refresh_from_db()
    assert not entry.is_shared
    _step(http, entry, letters.LAST_STEP, intent="finish")
    http.post(reverse("journal_entry_share", args=[entry.public_id]))
    entry.refresh_from_db()
    assert entry.is_shared


def test_a_step_that_does_not_exist_or_an_entry_that_is_not_a_letter_is_not_found(world, http):
    sign_in(http, world.client_a.user)
    entry = _start(http)
    assert http.get(reverse("journal_letter_step", args=[entry.public_id, 8])).status_code == 404
    assert http.get(reverse("journal_letter_step", args=[entry.public_id, 0])).status_code == 404
    http.post(reverse("journal_entry_new"), {"token": str(uuid.uuid4()), "title": "", "body": "Hi"})
    free = JournalEntry.objects.get(kind="free")
    assert http.get(reverse("journal_letter_step", args=[free.public_id, 2])).status_code == 404
