"""A broken module file fails `tending check` (and so CI) before any client meets it."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from tending.understanding.definitions import ModuleError, read_modules


@register()
def check_understanding_modules(**kwargs: Any) -> list[CheckMessage]:
    try:
        read_modules()
    except ModuleError as error:
        return [Error(f"Understanding modules: {error}", id="understanding.E001")]
    return []
