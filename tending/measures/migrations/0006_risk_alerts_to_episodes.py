"""Move every risk alert into the safety app's risk episodes, losing none.

The open alerts of a client become one open episode (its priority the highest of theirs,
escalated if any of them was); each acknowledged alert becomes a closed episode of its own,
keeping who closed it, when, and their note. Every alert becomes a risk answer with the same
public id, so links in e-mails already sent still find it.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _title_and_items(alert: Any, definitions: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    definition = definitions.get(alert.measure_key)
    if definition is None:
        return alert.measure_key, list(alert.items)
    texts = {item.number: item.text for item in definition.items}
    labels = dict(
        zip(
            range(definition.scale.min, definition.scale.max + 1),
            definition.scale.labels,
            strict=True,
        )
    )
    items = []
    for entry in alert.items:
        answer = entry.get("answer")
        items.append(
            {
                "item": entry["item"],
                "answer": answer,
                "text": texts.get(entry["item"]) or "",
                "answer_label": (labels.get(answer) or str(answer)) if answer is not None else "",
            }
        )
    return definition.short_title, items


def forwards(apps: Any, schema_editor: Any) -> None:
    from tending.measures.definitions import load_definitions

    definitions = load_definitions()
    RiskAlert = apps.get_model("measures", "RiskAlert")
    RiskEpisode = apps.get_model("safety", "RiskEpisode")
    RiskAnswer = apps.get_model("safety", "RiskAnswer")

    def answer(alert: Any, episode: Any) -> None:
        title, items = _title_and_items(alert, definitions)
        RiskAnswer.objects.create(
            public_id=alert.public_id,
            episode=episode,
            client_id=alert.client_id,
            response_id=alert.response.public_id,
            measure_key=alert.measure_key,
            measure_title=title,
            items=items,
            priority=alert.priority,
            answered_at=alert.created_at,
            notified_at=alert.notified_at,
        )

    alerts = RiskAlert.objects.select_related("response").order_by("created_at", "id")
    open_by_client: dict[int, list[Any]] = {}
    for alert in alerts:
        if alert.acknowledged_at is None:
            open_by_client.setdefault(alert.client_id, []).append(alert)
            continue
        episode = RiskEpisode.objects.create(
            client_id=alert.client_id,
            priority=alert.priority,
            opened_at=alert.created_at,
            closed_at=alert.acknowledged_at,
            closed_by_id=alert.acknowledged_by_id,
            actions=[],
            note=alert.acknowledgement,
            escalated_at=alert.escalated_at,
            escalated_to=list(alert.escalated_to),
        )
        answer(alert, episode)
    for client_id, waiting in open_by_client.items():
        escalated = [alert for alert in waiting if alert.escalated_to]
        told: list[str] = []
        for alert in escalated:
            told += [person for person in alert.escalated_to if person not in told]
        episode = RiskEpisode.objects.create(
            client_id=client_id,
            priority="high" if any(a.priority == "high" for a in waiting) else "standard",
            opened_at=waiting[0].created_at,
            escalated_at=min((a.escalated_at for a in escalated), default=None),
            escalated_to=told,
        )
        for alert in waiting:
            answer(alert, episode)


def backwards(apps: Any, schema_editor: Any) -> None:
    """Turn every risk answer back into an alert; an episode's closing goes to each answer."""
    RiskAlert = apps.get_model("measures", "RiskAlert")
    Response = apps.get_model("measures", "Response")
    RiskAnswer = apps.get_model("safety", "RiskAnswer")
    responses = dict(Response.objects.values_list("public_id", "pk"))
    for answer in RiskAnswer.objects.select_related("episode").order_by("answered_at", "id"):
        episode = answer.episode
        alert = RiskAlert.objects.create(
            public_id=answer.public_id,
            client_id=answer.client_id,
            response_id=responses[answer.response_id],
            measure_key=answer.measure_key,
            items=[{"item": e["item"], "answer": e.get("answer")} for e in answer.items],
            priority=answer.priority,
            acknowledged_at=episode.closed_at,
            acknowledged_by_id=episode.closed_by_id,
            acknowledgement=episode.note,
            notified_at=answer.notified_at,
            escalated_at=episode.escalated_at,
            escalated_to=list(episode.escalated_to),
        )
        RiskAlert.objects.filter(pk=alert.pk).update(created_at=answer.answered_at)  # auto_now_add
    apps.get_model("safety", "RiskEpisode").objects.all().delete()  # they are alerts again


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0005_homework_request_window"),
        ("safety", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
