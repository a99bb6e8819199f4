from __future__ import annotations

from typing import Any

from django import forms

from tending.measures.definitions import Definition, load_definitions
from tending.measures.services import Presentation


class QuestionnaireForm(forms.Form):
    """One radio group per item, labelled with the response scale.

    Clients must answer every item; a clinician entering a paper form may leave an item blank,
    and the response is then stored as incomplete (no total, no imputed risk answer).
    """

    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        definition: Definition,
        presentation: Presentation,
        all_required: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        scale = definition.scale
        choices = [
            (str(value), f"{value}: {label}" if label != str(value) else str(value))
            for value, label in zip(
                range(scale.min, scale.max + 1), presentation.labels, strict=True
            )
        ]
        for item, text in zip(definition.items, presentation.items, strict=True):
            self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                label=f"{item.number}. {text}",
                choices=choices,
                coerce=int,
                required=all_required,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={"required": "Please choose an answer for this item."},
            )

    def answers(self) -> dict[int, int | None]:
        return {
            item.number: self.cleaned_data[f"item_{item.number}"] for item in self.definition.items
        }

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{item.number}"] for item in self.definition.items]


class RequestForm(forms.Form):
    measure = forms.ChoiceField(label="Questionnaire")
    show_summary = forms.BooleanField(
        label="Show them a plain-language summary of their scores afterwards", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [  # type: ignore[attr-defined]
            (d.key, f"{d.short_title}: {d.construct}")
            for d in sorted(load_definitions().values(), key=lambda d: d.short_title)
        ]


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="What you did or will do",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: phoned the client, completed a risk assessment, safety plan "
        "reviewed. Kept encrypted, and recorded in the audit trail that you acknowledged.",
    )
