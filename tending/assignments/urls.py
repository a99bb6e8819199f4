from __future__ import annotations

from django.urls import path

from tending.assignments.views import clinician, today

urlpatterns = [
    path("today/", today.today, name="today"),
    path("reminders/", today.reminder_settings, name="reminder_settings"),
    path(
        "homework/<uuid:assignment_id>/questionnaire/",
        today.homework_questionnaire,
        name="homework_questionnaire",
    ),
    path(
        "clients/<uuid:client_id>/homework/",
        clinician.client_assignments,
        name="client_assignments",
    ),
    path(
        "clients/<uuid:client_id>/homework/new/",
        clinician.assignment_create,
        name="assignment_create",
    ),
    path("homework/<uuid:assignment_id>/", clinician.assignment_edit, name="assignment_edit"),
    path(
        "homework/<uuid:assignment_id>/status/",
        clinician.assignment_status,
        name="assignment_status",
    ),
]
