from __future__ import annotations

from django.urls import path

from tending.privacy import views

urlpatterns = [
    path("account/export/", views.export_own, name="privacy_export_own"),
    path(
        "clients/<uuid:client_id>/export/",
        views.export_for_client,
        name="privacy_export_client",
    ),
    path("organisation/erasure/", views.erase_start, name="privacy_erase_start"),
    path(
        "organisation/erasure/<uuid:client_id>/",
        views.erase_confirm,
        name="privacy_erase_confirm",
    ),
    path("organisation/erasure/<uuid:client_id>/erase/", views.erase, name="privacy_erase"),
]
