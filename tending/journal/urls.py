from __future__ import annotations

from django.urls import path

from tending.journal.views import clinician, entries, letter

urlpatterns = [
    path("journal/", entries.journal, name="journal"),
    path("journal/new/", entries.journal_entry_new, name="journal_entry_new"),
    path("journal/reflect/", entries.journal_reflection_new, name="journal_reflection_new"),
    path("journal/<uuid:entry_id>/", entries.journal_entry, name="journal_entry"),
    path("journal/<uuid:entry_id>/edit/", entries.journal_entry_edit, name="journal_entry_edit"),
    path(
        "journal/<uuid:entry_id>/delete/",
        entries.journal_entry_delete_confirm,
        name="journal_entry_delete_confirm",
    ),
    path(
        "journal/<uuid:entry_id>/delete/confirmed/",
        entries.journal_entry_delete,
        name="journal_entry_delete",
    ),
    path("journal/<uuid:entry_id>/share/", entries.journal_entry_share, name="journal_entry_share"),
    path(
        "journal/<uuid:entry_id>/unshare/",
        entries.journal_entry_unshare,
        name="journal_entry_unshare",
    ),
    path("journal/letters/new/", letter.journal_letter_start, name="journal_letter_start"),
    path(
        "journal/letters/<uuid:entry_id>/step/<int:step>/",
        letter.journal_letter_step,
        name="journal_letter_step",
    ),
    path("clients/<uuid:client_id>/journal/", clinician.client_journal, name="client_journal"),
    path(
        "shared-journal/<uuid:entry_id>/",
        clinician.shared_journal_entry,
        name="shared_journal_entry",
    ),
    path("shared-journal/<uuid:entry_id>/reply/", clinician.journal_reply, name="journal_reply"),
]
