from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tending.audit.models import AuditEvent
from tending.journal.models import JournalEntry
from tending.practices.models import Practice
from tending.reports import layers
from tending.testing.formulation_records import add_check_in, add_version
from tending.testing.journal_records import make_entry, make_reply
from tending.testing.personas import sign_in
from tending.testing.practice_records import make_log
from tending.testing.session_records import make_session
from tending.therapy_sessions.models import LayerNote, SessionPractice
from tending.understanding.models import ModuleProgress


def _layer(layer_map: layers.LayerMap, number: int) -> layers.Layer:
    return next(layer for layer in layer_map.layers if layer.number == number)


def _facts(layer: layers.Layer) -> dict[str, str]:
    return {fact.label: fact.value for fact in layer.facts}


def test_it_counts_session_notes_and_levers_under_each_layer(world):
    today = timezone.localdate()
    first = make_session(world.client_a, on=today - timedelta(days=14))
    second = make_session(world.client_a, on=today - timedelta(days=7))
    LayerNote.objects.create(session=second, layer=2, text="Not my fault", lever_shape=True)
    LayerNote.objects.filter(session=first, layer=1).update(lever_model=True)
    make_session(world.client_b, on=today)  # someone else's session counts nowhere here

    result = layers.build(world.client_a, timezone.now())

    relationship, understanding = _layer(result, 1), _layer(result, 2)
    assert relationship.notes == 2
    assert dict(relationship.lever_items) == {"Support": 2, "Model": 1, "Shape": 0, "Train": 0}
    assert understanding.notes == 1
    assert dict(understanding.lever_items)["Shape"] == 1
    assert relationship.last == today - timedelta(days=7)
    assert _facts(relationship)["Sessions attended"] == "2"


def test_it_places_practice_under_the_layer_the_practice_serves(world):
    breathing = Practice.objects.get(key="soothing-rhythm-breathing")
    make_log(world.client_a, breathing, seconds=600)
    session = make_session(world.client_a, on=timezone.localdate())
    SessionPractice.objects.create(session=session, practice=breathing)

    result = layers.build(world.client_a, timezone.now())

    home = _layer(result, breathing.layer)
    assert _facts(home)["Practice between sessions"].startswith("1 time, 10 minutes")
    assert _facts(home)["Practices done together in session"] == "1"
    others = [layer for layer in result.layers if layer.number != breathing.layer]
    assert all("Practice between sessions" not in _facts(layer) for layer in others)


def test_it_never_counts_what_the_client_has_not_shared(world):
    make_entry(world.client_a, kind=JournalEntry.Kind.LETTER, texts={"why": "private"})
    make_entry(world.client_a, kind=JournalEntry.Kind.FREE, texts={"body": "private"})
    letter = make_entry(world.client_a, kind=JournalEntry.Kind.LETTER, shared=True)
    make_reply(letter, world.clinician_a, "There is real warmth here.")
    make_entry(
        world.client_a, kind=JournalEntry.Kind.REFLECTION, shared=True, module_key="tricky-brain"
    )

    result = layers.build(world.client_a, timezone.now())

    assert _facts(_layer(result, 1))["Journal entries the client chose to share"] == (
        "2; 1 reply from you"
    )
    assert _facts(_layer(result, 4))["Compassionate letters shared"] == "1"
    assert _facts(_layer(result, 2))["Module reflections shared"] == "1"
    assert "Journal entries shared" not in _facts(_layer(result, 3))


def test_it_shows_the_clients_own_work_on_understanding(world):
    add_version(world.client_a, world.clinician_a, "clinician", history="Early years")
    add_version(world.client_a, world.client_a.user, "client", history="Early years, school")
    add_check_in(world.client_a, threat=7, drive=3, soothe=2, days_ago=20)
    add_check_in(world.client_a, threat=5, drive=4, soothe=5, days_ago=1)
    ModuleProgress.objects.create(
        client=world.client_a,
        module_key="tricky-brain",
        opened_at=timezone.now(),
        opened_version=1,
        finished_at=timezone.now(),
        finished_version=1,
    )

    facts = _facts(_layer(layers.build(world.client_a, timezone.now()), 2))

    assert facts["Formulation"] == "2 versions, 1 written by the client"
    assert facts["Three circles"].startswith("2 check-ins; latest: threat 5, drive 4, soothe 5")
    assert facts['"Not my fault" modules'].startswith("1 of 4 finished")


def test_it_marks_a_layer_quiet_only_when_nothing_happened_in_it_for_four_weeks(world):
    make_session(world.client_a, on=timezone.localdate() - timedelta(days=40))
    old = layers.build(world.client_a, timezone.now())
    assert _layer(old, 1) in old.quiet

    make_session(world.client_a, on=timezone.localdate() - timedelta(days=3))
    recent = layers.build(world.client_a, timezone.now())
    assert _layer(recent, 1) not in recent.quiet
    assert {layer.number for layer in recent.quiet} == {2, 3, 4}


def test_the_page_is_audited_and_its_queries_do_not_grow_with_history(world):
    http = sign_in(Client(), world.clinician_a)
    url = reverse("client_layers", kwargs={"client_id": world.client_a.public_id})
    breathing = Practice.objects.get(key="soothing-rhythm-breathing")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = http.get(url)
        assert response.status_code == 200
        return len(captured)

    make_session(world.client_a, on=timezone.localdate())
    make_log(world.client_a, breathing)
    few = queries()
    for days in range(1, 6):
        make_session(world.client_a, on=timezone.localdate() - timedelta(days=days * 7))
        make_log(world.client_a, breathing)
        make_entry(world.client_a, kind=JournalEntry.Kind.LETTER, shared=True)
        add_check_in(world.client_a, days_ago=days)
    assert queries() == few
    assert AuditEvent.objects.filter(
        action="client.layer_map_viewed", client_id=world.client_a.public_id
    ).exists()
    page = http.get(url).content.decode()
    assert "Compassionate understanding" in page
    assert "Private journal entries are not counted here" in page
