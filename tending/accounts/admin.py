"""Operators' admin: read what exists and switch accounts off; clinical work happens in Tending."""

from __future__ import annotations

from django.contrib import admin

from tending.accounts.models import ClientProfile, Membership, Organisation, User


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


@admin.register(ClientProfile)
class ClientProfileAdmin(admin.ModelAdmin[ClientProfile]):
    list_display = ["public_id", "organisation", "primary_clinician"]
    fields = ["organisation", "primary_clinician"]
    readonly_fields = ["organisation"]
