from __future__ import annotations

from django.urls import path

from tending.practices.views import history, library, player, recordings

urlpatterns = [
    path("practices/", library.practice_list, name="practice_list"),
    path("practices/new/", library.practice_create, name="practice_create"),
    path("practices/<uuid:practice_id>/", library.practice_detail, name="practice_detail"),
    path("practices/<uuid:practice_id>/edit/", library.practice_edit, name="practice_edit"),
    path("practices/<uuid:practice_id>/play/", player.practice_play, name="practice_play"),
    path("practices/<uuid:practice_id>/log/", player.practice_log_save, name="practice_log_save"),
    path(
        "practices/<uuid:practice_id>/recording/",
        recordings.recording_upload,
        name="recording_upload",
    ),
    path("practice-log/<uuid:log_id>/", player.practice_log_detail, name="practice_log_detail"),
    path("ground/", player.grounding, name="grounding"),
    path("my-practice/", history.my_practice, name="my_practice"),
    path("clients/<uuid:client_id>/practice/", history.client_practice, name="client_practice"),
    path("recordings/<uuid:recording_id>/", recordings.recording_audio, name="recording_audio"),
    path(
        "recordings/<uuid:recording_id>/delete/",
        recordings.recording_delete,
        name="recording_delete",
    ),
]
