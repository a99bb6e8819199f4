"""CSV exports round-trip with the documented columns; the PDF holds the client's scores."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tending.audit.models import AuditEvent
from tending.practices.models import Practice
from tending.reports import exports
from tending.testing.personas import sign_in
from tending.testing.practice_records import make_log
from tending.testing.report_records import scored_response

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def history(world, time_machine):
    time_machine.move_to(NOW)
    breathing = Practice.objects.get(key="soothing-rhythm-breathing")
    scored_response(world.client_a, NOW - timedelta(weeks=6), 17)
    scored_response(world.client_a, NOW - timedelta(weeks=1), 8)
    log = make_log(world.client_a, breathing, note="CANARY-private-note", seconds=420)
    log.before_soothe, log.after_soothe = 3, 6
    log.save()
    scored_response(world.client_b, NOW - timedelta(weeks=2), 11)
    scored_response(world.client_a2, NOW - timedelta(weeks=2), 20)  # clinician_a2's client
    return log


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode()
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == exports.HEADER
    rows = list(reader)
    assert all(None not in row for row in rows)  # no row is longer than the header
    return rows


def test_a_clients_csv_has_a_row_per_answer_per_score_and_per_practice(world, http, history):
    sign_in(http, world.clinician_a)
    rows = _csv(http.get(reverse("client_csv", args=[world.client_a.public_id])))
    assert {row["client_id"] for row in rows} == {str(world.client_a.public_id)}
    items = [row for row in rows if row["record_type"] == "item"]
    scores = [row for row in rows if row["record_type"] == "score"]
    practice = [row for row in rows if row["record_type"] == "practice"]
    assert len(items) == 18  # two PHQ-9s of nine items
    assert [(row["score"], row["value"], row["band"]) for row in scores] == [
        ("total", "17", "Moderately severe"),
        ("total", "8", "Mild"),
    ]
    first_items = [int(row["answer"]) for row in items[:9]]
    assert sum(first_items) == 17 and items[0]["item"] == "1" and items[8]["item"] == "9"
    assert items[0]["occurred_at"].endswith("Z") and items[0]["complete"] == "true"
    (log,) = practice
    assert log["practice"] == "soothing-rhythm-breathing" and log["minutes"] == "7"
    assert (log["before_soothe"], log["after_soothe"], log["before_threat"]) == ("3", "6", "")
    assert log["record_id"] == str(history.public_id)


def test_exports_carry_no_names_and_no_private_writing(world, http, history):
    sign_in(http, world.clinician_a)
    response = http.get(reverse("caseload_csv"))
    text = b"".join(response.streaming_content).decode()
    assert "CANARY" not in text  # neither client names nor the practice note
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["client_id"] for row in rows} == {
        str(world.client_a.public_id),
        str(world.client_b.public_id),
    }  # the caseload, and nobody else's clients


def test_every_export_is_audited(world, http, history):
    sign_in(http, world.clinician_a)
    b"".join(http.get(reverse("client_csv", args=[world.client_a.public_id])).streaming_content)
    b"".join(http.get(reverse("caseload_csv")).streaming_content)
    http.get(reverse("client_progress_pdf", args=[world.client_a.public_id]))
    client_export = AuditEvent.objects.get(action="client.data_exported")
    assert client_export.client_id == world.client_a.public_id
    assert client_export.actor_id == world.clinician_a.public_id
    caseload = AuditEvent.objects.get(action="caseload.data_exported")
    assert caseload.detail == {"clients": 2}
    assert AuditEvent.objects.filter(action="client.progress_pdf_downloaded").count() == 1


def test_the_data_dictionary_explains_every_column(world, http):
    sign_in(http, world.clinician_a)
    html = http.get(reverse("data_dictionary")).content.decode()
    for name, meaning in exports.COLUMNS:
        assert f"<code>{name}</code>" in html
        assert meaning.split(",")[0].replace("'", "&#x27;") in html


def test_the_pdf_holds_the_clients_scores_and_change(world, http, history):
    sign_in(http, world.clinician_a)
    response = http.get(
        reverse("client_progress_pdf", args=[world.client_a.public_id]), {"period": "3m"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="progress-20260820-to-20261118.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.split())
    assert world.client_a.name in text
    assert "PHQ-9" in text
    assert "Latest 8 (mild) on 11 November 2026" in text
    assert "First score 17 on 7 October 2026: recovered" in text
    assert "CANARY-private-note" not in text
    assert "Page 1 of" in text


def test_the_dictionary_names_the_values_the_file_holds():
    from tending.practices.models import PracticeLog

    meanings = dict(exports.COLUMNS)
    for value in PracticeLog.Outcome.values:
        assert value in meanings["outcome"]
    for value in PracticeLog.Feeling.values:
        assert value in meanings["feeling"]


def test_the_caseload_export_costs_the_same_queries_for_two_clients_or_twelve(world, http):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tending.testing.personas import make_client

    sign_in(http, world.clinician_a)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            text = b"".join(http.get(reverse("caseload_csv")).streaming_content).decode()
        return len(captured), len(text.splitlines())

    scored_response(world.client_a, NOW, 9)
    few, few_lines = queries()
    for number in range(10):
        client = make_client(world.org_a, world.clinician_a, f"more_{number}")
        scored_response(client, NOW, number)
    many, many_lines = queries()
    assert many_lines == few_lines + 10 * 10  # nine items and a total each
    assert many == few
