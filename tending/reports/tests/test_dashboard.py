"""The caseload dashboard: risk first, correct change, bounded queries, never stale."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tending.accounts.models import ClientProfile
from tending.assignments.models import Assignment
from tending.audit.models import AuditEvent
from tending.practices.models import Practice
from tending.reports import dashboard
from tending.safety.episodes import RiskItem, raise_risk
from tending.safety.models import Priority, RiskEpisode
from tending.testing.measure_records import answer_phq9
from tending.testing.personas import make_client, sign_in
from tending.testing.practice_records import make_log
from tending.testing.report_records import scored_response

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=LONDON)  # Wednesday


@pytest.fixture
def breathing(db):
    return Practice.objects.get(key="soothing-rhythm-breathing")


def daily(world, practice, opens: time, closes: time) -> Assignment:
    """Daily homework for client_a since 1 November, in the given window."""
    return Assignment.objects.create(
        client=world.client_a,
        created_by=world.clinician_a,
        kind="practice",
        practice=practice,
        repeat="daily",
        start_date=date(2026, 11, 1),
        window_start=opens,
        window_end=closes,
    )


def _rows(http, **params):
    page = http.get(reverse("dashboard"), params)
    assert page.status_code == 200
    return page, list(page.context["page"].object_list)


def test_change_status_latest_scores_and_last_contact(world, http, breathing, time_machine):
    time_machine.move_to(NOW)
    scored_response(world.client_a, NOW - timedelta(weeks=8), 18)
    scored_response(world.client_a, NOW - timedelta(weeks=1), 6)
    scored_response(world.client_b, NOW - timedelta(weeks=6), 5)
    scored_response(world.client_b, NOW - timedelta(weeks=2), 12)
    make_log(world.client_b, breathing, days_ago=1)
    sign_in(http, world.clinician_a)

    _, rows = _rows(http, sort="name")
    by_name = {row.name: row for row in rows}
    recovered = by_name[world.client_a.name]
    assert [(s.short_title, s.total, s.status) for s in recovered.scores] == [
        ("PHQ-9", 6, "recovered")
    ]
    assert recovered.last_contact == (NOW - timedelta(weeks=1)).date()
    worse = by_name[world.client_b.name]
    assert worse.worst_change == "deteriorated"
    assert worse.last_contact == (NOW - timedelta(days=1)).date()  # practice is contact too
    assert {row.name for row in rows} == {world.client_a.name, world.client_b.name}

    _, by_change = _rows(http, sort="change")
    assert [row.name for row in by_change] == [world.client_b.name, world.client_a.name]


def test_a_single_score_is_a_baseline_not_a_change(world, http, time_machine):
    time_machine.move_to(NOW)
    scored_response(world.client_a, NOW - timedelta(days=3), 14)
    sign_in(http, world.clinician_a)
    page, rows = _rows(http)
    row = next(row for row in rows if row.name == world.client_a.name)
    assert [score.status for score in row.scores] == ["baseline"]
    assert "PHQ-9: baseline" in page.content.decode()


def test_open_risk_episodes_come_first_in_every_order_and_on_the_first_page(
    world, http, time_machine
):
    time_machine.move_to(NOW)
    for number in range(60):
        make_client(world.org_a, world.clinician_a, f"aaa_{number:02d}")
    world.client_b.name = "Zed Last-in-the-alphabet"
    world.client_b.save()
    answer_phq9(world)  # client_a: item 9 = 2, a high-priority episode
    scored_response(world.client_b, NOW, 3)
    raise_risk(
        request=None,
        client=world.client_b,
        response_id=world.client_b.responses.get().public_id,
        measure_key="phq9",
        measure_title="PHQ-9",
        items=[RiskItem(9, 1, "", "Several days")],
        priority=Priority.STANDARD,
        answered_at=NOW,
    )
    sign_in(http, world.clinician_a)
    for sort in dashboard.SORTS:
        page, rows = _rows(http, sort=sort)
        assert [row.name for row in rows[:2]] == [world.client_a.name, world.client_b.name], sort
        assert page.context["page"].paginator.num_pages == 2
    html = page.content.decode()
    assert "High-priority risk answer" in html and "2 with risk answers waiting" in html


def test_closing_an_episode_moves_the_client_back_into_order_at_once(world, http):
    answer_phq9(world)
    answer_phq9(world)  # joins the open episode
    sign_in(http, world.clinician_a)
    page, rows = _rows(http, sort="name")
    assert rows[0].name == world.client_a.name and rows[0].high_alert
    assert rows[0].alerts == 2  # both answers of the one open episode
    assert "High-priority risk answer (2 answers)" in page.content.decode()
    episode = RiskEpisode.objects.get()
    http.post(
        reverse("risk_episode_detail", args=[episode.public_id]),
        {"actions": ["phoned"], "note": "Called; safe tonight.", "answers_seen": 2},
    )
    assert RiskEpisode.objects.get().closed_at is not None
    page, rows = _rows(http, sort="name")
    assert not any(row.alerts for row in rows)
    # Closing is not reviewing the safety plan: the row still says it needs looking at.
    row = next(row for row in rows if row.name == world.client_a.name)
    assert row.plan_needs_review
    assert "Safety plan not reviewed since the last risk answer" in page.content.decode()


def test_homework_done_this_week_is_counted_and_open_windows_are_not_missed(
    world, http, breathing, time_machine
):
    time_machine.move_to(NOW)  # Wednesday noon
    daily(world, breathing, time(8), time(10))
    daily(world, breathing, time(18), time(20))
    monday_morning = datetime(2026, 11, 16, 8, 30, tzinfo=LONDON)
    log = make_log(world.client_a, breathing)
    log.started_at = monday_morning
    log.save()
    sign_in(http, world.clinician_a)
    _, rows = _rows(http, sort="adherence")
    row = next(row for row in rows if row.name == world.client_a.name)
    # Morning: Mon, Tue, Wed closed (1 done). Evening: Mon, Tue closed; Wed still to come.
    assert (row.done, row.expected) == (1, 5)
    other = next(row for row in rows if row.name == world.client_b.name)
    assert (other.expected, other.has_homework) == (0, False)
    assert rows[0].name == world.client_a.name  # 20% done sorts before no homework


def test_the_dashboard_costs_the_same_queries_for_two_clients_or_sixty(
    world, http, breathing, time_machine
):
    time_machine.move_to(NOW)
    sign_in(http, world.clinician_a)

    def queries() -> int:
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            http.get(reverse("dashboard"))
        return len(captured)

    def history(client: ClientProfile, weeks: int) -> None:
        for week in range(weeks):
            scored_response(client, NOW - timedelta(weeks=week), week * 3)
        make_log(client, breathing, days_ago=weeks % 9)
        Assignment.objects.create(
            client=client,
            created_by=world.clinician_a,
            kind="practice",
            practice=breathing,
            repeat="daily",
            start_date=date(2026, 11, 1),
        )

    history(world.client_a, 1)
    few = queries()
    for number in range(60):
        history(make_client(world.org_a, world.clinician_a, f"more_{number}"), 4)
    assert queries() == few


def move_client(client, clinician):
    """Move `client` to `clinician` as an operator does, in the admin (the only way)."""
    from django.contrib import admin
    from django.test import RequestFactory

    from tending.accounts.admin import ClientProfileAdmin
    from tending.accounts.models import User

    request = RequestFactory().post("/admin/")
    request.user = User.objects.create_superuser("operator@example.org", "x")
    model_admin = ClientProfileAdmin(ClientProfile, admin.site)
    form = model_admin.get_form(request, client)(
        data={"primary_clinician": clinician.pk}, instance=client
    )
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, True)


def test_the_cached_dashboard_follows_every_change(world, http, time_machine):
    time_machine.move_to(NOW)
    sign_in(http, world.clinician_a)
    _, rows = _rows(http)
    assert all(not row.scores for row in rows)
    scored_response(world.client_a, NOW, 9)
    _, rows = _rows(http)
    assert [s.total for r in rows for s in r.scores] == [9]

    # A client moved to a colleague leaves this dashboard and joins theirs.
    colleague = http.__class__()
    sign_in(colleague, world.clinician_a2)
    _rows(colleague)  # cached before the move
    move_client(world.client_a, world.clinician_a2)
    _, rows = _rows(http)
    assert world.client_a.name not in {row.name for row in rows}
    _, theirs = _rows(colleague)
    assert world.client_a.name in {row.name for row in theirs}


def test_each_view_is_audited_and_unknown_sorts_fall_back(world, http):
    sign_in(http, world.clinician_a)
    _rows(http)
    page, _ = _rows(http, sort="'; drop table", page="99")
    assert page.context["sort"] == "attention"
    events = AuditEvent.objects.filter(action="caseload.dashboard_viewed")
    assert events.count() == 2
    assert events.order_by("occurred_at").last().detail == {"sort": "attention", "page": 1}


def test_signing_in_takes_a_clinician_to_the_dashboard(world, http):
    sign_in(http, world.clinician_a)
    assert http.get(reverse("home"))["Location"] == reverse("dashboard")


def test_an_empty_caseload_says_how_to_start(world, http):
    ClientProfile.objects.filter(primary_clinician=world.clinician_a2).delete()
    sign_in(http, world.clinician_a2)
    page, rows = _rows(http)
    assert rows == []
    assert "No clients yet" in page.content.decode()


def test_the_banner_on_the_dashboard_lists_the_same_alerts_as_everywhere(world, http):
    answer_phq9(world)
    sign_in(http, world.clinician_a)
    caseload = http.get(reverse("caseload")).content.decode()
    board = http.get(reverse("dashboard")).content.decode()

    def banner(html: str) -> str:
        return html.split('class="alert-banner"')[1].split("</div>")[0]

    assert banner(board) == banner(caseload)
    assert "1 client with risk answers waiting for you:" in banner(board)
    assert f"{world.client_a.name} (high, 1 answer)" in banner(board)


def test_subscale_questionnaires_show_on_the_dashboard_and_count_as_contact(
    world, http, time_machine
):
    time_machine.move_to(NOW)
    answered = NOW - timedelta(days=2)
    scored_response(
        world.client_a, answered, measure="fscrs", answers=dict.fromkeys(range(1, 23), 2)
    )
    sign_in(http, world.clinician_a)
    _, rows = _rows(http, sort="name")
    row = next(row for row in rows if row.name == world.client_a.name)
    assert [(s.short_title, s.total) for s in row.scores] == [
        ("FSCRS Hated Self (HS)", 10),
        ("FSCRS Inadequate Self (IS)", 18),
        ("FSCRS Reassured Self (RS)", 16),
    ]
    assert row.last_contact == answered.date()


def test_homework_resting_for_safety_is_not_expected(world, http, time_machine):
    time_machine.move_to(NOW)
    daily(world, Practice.objects.get(key="compassion-to-self"), time(8), time(10))
    sign_in(http, world.clinician_a)
    _, rows = _rows(http)
    assert next(r for r in rows if r.name == world.client_a.name).expected == 3
    answer_phq9(world)  # a risk answer: imagery practice rests until the episode is closed
    _, rows = _rows(http)
    row = next(r for r in rows if r.name == world.client_a.name)
    assert (row.expected, row.done) == (0, 0)


def test_a_clinician_moved_to_another_organisation_sees_the_new_caseload_at_once(world, http):
    sign_in(http, world.clinician_a2)
    _, before = _rows(http)
    assert [row.name for row in before] == [world.client_a2.name]
    membership = world.clinician_a2.membership
    # An operator moves the clinician in the admin (the only place a membership changes).
    from django.contrib import admin

    from tending.accounts.admin import MembershipAdmin
    from tending.accounts.models import Membership

    membership.organisation = world.org_b
    MembershipAdmin(Membership, admin.site).save_model(None, membership, None, True)
    _, after = _rows(http)
    assert world.client_a2.name not in [row.name for row in after]


def test_a_risk_answer_given_after_the_dashboard_was_cached_shows_at_once(world, http):
    # Hazard H-015: a cached dashboard must never hide a new risk answer.
    world.client_a.name = "Zoe Last-in-the-alphabet"
    world.client_a.save()
    sign_in(http, world.clinician_a)
    before = http.get(reverse("dashboard"), {"sort": "name"})
    assert "risk answer" not in before.content.decode().lower()
    assert "answers waiting" not in before.content.decode()

    answer_phq9(world)  # the client's own submission path: item 9 answered 2

    after = http.get(reverse("dashboard"), {"sort": "name"})
    html = after.content.decode()
    rows = after.context["page"].object_list
    assert rows[0].name == "Zoe Last-in-the-alphabet" and rows[0].high_alert
    assert "1 client with risk answers waiting for you:" in html
    assert "High-priority risk answer" in html
    elsewhere = http.get(reverse("caseload"))
    assert "1 client with risk answers waiting for you:" in elsewhere.content.decode()
