"""Reading a module, answering its questions into the private journal, and what staff see."""

from __future__ import annotations

import uuid

from django.test import Client
from django.urls import reverse

from tending.audit.models import AuditEvent
from tending.journal.models import JournalEntry
from tending.testing.personas import sign_in
from tending.understanding.definitions import all_modules
from tending.understanding.forms import ReflectionForm
from tending.understanding.models import ModuleProgress

MODULE = "three-systems"
CANARY = "CANARY-reflection_private"


def _answers(token: str, **answers: str) -> dict[str, str]:
    module = all_modules()[MODULE]
    data = {"token": token}
    for prompt in module.prompts:
        data[ReflectionForm.field_name(prompt.key)] = answers.get(prompt.key, "")
    return data


def _finish(http: Client, data: dict[str, str]):
    return http.post(reverse("understanding_finish", args=[MODULE]), data)


def test_a_client_reads_a_module_and_its_first_opening_is_noted_once(world, http):
    sign_in(http, world.client_a.user)
    page = http.get(reverse("understanding_module", args=[MODULE]))
    http.get(reverse("understanding_module", args=[MODULE]))

    assert page.status_code == 200
    module = all_modules()[MODULE]
    for section in module.sections:
        assert section.heading.encode() in page.content
    for prompt in module.prompts:
        assert prompt.text.encode() in page.content
    progress = ModuleProgress.objects.get()
    assert (progress.module_key, progress.opened_version, progress.finished_at) == (
        MODULE,
        module.version,
        None,
    )
    assert AuditEvent.objects.filter(action="understanding.module_opened").count() == 1


def test_answers_become_exactly_one_private_reflection_even_when_sent_twice(world, http):
    sign_in(http, world.client_a.user)
    data = _answers(str(uuid.uuid4()), **{"my-circles": f"Big threat {CANARY}"})
    first = _finish(http, data)
    again = _finish(http, data)

    entry = JournalEntry.objects.get()
    assert first["Location"] == again["Location"] == entry.get_absolute_url()
    assert entry.kind == "reflection" and not entry.is_shared
    assert (entry.module_key, entry.module_version) == (MODULE, all_modules()[MODULE].version)
    assert entry.texts["my-circles"] == f"Big threat {CANARY}"
    assert entry.parts.get(key="makes-sense").prompt.startswith("Does it make sense")
    progress = ModuleProgress.objects.get()
    assert progress.is_finished and progress.finished_version == entry.module_version
    assert AuditEvent.objects.filter(action="understanding.module_finished").count() == 1
    assert AuditEvent.objects.filter(action="journal.entry_created").count() == 1


def test_leaving_every_answer_blank_finishes_without_a_journal_entry(world, http):
    sign_in(http, world.client_a.user)
    response = _finish(http, _answers(str(uuid.uuid4())))
    assert response["Location"] == reverse("understanding_list")
    assert not JournalEntry.objects.exists()
    assert ModuleProgress.objects.get().is_finished
    listing = http.get(reverse("understanding_list"))
    assert b"Read</span> on" in listing.content


def test_a_too_long_answer_is_explained_and_the_typing_kept(world, http):
    sign_in(http, world.client_a.user)
    response = _finish(http, _answers(str(uuid.uuid4()), **{"makes-sense": "a" * 10_001}))
    assert response.status_code == 400
    assert b"Please check the answer marked below." in response.content
    assert b"a" * 10_001 in response.content
    assert not JournalEntry.objects.exists()


def test_a_clinician_sees_progress_but_never_private_answers(world, http):
    client_http = sign_in(Client(), world.client_a.user)
    _finish(client_http, _answers(str(uuid.uuid4()), **{"my-circles": CANARY}))

    sign_in(http, world.clinician_a)
    page = http.get(reverse("client_understanding", args=[world.client_a.public_id]))
    assert page.status_code == 200
    assert CANARY.encode() not in page.content
    assert b"None shared" in page.content
    assert page.content.count(b"Not yet") == 6  # three other modules: opened and finished
    assert AuditEvent.objects.filter(action="understanding.progress_viewed").exists()

    entry = JournalEntry.objects.get()
    client_http.post(reverse("journal_entry_share", args=[entry.public_id]))
    page = http.get(reverse("client_understanding", args=[world.client_a.public_id]))
    link = reverse("shared_journal_entry", args=[entry.public_id]).encode()
    assert link in page.content and CANARY.encode() not in page.content
    assert CANARY.encode() in http.get(link.decode()).content


def test_a_clinician_reads_the_module_text_without_the_questions_form(world, http):
    sign_in(http, world.clinician_a)
    page = http.get(reverse("understanding_module", args=[MODULE]))
    assert page.status_code == 200
    assert b"This is what clients read" in page.content
    assert b"<form" not in page.content.split(b"</header>")[1]
    assert not ModuleProgress.objects.exists()


def test_the_clinicians_progress_page_costs_a_fixed_number_of_queries(
    world, http, django_assert_max_num_queries
):
    for module in all_modules().values():
        ModuleProgress.objects.create(
            client=world.client_a,
            module_key=module.key,
            opened_at="2026-01-01T10:00Z",
            opened_version=1,
        )
    sign_in(http, world.clinician_a)
    with django_assert_max_num_queries(12):
        assert http.get(reverse("client_understanding", args=[world.client_a.public_id]))


def test_an_unknown_module_is_not_found(world, http):
    sign_in(http, world.client_a.user)
    assert http.get(reverse("understanding_module", args=["no-such-module"])).status_code == 404
