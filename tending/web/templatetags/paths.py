"""`{% path_to %}`: Django's `{% url %}`, with each address worked out once per process.

Every page's frame links to the same few pages, and reversing a URL name walks the URL
patterns each time: on the benchmark machine the frame's dozen `{% url %}` tags were about a
tenth of a cached dashboard's time (see `tending/web/paths.py`). Loaded as a template builtin
(settings.TEMPLATES), so templates need no `{% load %}`.
"""

from __future__ import annotations

from typing import Any

from django import template

from tending.web.paths import path_for

register = template.Library()


@register.simple_tag
def path_to(name: str, *args: Any) -> str:
    """The address of the page called `name`, like `{% url name arg %}`."""
    return path_for(name, *args)
