"""Free text as people type it into a form.

Browsers send a line break in a text box as two characters (CR LF), while the person (and the
browser's own counter) counts one. `WrittenText` reads line breaks as one character before the
length is checked, so "at most 2,000 characters" means what the person sees; `normalise` is
how such text is compared and stored.
"""

from __future__ import annotations

from typing import Any

from django import forms


def normalise(text: str) -> str:
    """Return text as it is compared and stored: one kind of line ending, no trailing space."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


class WrittenText(forms.CharField):
    """A text box whose length counts each line break once."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return text.replace("\r\n", "\n").replace("\r", "\n")
