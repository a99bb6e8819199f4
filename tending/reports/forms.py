from __future__ import annotations

from datetime import date

from django import forms

from tending.reports.progress import DEFAULT_PERIOD, PERIODS


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in PERIODS.items()],
        required=False,
        initial=DEFAULT_PERIOD,
        label="Period",
    )
    start = forms.DateField(
        required=False,
        label="Or from a date",
        help_text="Shows everything from this date until today.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter a date as year-month-day, for example 2026-03-01."},
    )

    def __init__(self, *args: object, today: date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.today = today

    def clean_start(self) -> date | None:
        start: date | None = self.cleaned_data.get("start")
        if start is not None and start > self.today:
            raise forms.ValidationError("Choose a date that is not in the future.")
        if start is not None and start.year < 2000:
            raise forms.ValidationError("Choose a date from 2000 onwards.")
        return start
