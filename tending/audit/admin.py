"""Operators may read the trail in Django's admin; nobody may add, change or delete there."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tending.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["occurred_at", "action", "outcome", "actor_role", "actor_id", "client_id"]
    list_filter = ["action", "outcome", "actor_role"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
