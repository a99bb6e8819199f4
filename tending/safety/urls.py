from __future__ import annotations

from django.urls import path

from tending.safety.views import contact, episodes

urlpatterns = [
    path("my/contact-details/", contact.my_contact_details, name="my_contact_details"),
    path(
        "clients/<uuid:client_id>/contact-details/",
        contact.client_contact_details,
        name="client_contact_details",
    ),
    path("risk/<uuid:episode_id>/", episodes.risk_episode_detail, name="risk_episode_detail"),
    path("alerts/<uuid:alert_id>/", episodes.risk_answer_link, name="risk_alert_detail"),
]
