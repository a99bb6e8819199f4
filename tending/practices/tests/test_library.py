from __future__ import annotations

import shutil

import pytest
import yaml
from django.urls import reverse

from tending.audit.models import AuditEvent
from tending.practices import checks, library
from tending.practices.models import Practice
from tending.practices.services import load_builtin_practices
from tending.testing.personas import sign_in

REQUIRED = {
    "soothing-rhythm-breathing",
    "compassionate-break",
    "mindfulness-of-breath",
    "mindfulness-of-sounds",
    "body-scan",
    "safe-place",
    "compassionate-colour",
    "compassionate-self",
    "ideal-compassionate-other",
    "compassion-flowing-out",
    "compassion-flowing-in",
    "compassion-to-self",
    "compassionate-letter",
    "three-circles-check-in",
}


def test_every_required_practice_is_in_the_database_after_migrate(db):
    builtins = Practice.objects.filter(organisation__isnull=True)
    assert set(builtins.values_list("key", flat=True)) >= REQUIRED
    breathing = builtins.get(key="soothing-rhythm-breathing")
    assert breathing.player == "pacer"
    assert breathing.alternatives == ["mindfulness-of-sounds"]
    assert all(step["text"] for step in breathing.steps)


@pytest.fixture
def library_copy(tmp_path, monkeypatch):
    folder = tmp_path / "library"
    shutil.copytree(library.LIBRARY_DIR, folder)
    monkeypatch.setattr(library, "LIBRARY_DIR", folder)
    monkeypatch.setattr(library.read_library, "__defaults__", (folder,))
    return folder


def rewrite(folder, practice, **changes):
    path = folder / f"{practice}.yaml"
    data = yaml.safe_load(path.read_text())
    for name, value in changes.items():
        if value is None:
            data.pop(name)
        else:
            data[name] = value
    path.write_text(yaml.safe_dump(data))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"processes": ["calmness"]}, "processes[0]: Input should be 'soothe-system', "),
        ({"processes": []}, "processes: has 0 entries; at least 1 needed"),
        ({"aspects": ["kindness"]}, "aspects[0]: Input should be 'motivation', "),
        ({"aspects": []}, "aspects: has 0 entries; at least 1 needed"),
        ({"sources": None}, "sources: Field required"),
        ({"sources": []}, "sources: has 0 entries; at least 1 needed"),
        ({"sources": ["  "]}, "sources[0]: String should have at least 1 character"),
        ({"cautions": "Take care."}, "cautions: must be a list"),
        ({"alternatives": ["no-such-practice"]}, "alternatives[0]: 'no-such-practice' is not"),
        ({"alternatives": ["body-scan"]}, "alternatives[0]: 'body-scan' is not another practice"),
        ({"layer": 5}, "layer: Input should be 1, 2, 3 or 4"),
        ({"lever": "push"}, "lever: Input should be 'support', 'model', 'shape' or 'train'"),
        ({"kind": "dance"}, "kind: Input should be 'breathing', "),
        ({"player": "video"}, "player: Input should be 'steps', 'pacer' or 'timer'"),
        ({"version": 0}, "version: Input should be greater than or equal to 1"),
        ({"version": "2"}, "version: Input should be a valid integer"),
        ({"minutes": 61}, "minutes: Input should be less than or equal to 60"),
        ({"title": "x" * 81}, "title: String should have at most 80 characters"),
        ({"summary": " "}, "summary: String should have at least 1 character"),
        ({"steps": [{"text": "Breathe.", "seconds": 2}]}, "steps[0].seconds: Input should be"),
        ({"steps": [{"text": "Breathe.", "seconds": 601}]}, "steps[0].seconds: Input should be"),
        ({"steps": [{"seconds": 20}]}, "steps[0].text: Field required"),
        ({"steps": [{"text": "x" * 601}]}, "steps[0].text: String should have at most 600"),
        ({"steps": [{"text": "Breathe.", "pause": 3}]}, "steps[0].pause: is not a field here"),
        ({"steps": []}, "steps: has 0 entries; at least 1 needed"),
        ({"steps": [{"text": "Breathe."}] * 13}, "steps: has 13 entries; at most 12 allowed"),
        ({"sumary": "A typo."}, "sumary: is not a field here; check its spelling"),
        ({"key": "another-key"}, "key: 'another-key' must match the file name"),
        ({"key": "Body_Scan"}, "key: String should match pattern"),
    ],
)
def test_a_broken_file_fails_the_system_check_naming_file_and_problem(
    library_copy, changes, message
):
    rewrite(library_copy, "body-scan", **changes)
    errors = checks.check_practice_library()
    assert len(errors) == 1
    assert errors[0].id == "practices.E001"
    assert f"Practice library: body-scan.yaml: {message}" in errors[0].msg


