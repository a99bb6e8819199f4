"""The safety plan form: every part, each optional, and the version the writer started from."""

from __future__ import annotations

from typing import Any

from django import forms

from tending.safety.plan_parts import PART_MAX_LENGTH, PLAN_PARTS
from tending.web.text import WrittenText, normalise

TOO_LONG = (
    "This part has %(show_value)d characters, and a part can hold %(limit_value)d. Please "
    "shorten it a little; everything you wrote is still in the box."
)


class SafetyPlanForm(forms.Form):
    based_on = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for part in PLAN_PARTS:
            field = WrittenText(
                label=part.title,
                help_text=part.prompt,  # shown by the template with the hint
                required=False,
                max_length=PART_MAX_LENGTH,
                strip=False,  # kept as typed; normalised when saved
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={"max_length": TOO_LONG},
            )
            # Without the browser's maxlength, pasting a long text keeps all of it and the
            # message above says what to do, instead of the end being cut off unseen.
            field.widget.attrs.pop("maxlength", None)
            self.fields[part.key] = field

    def texts(self) -> dict[str, str]:
        return {part.key: normalise(self.cleaned_data[part.key]) for part in PLAN_PARTS}

    def parts(self) -> list[tuple[Any, forms.BoundField]]:
        return [(part, self[part.key]) for part in PLAN_PARTS]


class ReviewForm(forms.Form):
    """The version the clinician read when they mark the plan reviewed."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
