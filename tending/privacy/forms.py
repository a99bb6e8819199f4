from __future__ import annotations

from django import forms

CONFIRMATION_WORD = "erase"


class FindClientForm(forms.Form):
    reference = forms.UUIDField(
        label="Client reference",
        help_text="The reference shown on the client's record, for example "
        "3f2c9a1e-5b7d-4c21-9e0a-1b2c3d4e5f60.",
        error_messages={"invalid": "That is not a client reference. Copy it from the record."},
    )


class EraseForm(forms.Form):
    confirmation = forms.CharField(
        label=f'Type "{CONFIRMATION_WORD}" to confirm',
        max_length=20,
        error_messages={"required": f'Type "{CONFIRMATION_WORD}" to confirm.'},
    )

    def clean_confirmation(self) -> str:
        value = str(self.cleaned_data["confirmation"]).strip().lower()
        if value != CONFIRMATION_WORD:
            raise forms.ValidationError(f'Type "{CONFIRMATION_WORD}" to confirm.')
        return value
