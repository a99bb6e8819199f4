from __future__ import annotations

from typing import Any

from django import forms

from tending.journal import letters, reflections
from tending.journal.models import JournalEntry, Reply

TITLE_MAX = 200
TEXT_MAX = 20_000


def _title_field() -> forms.CharField:
    return forms.CharField(
        label="A title, if you like",
        required=False,
        max_length=TITLE_MAX,
        help_text="Only you see it, unless you share the entry.",
    )


def _text_field(
    label: str,
    *,
    required: bool = False,
    rows: int = 6,
    max_length: int = TEXT_MAX,
    help_text: str = "",
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class FreeEntryForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    title = _title_field()
    body = _text_field("What would you like to write?", required=True, rows=10)


class ReflectionEntryForm(forms.Form):
    """A reflection on the day: three gentle questions, any of which may be left blank."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    title = _title_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, prompt in reflections.PROMPTS:
            self.fields[f"part_{key}"] = _text_field(prompt, rows=4)

    def part_fields(self) -> list[forms.BoundField]:
        return [self[f"part_{key}"] for key, _ in reflections.PROMPTS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(f"part_{key}") for key, _ in reflections.PROMPTS):
            raise forms.ValidationError("Write something in at least one of the boxes.")
        return cleaned


class LetterStartForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    voice = forms.ChoiceField(
        label="How would you like to write it?",
        choices=list(letters.VOICES.items()),
        initial=letters.THIRD_PERSON,
        widget=forms.RadioSelect,
    )
    writer = forms.ChoiceField(
        label="Who is writing?",
        choices=list(letters.WRITERS.items()),
        initial=letters.COMPASSIONATE_SELF,
        widget=forms.RadioSelect,
    )
    title = _title_field()


class LetterStepForm(forms.Form):
    """One step of the guided letter. `version` guards against another tab's changes."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = _text_field("Your words", rows=8)

    def __init__(self, *args: Any, step: letters.LetterStep, voice: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = step.label
        starter = step.starter(voice)
        if starter:
            self.fields["text"].help_text = f"One way to begin: {starter}"


class EntryEditForm(forms.Form):
    """The client's own entry on one page: title, then one box per part."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = _title_field()

    def __init__(self, *args: Any, entry: JournalEntry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.part_keys = []
        for part in entry.parts.all():
            free = entry.kind == JournalEntry.Kind.FREE
            label = "Your entry" if free else part.prompt
            self.fields[f"part_{part.key}"] = _text_field(label, required=free)
            self.part_keys.append(part.key)

    @staticmethod
    def initial_for(entry: JournalEntry) -> dict[str, Any]:
        initial: dict[str, Any] = {"version": entry.version, "title": entry.title}
        initial |= {f"part_{key}": text for key, text in entry.texts.items()}
        return initial

    def part_fields(self) -> list[forms.BoundField]:
        return [self[f"part_{key}"] for key in self.part_keys]

    def texts(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"part_{key}"] for key in self.part_keys}


class ReplyForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    noticed = forms.MultipleChoiceField(
        label="What did you notice that was compassionate?",
        required=False,
        choices=Reply.Noticed.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick any that fit; your client sees them with your note.",
    )
    body = _text_field(
        "Your note",
        required=True,
        rows=5,
        max_length=4000,
        help_text="Point out what was compassionate in it: warmth, understanding, wise ideas "
        "for action. Name it specifically, in their own words where you can, gently and "
        "briefly.",
    )
