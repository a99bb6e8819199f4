from __future__ import annotations

from typing import Any

from django import forms

from tending.assignments.models import Assignment
from tending.formulation.parts import MAX_PART_LENGTH, PARTS
from tending.formulation.three_circles import MAX_RATING
from tending.web.text import WrittenText, normalise

RATINGS = [("", "Choose"), *[(str(n), str(n)) for n in range(MAX_RATING + 1)]]


class FormulationForm(forms.Form):
    """Every part of the formulation, each optional, plus the version the editor started from."""

    based_on = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for part in PARTS:
            self.fields[part.key] = WrittenText(
                label=part.question,
                help_text=part.help_text,
                required=False,
                max_length=MAX_PART_LENGTH,
                strip=False,  # kept as typed; normalised in clean()
                widget=forms.Textarea(attrs={"rows": 4 if part.side else 5}),
            )

    def texts(self) -> dict[str, str]:
        return {part.key: normalise(self.cleaned_data[part.key]) for part in PARTS}

    def part_fields(self, keys: tuple[str, ...]) -> list[forms.BoundField]:
        return [self[key] for key in keys]


class CirclesCheckInForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    threat = forms.TypedChoiceField(
        label="Threat", coerce=int, choices=RATINGS, help_text="Alarm, worry, anger, being on guard"
    )
    drive = forms.TypedChoiceField(
        label="Drive",
        coerce=int,
        choices=RATINGS,
        help_text="Wanting, striving, getting things done",
    )
    soothe = forms.TypedChoiceField(
        label="Soothe", coerce=int, choices=RATINGS, help_text="Calm, safe, content, connected"
    )
    threat_activators = forms.CharField(
        label="What sets off threat at the moment?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    drive_activators = forms.CharField(
        label="What feeds drive?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    soothe_activators = forms.CharField(
        label="What helps soothe?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label="Anything else you noticed (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ChangesForm(forms.Form):
    """Which two versions to compare; without a choice, the latest with the one before."""

    old = forms.TypedChoiceField(label="Compare", coerce=int)
    new = forms.TypedChoiceField(label="with", coerce=int)

    def __init__(
        self, data: Any = None, *, versions: list[tuple[int, str, Any]], latest: int
    ) -> None:
        if data is None and latest:
            data = {"old": str(latest - 1), "new": str(latest)}
        super().__init__(data)
        choices = [(str(number), f"Version {number} ({name})") for number, name, _ in versions]
        choices.append(("0", "Before anything was written"))
        for name in ("old", "new"):
            self.fields[name].choices = choices  # type: ignore[attr-defined]


class LinkForm(forms.Form):
    """Link one of the client's practice homework assignments to one part."""

    part = forms.ChoiceField(label="Part of the formulation", choices=[])
    assignment = forms.ChoiceField(label="Practice homework", choices=[])

    def __init__(self, *args: Any, assignments: list[Assignment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assignments = {str(a.public_id): a for a in assignments}
        self.fields["part"].choices = [("", "Choose a part"), *[(p.key, p.title) for p in PARTS]]  # type: ignore[attr-defined]
        self.fields["assignment"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a practice"),
            *[(key, _assignment_label(a)) for key, a in self.assignments.items()],
        ]

    def chosen(self) -> Assignment:
        return self.assignments[self.cleaned_data["assignment"]]


def _assignment_label(assignment: Assignment) -> str:
    if assignment.status == Assignment.Status.ACTIVE:
        return assignment.title
    return f"{assignment.title} ({assignment.get_status_display().lower()})"
