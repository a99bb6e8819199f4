"""Every URL of the project against every persona: nobody reaches what is not theirs.

The route inventory is read from Django's URL resolver, so a view added later without a rule
here fails `test_it_has_a_rule_for_every_url`. Denied reads and writes answer 404 (or send an
anonymous visitor to sign in), change no rows, and no response of any kind carries the canary
of a record outside what the persona may see.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from tending.accounts.models import ClientProfile, CrisisContact, Invitation, Organisation
from tending.assignments.models import Assignment
from tending.formulation.models import CirclesCheckIn, FormulationLink, FormulationVersion
from tending.journal.models import EntryPart, JournalEntry, Reply
from tending.measures.models import MeasureRequest, Response
from tending.practices.models import Practice, PracticeLog, PracticeRecording
from tending.safety.models import (
    ContactDetails,
    RiskAnswer,
    RiskEpisode,
    SafetyPlan,
    SafetyPlanVersion,
)
from tending.testing.formulation_records import formulation_records
from tending.testing.journal_records import journal_records
from tending.testing.measure_records import measure_records
from tending.testing.personas import World, sign_in
from tending.testing.practice_records import make_log, make_practice, make_recording
from tending.testing.session_records import session_records
from tending.therapy_sessions.models import (
    LayerNote,
    OwnPractice,
    Reflection,
    SessionAddendum,
    TherapySession,
)
from tending.understanding.models import ModuleProgress

PERSONAS = [
    "anonymous",
    "client_a",
    "client_b",
    "clinician_a",
    "clinician_a2",
    "clinician_b",
    "admin_a",
]
SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}
CLINICIANS = frozenset({"clinician_a", "clinician_a2", "clinician_b"})
PRACTITIONERS = frozenset({"client_a", "client_b"}) | CLINICIANS
ORG_A_PRACTITIONERS = frozenset({"client_a", "client_b", "clinician_a", "clinician_a2"})
TARGETS = {
    # kind: (URL argument, the objects tried)
    "client": ("client_id", ["client_a", "client_b", "client_a2", "client_other"]),
    "member": ("member_id", ["clinician_a2", "clinician_b", "admin_b"]),
    "practice": ("practice_id", ["builtin", "practice_a", "practice_b"]),
    "log": ("log_id", ["log_a", "log_shared"]),
    "recording": ("recording_id", ["recording_a"]),
    "measure_request": ("request_id", ["request_a"]),
    "response": ("response_id", ["response_a"]),
    "alert": ("alert_id", ["alert_a"]),  # a risk answer: its old link opens its episode
    "episode": ("episode_id", ["episode_a"]),
    "assignment": ("assignment_id", ["assignment_a"]),
    "session": ("session_id", ["session_a", "session_signed_a"]),
    "journal_entry": ("entry_id", ["journal_private", "journal_shared", "journal_a2"]),
    "journal_letter": ("entry_id", ["journal_letter"]),
    "formulation_link": ("link_id", ["formulation_link_a"]),
}

# What each persona may ever see named on a page.
VISIBLE = {
    "anonymous": set(),
    "client_a": {
        "client_a",
        "org_a",
        "practice_a",
        "log_a",
        "log_shared",
        "homework_a",
        "journal_private",
        "journal_shared",
        "journal_reply",
        "journal_letter",
        "formulation_a",
        "circles_a",
        "safety_plan_a",
        "contact_a",
    },
    "client_b": {"client_b", "org_a", "practice_a"},
    # A clinician reads a client's practice note only when the client shared it.
    "clinician_a": {
        "clinician_a",
        "org_a",
        "client_a",
        "client_b",
        "practice_a",
        "log_shared",
        "homework_a",
        # A journal entry only while the client shares it, with the replies to it.
        "journal_shared",
        "journal_reply",
        # Session notes of their clients; their own development entries.
        "session_a",
        "session_signed_a",
        "addendum_a",
        "reflection_a",
        "own_practice_a",
        # The formulation, three circles and safety plan are shared between client and clinician.
        "formulation_a",
        "circles_a",
        "safety_plan_a",
        # Contact details: the client's and their primary clinician's, never an admin's.
        "contact_a",
    },
    "clinician_a2": {
        "clinician_a2",
        "org_a",
        "client_a2",
        "practice_a",
        "journal_a2",
        "reflection_a2",
    },
    "clinician_b": {"clinician_b", "org_b", "client_other", "practice_b"},
    # Admins see staff by name and clients only by pseudonymous reference.
    "admin_a": {"admin_a", "org_a", "clinician_a", "clinician_a2"},
}


@dataclass(frozen=True)
class Rule:
    """Who may use a route. `public` routes are open to all; the rest list their personas.

    For routes about one record, `owner` decides from (world, persona, target) instead.
    """

    method: str = "GET"
    allowed: frozenset[str] = frozenset()
    public: bool = False
    target: str = ""  # a kind from TARGETS
    owner: Callable[[World, dict[str, object], str, str], bool] | None = None
    kwargs: dict[str, str] = field(default_factory=dict)


def _clinician_of(world: World, extras: dict[str, object], persona: str, target: str) -> bool:
    client: ClientProfile = getattr(world, target)
    return persona.startswith("clinician") and client.primary_clinician == world.persona(persona)


def _admin_of(world: World, extras: dict[str, object], persona: str, target: str) -> bool:
    member = world.persona(target)
    return persona == "admin_a" and member.membership.organisation == world.org_a


def _admin_of_client(world: World, extras: dict[str, object], persona: str, target: str) -> bool:
    client: ClientProfile = getattr(world, target)
    return persona == "admin_a" and client.organisation == world.org_a


def _sees_practice(world: World, extras: dict[str, object], persona: str, target: str) -> bool:
    practice = extras[target]
    assert isinstance(practice, Practice)
    if practice.organisation_id is None:
        return persona in PRACTITIONERS
    return persona in (
        ORG_A_PRACTITIONERS if practice.organisation == world.org_a else {"clinician_b"}
    )


def _client_sees_practice(world, extras, persona, target) -> bool:
    return persona.startswith("client") and _sees_practice(world, extras, persona, target)


def _clinician_sees_practice(world, extras, persona, target) -> bool:
    return persona.startswith("clinician") and _sees_practice(world, extras, persona, target)


def _edits_practice(world, extras, persona, target) -> bool:
    practice = extras[target]
    return (
        persona.startswith("clinician")
        and practice.organisation_id is not None
        and _sees_practice(world, extras, persona, target)
    )


def _own_log(world, extras, persona, target) -> bool:
    return persona == "client_a"


def _hears_recording(world, extras, persona, target) -> bool:
    return persona in {"clinician_a", "client_a", "client_b"}


def _owns_recording(world, extras, persona, target) -> bool:
    return persona == "clinician_a"


def _client_a_only(world, extras, persona, target) -> bool:
    return persona == "client_a"


def _clinician_a_only(world, extras, persona, target) -> bool:
    return persona == "clinician_a"


def _writes_journal_entry(world, extras, persona, target) -> bool:
    entry = extras[target]
    return persona.startswith("client") and world.persona(persona) == entry.client.user


def _reads_shared_entry(world, extras, persona, target) -> bool:
    entry = extras[target]
    return (
        entry.is_shared
        and persona.startswith("clinician")
        and entry.client.primary_clinician == world.persona(persona)
    )


PUBLIC = Rule(public=True)
RULES: dict[str, Rule] = {
    "home": Rule(allowed=SIGNED_IN),
    "help": PUBLIC,
    "today": Rule(allowed=frozenset({"client_a", "client_b"})),
    "sign_in": PUBLIC,
    "sign_in_verify": PUBLIC,
    "sign_out": Rule(method="POST", public=True),
    "two_factor_required": PUBLIC,
    "password_reset": PUBLIC,
    "password_reset_sent": PUBLIC,
    "password_reset_confirm": Rule(public=True, kwargs={"uidb64": "MQ", "token": "set-password"}),
    "invitation_accept": PUBLIC,
    "invitation_open": Rule(public=True, kwargs={"token": "not-a-real-token"}),
    "account_settings": Rule(allowed=SIGNED_IN),
    "password_change": Rule(allowed=SIGNED_IN),
    "two_factor_setup": Rule(allowed=SIGNED_IN),
    "recovery_codes": Rule(allowed=SIGNED_IN),
    "two_factor_remove": Rule(allowed=SIGNED_IN),
    "caseload": Rule(allowed=CLINICIANS),
    "client_add": Rule(method="POST", allowed=CLINICIANS),
    "client_detail": Rule(target="client", owner=_clinician_of),
    "client_invitation_resend": Rule(method="POST", target="client", owner=_clinician_of),
    "organisation_settings": Rule(allowed=frozenset({"admin_a"})),
    "members": Rule(allowed=frozenset({"admin_a"})),
    "member_invite": Rule(method="POST", allowed=frozenset({"admin_a"})),
    "member_deactivate": Rule(method="POST", target="member", owner=_admin_of),
    "audit_log": Rule(allowed=frozenset({"admin_a"})),
    "audit_log_csv": Rule(allowed=frozenset({"admin_a"})),
    "practice_list": Rule(allowed=PRACTITIONERS),
    "practice_create": Rule(allowed=CLINICIANS),
    "practice_detail": Rule(target="practice", owner=_sees_practice),
    "practice_play": Rule(target="practice", owner=_sees_practice),
    "practice_edit": Rule(target="practice", owner=_edits_practice),
    "practice_log_save": Rule(method="POST", target="practice", owner=_client_sees_practice),
    "recording_upload": Rule(method="POST", target="practice", owner=_clinician_sees_practice),
    "practice_log_detail": Rule(target="log", owner=_own_log),
    "grounding": PUBLIC,
    "my_practice": Rule(allowed=frozenset({"client_a", "client_b"})),
    "client_practice": Rule(target="client", owner=_clinician_of),
    "recording_audio": Rule(target="recording", owner=_hears_recording),
    "recording_delete": Rule(method="POST", target="recording", owner=_owns_recording),
    "questionnaire_list": Rule(allowed=frozenset({"client_a", "client_b"})),
    "questionnaire_take": Rule(target="measure_request", owner=_client_a_only),
    "response_detail": Rule(target="response", owner=_client_a_only),
    "client_measures": Rule(target="client", owner=_clinician_of),
    "measure_request": Rule(method="POST", target="client", owner=_clinician_of),
    "paper_entry": Rule(target="client", owner=_clinician_of, kwargs={"measure_key": "phq9"}),
    "risk_alert_detail": Rule(target="alert", owner=_clinician_a_only),
    "risk_episode_detail": Rule(target="episode", owner=_clinician_a_only),
    "response_fhir": Rule(target="response", owner=_clinician_a_only),
    "questionnaire_fhir": Rule(allowed=CLINICIANS, kwargs={"measure_key": "phq9"}),
    "client_assignments": Rule(target="client", owner=_clinician_of),
    "assignment_create": Rule(target="client", owner=_clinician_of),
    "assignment_edit": Rule(target="assignment", owner=_clinician_a_only),
    "assignment_status": Rule(method="POST", target="assignment", owner=_clinician_a_only),
    "homework_questionnaire": Rule(method="POST", target="assignment", owner=_client_a_only),
    "reminder_settings": Rule(allowed=frozenset({"client_a", "client_b"})),
    "dashboard": Rule(allowed=CLINICIANS),
    "caseload_csv": Rule(allowed=CLINICIANS),
    "client_progress": Rule(target="client", owner=_clinician_of),
    "client_progress_pdf": Rule(target="client", owner=_clinician_of),
    "client_csv": Rule(target="client", owner=_clinician_of),
    "client_layers": Rule(target="client", owner=_clinician_of),
    "client_risk_history": Rule(target="client", owner=_clinician_of),
    "my_contact_details": Rule(allowed=frozenset({"client_a", "client_b"})),
    "client_contact_details": Rule(target="client", owner=_clinician_of),
    "data_dictionary": Rule(allowed=CLINICIANS),
    "my_formulation": Rule(allowed=frozenset({"client_a", "client_b"})),
    "my_formulation_edit": Rule(allowed=frozenset({"client_a", "client_b"})),
    "my_formulation_history": Rule(allowed=frozenset({"client_a", "client_b"})),
    "my_formulation_changes": Rule(allowed=frozenset({"client_a", "client_b"})),
    "my_circles": Rule(allowed=frozenset({"client_a", "client_b"})),
    "my_circles_new": Rule(allowed=frozenset({"client_a", "client_b"})),
    "client_formulation": Rule(target="client", owner=_clinician_of),
    "client_formulation_edit": Rule(target="client", owner=_clinician_of),
    "client_formulation_history": Rule(target="client", owner=_clinician_of),
    "client_formulation_changes": Rule(target="client", owner=_clinician_of),
    "formulation_link_add": Rule(method="POST", target="client", owner=_clinician_of),
    "formulation_link_remove": Rule(
        method="POST", target="formulation_link", owner=_clinician_a_only
    ),
    "client_circles": Rule(target="client", owner=_clinician_of),
    "client_circles_new": Rule(target="client", owner=_clinician_of),
    "client_sessions": Rule(target="client", owner=_clinician_of),
    "session_create": Rule(target="client", owner=_clinician_of),
    "session_detail": Rule(target="session", owner=_clinician_a_only),
    "session_edit": Rule(target="session", owner=_clinician_a_only),
    "session_sign": Rule(target="session", owner=_clinician_a_only),
    "session_addendum": Rule(method="POST", target="session", owner=_clinician_a_only),
    "session_delete": Rule(method="POST", target="session", owner=_clinician_a_only),
    "development": Rule(allowed=CLINICIANS),
    "development_practice": Rule(method="POST", allowed=CLINICIANS),
    "development_reflection": Rule(method="POST", allowed=CLINICIANS),
    "understanding_list": Rule(allowed=PRACTITIONERS),
    "understanding_module": Rule(allowed=PRACTITIONERS, kwargs={"module_key": "tricky-brain"}),
    "understanding_finish": Rule(
        method="POST",
        allowed=frozenset({"client_a", "client_b"}),
        kwargs={"module_key": "tricky-brain"},
    ),
    "client_understanding": Rule(target="client", owner=_clinician_of),
    "journal": Rule(allowed=frozenset({"client_a", "client_b"})),
    "journal_entry_new": Rule(allowed=frozenset({"client_a", "client_b"})),
    "journal_reflection_new": Rule(allowed=frozenset({"client_a", "client_b"})),
    "journal_entry": Rule(target="journal_entry", owner=_writes_journal_entry),
    "journal_entry_edit": Rule(target="journal_entry", owner=_writes_journal_entry),
    "journal_entry_delete_confirm": Rule(target="journal_entry", owner=_writes_journal_entry),
    "journal_entry_delete": Rule(
        method="POST", target="journal_entry", owner=_writes_journal_entry
    ),
    "journal_entry_share": Rule(method="POST", target="journal_entry", owner=_writes_journal_entry),
    "journal_entry_unshare": Rule(
        method="POST", target="journal_entry", owner=_writes_journal_entry
    ),
    "journal_letter_start": Rule(allowed=frozenset({"client_a", "client_b"})),
    "journal_letter_step": Rule(
        target="journal_letter", owner=_writes_journal_entry, kwargs={"step": "2"}
    ),
    "client_journal": Rule(target="client", owner=_clinician_of),
    "shared_journal_entry": Rule(target="journal_entry", owner=_reads_shared_entry),
    "journal_reply": Rule(method="POST", target="journal_entry", owner=_reads_shared_entry),
    # Data-subject rights: a client's own copy, their clinician's copy, erasure by the admin.
    # The safety plan: the client's own, and their primary clinician's; never an admin's.
    "my_safety_plan": Rule(allowed=frozenset({"client_a", "client_b"})),
    "my_safety_plan_edit": Rule(allowed=frozenset({"client_a", "client_b"})),
    "my_safety_plan_history": Rule(allowed=frozenset({"client_a", "client_b"})),
    "my_safety_plan_pdf": Rule(allowed=frozenset({"client_a", "client_b"})),
    "client_safety_plan": Rule(target="client", owner=_clinician_of),
    "client_safety_plan_edit": Rule(target="client", owner=_clinician_of),
    "client_safety_plan_history": Rule(target="client", owner=_clinician_of),
    "client_safety_plan_pdf": Rule(target="client", owner=_clinician_of),
    "client_safety_plan_reviewed": Rule(method="POST", target="client", owner=_clinician_of),
    "privacy_export_own": Rule(allowed=frozenset({"client_a", "client_b"})),
    "privacy_export_client": Rule(target="client", owner=_clinician_of),
    "privacy_erase_start": Rule(allowed=frozenset({"admin_a"})),
    "privacy_erase_confirm": Rule(target="client", owner=_admin_of_client),
    "privacy_erase": Rule(method="POST", target="client", owner=_admin_of_client),
}
# Django's admin is for server operators only; no persona here is one.
ADMIN_PUBLIC = {"admin:login"}


def _route_names(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names += _route_names(pattern.url_patterns, namespace)
        else:
            names.append(f"{prefix}{pattern.name or f'<unnamed {pattern.pattern}>'}")
    return names


ROUTES = _route_names(get_resolver().url_patterns)
ADMIN_ROUTES = [name for name in ROUTES if name.startswith("admin:") and "<unnamed" not in name]


def _admin_url(name: str) -> str:
    for kwargs in (
        {},
        {"app_label": "accounts"},
        {"object_id": "1"},
        {"content_type_id": 1, "object_id": "1"},
        {"pk": 1},
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build a URL for {name}")


def _snapshot() -> tuple[object, ...]:
    """Everything a denied write could have touched."""
    return (
        list(
            ClientProfile.objects.values_list(
                "public_id", "name", "email", "user_id", "primary_clinician_id"
            ).order_by("pk")
        ),
        list(Invitation.objects.values_list("pk", "accepted_at", "revoked_at").order_by("pk")),
        list(get_user_model().objects.values_list("pk", "is_active", "password").order_by("pk")),
        list(Organisation.objects.values_list("pk", "name", "crisis_message").order_by("pk")),
        list(CrisisContact.objects.values_list("pk", "name", "phone").order_by("pk")),
        list(Practice.objects.values_list("pk", "version", "title").order_by("pk")),
        list(PracticeLog.objects.values_list("pk", "token").order_by("pk")),
        list(PracticeRecording.objects.values_list("pk", "size_bytes").order_by("pk")),
        list(Response.objects.values_list("pk", "token").order_by("pk")),
        list(MeasureRequest.objects.values_list("pk", "completed_at").order_by("pk")),
        list(RiskEpisode.objects.values_list("pk", "closed_at", "actions").order_by("pk")),
        list(RiskAnswer.objects.values_list("pk").order_by("pk")),
        list(ContactDetails.objects.values_list("pk", "version", "token").order_by("pk")),
        list(Assignment.objects.values_list("pk", "version", "status").order_by("pk")),
        list(FormulationVersion.objects.values_list("pk", "number").order_by("pk")),
        list(SafetyPlan.objects.values_list("pk", "version", "reviewed_at").order_by("pk")),
        list(SafetyPlanVersion.objects.values_list("pk", "number").order_by("pk")),
        list(FormulationLink.objects.values_list("pk", "part").order_by("pk")),
        list(CirclesCheckIn.objects.values_list("pk", "token").order_by("pk")),
        list(TherapySession.objects.values_list("pk", "version", "signed_at").order_by("pk")),
        list(LayerNote.objects.values_list("pk", "layer").order_by("pk")),
        list(SessionAddendum.objects.values_list("pk", "token").order_by("pk")),
        list(Reflection.objects.values_list("pk", "token").order_by("pk")),
        list(OwnPractice.objects.values_list("pk", "token").order_by("pk")),
        list(
            JournalEntry.objects.values_list("pk", "version", "status", "shared_at").order_by("pk")
        ),
        list(EntryPart.objects.values_list("pk", "text").order_by("pk")),
        list(Reply.objects.values_list("pk", "token").order_by("pk")),
        list(
            ModuleProgress.objects.values_list("pk", "opened_version", "finished_at").order_by("pk")
        ),
    )


def _foreign_canaries(persona: str, body: bytes) -> set[str]:
    found = set(re.findall(r"CANARY-([a-z0-9_]+)", body.decode(errors="replace")))
    return found - VISIBLE[persona]


def _request(http: Client, method: str, url: str):
    return http.post(url, {}) if method == "POST" else http.get(url)


def _is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_it_has_a_rule_for_every_url():
    # Django's admin has unnamed patterns that only redirect to its own (named) pages.
    unnamed = [name for name in ROUTES if "<unnamed" in name and not name.startswith("admin:")]
    unlisted = [name for name in ROUTES if name not in RULES and not name.startswith("admin:")]
    assert unnamed == []
    assert unlisted == []
    assert set(RULES) <= set(ROUTES), "rules for routes that no longer exist"


@pytest.fixture
def extras(world, settings, tmp_path) -> dict[str, object]:
    """Practice records for the routes that take them, each named with a canary."""
    settings.MEDIA_DIR = tmp_path
    builtin = Practice.objects.get(key="soothing-rhythm-breathing")
    return {
        "builtin": builtin,
        "practice_a": make_practice(world.org_a, world.clinician_a, "practice_a"),
        "practice_b": make_practice(world.org_b, world.clinician_b, "practice_b"),
        "log_a": make_log(world.client_a, builtin, note="Note CANARY-log_a"),
        "log_shared": make_log(
            world.client_a, builtin, note="Note CANARY-log_shared", note_shared=True
        ),
        "recording_a": make_recording(world.clinician_a, builtin),
        "contact_a": ContactDetails.objects.create(
            client=world.client_a,
            mobile="+447400123456",
            emergency_name="Ciara CANARY-contact_a",
            emergency_phone="+442079460018",
        ),
        **measure_records(world),
        **session_records(world),
        **journal_records(world),
        **formulation_records(world),
        "safety_plan_a": _safety_plan(world),
        "assignment_a": Assignment.objects.create(
            client=world.client_a,
            kind="measure",
            measure_key="phq9",
            repeat="daily",
            start_date=date(2026, 1, 1),
            created_by=world.clinician_a,
            instructions="Note CANARY-homework_a",  # between client A and clinician A only
        ),
    }


def _safety_plan(world: World) -> SafetyPlan:
    """Client A's safety plan, written by client A; their clinician reads it too."""
    author = world.client_a.user
    assert author is not None
    plan = SafetyPlan.objects.create(client=world.client_a, version=1)
    plan.versions.create(
        number=1,
        token=uuid.uuid4(),
        author=author,
        author_role="client",
        author_name="Client A",
        people_to_ask="My sister CANARY-safety_plan_a 020 7946 0018",
    )
    return plan


