"""Page addresses worked out once per process.

Reversing a URL name walks the URL patterns each time. An address depends only on the URL
configuration, the script prefix the site is served under, the name and its arguments, so
it is kept under all four (a bounded cache: a busy clinic's pages name a few thousand
records at most). Used by `{% path_to %}` and the `get_absolute_url` of records shown on
every staff page.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@functools.lru_cache(maxsize=4096)
def _path(root: str, urlconf: str | None, prefix: str, name: str, args: tuple[str, ...]) -> str:
    return reverse(name, urlconf=urlconf, args=args)


def site() -> tuple[str, str | None, str]:
    """What every address depends on besides the page: the root and current URL
    configurations and the script prefix. Key any cache of addresses on it."""
    return settings.ROOT_URLCONF, get_urlconf(), get_script_prefix()


def path_for(name: str, *args: Any) -> str:
    """The address of the page called `name`, as `reverse(name, args=args)` gives it."""
    return _path(*site(), name, tuple(map(str, args)))
