from __future__ import annotations

from collections.abc import Iterable
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


NEEDS_WORDING = "needs your organisation's licensed wording"
NEEDS_WORDING_HELP = (
    "Some questionnaires ship without their item wording, for licence reasons. Clients can "
    "answer them online once your organisation has imported its licensed wording (ask your "
    "administrator; see “tending measures import-wording” in the README). Until then, you can "
    "enter answers given on paper."
)


def needs_wording_error(definition: Definition) -> str:
    """The form error for a questionnaire a client could not read (H-005)."""
    return (
        f"The {definition.short_title} {NEEDS_WORDING} before a client can answer it online. "
        "You can enter their answers from the licensed paper form instead."
    )


class MeasureSelect(forms.Select):
    """A select whose questionnaires without wording are shown, greyed out, but not chosen."""

    def __init__(self, *args: Any, unavailable: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unavailable = set(unavailable)

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        if option["value"] in self.unavailable:
            option["attrs"]["disabled"] = True
        return option


class RequestForm(forms.Form):
    measure = forms.ChoiceField(label="Questionnaire")
    show_summary = forms.BooleanField(
        label="Show them a plain-language summary of their scores afterwards", required=False
    )

    def __init__(self, *args: Any, answerable: set[str], **kwargs: Any) -> None:
        """`answerable`: the keys the client can answer online (`answerable_online`)."""
        super().__init__(*args, **kwargs)
        definitions = sorted(load_definitions().values(), key=lambda d: d.short_title)
        self.answerable = answerable
        unavailable = [d.key for d in definitions if d.key not in answerable]
        # The widget first: setting the choices hands them to it.
        self.fields["measure"].widget = MeasureSelect(unavailable=unavailable)
        self.fields["measure"].choices = [  # type: ignore[attr-defined]
            (
                d.key,
                f"{d.short_title}: {d.construct}"
                + ("" if d.key in answerable else f" ({NEEDS_WORDING})"),
            )
            for d in definitions
        ]
        if unavailable:
            self.fields["measure"].help_text = NEEDS_WORDING_HELP

    def clean_measure(self) -> str:
        key: str = self.cleaned_data["measure"]
        if key not in self.answerable:
            raise forms.ValidationError(needs_wording_error(load_definitions()[key]))
        return key
