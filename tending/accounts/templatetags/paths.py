"""`{% path_to %}`: Django's `{% url %}`, with each address worked out once per process.

Every page's frame links to the same few pages, and reversing a URL name walks the URL
patterns each time: on the benchmark machine the frame's dozen `{% url %}` tags were about a
tenth of a cached dashboard's time. An address depends only on the URL configuration, the
script prefix the site is served under, the name and its arguments, so it is kept under all
four. Loaded as a template builtin (settings.TEMPLATES), so templates need no `{% load %}`.
"""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@functools.lru_cache(maxsize=4096)
def _path(root: str, urlconf: str | None, prefix: str, name: str, args: tuple[str, ...]) -> str:
    return reverse(name, urlconf=urlconf, args=args)


@register.simple_tag
def path_to(name: str, *args: Any) -> str:
    """The address of the page called `name`, like `{% url name arg %}`."""
    return _path(
        settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), name, tuple(map(str, args))
    )
