"""A broken practice file fails `tending check` (and so CI) before anyone meets it."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from tending.practices.library import LibraryError, read_library


@register()
def check_practice_library(**kwargs: Any) -> list[CheckMessage]:
    try:
        read_library()
    except LibraryError as error:
        return [Error(f"Practice library: {error}", id="practices.E001")]
    return []
