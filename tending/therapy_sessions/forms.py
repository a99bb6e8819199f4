from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.forms import BoundField

from tending.accounts.models import ClientProfile
from tending.assignments.models import Assignment
from tending.practices import library
from tending.practices.models import Practice
from tending.therapy_sessions import prompts
from tending.therapy_sessions.models import TherapySession
from tending.therapy_sessions.services import LayerValues, SessionValues

NOTE_LIMIT = 20_000

# What each lever means in the room: a short reminder beside its tick box.
LEVER_HINTS = {
    "support": "safeness, and helping realisations land",
    "model": "your own compassionate presence and manner",
    "shape": "making room for compassion to arise, and pointing it out",
    "train": "practising a compassion skill together",
}
# What belongs in each layer's note.
LAYER_HINTS = {
    1: "Safeness between you, moments of strain and repair, how you showed up.",
    2: "Realisations: the tricky brain, the three systems, what was shaped for them, "
    "'not my fault'.",
    3: "What they noticed as it arose: feelings, motives, self-criticism, and how they met it.",
    4: "Practices tried or planned, what helped, and any fears or blocks that came up.",
}
LEVER_CHOICES = [(key, f"{label}: {LEVER_HINTS[key]}") for key, label in library.LEVERS.items()]
YES_NO = [("yes", "Yes"), ("no", "No")]