def _target_id(world: World, extras: dict[str, object], kind: str, name: str) -> str:
    if kind == "client":
        return str(getattr(world, name).public_id)
    if kind == "member":
        return str(world.persona(name).public_id)
    return str(extras[name].public_id)  # type: ignore[attr-defined]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", sorted(RULES))
def test_it_lets_only_the_right_people_through(world, extras, route, persona):
    rule = RULES[route]
    http = sign_in(Client(), world.persona(persona))
    argument, targets = TARGETS.get(rule.target, ("", [""]))
    for target in targets:
        kwargs = dict(rule.kwargs)
        if argument:
            kwargs[argument] = _target_id(world, extras, rule.target, target)
        url = reverse(route, kwargs=kwargs)
        before = _snapshot()
        response = _request(http, rule.method, url)
        body = b"".join(response) if response.streaming else response.content
        where = f"{rule.method} {url} as {persona} ({target})"

        assert response.status_code < 500, where
        assert _foreign_canaries(persona, body) == set(), where
        if rule.public:
            continue
        if rule.owner:
            allowed = rule.owner(world, extras, persona, target)
        else:
            allowed = persona in rule.allowed
        if allowed:
            assert response.status_code not in (403, 404, 405), where
            assert not _is_sign_in_redirect(response), where
        elif persona == "anonymous":
            assert _is_sign_in_redirect(response), where
            assert _snapshot() == before, where
        else:
            assert response.status_code == 404, where
            assert _snapshot() == before, where


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_keeps_everyone_but_operators_out_of_djangos_admin(world, persona):
    http = sign_in(Client(), world.persona(persona))
    for name in ADMIN_ROUTES:
        url = _admin_url(name)
        response = http.get(url)
        if name in ADMIN_PUBLIC:
            assert response.status_code == 200, url
        else:
            assert response.status_code in (302, 405), url
            if response.status_code == 302:
                final = http.get(response["Location"], follow=True)
                assert final.request["PATH_INFO"] == "/admin/login/", url
        assert _foreign_canaries(persona, response.content) == set(), url


def test_an_old_alert_link_takes_its_owner_to_the_episode(world, extras):
    http = sign_in(Client(), world.clinician_a)
    answer = extras["alert_a"]
    response = http.get(reverse("risk_alert_detail", kwargs={"alert_id": answer.public_id}))
    assert response.status_code == 302
    assert response["Location"] == extras["episode_a"].get_absolute_url()
