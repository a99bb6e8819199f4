from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from tending.measures import checks, definitions, fhir
from tending.measures.definitions import load_definitions
from tending.measures.models import MeasureWording
from tending.measures.services import presentation_for
from tending.testing.measure_records import answer_phq9
from tending.testing.personas import sign_in


def tending(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    return subprocess.run(
        [sys.executable, "-m", "tending", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )


def test_score_prints_the_documented_json():
    result = tending("score", "phq9", "--answers", "1,2,0,3,1,0,2,1,2", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "measure": "phq9",
        "version": 1,
        "total": 12,
        "subscales": {},
        "band": "Moderate",
        "risk_items": [9],
        "complete": True,
    }


def test_change_prints_threshold_and_classification():
    result = tending("change", "gad7", "--before", "15", "--after", "7", "--json")
    data = json.loads(result.stdout)
    assert (data["change"], data["threshold"], data["threshold_method"]) == (-8.0, 4.0, "published")
    assert (data["reliable"], data["classification"], data["cutoff"]) == (True, "recovered", 8.0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "phq10", "--answers", "1"], "unknown measure 'phq10'"),
        (["score", "phq9", "--answers", "1,2"], "PHQ-9 has 9 items; got 2 answers"),
        (["score", "phq9", "--answers", "1,2,0,3,1,0,2,1,7"], "item 9: 7 is outside 0 to 3"),
        (["change", "phq9", "--before", "30", "--after", "2"], "--before 30 is outside 0 to 27"),
        (["change", "oas2", "--before", "20", "--after", "10"], "cannot be judged"),
    ],
)
def test_command_line_errors_are_one_clear_line_and_non_zero(args, message):
    result = tending(*args)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_measures_list_names_every_measure():
    result = tending("measures", "list")
    assert result.returncode == 0
    assert len(result.stdout.strip().splitlines()) == len(load_definitions())
    assert "phq9" in result.stdout and "with wording" in result.stdout


@pytest.mark.parametrize("key", sorted(load_definitions()))
def test_every_definition_exports_as_a_valid_fhir_questionnaire(db, world, key):
    definition = load_definitions()[key]
    body = fhir.questionnaire(definition, presentation_for(definition, world.org_a))
    parsed = Questionnaire.model_validate(body)
    assert len(parsed.item) == definition.item_count
    if definition.loinc_panel:
        assert parsed.code[0].code == definition.loinc_panel


def test_a_response_exports_as_a_valid_questionnaire_response_with_loinc(world, http):
    response = answer_phq9(world)
    sign_in(http, world.clinician_a)
    served = http.get(reverse("response_fhir", args=[response.public_id]))
    assert served["Content-Type"] == "application/fhir+json"
    parsed = QuestionnaireResponse.model_validate(served.json())
    assert parsed.status == "completed"
    item9 = parsed.item[8]
    assert item9.answer[0].valueCoding.code == "LA6570-1"  # "More than half the days"
    assert str(world.client_a.name) not in served.content.decode()


def test_imported_wording_replaces_item_numbers_for_that_organisation_only(world, tmp_path):
    file = tmp_path / "oas2.yaml"
    file.write_text(
        yaml.safe_dump(
            {
                "measure": "oas2",
                "licence": "Used with written permission, 2026",
                "instructions": "Licensed instructions",
                "labels": ["Never", "Seldom", "Sometimes", "Often", "Almost always"],
                "items": [f"Licensed item {n}" for n in range(1, 9)],
            }
        )
    )
    call_command("measures", "import-wording", str(file), "--organisation", world.org_a.name)
    oas2 = load_definitions()["oas2"]
    assert presentation_for(oas2, world.org_a).items[0] == "Licensed item 1"
    assert presentation_for(oas2, world.org_b).items[0] == "Item 1"
    assert MeasureWording.objects.count() == 1

    file.write_text(
        yaml.safe_dump({"measure": "oas2", "licence": "x", "labels": ["a"], "items": ["b"]})
    )
    with pytest.raises(CommandError, match="needs 8 item texts"):
        call_command("measures", "import-wording", str(file), "--organisation", world.org_a.name)


def test_a_broken_definition_fails_the_system_check(tmp_path, monkeypatch):
    folder = tmp_path / "definitions"
    shutil.copytree(definitions.DEFINITIONS_DIR, folder)
    data = yaml.safe_load((folder / "gad7.yaml").read_text())
    data["total"]["bands"][1]["min"] = 3  # overlaps the band before it
    (folder / "gad7.yaml").write_text(yaml.safe_dump(data))
    monkeypatch.setattr(definitions.read_definitions, "__defaults__", (folder,))
    errors = checks.check_measure_definitions()
    assert [error.id for error in errors] == ["measures.E001"]
    assert "gad7.yaml: total.bands[1].min: 3 must be above the max of" in errors[0].msg


def test_a_wording_file_that_is_not_text_is_one_clear_error(world, tmp_path):
    file = tmp_path / "binary.yaml"
    file.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        call_command("measures", "import-wording", str(file), "--organisation", world.org_a.name)


def test_a_risk_rule_outside_the_scale_fails_the_check(tmp_path, monkeypatch):
    folder = tmp_path / "definitions"
    shutil.copytree(definitions.DEFINITIONS_DIR, folder)
    data = yaml.safe_load((folder / "phq9.yaml").read_text())
    data["risk_items"][0]["high_priority_at"] = 4
    (folder / "phq9.yaml").write_text(yaml.safe_dump(data))
    monkeypatch.setattr(definitions.read_definitions, "__defaults__", (folder,))
    errors = checks.check_measure_definitions()
    assert (
        "Questionnaire definition: phq9.yaml: risk_items[0].high_priority_at: "
        "must be from at_least (1) to 3" in errors[0].msg
    )
