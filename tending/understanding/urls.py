from __future__ import annotations

from django.urls import path

from tending.understanding import views

urlpatterns = [
    path("understanding/", views.understanding_list, name="understanding_list"),
    path(
        "understanding/<slug:module_key>/", views.understanding_module, name="understanding_module"
    ),
    path(
        "understanding/<slug:module_key>/finish/",
        views.understanding_finish,
        name="understanding_finish",
    ),
    path(
        "clients/<uuid:client_id>/understanding/",
        views.client_understanding,
        name="client_understanding",
    ),
]
