from __future__ import annotations

from typing import Any

from django import forms

from tending.understanding.definitions import ModuleDefinition

ANSWER_MAX = 10_000


class ReflectionForm(forms.Form):
    """The closing questions of a module; every answer may be left blank."""

    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, module: ModuleDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.module = module
        for prompt in module.prompts:
            self.fields[self.field_name(prompt.key)] = forms.CharField(
                label=prompt.text,
                required=False,
                max_length=ANSWER_MAX,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    @staticmethod
    def field_name(key: str) -> str:
        return "answer_" + key.replace("-", "_")

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[self.field_name(prompt.key)] for prompt in self.module.prompts]

    def answers(self) -> dict[str, str]:
        return {p.key: self.cleaned_data[self.field_name(p.key)] for p in self.module.prompts}
