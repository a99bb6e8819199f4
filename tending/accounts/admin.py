"""Operators' admin: read what exists and switch accounts off; clinical work happens in Tending."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tending.accounts.models import ClientProfile, Membership, Organisation, User
from tending.revisions import services as revisions


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "name"]
    fields = ["email", "name", "is_active", "is_staff", "date_joined", "last_login"]
    readonly_fields = ["email", "date_joined", "last_login"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "created_at"]
    fields = ["name", "crisis_message"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    raw_id_fields = ["user"]

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        revisions.caseload_changed(obj.user_id)  # another organisation: another caseload


@admin.register(ClientProfile)
class ClientProfileAdmin(admin.ModelAdmin[ClientProfile]):
    list_display = ["public_id", "organisation", "primary_clinician"]
    fields = ["organisation", "primary_clinician"]
    readonly_fields = ["organisation"]

    def save_model(self, request: HttpRequest, obj: ClientProfile, form: Any, change: bool) -> None:
        previous = form.initial.get("primary_clinician") if change else None
        super().save_model(request, obj, form, change)
        revisions.client_changed(obj, previous_clinician_id=previous)
