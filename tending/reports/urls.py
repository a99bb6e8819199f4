from __future__ import annotations

from django.urls import path

from tending.reports import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.csv", views.caseload_csv, name="caseload_csv"),
    path("clients/<uuid:client_id>/progress/", views.client_progress, name="client_progress"),
    path(
        "clients/<uuid:client_id>/progress.pdf",
        views.client_progress_pdf,
        name="client_progress_pdf",
    ),
    path("clients/<uuid:client_id>/layers/", views.client_layers, name="client_layers"),
    path("clients/<uuid:client_id>/risk/", views.client_risk_history, name="client_risk_history"),
    path("clients/<uuid:client_id>/export.csv", views.client_csv, name="client_csv"),
    path("exports/data-dictionary/", views.data_dictionary, name="data_dictionary"),
]
