"""Each page where a client writes says nobody reads it as it is written (hazards H-102, H-103).

Tending does not scan free text and raises no alert from it, by design. So each writing page must
tell the client that their therapist reads it later, not straight away, and where help is now;
and the letter and module pages must offer a way out to grounding.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from tending.journal.models import JournalEntry
from tending.practices.models import Practice
from tending.testing.journal_records import make_entry
from tending.testing.measure_records import answer_phq9
from tending.testing.personas import World, sign_in

NOT_WATCHED = "Tending is not watched around the clock"
HELP_NOW = 'If you feel unsafe now, open "Need help now?" at the top of the page.'
ONLY_SHARED = "Your therapist reads only what you share, and not straight away"
ALWAYS_SEEN = "Your therapist can read this, but not straight away"


def _letter(world: World) -> JournalEntry:
    return make_entry(world.client_a, kind=JournalEntry.Kind.LETTER, status="draft")


def _letter_step(n: int) -> Callable[[World], str]:
    return lambda w: reverse("journal_letter_step", args=[_letter(w).public_id, n])


def _breathing() -> Practice:
    return Practice.objects.get(key="soothing-rhythm-breathing")


# Each writing page, and what the client is told about who reads it.
WRITING_PAGES: dict[str, tuple[Callable[[World], str], str]] = {
    "new journal entry": (lambda w: reverse("journal_entry_new"), ONLY_SHARED),
    "edit journal entry": (
        lambda w: reverse("journal_entry_edit", args=[make_entry(w.client_a).public_id]),
        ONLY_SHARED,
    ),
    "new reflection": (lambda w: reverse("journal_reflection_new"), ONLY_SHARED),
    "letter start": (lambda w: reverse("journal_letter_start"), ONLY_SHARED),
    **{f"letter step {n}": (_letter_step(n), ONLY_SHARED) for n in (2, 3, 4, 5, 6)},
    "module reflection": (
        lambda w: reverse("understanding_module", args=["three-systems"]),
        ONLY_SHARED,
    ),
    "practice check-in note": (
        lambda w: reverse("practice_play", args=[_breathing().public_id]),
        ONLY_SHARED,
    ),
    "three circles check-in": (lambda w: reverse("my_circles_new"), ALWAYS_SEEN),
    "formulation": (lambda w: reverse("my_formulation_edit"), ALWAYS_SEEN),
    "safety plan": (lambda w: reverse("my_safety_plan_edit"), ALWAYS_SEEN),
    "contact details": (lambda w: reverse("my_contact_details"), ALWAYS_SEEN),
}


@pytest.mark.parametrize("page", WRITING_PAGES)
def test_every_writing_page_says_it_is_not_watched_and_where_help_is(world, http, page):
    url_for, who_reads = WRITING_PAGES[page]
    sign_in(http, world.client_a.user)
    response = http.get(url_for(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-not-watched") == 1
    assert NOT_WATCHED in html
    assert who_reads in html
    assert HELP_NOW in html
    # "Need help now?" really is on the page, with the organisation's contacts behind it.
    assert "Need help now?" in html.split("data-not-watched")[0]


@pytest.mark.parametrize("step", [1, 2, 6, 7])
def test_every_letter_step_offers_stop_and_ground(world, http, step):
    sign_in(http, world.client_a.user)
    entry = _letter(world)
    html = http.get(reverse("journal_letter_step", args=[entry.public_id, step])).content.decode()
    assert f'href="{reverse("grounding")}">Stop and ground</a>' in html


def test_the_module_page_normalises_strong_feelings_and_links_to_grounding(world, http):
    sign_in(http, world.client_a.user)
    html = http.get(reverse("understanding_module", args=["three-systems"])).content.decode()
    assert "If reading this brings up strong feelings, that is understandable." in html
    assert f'<a href="{reverse("grounding")}">ground yourself</a>' in html


def test_letter_writing_suggests_waiting_while_a_risk_answer_is_open(world, http):
    sign_in(http, world.client_a.user)
    entry = _letter(world)
    start = reverse("journal_letter_start")
    step = reverse("journal_letter_step", args=[entry.public_id, 3])
    assert "You might wait with this one" not in http.get(start).content.decode()
    assert "You might wait with this one" not in http.get(step).content.decode()

    answer_phq9(world)  # item 9 answered 2: an open risk episode waits for the clinician

    for url in (start, step):
        html = http.get(url).content.decode()
        assert "You might wait with this one" in html
        assert "write it with them in your next session" in html
    # A suggestion, never a lock: the client can still write, and the words are kept.
    saved = http.post(
        step, {"version": str(entry.version), "text": "Still here.", "intent": "next"}
    )
    assert saved.status_code == 302
    entry.refresh_from_db()
    assert entry.texts["difficulty"] == "Still here."

    # Once the clinician has closed the episode, the suggestion goes.
    world.client_a.risk_episodes.update(closed_at=timezone.now(), closed_by=world.clinician_a)
    assert "You might wait with this one" not in http.get(step).content.decode()
