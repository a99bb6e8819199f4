from __future__ import annotations

from django.urls import path

from tending.measures.views import client, clinician

urlpatterns = [
    path("questionnaires/", client.questionnaire_list, name="questionnaire_list"),
    path("questionnaires/<uuid:request_id>/", client.questionnaire_take, name="questionnaire_take"),
    path("responses/<uuid:response_id>/", client.response_detail, name="response_detail"),
    path("clients/<uuid:client_id>/measures/", clinician.client_measures, name="client_measures"),
    path(
        "clients/<uuid:client_id>/measures/request/",
        clinician.measure_request,
        name="measure_request",
    ),
    path(
        "clients/<uuid:client_id>/measures/<slug:measure_key>/paper/",
        clinician.paper_entry,
        name="paper_entry",
    ),
    path("responses/<uuid:response_id>/fhir/", clinician.response_fhir, name="response_fhir"),
    path(
        "measures/<slug:measure_key>/fhir/", clinician.questionnaire_fhir, name="questionnaire_fhir"
    ),
]
