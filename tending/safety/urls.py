from __future__ import annotations

from django.urls import path

from tending.safety.views import contact, episodes, plan
from tending.safety.views.help import crisis_help

urlpatterns = [
    path("help/", crisis_help, name="help"),
    path("my/contact-details/", contact.my_contact_details, name="my_contact_details"),
    path(
        "clients/<uuid:client_id>/contact-details/",
        contact.client_contact_details,
        name="client_contact_details",
    ),
    path("risk/<uuid:episode_id>/", episodes.risk_episode_detail, name="risk_episode_detail"),
    path("alerts/<uuid:alert_id>/", episodes.risk_answer_link, name="risk_alert_detail"),
    # The client's own safety plan.
    path("my/safety-plan/", plan.my_safety_plan, name="my_safety_plan"),
    path("my/safety-plan/edit/", plan.my_safety_plan_edit, name="my_safety_plan_edit"),
    path("my/safety-plan/history/", plan.my_safety_plan_history, name="my_safety_plan_history"),
    path("my/safety-plan/pdf/", plan.my_safety_plan_pdf, name="my_safety_plan_pdf"),
    # Their primary clinician's view of it.
    path(
        "clients/<uuid:client_id>/safety-plan/",
        plan.client_safety_plan,
        name="client_safety_plan",
    ),
    path(
        "clients/<uuid:client_id>/safety-plan/edit/",
        plan.client_safety_plan_edit,
        name="client_safety_plan_edit",
    ),
    path(
        "clients/<uuid:client_id>/safety-plan/history/",
        plan.client_safety_plan_history,
        name="client_safety_plan_history",
    ),
    path(
        "clients/<uuid:client_id>/safety-plan/pdf/",
        plan.client_safety_plan_pdf,
        name="client_safety_plan_pdf",
    ),
    path(
        "clients/<uuid:client_id>/safety-plan/reviewed/",
        plan.client_safety_plan_reviewed,
        name="client_safety_plan_reviewed",
    ),
]
