from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """Web plumbing that is not about people: response headers, sessions, kept forms, error
    pages, downloads and page addresses. It imports no domain app and no accounts code."""

    name = "tending.web"
    label = "web"
    verbose_name = "Web plumbing"
