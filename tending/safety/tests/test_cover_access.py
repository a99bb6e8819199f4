"""A cover clinician handles an escalated episode with what they need and nothing more
(hazard H-202): the client's numbers and safety plan while the episode is open and theirs,
never the client's other pages, and nothing once it is closed."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tending.safety.episodes import escalate_waiting_episodes
from tending.safety.models import ContactDetails, RiskEpisode, SafetyPlan, SafetyPlanVersion
from tending.testing.measure_records import answer_phq9
from tending.testing.personas import sign_in

PLAN_WORDS = "Ring my brother Ed"


@pytest.fixture
def escalated(world, django_capture_on_commit_callbacks) -> RiskEpisode:
    world.org_a.cover_clinicians.set([world.clinician_a2])
    ContactDetails.objects.create(client=world.client_a, mobile="+447700900123")
    plan = SafetyPlan.objects.create(client=world.client_a, version=1)
    SafetyPlanVersion.objects.create(
        plan=plan,
        number=1,
        token=uuid.uuid4(),
        author=world.client_a.user,
        author_role="client",
        author_name="A",
        people_to_ask=PLAN_WORDS,
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer_phq9(world)
    episode = RiskEpisode.objects.get(client=world.client_a)
    assert escalate_waiting_episodes(timezone.now() + timedelta(hours=25)) == 1
    episode.refresh_from_db()
    return episode


def test_a_cover_clinician_sees_contact_details_and_plan_only_while_the_escalated_episode_is_open(
    world, http, escalated
):
    sign_in(http, world.clinician_a2)
    page = http.get(escalated.get_absolute_url()).content.decode()
    assert 'href="tel:+447700900123"' in page
    assert PLAN_WORDS in page
    client_id = world.client_a.public_id
    for url in (
        f"/clients/{client_id}/",
        f"/clients/{client_id}/contact-details/",
        f"/clients/{client_id}/safety-plan/",
        f"/clients/{client_id}/risk/",
    ):
        assert http.get(url).status_code == 404, url

    response = http.post(
        escalated.get_absolute_url(),
        {"actions": ["phoned"], "note": "", "answers_seen": 1},
    )
    assert response.status_code == 302
    page = http.get(escalated.get_absolute_url()).content.decode()
    assert "Phoned the client" in page  # the record of what they did stays theirs to read
    assert "+447700900123" not in page
    assert PLAN_WORDS not in page


def test_a_cover_clinician_not_told_sees_nothing(world, http, escalated, django_user_model):
    from tending.accounts.models import Membership
    from tending.testing.personas import make_staff

    other = make_staff(world.org_a, Membership.Role.CLINICIAN, "clinician_a3")
    world.org_a.cover_clinicians.add(other)
    sign_in(http, other)
    assert http.get(escalated.get_absolute_url()).status_code == 404


def test_an_admin_never_sees_the_episode_contact_details_or_plan(world, http, escalated):
    sign_in(http, world.admin_a)
    client_id = world.client_a.public_id
    for url in (
        escalated.get_absolute_url(),
        f"/clients/{client_id}/contact-details/",
        f"/clients/{client_id}/safety-plan/",
    ):
        response = http.get(url)
        assert response.status_code in (403, 404), url
        assert "+447700900123" not in response.content.decode()
        assert PLAN_WORDS not in response.content.decode()
