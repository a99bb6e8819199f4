from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from tending.practices import library, upload_limit
from tending.practices.models import PracticeLog

LENGTHS = {"short": (1, 5), "medium": (6, 15), "long": (16, 60)}
SCALE = [("", "—"), *[(str(n), str(n)) for n in range(11)]]
TIMED_STEP = re.compile(r"\((\d{1,3})\s*(?:s|sec|secs|seconds?)\)\s*$", re.IGNORECASE)


class LibraryFilterForm(forms.Form):
    layer = forms.TypedChoiceField(
        label="Layer",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any layer"), *[(n, f"{n}. {name}") for n, name in library.LAYERS.items()]],
    )
    process = forms.ChoiceField(
        label="Process it targets",
        required=False,
        choices=[("", "Any process"), *library.PROCESSES.items()],
    )
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *library.KINDS.items()]
    )
    length = forms.ChoiceField(
        label="Length",
        required=False,
        choices=[
            ("", "Any length"),
            ("short", "Up to 5 minutes"),
            ("medium", "6 to 15 minutes"),
            ("long", "More than 15 minutes"),
        ],
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class PracticeForm(forms.Form):
    """A clinician's own practice. Steps are written one per line."""

    title = forms.CharField(max_length=80)
    summary = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    layer = forms.TypedChoiceField(
        coerce=int, choices=list(library.LAYERS.items()), widget=forms.RadioSelect
    )
    processes = forms.MultipleChoiceField(
        label="Processes it targets",
        choices=list(library.PROCESSES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    aspects = forms.MultipleChoiceField(
        label="Aspects of compassion",
        choices=list(library.ASPECTS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    lever = forms.ChoiceField(choices=list(library.LEVERS.items()), widget=forms.RadioSelect)
    kind = forms.ChoiceField(choices=list(library.KINDS.items()))
    minutes = forms.IntegerField(label="Typical minutes", min_value=1, max_value=60)
    player = forms.ChoiceField(
        label="How it plays",
        choices=list(library.PLAYERS.items()),
        widget=forms.RadioSelect,
        initial="steps",
    )
    steps = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One step per line. To move on by itself, end a line with the seconds in "
        "brackets, for example: Notice your feet on the floor. (20 seconds)",
    )
    cautions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line.",
    )
    alternatives = forms.MultipleChoiceField(
        label="Gentler alternatives",
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )
    sources = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="One per line."
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, alternatives: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["alternatives"].choices = alternatives  # type: ignore[attr-defined]

    def clean_steps(self) -> list[dict[str, Any]]:
        steps = []
        for line in _lines(self.cleaned_data["steps"]):
            match = TIMED_STEP.search(line)
            seconds = int(match.group(1)) if match else None
            text = TIMED_STEP.sub("", line).strip() if match else line
            if seconds is not None and not 5 <= seconds <= 600:
                raise forms.ValidationError("Give timed steps between 5 and 600 seconds.")
            if len(text) > 600:
                raise forms.ValidationError("Keep each step under 600 characters.")
            steps.append({"text": text, "seconds": seconds})
        if not 1 <= len(steps) <= 12:
            raise forms.ValidationError("Write between 1 and 12 steps, one per line.")
        return steps

    def clean_cautions(self) -> list[str]:
        return _lines(self.cleaned_data["cautions"])

    def clean_sources(self) -> list[str]:
        return _lines(self.cleaned_data["sources"])

    @staticmethod
    def initial_for(practice: Any) -> dict[str, Any]:
        def step_line(step: dict[str, Any]) -> str:
            seconds = step.get("seconds")
            return f"{step['text']} ({seconds} seconds)" if seconds else step["text"]

        return {
            "title": practice.title,
            "summary": practice.summary,
            "layer": practice.layer,
            "processes": practice.processes,
            "aspects": practice.aspects,
            "lever": practice.lever,
            "kind": practice.kind,
            "minutes": practice.minutes,
            "player": practice.player,
            "steps": "\n".join(step_line(step) for step in practice.steps),
            "cautions": "\n".join(practice.cautions),
            "alternatives": practice.alternatives,
            "sources": "\n".join(practice.sources),
            "version": practice.version,
        }


def _scale(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, required=False, coerce=int, empty_value=None, choices=SCALE
    )


class PracticeLogForm(forms.Form):
    """What the player posts when a practice ends. Works with or without JavaScript."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    started_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    seconds = forms.IntegerField(
        required=False, min_value=0, max_value=6 * 60 * 60, widget=forms.HiddenInput
    )
    minutes = forms.IntegerField(
        label="Minutes you practised",
        required=False,
        min_value=0,
        max_value=360,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    outcome = forms.ChoiceField(
        choices=PracticeLog.Outcome.choices,
        initial=PracticeLog.Outcome.COMPLETED,
        widget=forms.HiddenInput,
    )
    before_threat = _scale("Threat (alarm, worry, anger)")
    before_drive = _scale("Drive (wanting, striving)")
    before_soothe = _scale("Soothe (calm, safe, connected)")
    after_threat = _scale("Threat (alarm, worry, anger)")
    after_drive = _scale("Drive (wanting, striving)")
    after_soothe = _scale("Soothe (calm, safe, connected)")
    feeling = forms.ChoiceField(
        label="How did that feel?",
        required=False,
        choices=PracticeLog.Feeling.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="A note for yourself (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note_shared = forms.BooleanField(
        label="Let my therapist read this note", required=False, initial=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        now = timezone.now()
        seconds = cleaned.get("seconds")
        if seconds is None:
            minutes = cleaned.get("minutes")
            seconds = (minutes or 0) * 60
        started = cleaned.get("started_at") or now - timedelta(seconds=seconds)
        if started + timedelta(seconds=seconds) > now or started < now - timedelta(days=2):
            started = now - timedelta(seconds=seconds)  # a phone with a wrong clock
        cleaned["seconds_practised"] = seconds
        cleaned["started_at"] = started
        cleaned["ended_at"] = min(now, started + timedelta(seconds=seconds))
        return cleaned

    def log_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = [
            "token",
            "started_at",
            "ended_at",
            "outcome",
            "seconds_practised",
            "before_threat",
            "before_drive",
            "before_soothe",
            "after_threat",
            "after_drive",
            "after_soothe",
            "feeling",
            "note",
            "note_shared",
        ]
        return {name: data[name] for name in names}


class RecordingForm(forms.Form):
    audio = forms.FileField(
        label="Audio file",
        help_text="MP3, M4A, WAV, Ogg, FLAC or WebM, up to "
        f"{settings.RECORDING_MAX_BYTES // (1024 * 1024)} MB and "
        f"{settings.RECORDING_MAX_SECONDS // 60} minutes.",
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # recorder.js refuses a file over the limit before sending it (see upload_limit.py).
        self.fields["audio"].widget.attrs["data-max-bytes"] = str(settings.RECORDING_MAX_BYTES)

    @property
    def too_large_message(self) -> str:
        return upload_limit.too_large_message()

    @classmethod
    def refused(cls, message: str) -> RecordingForm:
        """Return the form as shown after an upload was refused unread: `message` on the file."""
        form = cls(data={}, files=MultiValueDict())
        form.errors["audio"] = form.error_class([message])
        return form