def test_texts_are_read_without_the_spaces_around_them(library_copy):
    rewrite(library_copy, "body-scan", title="  Body scan  ", steps=[{"text": " Rest. "}])
    practice = library.read_library()["body-scan"]
    assert (practice.title, practice.steps[0].text) == ("Body scan", "Rest.")


def test_the_loader_updates_only_when_the_version_goes_up(db, library_copy):
    rewrite(library_copy, "body-scan", title="Body scan, revised", version=2)
    assert load_builtin_practices() == (0, 1)
    assert Practice.objects.get(key="body-scan").title == "Body scan, revised"

    rewrite(library_copy, "body-scan", title="An older text", version=1)
    assert load_builtin_practices() == (0, 0)
    assert Practice.objects.get(key="body-scan").title == "Body scan, revised"


def test_clinicians_filter_by_the_process_they_want_to_target(world, http):
    sign_in(http, world.clinician_a)
    page = http.get(reverse("practice_list"), {"process": "compassion-flowing-in"})
    keys = {p.key for p in page.context["practices"]}
    assert {"compassion-flowing-in", "compassionate-colour"} <= keys
    assert "body-scan" not in keys

    short = http.get(reverse("practice_list"), {"length": "short", "kind": "breathing"})
    assert {p.key for p in short.context["practices"]} == {
        "soothing-rhythm-breathing",
        "compassionate-break",
    }


def practice_form(**overrides):
    data = {
        "title": "Kind hands",
        "summary": "Rest a hand where it feels supportive.",
        "layer": "4",
        "processes": ["soothe-system", "self-compassion"],
        "aspects": ["capacities"],
        "lever": "train",
        "kind": "imagery",
        "minutes": "3",
        "player": "steps",
        "steps": "Place a hand on your chest. (20 seconds)\nNotice its warmth.",
        "cautions": "Stop if touch feels unsafe.",
        "alternatives": ["compassionate-colour"],
        "sources": "",
    }
    return data | overrides


def test_a_clinician_writes_a_practice_for_their_organisation_and_revises_it(world, http):
    sign_in(http, world.clinician_a)
    response = http.post(reverse("practice_create"), practice_form())
    practice = Practice.objects.get(title="Kind hands")
    assert response["Location"] == practice.get_absolute_url()
    assert practice.organisation == world.org_a
    assert practice.steps == [
        {"text": "Place a hand on your chest.", "seconds": 20},
        {"text": "Notice its warmth.", "seconds": None},
    ]
    assert practice.version == 1

    http.post(
        reverse("practice_edit", args=[practice.public_id]), practice_form(minutes="4", version="1")
    )
    practice.refresh_from_db()
    assert (practice.version, practice.minutes) == (2, 4)
    assert list(
        AuditEvent.objects.filter(target_id=str(practice.public_id)).values_list(
            "action", flat=True
        )
    ) == ["practice.updated", "practice.created"]


def test_a_mistake_in_the_practice_form_keeps_what_was_typed(world, http):
    sign_in(http, world.clinician_a)
    response = http.post(
        reverse("practice_create"), practice_form(steps="Breathe gently. (2 seconds)")
    )
    assert response.status_code == 400
    assert b"between 5 and 600 seconds" in response.content
    assert b"Kind hands" in response.content
    assert b"Breathe gently. (2 seconds)" in response.content
    assert not Practice.objects.filter(title="Kind hands").exists()


def test_built_in_practices_offer_no_edit(world, http):
    sign_in(http, world.clinician_a)
    builtin = Practice.objects.get(key="body-scan")
    page = http.get(builtin.get_absolute_url())
    assert b"Edit this practice" not in page.content
    assert http.get(reverse("practice_edit", args=[builtin.public_id])).status_code == 404


def test_the_load_command_reports_what_changed(db, library_copy, capsys):
    from django.core.management import call_command

    rewrite(library_copy, "safe-place", version=3)
    call_command("load_practices")
    call_command("load_practices")
    assert capsys.readouterr().out.splitlines() == [
        "Built-in practices: 0 added, 1 updated.",
        "Built-in practices: 0 added, 0 updated.",
    ]


def test_an_edit_made_on_an_older_version_is_not_saved_over_a_newer_one(world, http):
    sign_in(http, world.clinician_a)
    http.post(reverse("practice_create"), practice_form())
    practice = Practice.objects.get(title="Kind hands")
    url = reverse("practice_edit", args=[practice.public_id])
    assert http.post(url, practice_form(minutes="4", version="1")).status_code == 302

    stale = http.post(url, practice_form(minutes="9", summary="Older tab", version="1"))
    assert stale.status_code == 400
    assert b"Someone saved a newer version" in stale.content
    assert b"Older tab" in stale.content
    practice.refresh_from_db()
    assert (practice.version, practice.minutes) == (2, 4)
