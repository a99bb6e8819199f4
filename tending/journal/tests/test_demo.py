from __future__ import annotations

from tending.accounts.demo import DemoSecrets, load_demo_data
from tending.journal.demo import load_journal
from tending.journal.models import JournalEntry, Reply
from tending.understanding.demo import load_module_progress
from tending.understanding.models import ModuleProgress


def test_the_demo_shows_modules_a_private_reflection_and_a_shared_letter_once(db):
    load_demo_data(DemoSecrets(password="demo", totp_secret="JBSWY3DPEHPK3PXP", changed=True))

    assert load_module_progress() == 1
    assert load_journal() == 2
    assert (load_module_progress(), load_journal()) == (0, 0)  # a second run adds nothing

    progress = ModuleProgress.objects.select_related("client")
    assert {p.client.name for p in progress} == {"Sam Rivers"}
    assert sorted(p.module_key for p in progress if p.is_finished) == [
        "three-systems",
        "tricky-brain",
    ]
    entries = {e.kind: e for e in JournalEntry.objects.all()}
    assert set(entries) == {"reflection", "letter", "free"}
    assert not entries["reflection"].is_shared and entries["reflection"].module_key
    assert not entries["free"].is_shared
    letter = entries["letter"]
    assert letter.is_shared and len(letter.letter_paragraphs()) == 5
    reply = Reply.objects.get()
    assert reply.entry == letter and reply.author == letter.client.primary_clinician
