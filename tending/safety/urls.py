from __future__ import annotations

from django.urls import path

from tending.safety.views import episodes

urlpatterns = [
    path("risk/<uuid:episode_id>/", episodes.risk_episode_detail, name="risk_episode_detail"),
    path("alerts/<uuid:alert_id>/", episodes.risk_answer_link, name="risk_alert_detail"),
]
