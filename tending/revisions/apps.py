from __future__ import annotations

from django.apps import AppConfig


class RevisionsConfig(AppConfig):
    """The revision counters that key cached pages, and the in-process caches kept under them."""

    name = "tending.revisions"
    label = "revisions"
    verbose_name = "Cache revisions"
