"""Tidy long-format CSV of questionnaire answers, scores and practice logs.

One row per item answer, one per score (total and each subscale) and one per practice log.
No names and no free text: clients appear by their record identifier, and notes, which are
private writing, never leave in an export. `COLUMNS` is the data dictionary; the header and
the dictionary page are both made from it, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from tending.accounts.models import ClientProfile
from tending.measures.definitions import load_definitions
from tending.measures.models import Response
from tending.practices.models import PracticeLog

COLUMNS: list[tuple[str, str]] = [
    ("client_id", "The client's record identifier (a UUID). Names are never exported."),
    (
        "record_type",
        "item (one answer), score (a total or subscale) or practice (one practice session).",
    ),
    ("record_id", "Identifier of the questionnaire response or practice log the row comes from."),
    ("occurred_at", "When it was completed (questionnaires) or started (practice), UTC, ISO 8601."),
    ("local_date", "The same moment as a date in the client's own time zone."),
    ("measure", "Questionnaire key, for example phq9 (item and score rows)."),
    ("measure_version", "Version of the questionnaire definition used to score it."),
    ("source", "client (the client answered) or paper (a clinician entered a paper form)."),
    ("complete", "true if every scored item was answered; incomplete responses have no total."),
    ("item", "Item number, from 1 (item rows)."),
    ("answer", "The answer as given, before any reverse keying; empty if left blank."),
    ("score", "total, or the key of a subscale (score rows)."),
    ("value", "The score; empty when it could not be computed because items were missing."),
    ("band", "The severity band of a total, as the questionnaire's definition names it."),
    ("practice", "Practice key, for example soothing-rhythm-breathing (practice rows)."),
    ("practice_version", "Version of the practice that was played."),
    ("outcome", "completed (played to the end) or stopped (stopped early)."),
    ("minutes", "Minutes practised, rounded; under a minute counts as 1."),
    (
        "feeling",
        "settling, neutral or stirred_up, as the client chose afterwards; empty if not chosen.",
    ),
    ("before_threat", "Threat rating 0 to 10 before practice; empty if not given."),
    ("before_drive", "Drive rating 0 to 10 before practice."),
    ("before_soothe", "Soothe rating 0 to 10 before practice."),
    ("after_threat", "Threat rating 0 to 10 after practice."),
    ("after_drive", "Drive rating 0 to 10 after practice."),
    ("after_soothe", "Soothe rating 0 to 10 after practice."),
]
HEADER = [name for name, _ in COLUMNS]
CHECKS = [
    f"{when}_{system}" for when in ("before", "after") for system in ("threat", "drive", "soothe")
]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _row(**values: object) -> list[str]:
    return [_cell(values.get(name)) for name in HEADER]


def _iso(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z")


def response_rows(response: Response, client_id: str, zone: ZoneInfo) -> Iterator[list[str]]:
    definitions = load_definitions()
    common = {
        "client_id": client_id,
        "record_id": response.public_id,
        "occurred_at": _iso(response.completed_at),
        "local_date": response.completed_at.astimezone(zone).date().isoformat(),
        "measure": response.measure_key,
        "measure_version": response.measure_version,
        "source": response.source,
        "complete": response.complete,
    }
    for number, answer in sorted(response.answer_map().items()):
        yield _row(record_type="item", item=number, answer=answer, **common)
    definition = definitions.get(response.measure_key)
    if definition is not None and definition.total is not None:
        yield _row(
            record_type="score", score="total", value=response.total, band=response.band, **common
        )
    for key, value in sorted(response.subscales.items()):
        yield _row(record_type="score", score=key, value=value, **common)


def practice_row(log: PracticeLog, client_id: str, zone: ZoneInfo) -> list[str]:
    return _row(
        client_id=client_id,
        record_type="practice",
        record_id=log.public_id,
        occurred_at=_iso(log.started_at),
        local_date=log.started_at.astimezone(zone).date().isoformat(),
        practice=log.practice.key,
        practice_version=log.practice_version,
        outcome=log.outcome,
        minutes=log.minutes,
        feeling=log.feeling,
        **{name: getattr(log, name) for name in CHECKS},
    )


def export_rows(clients: QuerySet[ClientProfile]) -> Iterable[list[str]]:
    """The header, then every questionnaire row and every practice row for `clients`.

    Three queries whatever the number of clients, each streamed in chunks. Practice notes are
    deferred: they are never read, so never decrypted, for an export.
    """
    yield HEADER
    who = {
        pk: (str(public_id), ZoneInfo(zone))
        for pk, public_id, zone in clients.values_list("pk", "public_id", "time_zone")
    }
    responses = Response.objects.filter(client_id__in=list(who)).order_by(
        "client_id", "completed_at", "id"
    )
    for response in responses.iterator(chunk_size=500):
        yield from response_rows(response, *who[response.client_id])
    logs = (
        PracticeLog.objects.filter(client_id__in=list(who))
        .select_related("practice")
        .only(
            "client_id",
            "public_id",
            "started_at",
            "practice__key",
            "practice_version",
            "outcome",
            "seconds_practised",
            "feeling",
            *CHECKS,
        )
        .order_by("client_id", "started_at", "id")
    )
    for log in logs.iterator(chunk_size=500):
        yield practice_row(log, *who[log.client_id])
