from __future__ import annotations

from django.urls import path

from tending.formulation.views import circles, formulation, links

urlpatterns = [
    # The client's own pages.
    path("formulation/", formulation.my_formulation, name="my_formulation"),
    path("formulation/edit/", formulation.my_formulation_edit, name="my_formulation_edit"),
    path("formulation/history/", formulation.my_formulation_history, name="my_formulation_history"),
    path("formulation/changes/", formulation.my_formulation_changes, name="my_formulation_changes"),
    path("three-circles/", circles.my_circles, name="my_circles"),
    path("three-circles/new/", circles.my_circles_new, name="my_circles_new"),
    # The clinician's view of a client on their caseload.
    path(
        "clients/<uuid:client_id>/formulation/",
        formulation.client_formulation,
        name="client_formulation",
    ),
    path(
        "clients/<uuid:client_id>/formulation/edit/",
        formulation.client_formulation_edit,
        name="client_formulation_edit",
    ),
    path(
        "clients/<uuid:client_id>/formulation/history/",
        formulation.client_formulation_history,
        name="client_formulation_history",
    ),
    path(
        "clients/<uuid:client_id>/formulation/changes/",
        formulation.client_formulation_changes,
        name="client_formulation_changes",
    ),
    path(
        "clients/<uuid:client_id>/formulation/links/",
        links.formulation_link_add,
        name="formulation_link_add",
    ),
    path(
        "formulation-links/<uuid:link_id>/remove/",
        links.formulation_link_remove,
        name="formulation_link_remove",
    ),
    path("clients/<uuid:client_id>/three-circles/", circles.client_circles, name="client_circles"),
    path(
        "clients/<uuid:client_id>/three-circles/new/",
        circles.client_circles_new,
        name="client_circles_new",
    ),
]