def _note(label: str, rows: int = 4, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=NOTE_LIMIT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class SessionForm(forms.Form):
    """A session note. Layer fields are added per layer: `layer_1_levers`, `layer_1_note`..."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    date = forms.DateField(
        label="Date", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label="Start time (optional)",
        required=False,
        help_text="In the client's time zone.",
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )
    minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=1,
        max_value=600,
        initial=50,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    attendance = forms.ChoiceField(
        label="Attendance",
        choices=TherapySession.Attendance.choices,
        initial=TherapySession.Attendance.ATTENDED,
        widget=forms.RadioSelect,
    )
    format = forms.ChoiceField(
        label="Format",
        choices=TherapySession.Format.choices,
        initial=TherapySession.Format.IN_PERSON,
        widget=forms.RadioSelect,
    )
    practices = forms.MultipleChoiceField(
        label="Practices done in the session",
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )
    homework = forms.MultipleChoiceField(
        label="Homework set or reviewed",
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )
    risk_reviewed = forms.ChoiceField(
        label="Was risk reviewed in this session?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no."},
    )
    risk_note = _note("Risk note (optional)", rows=3)
    summary = _note("Summary and plan", rows=5)

    def __init__(
        self,
        *args: Any,
        practices: list[Practice],
        homework: list[Assignment],
        today: datetime.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self._practices = {str(p.public_id): p for p in practices}
        self._homework = {str(a.public_id): a for a in homework}
        self.fields["practices"].choices = [  # type: ignore[attr-defined]
            (key, f"{p.title} (layer {p.layer})") for key, p in self._practices.items()
        ]
        self.fields["homework"].choices = [  # type: ignore[attr-defined]
            (key, f"{a.title} ({a.get_status_display().lower()})")
            for key, a in self._homework.items()
        ]
        for number, name in library.LAYERS.items():
            phrase = ("the " if number == 1 else "") + name.lower()
            self.fields[f"layer_{number}_levers"] = forms.MultipleChoiceField(
                label=f"Levers used in {phrase}",
                required=False,
                choices=LEVER_CHOICES,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"layer_{number}_note"] = _note(
                f"Notes on {phrase}", help_text=LAYER_HINTS[number]
            )

    @classmethod
    def initial_for(cls, session: TherapySession) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(session, name) for name in SessionValues.FIELDS if name != "risk_reviewed"
        }
        initial["risk_reviewed"] = "yes" if session.risk_reviewed else "no"
        initial["version"] = session.version
        initial["practices"] = [str(p.public_id) for p in session.practices.all()]
        initial["homework"] = [str(a.public_id) for a in session.homework.all()]
        for note in session.layers.all():
            initial[f"layer_{note.layer}_levers"] = note.levers
            initial[f"layer_{note.layer}_note"] = note.text
        return initial

    def clean_date(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["date"]
        if day > self.today + datetime.timedelta(days=1):
            raise forms.ValidationError("Record a session once it has happened.")
        if day < datetime.date(2000, 1, 1):
            raise forms.ValidationError("Check the year.")
        return day

    def layer_fields(self) -> list[dict[str, Any]]:
        """The layer fields grouped for the template: number, name, levers, note."""
        return [
            {
                "number": number,
                "name": name,
                "levers": self[f"layer_{number}_levers"],
                "note": self[f"layer_{number}_note"],
            }
            for number, name in library.LAYERS.items()
        ]

    def typed_texts(self) -> list[dict[str, str]]:
        """Return the free text as posted (valid or not), labelled, for a page that must not
        lose it."""
        names = [f"layer_{n}_note" for n in library.LAYERS] + ["risk_note", "summary"]
        texts = []
        for name in names:
            value = str(self.data.get(self.add_prefix(name), ""))
            if value.strip():
                texts.append({"label": str(self.fields[name].label), "text": value})
        return texts

    def main_fields(self) -> list[BoundField]:
        return [self[name] for name in ("date", "start_time", "minutes", "attendance", "format")]

    def values(self) -> SessionValues:
        data = self.cleaned_data
        return SessionValues(
            date=data["date"],
            start_time=data["start_time"],
            minutes=data["minutes"],
            attendance=data["attendance"],
            format=data["format"],
            summary=data["summary"],
            risk_reviewed=data["risk_reviewed"] == "yes",
            risk_note=data["risk_note"],
            layers={
                number: LayerValues(
                    text=data[f"layer_{number}_note"],
                    levers=frozenset(data[f"layer_{number}_levers"]),
                )
                for number in library.LAYERS
            },
            practices=tuple(self._practices[key] for key in data["practices"]),
            homework=tuple(self._homework[key] for key in data["homework"]),
        )


class SignForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class AddendumForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Addendum",
        max_length=NOTE_LIMIT,
        help_text="Dated and added below the signed note. It cannot be changed afterwards.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class OwnPracticeForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    practice = forms.ChoiceField(label="Practice", choices=[])
    practised_on = forms.DateField(
        label="Day", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    minutes = forms.IntegerField(
        label="Minutes",
        min_value=1,
        max_value=300,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = _note("A note for yourself (optional)", rows=3)

    def __init__(
        self, *args: Any, practices: list[Practice], today: datetime.date, **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", "own")
        super().__init__(*args, **kwargs)
        self.today = today
        self._practices = {str(p.public_id): p for p in practices}
        self.fields["practice"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a practice"),
            *[(key, p.title) for key, p in self._practices.items()],
        ]

    def clean_practised_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["practised_on"]
        if day > self.today + datetime.timedelta(days=1) or day < datetime.date(2000, 1, 1):
            raise forms.ValidationError("Choose the day you practised.")
        return day

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "practice": self._practices[data["practice"]],
            "practised_on": data["practised_on"],
            "minutes": data["minutes"],
            "note": data["note"],
        }


class ReflectionForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    prompt = forms.ChoiceField(label="Prompt", choices=prompts.grouped_choices)
    text = forms.CharField(
        label="Your reflection",
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    client = forms.ChoiceField(
        label="About a client (optional)",
        required=False,
        help_text="It then also appears on that client's sessions page, for you alone.",
        choices=[],
    )

    def __init__(self, *args: Any, clients: list[ClientProfile], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "reflection")
        super().__init__(*args, **kwargs)
        self._clients = {str(c.public_id): c for c in clients}
        self.fields["client"].choices = [  # type: ignore[attr-defined]
            ("", "No client"),
            *[(key, c.name) for key, c in self._clients.items()],
        ]

    def chosen_client(self) -> ClientProfile | None:
        key = self.cleaned_data.get("client")
        return self._clients.get(key) if key else None

    def chosen_prompt(self) -> prompts.Prompt:
        return prompts.BY_KEY[self.cleaned_data["prompt"]]
