"""Every write that changes what the dashboard, the progress page or the risk banner shows
moves the revisions that key them, in the writer's own transaction; nothing relies on
signals (which `QuerySet.update()` skips). A path missing from here, or a service that
forgets its bump, would let a clinician read a stale dashboard or miss a risk answer.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.core import mail
from django.db.models.signals import post_delete, post_save
from django.test import RequestFactory
from django.urls import reverse

from tending.accounts.admin import ClientProfileAdmin, MembershipAdmin
from tending.accounts.models import ClientProfile, Membership, User
from tending.accounts.services import accept_invitation, invite_client
from tending.assignments.models import Assignment
from tending.measures.models import Response
from tending.practices.models import Practice, PracticeLog
from tending.practices.services import save_practice_log
from tending.privacy.services import erase_client
from tending.revisions.models import ClientRevision
from tending.revisions.services import caseload_number
from tending.safety.episodes import close_episode
from tending.safety.models import RiskAnswer, RiskEpisode, SafetyPlan
from tending.safety.plan import mark_reviewed, save_version
from tending.testing.measure_records import PHQ9_POSITIVE, answer_phq9, import_licensed_wording
from tending.testing.personas import sign_in

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # a Monday


def client_number(client: ClientProfile) -> int:
    return ClientRevision.objects.filter(pk=client.pk).values_list("number", flat=True).first() or 0


class Watch:
    """The client's revision and their clinician's caseload revision, before and after."""

    def __init__(self, client: ClientProfile, *clinicians: User) -> None:
        self.client = client
        self.clinicians = clinicians or (client.primary_clinician,)
        self.before = self.numbers()

    def numbers(self) -> tuple[int, ...]:
        return (client_number(self.client), *(caseload_number(c.pk) for c in self.clinicians))

    def all_moved(self) -> bool:
        return all(
            after > before for after, before in zip(self.numbers(), self.before, strict=True)
        )


def staff_request(user: User):
    request = RequestFactory().post("/")
    request.user = user
    return request


def test_it_moves_when_a_client_answers_a_questionnaire_and_when_its_episode_is_closed(world):
    watch = Watch(world.client_a)
    response = answer_phq9(world, PHQ9_POSITIVE)
    assert watch.all_moved()
    watch = Watch(world.client_a)
    answer_phq9(world, PHQ9_POSITIVE | {9: 3})  # joins the open episode, raising its priority
    assert watch.all_moved()
    watch = Watch(world.client_a)
    episode = RiskAnswer.objects.get(response_id=response.public_id).episode
    assert close_episode(
        request=staff_request(world.clinician_a),
        episode=episode,
        actions=["phoned"],
        note="Rang",
        answers_seen=2,
    )
    assert watch.all_moved()


def test_it_moves_when_a_clinician_marks_the_safety_plan_reviewed(world):
    request = staff_request(world.client_a.user)
    save_version(
        request=request,
        client=world.client_a,
        author=world.client_a.user,
        role="client",
        based_on=0,
        token=uuid.uuid4(),
        texts={"warning_signs": "Not sleeping"},
    )
    watch = Watch(world.client_a)
    plan = SafetyPlan.objects.get(client=world.client_a)
    mark_reviewed(request=staff_request(world.clinician_a), plan=plan, version=1)
    assert watch.all_moved()


def test_it_moves_when_a_practice_is_logged(world):
    watch = Watch(world.client_a)
    breathing = Practice.objects.get(key="soothing-rhythm-breathing", organisation=None)
    request = staff_request(world.client_a.user)
    values = {
        "token": uuid.uuid4(),
        "started_at": NOW,
        "ended_at": NOW,
        "outcome": "completed",
        "seconds_practised": 300,
    }
    save_practice_log(request=request, client=world.client_a, practice=breathing, values=values)
    assert watch.all_moved()


def test_it_moves_when_homework_is_set_changed_paused_and_ended(world, http, time_machine):
    time_machine.move_to(NOW)
    breathing = Practice.objects.get(key="soothing-rhythm-breathing", organisation=None)
    sign_in(http, world.clinician_a)
    form = {
        "token": str(uuid.uuid4()),
        "what": f"practice:{breathing.public_id}",
        "repeat": "daily",
        "interval": "1",
        "start_date": "2026-11-16",
    }
    watch = Watch(world.client_a)
    http.post(reverse("assignment_create", args=[world.client_a.public_id]), form)
    assert watch.all_moved()
    assignment = world.client_a.assignments.get()
    for status in ("paused", "active", "ended"):
        watch = Watch(world.client_a)
        http.post(reverse("assignment_status", args=[assignment.public_id]), {"status": status})
        assert watch.all_moved(), status


def test_it_moves_when_a_client_changes_their_time_zone(world, http):
    watch = Watch(world.client_a)
    sign_in(http, world.client_a.user)
    http.post(
        reverse("reminder_settings"),
        {"enabled": "on", "at": "08:00", "time_zone": "America/New_York"},
    )
    world.client_a.refresh_from_db()
    assert world.client_a.time_zone == "America/New_York"
    assert watch.all_moved()


def test_it_moves_when_a_client_is_invited_and_when_they_accept(
    world, django_capture_on_commit_callbacks
):
    before = caseload_number(world.clinician_a.pk)
    membership = Membership.objects.get(user=world.clinician_a)
    with django_capture_on_commit_callbacks(execute=True):  # the invitation e-mail
        client, _ = invite_client(
            request=staff_request(world.clinician_a),
            clinician=membership,
            name="New Client",
            email="new.client@clients.example",
        )
    assert caseload_number(world.clinician_a.pk) > before
    watch = Watch(client)
    token = re.search(r"/invitations/([\w-]+)/", mail.outbox[-1].body).group(1)
    accept_invitation(request=staff_request(world.clinician_a), token=token, password="x" * 16)
    assert watch.all_moved()


def test_it_moves_both_caseloads_when_an_operator_moves_a_client(world):
    watch = Watch(world.client_a, world.clinician_a, world.clinician_a2)
    request = staff_request(User.objects.create_superuser("operator@example.org", "x"))
    model_admin = ClientProfileAdmin(ClientProfile, admin.site)
    form = model_admin.get_form(request, world.client_a)(
        data={"primary_clinician": world.clinician_a2.pk}, instance=world.client_a
    )
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, True)
    assert watch.all_moved()


def test_it_moves_when_an_operator_changes_a_membership(world):
    before = caseload_number(world.clinician_a2.pk)
    membership = Membership.objects.get(user=world.clinician_a2)
    membership.organisation = world.org_b
    request = staff_request(User.objects.create_superuser("operator@example.org", "x"))
    MembershipAdmin(Membership, admin.site).save_model(request, membership, None, True)
    assert caseload_number(world.clinician_a2.pk) > before


def test_it_moves_the_caseload_when_a_client_is_erased(world):
    before = caseload_number(world.clinician_a.pk)
    erase_client(
        request=staff_request(world.admin_a),
        organisation=world.org_a,
        client_id=world.client_a.public_id,
    )
    assert caseload_number(world.clinician_a.pk) > before


def test_it_moves_every_caseload_of_the_organisation_when_wording_is_imported(world):
    before = {c.pk: caseload_number(c.pk) for c in (world.clinician_a, world.clinician_a2)}
    other = caseload_number(world.clinician_b.pk)
    import_licensed_wording(world.org_a, "fscrs")
    for clinician_id, number in before.items():
        assert caseload_number(clinician_id) > number
    assert caseload_number(world.clinician_b.pk) == other  # another organisation's is kept


@pytest.mark.parametrize("signal", [post_save, post_delete])
@pytest.mark.parametrize(
    "model",
    [ClientProfile, Membership, Response, RiskEpisode, RiskAnswer, PracticeLog, Assignment],
)
def test_no_cache_is_kept_fresh_by_signals(signal, model):
    """Revisions are moved by the services that write; a receiver would hide a missing bump."""
    assert not signal.has_listeners(sender=model)
