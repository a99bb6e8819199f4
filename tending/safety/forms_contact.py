"""The form for a client's contact details: every box optional, phone numbers checked with
`phones.parse` and kept as typed when they are refused."""

from __future__ import annotations

from typing import Any

from django import forms

from tending.safety import phones
from tending.safety.models import CONTACT_FIELDS, PHONE_FIELDS

PHONE_MAX_LENGTH = 40
TEXT_MAX_LENGTH = 200


def _phone(label: str, *, own: bool) -> forms.CharField:
    # type=tel brings up the phone keypad; autocomplete offers the client's own number only
    # in the boxes for their own numbers, never for their emergency contact's.
    attrs = {"autocomplete": "tel" if own else "off", "spellcheck": "false"}
    return forms.CharField(
        label=label,
        required=False,
        max_length=PHONE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "tel", **attrs}),
        error_messages={"max_length": "This is longer than any phone number. Check the digits."},
    )


def _text(label: str, *, rows: int = 0) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    widget.attrs["autocomplete"] = "off"
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=widget,
        error_messages={
            "max_length": "Keep this to %(limit_value)d characters (it has %(show_value)d)."
        },
    )


class ContactDetailsForm(forms.Form):
    """`saved` holds the values as stored; `for_client` picks the words for the client."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    token = forms.UUIDField(widget=forms.HiddenInput)
    mobile = _phone("Mobile number", own=True)
    other_phone = _phone("Another number", own=True)
    preferred_times = _text("Best times to call", rows=2)
    emergency_name = _text("Name")
    emergency_relationship = _text("Who they are to you")
    emergency_phone = _phone("Phone number", own=False)

    def __init__(self, *args: Any, saved: dict[str, str], for_client: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.saved = saved
        if not for_client:
            self.fields["emergency_relationship"].label = "Who they are to the client"
        self.fields["other_phone"].help_text = "A landline or work number, if you like"
        self.fields["preferred_times"].help_text = "For example, weekday evenings after 6"
        self.fields["emergency_relationship"].help_text = "For example, sister, partner, friend"

    @classmethod
    def initial_for(cls, saved: dict[str, str], *, version: int, token: object) -> dict[str, Any]:
        """Return what the form shows before anyone types: the numbers as people write them."""
        shown = {
            name: phones.display(value) if name in PHONE_FIELDS else value
            for name, value in saved.items()
        }
        return {"version": version, "token": token, **shown}

    def _clean_phone(self, name: str) -> str:
        typed: str = self.cleaned_data.get(name, "")
        try:
            return phones.parse(typed)
        except phones.InvalidPhone as refused:
            # A number already saved is never refused again, e.g. after the library's
            # numbering plans change: the person did not type anything new.
            saved = self.saved.get(name, "")
            if saved and phones.same_number(typed, saved):
                return saved
            raise forms.ValidationError(refused.message, code="invalid_phone") from None

    def clean_mobile(self) -> str:
        return self._clean_phone("mobile")

    def clean_other_phone(self) -> str:
        return self._clean_phone("other_phone")

    def clean_emergency_phone(self) -> str:
        return self._clean_phone("emergency_phone")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        name, phone = cleaned.get("emergency_name"), cleaned.get("emergency_phone")
        if name and not phone and "emergency_phone" not in self.errors:
            self.add_error("emergency_phone", "Add their phone number, or leave their name empty.")
        if phone and not name and "emergency_name" not in self.errors:
            self.add_error("emergency_name", "Add their name, so a caller knows whom to ask for.")
        return cleaned

    def values(self) -> dict[str, str]:
        """Return the values to store, phone numbers as E.164."""
        return {name: self.cleaned_data[name].strip() for name in CONTACT_FIELDS}
