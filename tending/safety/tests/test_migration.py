"""Risk alerts made before episodes existed are moved into episodes, none lost (issue 18).

The open alerts of a client become one open episode holding each of them; an acknowledged
alert becomes a closed episode keeping who closed it, when, and their note; every alert keeps
its public id, so a link in an e-mail sent earlier still opens it. Undoing the migration
gives the alerts back.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tending.safety.models import RiskAnswer, RiskEpisode
from tending.testing.personas import build_world

BEFORE = [("measures", "0005_homework_request_window")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_open_and_acknowledged_alerts_become_episodes_without_losing_one(committed):
    world = build_world()
    old = _migrate(BEFORE)
    Response = old.get_model("measures", "Response")
    RiskAlert = old.get_model("measures", "RiskAlert")
    now = timezone.now()

    def alert(client, hours_ago, answer, priority, **closed):
        response = Response.objects.create(
            client_id=client.pk,
            token=uuid.uuid4(),
            measure_key="phq9",
            measure_version=1,
            source="client",
            entered_by_id=client.user_id,
            answers={"9": answer},
            complete=False,
            completed_at=now - timedelta(hours=hours_ago),
        )
        made = RiskAlert.objects.create(
            client_id=client.pk,
            response_id=response.pk,
            measure_key="phq9",
            items=[{"item": 9, "answer": answer}],
            priority=priority,
            **closed,
        )
        RiskAlert.objects.filter(pk=made.pk).update(created_at=now - timedelta(hours=hours_ago))
        return made.public_id, response.public_id

    first = alert(world.client_a, 30, 1, "standard", escalated_at=now, escalated_to=["x"])
    second = alert(world.client_a, 20, 3, "high")
    third = alert(world.client_a, 10, 2, "standard")
    done = alert(
        world.client_b,
        50,
        1,
        "standard",
        acknowledged_at=now - timedelta(hours=40),
        acknowledged_by_id=world.clinician_a.pk,
        acknowledgement="Phoned; safe.",
    )

    _migrate(_latest())

    open_episode = RiskEpisode.objects.get(client=world.client_a)
    assert open_episode.is_open
    assert open_episode.priority == "high"
    assert open_episode.escalated_to == ["x"]
    assert open_episode.opened_at == now - timedelta(hours=30)
    answers = list(open_episode.answers.all())
    assert [a.public_id for a in answers] == [first[0], second[0], third[0]]
    assert [a.response_id for a in answers] == [first[1], second[1], third[1]]
    assert answers[1].items[0]["answer"] == 3
    assert answers[1].items[0]["answer_label"] == "Nearly every day"
    assert answers[0].measure_title == "PHQ-9"

    closed = RiskEpisode.objects.get(client=world.client_b)
    assert not closed.is_open
    assert closed.closed_by == world.clinician_a
    assert closed.note == "Phoned; safe."
    assert RiskAnswer.objects.get(episode=closed).public_id == done[0]
    assert RiskAnswer.objects.count() == 4

    old = _migrate(BEFORE)  # and back again: the alerts return
    RiskAlert = old.get_model("measures", "RiskAlert")
    assert set(RiskAlert.objects.values_list("public_id", flat=True)) == {
        first[0],
        second[0],
        third[0],
        done[0],
    }
    back = RiskAlert.objects.get(public_id=done[0])
    assert back.acknowledgement == "Phoned; safe."
    assert RiskAlert.objects.filter(acknowledged_at=None).count() == 3
    _migrate(_latest())
