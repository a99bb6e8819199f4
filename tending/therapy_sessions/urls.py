from __future__ import annotations

from django.urls import path

from tending.therapy_sessions.views import development, records, signing

urlpatterns = [
    path("clients/<uuid:client_id>/sessions/", records.client_sessions, name="client_sessions"),
    path("clients/<uuid:client_id>/sessions/new/", records.session_create, name="session_create"),
    path("sessions/<uuid:session_id>/", records.session_detail, name="session_detail"),
    path("sessions/<uuid:session_id>/edit/", records.session_edit, name="session_edit"),
    path("sessions/<uuid:session_id>/sign/", signing.session_sign, name="session_sign"),
    path("sessions/<uuid:session_id>/addenda/", signing.session_addendum, name="session_addendum"),
    path("sessions/<uuid:session_id>/delete/", signing.session_delete, name="session_delete"),
    path("development/", development.development, name="development"),
    path("development/practice/", development.development_practice, name="development_practice"),
    path(
        "development/reflections/",
        development.development_reflection,
        name="development_reflection",
    ),
]
