from __future__ import annotations

import functools
from typing import Any

from django import forms

from tending.assignments import schedules
from tending.assignments.models import Assignment
from tending.measures.definitions import load_definitions
from tending.measures.forms import (
    NEEDS_WORDING,
    NEEDS_WORDING_HELP,
    MeasureSelect,
    needs_wording_error,
)

WEEKDAY_CHOICES = [
    (str(n), name)
    for n, name in enumerate(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    )
]


class AssignmentForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    what = forms.ChoiceField(label="What")
    instructions = forms.CharField(
        label="A note for your client (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    repeat = forms.ChoiceField(
        label="How often", choices=Assignment.Repeat.choices, widget=forms.RadioSelect
    )
    weekdays = forms.MultipleChoiceField(
        label="On these days",
        required=False,
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    interval = forms.IntegerField(
        label="Every how many days or weeks",
        min_value=1,
        max_value=365,
        initial=1,
        help_text="Used by “every few days” and “every few weeks”; 2 weeks is fortnightly.",
    )
    start_date = forms.DateField(
        label="Start", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label="End (optional)",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    window_start = forms.TimeField(
        label="From (optional)",
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        help_text="A time window in the client's own time zone, for example 08:00 to 10:00.",
    )
    window_end = forms.TimeField(
        label="Until (optional)",
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )

    def __init__(
        self,
        *args: Any,
        practices: list[tuple[str, str]],
        time_zone: str,
        answerable: set[str],
        **kwargs: Any,
    ) -> None:
        """`answerable`: the questionnaires the client can answer online (H-005)."""
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone
        self.answerable = answerable
        definitions = sorted(load_definitions().values(), key=lambda d: d.short_title)
        measures = [
            (
                f"measure:{d.key}",
                d.short_title + ("" if d.key in answerable else f" ({NEEDS_WORDING})"),
            )
            for d in definitions
        ]
        unavailable = [f"measure:{d.key}" for d in definitions if d.key not in answerable]
        # The widget first: setting the choices hands them to it.
        self.fields["what"].widget = MeasureSelect(unavailable=unavailable)
        self.fields["what"].choices = [  # type: ignore[attr-defined]
            ("", "Choose…"),
            ("Practices", practices),
            ("Questionnaires", measures),
        ]
        if unavailable:
            self.fields["what"].help_text = NEEDS_WORDING_HELP

    def clean_what(self) -> str:
        what: str = self.cleaned_data["what"]
        kind, _, key = what.partition(":")
        if kind == "measure" and key not in self.answerable:
            raise forms.ValidationError(needs_wording_error(load_definitions()[key]))
        return what

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            schedules.Schedule(
                kind=cleaned["repeat"],
                start=cleaned["start_date"],
                end=cleaned.get("end_date"),
                weekdays=frozenset(int(day) for day in cleaned.get("weekdays") or []),
                interval=cleaned["interval"],
                window_start=cleaned.get("window_start"),
                window_end=cleaned.get("window_end"),
                time_zone=self.time_zone,
            )
        except schedules.ScheduleError as error:
            raise forms.ValidationError(f"This schedule cannot work: {error}.") from None
        return cleaned

    def values(self, practice_for: Any) -> dict[str, Any]:
        data = self.cleaned_data
        kind, _, reference = data["what"].partition(":")
        return {
            "token": data["token"],
            "kind": kind,
            "practice": practice_for(reference) if kind == "practice" else None,
            "measure_key": reference if kind == "measure" else "",
            "instructions": data["instructions"],
            "repeat": data["repeat"],
            "weekdays": sorted(int(day) for day in data.get("weekdays") or []),
            "interval": data["interval"],
            "start_date": data["start_date"],
            "end_date": data.get("end_date"),
            "window_start": data.get("window_start"),
            "window_end": data.get("window_end"),
        }

    @staticmethod
    def initial_for(assignment: Assignment) -> dict[str, Any]:
        what = (
            f"practice:{assignment.practice.public_id}"
            if assignment.practice is not None
            else f"measure:{assignment.measure_key}"
        )
        return {
            "what": what,
            "instructions": assignment.instructions,
            "repeat": assignment.repeat,
            "weekdays": [str(day) for day in assignment.weekdays],
            "interval": assignment.interval,
            "start_date": assignment.start_date,
            "end_date": assignment.end_date,
            "window_start": assignment.window_start,
            "window_end": assignment.window_end,
        }


class ReminderForm(forms.Form):
    enabled = forms.BooleanField(label="Send me e-mail reminders", required=False)
    at = forms.TimeField(
        label="At this time",
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        help_text="If something has a later time window, the reminder waits for it.",
    )
    time_zone = forms.ChoiceField(label="My time zone")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = _zone_choices()  # type: ignore[attr-defined]


@functools.cache
def _zone_choices() -> list[tuple[str, str]]:
    """Every named time zone, read from disk once per process (it opens every zone file)."""
    from zoneinfo import available_timezones

    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return [(z, z.replace("_", " ")) for z in zones]
