"""The form that closes a risk episode with what was done."""

from __future__ import annotations

from typing import Any

from django import forms

from tending.safety.models import Action

NOTE_MAX_LENGTH = 4000


class CloseEpisodeForm(forms.Form):
    actions = forms.MultipleChoiceField(
        label="What did you do?",
        choices=Action.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one thing you did."},
    )
    note = forms.CharField(
        label="Note",
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you found and what happens next. Kept encrypted, for the clinicians "
        "looking after this client.",
        error_messages={
            "max_length": "Keep the note to %(limit_value)d characters (it has %(show_value)d)."
        },
    )
    answers_seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if Action.OTHER in cleaned.get("actions", []) and not cleaned.get("note", "").strip():
            self.add_error("note", "You chose “Other”: say in the note what you did.")
        return cleaned
