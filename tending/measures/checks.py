"""A broken questionnaire definition fails `tending check` (and so CI)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from tending.measures.definitions import DefinitionError, read_definitions


@register()
def check_measure_definitions(**kwargs: Any) -> list[CheckMessage]:
    try:
        read_definitions()
    except DefinitionError as error:
        return [Error(f"Questionnaire definition: {error}", id="measures.E001")]
    return []
